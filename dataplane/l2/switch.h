/* The learning switch (OVS NORMAL): the input stage of a learning bridge.
 *
 * Stages, each over the burst: ingress (count, validate, VLAN classify and untag), learn
 * (source MAC), lookup (destination, in bulk), output (unicast, flood or drop, through
 * core/output.h). Every drop is counted with its reason. Bridges with flows run the flow
 * stage (ofp/ofp.h) first; its NORMAL action is wf_l2_normal().
 * Thread-safety: called by one forwarding thread with the snapshot it loaded; lock-free. */
#ifndef WF_SWITCH_H
#define WF_SWITCH_H

#include "core/ctx.h"

/* wf_input_fn of learning bridges (core/ctx.h): forwards 'n' (<= WF_BURST) frames received
 * on port index 'in'. Takes ownership of every mbuf (sent or dropped). */
void wf_l2_input(struct wf_thread *t, const struct wf_snap *s, uint16_t in, struct rte_mbuf **pkts,
                 uint16_t n);

/* NORMAL for the flow stage (ofp/ofp.h): the same stages over frames that arrived on port
 * 'in' and went through flows (possibly modified: VLAN rules apply to them as they are now),
 * without counting them as received again and without flushing (the caller calls
 * wf_flush()). Takes ownership of every mbuf. */
void wf_l2_normal(struct wf_thread *t, const struct wf_snap *s, uint16_t in, struct rte_mbuf **pkts,
                  uint16_t n);

#endif
