/* weft-dataplane: EAL set-up, the context, PMD lcores and the main lcore's loop.
 *
 *   weft-dataplane [EAL args] -- [--rundir DIR] [--pmds N] [--pmd-sleep-max US]
 *                                [--replay CASE_DIR --replay-out OUT_DIR] [--pidfile F]
 *
 * See docs/dataplane-usage.md. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "sock.h"
#include "util_num.h"

#include "capture/capture_cfg.h"
#include "trace/trace_cfg.h"
#include "core/config.h"
#include "core/eal_args.h"
#include "core/log.h"
#include "core/pmd.h"
#include "ofp/ofp.h"
#include "ofp/ofp_cfg.h"
#include "ctl/ctl.h"
#include "l2/fdb_cfg.h"

static struct wf_ctx *the_ctx; /* for the signal handler only */

static void on_signal(int sig)
{
	(void)sig;
	if (the_ctx)
		atomic_store(&the_ctx->quit, true);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: weft-dataplane [EAL args] -- [--rundir DIR] [--pmds N]\n"
	           "           [--pmd-sleep-max US] [--mbufs N] [--pidfile FILE]\n"
	           "           [--sock-group GROUP] [--replay CASE_DIR --replay-out OUT_DIR]\n"
	           "  --rundir DIR        run directory (default $WEFT_RUNDIR or /run/weft)\n"
	           "  --sock-group GROUP  group of <rundir>/dataplane.sock, mode 0660 (default\n"
	           "                      $WEFT_SOCK_GROUP, else the process's group)\n"
	           "  --pmds N            PMD threads (default 1; 0 = no forwarding)\n"
	           "  --pmd-sleep-max US  idle PMDs sleep up to US microseconds (default 0: busy "
	           "poll)\n"
	           "  --mbufs N           packet buffers (default 16383; an ethdev rx queue holds "
	           "1024)\n"
	           "  --pidfile FILE      (default <rundir>/dataplane.pid)\n"
	           "  --replay DIR        pcap test mode: replay ports read DIR/<port>.in.pcap\n"
	           "  --replay-out DIR    ... and write DIR/<port>.out.pcap\n");
}

static int parse_args(struct wf_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"rundir", required_argument, NULL, 'r'},
	    {"pmds", required_argument, NULL, 'n'},
	    {"pmd-sleep-max", required_argument, NULL, 's'},
	    {"pidfile", required_argument, NULL, 'p'},
	    {"mbufs", required_argument, NULL, 'm'},
	    {"replay", required_argument, NULL, 'R'},
	    {"replay-out", required_argument, NULL, 'O'},
	    {"sock-group", required_argument, NULL, 'g'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *env = getenv("WEFT_RUNDIR"), *group = getenv("WEFT_SOCK_GROUP");
	long long v;
	int c;

	snprintf(ctx->rundir, sizeof(ctx->rundir), "%s", env && *env ? env : "/run/weft");
	ctx->n_pmds = 1;
	ctx->n_mbufs = 16383;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			snprintf(ctx->rundir, sizeof(ctx->rundir), "%s", optarg);
			break;
		case 'n':
			if (util_parse_int(optarg, 0, WF_MAX_PMDS, &v) < 0) {
				fprintf(stderr, "weft-dataplane: --pmds must be 0..%d\n",
				        WF_MAX_PMDS);
				return -EINVAL;
			}
			ctx->n_pmds = v;
			break;
		case 's':
			if (util_parse_int(optarg, 0, 1000000, &v) < 0) {
				fprintf(stderr,
				        "weft-dataplane: --pmd-sleep-max must be 0..1000000\n");
				return -EINVAL;
			}
			ctx->pmd_sleep_max_us = v;
			break;
		case 'p':
			snprintf(ctx->pidfile, sizeof(ctx->pidfile), "%s", optarg);
			break;
		case 'm':
			if (util_parse_int(optarg, 1024, 1u << 22, &v) < 0) {
				fprintf(stderr, "weft-dataplane: --mbufs must be 1024..4194304\n");
				return -EINVAL;
			}
			ctx->n_mbufs = v;
			break;
		case 'R':
			ctx->replay = true;
			snprintf(ctx->replay_dir, sizeof(ctx->replay_dir), "%s", optarg);
			break;
		case 'O':
			snprintf(ctx->replay_out, sizeof(ctx->replay_out), "%s", optarg);
			break;
		case 'g':
			group = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "weft-dataplane: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	if (ctx->replay) {
		if (!ctx->replay_out[0]) {
			fprintf(stderr, "weft-dataplane: --replay needs --replay-out\n");
			return -EINVAL;
		}
		ctx->n_pmds = 0; /* frames are processed on the main lcore */
	}
	if (!ctx->pidfile[0])
		snprintf(ctx->pidfile, sizeof(ctx->pidfile), "%s/dataplane.pid", ctx->rundir);
	ctx->sock_gid = (gid_t)-1;
	if (group && *group && util_group_parse(group, &ctx->sock_gid) < 0) {
		fprintf(stderr, "weft-dataplane: --sock-group: no group '%s'\n", group);
		return -EINVAL;
	}
	return 0;
}

