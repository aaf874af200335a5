/* The reconciler's pure diff (see diff.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "methods_gen.h"
#include "diff.h"
#include "flowdb.h"

/* A port and its bridge, sorted by port name for lookups. */
struct pref {
	const struct ctd_port *p;
	const struct ctd_bridge *br;
};

static int pref_cmp(const void *a, const void *b)
{
	return strcmp(((const struct pref *)a)->p->name, ((const struct pref *)b)->p->name);
}

static struct pref *index_ports(const struct ctd_state *s, size_t *n)
{
	size_t total = 0, k = 0;
	for (size_t b = 0; b < s->n_bridges; b++)
		total += s->bridges[b].n_ports;
	struct pref *v = malloc((total ? total : 1) * sizeof(*v));
	if (!v)
		return NULL;
	for (size_t b = 0; b < s->n_bridges; b++)
		for (size_t i = 0; i < s->bridges[b].n_ports; i++)
			v[k++] = (struct pref){&s->bridges[b].ports[i], &s->bridges[b]};
	qsort(v, total, sizeof(*v), pref_cmp);
	*n = total;
	return v;
}

static const struct pref *find_port(const struct pref *v, size_t n, const char *name)
{
	struct ctd_port key = {.name = (char *)name};
	struct pref k = {&key, NULL};
	return bsearch(&k, v, n, sizeof(*v), pref_cmp);
}

static const struct ctd_bridge *find_bridge(const struct ctd_state *s, const char *name)
{
	for (size_t b = 0; b < s->n_bridges; b++)
		if (!strcmp(s->bridges[b].name, name))
			return &s->bridges[b];
	return NULL;
}

struct builder {
	struct ctd_op *groups[CTD_OP__COUNT]; /* one array per kind, concatenated at the end */
	size_t n[CTD_OP__COUNT];
	int err;
};

static void emit(struct builder *b, struct ctd_op op)
{
	struct ctd_op *v = realloc(b->groups[op.kind], (b->n[op.kind] + 1) * sizeof(*v));
	if (!v) {
		b->err = -ENOMEM;
		return;
	}
	v[b->n[op.kind]++] = op;
	b->groups[op.kind] = v;
}

static const char *port_change(const struct ctd_port *w, const struct ctd_bridge *wb,
                               const struct ctd_port *h, const struct ctd_bridge *hb)
{
	if (strcmp(wb->name, hb->name))
		return "moved to another bridge";
	if (strcmp(w->type, h->type))
		return "type changed";
	if (!ctd_smap_equal(&w->options, &h->options))
		return "options changed";
	return NULL;
}

static void diff_bridges(struct builder *b, const struct ctd_state *want,
                         const struct ctd_state *have)
{
	for (size_t i = 0; i < have->n_bridges; i++) {
		const struct ctd_bridge *hb = &have->bridges[i];
		if (!find_bridge(want, hb->name))
			emit(b, (struct ctd_op){.kind = CTD_OP_BRIDGE_DEL,
			                        .bridge = hb->name,
			                        .have_br = hb,
			                        .why = "not in the database"});
	}
	for (size_t i = 0; i < want->n_bridges; i++) {
		const struct ctd_bridge *wb = &want->bridges[i];
		const struct ctd_bridge *hb = find_bridge(have, wb->name);
		if (!hb)
			emit(b, (struct ctd_op){.kind = CTD_OP_BRIDGE_ADD,
			                        .bridge = wb->name,
			                        .want_br = wb,
			                        .why = "new"});
		else if (!ctd_smap_equal(&wb->other_config, &hb->other_config))
			emit(b, (struct ctd_op){.kind = CTD_OP_BRIDGE_SET,
			                        .bridge = wb->name,
			                        .want_br = wb,
			                        .have_br = hb,
			                        .why = "other_config changed"});
	}
}

static void diff_ports(struct builder *b, const struct ctd_state *want,
                       const struct ctd_state *have, const struct pref *wv, size_t n_w,
                       const struct pref *hv, size_t n_h)
{
	/* Actual ports: gone, re-created or re-configured. */
	for (size_t i = 0; i < n_h; i++) {
		const struct ctd_port *h = hv[i].p;
		const struct ctd_bridge *hb = hv[i].br;
		if (!find_bridge(want, hb->name))
			continue; /* goes with its bridge */
		const struct pref *w = find_port(wv, n_w, h->name);
		const char *why = w ? port_change(w->p, w->br, h, hb) : "not in the database";
		if (!w || why) {
			emit(b, (struct ctd_op){.kind = CTD_OP_PORT_DEL,
			                        .bridge = hb->name,
			                        .port = h->name,
			                        .have = h,
			                        .why = why});
			if (w)
				emit(b, (struct ctd_op){.kind = CTD_OP_PORT_ADD,
				                        .bridge = w->br->name,
				                        .port = h->name,
				                        .want = w->p,
				                        .why = why});
		} else if (!ctd_port_vlan_equal(w->p, h)) {
			emit(b, (struct ctd_op){.kind = CTD_OP_PORT_SET,
			                        .bridge = hb->name,
			                        .port = h->name,
			                        .want = w->p,
			                        .have = h,
			                        .why = "VLAN columns changed"});
		}
	}
	/* Desired ports the dataplane lacks (or loses with a deleted bridge). */
	for (size_t i = 0; i < n_w; i++) {
		const struct pref *h = find_port(hv, n_h, wv[i].p->name);
		if (h && find_bridge(want, h->br->name))
			continue;
		emit(b, (struct ctd_op){.kind = CTD_OP_PORT_ADD,
		                        .bridge = wv[i].br->name,
		                        .port = wv[i].p->name,
		                        .want = wv[i].p,
		                        .why = "new"});
	}
	(void)have;
}

