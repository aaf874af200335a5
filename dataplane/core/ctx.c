/* The context's clock (see ctx.h). */
#include <rte_cycles.h>

#include "core/ctx.h"

uint32_t wf_ctx_now(const struct wf_ctx *ctx)
{
	if (ctx->replay)
		return ctx->threads[0].now;
	return (rte_rdtsc() - ctx->start_tsc) / ctx->tsc_hz;
}
