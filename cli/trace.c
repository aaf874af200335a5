/* weftctl trace: dry-run and live packet traces through the dataplane (see trace.h). */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "dp-session.h"
#include "methods_gen.h"
#include "trace.h"
#include "util_num.h"

#define PROG "weftctl"

struct trace_args {
	const char *rundir, *bridge, *flow, *pcap, *in_port, *live;
	long long count;
	bool json;
};

static int usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: trace: ", PROG);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nusage: %s [--rundir=DIR] %s\n", PROG, CLI_TRACE_USAGE);
	return 2;
}

/* Options before "trace" (--rundir, --format) and its own arguments. 0, 1 (help printed) or
 * an exit status. */
static int parse(int argc, char **argv, int at, struct trace_args *a)
{
	a->rundir = cli_dps_default_rundir();
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];
		if (i == at)
			continue;
		if (!strncmp(o, "--rundir=", 9)) {
			a->rundir = o + 9;
		} else if (!strcmp(o, "--rundir") && i + 1 < argc) {
			a->rundir = argv[++i];
		} else if (!strcmp(o, "--format=json") || !strcmp(o, "--format=table")) {
			a->json = !strcmp(o, "--format=json");
		} else if (!strcmp(o, "--direct") && i < at) {
			continue;
		} else if (i < at) {
			return usage("option '%s' does not apply", o);
		} else if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
			printf("usage: %s [--rundir=DIR] %s\n%s", PROG, CLI_TRACE_USAGE,
			       CLI_TRACE_HELP);
			return 1;
		} else if (!strcmp(o, "--pcap") || !strcmp(o, "--in-port") ||
		           !strcmp(o, "--live") || !strcmp(o, "-c")) {
			if (i + 1 >= argc)
				return usage("%s needs a value", o);
			const char *v = argv[++i];
			if (!strcmp(o, "--pcap"))
				a->pcap = v;
			else if (!strcmp(o, "--in-port"))
				a->in_port = v;
			else if (!strcmp(o, "--live"))
				a->live = v;
			else {
				if (util_parse_int(v, 1, 1000, &a->count) < 0)
					return usage("-c '%s': a number of frames, 1..1000", v);
			}
		} else if (o[0] == '-' && o[1]) {
			return usage("unknown option '%s'", o);
		} else if (!a->bridge) {
			a->bridge = o;
		} else if (!a->flow) {
			a->flow = o;
		} else {
			return usage("unexpected argument '%s' (quote the flow)", o);
		}
	}
	if (a->live) {
		if (a->bridge || a->pcap || a->in_port)
			return usage("%s",
			             "--live PORT takes no bridge, flow, --pcap or --in-port");
		return 0;
	}
	if (a->count)
		return usage("%s", "-c goes with --live");
	if (!a->bridge)
		return usage("%s", "which bridge?");
	if (!a->flow == !a->pcap)
		return usage("%s", a->pcap ? "give a flow or --pcap FILE, not both"
		                           : "give a flow or --pcap FILE");
	if (a->in_port && !a->pcap)
		return usage("%s", "--in-port goes with --pcap (a flow says in_port=)");
	return 0;
}

/* One request; on failure the error is printed, with a caret line under the flow's bad token
 * when 'flow' is given. 0 or -1. */
static int call(struct cli_dps *s, const char *method, json_t *params, json_t **result,
                const char *flow)
{
	char *m = NULL;
	size_t pos, len;

	if (cli_dps_call(s, method, params, result, &m) == 0)
		return 0;
	if (flow && m && cli_trace_token(flow, m, &pos, &len) == 0)
		fprintf(stderr, "    %s\n    %*s%.*s\n", flow, (int)pos, "", (int)len,
		        "^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^");
	free(m);
	return -1;
}

/* Prints the traces of 'r' ({"traces": [...]}): their text, a blank line between two. */
static void print_traces(const json_t *r, bool json, unsigned *n_printed)
{
	const json_t *a = json_object_get(r, "traces");
	for (size_t i = 0; i < json_array_size(a); i++) {
		const json_t *t = json_array_get(a, i);
		if (json) {
			char *s = json_dumps(t, JSON_COMPACT | JSON_SORT_KEYS);
			if (s)
				printf("%s\n", s);
			free(s);
		} else {
			printf("%s%s", (*n_printed)++ ? "\n" : "",
			       json_string_value(json_object_get(t, "text")));
		}
	}
	fflush(stdout);
}

static int live(struct cli_dps *c, const struct trace_args *a)
{
	json_t *p = json_pack("{s:s,s:I}", WF_RPC_KEY_PORT, a->live, WF_RPC_KEY_COUNT,
	                      (json_int_t)(a->count ? a->count : 1));
	unsigned printed = 0;
	bool stop_sent = false;
	long long traced = 0;

	if (call(c, WF_RPC_METHOD_TRACE_LIVE_START, p, NULL, NULL) < 0)
		return -1;
	for (;;) {
		json_t *r = NULL;
		if (cli_dps_stop_requested() && !stop_sent) {
			stop_sent = true;
			call(c, WF_RPC_METHOD_TRACE_LIVE_STOP, json_object(), NULL, NULL);
		}
		if (call(c, WF_RPC_METHOD_TRACE_LIVE_POLL, json_object(), &r, NULL) < 0)
			return -1;
		print_traces(r, a->json, &printed);
		bool active = json_is_true(json_object_get(r, "active"));
		traced = json_integer_value(json_object_get(r, "traced"));
		const char *why = json_string_value(json_object_get(r, "ended"));
		if (!active) {
			fprintf(stderr, "%s: traced %lld frames of %s (%s)\n", PROG, traced,
			        a->live, why && why[0] ? why : "ended");
			json_decref(r);
			return 0;
		}
		json_decref(r);
		usleep(100000);
	}
}

int cli_trace_main(int argc, char **argv, int at)
{
	struct trace_args a = {0};
	struct cli_dps sess, *c = &sess;
	char path[PATH_MAX];
	int ret, status = 1;

	if ((ret = parse(argc, argv, at, &a)) != 0)
		return ret == 1 ? 0 : ret;
	if (a.pcap && a.pcap[0] != '/') { /* the dataplane opens it: make it absolute */
		if (!getcwd(path, sizeof(path)) ||
		    strlen(path) + strlen(a.pcap) + 2 > sizeof(path)) {
			fprintf(stderr, "%s: trace: path too long\n", PROG);
			return 1;
		}
		strcat(strcat(path, "/"), a.pcap);
		a.pcap = path;
	}
	if (cli_dps_open(c, "trace", a.rundir, 30) < 0)
		return 1;
	if (a.live) {
		status = live(c, &a) < 0;
	} else {
		json_t *p = json_pack("{s:s}", WF_RPC_KEY_BRIDGE, a.bridge), *r = NULL;
		if (a.flow)
			json_object_set_new(p, WF_RPC_KEY_FLOW, json_string(a.flow));
		if (a.pcap)
			json_object_set_new(p, WF_RPC_KEY_PCAP, json_string(a.pcap));
		if (a.in_port)
			json_object_set_new(p, WF_RPC_KEY_IN_PORT, json_string(a.in_port));
		if (call(c, WF_RPC_METHOD_TRACE, p, &r, a.flow) == 0) {
			unsigned printed = 0;
			if (a.json) {
				char *s = json_dumps(r, JSON_INDENT(2) | JSON_SORT_KEYS);
				if (s)
					printf("%s\n", s);
				free(s);
			} else {
				print_traces(r, false, &printed);
			}
			json_decref(r);
			status = 0;
		}
	}
	cli_dps_close(c);
	return status;
}