static bool lists_equal(char **a, size_t na, char **b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i], b[i]))
			return false;
	return true;
}

static void diff_flows(struct builder *b, const struct ctd_state *want,
                       const struct ctd_state *have)
{
	static char *const dflt[] = {CTD_FLOW_DEFAULT};
	for (size_t i = 0; !b->err && i < want->n_bridges; i++) {
		const struct ctd_bridge *wb = &want->bridges[i];
		const struct ctd_bridge *hb = find_bridge(have, wb->name);
		char **w = NULL, **h = NULL;
		size_t nw = 0, nh = 0;
		if (!wb->flows_managed || (hb && !hb->flows_known))
			continue;
		if (ctd_flows_canon(wb->flows, wb->n_flows, wb, hb, &w, &nw) < 0 ||
		    ctd_flows_canon(hb ? hb->flows : dflt, hb ? hb->n_flows : 1, wb, hb, &h, &nh) <
		        0) {
			ctd_flows_free_list(w, nw);
			b->err = -ENOMEM;
			return;
		}
		bool same = lists_equal(w, nw, h, nh);
		ctd_flows_free_list(h, nh);
		if (same) {
			ctd_flows_free_list(w, nw);
			continue;
		}
		size_t before = b->n[CTD_OP_FLOW_REPLACE];
		emit(b, (struct ctd_op){.kind = CTD_OP_FLOW_REPLACE,
		                        .bridge = wb->name,
		                        .want_br = wb,
		                        .have_br = hb,
		                        .flows = w,
		                        .n_flows = nw,
		                        .why = hb ? "flows changed" : "flows of a new bridge"});
		if (b->n[CTD_OP_FLOW_REPLACE] == before)
			ctd_flows_free_list(w, nw);
	}
}

static int op_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ctd_op *)a)->port, ((const struct ctd_op *)b)->port);
}

int ctd_diff(const struct ctd_state *want, const struct ctd_state *have, struct ctd_plan *plan)
{
	struct builder b = {0};
	size_t n_w = 0, n_h = 0, total = 0;
	struct pref *wv = index_ports(want, &n_w), *hv = index_ports(have, &n_h);

	plan->ops = NULL;
	plan->n_ops = 0;
	if (!wv || !hv)
		b.err = -ENOMEM;
	if (!b.err) {
		diff_bridges(&b, want, have);
		diff_ports(&b, want, have, wv, n_w, hv, n_h);
		diff_flows(&b, want, have);
	}
	free(wv);
	free(hv);
	for (int k = 0; k < CTD_OP__COUNT; k++)
		total += b.n[k];
	if (!b.err && total && !(plan->ops = malloc(total * sizeof(*plan->ops))))
		b.err = -ENOMEM;
	for (int k = 0; k < CTD_OP__COUNT; k++) {
		if (b.err)
			for (size_t i = 0; i < b.n[k]; i++)
				ctd_flows_free_list(b.groups[k][i].flows, b.groups[k][i].n_flows);
		if (!b.err && b.n[k]) { /* an empty group has no array (NULL) */
			if (k == CTD_OP_PORT_DEL || k == CTD_OP_PORT_ADD || k == CTD_OP_PORT_SET)
				qsort(b.groups[k], b.n[k], sizeof(struct ctd_op), op_cmp);
			memcpy(plan->ops + plan->n_ops, b.groups[k],
			       b.n[k] * sizeof(struct ctd_op));
			plan->n_ops += b.n[k];
		}
		free(b.groups[k]);
	}
	return b.err;
}

void ctd_plan_free(struct ctd_plan *plan)
{
	for (size_t i = 0; i < plan->n_ops; i++)
		ctd_flows_free_list(plan->ops[i].flows, plan->ops[i].n_flows);
	free(plan->ops);
	plan->ops = NULL;
	plan->n_ops = 0;
}

