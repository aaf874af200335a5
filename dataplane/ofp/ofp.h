/* The flow-table input stage of a learning bridge (OpenFlow tables, OVS semantics).
 *
 *   wf_ofp_input(burst from port 'in')
 *     count rx; per 32 frames: fl_key_extract each, table 0 for all of them (the thread's
 *     exact-match cache, then fl_cls_lookup_batch for the keys it did not answer); then per
 *     frame, in order: the flow's actions on the frame and its key (resubmit/goto_table
 *     recurse through fl_cls_lookup, bounded by WF_OFP_MAX_DEPTH); output actions send the
 *     frame as it is (no port VLAN rules); NORMAL hands it, as modified, to the learning
 *     switch (l2/switch.h: wf_l2_normal). A traced frame goes alone (fl_cls_lookup, no cache).
 *
 * A bridge whose only flow is "priority=0,actions=NORMAL" does not use this stage: snap.c
 * keeps wf_l2_input, which counts that flow's packets through wf_snap_bridge.normal_ctr.
 *
 * What PMDs read is a struct wf_ofp_pipe: immutable once published (built by
 * ofp/ofp_cfg.c on the control thread, published in the snapshot by RCU), except the per-thread
 * flow counters, each written by its own thread only (no atomics).
 * Thread-safety: one forwarding thread per call, with the snapshot it loaded; lock-free. */
#ifndef WF_OFP_H
#define WF_OFP_H

#include "core/ctx.h"
#include "fl_cls.h"
#include "flow.h"

#define WF_OFP_MAX_DEPTH   64 /* nested resubmit/goto_table (OVS: 64) */
#define WF_OFP_N_TABLES    (FL_TABLE_MAX + 1)
#define WF_OFP_EXTRACT_MAX 128 /* bytes of a frame the key extractor needs at most */

/* One thread's counters of one flow. A flow's counters are WF_MAX_THREADS of them, thread t's
 * at ctr[t * WF_OFP_CTR_STRIDE] (WF_OFP_CTR(ctr, t)): flows' counters live in chunks of
 * WF_OFP_CTR_STRIDE flows, thread-major (ofp_cfg.c), so one thread's counters of 256 flows fill
 * one 4 KiB page: no cache line is shared between threads, and with many flows a thread's
 * counters stay dense (100,000 flows: 1.6 MB per thread rather than one cache line per flow
 * and thread spread over 110 MB; the datapath's counter update was a cache and TLB miss). */
struct wf_ofp_ctr {
	uint64_t packets, bytes;
};
#define WF_OFP_CTR_STRIDE  256
#define WF_OFP_CTR(ctr, t) ((ctr)[(size_t)(t)*WF_OFP_CTR_STRIDE])

/* One thread's counters of one flow table: lookups (frames looked up in it: from the input
 * stage for table 0, from resubmit/goto_table for any table) and matched (of those, the ones a
 * flow matched). A bridge whose only flow is the default NORMAL one counts each frame as one
 * table 0 lookup and match (per burst, in wf_l2_input). */
struct wf_ofp_tbl_ctr {
	uint64_t lookups, matched;
};

/* One thread's counters of a bridge's flow tables (written only by that thread, summed when
 * read): per table, and table 0 lookups the exact-match cache answered. Owned by the bridge
 * (struct wf_ofp_bridge.tctr, ofp_cfg.h): they survive flow changes. */
struct wf_ofp_tctr {
	struct wf_ofp_tbl_ctr t[WF_OFP_N_TABLES];
	uint64_t cache_hits;
} __rte_cache_aligned;

/* A flow as a pipeline holds it: the classifier rule, the actions to run (captured when the
 * pipeline was built: a later flow-mod builds a new pipeline) and the flow's counters (owned
 * by the flow, which outlives the pipelines that point to it). */
struct wf_ofp_rule {
	struct fl_cls_rule rule;
	const struct fl_action *actions;
	uint32_t n_actions;
	struct wf_ofp_ctr *ctr; /* thread t's: WF_OFP_CTR(ctr, t) */
};

/* The ofport -> port index map of a bridge, sorted by ofport. */
struct wf_ofp_portmap {
	uint32_t ofport;
	uint16_t index;
};

/* A bridge's flow tables as one snapshot sees them. */
struct wf_ofp_pipe {
	uint64_t gen; /* unique per pipeline ever built (from 1): tags exact-match cache entries */
	struct fl_cls *tables[WF_OFP_N_TABLES]; /* NULL: no flow in that table */
	struct wf_ofp_rule *rules;              /* storage of every table's rules */
	uint32_t n_rules;
	struct wf_ofp_tctr *tctr; /* [WF_MAX_THREADS]: the bridge's table counters */
	/* The only flow is table 0, empty match, actions=NORMAL: the bridge keeps wf_l2_input
	 * and counts that flow through 'normal_ctr'. */
	bool normal_only;
	struct wf_ofp_ctr *normal_ctr;
};

/* Exact-match cache of table 0, one per forwarding thread (struct wf_thread.emc; only that
 * thread reads or writes it): direct-mapped by a hash of the whole key. An entry holds the
 * rule (or NULL: a table miss) table 0 gave for that exact key in the pipeline of generation
 * 'gen'; it is used only while the bridge's current pipeline has that generation, so a rule
 * of a freed pipeline is never dereferenced (its entry no longer matches any live pipeline). */
#define WF_OFP_EMC_SIZE 2048 /* entries, a power of two; 64 bytes each */
struct wf_ofp_emc_entry {
	struct fl_key key;
	uint64_t gen; /* 0: empty */
	const struct wf_ofp_rule *rule;
};
/* When the cache does not pay (fewer than WF_OFP_EMC_MIN_HITS hits in a window of
 * WF_OFP_EMC_WINDOW lookups: many more keys than entries, e.g. one per destination), the thread
 * bypasses it for the next WF_OFP_EMC_BYPASS lookups (no probe, no insertion: each would be a
 * random 64-byte access for nothing), then measures again. */
#define WF_OFP_EMC_WINDOW   1024
#define WF_OFP_EMC_MIN_HITS 16
#define WF_OFP_EMC_BYPASS   16384
struct wf_ofp_emc {
	struct wf_ofp_emc_entry e[WF_OFP_EMC_SIZE];
	uint32_t n_probes, n_hits; /* in the current window */
	uint32_t bypass;           /* lookups left to send straight to the classifier */
};

/* Port index of OpenFlow port 'ofport' of bridge 'b', or WF_PORT_NONE. */
uint16_t wf_ofp_port_index(const struct wf_snap_bridge *b, uint32_t ofport);

/* wf_input_fn (core/ctx.h) of bridges with flows: forwards 'n' (<= WF_BURST) frames received
 * on port index 'in'. Takes ownership of every mbuf (sent or dropped). */
void wf_ofp_input(struct wf_thread *t, const struct wf_snap *s, uint16_t in, struct rte_mbuf **pkts,
                  uint16_t n);

#endif
