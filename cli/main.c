/* weftctl: command-line control of weft.
 *
 * main() parses argv into commands (parse.c), then runs them in order against a backend and
 * prints their results (output.c). The only backend today is weft-dataplane's control socket
 * (dp-request.c translates, dp-client.c transports); a database backend (RFC 7047 to
 * ovsdb-lite) would be a second run_*() working from the same command list.
 *
 * Exit status: 0 success, 1 server error or connection failure, 2 bad command line.
 */
#include <stdio.h>
#include <stdlib.h>

#include "dp-client.h"
#include "dp-request.h"
#include "output.h"
#include "parse.h"

#define PROG "weftctl"

enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,
	EXIT_USAGE = 2,
};

/* The run directory: --rundir, else $WEFT_RUNDIR (when non-empty), else /run/weft. */
static const char *rundir_of(const struct weftctl_opts *opts)
{
	const char *env = getenv("WEFT_RUNDIR");

	if (opts->rundir) {
		return opts->rundir;
	}
	return env && env[0] ? env : "/run/weft";
}

/* Runs one command on an open connection; prints its result. */
static int run_one_dp(struct dpc *dpc, const struct weftctl_opts *opts, const struct cmd *cmd)
{
	const char *method;
	json_t *params = NULL, *result = NULL, *error = NULL;
	char *msg = NULL;
	int ret;

	if (dp_request(cmd, &method, &params) < 0) {
		fprintf(stderr, "%s: out of memory\n", PROG);
		return EXIT_FAILED;
	}
	ret = dpc_call(dpc, method, params, &result, &error, &msg);
	json_decref(params);
	if (ret < 0) {
		fprintf(stderr, "%s: %s\n", PROG, msg ? msg : "request failed");
		free(msg);
		return EXIT_FAILED;
	}
	if (error) {
		const char *text = json_string_value(json_object_get(error, "message"));
		const char *name = json_string_value(json_object_get(error, "errno"));

		fprintf(stderr, "%s: %s: %s%s%s%s\n", PROG, verb_of_cmd(cmd->verb)->name,
		        text ? text : "request failed", name ? " (" : "", name ? name : "",
		        name ? ")" : "");
		json_decref(error);
		return EXIT_FAILED;
	}
	ret = output_result(stdout, cmd, result, opts->format);
	json_decref(result);
	if (ret == 0 && fflush(stdout) != 0) {
		ret = -1;
	}
	if (ret < 0) {
		fprintf(stderr, "%s: cannot write the output\n", PROG);
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

/* Dataplane backend: one connection, one request per command, stop at the first error. */
static int run_dp(const struct weftctl_opts *opts, const struct cmd_list *list)
{
	char *path = dpc_socket_path(rundir_of(opts));
	struct dpc *dpc = NULL;
	char *msg = NULL;
	int status = EXIT_OK;

	if (!path) {
		fprintf(stderr, "%s: out of memory\n", PROG);
		return EXIT_FAILED;
	}
	if (dpc_connect(path, opts->timeout_s, &dpc, &msg) < 0) {
		fprintf(stderr, "%s: %s\n", PROG, msg ? msg : path);
		free(msg);
		free(path);
		return EXIT_FAILED;
	}
	for (size_t i = 0; i < list->n_cmds && status == EXIT_OK; i++) {
		status = run_one_dp(dpc, opts, &list->cmds[i]);
	}
	dpc_close(dpc);
	free(path);
	return status;
}

int main(int argc, char **argv)
{
	struct weftctl_opts opts;
	struct cmd_list list;
	char *msg = NULL;
	int status;

	if (parse_argv(argc, argv, &opts, &list, &msg) < 0) {
		fprintf(stderr, "%s: %s\n", PROG, msg ? msg : "invalid command line");
		free(msg);
		return EXIT_USAGE;
	}
	if (opts.help) {
		verb_print_usage(stdout, PROG);
		return EXIT_OK;
	}
	if (opts.help_verb) {
		verb_print_help(stdout, PROG, opts.help_verb);
		return EXIT_OK;
	}
	status = run_dp(&opts, &list);
	cmd_list_free(&list);
	return status;
}
