/* Packet tracing, datapath side: the one recorder type the stages append steps to while a
 * frame is traced (`weftctl trace`, like ovs-appctl ofproto/trace and grout's trace).
 *
 *   wf_thread.trace == NULL  -> nothing is recorded (the normal case: stages test the pointer
 *                               once per burst, or once per frame where they work per frame)
 *   wf_thread.trace != NULL  -> the thread handles exactly one frame; stages append steps:
 *     ofp/ofp.c   table lookups (rule or miss), each action run, the final key
 *     l2/switch.c NORMAL: ingress VLAN, learn, fdb lookup (hit, miss, multicast), flood set
 *     vtep/vtep.c decapsulation (underlay bridges), encapsulation (tunnel tx)
 *     core/output.c every frame leaving a port (its first bytes), every drop with its reason
 *
 * Two users:
 *  - dry runs (trace BR FLOW, trace BR --pcap FILE): the main lcore builds a frame and runs it
 *    through the bridge's input stage of the current snapshot with a recorder whose 'dry' is
 *    set. Dry runs have no side effect: nothing is transmitted (frames reaching the output
 *    stage are recorded and freed; tunnels still encapsulate, into a frame that is then
 *    dropped), no MAC or neighbour is learned, no ARP request is sent, no counter changes and
 *    the exact-match cache is not used.
 *  - live traces (trace --live PORT -c N): the snapshot marks the port (wf_snap_port.trace);
 *    the PMD that receives a burst there calls wf_trace_burst(), which claims records of the
 *    session's pre-allocated array (an atomic index, no allocation), runs each claimed frame
 *    alone through the input stage with the thread's recorder set, and publishes the record.
 *    Frames are forwarded as usual. The main lcore formats finished records.
 *
 * Steps hold plain data (indexes, numbers, header bytes); a matched flow is a pointer into the
 * pipeline of generation 'gen', read by the formatter only while that pipeline is the bridge's
 * current one (flows are freed only by the main lcore, which formats). */
#ifndef WF_TRACE_H
#define WF_TRACE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_branch_prediction.h>

#include "core/ctx.h"

#define WF_TRACE_STEPS    96   /* steps per frame; more are counted in 'lost' */
#define WF_TRACE_OUTCOME  24   /* of which kept for outputs, encapsulations and drops */
#define WF_TRACE_HEAD     96   /* bytes kept of a frame entering or leaving */
#define WF_TRACE_FLOOD    24   /* ports listed in a flood step (more are counted) */
#define WF_TRACE_LIVE_MAX 1000 /* frames one live trace records at most */

enum wf_trace_kind {
	WF_TR_TABLE,   /* flow table lookup: table, rule (NULL: miss), pipe generation */
	WF_TR_ACTION,  /* an action of the rule: act, key's vlan_tci after it */
	WF_TR_INGRESS, /* NORMAL ingress: port, VLAN (tag kept in 'tagged'), pcp */
	WF_TR_LEARN,   /* NORMAL learn: VLAN, MAC, port, result (dry: not learned) */
	WF_TR_LOOKUP,  /* NORMAL lookup: VLAN, MAC, port (WF_PORT_NONE: miss), why */
	WF_TR_FLOOD,   /* NORMAL flood set (split horizon and VLAN membership applied) */
	WF_TR_DECAP,   /* underlay: VXLAN from remote_ip, VNI -> tunnel port */
	WF_TR_VTEP,    /* underlay: ARP or ping to the VTEP answered */
	WF_TR_ENCAP,   /* tunnel tx: VNI, local -> remote, next hop MAC and uplink */
	WF_TR_OUTPUT,  /* a frame leaving port 'port' (dry: what would leave) */
	WF_TR_DROP,    /* dropped with 'reason' on 'port' */
};

/* Why NORMAL's lookup chose what it chose. */
enum wf_trace_lookup {
	WF_TRL_HIT,       /* learned (or static) on that port */
	WF_TRL_MISS,      /* not in the table: flood */
	WF_TRL_MULTICAST, /* broadcast/multicast destination: flood */
	WF_TRL_STALE,     /* an entry for a port that left or is not in the VLAN: flood */
};

