/* The learning switch (OVS NORMAL): the input stage of a learning bridge.
 *
 * Stages, each over the burst: ingress (count, validate, VLAN classify and untag), learn
 * (source MAC), lookup (destination, in bulk), output (unicast, flood or drop, through
 * core/output.h). Every drop is counted with its reason. The flow pipeline will sit between
 * ingress and NORMAL.
 * Thread-safety: called by one forwarding thread with the snapshot it loaded; lock-free. */
#ifndef WF_SWITCH_H
#define WF_SWITCH_H

#include "core/ctx.h"

/* wf_input_fn of learning bridges (core/ctx.h): forwards 'n' (<= WF_BURST) frames received
 * on port index 'in'. Takes ownership of every mbuf (sent or dropped). */
void wf_l2_input(struct wf_thread *t, const struct wf_snap *s, uint16_t in, struct rte_mbuf **pkts,
                 uint16_t n);

#endif
