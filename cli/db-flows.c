/* weftctl database backend: flow verbs as Flow row changes (see db-flows.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "db-flows.h"
#include "db-snap.h"
#include "dbclient.h"
#include "flow.h"
#include "flowdb.h"
#include "verbs.h"

struct ent {
	char *bridge;
	const char *uuid; /* the snapshot row, NULL: new */
	struct fl_flow f;
	bool ok;      /* f parsed (a row that does not parse is only ever deleted) */
	bool removed; /* deleted by a command */
	bool dirty;   /* a snapshot row to update */
};

struct br_names {
	char *bridge;
	struct fl_names names;
	struct fl_port_map pm;
	size_t n_known; /* the bridge's interfaces; a name parsed beyond them is unknown */
};

struct fmodel {
	const json_t *snap;
	const json_t *ports; /* db-txn.c's model: port name -> {bridge, ifaces} after the list */
	struct ent *e;
	size_t n, cap;
	struct br_names *bn; /* one port-name map per bridge touched */
	size_t n_bn;
	char **touched; /* bridges a flow verb changed (marker) */
	size_t n_touched;
};

bool cli_db_flows_verb(enum cli_cmd_verb verb)
{
	return verb == CLI_CMD_ADD_FLOW || verb == CLI_CMD_ADD_FLOWS || verb == CLI_CMD_DEL_FLOWS ||
	       verb == CLI_CMD_MOD_FLOWS || verb == CLI_CMD_REPLACE_FLOWS;
}

/* The port-name map of 'bridge' (created on first use), NULL on ENOMEM. */
static struct br_names *names_of(struct fmodel *m, const char *bridge)
{
	for (size_t i = 0; i < m->n_bn; i++)
		if (!strcmp(m->bn[i].bridge, bridge))
			return &m->bn[i];
	struct br_names *v = realloc(m->bn, (m->n_bn + 1) * sizeof(*v));
	if (!v)
		return NULL;
	m->bn = v;
	/* Reallocation moves the maps: fix every pm.arg. */
	for (size_t i = 0; i < m->n_bn; i++)
		fl_names_port_map(&v[i].names, &v[i].pm);
	struct br_names *b = &v[m->n_bn];
	fl_names_init(&b->names);
	if (!(b->bridge = strdup(bridge)))
		return NULL;
	m->n_bn++;
	fl_names_port_map(&b->names, &b->pm);
	const json_t *br = cli_db_snap_find(m->snap, "Bridge", bridge);
	const json_t *ports = json_object_get(br, "ports");
	for (size_t j = 0; j < ctd_datum_n(ports); j++) {
		const json_t *p = cli_db_snap_by_uuid(m->snap, "Port",
		                                      ctd_datum_uuid_str(ctd_datum_at(ports, j)));
		const json_t *ifs = json_object_get(p, "interfaces");
		for (size_t k = 0; k < ctd_datum_n(ifs); k++) {
			const json_t *ir = cli_db_snap_by_uuid(
			    m->snap, "Interface", ctd_datum_uuid_str(ctd_datum_at(ifs, k)));
			const json_t *of = json_object_get(ir, "ofport");
			const char *name = json_string_value(json_object_get(ir, "name"));
			uint32_t num;
			of = ctd_datum_n(of) == 1 ? ctd_datum_at(of, 0) : NULL;
			if (!name)
				continue;
			if (json_is_integer(of) && json_integer_value(of) > 0 &&
			    json_integer_value(of) <= FL_PORT_MAX) {
				if (fl_names_add(&b->names, name,
				                 (uint32_t)json_integer_value(of)) < 0)
					return NULL;
			} else if (b->pm.port_by_name(b->pm.arg, name, &num) < 0) {
				return NULL; /* no ofport yet: a name only */
			}
		}
	}
	/* Interfaces the invocation's commands added (add-port BR P -- add-flow BR in_port=P). */
	const char *pname;
	json_t *pv;
	json_object_foreach((json_t *)m->ports, pname, pv)
	{
		const char *pb = json_string_value(json_object_get(pv, "bridge"));
		const json_t *ifs = json_object_get(pv, "ifaces"), *ifn;
		size_t k;
		uint32_t num;
		if (!pb || strcmp(pb, bridge))
			continue;
		json_array_foreach(ifs, k, ifn)
		{
			if (json_string_value(ifn) &&
			    b->pm.port_by_name(b->pm.arg, json_string_value(ifn), &num) < 0)
				return NULL;
		}
	}
	b->n_known = b->names.n;
	return b;
}

