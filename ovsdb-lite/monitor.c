/* ovsdb-lite monitors. See monitor.h. */
#include "monitor.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- datum helpers (RFC 7047 <value> notation) ---- */

/* The elements of a datum as a JSON array (new ref): the atoms of a set, the [key, value] pairs
 * of a map, or the datum itself when it is a bare atom. */
static json_t *datum_elems(const json_t *d)
{
	json_t *a;

	if (json_is_array(d) && json_array_size(d) == 2 && json_is_string(json_array_get(d, 0))) {
		const char *tag = json_string_value(json_array_get(d, 0));
		json_t *inner = json_array_get(d, 1);

		if ((!strcmp(tag, "set") || !strcmp(tag, "map")) && json_is_array(inner))
			return json_incref(inner);
	}
	a = json_array();
	json_array_append(a, (json_t *)d);
	return a;
}

/* Structural equality treating 1 and 1.0 as equal. */
static bool value_equal(const json_t *a, const json_t *b)
{
	if (json_is_number(a) && json_is_number(b))
		return json_number_value(a) == json_number_value(b);
	if (json_is_array(a) && json_is_array(b)) {
		size_t n = json_array_size(a);

		if (n != json_array_size(b))
			return false;
		for (size_t i = 0; i < n; i++)
			if (!value_equal(json_array_get(a, i), json_array_get(b, i)))
				return false;
		return true;
	}
	return json_equal((json_t *)a, (json_t *)b);
}

static bool elems_contain(const json_t *elems, const json_t *e)
{
	size_t i;
	json_t *x;

	json_array_foreach(elems, i, x) if (value_equal(x, e)) return true;
	return false;
}

/* For map pair arrays: the pair whose key is 'key', or NULL. */
static const json_t *pairs_lookup(const json_t *pairs, const json_t *key)
{
	size_t i;
	json_t *p;

	json_array_foreach(pairs, i, p) if (json_is_array(p) &&
	                                    value_equal(json_array_get(p, 0), key)) return p;
	return NULL;
}

/* Set/map equality, order-insensitive; a bare atom equals the one-element set. */
static bool datum_equal(const json_t *a, const json_t *b)
{
	json_t *ea = datum_elems(a), *eb = datum_elems(b);
	bool eq = json_array_size(ea) == json_array_size(eb);
	size_t i;
	json_t *x;

	if (eq)
		json_array_foreach(ea, i, x) if (!elems_contain(eb, x))
		{
			eq = false;
			break;
		}
	json_decref(ea);
	json_decref(eb);
	return eq;
}

/* A set in notation: the bare atom for one element, ["set", [...]] otherwise. Steals 'elems'. */
static json_t *set_from_elems(json_t *elems)
{
	if (json_array_size(elems) == 1) {
		json_t *e = json_incref(json_array_get(elems, 0));

		json_decref(elems);
		return e;
	}
	return json_pack("[s, o]", "set", elems);
}

json_t *odb_monitor_datum_diff(const struct odb_mon_column *col, const json_t *old,
                               const json_t *new)
{
	json_t *eo, *en, *out, *x;
	size_t i;

	/* ovsdb-server sends the new value, not a diff, when a column holds at most one element
	 * (a set or a map: its ovsdb_type_is_composite() is false). */
	if (col->kind == ODB_MON_SCALAR || col->max_one)
		return json_incref((json_t *)new);
	eo = datum_elems(old);
	en = datum_elems(new);
	out = json_array();
	if (col->kind == ODB_MON_SET) {
		json_array_foreach(eo, i, x) if (!elems_contain(en, x)) json_array_append(out, x);
		json_array_foreach(en, i, x) if (!elems_contain(eo, x)) json_array_append(out, x);
		json_decref(eo);
		json_decref(en);
		return set_from_elems(out);
	}
	json_array_foreach(eo, i, x)
	{
		const json_t *np = pairs_lookup(en, json_array_get(x, 0));

		if (!np)
			json_array_append(out, x);
		else if (!value_equal(json_array_get(np, 1), json_array_get(x, 1)))
			json_array_append(out, (json_t *)np);
	}
	json_array_foreach(en, i, x) if (!pairs_lookup(eo, json_array_get(x, 0)))
	    json_array_append(out, x);
	json_decref(eo);
	json_decref(en);
	return json_pack("[s, o]", "map", out);
}

