/* weftctl: command-line control of weft.
 *
 * main() parses argv into commands (parse.c), then runs them against a backend which prints
 * their results. The configuration verbs (add-br, set, show, get...) go to the database
 * (db-run.c: one RFC 7047 transaction to ovsdb-lite, then wait for cur_cfg), unless --direct
 * sends them to weft-dataplane's control socket as before (dp-run.c, with dp-request.c
 * translating and dp-client.c transporting); appctl-style verbs (fdb/..., stats, dp/...,
 * tnl/neigh/..., replay/run) always go to the dataplane.
 *
 * Exit status: 0 success, 1 server error or connection failure, 2 bad command line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "db-run.h"
#include "dp-client.h"
#include "dp-run.h"
#include "parse.h"
#include "trace.h"

#define PROG "weftctl"

enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,
	EXIT_USAGE = 2,
};

/* The run directory: --rundir, else $WEFT_RUNDIR (when non-empty), else /run/weft. */
static const char *rundir_of(const struct cli_opts *opts)
{
	const char *env = getenv("WEFT_RUNDIR");

	if (opts->rundir) {
		return opts->rundir;
	}
	return env && env[0] ? env : "/run/weft";
}

/* Which backend runs 'list': 1 = database, 0 = dataplane, or an exit status (< 0: usage). */
static int pick_backend(const struct cli_opts *opts, const struct cli_cmd_list *list)
{
	size_t n_db = 0;

	for (size_t i = 0; i < list->n_cmds; i++) {
		enum cli_cmd_verb v = list->cmds[i].verb;

		if (opts->direct && cli_cmd_is_db_only(v)) {
			fprintf(stderr, "%s: %s: only with the database (not with --direct)\n",
			        PROG, cli_verb_of_cmd(v)->name);
			return -1;
		}
		n_db += cli_cmd_is_db_verb(v);
	}
	if (opts->direct || n_db == 0) {
		return 0;
	}
	if (n_db != list->n_cmds) {
		fprintf(stderr,
		        "%s: database commands (add-br, set, show...) and dataplane commands "
		        "(fdb/*, stats, dp/*...) cannot be chained; run them separately\n",
		        PROG);
		return -1;
	}
	return 1;
}

static int run(const struct cli_opts *opts, const struct cli_cmd_list *list)
{
	int backend = pick_backend(opts, list);
	char *path = NULL;
	int ret;

	if (backend < 0) {
		return EXIT_USAGE;
	}
	if (backend == 1 && opts->db) {
		return cli_db_run(opts->db, opts, list) == 0 ? EXIT_OK : EXIT_FAILED;
	}
	if (backend == 1) {
		if (asprintf(&path, "unix:%s/db.sock", rundir_of(opts)) < 0) {
			path = NULL;
		}
	} else {
		path = cli_dpc_socket_path(rundir_of(opts));
	}
	if (!path) {
		fprintf(stderr, "%s: out of memory\n", PROG);
		return EXIT_FAILED;
	}
	ret = backend == 1 ? cli_db_run(path, opts, list) : cli_dp_run(path, opts, list);
	free(path);
	return ret == 0 ? EXIT_OK : EXIT_FAILED;
}

int main(int argc, char **argv)
{
	struct cli_opts opts;
	struct cli_cmd_list list;
	char *msg = NULL;
	int status;

	/* capture and trace are sessions, not requests: own runners (capture.c, trace.c). */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "capture"))
			return cli_capture_main(argc, argv, i);
		if (!strcmp(argv[i], "trace"))
			return cli_trace_main(argc, argv, i);
		if (argv[i][0] != '-')
			break;
		i += !strcmp(argv[i], "--rundir");
	}
	if (cli_parse_argv(argc, argv, &opts, &list, &msg) < 0) {
		fprintf(stderr, "%s: %s\n", PROG, msg ? msg : "invalid command line");
		free(msg);
		return EXIT_USAGE;
	}
	if (opts.help) {
		cli_verb_print_usage(stdout, PROG);
		printf("\n  %s\n%s", CLI_CAPTURE_USAGE, CLI_CAPTURE_HELP);
		printf("\n  %s\n%s", CLI_TRACE_USAGE, CLI_TRACE_HELP);
		return EXIT_OK;
	}
	if (opts.help_verb) {
		cli_verb_print_help(stdout, PROG, opts.help_verb);
		return EXIT_OK;
	}
	status = run(&opts, &list);
	cli_cmd_list_free(&list);
	return status;
}
