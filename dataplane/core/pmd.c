/* PMD loop (see pmd.h). */
#include <unistd.h>

#include <rte_cycles.h>

#include "capture/capture.h"
#include "core/csum.h"
#include "core/pmd.h"
#include "core/trace.h"

int wf_pmd_main(void *arg)
{
	struct wf_pmd_arg *a = arg;
	struct wf_ctx *ctx = a->ctx;
	struct wf_thread *t = a->t;
	unsigned pmd = t->slot - 1;
	uint32_t sleep_us = 0;
	struct rte_mbuf *pkts[WF_BURST];

	rte_rcu_qsbr_thread_register(ctx->qsbr, t->slot);
	rte_rcu_qsbr_thread_online(ctx->qsbr, t->slot);
	/* One clock read per iteration: an iteration starts when the previous one ended. */
	uint64_t t0 = rte_rdtsc();
	while (!atomic_load_explicit(&ctx->quit, memory_order_relaxed)) {
		const struct wf_snap *s = atomic_load_explicit(&ctx->snap, memory_order_acquire);
		unsigned n_total = 0;

		if (unlikely(t0 >= t->now_next_tsc)) { /* a division once a second, not per poll */
			t->now = (t0 - ctx->start_tsc) / ctx->tsc_hz;
			t->now_next_tsc = ctx->start_tsc + (t->now + 1) * ctx->tsc_hz;
		}
		for (uint16_t i = 0; s && i < s->n_rxqs[pmd]; i++) {
			const struct wf_rxq *q = &s->rxqs[pmd][i];
			struct wf_port *p = s->ports[q->port].port;
			uint16_t n = p->cls->rx(p, q->queue, pkts, WF_BURST);
			if (n) {
				const struct wf_snap_bridge *b =
				    &s->bridges[s->ports[q->port].bridge];
				wf_capture_burst(t, s, q->port, WF_CAP_IN, pkts, n);
				if (p->rx_csum_partial && !b->vtep)
					n = wf_csum_complete_burst(t, p, pkts, n);
				if (unlikely(n && s->ports[q->port].trace))
					wf_trace_burst(t, s, q->port, pkts, n);
				else if (n)
					b->input(t, s, q->port, pkts, n);
				n_total += n;
				t->n_bursts++;
			}
		}
		rte_rcu_qsbr_quiescent(ctx->qsbr, t->slot);
		uint64_t t1 = rte_rdtsc(), dt = t1 - t0;
		t0 = t1;
		if (n_total) {
			t->busy_cycles += dt;
			t->n_packets += n_total;
			sleep_us = 0;
			continue;
		}
		t->idle_cycles += dt;
		if (ctx->pmd_sleep_max_us) {
			/* Back off while idle so guests and other dataplanes get the core. */
			sleep_us = sleep_us ? RTE_MIN(sleep_us * 2, ctx->pmd_sleep_max_us) : 1;
			rte_rcu_qsbr_thread_offline(ctx->qsbr, t->slot);
			usleep(sleep_us);
			rte_rcu_qsbr_thread_online(ctx->qsbr, t->slot);
			t0 = rte_rdtsc(); /* the sleep is neither busy nor idle polling */
		}
	}
	rte_rcu_qsbr_thread_offline(ctx->qsbr, t->slot);
	rte_rcu_qsbr_thread_unregister(ctx->qsbr, t->slot);
	return 0;
}
