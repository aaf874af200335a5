/* weftctl dataplane backend: runs commands on weft-dataplane's control socket. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp-client.h"
#include "dp-request.h"
#include "dp-run.h"
#include "methods.h"
#include "output.h"

#define PROG "weftctl"

static void print_server_error(const struct cli_cmd *cmd, const json_t *error)
{
	const char *text = json_string_value(json_object_get(error, "message"));
	const char *name = json_string_value(json_object_get(error, "errno"));

	fprintf(stderr, "%s: %s: %s%s%s%s\n", PROG, cli_verb_of_cmd(cmd->verb)->name,
	        text ? text : "request failed", name ? " (" : "", name ? name : "",
	        name ? ")" : "");
}

static bool error_is(const json_t *error, const char *errno_name)
{
	const char *name = json_string_value(json_object_get(error, "errno"));

	return name && !strcmp(name, errno_name);
}

/* Checks (cli_dp_request_check()) and sends one request ('params' consumed). Returns 0 with *result
 * set (new ref) or with *error set (new ref, nothing printed); -1 after printing a transport
 * failure.
 */
static int call(struct cli_dpc *dpc, const char *method, json_t *params, json_t **result,
                json_t **error)
{
	char *msg = NULL;
	int ret;

	if (!params) {
		fprintf(stderr, "%s: out of memory\n", PROG);
		return -1;
	}
	if (cli_dp_request_check(method, params, &msg) < 0) {
		fprintf(stderr, "%s: %s\n", PROG, msg ? msg : "invalid request");
		free(msg);
		json_decref(params);
		return -1;
	}
	ret = cli_dpc_call(dpc, method, params, result, error, &msg);
	json_decref(params);
	if (ret < 0) {
		fprintf(stderr, "%s: %s\n", PROG, msg ? msg : "request failed");
		free(msg);
		return -1;
	}
	return 0;
}

/* Like call(), printing a server error as an error of 'cmd'; the result is dropped.
 * Returns 0 or -1. */
static int call_simple(struct cli_dpc *dpc, const struct cli_cmd *cmd, const char *method,
                       json_t *params)
{
	json_t *result = NULL, *error = NULL;

	if (call(dpc, method, params, &result, &error) < 0) {
		return -1;
	}
	json_decref(result);
	if (error) {
		print_server_error(cmd, error);
		json_decref(error);
		return -1;
	}
	return 0;
}

/* The bridge named 'name' in a show result, or NULL. Borrowed. */
static const json_t *find_bridge(const json_t *show, const char *name)
{
	size_t i;
	json_t *br;

	json_array_foreach(json_object_get(show, "bridges"), i, br)
	{
		const char *n = json_string_value(json_object_get(br, "name"));

		if (n && !strcmp(n, name)) {
			return br;
		}
	}
	return NULL;
}

/* The port named 'name' in a show result (its bridge in *bridge), or NULL. Borrowed. */
static const json_t *find_port(const json_t *show, const char *name, const json_t **bridge)
{
	size_t i, j;
	json_t *br, *port;

	json_array_foreach(json_object_get(show, "bridges"), i, br)
	{
		json_array_foreach(json_object_get(br, "ports"), j, port)
		{
			const char *n = json_string_value(json_object_get(port, "name"));

			if (n && !strcmp(n, name)) {
				*bridge = br;
				return port;
			}
		}
	}
	return NULL;
}

static bool has_port_settings(const struct cli_cols *c)
{
	return c->tag_state != CLI_COL_UNSET || c->trunks_state != CLI_COL_UNSET ||
	       c->vlan_mode_state != CLI_COL_UNSET || c->options;
}

/* --may-exist: the add of 'cmd' failed with EEXIST ('error'). Checks with `show` that the
 * existing record matches, then applies the merged settings. Returns 0 or -1 (printed). */
