/* Dataplane set-up shared by the dp-ctl and pipeline harnesses: EAL (no hugepages, no PCI, one
 * lcore, a private file prefix, logs off) and a replay-mode 'struct wf_ctx' started the way
 * core/main.c starts it (wf_ctx_setup(): mbuf pool, RCU, thread slot 0, empty snapshot), with
 * its run, replay and replay-out directories in the harness's scratch directory. No PMD runs:
 * frames are processed on the calling thread, as the replay engine does. Header-only. */
#ifndef WEFT_FUZZ_DP_H
#define WEFT_FUZZ_DP_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_log.h>

#include "../common/fuzz_tmp.h"
#include "core/config.h"
#include "core/ctx.h"
#include "ctl/ctl.h"

static struct wf_ctx fuzz_ctx;

static inline void fuzz_mkdir(const char *path)
{
	if (mkdir(path, 0700) < 0) {
		perror(path);
		abort();
	}
}

/* Once per process. Aborts on failure. */
/* At exit: the configuration objects are reachable only through DPDK memory, which
 * LeakSanitizer does not scan; free them so it reports real leaks only. Then EAL's cleanup and
 * its runtime directory (/var/run/dpdk/fuzz-<pid>; tests/fuzz/run removes those of processes
 * that crashed). */
static inline void fuzz_dp_fini(void)
{
	char dir[PATH_MAX];

	wf_config_clear(&fuzz_ctx);
	snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	fuzz_rm_tree(dir);
}

static inline struct wf_ctx *fuzz_dp_init(const char *name)
{
	struct wf_ctx *ctx = &fuzz_ctx;
	char prefix[64];
	char *eal_argv[] = {(char *)"weft-fuzz",
	                    (char *)"--no-huge",
	                    (char *)"-m",
	                    (char *)"256",
	                    (char *)"--no-pci",
	                    (char *)"--file-prefix",
	                    prefix,
	                    (char *)"-l",
	                    (char *)"0",
	                    (char *)"--log-level=1",
	                    (char *)"--no-telemetry",
	                    NULL};
	const char *dir = fuzz_tmp_dir(name);

	snprintf(prefix, sizeof(prefix), "fuzz-%d", (int)getpid());
	if (rte_eal_init(sizeof(eal_argv) / sizeof(eal_argv[0]) - 1, eal_argv) < 0) {
		fprintf(stderr, "%s: EAL init failed: %s\n", name, rte_strerror(rte_errno));
		abort();
	}
	rte_log_set_global_level(0);
	ctx->ctl_fd = -1;
	ctx->replay = true;
	ctx->n_pmds = 0;
	ctx->n_mbufs = 8191;
	snprintf(ctx->rundir, sizeof(ctx->rundir), "%s/run", dir);
	snprintf(ctx->pidfile, sizeof(ctx->pidfile), "%s/dataplane.pid", ctx->rundir);
	snprintf(ctx->replay_dir, sizeof(ctx->replay_dir), "%s/in", dir);
	snprintf(ctx->replay_out, sizeof(ctx->replay_out), "%s/out", dir);
	fuzz_mkdir(ctx->rundir);
	fuzz_mkdir(ctx->replay_dir);
	fuzz_mkdir(ctx->replay_out);
	if (wf_ctx_setup(ctx) < 0) {
		fprintf(stderr, "%s: dataplane set-up failed\n", name);
		abort();
	}
	atexit(fuzz_dp_fini);
	return ctx;
}

/* Runs one control request line (as weftctl --direct sends it); returns 0 if it succeeded.
 * Aborts when the reply is not {"id", "result", "error"} with exactly one of the last two
 * null. */
static inline int fuzz_dp_request(struct wf_ctx *ctx, const char *line, size_t len)
{
	json_t *r = wf_ctl_dispatch(ctx, line, len);
	json_t *res, *err;
	int ok;

	if (!r)
		abort();
	res = json_object_get(r, "result");
	err = json_object_get(r, "error");
	if (!res || !err || !json_object_get(r, "id") || json_is_null(res) == json_is_null(err)) {
		char *s = json_dumps(r, 0);

		fprintf(stderr, "bad control reply: %s\n", s ? s : "?");
		abort();
	}
	ok = json_is_null(err) ? 0 : -1;
	json_decref(r);
	return ok;
}

#endif