static const struct fl_port_map *ports_of(struct fmodel *m, const char *bridge)
{
	struct br_names *b = names_of(m, bridge);
	return b ? &b->pm : NULL;
}

static struct ent *ent_new(struct fmodel *m, const char *bridge)
{
	struct ent *v = m->e;
	if (m->n == m->cap) { /* doubling: add-flows of many flows stays linear */
		if (!(v = realloc(m->e, (m->cap ? 2 * m->cap : 16) * sizeof(*v))))
			return NULL;
		m->e = v;
		m->cap = m->cap ? 2 * m->cap : 16;
	}
	v += m->n;
	memset(v, 0, sizeof(*v));
	if (!(v->bridge = strdup(bridge)))
		return NULL;
	m->n++;
	return v;
}

static int load(struct fmodel *m)
{
	size_t i;
	json_t *row;
	json_array_foreach(cli_db_snap_rows(m->snap, "Flow"), i, row)
	{
		const char *b = json_string_value(json_object_get(row, "bridge"));
		struct br_names *bn = b ? names_of(m, b) : NULL;
		const struct fl_port_map *pm = bn ? &bn->pm : NULL;
		struct ent *e = pm ? ent_new(m, b) : NULL;
		char *s = ctd_flow_row_string(row);
		if (!b)
			continue;
		if (!e) {
			free(s);
			return -ENOMEM;
		}
		e->uuid = ctd_datum_uuid_str(json_object_get(row, "_uuid"));
		e->ok = s && fl_flow_parse(s, 0, pm, &e->f, NULL) == 0;
		bn->n_known = bn->names.n; /* names the database already uses are accepted */
		free(s);
	}
	return 0;
}

static bool bridge_marked(struct fmodel *m, const char *bridge)
{
	const json_t *br = cli_db_snap_find(m->snap, "Bridge", bridge);
	return br && ctd_flows_marked(br);
}

static bool has_rows(struct fmodel *m, const char *bridge)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->e[i].uuid && !strcmp(m->e[i].bridge, bridge))
			return true;
	return false;
}

/* First change of a bridge: the marker, and the default flow for a new one. */
static int touch(struct fmodel *m, const char *bridge)
{
	for (size_t i = 0; i < m->n_touched; i++)
		if (!strcmp(m->touched[i], bridge))
			return 0;
	char **v = realloc(m->touched, (m->n_touched + 1) * sizeof(*v));
	if (!v || !(v[m->n_touched] = strdup(bridge)))
		return -ENOMEM;
	m->touched = v;
	m->n_touched++;
	if (bridge_marked(m, bridge) || has_rows(m, bridge))
		return 0;
	struct ent *e = ent_new(m, bridge);
	if (!e)
		return -ENOMEM;
	e->ok = fl_flow_parse(CTD_FLOW_DEFAULT, 0, NULL, &e->f, NULL) == 0;
	return e->ok ? 0 : -ENOMEM;
}

/* Sorting helpers for add_list: flows (new ones by index, existing ones by entry). */
struct fref {
	const struct fl_flow *f;
	size_t i;
};