const char *ctd_op_method(const struct ctd_op *op)
{
	static const char *const names[] = {
	    [CTD_OP_PORT_DEL] = WF_RPC_METHOD_PORT_DEL,
	    [CTD_OP_BRIDGE_DEL] = WF_RPC_METHOD_BRIDGE_DEL,
	    [CTD_OP_BRIDGE_ADD] = WF_RPC_METHOD_BRIDGE_ADD,
	    [CTD_OP_BRIDGE_SET] = WF_RPC_METHOD_BRIDGE_SET,
	    [CTD_OP_PORT_ADD] = WF_RPC_METHOD_PORT_ADD,
	    [CTD_OP_PORT_SET] = WF_RPC_METHOD_PORT_SET,
	    [CTD_OP_FLOW_REPLACE] = WF_RPC_METHOD_FLOW_REPLACE,
	};
	return names[op->kind];
}

static json_t *trunks_json(const struct ctd_port *p)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < p->n_trunks; i++)
		json_array_append_new(a, json_integer(p->trunks[i]));
	return a;
}

static json_t *other_config_delta(const struct ctd_bridge *w, const struct ctd_bridge *h)
{
	json_t *d = json_object();
	for (size_t i = 0; d && i < w->other_config.n_kv; i++) {
		const struct ctd_kv *kv = &w->other_config.kv[i];
		const char *old = ctd_smap_get(&h->other_config, kv->key);
		if (!old || strcmp(old, kv->value))
			json_object_set_new(d, kv->key, json_string(kv->value));
	}
	for (size_t i = 0; d && i < h->other_config.n_kv; i++)
		if (!ctd_smap_get(&w->other_config, h->other_config.kv[i].key))
			json_object_set_new(d, h->other_config.kv[i].key, json_null());
	return d;
}

json_t *ctd_op_params(const struct ctd_op *op)
{
	const struct ctd_port *w = op->want;
	json_t *j = NULL;

	switch (op->kind) {
	case CTD_OP_PORT_DEL:
		return json_pack("{s:s,s:s}", WF_RPC_KEY_NAME, op->port, WF_RPC_KEY_BRIDGE,
		                 op->bridge);
	case CTD_OP_BRIDGE_DEL:
		return json_pack("{s:s}", WF_RPC_KEY_NAME, op->bridge);
	case CTD_OP_BRIDGE_ADD:
		return json_pack("{s:s,s:o}", WF_RPC_KEY_NAME, op->bridge, WF_RPC_KEY_OTHER_CONFIG,
		                 ctd_smap_to_json(&op->want_br->other_config));
	case CTD_OP_BRIDGE_SET:
		return json_pack("{s:s,s:o}", WF_RPC_KEY_NAME, op->bridge, WF_RPC_KEY_OTHER_CONFIG,
		                 other_config_delta(op->want_br, op->have_br));
	case CTD_OP_PORT_ADD:
		j = json_pack("{s:s,s:s,s:o}", WF_RPC_KEY_BRIDGE, op->bridge, WF_RPC_KEY_NAME,
		              op->port, WF_RPC_KEY_OPTIONS, ctd_smap_to_json(&w->options));
		if (j && w->type[0])
			json_object_set_new(j, WF_RPC_KEY_TYPE, json_string(w->type));
		if (j && w->tag >= 0)
			json_object_set_new(j, WF_RPC_KEY_TAG, json_integer(w->tag));
		if (j && w->n_trunks)
			json_object_set_new(j, WF_RPC_KEY_TRUNKS, trunks_json(w));
		if (j && w->vlan_mode && w->vlan_mode[0])
			json_object_set_new(j, WF_RPC_KEY_VLAN_MODE, json_string(w->vlan_mode));
		if (j && w->ofport > 0)
			json_object_set_new(j, WF_RPC_KEY_OFPORT, json_integer(w->ofport));
		return j;
	case CTD_OP_PORT_SET:
		j = json_pack("{s:s,s:o}", WF_RPC_KEY_NAME, op->port, WF_RPC_KEY_TRUNKS,
		              trunks_json(w));
		if (j)
			json_object_set_new(j, WF_RPC_KEY_TAG,
			                    w->tag >= 0 ? json_integer(w->tag) : json_null());
		if (j)
			json_object_set_new(j, WF_RPC_KEY_VLAN_MODE,
			                    w->vlan_mode && w->vlan_mode[0]
			                        ? json_string(w->vlan_mode)
			                        : json_null());
		return j;
	case CTD_OP_FLOW_REPLACE:
		j = json_array();
		for (size_t i = 0; j && i < op->n_flows; i++)
			if (json_array_append_new(j, json_string(op->flows[i])) < 0) {
				json_decref(j);
				j = NULL;
			}
		return j ? json_pack("{s:s,s:o}", WF_RPC_KEY_BRIDGE, op->bridge, WF_RPC_KEY_FLOWS,
		                     j)
		         : NULL;
	case CTD_OP__COUNT:
		break;
	}
	return NULL;
}
