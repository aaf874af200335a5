/* weftctl: command-line control of weft.
 *
 * main() parses argv into commands (parse.c), then runs them against a backend which prints
 * their results (output.c). The only backend today is weft-dataplane's control socket
 * (dp-run.c, with dp-request.c translating and dp-client.c transporting); a database backend
 * (RFC 7047 to ovsdb-lite) would be a second runner working from the same command list.
 *
 * Exit status: 0 success, 1 server error or connection failure, 2 bad command line.
 */
#include <stdio.h>
#include <stdlib.h>

#include "dp-client.h"
#include "dp-run.h"
#include "parse.h"

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

int main(int argc, char **argv)
{
	struct cli_opts opts;
	struct cli_cmd_list list;
	char *msg = NULL, *path;
	int status;

	if (cli_parse_argv(argc, argv, &opts, &list, &msg) < 0) {
		fprintf(stderr, "%s: %s\n", PROG, msg ? msg : "invalid command line");
		free(msg);
		return EXIT_USAGE;
	}
	if (opts.help) {
		cli_verb_print_usage(stdout, PROG);
		return EXIT_OK;
	}
	if (opts.help_verb) {
		cli_verb_print_help(stdout, PROG, opts.help_verb);
		return EXIT_OK;
	}
	path = cli_dpc_socket_path(rundir_of(&opts));
	if (!path) {
		fprintf(stderr, "%s: out of memory\n", PROG);
		status = EXIT_FAILED;
	} else {
		status = cli_dp_run(path, &opts, &list) == 0 ? EXIT_OK : EXIT_FAILED;
	}
	free(path);
	cli_cmd_list_free(&list);
	return status;
}
