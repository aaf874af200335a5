/* Flow tables of a bridge, control side (main lcore only): the bridge's flow list, its
 * changes (add, delete, modify, replace) and the immutable pipeline (ofp/ofp.h) built from it
 * for each snapshot.
 *
 * Every change validates first, then builds a new list and a new pipeline, publishes them in
 * one snapshot (wf_config_publish) and, after the grace period, frees the old pipeline and the
 * flows that left. Nothing changes on failure. Flows that a change keeps (same table, priority
 * and match; also a modify of their actions) keep their counters and creation time. */
#ifndef WF_OFP_CFG_H
#define WF_OFP_CFG_H

#include <stdbool.h>
#include <stddef.h>

#include "core/ctx.h"
#include "flow.h"
#include "ofp/ofp.h"

/* A flow's counters, shared by the versions of one flow (a modify makes a new version): one
 * slot of the bridge's counter pool ('c': thread t's at WF_OFP_CTR(c, t), ofp.h), and its
 * idle-timeout sampling state (main lcore only): the packet count at the last expiry check and
 * the time of the last hit seen (flow.h, fl_expiry_check). */
struct wf_ofp_ctr_pool;
struct wf_ofp_ctrs {
	unsigned refs;
	uint64_t used_ms, seen_packets;
	uint32_t idx; /* slot in 'pool' */
	struct wf_ofp_ctr *c;
	struct wf_ofp_ctr_pool *pool;
};

struct wf_ofp_flow {
	struct fl_flow fl;    /* owned; table 0..254, cookie_mask 0 */
	uint64_t created_ms;  /* wf_ofp_now_ms() when added (duration) */
	uint64_t modified_ms; /* added or last modified: the hard timeout's start (OVS) */
	struct wf_ofp_ctrs *ctrs;
	uint64_t mark_;   /* private */
	uint8_t expired_; /* private: enum fl_expiry while being removed */
};

/* Flows removed by their timeouts (OpenFlow's flow_removed), oldest first, in a bounded log
 * (ctx->flow_removed, allocated by the first expiry): each entry has a sequence number from 1,
 * increasing; when full, the oldest entry is dropped and counted in 'lost'. Read and
 * acknowledged by the control method flow-removed (weft-controld deletes the Flow rows). */
#define WF_OFP_REMOVED_MAX 4096
struct wf_ofp_removed_entry {
	uint64_t seq;
	char bridge[WF_NAME_MAX];
	uint8_t table;
	uint16_t priority;
	uint64_t cookie;
	char *match;   /* the match without priority (ports by name), malloc'd */
	char *actions; /* (ports by name), malloc'd */
	uint16_t idle_timeout, hard_timeout;
	uint8_t reason; /* enum fl_expiry */
	uint64_t duration_ms, packets, bytes;
};
struct wf_ofp_removed {
	struct wf_ofp_removed_entry e[WF_OFP_REMOVED_MAX]; /* ring */
	size_t head, n;
	uint64_t last_seq, lost;
};

/* Expiry check of every flow (and the idle sample that idle_age reports), on every learning
 * bridge (main lcore: the
 * housekeeping once a second; replay: each time the replay clock advances). Packets counted
 * since the last check are credited to 'hit_ms' (live: now; replay: the last frame's time).
 * Expired flows leave in one snapshot per bridge (as flow-del) and go to ctx->flow_removed
 * with their final counters (read after the grace period). Returns the number removed, or
 * -ENOMEM (nothing removed on that bridge; retried on the next check). */
int wf_ofp_expire(struct wf_ctx *, uint64_t now_ms, uint64_t hit_ms);

/* Drops the entries with seq <= 'ack'. */
void wf_ofp_removed_ack(struct wf_ctx *, uint64_t ack);
/* Frees the log (process exit). */
void wf_ofp_removed_free(struct wf_ctx *);

/* The idle_age and hard_age (seconds) flow-dump reports at 'now_ms'. */
void wf_ofp_flow_ages(const struct wf_ofp_flow *, uint64_t now_ms, uint64_t *idle_age,
                      uint64_t *hard_age);

