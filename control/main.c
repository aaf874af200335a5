/* weft-controld: applies the Open_vSwitch database (ovsdb-lite) to weft-dataplane.
 *
 *   weft-controld [--db unix:PATH] [--dataplane RUNDIR] [--pidfile[=FILE]] [--detach]
 *                 [--log-file=FILE] [--stats-interval=MS]
 *
 * Exit status: 0 after SIGTERM/SIGINT/SIGHUP, 1 on a start-up error, 2 on a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "daemon.h"
#include "util_num.h"
#include "controld.h"

#define CTD_DEFAULT_STATS_MS 5000

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: weft-controld [OPTIONS]\n"
	        "\n"
	        "Reconciles weft-dataplane with the Open_vSwitch database served by ovsdb-lite.\n"
	        "  --db=unix:PATH          database socket (default unix:RUNDIR/db.sock)\n"
	        "  --dataplane=RUNDIR      the dataplane's run directory: its control socket is\n"
	        "                          RUNDIR/dataplane.sock (default $WEFT_RUNDIR, else\n"
	        "                          /run/weft)\n"
	        "  --pidfile[=FILE]        write the pid (default RUNDIR/weft-controld.pid)\n"
	        "  --detach                run in the background once started\n"
	        "  --log-file=FILE         log there instead of stderr\n"
	        "  --stats-interval=MS     refresh link state and statistics every MS ms\n"
	        "                          (default %d, at least 100)\n"
	        "  --vtep-db=unix:PATH|tcp:IP:PORT\n"
	        "                          VTEP mode: also apply this hardware_vtep database\n"
	        "                          (docs/controld.md, VTEP mode); needs --vtep-ps\n"
	        "  --vtep-ps=NAME          the Physical_Switch that is this host\n"
	        "  -h, --help              this help\n",
	        CTD_DEFAULT_STATS_MS);
}

static int usage_error(const char *msg, const char *arg)
{
	fprintf(stderr, "weft-controld: %s%s\n(use --help for help)\n", msg, arg ? arg : "");
	return 2;
}

static int parse_args(int argc, char **argv, struct ctd_ctx *ctx)
{
	enum {
		OPT_DB = 256,
		OPT_DP,
		OPT_PIDFILE,
		OPT_DETACH,
		OPT_LOG,
		OPT_STATS,
		OPT_VDB,
		OPT_VPS
	};
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, OPT_DB},
	    {"dataplane", required_argument, NULL, OPT_DP},
	    {"pidfile", optional_argument, NULL, OPT_PIDFILE},
	    {"detach", no_argument, NULL, OPT_DETACH},
	    {"log-file", required_argument, NULL, OPT_LOG},
	    {"stats-interval", required_argument, NULL, OPT_STATS},
	    {"vtep-db", required_argument, NULL, OPT_VDB},
	    {"vtep-ps", required_argument, NULL, OPT_VPS},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *env = getenv("WEFT_RUNDIR");
	bool pidfile = false;
	int ch;

	ctx->stats_ms = CTD_DEFAULT_STATS_MS;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		long long v;
		switch (ch) {
		case OPT_DB:
			if (strncmp(optarg, "unix:", 5) || !optarg[5])
				return usage_error("--db: expected unix:PATH, got ", optarg);
			free(ctx->db_target);
			ctx->db_target = strdup(optarg);
			break;
		case OPT_VDB:
			if (!ctd_db_target_ok(optarg))
				return usage_error(
				    "--vtep-db: expected unix:PATH or tcp:IP:PORT, got ", optarg);
			free(ctx->vtep_target);
			ctx->vtep_target = strdup(optarg);
			break;
		case OPT_VPS:
			if (!optarg[0])
				return usage_error("--vtep-ps: expected a Physical_Switch name",
				                   NULL);
			free(ctx->vtep_ps);
			ctx->vtep_ps = strdup(optarg);
			break;
		case OPT_DP:
			free(ctx->rundir);
			ctx->rundir = strdup(optarg);
			break;
		case OPT_PIDFILE:
			pidfile = true;
			free(ctx->pidfile);
			ctx->pidfile = optarg ? strdup(optarg) : NULL;
			break;
		case OPT_DETACH:
			ctx->detach = true;
			break;
		case OPT_LOG:
			free(ctx->log_path);
			ctx->log_path = strdup(optarg);
			break;
		case OPT_STATS:
			if (util_parse_int(optarg, 100, 3600000, &v) < 0)
				return usage_error(
				    "--stats-interval: expected 100..3600000 ms, got ", optarg);
			ctx->stats_ms = v;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return usage_error("unknown or malformed option ", argv[optind - 1]);
		}
	}
	if (optind != argc)
		return usage_error("unexpected argument ", argv[optind]);
	if (!ctx->vtep_target != !ctx->vtep_ps)
		return usage_error(ctx->vtep_ps ? "--vtep-ps needs --vtep-db"
		                                : "--vtep-db needs --vtep-ps (the Physical_Switch "
		                                  "of this host)",
		                   NULL);
	if (!ctx->rundir)
		ctx->rundir = strdup(env && env[0] ? env : "/run/weft");
	if (!ctx->db_target && asprintf(&ctx->db_target, "unix:%s/db.sock", ctx->rundir) < 0)
		ctx->db_target = NULL;
	if (asprintf(&ctx->dp_path, "%s/dataplane.sock", ctx->rundir) < 0)
		ctx->dp_path = NULL;
	if (pidfile && !ctx->pidfile &&
	    asprintf(&ctx->pidfile, "%s/weft-controld.pid", ctx->rundir) < 0)
		ctx->pidfile = NULL;
	if (!ctx->rundir || !ctx->db_target || !ctx->dp_path || (pidfile && !ctx->pidfile)) {
		fprintf(stderr, "weft-controld: out of memory\n");
		return 1;
	}
	return 0;
}

static int signals_init(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	signal(SIGPIPE, SIG_IGN);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

static int min_timeout(int t, long long at, long long now)
{
	long long d = at - now;
	if (d < 0)
		d = 0;
	return t < 0 || d < t ? (int)d : t;
}

static void run(struct ctd_ctx *ctx)
{
	ctx->next_refresh_at = ctd_now_ms() + ctx->stats_ms;
	while (!ctx->quit) {
		struct pollfd pfd[4] = {{.fd = ctx->sig_fd, .events = POLLIN}};
		int n = 1, i_db = -1, i_dp = -1, i_vtep = -1, timeout;
		long long now;

		ctd_conn_run(ctx);
		ctd_reconcile_run(ctx);
		ctd_vtep_sync_run(ctx);
		now = ctd_now_ms();
		timeout = min_timeout(-1, ctx->next_refresh_at, now);
		if (ctx->pass.step != CTD_PASS_IDLE)
			timeout =
			    min_timeout(timeout, ctx->pass.started_ms + CTD_PASS_TIMEOUT, now);
		if (ctx->db) {
			i_db = n;
			pfd[n++] = (struct pollfd){ctd_rpc_fd(ctd_db_rpc(ctx->db)),
			                           ctd_rpc_events(ctd_db_rpc(ctx->db)), 0};
		} else {
			timeout = min_timeout(timeout, ctx->db_retry_at, now);
		}
		if (ctx->dp) {
			i_dp = n;
			pfd[n++] = (struct pollfd){ctd_rpc_fd(ctx->dp), ctd_rpc_events(ctx->dp), 0};
		} else {
			timeout = min_timeout(timeout, ctx->dp_retry_at, now);
		}
		if (ctx->vtep_db) {
			i_vtep = n;
			pfd[n++] = (struct pollfd){ctd_rpc_fd(ctd_db_rpc(ctx->vtep_db)),
			                           ctd_rpc_events(ctd_db_rpc(ctx->vtep_db)), 0};
		} else if (ctx->vtep_target) {
			timeout = min_timeout(timeout, ctx->vtep_retry_at, now);
		}
		/* (No MAC sync starts during a pass: waking for one then would only spin.) */
		if (ctx->vtep_target && ctx->dp && !ctx->vsync_busy &&
		    ctx->pass.step == CTD_PASS_IDLE)
			timeout =
			    min_timeout(timeout, ctx->want_vsync ? now : ctx->next_vsync_at, now);
		if (poll(pfd, n, timeout) < 0 && errno != EINTR) {
			CTD_ERR(ctx, "poll: %s", strerror(errno));
			break;
		}
		if (pfd[0].revents) {
			struct signalfd_siginfo si;
			if (read(ctx->sig_fd, &si, sizeof(si)) == sizeof(si)) {
				CTD_INFO(ctx, "signal %u: exiting", si.ssi_signo);
				ctx->quit = true;
			}
		}
		if (i_db >= 0 && pfd[i_db].revents) {
			int ret = ctd_rpc_run(ctd_db_rpc(ctx->db), pfd[i_db].revents);
			if (ret < 0 || ctx->db_failed)
				ctd_conn_db_lost(ctx, ret < 0 ? ret : ctx->db_failed);
		}
		if (i_dp >= 0 && pfd[i_dp].revents) {
			int ret = ctd_rpc_run(ctx->dp, pfd[i_dp].revents);
			if (ret < 0)
				ctd_conn_dp_lost(ctx, ret);
		}
		if (i_vtep >= 0 && pfd[i_vtep].revents) {
			int ret = ctd_rpc_run(ctd_db_rpc(ctx->vtep_db), pfd[i_vtep].revents);
			if (ret < 0 || ctx->vtep_failed)
				ctd_vtep_conn_lost(ctx, ret < 0 ? ret : ctx->vtep_failed);
		}
		if (ctx->vtep_db && ctx->vtep_failed)
			ctd_vtep_conn_lost(ctx, ctx->vtep_failed);
		/* A callback of one stream may have queued output on the other. */
		if (ctx->db && ctx->db_failed)
			ctd_conn_db_lost(ctx, ctx->db_failed);
		ctd_reconcile_check_timeout(ctx);
		if (ctd_now_ms() >= ctx->next_refresh_at) {
			ctd_reconcile_want(ctx, false);
			ctx->next_refresh_at = ctd_now_ms() + ctx->stats_ms;
		}
	}
}

