/* PMD threads: poll the rx queues the snapshot assigns them and run the switch. */
#ifndef WF_PMD_H
#define WF_PMD_H

#include "core/ctx.h"

struct wf_pmd_arg {
	struct wf_ctx *ctx;
	struct wf_thread *t;
};

/* Entry point of a PMD lcore ('arg' is a struct wf_pmd_arg *). Runs until ctx->quit.
 * Reports an RCU quiescent state after every pass over its queues; while idle it sleeps
 * (growing to ctx->pmd_sleep_max_us) and is offline for RCU meanwhile. */
int wf_pmd_main(void *arg);

#endif