struct wf_trace_step {
	uint8_t kind; /* enum wf_trace_kind */
	uint8_t depth;
	uint16_t port; /* a port index, WF_PORT_NONE if none */
	uint16_t aux;  /* TABLE, ACTION: the pipeline's bridge; DECAP: the tunnel port; ENCAP:
	                * the uplink */
	uint16_t vlan; /* INGRESS, LEARN, LOOKUP, FLOOD: the VLAN */
	uint32_t u32;  /* TABLE: table; ACTION: vlan_tci after it; INGRESS: tagged; LEARN: enum
	                * wf_fdb_learn_result (dry: UINT32_MAX); LOOKUP: enum wf_trace_lookup;
	                * FLOOD: ports in the set; DECAP, ENCAP: VNI; VTEP: 1 ARP, 2 ping;
	                * OUTPUT: length; DROP: enum wf_drop */
	uint32_t u32b; /* TABLE: priority; INGRESS: pcp; DECAP, ENCAP, VTEP (ARP): the remote
	                * IPv4 address (network order) */
	union {
		struct {
			const void *rule; /* TABLE: struct wf_ofp_rule; ACTION: struct fl_action */
			uint64_t gen;     /* the pipeline's generation */
		} flow;
		uint8_t mac[6];                 /* LEARN, LOOKUP; ENCAP: next hop */
		uint16_t ports[WF_TRACE_FLOOD]; /* FLOOD */
		uint8_t head[WF_TRACE_HEAD];    /* OUTPUT: the frame's first bytes */
	};
};

/* The record of one traced frame. */
struct wf_trace {
	bool dry;                    /* no side effects (see above) */
	uint8_t depth;               /* current table nesting, stamped on new steps */
	uint16_t n, lost;            /* steps recorded, steps that did not fit */
	uint16_t in_port;            /* port index the frame arrived on */
	uint32_t len;                /* its length */
	uint8_t head[WF_TRACE_HEAD]; /* its first bytes as received */
	bool final_set;        /* the flow stage ran: final_key is the key after the actions */
	uint8_t final_key[48]; /* struct fl_key (flow/flow.h), kept opaque here */
	struct wf_trace_step steps[WF_TRACE_STEPS];
};

/* A live trace: what the snapshot points to while one runs (trace/trace_cfg.c owns it). */
struct wf_trace_rec {
	_Atomic uint32_t done; /* set (release) by the PMD once the record is complete */
	uint32_t lcore;
	uint64_t tsc;
	struct wf_trace tr;
};

struct wf_trace_live {
	_Atomic uint32_t next; /* records claimed so far (may pass n_max: then none is left) */
	uint32_t n_max;
	struct wf_trace_rec *recs; /* [n_max] */
};

/* A new step of kind 'k' at the current depth, or NULL (counted) when the record is full. The
 * last WF_TRACE_OUTCOME steps are kept for outcomes (outputs, encapsulations, drops), so that a
 * resubmit loop filling the record still shows how the frame ended. */
static inline struct wf_trace_step *wf_trace_step(struct wf_trace *tr, enum wf_trace_kind k)
{
	bool outcome = k == WF_TR_OUTPUT || k == WF_TR_ENCAP || k == WF_TR_DROP;
	if (tr->n >= (outcome ? WF_TRACE_STEPS : WF_TRACE_STEPS - WF_TRACE_OUTCOME)) {
		tr->lost++;
		return NULL;
	}
	struct wf_trace_step *st = &tr->steps[tr->n++];
	memset(st, 0, offsetof(struct wf_trace_step, flow));
	st->kind = k;
	st->depth = tr->depth;
	st->port = WF_PORT_NONE;
	return st;
}

/* True when the thread runs a dry trace (no side effects allowed). */
static inline bool wf_trace_dry(const struct wf_thread *t)
{
	return unlikely(t->trace != NULL) && t->trace->dry;
}

/* Starts recorder 'tr' for a frame of 'len' bytes ('data': its first bytes, contiguous,
 * 'n' of them) arriving on port index 'in'. */
void wf_trace_begin(struct wf_trace *tr, bool dry, uint16_t in, const uint8_t *data, uint32_t n,
                    uint32_t len);

/* Steps of the output stage (core/output.c): a frame leaving 'port' ('m': its head is copied),
 * a drop. */
void wf_trace_output(struct wf_trace *tr, uint16_t port, const struct rte_mbuf *m);
void wf_trace_drop(struct wf_trace *tr, uint16_t port, enum wf_drop reason);

/* Live tracing (PMD): pkts[0..n) received on port index 'in' of a port the snapshot marks.
 * Claimed frames go one by one through the bridge's input stage with the thread's recorder
 * set; the rest of the burst goes through it as usual. Takes every mbuf. */
void wf_trace_burst(struct wf_thread *t, const struct wf_snap *s, uint16_t in,
                    struct rte_mbuf **pkts, uint16_t n);

#endif