static bool datum_is_default(const struct odb_mon_column *col, const json_t *d)
{
	const char *t = col->key_type;

	if (col->kind != ODB_MON_SCALAR) {
		json_t *e = datum_elems(d);
		bool empty = json_array_size(e) == 0;

		json_decref(e);
		return empty;
	}
	if (!strcmp(t, "integer") || !strcmp(t, "real"))
		return json_is_number(d) && json_number_value(d) == 0;
	if (!strcmp(t, "boolean"))
		return json_is_false(d);
	if (!strcmp(t, "string"))
		return json_is_string(d) && json_string_length(d) == 0;
	if (!strcmp(t, "uuid"))
		return json_is_array(d) && !strcmp(json_string_value(json_array_get(d, 1)) ?: "",
		                                   "00000000-0000-0000-0000-000000000000");
	return false;
}

/* ---- conditions ---- */

static const char *const cond_functions[] = {
    "==", "!=", "<", "<=", ">", ">=", "includes", "excludes"};

static bool cond_clause(const json_t *clause, const char *uuid, const json_t *row)
{
	const char *col, *fn;
	const json_t *arg;
	json_t *v, *uuid_json = NULL, *ev, *ea;
	bool r = false;
	size_t i;
	json_t *x;

	if (json_is_boolean(clause))
		return json_is_true(clause);
	col = json_string_value(json_array_get(clause, 0));
	fn = json_string_value(json_array_get(clause, 1));
	arg = json_array_get(clause, 2);
	if (!col || !fn || !arg)
		return false;
	if (!strcmp(col, "_uuid"))
		v = uuid_json = json_pack("[s, s]", "uuid", uuid);
	else
		v = json_object_get(row, col);
	if (!v) {
		json_decref(uuid_json);
		return false;
	}
	if (!strcmp(fn, "==") || !strcmp(fn, "!=")) {
		r = datum_equal(v, arg) == !strcmp(fn, "==");
	} else if (fn[0] == '<' || fn[0] == '>') {
		if (json_is_number(v) && json_is_number(arg)) {
			double a = json_number_value(v), b = json_number_value(arg);

			r = !strcmp(fn, "<")    ? a < b
			    : !strcmp(fn, "<=") ? a <= b
			    : !strcmp(fn, ">")  ? a > b
			                        : a >= b;
		}
	} else {
		bool includes = !strcmp(fn, "includes");

		ev = datum_elems(v);
		ea = datum_elems(arg);
		r = true;
		json_array_foreach(ea, i, x) if (elems_contain(ev, x) != includes)
		{
			r = false;
			break;
		}
		json_decref(ev);
		json_decref(ea);
	}
	json_decref(uuid_json);
	return r;
}

bool odb_monitor_row_matches(const struct odb_mon_table *t, const json_t *where, const char *uuid,
                             const json_t *row)
{
	size_t i;
	json_t *c;

	(void)t;
	if (!row)
		return false;
	if (!where)
		return true;
	json_array_foreach(where, i, c) if (!cond_clause(c, uuid, row)) return false;
	return true;
}

/* ---- creation ---- */

