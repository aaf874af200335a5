/* Start-up of the context after rte_eal_init() (control plane; see config.h). */
#include <errno.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "core/config.h"
#include "core/ctx.h"
#include "core/log.h"

int wf_ctx_setup(struct wf_ctx *ctx)
{
	unsigned lcore, n = 0;
	size_t sz;

	/* Mbufs: enough for the rx rings of a few ethdev ports and every burst in flight
	 * (--mbufs raises it). Frames bigger than one buffer travel as chains, in replay mode too
	 * (replay.c), so both modes run the same code. */
	ctx->pool = rte_pktmbuf_pool_create("wf_mbufs", ctx->replay ? 8191 : ctx->n_mbufs, 256, 0,
	                                    RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	if (!ctx->pool) {
		WF_LOG(ERR, "cannot create the mbuf pool: %s", rte_strerror(rte_errno));
		return -ENOMEM;
	}
	static const struct rte_mbuf_dynfield tun_field = {
	    .name = "weft_tun_id", .size = sizeof(uint32_t), .align = __alignof__(uint32_t)};
	int tun_off = rte_mbuf_dynfield_register(&tun_field);
	if (tun_off < 0) {
		WF_LOG(ERR, "cannot register the tunnel id mbuf field: %s",
		       rte_strerror(rte_errno));
		return -ENOMEM;
	}
	sz = rte_rcu_qsbr_get_memsize(WF_MAX_THREADS);
	ctx->qsbr = rte_zmalloc("wf_qsbr", sz, RTE_CACHE_LINE_SIZE);
	if (!ctx->qsbr || rte_rcu_qsbr_init(ctx->qsbr, WF_MAX_THREADS) < 0)
		return -ENOMEM;
	/* Forwarding threads: slot 0 (the main lcore: replay mode) and one per PMD. */
	for (unsigned i = 0; i <= ctx->n_pmds; i++) {
		struct wf_thread *t = &ctx->threads[i];
		t->slot = i;
		t->pool = ctx->pool;
		t->tun_off = tun_off;
		t->txq = i == 0 ? 0 : i - 1;
		t->txbufs = rte_zmalloc("wf_txbufs", WF_MAX_PORTS * sizeof(*t->txbufs),
		                        RTE_CACHE_LINE_SIZE);
		t->scratch = rte_malloc("wf_scratch", WF_SCRATCH_SIZE, RTE_CACHE_LINE_SIZE);
		t->emc = rte_zmalloc("wf_emc", sizeof(*t->emc), RTE_CACHE_LINE_SIZE);
		if (!t->txbufs || !t->scratch || !t->emc)
			return -ENOMEM;
	}
	RTE_LCORE_FOREACH_WORKER(lcore)
	{
		if (n < ctx->n_pmds)
			ctx->pmd_lcores[n++] = lcore;
	}
	if (n < ctx->n_pmds) {
		WF_LOG(ERR, "%u PMD threads need %u worker lcores, EAL has %u (use -l/--lcores)",
		       ctx->n_pmds, ctx->n_pmds, n);
		return -EINVAL;
	}
	ctx->tsc_hz = rte_get_tsc_hz();
	ctx->start_tsc = rte_rdtsc();
	return wf_config_publish(ctx);
}
