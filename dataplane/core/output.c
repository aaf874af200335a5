/* The output stage (see output.h). */
#include <rte_mbuf.h>

#include "capture/capture.h"
#include "core/output.h"

void wf_drop(struct wf_thread *t, struct wf_port *p, enum wf_drop reason, struct rte_mbuf *m)
{
	wf_drop_count(t, p, reason);
	rte_pktmbuf_free(m);
}

/* A dry trace's transmit: nothing leaves and nothing is counted. A class whose tx only queues
 * on other ports (a tunnel: it records the outer headers and queues on the uplink, whose
 * flush ends here too) still runs it. */
static void tx_dry(struct wf_thread *t, const struct wf_snap *s, struct wf_port *p,
                   struct rte_mbuf **pkts, uint16_t n)
{
	if (p->cls->tx_in_dry_run) {
		struct wf_txctx tx = {.t = t, .s = s, .q = t->txq};
		uint16_t sent = p->cls->tx(p, &tx, pkts, n);
		for (uint16_t i = sent + tx.n_dropped; i < n; i++)
			rte_pktmbuf_free(pkts[i]);
		return;
	}
	for (uint16_t i = 0; i < n; i++)
		rte_pktmbuf_free(pkts[i]);
}

/* Hands the buffered frames of 'p' to its class; counts what left, drops what was refused. */
static void tx_port(struct wf_thread *t, const struct wf_snap *s, struct wf_port *p,
                    struct wf_txbuf *tb)
{
	struct wf_port_ctr *c = &p->ctr[t->slot];
	struct wf_txctx tx = {.t = t, .s = s, .q = t->txq};
	uint64_t bytes = 0;
	uint16_t n = tb->n, sent;

	tb->n = 0; /* the class may queue frames on other ports, never on its own */
	if (unlikely(t->trace != NULL)) {
		for (uint16_t i = 0; i < n; i++)
			wf_trace_output(t->trace, p->index, tb->pkts[i]);
		if (t->trace->dry) {
			tx_dry(t, s, p, tb->pkts, n);
			return;
		}
	}
	for (uint16_t i = 0; i < n; i++)
		bytes += rte_pktmbuf_pkt_len(tb->pkts[i]);
	wf_capture_burst(t, s, p->index, WF_CAP_OUT, tb->pkts, n);
	if (p->tx_shared) {
		tx.q %= p->n_txq;
		rte_spinlock_lock(&p->txlock[tx.q]);
		sent = p->cls->tx(p, &tx, tb->pkts, n);
		rte_spinlock_unlock(&p->txlock[tx.q]);
	} else {
		sent = p->cls->tx(p, &tx, tb->pkts, n);
	}
	bytes -= tx.dropped_bytes;
	uint16_t refused = n - sent - tx.n_dropped;
	if (refused) {
		enum wf_drop why = __atomic_load_n(&p->link, __ATOMIC_RELAXED)
		                       ? WF_DROP_TX_QUEUE_FULL
		                       : WF_DROP_LINK_DOWN;
		for (uint16_t i = n - refused; i < n; i++) {
			bytes -= rte_pktmbuf_pkt_len(tb->pkts[i]);
			wf_drop(t, p, why, tb->pkts[i]);
		}
	}
	c->tx_packets += sent;
	c->tx_bytes += bytes;
}

void wf_flush(struct wf_thread *t, const struct wf_snap *s)
{
	/* n_touched may grow while flushing: a tunnel's tx queues onto its uplink. */
	for (uint16_t i = 0; i < t->n_touched; i++) {
		uint16_t out = t->touched[i];
		struct wf_txbuf *tb = &t->txbufs[out];
		tb->touched = false;
		if (tb->n)
			tx_port(t, s, s->ports[out].port, tb);
	}
	t->n_touched = 0;
}

void wf_output_full(struct wf_thread *t, const struct wf_snap *s, uint16_t out)
{
	tx_port(t, s, s->ports[out].port, &t->txbufs[out]);
}