static json_t *syntax_error(const json_t *syntax, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static json_t *syntax_error(const json_t *syntax, const char *fmt, ...)
{
	char details[512];
	va_list ap;
	json_t *e;

	va_start(ap, fmt);
	vsnprintf(details, sizeof(details), fmt, ap);
	va_end(ap);
	e = json_pack("{s:s, s:s}", "error", "syntax error", "details", details);
	if (syntax) {
		char *s = json_dumps(syntax, JSON_COMPACT | JSON_ENCODE_ANY);

		if (s)
			json_object_set_new(e, "syntax", json_string(s));
		free(s);
	}
	return e;
}

static void column_from_schema(const char *name, const json_t *cs, struct odb_mon_column *mc)
{
	const json_t *type = json_object_get(cs, "type"), *key, *max;
	long long min_n = 1, max_n = 1;

	mc->name = name;
	mc->kind = ODB_MON_SCALAR;
	mc->max_one = true;
	mc->key_type = "string";
	if (json_is_string(type)) {
		mc->key_type = json_string_value(type);
		return;
	}
	key = json_object_get(type, "key");
	mc->key_type = json_is_string(key) ? json_string_value(key)
	                                   : json_string_value(json_object_get(key, "type"));
	if (!mc->key_type)
		mc->key_type = "string";
	if (json_object_get(type, "min"))
		min_n = json_integer_value(json_object_get(type, "min"));
	max = json_object_get(type, "max");
	if (json_is_string(max))
		max_n = -1;
	else if (max)
		max_n = json_integer_value(max);
	mc->max_one = max_n == 1;
	if (json_object_get(type, "value"))
		mc->kind = ODB_MON_MAP;
	else if (min_n != 1 || max_n != 1)
		mc->kind = ODB_MON_SET;
}

static bool column_exists(const json_t *schema_columns, const char *name)
{
	return !strcmp(name, "_uuid") || json_object_get(schema_columns, name);
}

static json_t *check_where(const json_t *cols, const json_t *where)
{
	size_t i;
	json_t *c;

	if (!json_is_array(where))
		return syntax_error(where, "\"where\" must be an array of conditions");
	json_array_foreach(where, i, c)
	{
		const char *col, *fn;
		bool known = false;

		if (json_is_boolean(c))
			continue;
		col = json_string_value(json_array_get(c, 0));
		fn = json_string_value(json_array_get(c, 1));
		if (!json_is_array(c) || json_array_size(c) != 3 || !col || !fn)
			return syntax_error(c, "condition must be [<column>, <function>, <value>]");
		if (!column_exists(cols, col))
			return syntax_error(c, "%s is not a valid column name", col);
		for (size_t k = 0; k < sizeof(cond_functions) / sizeof(cond_functions[0]); k++)
			known |= !strcmp(fn, cond_functions[k]);
		if (!known)
			return syntax_error(c, "unknown function %s", fn);
	}
	return NULL;
}

static json_t *parse_request(enum odb_monitor_version v, const json_t *cols, const json_t *req,
                             struct odb_mon_request *r)
{
	const json_t *columns = json_object_get(req, "columns");
	const json_t *select = json_object_get(req, "select");
	const json_t *where = json_object_get(req, "where");
	const char *name;
	json_t *x, *err;
	size_t i;

	r->initial = r->insert = r->delete = r->modify = true;
	if (!json_is_object(req))
		return syntax_error(req, "<monitor-request> must be an object");
	if (columns && !json_is_array(columns))
		return syntax_error(columns, "\"columns\" must be an array of column names");
	r->columns = calloc(columns ? json_array_size(columns) + 1 : json_object_size(cols) + 1,
	                    sizeof(*r->columns));
	if (!r->columns)
		return syntax_error(NULL, "out of memory");
	if (columns) {
		json_array_foreach(columns, i, x)
		{
			const char *cn = json_string_value(x);

			if (!cn || !json_object_get(cols, cn))
				return syntax_error(columns, "%s is not a valid column name",
				                    cn ? cn : "(non-string)");
			/* Keep the schema's copy of the name: the request is freed. */
			column_from_schema(
			    json_object_iter_key(json_object_iter_at((json_t *)cols, cn)),
			    json_object_get(cols, cn), &r->columns[r->n_columns++]);
		}
	} else {
		json_object_foreach((json_t *)cols, name, x)
		    column_from_schema(name, x, &r->columns[r->n_columns++]);
	}
	if (select) {
		const char *flags[] = {"initial", "insert", "delete", "modify"};
		bool *dst[] = {&r->initial, &r->insert, &r->delete, &r->modify};

		if (!json_is_object(select))
			return syntax_error(select, "\"select\" must be an object");
		for (i = 0; i < 4; i++) {
			json_t *f = json_object_get(select, flags[i]);

			if (f && !json_is_boolean(f))
				return syntax_error(select, "\"%s\" must be a boolean", flags[i]);
			if (f)
				*dst[i] = json_is_true(f);
		}
	}
	if (where) {
		if (v == ODB_MONITOR_V1)
			return syntax_error(req, "\"where\" is only allowed in monitor_cond");
		err = check_where(cols, where);
		if (err)
			return err;
		r->where = json_incref((json_t *)where);
	}
	return NULL;
}

int odb_monitor_create(const struct odb *db, enum odb_monitor_version v, json_t *id,
                       const json_t *requests, struct odb_monitor **mp, json_t **errorp)
{
	const json_t *tables = json_object_get(odb_schema(db), "tables");
	struct odb_monitor *m;
	const char *tname;
	json_t *reqv, *err = NULL;

	*mp = NULL;
	*errorp = NULL;
	if (!json_is_object(requests)) {
		*errorp = syntax_error(requests, "<monitor-requests> must be an object");
		return -EINVAL;
	}
	m = calloc(1, sizeof(*m));
	if (!m || !(m->tables = calloc(json_object_size(requests) + 1, sizeof(*m->tables)))) {
		free(m);
		*errorp = syntax_error(NULL, "out of memory");
		return -ENOMEM;
	}
	m->id = json_incref(id ? id : json_null());
	m->db = db;
	m->version = v;
	json_object_foreach((json_t *)requests, tname, reqv)
	{
		const json_t *ts = json_object_get(tables, tname);
		struct odb_mon_table *t = &m->tables[m->n_tables];
		size_t n = json_is_array(reqv) ? json_array_size(reqv) : 1;

		if (!ts) {
			err = syntax_error(NULL, "no table named %s", tname);
			break;
		}
		m->n_tables++;
		t->name = strdup(tname);
		t->schema_columns = json_object_get(ts, "columns");
		t->reqs = calloc(n + 1, sizeof(*t->reqs));
		if (!t->name || !t->reqs) {
			err = syntax_error(NULL, "out of memory");
			break;
		}
		for (size_t i = 0; i < n && !err; i++) {
			const json_t *r = json_is_array(reqv) ? json_array_get(reqv, i) : reqv;

			t->n_reqs++;
			err = parse_request(v, t->schema_columns, r, &t->reqs[i]);
		}
		if (err)
			break;
	}
	if (err) {
		odb_monitor_destroy(m);
		*errorp = err;
		return -EINVAL;
	}
	*mp = m;
	return 0;
}

void odb_monitor_destroy(struct odb_monitor *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_tables; i++) {
		struct odb_mon_table *t = &m->tables[i];

		for (size_t j = 0; j < t->n_reqs; j++) {
			free(t->reqs[j].columns);
			json_decref(t->reqs[j].where);
		}
		free(t->reqs);
		free(t->name);
	}
	free(m->tables);
	json_decref(m->id);
	free(m);
}

