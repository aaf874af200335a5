/* The learning switch fast path (see switch.h). */
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "core/output.h"
#include "core/trace.h"
#include "l2/switch.h"
#include "ofp/ofp.h"
#include "vtep/vtep.h"

/* Sends 'm' to every port of the bridge in its VLAN but 'in'. The last one gets 'm' itself,
 * the others a copy (egress tagging differs per port, so frames cannot be shared). Frames
 * from a tunnel are not flooded to other tunnels, nor any frame to a tunnel with
 * options:flood=false. 'tr': the frame's trace recorder, or NULL. */
static void flood(struct wf_thread *t, const struct wf_snap *s, const struct wf_snap_bridge *b,
                  uint16_t in, struct rte_mbuf *m, const struct wf_vlan_meta *meta,
                  struct wf_trace *tr)
{
	uint16_t last = WF_PORT_NONE;
	bool from_tunnel = s->ports[in].tnl != NULL;
	struct wf_trace_step *st = tr ? wf_trace_step(tr, WF_TR_FLOOD) : NULL;

	if (st)
		st->vlan = meta->vlan;
	for (uint16_t i = 0; i < b->n_ports; i++) {
		uint16_t out = b->ports[i];
		if (out == in || !wf_vlan_member(s->ports[out].vlan, meta->vlan))
			continue;
		if (s->ports[out].tnl && (from_tunnel || !s->ports[out].tnl->cfg->flood))
			continue; /* split horizon: full-mesh overlay; or out of the flood set */
		if (st && st->u32 < WF_TRACE_FLOOD)
			st->ports[st->u32] = out;
		if (st)
			st->u32++;
		if (last != WF_PORT_NONE) {
			struct rte_mbuf *c = rte_pktmbuf_copy(m, t->pool, 0, UINT32_MAX);
			if (c)
				wf_output(t, s, last, c, meta);
			else
				wf_drop_count(t, s->ports[last].port, WF_DROP_NO_MBUF);
		}
		last = out;
	}
	if (last == WF_PORT_NONE) {
		wf_drop(t, s->ports[in].port, WF_DROP_NO_OUTPUT, m);
		return;
	}
	if (!tr || !tr->dry)
		b->br->ctr[t->slot].flooded++;
	wf_output(t, s, last, m, meta);
}

/* Trace steps of NORMAL (only in the traced instance of l2_forward). */
static void trace_ingress(struct wf_trace *tr, uint16_t in, const struct wf_vlan_meta *meta,
                          bool tagged)
{
	struct wf_trace_step *st = wf_trace_step(tr, WF_TR_INGRESS);
	if (st) {
		st->port = in;
		st->vlan = meta->vlan;
		st->u32 = tagged;
		st->u32b = meta->pcp;
	}
}

static void trace_mac(struct wf_trace *tr, enum wf_trace_kind k, uint16_t vlan, const uint8_t *mac,
                      uint16_t port, uint32_t what)
{
	struct wf_trace_step *st = wf_trace_step(tr, k);
	if (st) {
		st->port = port;
		st->vlan = vlan;
		st->u32 = what;
		memcpy(st->mac, mac, 6);
	}
}

/* (VLAN, source MAC) of a frame as one number, for equality only: two loads. */
static inline uint64_t l2_src_token(const struct rte_ether_hdr *eh, uint16_t vlan)
{
	uint32_t hi;
	uint16_t lo;
	memcpy(&hi, eh->src_addr.addr_bytes, 4);
	memcpy(&lo, eh->src_addr.addr_bytes + 4, 2);
	return UINT64_C(1) << 63 | (uint64_t)vlan << 48 | (uint64_t)lo << 32 | hi;
}

/* The port a frame to 'dst' in 'vlan' from port 'ip' goes to, given the fdb's answer 'out':
 * 'out' itself if it is a live member of the VLAN on the same bridge, else WF_PORT_NONE
 * (flood); 'why' says which. A multicast or broadcast 'dst' is always a miss: the MAC table
 * holds no group address (wf_fdb_learn() and wf_fdb_add_static() refuse them). */
