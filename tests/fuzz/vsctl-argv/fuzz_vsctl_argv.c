/* libFuzzer harness for weftctl's command line parser (cli/parse.c: cli_parse_argv(), with the
 * verb table, column/value validation and the flow verbs' flow parsing behind it).
 * Input: the arguments after "weftctl", separated by NUL or newline bytes; each argument is an
 * exact-size heap copy (ASan flags any read past it). Properties: never crashes, no leak (the
 * command list is freed), success leaves no message, failure leaves a message and an empty list.
 * Then, when main.c would run the list on the dataplane (--direct without database-only verbs,
 * or no database verb at all), the dataplane backend's translation (cli/dp-request.c): every
 * parsed command becomes a request that passes the method table check
 * (cli_dp_request_check(): "a failure is a weftctl bug, the parser guarantees what the table
 * requires").
 *
 * add-flows/replace-flows FILE read FILE ('-' = stdin): stdin is /dev/null here, and inputs
 * naming an existing file that is not a regular file or directory (/dev/zero, a FIFO) are
 * skipped, since reading those is not the parser's doing. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dp-request.h"
#include "parse.h"

#define MAX_ARGS 256

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (!freopen("/dev/null", "r", stdin))
		abort();
	return 0;
}

static bool special_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_ARGS + 2];
	int argc = 0;
	size_t start = 0;
	struct cli_opts opts;
	struct cli_cmd_list list = {0};
	char *err = NULL;
	int r;

	if (size > 8192)
		return 0;
	argv[argc++] = strdup("weftctl");
	for (size_t i = 0; i <= size; i++) {
		if (i < size && data[i] != '\0' && data[i] != '\n')
			continue;
		if (argc > MAX_ARGS)
			break;
		argv[argc] = malloc(i - start + 1);
		if (!argv[argc])
			abort();
		memcpy(argv[argc], data + start, i - start);
		argv[argc][i - start] = '\0';
		argc++;
		start = i + 1;
	}
	/* A trailing separator does not make an empty last argument. */
	if (size > 0 && (data[size - 1] == '\0' || data[size - 1] == '\n') && argc > 1 &&
	    argv[argc - 1][0] == '\0') {
		free(argv[--argc]);
	}
	argv[argc] = NULL;
	for (int i = 1; i < argc; i++)
		if (special_file(argv[i]))
			goto out;

	memset(&opts, 0, sizeof(opts));
	r = cli_parse_argv(argc, argv, &opts, &list, &err);
	if (r == 0) {
		if (err) {
			fprintf(stderr, "vsctl-argv: success with a message: %s\n", err);
			abort();
		}
	} else {
		if (r >= 0 || !err || list.n_cmds) {
			fprintf(stderr, "vsctl-argv: failure %d: message %s, %zu commands\n", r,
			        err ? err : "(none)", list.n_cmds);
			abort();
		}
		free(err);
	}
	/* main.c's pick_backend(): the dataplane runs the list? */
	bool dp = true, db_only = false;
	for (size_t i = 0; i < list.n_cmds; i++) {
		db_only |= cli_cmd_is_db_only(list.cmds[i].verb);
		dp &= !cli_cmd_is_db_verb(list.cmds[i].verb);
	}
	dp = opts.direct ? !db_only : dp;
	for (size_t i = 0; dp && i < list.n_cmds; i++) {
		const char *method = NULL;
		json_t *params = NULL;

		if (cli_dp_request(&list.cmds[i], &method, &params) < 0 || !method || !params)
			abort();
		if (cli_dp_request_check(method, params, &err) < 0) {
			fprintf(stderr, "vsctl-argv: command %zu: %s request refused: %s\n", i,
			        method, err ? err : "?");
			abort();
		}
		json_decref(params);
	}
	cli_cmd_list_free(&list);
out:
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	return 0;
}