const char *odb_monitor_method(const struct odb_monitor *m)
{
	return m->version == ODB_MONITOR_V1 ? "update" : "update2";
}

/* ---- composition ---- */

enum row_event { EV_INITIAL, EV_INSERT, EV_DELETE, EV_MODIFY };

/* 'row' restricted to the request's columns; with 'omit_defaults', default values are left
 * out (update2 initial/insert). */
static json_t *project(const struct odb_mon_request *r, const json_t *row, bool omit_defaults)
{
	json_t *out = json_object();

	for (size_t i = 0; i < r->n_columns; i++) {
		json_t *v = json_object_get(row, r->columns[i].name);

		if (!v || (omit_defaults && datum_is_default(&r->columns[i], v)))
			continue;
		json_object_set(out, r->columns[i].name, v);
	}
	return out;
}

/* Builds the row update for one request, or NULL if the request does not report it. */
static json_t *row_update(const struct odb_monitor *m, const struct odb_mon_table *t,
                          const struct odb_mon_request *r, const char *uuid, const json_t *old,
                          const json_t *new, bool initial)
{
	bool om = odb_monitor_row_matches(t, r->where, uuid, old);
	bool nm = odb_monitor_row_matches(t, r->where, uuid, new);
	enum row_event ev;
	json_t *changed, *upd;

	if (!om && !nm)
		return NULL;
	ev = initial ? EV_INITIAL : !om ? EV_INSERT : !nm ? EV_DELETE : EV_MODIFY;
	if ((ev == EV_INITIAL && !r->initial) || (ev == EV_INSERT && !r->insert) ||
	    (ev == EV_DELETE && !r->delete) || (ev == EV_MODIFY && !r->modify))
		return NULL;
	if (ev == EV_INITIAL || ev == EV_INSERT) {
		if (m->version == ODB_MONITOR_V1)
			return json_pack("{s:o}", "new", project(r, new, false));
		return json_pack("{s:o}", ev == EV_INITIAL ? "initial" : "insert",
		                 project(r, new, true));
	}
	if (ev == EV_DELETE)
		return m->version == ODB_MONITOR_V1
		           ? json_pack("{s:o}", "old", project(r, old, false))
		           : json_pack("{s:n}", "delete");
	changed = json_object();
	for (size_t i = 0; i < r->n_columns; i++) {
		const struct odb_mon_column *c = &r->columns[i];
		json_t *ov = json_object_get(old, c->name), *nv = json_object_get(new, c->name);

		if (!ov || !nv || datum_equal(ov, nv))
			continue;
		json_object_set_new(changed, c->name,
		                    m->version == ODB_MONITOR_V1
		                        ? json_incref(ov)
		                        : odb_monitor_datum_diff(c, ov, nv));
	}
	if (!json_object_size(changed)) {
		json_decref(changed);
		return NULL;
	}
	if (m->version == ODB_MONITOR_V2)
		return json_pack("{s:o}", "modify", changed);
	upd = json_pack("{s:o, s:o}", "old", changed, "new", project(r, new, false));
	return upd;
}