static inline uint16_t unicast_port(const struct wf_snap *s, const struct wf_snap_port *ip,
                                    uint16_t out, const uint8_t *dst, uint16_t vlan,
                                    enum wf_trace_lookup *why)
{
	if (out == WF_PORT_NONE) {
		*why = dst[0] & 1 ? WF_TRL_MULTICAST : WF_TRL_MISS;
		return WF_PORT_NONE;
	}
	if (out >= WF_MAX_PORTS || !s->ports[out].port || s->ports[out].bridge != ip->bridge ||
	    !wf_vlan_member(s->ports[out].vlan, vlan)) {
		*why = WF_TRL_STALE; /* the port left or changed VLANs */
		return WF_PORT_NONE;
	}
	*why = WF_TRL_HIT;
	return out;
}

/* Queues 'n' unicast frames of one VLAN (meta[0].vlan) on port 'out': one by one where the
 * port tags that VLAN (each frame keeps its priority), else in one block. */
static void output_run(struct wf_thread *t, const struct wf_snap *s, uint16_t out,
                       struct rte_mbuf **pkts, const struct wf_vlan_meta *meta, uint16_t n)
{
	if (wf_vlan_egress_tagged(s->ports[out].vlan, meta[0].vlan)) {
		for (uint16_t i = 0; i < n; i++)
			wf_output(t, s, out, pkts[i], &meta[i]);
		return;
	}
	wf_output_raw_bulk(t, s, out, pkts, n);
}

/* NORMAL over a burst; 'input': the frames were just received (count them on the port and
 * on the default flow) and are flushed at the end, else they come from a flow's NORMAL
 * action (counted already; the flow stage flushes). 'traced' (a constant: two instances):
 * the one frame of the burst is traced (t->trace), and a dry trace changes nothing. */
static inline __attribute__((always_inline)) void l2_forward(struct wf_thread *t,
                                                             const struct wf_snap *s, uint16_t in,
                                                             struct rte_mbuf **pkts, uint16_t n,
                                                             bool input, bool traced)
{
	struct wf_trace *tr = traced ? t->trace : NULL;
	bool dry = traced && tr->dry;
	const struct wf_snap_port *ip = &s->ports[in];
	struct wf_port_ctr *ic = &ip->port->ctr[t->slot];
	const struct wf_snap_bridge *b = &s->bridges[ip->bridge];
	struct wf_vlan_meta meta[WF_BURST];
	struct rte_mbuf *fwd[WF_BURST];
	const uint8_t *dst[WF_BURST];
	uint16_t vlans[WF_BURST], outs[WF_BURST], learn[WF_BURST], k = 0, n_learn = 0;
	uint64_t bytes = 0, prev_src = 0; /* 0: no (VLAN, source) yet (a real one has bit 63) */

	/* Stage 1: ingress — count, validate, classify into a VLAN, untag. */
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		bytes += rte_pktmbuf_pkt_len(m);
		const uint8_t *d0 = rte_pktmbuf_mtod(m, const uint8_t *);
		bool tagged =
		    traced && rte_pktmbuf_data_len(m) >= 14 && d0[12] == 0x81 && d0[13] == 0;
		enum wf_drop r = wf_vlan_ingress(ip->vlan, m, &meta[k]);
		if (r != WF_DROP_NONE) {
			wf_drop(t, ip->port, r, m);
			continue;
		}
		if (traced)
			trace_ingress(tr, in, &meta[k], tagged);
		const struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
		if (rte_is_multicast_ether_addr(&eh->src_addr)) {
			wf_drop(t, ip->port, WF_DROP_SRC_MULTICAST, m);
			continue;
		}
		/* Learn each (VLAN, source) of the burst once per change: a burst from one VM
		 * mostly repeats one source. */
		uint64_t src = l2_src_token(eh, meta[k].vlan);
		if (src != prev_src) {
			learn[n_learn++] = k;
			prev_src = src;
		}
		fwd[k] = m;
		vlans[k] = meta[k].vlan;
		dst[k] = eh->dst_addr.addr_bytes;
		k++;
	}
	if (input && !dry) {
		ic->rx_packets += n;
		ic->rx_bytes += bytes;
		if (b->normal_ctr) {
			struct wf_ofp_tbl_ctr *t0 = &b->normal_tctr[t->slot].t[0];
			WF_OFP_CTR(b->normal_ctr, t->slot).packets += n;
			WF_OFP_CTR(b->normal_ctr, t->slot).bytes += bytes;
			t0->lookups += n;
			t0->matched += n;
		}
	}

	/* Stage 2: learn the sources stage 1 listed. */
	for (uint16_t l = 0; l < n_learn; l++) {
		uint16_t i = learn[l];
		const uint8_t *src = dst[i] + RTE_ETHER_ADDR_LEN;
		if (dry)
			trace_mac(tr, WF_TR_LEARN, vlans[i], src, in, UINT32_MAX);
		else if (traced)
			trace_mac(tr, WF_TR_LEARN, vlans[i], src, in,
			          wf_fdb_learn(b->fdb, vlans[i], src, in, t->now));
		else
			wf_fdb_learn(b->fdb, vlans[i], src, in, t->now);
	}

	/* Stage 3: destination lookup, in bulk. */
	if (k)
		wf_fdb_lookup_bulk(b->fdb, vlans, dst, k, t->now, outs);

	/* Stage 4: output — unicast to a live member port, else flood. The frames after a
	 * unicast one that go to the same port in the same VLAN share its verdict: queued and
	 * counted together (a burst from one VM to another is one such run). */
	for (uint16_t i = 0; i < k;) {
		enum wf_trace_lookup why;
		uint16_t out = unicast_port(s, ip, outs[i], dst[i], vlans[i], &why);
		if (traced)
			trace_mac(tr, WF_TR_LOOKUP, vlans[i], dst[i], out, why);
		if (out == in) {
			wf_drop(t, ip->port, WF_DROP_SAME_PORT, fwd[i++]);
		} else if (out == WF_PORT_NONE) {
			flood(t, s, b, in, fwd[i], &meta[i], tr);
			i++;
		} else {
			uint16_t j = i + 1;
			while (!traced && j < k && outs[j] == out && vlans[j] == vlans[i])
				j++;
			if (!dry)
				b->br->ctr[t->slot].forwarded += j - i;
			output_run(t, s, out, &fwd[i], &meta[i], j - i);
			i = j;
		}
	}
	if (input)
		wf_flush(t, s);
}

