/* Control methods of the flow tables: flow-add, flow-del, flow-mod, flow-dump, flow-replace,
 * flow-removed.
 * Flow strings are parsed here (flow/: fl_flow_parse, ports by name through the bridge's port
 * map); a bad one is -EINVAL with the flow library's message, and nothing is applied. The
 * changes themselves are ofp/ofp_cfg.c's. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "ctl/ctl.h"
#include "ofp/ofp_cfg.h"

/* The bridge named by 'bridge' (a learning bridge: underlay bridges have no flow tables). */
static int flow_bridge(struct wf_ctx *ctx, const json_t *p, struct wf_bridge **br, char *err,
                       size_t el)
{
	const char *name;
	int ret = wf_ctl_get_str(p, WF_RPC_KEY_BRIDGE, true, &name, err, el);
	if (ret < 0)
		return ret;
	if (!(*br = wf_bridge_find(ctx, name))) {
		snprintf(err, el, "no bridge named '%s'", name);
		return -ENOENT;
	}
	if ((*br)->conf->vtep.enabled) {
		snprintf(err, el, "%s is an underlay (VTEP) bridge: it has no flow tables", name);
		return -ENOTSUP;
	}
	return 0;
}

/* Parses 's' for bridge 'br' into 'f'. 0 or -errno with the parser's message. */
static int parse(struct wf_ctx *ctx, struct wf_bridge *br, const char *s, unsigned flags,
                 struct fl_flow *f, char *err, size_t el)
{
	struct wf_ofp_names names;
	struct fl_port_map pm;
	char *msg = NULL;
	wf_ofp_port_map(ctx, br, &names, &pm);
	int ret = fl_flow_parse(s, flags, &pm, f, &msg);
	if (ret < 0) {
		snprintf(err, el, "%s", msg ? msg : strerror(-ret));
		free(msg);
	}
	return ret;
}

static bool get_strict(const json_t *p)
{
	return json_is_true(json_object_get(p, WF_RPC_KEY_STRICT));
}

/* Parses the strings of 'list' into flows[0..n) (calloc'd); all or nothing. */
static int parse_list(struct wf_ctx *ctx, struct wf_bridge *br, const json_t *list,
                      struct fl_flow **flowsp, char *err, size_t el)
{
	size_t n = json_array_size(list), k;
	int ret = 0;
	struct fl_flow *flows = calloc(n + 1, sizeof(*flows));
	if (!flows) {
		snprintf(err, el, "out of memory");
		return -ENOMEM;
	}
	for (k = 0; k < n; k++) {
		char e[400];
		if ((ret = parse(ctx, br, json_string_value(json_array_get(list, k)), 0, &flows[k],
		                 e, sizeof(e))) < 0) {
			snprintf(err, el, "flow %zu: %s", k + 1, e);
			break;
		}
	}
	if (ret < 0) {
		for (size_t i = 0; i < k; i++)
			fl_flow_uninit(&flows[i]);
		free(flows);
		return ret;
	}
	*flowsp = flows;
	return 0;
}

static void free_list(struct fl_flow *flows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fl_flow_uninit(&flows[i]);
	free(flows);
}

static int flow_add(struct wf_ctx *ctx, const json_t *p, json_t **res, char *err, size_t el)
{
	const json_t *list = json_object_get(p, WF_RPC_KEY_FLOWS);
	struct wf_bridge *br;
	struct fl_flow f, *flows;
	const char *s;
	int ret;
	(void)res;
	if ((ret = flow_bridge(ctx, p, &br, err, el)) < 0 ||
	    (ret = wf_ctl_get_str(p, WF_RPC_KEY_FLOW, false, &s, err, el)) < 0)
		return ret;
	if (!s == !list) {
		snprintf(err, el, "give one of 'flow' and 'flows'");
		return -EINVAL;
	}
	if (s) {
		if ((ret = parse(ctx, br, s, 0, &f, err, el)) < 0)
			return ret;
		ret = wf_ofp_add(ctx, br, &f, 1, err, el);
		fl_flow_uninit(&f);
		return ret;
	}
	if ((ret = parse_list(ctx, br, list, &flows, err, el)) < 0)
		return ret;
	ret = wf_ofp_add(ctx, br, flows, json_array_size(list), err, el);
	free_list(flows, json_array_size(list));
	return ret;
}