/* Adds 'upd' (stolen) for 'uuid' to 'tout', merging with another request's update. */
static void merge_update(json_t *tout, const char *uuid, json_t *upd)
{
	json_t *cur = json_object_get(tout, uuid), *v;
	const char *k;

	if (!cur) {
		json_object_set_new(tout, uuid, upd);
		return;
	}
	json_object_foreach(upd, k, v)
	{
		json_t *cv = json_object_get(cur, k);

		if (json_is_object(cv) && json_is_object(v))
			json_object_update(cv, v);
	}
	json_decref(upd);
}

static void compose_table(const struct odb_monitor *m, const struct odb_mon_table *t,
                          const char *uuid, const json_t *old, const json_t *new, bool initial,
                          json_t *tout)
{
	for (size_t i = 0; i < t->n_reqs; i++) {
		json_t *upd = row_update(m, t, &t->reqs[i], uuid, old, new, initial);

		if (upd)
			merge_update(tout, uuid, upd);
	}
}

json_t *odb_monitor_initial(const struct odb_monitor *m, const struct odb *db)
{
	json_t *out = json_object();

	for (size_t i = 0; i < m->n_tables; i++) {
		const struct odb_mon_table *t = &m->tables[i];
		json_t *rows = odb_table_rows(db, t->name), *tout = json_object(), *row;
		const char *uuid;

		json_object_foreach(rows, uuid, row)
		    compose_table(m, t, uuid, NULL, row, true, tout);
		json_decref(rows);
		if (json_object_size(tout))
			json_object_set_new(out, t->name, tout);
		else
			json_decref(tout);
	}
	return out;
}

json_t *odb_monitor_compose(struct odb_monitor *m, const json_t *changes)
{
	json_t *out = json_object();

	for (size_t i = 0; i < m->n_tables; i++) {
		const struct odb_mon_table *t = &m->tables[i];
		json_t *tch = json_object_get(changes, t->name), *ch, *tout;
		const char *uuid;

		if (!tch)
			continue;
		tout = json_object();
		json_object_foreach(tch, uuid, ch)
		    compose_table(m, t, uuid, json_object_get(ch, "old"),
		                  json_object_get(ch, "new"), false, tout);
		if (json_object_size(tout))
			json_object_set_new(out, t->name, tout);
		else
			json_decref(tout);
	}
	if (!json_object_size(out)) {
		json_decref(out);
		return NULL;
	}
	m->n_updates++;
	return out;
}

/* ---- monitor_cond_change ---- */

static struct odb_mon_table *find_table(struct odb_monitor *m, const char *name)
{
	for (size_t i = 0; i < m->n_tables; i++)
		if (!strcmp(m->tables[i].name, name))
			return &m->tables[i];
	return NULL;
}