static int fref_cmp(const void *a, const void *b)
{
	const struct fref *x = a, *y = b;
	int c = fl_flow_rule_cmp(x->f, y->f);
	if (c)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* add-flow(s): fs[0..n) (owned, taken) added to 'bridge' in order: a flow with the rule
 * (table, priority, match) of an existing one replaces it (a later flow of the list wins);
 * O((n + m) log(n + m)). 0 or -ENOMEM. */
static int add_list(struct fmodel *m, const char *bridge, struct fl_flow *fs, size_t n)
{
	struct fref *nv = malloc((n + 1) * sizeof(*nv)), *ev = malloc((m->n + 1) * sizeof(*ev));
	size_t n_e = 0;
	int ret = nv && ev ? 0 : -ENOMEM;

	if (ret) {
		for (size_t i = 0; i < n; i++)
			fl_flow_uninit(&fs[i]);
		n = 0;
	}

	for (size_t i = 0; !ret && i < n; i++)
		nv[i] = (struct fref){&fs[i], i};
	for (size_t i = 0; !ret && i < m->n; i++)
		if (!m->e[i].removed && m->e[i].ok && !strcmp(m->e[i].bridge, bridge))
			ev[n_e++] = (struct fref){&m->e[i].f, i};
	if (!ret) {
		qsort(nv, n, sizeof(*nv), fref_cmp);
		qsort(ev, n_e, sizeof(*ev), fref_cmp);
	}
	for (size_t r = 0; r < n; r++) {
		struct fl_flow *f = &fs[nv[r].i];
		if (ret || (r + 1 < n && fl_flow_same_rule(f, nv[r + 1].f))) {
			fl_flow_uninit(f); /* a later flow of the list replaces it */
			continue;
		}
		/* Entries of the bridge are only ever added after ev was built: ev stays valid
		 * (indices, not pointers: m->e moves). */
		size_t lo = 0, hi = n_e;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (fl_flow_rule_cmp(&m->e[ev[mid].i].f, f) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < n_e && fl_flow_same_rule(&m->e[ev[lo].i].f, f)) {
			struct ent *e = &m->e[ev[lo].i];
			fl_flow_uninit(&e->f);
			e->f = *f;
			e->dirty = true;
			continue;
		}
		struct ent *e = ent_new(m, bridge);
		if (!e) {
			fl_flow_uninit(f);
			ret = -ENOMEM;
			continue;
		}
		e->f = *f;
		e->ok = true;
	}
	free(nv);
	free(ev);
	return ret;
}

/* Parses flow 'i' of the command ('what' names it in messages). */
static int parse(struct fmodel *m, const char *bridge, const char *s, unsigned flags,
                 const char *what, struct fl_flow *f, char **errp)
{
	struct br_names *bn = names_of(m, bridge);
	char *msg = NULL;
	if (!bn)
		return cli_fail(errp, ENOMEM, "out of memory");
	int ret = fl_flow_parse(s, flags, &bn->pm, f, &msg);
	if (ret < 0) {
		ret = cli_fail(errp, -ret, "%s: %s", what, msg ? msg : "invalid flow");
		free(msg);
		return ret;
	}
	if (bn->names.n > bn->n_known) {
		ret = cli_error(errp, "%s: no port named %s on bridge %s", what,
		                bn->names.v[bn->n_known].name, bridge);
		fl_flow_uninit(f);
		return ret;
	}
	f->has_priority = flags & FL_PARSE_MATCH_ONLY ? f->has_priority : false;
	return 0;
}

static int run_list(struct fmodel *m, const struct cli_cmd *c, bool replace, char **errp)
{
	const char *vn = cli_verb_of_cmd(c->verb)->name;
	size_t n = json_array_size(c->flows);
	struct fl_flow *fs = calloc(n + 1, sizeof(*fs));
	char what[64];
	int ret = fs ? 0 : cli_fail(errp, ENOMEM, "out of memory");
	size_t k = 0;

	for (; ret == 0 && k < n; k++) {
		snprintf(what, sizeof(what), "%s: flow %zu", vn, k + 1);
		ret = parse(m, c->bridge, json_string_value(json_array_get(c->flows, k)), 0, what,
		            &fs[k], errp);
	}
	if (ret < 0) {
		for (size_t i = 0; fs && i + 1 < k; i++)
			fl_flow_uninit(&fs[i]);
		free(fs);
		return ret;
	}
	for (size_t i = 0; replace && i < m->n; i++)
		if (!strcmp(m->e[i].bridge, c->bridge))
			m->e[i].removed = true;
	ret = add_list(m, c->bridge, fs, n);
	free(fs);
	return ret < 0 ? cli_fail(errp, ENOMEM, "out of memory") : 0;
}

static int run_del_mod(struct fmodel *m, const struct cli_cmd *c, char **errp)
{
	const char *vn = cli_verb_of_cmd(c->verb)->name;
	struct fl_flow sel, full = {0};
	char *ms = NULL;
	int ret;

	if (c->verb == CLI_CMD_DEL_FLOWS && !c->flow) {
		for (size_t i = 0; i < m->n; i++)
			if (!strcmp(m->e[i].bridge, c->bridge))
				m->e[i].removed = true;
		return 0;
	}
	if (c->verb == CLI_CMD_MOD_FLOWS) {
		if ((ret = parse(m, c->bridge, c->flow, 0, vn, &full, errp)) < 0)
			return ret;
		const char *a = strstr(c->flow, "actions=");
		if (!(ms = a ? strndup(c->flow, (size_t)(a - c->flow)) : strdup(""))) {
			fl_flow_uninit(&full);
			return cli_fail(errp, ENOMEM, "out of memory");
		}
	}
	ret = parse(m, c->bridge, ms ? ms : c->flow, FL_PARSE_MATCH_ONLY, vn, &sel, errp);
	free(ms);
	for (size_t i = 0; ret == 0 && i < m->n; i++) {
		struct ent *e = &m->e[i];
		if (e->removed || !e->ok || strcmp(e->bridge, c->bridge) ||
		    !fl_flow_selects(&e->f, &sel, c->strict))
			continue;
		if (c->verb == CLI_CMD_DEL_FLOWS) {
			e->removed = true;
			continue;
		}
		struct fl_action *acts = NULL;
		if (full.n_actions && !(acts = malloc(full.n_actions * sizeof(*acts)))) {
			ret = cli_fail(errp, ENOMEM, "out of memory");
			break;
		}
		if (full.n_actions)
			memcpy(acts, full.actions, full.n_actions * sizeof(*acts));
		free(e->f.actions);
		e->f.actions = acts;
		e->f.n_actions = full.n_actions;
		e->dirty = true;
	}
	if (ret == 0 || c->verb == CLI_CMD_MOD_FLOWS)
		fl_flow_uninit(&full);
	if (ret == 0)
		fl_flow_uninit(&sel);
	return ret;
}

static json_t *row_of(struct fmodel *m, const struct ent *e)
{
	const struct fl_port_map *pm = ports_of(m, e->bridge);
	char *match = pm ? fl_match_to_string(&e->f.match, FL_PRIORITY_DEFAULT, pm) : NULL;
	char *acts = pm ? fl_actions_to_string(e->f.actions, e->f.n_actions, pm) : NULL;
	json_t *row = NULL;
	if (match && acts)
		row = json_pack("{s:s,s:i,s:i,s:s,s:s,s:I}", "bridge", e->bridge, "table",
		                e->f.table, "priority", e->f.priority, "match", match, "actions",
		                acts, "cookie", (json_int_t)e->f.cookie);
	/* Timeouts: inserted when set (the columns default to 0), always written by an update
	 * (add-flow replacing a flow with timeouts by one without). */
	if (row && (e->uuid || e->f.idle_timeout))
		json_object_set_new(row, "idle_timeout", json_integer(e->f.idle_timeout));
	if (row && (e->uuid || e->f.hard_timeout))
		json_object_set_new(row, "hard_timeout", json_integer(e->f.hard_timeout));
	free(match);
	free(acts);
	return row;
}

static int emit_ops(struct fmodel *m, json_t *ops, size_t *n_writes)
{
	size_t n0 = json_array_size(ops);
	int ret = 0;
	for (size_t i = 0; ret == 0 && i < m->n; i++) {
		const struct ent *e = &m->e[i];
		json_t *row;
		if (e->uuid && e->removed)
			ret = json_array_append_new(
			    ops, json_pack("{s:s,s:s,s:[[s,s,o]]}", "op", "delete", "table", "Flow",
			                   "where", "_uuid", "==", ctd_datum_uuid(e->uuid)));
		else if (e->removed || (e->uuid && !e->dirty))
			continue;
		else if (!(row = row_of(m, e)))
			ret = -ENOMEM;
		else if (e->uuid)
			ret = json_array_append_new(ops, ctd_op_update_uuid("Flow", e->uuid, row));
		else
			ret = json_array_append_new(ops, json_pack("{s:s,s:s,s:o}", "op", "insert",
			                                           "table", "Flow", "row", row));
	}
	for (size_t i = 0; ret == 0 && i < m->n_touched; i++) {
		const json_t *br = cli_db_snap_find(m->snap, "Bridge", m->touched[i]);
		const json_t *ids = json_object_get(br, "external_ids");
		if (bridge_marked(m, m->touched[i]))
			continue;
		/* Still unmarked when committed (else weft-controld initialized it meanwhile:
		 * the transaction fails with "timed out" and db-run.c starts again). */
		if (br && ids)
			ret = json_array_append_new(
			    ops, json_pack("{s:s,s:s,s:[[s,s,s]],s:[s],s:s,s:[{s:O}],s:i}", "op",
			                   "wait", "table", "Bridge", "where", "name",
			                   "==", m->touched[i], "columns", "external_ids", "until",
			                   "==", "rows", "external_ids", ids, "timeout", 0));
		if (ret == 0)
			ret = json_array_append_new(
			    ops, json_pack("{s:s,s:s,s:[[s,s,s]],s:[[s,s,[s,[[s,s]]]]]}", "op",
			                   "mutate", "table", "Bridge", "where", "name", "==",
			                   m->touched[i], "mutations", "external_ids", "insert",
			                   "map", CTD_FLOWS_MARKER_KEY, CTD_FLOWS_MARKER_VALUE));
	}
	*n_writes = json_array_size(ops) - n0;
	return ret < 0 ? -ENOMEM : 0;
}

static void model_free(struct fmodel *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->e[i].bridge);
		if (m->e[i].ok)
			fl_flow_uninit(&m->e[i].f);
	}
	free(m->e);
	for (size_t i = 0; i < m->n_bn; i++) {
		free(m->bn[i].bridge);
		fl_names_free(&m->bn[i].names);
	}
	free(m->bn);
	for (size_t i = 0; i < m->n_touched; i++)
		free(m->touched[i]);
	free(m->touched);
}