static int flow_del(struct wf_ctx *ctx, const json_t *p, json_t **res, char *err, size_t el)
{
	struct wf_bridge *br;
	struct fl_flow m;
	const char *s;
	unsigned n = 0;
	int ret;
	if ((ret = flow_bridge(ctx, p, &br, err, el)) < 0 ||
	    (ret = wf_ctl_get_str(p, WF_RPC_KEY_MATCH, false, &s, err, el)) < 0)
		return ret;
	if (s && (ret = parse(ctx, br, s, FL_PARSE_MATCH_ONLY, &m, err, el)) < 0)
		return ret;
	ret = wf_ofp_del(ctx, br, s ? &m : NULL, get_strict(p), &n, err, el);
	if (s)
		fl_flow_uninit(&m);
	if (ret == 0)
		*res = json_pack("{s:i}", "deleted", n);
	return ret;
}

/* flow-mod: the whole flow gives the actions; the part before "actions=", read as a match
 * (as del-flows), selects the flows: all tables unless table= is given, cookie=V/M allowed. */
static int flow_mod(struct wf_ctx *ctx, const json_t *p, json_t **res, char *err, size_t el)
{
	struct wf_bridge *br;
	struct fl_flow f, m;
	const char *s, *a;
	unsigned n = 0;
	int ret;
	if ((ret = flow_bridge(ctx, p, &br, err, el)) < 0 ||
	    (ret = wf_ctl_get_str(p, WF_RPC_KEY_FLOW, true, &s, err, el)) < 0 ||
	    (ret = parse(ctx, br, s, 0, &f, err, el)) < 0)
		return ret;
	a = strstr(s, "actions=");
	char *ms = a ? strndup(s, (size_t)(a - s)) : NULL;
	if (!ms) {
		fl_flow_uninit(&f);
		snprintf(err, el, "out of memory");
		return -ENOMEM;
	}
	ret = parse(ctx, br, ms, FL_PARSE_MATCH_ONLY, &m, err, el);
	free(ms);
	if (ret == 0) {
		ret = wf_ofp_mod(ctx, br, &m, f.actions, f.n_actions, get_strict(p), &n, err, el);
		fl_flow_uninit(&m);
	}
	fl_flow_uninit(&f);
	if (ret == 0)
		*res = json_pack("{s:i}", "modified", n);
	return ret;
}

/* Dump order: table, priority (highest first), then age (the classifier's tie order). */
struct dump_item {
	const struct wf_ofp_flow *f;
	size_t pos;
};