static int may_exist(struct cli_dpc *dpc, const struct cli_cmd *cmd, const json_t *error)
{
	json_t *show = NULL, *serr = NULL;
	const char *method;
	json_t *params;
	int ret = -1;

	if (call(dpc, WF_RPC_METHOD_SHOW, json_object(), &show, &serr) < 0) {
		return -1;
	}
	if (serr) {
		print_server_error(cmd, serr);
		json_decref(serr);
		return -1;
	}
	if (cmd->verb == CLI_CMD_ADD_BR) {
		if (!find_bridge(show, cmd->bridge)) {
			print_server_error(cmd, error); /* the name is taken by something else */
		} else if (!cmd->cols.other_config) {
			ret = 0;
		} else {
			struct cli_cmd set = {.verb = CLI_CMD_SET_BRIDGE, .bridge = cmd->bridge};

			set.cols.other_config = cmd->cols.other_config;
			ret = cli_dp_request(&set, &method, &params) < 0
			          ? -1
			          : call_simple(dpc, cmd, method, params);
		}
		json_decref(show);
		return ret;
	}

	const json_t *bridge = NULL;
	const json_t *port = find_port(show, cmd->name, &bridge);
	const char *br_name = bridge ? json_string_value(json_object_get(bridge, "name")) : NULL;
	const char *type = port ? json_string_value(json_object_get(port, "type")) : NULL;

	if (!port) {
		print_server_error(cmd, error);
	} else if (!br_name || strcmp(br_name, cmd->bridge)) {
		fprintf(stderr,
		        "%s: add-port: --may-exist: port '%s' exists on bridge '%s', not '%s'\n",
		        PROG, cmd->name, br_name ? br_name : "?", cmd->bridge);
	} else if (cmd->cols.type && strcmp(cmd->cols.type, type ? type : "")) {
		fprintf(stderr,
		        "%s: add-port: --may-exist: port '%s' has type '%s', not '%s' (a type "
		        "cannot change)\n",
		        PROG, cmd->name, type ? type : "", cmd->cols.type);
	} else if (!has_port_settings(&cmd->cols)) {
		ret = 0;
	} else {
		struct cli_cmd set = {
		    .verb = CLI_CMD_SET_PORT, .name = cmd->name, .cols = cmd->cols};

		ret = cli_dp_request(&set, &method, &params) < 0
		          ? -1
		          : call_simple(dpc, cmd, method, params);
	}
	json_decref(show);
	return ret;
}

/* Runs one command on an open connection and prints its result. Returns 0 or -1. */
static int run_one(struct cli_dpc *dpc, const struct cli_opts *opts, const struct cli_cmd *cmd)
{
	json_t *params = NULL, *result = NULL, *error = NULL;
	const char *method = NULL;
	int ret;

	if (cli_dp_request(cmd, &method, &params) < 0) {
		params = NULL; /* call() reports it */
	}
	if (call(dpc, method, params, &result, &error) < 0) {
		return -1;
	}
	if (error) {
		if (cmd->if_exists && error_is(error, "ENOENT")) {
			ret = 0;
		} else if (cmd->may_exist && error_is(error, "EEXIST")) {
			ret = may_exist(dpc, cmd, error);
		} else {
			print_server_error(cmd, error);
			ret = -1;
		}
		json_decref(error);
		return ret;
	}
	ret = cli_output_result(stdout, cmd, result, opts->format);
	json_decref(result);
	if (ret == 0 && fflush(stdout) != 0) {
		ret = -1;
	}
	if (ret < 0) {
		fprintf(stderr, "%s: cannot write the output\n", PROG);
		return -1;
	}
	return 0;
}

int cli_dp_run(const char *sock_path, const struct cli_opts *opts, const struct cli_cmd_list *list)
{
	struct cli_dpc *dpc = NULL;
	char *msg = NULL;
	int ret = 0;

	if (cli_dpc_connect(sock_path, opts->timeout_s, &dpc, &msg) < 0) {
		fprintf(stderr, "%s: %s\n", PROG, msg ? msg : sock_path);
		free(msg);
		return -EIO;
	}
	for (size_t i = 0; i < list->n_cmds && ret == 0; i++) {
		ret = run_one(dpc, opts, &list->cmds[i]);
	}
	cli_dpc_close(dpc);
	return ret == 0 ? 0 : -EIO;
}