/* A bridge's flows (in wf_bridge_conf). 'flows' is in insertion order, which is the
 * classifier's tie order (equal priorities: the earlier flow wins). */
struct wf_ofp_bridge {
	struct wf_ofp_flow **flows;
	size_t n;
	struct wf_ofp_pipe *pipe; /* built from 'flows', in the current snapshot */
	struct wf_ofp_tctr *tctr; /* [WF_MAX_THREADS] table counters; every pipeline points here */
	struct wf_ofp_ctr_pool *ctr_pool; /* the flows' counters (ofp_cfg.c) */
};

/* A new bridge's flows: exactly "priority=0,actions=NORMAL" (OVS). 0 or -ENOMEM. */
int wf_ofp_bridge_init(struct wf_ofp_bridge *, uint64_t now_ms);
/* Frees everything; no snapshot may use the pipeline any more. */
void wf_ofp_bridge_fini(struct wf_ofp_bridge *);

/* The flow clock: milliseconds since start (replay mode: replay time). */
uint64_t wf_ofp_now_ms(const struct wf_ctx *);

/* Port names of bridge 'br' for the flow parser and printers (names <-> ofport). 'pm->arg'
 * points to 'names', which must outlive the use of 'pm'. */
struct wf_ofp_names {
	const struct wf_ctx *ctx;
	uint16_t bridge;
};
void wf_ofp_port_map(const struct wf_ctx *, const struct wf_bridge *, struct wf_ofp_names *names,
                     struct fl_port_map *pm);

/* Does match-only flow 'm' (fl_flow_parse with FL_PARSE_MATCH_ONLY) select 'f'? Non-strict
 * (OVS del-flows/mod-flows/dump-flows): f's match is at least as specific as m's and agrees
 * on m's bits; strict: same match and priority. Both: table (unless m says all) and
 * cookie/mask. The flow library's fl_flow_selects (weftctl's database backend uses it too). */
bool wf_ofp_selects(const struct fl_flow *f, const struct fl_flow *m, bool strict);

/* Table 'table''s counters summed over threads; *cache_hits (may be NULL): table 0 lookups
 * the exact-match cache answered (0 for other tables). */
void wf_ofp_table_stats(const struct wf_ofp_bridge *, unsigned table, uint64_t *lookups,
                        uint64_t *matched, uint64_t *cache_hits);

/* Sum of a flow's per-thread counters. */
void wf_ofp_flow_stats(const struct wf_ofp_flow *, uint64_t *packets, uint64_t *bytes);

/* add-flow(s): flows[0..n) in order, in one snapshot: a flow with the same table, priority
 * and match is replaced (counters reset, as OVS); else the flow is appended. */
int wf_ofp_add(struct wf_ctx *, struct wf_bridge *, const struct fl_flow *flows, size_t n,
               char *err, size_t errlen);
/* del-flows: removes the flows 'm' selects (m NULL: every flow); *n_del (may be NULL). */
int wf_ofp_del(struct wf_ctx *, struct wf_bridge *, const struct fl_flow *m, bool strict,
               unsigned *n_del, char *err, size_t errlen);
/* mod-flows: the flows match-only 'm' selects (wf_ofp_selects: table all unless given,
 * cookie/mask) get the actions acts[0..n_acts) (counters, cookie, timeouts and age kept).
 * None selected: nothing added (OpenFlow 1.1+). *n_mod (may be NULL). */
int wf_ofp_mod(struct wf_ctx *, struct wf_bridge *, const struct fl_flow *m,
               const struct fl_action *acts, size_t n_acts, bool strict, unsigned *n_mod, char *err,
               size_t errlen);
/* replace-flows: the bridge's flows become 'flows[0..n)' in one snapshot: identical flows are
 * kept, flows with the same table/priority/match and other actions/cookie are modified
 * (counters kept), the others added or deleted. Duplicates in 'flows': the last one wins. */
int wf_ofp_replace(struct wf_ctx *, struct wf_bridge *, const struct fl_flow *flows, size_t n,
                   char *err, size_t errlen);

#endif
