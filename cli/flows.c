/* weftctl flow verbs (see flows.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flows.h"
#include "methods.h"
#include "parse.h"

bool cli_flows_verb(enum cli_cmd_verb verb)
{
	return verb == CLI_CMD_ADD_FLOW || verb == CLI_CMD_ADD_FLOWS || verb == CLI_CMD_DEL_FLOWS ||
	       verb == CLI_CMD_MOD_FLOWS || verb == CLI_CMD_DUMP_FLOWS ||
	       verb == CLI_CMD_REPLACE_FLOWS;
}

bool cli_flows_option(enum cli_cmd_verb verb, const char *opt)
{
	if (!strcmp(opt, "--strict"))
		return verb == CLI_CMD_DEL_FLOWS || verb == CLI_CMD_MOD_FLOWS;
	if (!strcmp(opt, "--no-stats"))
		return verb == CLI_CMD_DUMP_FLOWS;
	/* ovs-ofctl's --bundle (apply the whole file atomically): weft's add-flows and
	 * replace-flows always do (one DB transaction, one dataplane snapshot), so the option is
	 * accepted and changes nothing. */
	if (!strcmp(opt, "--bundle"))
		return verb == CLI_CMD_ADD_FLOWS || verb == CLI_CMD_REPLACE_FLOWS;
	return false;
}

/* The lines of FILE ('-': stdin) that hold a flow, as a JSON array of strings. */
static int read_flows(const char *path, json_t **out, char **errp)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	json_t *arr = json_array();

	if (!f) {
		json_decref(arr);
		return cli_fail(errp, errno, "%s: %s", path, strerror(errno));
	}
	while (arr && getline(&line, &cap, f) >= 0) {
		char *s = line, *e;

		lineno++;
		while (*s == ' ' || *s == '\t')
			s++;
		e = s + strlen(s);
		while (e > s && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';
		if (*s == '\0' || *s == '#')
			continue;
		if (!cli_valid_utf8(s)) {
			json_decref(arr);
			free(line);
			if (f != stdin)
				fclose(f);
			return cli_error(errp, "%s: line %zu is not valid UTF-8 text", path,
			                 lineno);
		}
		if (json_array_append_new(arr, json_string(s)) < 0) {
			json_decref(arr);
			arr = NULL;
		}
	}
	free(line);
	if (f != stdin)
		fclose(f);
	if (!arr)
		return cli_error(errp, "out of memory");
	*out = arr;
	return 0;
}

int cli_flows_build(struct cli_cmd *cmd, char **args, int n, char **errp)
{
	int ret = cli_parse_name(args[0], "bridge", errp);

	if (ret < 0)
		return ret;
	if (!(cmd->bridge = strdup(args[0])))
		return cli_error(errp, "out of memory");
	if (cmd->verb == CLI_CMD_ADD_FLOWS || cmd->verb == CLI_CMD_REPLACE_FLOWS)
		return read_flows(args[1], &cmd->flows, errp);
	if (n < 2)
		return 0; /* del-flows / dump-flows without a match */
	if (!(cmd->flow = strdup(args[1])))
		return cli_error(errp, "out of memory");
	return 0;
}

void cli_flows_params(const struct cli_cmd *cmd, json_t *p, int *ok)
{
	const char *key = cmd->verb == CLI_CMD_ADD_FLOW || cmd->verb == CLI_CMD_MOD_FLOWS
	                      ? WF_RPC_KEY_FLOW
	                      : WF_RPC_KEY_MATCH;
	json_t *v;

	if (cmd->bridge && json_object_set_new(p, WF_RPC_KEY_BRIDGE, json_string(cmd->bridge)) < 0)
		*ok = 0;
	if (cmd->flow && json_object_set_new(p, key, json_string(cmd->flow)) < 0)
		*ok = 0;
	if (cmd->flows &&
	    (!(v = json_deep_copy(cmd->flows)) || json_object_set_new(p, WF_RPC_KEY_FLOWS, v) < 0))
		*ok = 0;
	if (cmd->strict && json_object_set_new(p, WF_RPC_KEY_STRICT, json_true()) < 0)
		*ok = 0;
}

static long long int_of(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	return json_is_integer(v) ? json_integer_value(v) : 0;
}

static const char *str_of(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "?";
}

/* "1.5s": seconds with up to 3 decimals, trailing zeros dropped (ovs-ofctl style). */
static void print_duration(FILE *f, double d)
{
	long long ms = (long long)(d * 1000.0 + 0.5);
	char frac[8];
	int n;

	fprintf(f, "duration=%lld", ms / 1000);
	if (ms % 1000) {
		n = snprintf(frac, sizeof(frac), "%03lld", ms % 1000);
		while (n > 0 && frac[n - 1] == '0')
			frac[--n] = '\0';
		fprintf(f, ".%s", frac);
	}
	fputs("s, ", f);
}

void cli_output_flows(FILE *f, const json_t *result, bool no_stats)
{
	const json_t *flows = json_object_get(result, "flows");
	const json_t *fl;
	size_t i;

	json_array_foreach(flows, i, fl)
	{
		const char *cookie = str_of(fl, "cookie");
		const char *match = str_of(fl, "match");
		long long table = int_of(fl, "table"), pri = int_of(fl, "priority");
		long long idle = int_of(fl, "idle_timeout"), hard = int_of(fl, "hard_timeout");
		bool sep = false;

		fputc(' ', f);
		if (!no_stats || strcmp(cookie, "0x0"))
			fprintf(f, "cookie=%s, ", cookie);
		if (!no_stats) {
			print_duration(f, json_real_value(json_object_get(fl, "duration")));
			fprintf(f, "table=%lld, n_packets=%lld, n_bytes=%lld, ", table,
			        int_of(fl, "n_packets"), int_of(fl, "n_bytes"));
		} else if (table) {
			fprintf(f, "table=%lld, ", table);
		}
		if (idle)
			fprintf(f, "idle_timeout=%lld, ", idle);
		if (hard)
			fprintf(f, "hard_timeout=%lld, ", hard);
		/* ovs-ofctl: idle_age always (with stats), hard_age when it differs from the
		 * duration's whole seconds (mod-flows restarted the hard timer). */
		if (!no_stats && json_is_integer(json_object_get(fl, "idle_age")))
			fprintf(f, "idle_age=%lld, ", int_of(fl, "idle_age"));
		if (!no_stats && json_is_integer(json_object_get(fl, "hard_age")) &&
		    int_of(fl, "hard_age") !=
		        (long long)json_real_value(json_object_get(fl, "duration")))
			fprintf(f, "hard_age=%lld, ", int_of(fl, "hard_age"));
		if (pri != 32768) {
			fprintf(f, "priority=%lld", pri);
			sep = true;
		}
		if (*match) {
			fprintf(f, "%s%s", sep ? "," : "", match);
			sep = true;
		}
		fprintf(f, "%sactions=%s\n", sep ? " " : "", str_of(fl, "actions"));
	}
}