/* Validates one table's update requests; returns an error object or NULL. */
static json_t *check_cond_updates(const struct odb_mon_table *t, const json_t *reqv)
{
	size_t n = json_is_array(reqv) ? json_array_size(reqv) : 1;

	if (!json_is_array(reqv) && !json_is_object(reqv))
		return syntax_error(reqv, "<monitor-cond-update-request> must be an object");
	if (json_is_array(reqv) && n != 1 && n != t->n_reqs)
		return syntax_error(reqv, "%zu condition updates for %zu monitor requests", n,
		                    t->n_reqs);
	for (size_t i = 0; i < n; i++) {
		const json_t *r = json_is_array(reqv) ? json_array_get(reqv, i) : reqv;
		const json_t *where = json_object_get(r, "where");
		json_t *err;

		if (!json_is_object(r))
			return syntax_error(r, "<monitor-cond-update-request> must be an object");
		if (json_object_get(r, "columns"))
			return syntax_error(r, "changing columns is unsupported");
		if (where && (err = check_where(t->schema_columns, where)))
			return err;
	}
	return NULL;
}

/* Adds to 'tout' the rows of 't' whose membership differs between each request's old
 * condition and 'new_where[i]'. */
static void cond_delta(const struct odb_monitor *m, const struct odb_mon_table *t,
                       const json_t *rows, json_t *const *new_where, json_t *tout)
{
	const char *uuid;
	json_t *row;

	json_object_foreach((json_t *)rows, uuid, row)
	{
		for (size_t i = 0; i < t->n_reqs; i++) {
			const struct odb_mon_request *r = &t->reqs[i];
			bool om = odb_monitor_row_matches(t, r->where, uuid, row);
			bool nm = odb_monitor_row_matches(t, new_where[i], uuid, row);
			json_t *upd;

			if (om == nm)
				continue;
			if (m->version == ODB_MONITOR_V1)
				upd =
				    json_pack("{s:o}", nm ? "new" : "old", project(r, row, false));
			else if (nm)
				upd = json_pack("{s:o}", "insert", project(r, row, true));
			else
				upd = json_pack("{s:n}", "delete");
			merge_update(tout, uuid, upd);
		}
	}
}

int odb_monitor_change_conditions(struct odb_monitor *m, const struct odb *db,
                                  const json_t *updates, json_t **deltap, json_t **errorp)
{
	const json_t *tables = json_object_get(odb_schema(db), "tables");
	const char *tname;
	json_t *reqv, *delta;

	*deltap = NULL;
	*errorp = NULL;
	if (!json_is_object(updates)) {
		*errorp = syntax_error(updates, "<monitor-cond-update-requests> must be an object");
		return -EINVAL;
	}
	json_object_foreach((json_t *)updates, tname, reqv)
	{
		struct odb_mon_table *t = find_table(m, tname);

		if (!json_object_get(tables, tname))
			*errorp = syntax_error(NULL, "no table named %s", tname);
		else if (!t)
			*errorp = syntax_error(NULL, "table %s is not monitored", tname);
		else
			*errorp = check_cond_updates(t, reqv);
		if (*errorp)
			return -EINVAL;
	}
	delta = json_object();
	json_object_foreach((json_t *)updates, tname, reqv)
	{
		struct odb_mon_table *t = find_table(m, tname);
		json_t **new_where = calloc(t->n_reqs + 1, sizeof(*new_where));
		json_t *rows = odb_table_rows(db, tname), *tout = json_object();

		for (size_t i = 0; new_where && i < t->n_reqs; i++) {
			const json_t *r = !json_is_array(reqv)         ? reqv
			                  : json_array_size(reqv) == 1 ? json_array_get(reqv, 0)
			                                               : json_array_get(reqv, i);

			new_where[i] = json_incref(json_object_get(r, "where"));
		}
		if (new_where) {
			cond_delta(m, t, rows, new_where, tout);
			for (size_t i = 0; i < t->n_reqs; i++) {
				json_decref(t->reqs[i].where);
				t->reqs[i].where = new_where[i];
			}
		}
		free(new_where);
		json_decref(rows);
		if (json_object_size(tout))
			json_object_set_new(delta, tname, tout);
		else
			json_decref(tout);
	}
	if (json_object_size(delta))
		*deltap = delta;
	else
		json_decref(delta);
	return 0;
}