static int dump_cmp(const void *a, const void *b)
{
	const struct dump_item *x = a, *y = b;
	if (x->f->fl.table != y->f->fl.table)
		return x->f->fl.table < y->f->fl.table ? -1 : 1;
	if (x->f->fl.priority != y->f->fl.priority)
		return x->f->fl.priority > y->f->fl.priority ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static json_t *flow_json(const struct wf_ofp_flow *f, const struct fl_port_map *pm, uint64_t now_ms)
{
	uint64_t packets, bytes, idle_age, hard_age;
	char cookie[24];
	char *match = fl_match_to_string(&f->fl.match, FL_PRIORITY_DEFAULT, pm);
	char *acts = fl_actions_to_string(f->fl.actions, f->fl.n_actions, pm);
	json_t *j = NULL;

	wf_ofp_flow_stats(f, &packets, &bytes);
	wf_ofp_flow_ages(f, now_ms, &idle_age, &hard_age);
	snprintf(cookie, sizeof(cookie), "0x%" PRIx64, f->fl.cookie);
	if (match && acts)
		j = json_pack("{s:s,s:f,s:i,s:I,s:I,s:i,s:s,s:s,s:i,s:i,s:I,s:I}", "cookie", cookie,
		              "duration", (double)(now_ms - f->created_ms) / 1000.0, "table",
		              f->fl.table, "n_packets", (json_int_t)packets, "n_bytes",
		              (json_int_t)bytes, "priority", f->fl.priority, "match", match,
		              "actions", acts, "idle_timeout", f->fl.idle_timeout, "hard_timeout",
		              f->fl.hard_timeout, "idle_age", (json_int_t)idle_age, "hard_age",
		              (json_int_t)hard_age);
	free(match);
	free(acts);
	return j;
}

static int flow_dump(struct wf_ctx *ctx, const json_t *p, json_t **res, char *err, size_t el)
{
	struct wf_bridge *br;
	struct wf_ofp_names names;
	struct fl_port_map pm;
	struct fl_flow m;
	const char *s;
	int ret;
	if ((ret = flow_bridge(ctx, p, &br, err, el)) < 0 ||
	    (ret = wf_ctl_get_str(p, WF_RPC_KEY_MATCH, false, &s, err, el)) < 0)
		return ret;
	if (s && (ret = parse(ctx, br, s, FL_PARSE_MATCH_ONLY, &m, err, el)) < 0)
		return ret;
	const struct wf_ofp_bridge *ob = &br->conf->ofp;
	struct dump_item *items = malloc((ob->n + 1) * sizeof(*items));
	size_t n = 0;
	json_t *flows = json_array();
	if (!items || !flows) {
		free(items);
		json_decref(flows);
		if (s)
			fl_flow_uninit(&m);
		snprintf(err, el, "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < ob->n; i++)
		if (!s || wf_ofp_selects(&ob->flows[i]->fl, &m, false))
			items[n++] = (struct dump_item){ob->flows[i], i};
	qsort(items, n, sizeof(*items), dump_cmp);
	wf_ofp_port_map(ctx, br, &names, &pm);
	uint64_t now = wf_ofp_now_ms(ctx);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(flows, flow_json(items[i].f, &pm, now));
	free(items);
	if (s)
		fl_flow_uninit(&m);
	*res = json_pack("{s:o}", "flows", flows);
	return 0;
}

static int flow_replace(struct wf_ctx *ctx, const json_t *p, json_t **res, char *err, size_t el)
{
	const json_t *list = json_object_get(p, WF_RPC_KEY_FLOWS);
	struct wf_bridge *br;
	struct fl_flow *flows;
	int ret;
	(void)res;
	if ((ret = flow_bridge(ctx, p, &br, err, el)) < 0 ||
	    (ret = parse_list(ctx, br, list, &flows, err, el)) < 0)
		return ret;
	ret = wf_ofp_replace(ctx, br, flows, json_array_size(list), err, el);
	free_list(flows, json_array_size(list));
	return ret;
}

/* flow-removed: drops the entries up to 'ack' (acknowledged: already acted upon), then lists
 * the rest of the log of flows removed by their timeouts, oldest first. */
static int flow_removed(struct wf_ctx *ctx, const json_t *p, json_t **res, char *err, size_t el)
{
	const json_t *ack = json_object_get(p, WF_RPC_KEY_ACK);
	const struct wf_ofp_removed *log;
	json_t *list = json_array();
	(void)err;
	(void)el;
	if (json_is_integer(ack))
		wf_ofp_removed_ack(ctx, (uint64_t)json_integer_value(ack));
	log = ctx->flow_removed;
	for (size_t i = 0; log && list && i < log->n; i++) {
		const struct wf_ofp_removed_entry *e =
		    &log->e[(log->head + i) % WF_OFP_REMOVED_MAX];
		char cookie[24];
		snprintf(cookie, sizeof(cookie), "0x%" PRIx64, e->cookie);
		json_t *j = json_pack(
		    "{s:I,s:s,s:i,s:i,s:s,s:s,s:s,s:i,s:i,s:s,s:f,s:I,s:I}", "seq",
		    (json_int_t)e->seq, "bridge", e->bridge, "table", e->table, "priority",
		    e->priority, "cookie", cookie, "match", e->match ? e->match : "", "actions",
		    e->actions ? e->actions : "", "idle_timeout", e->idle_timeout, "hard_timeout",
		    e->hard_timeout, "reason", fl_expiry_name(e->reason), "duration",
		    (double)e->duration_ms / 1000.0, "n_packets", (json_int_t)e->packets, "n_bytes",
		    (json_int_t)e->bytes);
		if (!j || json_array_append_new(list, j) < 0) {
			json_decref(list);
			list = NULL;
		}
	}
	if (!list) {
		snprintf(err, el, "out of memory");
		return -ENOMEM;
	}
	*res = json_pack("{s:o,s:I,s:I}", "removed", list, "last_seq",
	                 (json_int_t)(log ? log->last_seq : 0), "lost",
	                 (json_int_t)(log ? log->lost : 0));
	return 0;
}

const struct wf_ctl_method wf_ctl_flow_methods[] = {
    {WF_RPC_METHOD_FLOW_ADD, flow_add},
    {WF_RPC_METHOD_FLOW_DEL, flow_del},
    {WF_RPC_METHOD_FLOW_MOD, flow_mod},
    {WF_RPC_METHOD_FLOW_DUMP, flow_dump},
    {WF_RPC_METHOD_FLOW_REPLACE, flow_replace},
    {WF_RPC_METHOD_FLOW_REMOVED, flow_removed},
    {NULL, NULL},
};
