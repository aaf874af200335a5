/* The learning switch (OVS NORMAL): the fast path of a burst of frames from one port.
 *
 * Stages, each over the burst: ingress (count, validate, VLAN classify and untag), learn
 * (source MAC), lookup (destination, in bulk), output (unicast, flood or drop, VLAN re-tag),
 * then transmit, batched per output port. Every drop is counted with its reason.
 * Thread-safety: called by one forwarding thread with the snapshot it loaded; lock-free. */
#ifndef WF_SWITCH_H
#define WF_SWITCH_H

#include "ctx.h"

/* Forwards 'n' (<= WF_BURST) frames received on port index 'in'. Takes ownership of every
 * mbuf (sent or freed). */
void wf_switch_input(struct wf_thread *t, const struct wf_snap *s, uint16_t in,
                     struct rte_mbuf **pkts, uint16_t n);

/* Queues 'm' (owned, unshared, untagged, of VLAN meta->vlan) to leave by port 'out'. */
void wf_switch_output(struct wf_thread *t, const struct wf_snap *s, uint16_t out,
                      struct rte_mbuf *m, const struct wf_vlan_meta *meta);

/* Transmits everything queued by wf_switch_output() since the last flush. */
void wf_switch_flush(struct wf_thread *t, const struct wf_snap *s);

/* Counts a drop of 'm' on port 'p' for 'reason' and frees it. */
void wf_switch_drop(struct wf_thread *t, struct wf_port *p, enum wf_drop reason,
                    struct rte_mbuf *m);

#endif
