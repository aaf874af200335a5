/* Flows in the database and the dataplane (see flowdb.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbclient.h"
#include "flow.h"
#include "flowdb.h"

bool ctd_flows_managed(const struct ctd_smap *other_config)
{
	return !ctd_smap_get(other_config, "tunnel-ip");
}

static const json_t *opt_atom(const json_t *row, const char *col)
{
	const json_t *v = json_object_get(row, col);
	return ctd_datum_n(v) == 1 ? ctd_datum_at(v, 0) : NULL;
}

/* "table=T,priority=P[,cookie=0xC][,idle_timeout=I][,hard_timeout=H][,MATCH],actions=A". */
static char *flow_string(long long table, long long priority, unsigned long long cookie,
                         long long idle, long long hard, const char *match, const char *actions)
{
	char *s = NULL, ck[32] = "", it[32] = "", ht[32] = "";
	if (cookie)
		snprintf(ck, sizeof(ck), ",cookie=0x%llx", cookie);
	if (idle)
		snprintf(it, sizeof(it), ",idle_timeout=%lld", idle);
	if (hard)
		snprintf(ht, sizeof(ht), ",hard_timeout=%lld", hard);
	if (asprintf(&s, "table=%lld,priority=%lld%s%s%s%s%s,actions=%s", table, priority, ck, it,
	             ht, *match ? "," : "", match, actions) < 0)
		return NULL;
	return s;
}

/* An optional integer column (absent or empty: 0). */
static long long int_col(const json_t *row, const char *col)
{
	const json_t *v = json_object_get(row, col);
	if (ctd_datum_n(v) == 1)
		v = ctd_datum_at(v, 0);
	return json_is_integer(v) ? json_integer_value(v) : 0;
}

char *ctd_flow_row_string(const json_t *row)
{
	const json_t *t = opt_atom(row, "table"), *p = opt_atom(row, "priority");
	const char *m = json_string_value(json_object_get(row, "match"));
	const char *a = json_string_value(json_object_get(row, "actions"));
	const json_t *c = json_object_get(row, "cookie");
	if (!json_is_integer(t) || !json_is_integer(p) || !m || !a)
		return NULL;
	return flow_string(json_integer_value(t), json_integer_value(p),
	                   json_is_integer(c) ? (unsigned long long)json_integer_value(c) : 0,
	                   int_col(row, "idle_timeout"), int_col(row, "hard_timeout"), m, a);
}

bool ctd_flows_marked(const json_t *brow)
{
	json_t *ids = ctd_datum_map_object(json_object_get(brow, "external_ids"));
	bool marked = json_object_get(ids, CTD_FLOWS_MARKER_KEY) != NULL;
	json_decref(ids);
	return marked;
}

/* Appends a copy of 's'. The array doubles when its size is a power of two (0, 1, 2, 4...):
 * amortized O(1) without a capacity field, as long as only push() appends. */
static int push(char ***v, size_t *n, const char *s)
{
	char **nv = *v;
	if ((*n & (*n - 1)) == 0 && !(nv = realloc(*v, (*n ? 2 * *n : 1) * sizeof(*nv))))
		return -ENOMEM;
	*v = nv;
	if (!(nv[*n] = strdup(s)))
		return -ENOMEM;
	(*n)++;
	return 0;
}

int ctd_flows_desired(struct ctd_bridge *br, const struct ctd_replica *r, const json_t *brow,
                      struct ctd_smap *bad)
{
	const char *uuid;
	json_t *row;
	size_t n_rows = 0;
	int ret = 0;

	br->flows_managed = ctd_flows_managed(&br->other_config);
	if (!br->flows_managed)
		return 0;
	json_object_foreach((json_t *)ctd_replica_table(r, "Flow"), uuid, row)
	{
		const char *b = json_string_value(json_object_get(row, "bridge"));
		if (!b || strcmp(b, br->name))
			continue;
		n_rows++;
		char *s = ctd_flow_row_string(row), *canon = NULL, *err = NULL;
		struct fl_names names;
		struct fl_port_map pm;
		fl_names_init(&names);
		fl_names_port_map(&names, &pm);
		ret = s ? fl_flow_canonical(s, 0, &pm, &canon, &err) : -EINVAL;
		fl_names_free(&names);
		if (ret == 0)
			ret = push(&br->flows, &br->n_flows, s);
		else if (ret == -EINVAL && bad)
			ret = ctd_smap_set(bad, uuid, err ? err : "missing or mistyped columns");
		free(s);
		free(canon);
		free(err);
		if (ret < 0)
			return ret;
	}
	if (!n_rows && !ctd_flows_marked(brow))
		return push(&br->flows, &br->n_flows, CTD_FLOW_DEFAULT);
	return 0;
}

