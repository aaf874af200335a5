/* The output stage, shared by every bridge kind: per-port transmit buffers filled during a
 * burst and flushed through the port classes' tx, and the one drop function.
 *
 *   any stage --wf_output(out, m, meta)--> VLAN egress tag --> txbuf[out] --wf_flush--> cls->tx
 *   any stage --wf_drop(port, reason, m)--> ctr[thread].drops[reason]++, free
 *
 * Thread-safety: a forwarding thread's own buffers and counter slot; lock-free. */
#ifndef WF_OUTPUT_H
#define WF_OUTPUT_H

#include <string.h>

#include "core/ctx.h"
#include "core/trace.h"

/* Counts a drop on port 'p' for 'reason' of a frame that does not exist (a copy or a new
 * frame that could not be allocated). While a frame is traced (t->trace) the drop is
 * recorded too; a dry trace counts nothing. */
static inline void wf_drop_count(struct wf_thread *t, struct wf_port *p, enum wf_drop reason)
{
	if (unlikely(t->trace != NULL)) {
		wf_trace_drop(t->trace, p->index, reason);
		if (t->trace->dry)
			return;
	}
	p->ctr[t->slot].drops[reason]++;
}

/* Counts a drop of 'm' on port 'p' for 'reason' and frees it. */
void wf_drop(struct wf_thread *t, struct wf_port *p, enum wf_drop reason, struct rte_mbuf *m);

/* Transmits the full buffer of port 'out' (wf_output_raw()'s slow path). */
void wf_output_full(struct wf_thread *t, const struct wf_snap *s, uint16_t out);

/* The transmit buffer of port 'out', listed for the next wf_flush() if it was not yet. */
static inline struct wf_txbuf *wf_txbuf_touch(struct wf_thread *t, uint16_t out)
{
	struct wf_txbuf *tb = &t->txbufs[out];

	if (!tb->touched) {
		tb->touched = true;
		t->touched[t->n_touched++] = out;
	}
	return tb;
}

/* Queues 'm' (owned, unshared) to leave by port 'out' exactly as it is: no VLAN egress
 * processing (OpenFlow output actions send the frame as the flow left it). Inline: it runs
 * once per frame. */
static inline void wf_output_raw(struct wf_thread *t, const struct wf_snap *s, uint16_t out,
                                 struct rte_mbuf *m)
{
	struct wf_txbuf *tb = wf_txbuf_touch(t, out);

	tb->pkts[tb->n++] = m;
	if (tb->n == WF_BURST)
		wf_output_full(t, s, out);
}

/* Queues the 'n' frames 'pkts' (owned, unshared) to leave by port 'out' exactly as they are,
 * as n calls of wf_output_raw() would, but copying the pointers into the buffer in blocks. */
static inline void wf_output_raw_bulk(struct wf_thread *t, const struct wf_snap *s, uint16_t out,
                                      struct rte_mbuf *const *pkts, uint16_t n)
{
	struct wf_txbuf *tb = wf_txbuf_touch(t, out);

	while (n) {
		uint16_t c = WF_BURST - tb->n < n ? WF_BURST - tb->n : n;

		memcpy(&tb->pkts[tb->n], pkts, c * sizeof(*pkts));
		tb->n += c;
		pkts += c;
		n -= c;
		if (tb->n == WF_BURST)
			wf_output_full(t, s, out);
	}
}

/* Transmits everything queued by wf_output() since the last flush, including what a port's
 * tx queues on other ports while being flushed (a tunnel onto its uplink). */
void wf_flush(struct wf_thread *t, const struct wf_snap *s);

/* Queues 'm' (owned, unshared, untagged, of VLAN meta->vlan) to leave by port 'out', tagged
 * if the port's VLAN rules say so. A full buffer is transmitted at once. */
static inline void wf_output(struct wf_thread *t, const struct wf_snap *s, uint16_t out,
                             struct rte_mbuf *m, const struct wf_vlan_meta *meta)
{
	const struct wf_snap_port *op = &s->ports[out];

	if (wf_vlan_egress_tagged(op->vlan, meta->vlan) && wf_vlan_push(m, meta) < 0) {
		wf_drop(t, op->port, WF_DROP_NO_MBUF, m);
		return;
	}
	wf_output_raw(t, s, out, m);
}

#endif
