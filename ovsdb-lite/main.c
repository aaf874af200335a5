/* ovsdb-lite: a small RFC 7047 database server for weft.
 *
 *   ovsdb-lite [--remote=punix:PATH]... [--remote=ptcp:PORT[:IP]]... [--pidfile[=FILE]]
 *              [--detach] [--log-file=FILE] [--probe-interval=MS]
 *              [--max-message-size=BYTES] [--max-backlog=BYTES] [--sock-group=GROUP] DBFILE...
 *   ovsdb-lite create DBFILE SCHEMAFILE
 *
 * Several DBFILEs (up to 8, distinct database names) are all served on every remote, like
 * ovsdb-server with several DB files (e.g. Open_vSwitch and hardware_vtep).
 *
 * Exit status: 0 on a clean exit (SIGTERM/SIGINT/SIGHUP), 1 on a runtime error, 2 on a usage
 * error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon.h"
#include "db.h"
#include "server.h"
#include "sock.h"
#include "util_num.h"

#define DEFAULT_MAX_MSG     (16u << 20)
#define DEFAULT_MAX_BACKLOG (64u << 20)

struct main_opts {
	struct odb_server_config cfg;
	const char *pidfile;
	const char *log_file;
	bool detach;
};

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: ovsdb-lite [OPTIONS] DBFILE...\n"
	        "       ovsdb-lite create DBFILE SCHEMAFILE\n"
	        "\n"
	        "Serves the databases in the DBFILEs (up to %d, distinct names) over RFC 7047\n"
	        "JSON-RPC.\n"
	        "  --remote=punix:PATH        listen on a unix socket (repeatable)\n"
	        "  --remote=ptcp:PORT[:IP]    listen on TCP, default IP 0.0.0.0 (repeatable)\n"
	        "  --pidfile[=FILE]           write the pid (default ovsdb-lite.pid)\n"
	        "  --detach                   run in the background once listening\n"
	        "  --log-file=FILE            log there instead of stderr\n"
	        "  --probe-interval=MS        echo idle clients after MS ms, drop them after\n"
	        "                             2*MS (0 = off; default 5000 for tcp, off for unix)\n"
	        "  --max-message-size=BYTES   largest request accepted (default %u)\n"
	        "  --max-backlog=BYTES        largest output backlog per client (default %u)\n"
	        "  --sock-group=GROUP         group of the punix: sockets, mode 0660 (default\n"
	        "                             $WEFT_SOCK_GROUP, else the process's group)\n"
	        "  -h, --help                 this help\n"
	        "The create command writes a new empty database from a schema, like\n"
	        "`ovsdb-tool create`.\n",
	        ODB_SERVER_MAX_DBS, DEFAULT_MAX_MSG, DEFAULT_MAX_BACKLOG);
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "ovsdb-lite: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n(use --help for help)\n");
	return 2;
}

static int parse_args(int argc, char **argv, struct main_opts *o)
{
	enum {
		OPT_REMOTE = 256,
		OPT_PIDFILE,
		OPT_DETACH,
		OPT_LOG,
		OPT_PROBE,
		OPT_MAXMSG,
		OPT_BACKLOG,
		OPT_GROUP
	};
	static const struct option longopts[] = {
	    {"remote", required_argument, NULL, OPT_REMOTE},
	    {"pidfile", optional_argument, NULL, OPT_PIDFILE},
	    {"detach", no_argument, NULL, OPT_DETACH},
	    {"log-file", required_argument, NULL, OPT_LOG},
	    {"probe-interval", required_argument, NULL, OPT_PROBE},
	    {"max-message-size", required_argument, NULL, OPT_MAXMSG},
	    {"max-backlog", required_argument, NULL, OPT_BACKLOG},
	    {"sock-group", required_argument, NULL, OPT_GROUP},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *group = getenv("WEFT_SOCK_GROUP");
	long long v;
	int ch;

	memset(o, 0, sizeof(*o));
	o->cfg.max_msg = DEFAULT_MAX_MSG;
	o->cfg.max_backlog = DEFAULT_MAX_BACKLOG;
	o->cfg.probe_ms = -1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_REMOTE:
			if (strncmp(optarg, "punix:", 6) && strncmp(optarg, "ptcp:", 5))
				return usage_error("--remote=%s: expected punix:PATH or "
				                   "ptcp:PORT[:IP]",
				                   optarg);
			if (o->cfg.n_remotes == ODB_SERVER_MAX_REMOTES)
				return usage_error("too many --remote options (max %s)", "16");
			o->cfg.remotes[o->cfg.n_remotes++] = optarg;
			break;
		case OPT_PIDFILE:
			o->pidfile = optarg ? optarg : "ovsdb-lite.pid";
			break;
		case OPT_DETACH:
			o->detach = true;
			break;
		case OPT_LOG:
			o->log_file = optarg;
			break;
		case OPT_PROBE:
			if (util_parse_int(optarg, 0, INT_MAX, &v) < 0)
				return usage_error(
				    "--probe-interval=%s: expected milliseconds >= 0", optarg);
			o->cfg.probe_ms = v;
			break;
		case OPT_MAXMSG:
			if (util_parse_int(optarg, 64, 1LL << 30, &v) < 0)
				return usage_error("--max-message-size=%s: expected 64..2^30 bytes",
				                   optarg);
			o->cfg.max_msg = v;
			break;
		case OPT_BACKLOG:
			if (util_parse_int(optarg, 4096, 1LL << 32, &v) < 0)
				return usage_error("--max-backlog=%s: expected 4096..2^32 bytes",
				                   optarg);
			o->cfg.max_backlog = v;
			break;
		case OPT_GROUP:
			group = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return usage_error("unknown or malformed option '%s'", argv[optind - 1]);
		}
	}
	if (group && *group) {
		if (util_group_parse(group, &o->cfg.sock_gid) < 0)
			return usage_error("--sock-group=%s: no such group", group);
		o->cfg.set_sock_group = true;
	}
	return 0;
}

static void close_all(struct odb **dbs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		odb_close(dbs[i]);
}

static int run_create(int argc, char **argv)
{
	char *err = NULL;
	int r;

	if (argc != 4)
		return usage_error("%s", "create needs exactly DBFILE SCHEMAFILE");
	r = odb_create_file(argv[2], argv[3], &err);
	if (r) {
		fprintf(stderr, "ovsdb-lite: create %s: %s\n", argv[2], err ? err : strerror(-r));
		free(err);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct main_opts o;
	struct odb_server srv;
	struct odb *dbs[ODB_SERVER_MAX_DBS] = {NULL};
	size_t n_dbs = 0;
	struct odb_stats st;
	FILE *log = stderr;
	char *err = NULL;
	int ready_fd = -1, pid_fd = -1, r;

	if (argc >= 2 && !strcmp(argv[1], "create"))
		return run_create(argc, argv);
	r = parse_args(argc, argv, &o);
	if (r)
		return r;
	if (optind == argc)
		return usage_error("%s", "missing DBFILE");
	if (argc - optind > ODB_SERVER_MAX_DBS)
		return usage_error("%s", "too many DBFILEs (max 8)");
	if (!o.cfg.n_remotes)
		return usage_error("%s", "at least one --remote=punix:PATH or "
		                         "--remote=ptcp:PORT[:IP] is needed");
	if (o.log_file) {
		log = fopen(o.log_file, "a");
		if (!log) {
			fprintf(stderr, "ovsdb-lite: %s: %s\n", o.log_file, strerror(errno));
			return 1;
		}
	}
	if (o.detach && (ready_fd = util_daemonize("ovsdb-lite")) < 0)
		return 1;
	for (int i = optind; i < argc; i++) {
		r = odb_open(argv[i], &dbs[n_dbs], &err);
		if (r) {
			fprintf(stderr, "ovsdb-lite: %s: %s\n", argv[i], err ? err : strerror(-r));
			free(err);
			close_all(dbs, n_dbs);
			return 1;
		}
		n_dbs++;
	}
	r = odb_server_init(&srv, dbs, n_dbs, &o.cfg, log, &err);
	if (r) {
		fprintf(stderr, "ovsdb-lite: %s\n", err ? err : strerror(-r));
		free(err);
		close_all(dbs, n_dbs);
		return 1;
	}
	if (o.pidfile && (pid_fd = util_pidfile_write("ovsdb-lite", o.pidfile)) < 0) {
		odb_server_destroy(&srv);
		close_all(dbs, n_dbs);
		return 1;
	}
	if (ready_fd >= 0) {
		int null = open("/dev/null", O_RDWR);

		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
			/* The core reports to stderr (e.g. a dropped torn journal tail): send
			 * that to the log file too. */
			if (!o.log_file)
				srv.log = NULL;
			dup2(o.log_file ? fileno(log) : null, STDERR_FILENO);
			close(null);
		}
		if (write(ready_fd, "1", 1) != 1)
			return 1;
		close(ready_fd);
	}
	r = odb_server_run(&srv);
	unsigned long long n_commits = 0, n_compactions = 0;
	for (size_t i = 0; i < n_dbs; i++) {
		odb_get_stats(dbs[i], &st);
		n_commits += st.n_commits;
		n_compactions += st.n_compactions;
	}
	odb_server_log(
	    &srv,
	    "exiting: %llu connections, %llu requests, %llu transactions (%llu blocked at first), "
	    "%llu commits in %llu fsyncs, %llu compactions, %llu protocol errors, %llu slow "
	    "clients dropped",
	    srv.stats.n_connections, srv.stats.n_requests, srv.stats.n_transactions,
	    srv.stats.n_blocked, n_commits, srv.stats.n_syncs, n_compactions,
	    srv.stats.n_protocol_errors, srv.stats.n_dropped_slow);
	odb_server_destroy(&srv);
	close_all(dbs, n_dbs);
	if (pid_fd >= 0) {
		unlink(o.pidfile);
		close(pid_fd);
	}
	if (log && log != stderr)
		fclose(log);
	return r ? 1 : 0;
}