/* A traced frame on a bridge whose only flow is the default NORMAL one: that flow as the flow
 * stage would show it (table 0, its priority, its NORMAL action). */
static void trace_default_flow(struct wf_trace *tr, const struct wf_snap_bridge *b)
{
	const struct wf_ofp_pipe *pipe = b->ofp;
	struct wf_trace_step *st;
	if (!pipe || pipe->n_rules != 1)
		return;
	if ((st = wf_trace_step(tr, WF_TR_TABLE))) {
		st->u32b = pipe->rules[0].rule.priority;
		st->aux = b->br->index;
		st->flow.rule = &pipe->rules[0];
		st->flow.gen = pipe->gen;
	}
	if (pipe->rules[0].n_actions && (st = wf_trace_step(tr, WF_TR_ACTION))) {
		st->aux = b->br->index;
		st->flow.rule = pipe->rules[0].actions;
		st->flow.gen = pipe->gen;
	}
}

/* The trace test is made once per burst: the untraced instances have no trace code at all. */
/* On a bridge with a key=flow tunnel: the tunnel id of frames from port 'in' (see
 * wf_snap_bridge.flow_tnl): the VNI a key=flow tunnel received (already set), a fixed-key
 * tunnel's VNI, or 0 from any other port. */
static void set_tun_ids(struct wf_thread *t, const struct wf_snap *s, uint16_t in,
                        struct rte_mbuf **pkts, uint16_t n)
{
	const struct wf_tnl *tn = s->ports[in].tnl;
	if (tn && tn->cfg->key_flow)
		return;
	for (uint16_t i = 0; i < n; i++)
		*wf_tun_id(t, pkts[i]) = tn ? tn->cfg->vni : 0;
}

void wf_l2_input(struct wf_thread *t, const struct wf_snap *s, uint16_t in, struct rte_mbuf **pkts,
                 uint16_t n)
{
	if (unlikely(s->bridges[s->ports[in].bridge].flow_tnl))
		set_tun_ids(t, s, in, pkts, n);
	if (unlikely(t->trace != NULL)) {
		trace_default_flow(t->trace, &s->bridges[s->ports[in].bridge]);
		l2_forward(t, s, in, pkts, n, true, true);
	} else
		l2_forward(t, s, in, pkts, n, true, false);
}

void wf_l2_normal(struct wf_thread *t, const struct wf_snap *s, uint16_t in, struct rte_mbuf **pkts,
                  uint16_t n)
{
	if (unlikely(t->trace != NULL))
		l2_forward(t, s, in, pkts, n, false, true);
	else
		l2_forward(t, s, in, pkts, n, false, false);
}