static void ctx_free(struct ctd_ctx *ctx)
{
	ctd_conn_close_all(ctx);
	free(ctx->rundir);
	free(ctx->db_target);
	free(ctx->dp_path);
	free(ctx->pidfile);
	free(ctx->log_path);
	free(ctx->vtep_target);
	free(ctx->vtep_ps);
	if (ctx->log && ctx->log != stderr)
		fclose(ctx->log);
	if (ctx->sig_fd >= 0)
		close(ctx->sig_fd);
}

int main(int argc, char **argv)
{
	struct ctd_ctx ctx = {.sig_fd = -1,
	                      .db_backoff_ms = CTD_DB_BACKOFF_MIN,
	                      .vtep_backoff_ms = CTD_DB_BACKOFF_MIN};
	int ready_fd = -1, pid_fd = -1, ret;

	if ((ret = parse_args(argc, argv, &ctx)) != 0) {
		ctx_free(&ctx);
		return ret;
	}
	if (ctx.log_path && !(ctx.log = fopen(ctx.log_path, "a"))) {
		fprintf(stderr, "weft-controld: %s: %s\n", ctx.log_path, strerror(errno));
		ctx_free(&ctx);
		return 1;
	}
	if (ctx.detach && (ready_fd = util_daemonize("weft-controld")) < 0) {
		ctx_free(&ctx);
		return 1;
	}
	if (ctx.pidfile && (pid_fd = util_pidfile_write("weft-controld", ctx.pidfile)) < 0) {
		ctx_free(&ctx);
		return 1;
	}
	if ((ctx.sig_fd = signals_init()) < 0) {
		perror("weft-controld: signalfd");
		ctx_free(&ctx);
		return 1;
	}
	CTD_INFO(&ctx, "starting: database %s, dataplane %s, refresh every %d ms", ctx.db_target,
	         ctx.dp_path, ctx.stats_ms);
	if (ctx.vtep_target)
		CTD_INFO(&ctx, "VTEP mode: database %s, physical switch %s", ctx.vtep_target,
		         ctx.vtep_ps);
	if (ready_fd >= 0) {
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
			dup2(ctx.log ? fileno(ctx.log) : null, STDERR_FILENO);
			close(null);
		}
		if (write(ready_fd, "1", 1) != 1)
			return 1;
		close(ready_fd);
	}
	run(&ctx);
	CTD_INFO(&ctx,
	         "exiting after %llu passes, %llu dataplane operations, %llu database "
	         "writes",
	         ctx.n_passes, ctx.n_dp_ops, ctx.n_db_writes);
	if (pid_fd >= 0) {
		unlink(ctx.pidfile);
		close(pid_fd);
	}
	ctx_free(&ctx);
	return 0;
}