static void write_pidfile(const struct wf_ctx *ctx)
{
	FILE *f = fopen(ctx->pidfile, "w");
	if (f) {
		fprintf(f, "%d\n", (int)getpid());
		fclose(f);
	}
}

/* Housekeeping once a second: MAC aging, table rebuilds, link state, flow timeouts. */
static void housekeeping(struct wf_ctx *ctx)
{
	uint32_t now = wf_ctx_now(ctx);
	uint64_t now_ms = wf_ofp_now_ms(ctx);
	int n_exp = wf_ofp_expire(ctx, now_ms, now_ms);
	if (n_exp > 0)
		WF_LOG(INFO, "%d flow(s) removed by their timeouts", n_exp);

	for (unsigned b = 0; b < WF_MAX_BRIDGES; b++) {
		struct wf_bridge *br = ctx->bridges[b];
		if (!br)
			continue;
		wf_fdb_age(br->fdb, now);
		if (wf_fdb_needs_rebuild(br->fdb)) {
			/* Same size: a fresh table without the dead slots (retried next second
			 * if memory is short). */
			struct wf_fdb_params p;
			wf_fdb_get_params(br->fdb, &p);
			wf_bridge_fdb_replace(ctx, br, &p);
		}
	}
	for (unsigned i = 0; i < WF_MAX_PORTS; i++) {
		struct wf_port *p = ctx->ports[i];
		if (!p)
			continue;
		if (p->cls->housekeep)
			p->cls->housekeep(ctx, p);
		bool up = p->cls->link_up(p);
		if (up != p->link) {
			WF_LOG(INFO, "port %s link %s", p->name, up ? "up" : "down");
			__atomic_store_n(&p->link, up, __ATOMIC_RELAXED);
		}
	}
}

int main(int argc, char **argv)
{
	static struct wf_ctx ctx_storage;
	struct wf_ctx *ctx = &ctx_storage;
	struct wf_eal_args ea;
	struct wf_pmd_arg pargs[WF_MAX_PMDS];
	int ret, n_eal;

	ctx->ctl_fd = -1;
	if (wf_eal_args_split(argc, argv, &ea) < 0)
		return 2;
	if (parse_args(ctx, ea.app_argc, ea.app_argv) < 0)
		return 2;
	if (wf_eal_args_defaults(&ea, ctx->n_pmds, ctx->replay) < 0)
		return 2;
	if (mkdir(ctx->rundir, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "weft-dataplane: cannot create run directory %s: %s\n", ctx->rundir,
		        strerror(errno));
		return 1;
	}
	n_eal = rte_eal_init(ea.eal_argc, ea.eal_argv);
	if (n_eal < 0) {
		fprintf(stderr, "weft-dataplane: EAL init failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	the_ctx = ctx;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	if ((ret = wf_ctx_setup(ctx)) < 0 || (ret = wf_ctl_init(ctx)) < 0) {
		WF_LOG(ERR, "start-up failed: %s", strerror(-ret));
		rte_eal_cleanup();
		return 1;
	}
	write_pidfile(ctx);
	for (unsigned i = 0; i < ctx->n_pmds; i++) {
		ctx->threads[i + 1].lcore = ctx->pmd_lcores[i];
		pargs[i] = (struct wf_pmd_arg){ctx, &ctx->threads[i + 1]};
		rte_eal_remote_launch(wf_pmd_main, &pargs[i], ctx->pmd_lcores[i]);
	}
	WF_LOG(NOTICE, "weft-dataplane ready: %s/dataplane.sock, %u PMD(s)%s", ctx->rundir,
	       ctx->n_pmds, ctx->replay ? ", replay mode" : "");
	uint64_t next_hk = 0;
	while (!atomic_load(&ctx->quit)) {
		int cap_ms = wf_capture_poll(ctx), tr_ms = wf_trace_tick(ctx);
		wf_ctl_poll(ctx, cap_ms < tr_ms ? cap_ms : tr_ms);
		if (!ctx->replay && rte_rdtsc() >= next_hk) {
			housekeeping(ctx);
			next_hk = rte_rdtsc() + ctx->tsc_hz;
		}
	}
	WF_LOG(NOTICE, "weft-dataplane stopping");
	wf_ctl_fini(ctx);
	wf_capture_fini(ctx);
	wf_trace_fini(ctx);
	rte_eal_mp_wait_lcore();
	wf_config_clear(ctx);
	wf_ofp_removed_free(ctx);
	unlink(ctx->pidfile);
	rte_eal_cleanup();
	wf_eal_args_free(&ea);
	return 0;
}