int ctd_flows_from_dump(struct ctd_bridge *br, const json_t *result)
{
	const json_t *flows = json_object_get(result, "flows"), *f;
	size_t i;
	if (!json_is_array(flows))
		return -EPROTO;
	json_array_foreach(flows, i, f)
	{
		const char *m = json_string_value(json_object_get(f, "match"));
		const char *a = json_string_value(json_object_get(f, "actions"));
		const char *c = json_string_value(json_object_get(f, "cookie"));
		const json_t *t = json_object_get(f, "table"), *p = json_object_get(f, "priority");
		if (!m || !a || !json_is_integer(t) || !json_is_integer(p))
			return -EPROTO;
		char *s = flow_string(json_integer_value(t), json_integer_value(p),
		                      c ? strtoull(c, NULL, 0) : 0, int_col(f, "idle_timeout"),
		                      int_col(f, "hard_timeout"), m, a);
		int ret = s ? push(&br->flows, &br->n_flows, s) : -ENOMEM;
		free(s);
		if (ret < 0)
			return ret;
	}
	br->flows_known = true;
	return 0;
}

void ctd_flows_free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int add_ports(struct fl_names *names, const struct ctd_bridge *br)
{
	for (size_t i = 0; br && i < br->n_ports; i++)
		if (br->ports[i].ofport > 0 &&
		    fl_names_add(names, br->ports[i].name, (uint32_t)br->ports[i].ofport) < 0)
			return -ENOMEM;
	return 0;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Parsed flows ordered by rule (table, priority, match), then input order. */
struct rule_ref {
	const struct fl_flow *f;
	size_t i;
};

static int rule_cmp(const void *a, const void *b)
{
	const struct rule_ref *x = a, *y = b;
	int c = fl_flow_rule_cmp(x->f, y->f);
	if (c)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

int ctd_flows_canon(char *const *flows, size_t n, const struct ctd_bridge *want,
                    const struct ctd_bridge *have, char ***out, size_t *n_out)
{
	struct fl_names names;
	struct fl_port_map pm;
	struct fl_flow *parsed = calloc(n + 1, sizeof(*parsed));
	bool *ok = calloc(n + 1, sizeof(*ok));
	char **v = calloc(n + 1, sizeof(*v));
	size_t k = 0;
	int ret = parsed && ok && v ? 0 : -ENOMEM;

	fl_names_init(&names);
	fl_names_port_map(&names, &pm);
	if (!ret)
		ret = add_ports(&names, have);
	if (!ret)
		ret = add_ports(&names, want);
	for (size_t i = 0; !ret && i < n; i++) {
		ok[i] = fl_flow_parse(flows[i], 0, &pm, &parsed[i], NULL) == 0;
		if (ok[i])
			parsed[i].has_priority = false;
	}
	/* Duplicates by rule: the last one wins (sorted by rule, then input order: O(n log n)). */
	struct rule_ref *refs = ret ? NULL : malloc((n + 1) * sizeof(*refs));
	size_t n_refs = 0;
	if (!ret && !refs)
		ret = -ENOMEM;
	for (size_t i = 0; !ret && i < n; i++)
		if (ok[i])
			refs[n_refs++] = (struct rule_ref){&parsed[i], i};
	if (!ret)
		qsort(refs, n_refs, sizeof(*refs), rule_cmp);
	for (size_t r = 0; !ret && r < n_refs; r++) {
		if (r + 1 < n_refs && fl_flow_same_rule(refs[r].f, refs[r + 1].f))
			continue;
		if (!(v[k] = fl_flow_to_string(refs[r].f, false, &pm)))
			ret = -ENOMEM;
		else
			k++;
	}
	free(refs);
	for (size_t i = 0; parsed && ok && i < n; i++)
		if (ok[i])
			fl_flow_uninit(&parsed[i]);
	free(parsed);
	free(ok);
	fl_names_free(&names);
	if (ret < 0) {
		ctd_flows_free_list(v, k);
		return ret;
	}
	qsort(v, k, sizeof(*v), str_cmp);
	*out = v;
	*n_out = k;
	return 0;
}

static bool has_rows(const struct ctd_replica *r, const char *bridge)
{
	const char *uuid;
	json_t *row;
	json_object_foreach((json_t *)ctd_replica_table(r, "Flow"), uuid, row)
	{
		const char *b = json_string_value(json_object_get(row, "bridge"));
		if (b && !strcmp(b, bridge))
			return true;
	}
	return false;
}

/* Ops for one unmarked bridge: wait (still unmarked), [insert default], mutate marker. */
static int init_bridge(const char *uuid, const json_t *brow, json_t *ops)
{
	const json_t *cur = json_object_get(brow, "external_ids");
	json_t *ids = cur ? json_incref((json_t *)cur) : json_pack("[s,[]]", "map");
	json_t *where = json_pack("[[s,s,o]]", "_uuid", "==", ctd_datum_uuid(uuid));
	int ret = 0;
	if (!where)
		return -ENOMEM;
	/* timeout 0: fail at once (RFC 7047: without a timeout a wait may block forever). */
	ret |= json_array_append_new(
	    ops, json_pack("{s:s,s:s,s:O,s:[s],s:s,s:[{s:O}],s:i}", "op", "wait", "table", "Bridge",
	                   "where", where, "columns", "external_ids", "until", "==", "rows",
	                   "external_ids", ids, "timeout", 0));
	ret |= json_array_append_new(ops, json_pack("{s:s,s:s,s:O,s:[[s,s,[s,[[s,s]]]]]}", "op",
	                                            "mutate", "table", "Bridge", "where", where,
	                                            "mutations", "external_ids", "insert", "map",
	                                            CTD_FLOWS_MARKER_KEY, CTD_FLOWS_MARKER_VALUE));
	json_decref(where);
	json_decref(ids);
	return ret ? -ENOMEM : 0;
}

int ctd_flows_init_ops(const struct ctd_replica *r, json_t *ops)
{
	const json_t *ovs = ctd_replica_table(r, "Open_vSwitch");
	const char *ou;
	json_t *orow;
	json_object_foreach((json_t *)ovs, ou, orow)
	{
		const json_t *brs = json_object_get(orow, "bridges");
		for (size_t i = 0; i < ctd_datum_n(brs); i++) {
			const char *u = ctd_datum_uuid_str(ctd_datum_at(brs, i));
			const json_t *brow = u ? ctd_replica_row(r, "Bridge", u) : NULL;
			const char *name = json_string_value(json_object_get(brow, "name"));
			struct ctd_smap oc = {0};
			json_t *oco =
			    brow ? ctd_datum_map_object(json_object_get(brow, "other_config"))
			         : NULL;
			bool managed =
			    !oco || ctd_smap_from_json(&oc, oco) < 0 || ctd_flows_managed(&oc);
			json_decref(oco);
			ctd_smap_free(&oc);
			if (!brow || !name || !managed || ctd_flows_marked(brow))
				continue;
			if (!has_rows(r, name) &&
			    json_array_append_new(
			        ops, json_pack("{s:s,s:s,s:{s:s,s:i,s:i,s:s,s:s,s:i}}", "op",
			                       "insert", "table", "Flow", "row", "bridge", name,
			                       "table", 0, "priority", 0, "match", "", "actions",
			                       "NORMAL", "cookie", 0)) < 0)
				return -ENOMEM;
			if (init_bridge(u, brow, ops) < 0)
				return -ENOMEM;
		}
		break;
	}
	return 0;
}

int ctd_flows_gc_ops(const struct ctd_replica *r, json_t *ops)
{
	const json_t *bridges = ctd_replica_table(r, "Bridge");
	const char *uuid, *bu;
	json_t *row, *brow;
	if (!ctd_replica_table(r, "Open_vSwitch"))
		return 0; /* no configuration at all: nothing to judge against */
	json_object_foreach((json_t *)ctd_replica_table(r, "Flow"), uuid, row)
	{
		const char *b = json_string_value(json_object_get(row, "bridge"));
		bool found = false;
		json_object_foreach((json_t *)bridges, bu, brow)
		{
			const char *name = json_string_value(json_object_get(brow, "name"));
			found = found || (b && name && !strcmp(b, name));
		}
		if (!found &&
		    json_array_append_new(ops, json_pack("{s:s,s:s,s:[[s,s,o]]}", "op", "delete",
		                                         "table", "Flow", "where", "_uuid",
		                                         "==", ctd_datum_uuid(uuid))) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* ---- flows removed by their timeouts ---------------------------------------------------- */

/* Parses flow 's' with the ports of 'a' and 'b' into 'f'. */
static bool parse_with(const char *s, const struct ctd_bridge *a, const struct ctd_bridge *b,
                       struct fl_flow *f)
{
	struct fl_names names;
	struct fl_port_map pm;
	fl_names_init(&names);
	fl_names_port_map(&names, &pm);
	bool ok = add_ports(&names, b) == 0 && add_ports(&names, a) == 0 &&
	          fl_flow_parse(s, 0, &pm, f, NULL) == 0;
	fl_names_free(&names);
	return ok;
}

/* The flow string of a flow-removed entry (actions left out: they do not identify it). */
static char *removed_string(const json_t *e)
{
	const char *m = json_string_value(json_object_get(e, "match"));
	const json_t *t = json_object_get(e, "table"), *p = json_object_get(e, "priority");
	if (!m || !json_is_integer(t) || !json_is_integer(p))
		return NULL;
	return flow_string(json_integer_value(t), json_integer_value(p), 0,
	                   int_col(e, "idle_timeout"), int_col(e, "hard_timeout"), m, "drop");
}

bool ctd_flow_expired(const char *flow, const char *bridge, const json_t *removed,
                      const struct ctd_bridge *a, const struct ctd_bridge *b)
{
	const json_t *e;
	size_t i;
	struct fl_flow f;
	bool found = false, parsed = false;
	json_array_foreach(removed, i, e)
	{
		const char *eb = json_string_value(json_object_get(e, "bridge"));
		if (found || !eb || strcmp(eb, bridge))
			continue;
		if (!parsed && !(parsed = parse_with(flow, a, b, &f)))
			return false;
		if (!f.idle_timeout && !f.hard_timeout)
			break;
		char *es = removed_string(e);
		struct fl_flow g;
		if (es && parse_with(es, a, b, &g)) {
			found = fl_flow_same_rule(&f, &g) && f.idle_timeout == g.idle_timeout &&
			        f.hard_timeout == g.hard_timeout;
			fl_flow_uninit(&g);
		}
		free(es);
	}
	if (parsed)
		fl_flow_uninit(&f);
	return found;
}

size_t ctd_flows_drop_expired(struct ctd_bridge *want, const struct ctd_bridge *have,
                              const json_t *removed)
{
	size_t k = 0, n0 = want->n_flows;
	if (!json_array_size(removed))
		return 0;
	for (size_t i = 0; i < want->n_flows; i++) {
		if (ctd_flow_expired(want->flows[i], want->name, removed, want, have))
			free(want->flows[i]);
		else
			want->flows[k++] = want->flows[i];
	}
	want->n_flows = k;
	return n0 - k;
}

int ctd_flows_expired_ops(const struct ctd_replica *r, const json_t *removed,
                          const struct ctd_state *actual, json_t *ops)
{
	const char *uuid;
	json_t *row;
	if (!json_array_size(removed))
		return 0;
	json_object_foreach((json_t *)ctd_replica_table(r, "Flow"), uuid, row)
	{
		const char *b = json_string_value(json_object_get(row, "bridge"));
		const struct ctd_bridge *have = NULL;
		for (size_t i = 0; b && actual && i < actual->n_bridges; i++)
			if (!strcmp(actual->bridges[i].name, b))
				have = &actual->bridges[i];
		char *s = b ? ctd_flow_row_string(row) : NULL;
		bool hit = s && ctd_flow_expired(s, b, removed, have, NULL);
		free(s);
		if (hit &&
		    json_array_append_new(ops, json_pack("{s:s,s:s,s:[[s,s,o]]}", "op", "delete",
		                                         "table", "Flow", "where", "_uuid",
		                                         "==", ctd_datum_uuid(uuid))) < 0)
			return -ENOMEM;
	}
	return 0;
}
