/* Packet tracing, datapath side (see trace.h). */
#include <string.h>

#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "core/trace.h"

void wf_trace_begin(struct wf_trace *tr, bool dry, uint16_t in, const uint8_t *data, uint32_t n,
                    uint32_t len)
{
	tr->dry = dry;
	tr->depth = 0;
	tr->n = tr->lost = 0;
	tr->in_port = in;
	tr->len = len;
	tr->final_set = false;
	memset(tr->head, 0, sizeof(tr->head));
	memcpy(tr->head, data, RTE_MIN(n, (uint32_t)WF_TRACE_HEAD));
}

void wf_trace_output(struct wf_trace *tr, uint16_t port, const struct rte_mbuf *m)
{
	struct wf_trace_step *st = wf_trace_step(tr, WF_TR_OUTPUT);
	if (!st)
		return;
	uint32_t len = rte_pktmbuf_pkt_len(m), n = RTE_MIN(len, (uint32_t)WF_TRACE_HEAD);
	st->port = port;
	st->u32 = len;
	memset(st->head, 0, sizeof(st->head));
	const void *d = rte_pktmbuf_read(m, 0, n, st->head);
	if (d && d != st->head)
		memcpy(st->head, d, n);
}

void wf_trace_drop(struct wf_trace *tr, uint16_t port, enum wf_drop reason)
{
	struct wf_trace_step *st = wf_trace_step(tr, WF_TR_DROP);
	if (st) {
		st->port = port;
		st->u32 = reason;
	}
}

void wf_trace_burst(struct wf_thread *t, const struct wf_snap *s, uint16_t in,
                    struct rte_mbuf **pkts, uint16_t n)
{
	struct wf_trace_live *live = s->trace;
	wf_input_fn *input = s->bridges[s->ports[in].bridge].input;
	uint16_t i = 0;

	for (; live && i < n; i++) {
		if (atomic_load_explicit(&live->next, memory_order_relaxed) >= live->n_max)
			break;
		uint32_t slot = atomic_fetch_add_explicit(&live->next, 1, memory_order_relaxed);
		if (slot >= live->n_max)
			break;
		struct wf_trace_rec *r = &live->recs[slot];
		struct rte_mbuf *m = pkts[i];
		uint32_t len = rte_pktmbuf_pkt_len(m);
		uint8_t buf[WF_TRACE_HEAD];
		const uint8_t *d =
		    rte_pktmbuf_read(m, 0, RTE_MIN(len, (uint32_t)WF_TRACE_HEAD), buf);
		r->lcore = rte_lcore_id();
		r->tsc = rte_rdtsc();
		wf_trace_begin(&r->tr, false, in, d ? d : buf, d ? len : 0, len);
		t->trace = &r->tr;
		input(t, s, in, &pkts[i], 1);
		t->trace = NULL;
		atomic_store_explicit(&r->done, 1, memory_order_release);
	}
	if (i < n)
		input(t, s, in, pkts + i, n - i);
}
