/* libFuzzer harness for the dataplane's control requests: wf_ctl_dispatch() (ctl/ctl.c: JSON
 * parse, the method table check of ctl/methods.c, then the handlers of ctl_config.c,
 * ctl_query.c, ctl_tnl.c, ctl_flow.c and what they call: core/config.c validation and apply,
 * snapshot builds, VLAN rules, MAC and neighbour tables, flow tables) in replay mode.
 *
 * Input: up to 32 request lines separated by '\n', run in order on a dataplane with no
 * configuration; afterwards every bridge is removed (wf_config_clear()), so each input starts
 * from the same state. Properties: never crashes, every reply has the {"id", "result",
 * "error"} shape with exactly one of result/error null, and clearing leaves no port behind.
 *
 * Not fuzzed: port types that reach outside the process (dpdk: rte_dev_probe() of fuzzed
 * devargs; dpdkvhostuser*: sockets at fuzzed paths; system: the host's Linux interfaces, which
 * it would bring up). A line adding or changing a port with a
 * type other than "" (replay) or "vxlan" is skipped.
 *
 * Speed: a bridge-add without other_config:mac-table-size gets "1024" added (FUZZ_MAC_TABLE):
 * the default 65536-entry MAC table made every bridge-add and port removal (which walks the
 * table) cost ~1 ms, 75% of the run time. Requests that set the size keep theirs. The
 * configuration scans stop at ctx->n_port_slots / n_bridge_slots instead of the 2048 / 64
 * slots (each comparison traced by libFuzzer, about a third of the time before); after every
 * input the harness checks those bounds against the arrays. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/fuzz_dp.h"

#define MAX_LINES      32
#define FUZZ_MAC_TABLE "1024"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct wf_ctx *ctx;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	ctx = fuzz_dp_init("dp-ctl");
	return 0;
}

/* Returns the request to run for 'line' (malloc'd, *len updated), or NULL when the line is a
 * port-add/port-set with a type the harness must not run. A bridge-add without a MAC table
 * size gets FUZZ_MAC_TABLE; any other line is returned as is. */
static char *prepare(const char *line, size_t *len)
{
	json_t *req = json_loadb(line, *len, JSON_REJECT_DUPLICATES, NULL);
	json_t *params, *oc;
	const char *method, *type;
	char *out = NULL;

	if (req) {
		method = json_string_value(json_object_get(req, "method"));
		params = json_object_get(req, "params");
		type = json_string_value(json_object_get(params, "type"));
		oc = json_object_get(params, "other_config");
		if (method && type &&
		    (!strcmp(method, "port-add") || !strcmp(method, "port-set")) && type[0] &&
		    strcmp(type, "vxlan")) {
			json_decref(req);
			return NULL;
		}
		if (method && !strcmp(method, "bridge-add") && json_is_object(params) &&
		    (!oc || json_is_object(oc)) && !json_object_get(oc, "mac-table-size")) {
			if (!oc)
				json_object_set_new(params, "other_config", oc = json_object());
			json_object_set_new(oc, "mac-table-size", json_string(FUZZ_MAC_TABLE));
			out = json_dumps(req, JSON_COMPACT);
			if (!out)
				abort();
			*len = strlen(out);
		}
		json_decref(req);
	}
	if (!out) {
		/* Exact-size copy: ASan flags any read past the line. */
		out = malloc(*len ? *len : 1);
		if (!out)
			abort();
		memcpy(out, line, *len);
	}
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t start = 0;
	unsigned n = 0;

	if (size > 65536)
		return 0;
	for (size_t i = 0; i <= size && n < MAX_LINES; i++) {
		if (i < size && data[i] != '\n')
			continue;
		if (i > start) {
			size_t len = i - start;
			char *line = prepare((const char *)data + start, &len);

			if (line)
				(void)fuzz_dp_request(ctx, line, len);
			free(line);
			n++;
		}
		start = i + 1;
	}
	/* Scans of the configuration stop at n_port_slots / n_bridge_slots (core/ctx.h): one
	 * past the highest slot in use, every slot above empty. */
	for (unsigned i = 0; i < WF_MAX_PORTS; i++)
		if ((i >= ctx->n_port_slots && ctx->ports[i]) ||
		    (i + 1 == ctx->n_port_slots && !ctx->ports[i])) {
			fprintf(stderr, "dp-ctl: n_port_slots %u wrong at slot %u\n",
			        ctx->n_port_slots, i);
			abort();
		}
	for (unsigned i = 0; i < WF_MAX_BRIDGES; i++)
		if ((i >= ctx->n_bridge_slots && ctx->bridges[i]) ||
		    (i + 1 == ctx->n_bridge_slots && !ctx->bridges[i])) {
			fprintf(stderr, "dp-ctl: n_bridge_slots %u wrong at slot %u\n",
			        ctx->n_bridge_slots, i);
			abort();
		}
	wf_config_clear(ctx);
	if (ctx->n_port_slots || ctx->n_bridge_slots)
		abort();
	for (unsigned i = 0; i < WF_MAX_PORTS; i++)
		if (ctx->ports[i]) {
			fprintf(stderr, "dp-ctl: port %s left after clearing every bridge\n",
			        ctx->ports[i]->name);
			abort();
		}
	return 0;
}