int cli_db_flows_build(const json_t *snap, const json_t *bridges, const json_t *ports,
                       const struct cli_cmd_list *list, json_t *ops, size_t *n_writes, char **errp)
{
	struct fmodel m = {.snap = snap, .ports = ports};
	int ret = load(&m) < 0 ? cli_fail(errp, ENOMEM, "out of memory") : 0;

	*n_writes = 0;
	for (size_t i = 0; ret == 0 && i < list->n_cmds; i++) {
		const struct cli_cmd *c = &list->cmds[i];
		if (c->verb == CLI_CMD_DEL_BR) {
			for (size_t j = 0; j < m.n; j++)
				if (!strcmp(m.e[j].bridge, c->bridge))
					m.e[j].removed = true;
			continue;
		}
		if (!cli_db_flows_verb(c->verb))
			continue;
		if (!json_object_get(bridges, c->bridge)) {
			ret = cli_fail(errp, ENOENT, "%s: no bridge named %s",
			               cli_verb_of_cmd(c->verb)->name, c->bridge);
			break;
		}
		struct fl_flow f;
		if (touch(&m, c->bridge) < 0)
			ret = cli_fail(errp, ENOMEM, "out of memory");
		else if (c->verb == CLI_CMD_ADD_FLOW) {
			if ((ret = parse(&m, c->bridge, c->flow, 0, "add-flow", &f, errp)) == 0 &&
			    add_list(&m, c->bridge, &f, 1) < 0)
				ret = cli_fail(errp, ENOMEM, "out of memory");
		} else if (c->verb == CLI_CMD_ADD_FLOWS || c->verb == CLI_CMD_REPLACE_FLOWS) {
			ret = run_list(&m, c, c->verb == CLI_CMD_REPLACE_FLOWS, errp);
		} else {
			ret = run_del_mod(&m, c, errp);
		}
	}
	if (ret == 0)
		ret = emit_ops(&m, ops, n_writes) < 0 ? cli_fail(errp, ENOMEM, "out of memory") : 0;
	model_free(&m);
	return ret;
}
