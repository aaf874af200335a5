/* ovsdb-lite transaction operations (RFC 7047 5.2): insert, select, update, mutate, delete,
 * wait, commit, abort, comment, assert. Each runs against the transaction's view. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "odb-private.h"

struct member;

struct op_ctx {
	struct odb_txn *txn;
	const json_t *op;
	size_t i, n;
	const struct odb_table_schema *ts; /* from the "table" member */
	const struct member *members;      /* the members the op allows */
};

static json_t *parse_error(const struct op_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static json_t *parse_error(const struct op_ctx *c, const char *fmt, ...)
{
	va_list ap;
	char *msg;
	json_t *err;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	err = odb_error("syntax error", c->op, "Parsing ovsdb operation %zu of %zu failed: %s",
	                c->i + 1, c->n, msg);
	free(msg);
	return err;
}

enum member_kind { M_ANY, M_STRING, M_ID, M_OBJECT, M_ARRAY, M_INTEGER, M_BOOLEAN };

struct member {
	const char *name;
	enum member_kind kind;
	bool required;
};

static json_t *check_unknown_members(const struct op_ctx *c);

/* Checks the presence and JSON type of the op's members, in the order of 'members' (which
 * is ovsdb-server's order, so the same error is reported first; "table" is looked up when
 * its turn comes), then rejects members not in 'members'. Values are parsed afterwards. */
static json_t *check_members(struct op_ctx *c, const struct member *members)
{
	c->members = members;
	for (const struct member *m = members; m->name; m++) {
		const json_t *j = json_object_get(c->op, m->name);
		bool ok;
		if (!j) {
			if (m->required)
				return parse_error(c, "Required '%s' member is missing.", m->name);
			continue;
		}
		switch (m->kind) {
		case M_STRING:
			ok = json_is_string(j);
			break;
		case M_ID:
			ok = json_is_string(j) && odb_is_identifier(json_string_value(j));
			break;
		case M_OBJECT:
			ok = json_is_object(j);
			break;
		case M_ARRAY:
			ok = json_is_array(j);
			break;
		case M_INTEGER:
			ok = json_is_integer(j);
			break;
		case M_BOOLEAN:
			ok = json_is_boolean(j);
			break;
		default:
			ok = true;
		}
		if (!ok)
			return parse_error(c, "Type mismatch for member '%s'.", m->name);
		if (!strcmp(m->name, "table")) {
			c->ts = odb_schema_find_table(c->txn->db->schema, json_string_value(j));
			if (!c->ts)
				return parse_error(c, "No table named %s.", json_string_value(j));
		}
	}
	return check_unknown_members(c);
}

static json_t *check_unknown_members(const struct op_ctx *c)
{
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)c->op, k, v)
	{
		const struct member *m = c->members;
		if (!strcmp(k, "op"))
			continue;
		while (m && m->name && strcmp(m->name, k))
			m++;
		if (!m || !m->name)
			return parse_error(c, "Member '%s' is present but not allowed here.", k);
	}
	return NULL;
}

/* Parses a <row> for insert/update/wait into 'row' (which holds defaults or current
 * values). 'for_update' rejects immutable columns. */
static json_t *parse_row(const struct op_ctx *c, const json_t *rj, struct odb_row *row,
                         bool for_update, bool check)
{
	const char *name;
	json_t *v;

	/* Unknown columns first: ovsdb-server usually reports them before bad values. */
	json_object_foreach((json_t *)rj, name, v)
	{
		if (!odb_schema_find_column(c->ts, name))
			return odb_error("unknown column", rj, "No column %s in table %s.", name,
			                 c->ts->name);
	}
	json_object_foreach((json_t *)rj, name, v)
	{
		const struct odb_column *col = odb_schema_find_column(c->ts, name);
		struct odb_datum d;
		json_t *err = odb_datum_from_json(&d, &col->type, v, &c->txn->symtab, check);
		if (err)
			return err;
		if (for_update && !col->mutable_) { /* after the value, like ovsdb-server */
			odb_datum_destroy(&d, &col->type);
			return odb_error("constraint violation", c->op,
			                 "Cannot update immutable column %s in table %s.", name,
			                 c->ts->name);
		}
		if (col->index < 2 && check) {
			/* insert: like ovsdb-server, _uuid and _version are ignored */
			odb_datum_destroy(&d, &col->type);
			continue;
		}
		odb_datum_destroy(&row->fields[col->index], &col->type);
		row->fields[col->index] = d;
	}
	return NULL;
}

/* Parses "columns" (or all columns if absent) into a malloc'd array. */
static json_t *parse_columns(const struct op_ctx *c, const json_t *cj, unsigned **colsp,
                             unsigned *np)
{
	size_t i;
	json_t *e;

	if (!cj) {
		*colsp = odb_xmalloc(c->ts->n_columns * sizeof **colsp);
		for (unsigned k = 0; k < c->ts->n_columns; k++)
			(*colsp)[k] = k;
		*np = c->ts->n_columns;
		return NULL;
	}
	*colsp = odb_xmalloc((json_array_size(cj) + 1) * sizeof **colsp);
	*np = 0;
	json_array_foreach(cj, i, e)
	{
		const struct odb_column *col =
		    json_is_string(e) ? odb_schema_find_column(c->ts, json_string_value(e)) : NULL;
		bool dup = false;
		for (unsigned k = 0; col && k < *np; k++)
			dup |= (*colsp)[k] == col->index;
		if (!col || dup) {
			free(*colsp);
			*colsp = NULL;
			if (!json_is_string(e) || dup)
				return odb_error("syntax error", cj,
				                 "array of distinct column names expected");
			return odb_error("syntax error", cj, "%s is not a valid column name",
			                 json_string_value(e));
		}
		(*colsp)[(*np)++] = col->index;
	}
	return NULL;
}

static json_t *op_insert(struct op_ctx *c, json_t **resultp)
{
	static const struct member m[] = {{"table", M_ID, true},
	                                  {"uuid-name", M_ID, false},
	                                  {"uuid", M_STRING, false},
	                                  {"row", M_OBJECT, true},
	                                  {NULL, 0, false}};
	json_t *err = check_members(c, m);
	const json_t *name_j, *uuid_j;
	struct odb_uuid uuid;
	struct odb_row *row;
	char buf[ODB_UUID_LEN + 1];

	if (err)
		return err;
	name_j = json_object_get(c->op, "uuid-name");
	uuid_j = json_object_get(c->op, "uuid");
	if (uuid_j) {
		/* Like ovsdb-server: a plain UUID string. */
		if (!odb_uuid_from_string(&uuid, json_string_value(uuid_j)))
			return odb_error("syntax error", uuid_j, "bad uuid");
		if (odb_txn_uuid_used(c->txn, &uuid))
			return odb_error("duplicate uuid", uuid_j,
			                 "This UUID would duplicate a UUID already present within "
			                 "the table or deleted within the same transaction.");
	}
	if (name_j) {
		const char *name = json_string_value(name_j);
		struct odb_txn_sym *sym = odb_txn_sym_get(c->txn, name, false);
		if (sym && sym->created)
			return odb_error("duplicate uuid-name", name_j,
			                 "This \"uuid-name\" appeared on an earlier \"insert\" "
			                 "operation.");
		if (!sym) {
			sym = odb_txn_sym_get(c->txn, name, true);
			if (uuid_j)
				sym->uuid = uuid;
		} else if (uuid_j && !odb_uuid_equals(&sym->uuid, &uuid)) {
			/* Already referenced (and so bound) before this insert. */
			return odb_error("syntax error", c->op,
			                 "uuid-name %s was referenced before this insert, which "
			                 "gives it a different \"uuid\".",
			                 name);
		}
		sym->created = true;
		uuid = sym->uuid;
	} else if (!uuid_j) {
		odb_uuid_generate(&c->txn->db->gen, &uuid);
	}
	row = odb_row_create(c->ts, &uuid);
	err = parse_row(c, json_object_get(c->op, "row"), row, false, true);
	if (err) {
		odb_row_destroy(row);
		return err;
	}
	odb_txn_insert(c->txn, row);
	odb_uuid_to_string(&uuid, buf);
	*resultp = json_pack("{s:[ss]}", "uuid", "uuid", buf);
	return NULL;
}

/* Collects the rows matching "where" into a malloc'd array of UUIDs. */
struct match_ctx {
	const struct odb_cond_set *cs;
	struct odb_uuid *uuids;
	size_t n, cap;
};

static bool collect_cb(struct odb_txn *txn, const struct odb_row *row, void *aux)
{
	struct match_ctx *m = aux;

	(void)txn;
	if (!odb_cond_set_eval(m->cs, row))
		return true;
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 8;
		m->uuids = odb_xrealloc(m->uuids, m->cap * sizeof *m->uuids);
	}
	m->uuids[m->n++] = *odb_row_uuid(row);
	return true;
}

struct index_scan {
	struct odb_txn *txn;
	struct match_ctx *m;
};

/* odb_index_find() callback: collects committed rows the transaction has not touched. */
static bool index_scan_cb(struct odb_row *row, void *aux)
{
	struct index_scan *is = aux;

	if (!odb_txn_touched(is->txn, row->ts->index, odb_row_uuid(row)))
		collect_cb(is->txn, row, is->m);
	return false; /* visit them all */
}

/* Uses an index whose columns all have "==" conditions, if any: committed rows through the
 * index, plus the rows the transaction touched. Returns false if no index applies. */
static bool match_by_index(struct op_ctx *c, const struct odb_cond_set *cs, struct match_ctx *m)
{
	const struct odb_table_schema *ts = c->ts;

	for (unsigned idx = 0; idx < ts->n_indexes; idx++) {
		struct odb_row *probe = odb_row_create(ts, &(struct odb_uuid){{0}});
		if (!odb_cond_set_index_probe(cs, idx, probe)) {
			odb_row_destroy(probe);
			continue;
		}
		struct index_scan is = {c->txn, m};
		odb_index_find(&c->txn->db->tables[ts->index], idx, probe,
		               odb_index_hash(ts, idx, probe), index_scan_cb, &is);
		odb_row_destroy(probe);
		odb_txn_for_each_touched(c->txn, ts->index, collect_cb, m);
		return true;
	}
	return false;
}

/* Collects the rows matching 'cs' into 'm' (m->cs must be 'cs'). */
static void collect_matches(struct op_ctx *c, const struct odb_cond_set *cs, struct match_ctx *m)
{
	struct odb_uuid u;

	if (odb_cond_set_uuid(cs, &u)) { /* fast path: _uuid == X */
		const struct odb_row *row = odb_txn_get(c->txn, c->ts->index, &u);
		if (row)
			collect_cb(c->txn, row, m);
	} else if (!match_by_index(c, cs, m)) {
		odb_txn_for_each(c->txn, c->ts->index, collect_cb, m);
	}
}

static json_t *match_rows(struct op_ctx *c, struct odb_cond_set **csp, struct match_ctx *m)
{
	const json_t *where = json_object_get(c->op, "where");
	json_t *err;

	memset(m, 0, sizeof *m);
	err = odb_cond_set_parse(c->ts, where, &c->txn->symtab, csp);
	if (err)
		return err;
	m->cs = *csp;
	collect_matches(c, *csp, m);
	return NULL;
}

static json_t *row_select_json(const struct odb_row *row, const unsigned *cols, unsigned n)
{
	json_t *j = json_object();

	for (unsigned k = 0; k < n; k++) {
		const struct odb_column *col = &row->ts->columns[cols[k]];
		json_object_set_new(j, col->name,
		                    odb_datum_to_json(&row->fields[cols[k]], &col->type));
	}
	return j;
}

static uint32_t project_hash(const struct odb_row *, const unsigned *cols, unsigned n);
static bool project_equal(const struct odb_row *, const struct odb_row *, const unsigned *cols,
                          unsigned n);

struct seen_row {
	struct odb_hmap_node node;
	const struct odb_row *row;
};

static json_t *op_select(struct op_ctx *c, json_t **resultp)
{
	static const struct member m[] = {{"table", M_ID, true},
	                                  {"where", M_ARRAY, true},
	                                  {"columns", M_ARRAY, false},
	                                  {NULL, 0, false}};
	json_t *err = check_members(c, m), *rows;
	struct odb_cond_set *cs = NULL;
	struct match_ctx mc;
	unsigned *cols = NULL, n_cols;

	if (err)
		return err;
	err = match_rows(c, &cs, &mc);
	if (!err)
		err = parse_columns(c, json_object_get(c->op, "columns"), &cols, &n_cols);
	if (err)
		goto out;
	/* Like ovsdb-server, rows are distinct over the selected columns. */
	struct seen_row *seen = odb_xcalloc(mc.n ? mc.n : 1, sizeof *seen);
	struct odb_hmap distinct;
	odb_hmap_init(&distinct);
	rows = json_array();
	for (size_t k = 0; k < mc.n; k++) {
		const struct odb_row *row = odb_txn_get(c->txn, c->ts->index, &mc.uuids[k]);
		uint32_t h = project_hash(row, cols, n_cols);
		bool dup = false;
		for (struct odb_hmap_node *n = odb_hmap_first_with_hash(&distinct, h); n && !dup;
		     n = odb_hmap_next_with_hash(n))
			dup = project_equal(ODB_CONTAINER_OF(n, struct seen_row, node)->row, row,
			                    cols, n_cols);
		if (dup)
			continue;
		seen[k].row = row;
		odb_hmap_insert(&distinct, &seen[k].node, h);
		json_array_append_new(rows, row_select_json(row, cols, n_cols));
	}
	odb_hmap_destroy(&distinct);
	free(seen);
	*resultp = json_pack("{s:o}", "rows", rows);
out:
	free(cols);
	free(mc.uuids);
	odb_cond_set_destroy(cs);
	return err;
}

static json_t *op_update(struct op_ctx *c, json_t **resultp)
{
	static const struct member m[] = {{"table", M_ID, true},
	                                  {"where", M_ARRAY, true},
	                                  {"row", M_OBJECT, true},
	                                  {NULL, 0, false}};
	json_t *err = check_members(c, m);
	struct odb_cond_set *cs = NULL;
	struct odb_row *tmpl = NULL;
	struct match_ctx mc = {0};
	const json_t *rj = json_object_get(c->op, "row");

	if (err)
		return err;
	/* Parse the row once into a template, remembering which columns it sets. */
	tmpl = odb_row_create(c->ts, &(struct odb_uuid){{0}});
	err = parse_row(c, rj, tmpl, true, true);
	if (!err)
		err = match_rows(c, &cs, &mc);
	if (err)
		goto out;
	for (size_t k = 0; k < mc.n; k++) {
		struct odb_row *row = odb_txn_modify(c->txn, c->ts->index, &mc.uuids[k]);
		const char *name;
		json_t *v;
		json_object_foreach((json_t *)rj, name, v)
		{
			const struct odb_column *col = odb_schema_find_column(c->ts, name);
			(void)v;
			odb_datum_destroy(&row->fields[col->index], &col->type);
			odb_datum_clone(&row->fields[col->index], &tmpl->fields[col->index],
			                &col->type);
		}
	}
	*resultp = json_pack("{s:I}", "count", (json_int_t)mc.n);
out:
	odb_row_destroy(tmpl);
	free(mc.uuids);
	odb_cond_set_destroy(cs);
	return err;
}

static json_t *op_mutate(struct op_ctx *c, json_t **resultp)
{
	static const struct member m[] = {{"table", M_ID, true},
	                                  {"where", M_ARRAY, true},
	                                  {"mutations", M_ARRAY, true},
	                                  {NULL, 0, false}};
	json_t *err = check_members(c, m);
	struct odb_cond_set *cs = NULL;
	struct odb_mutation_set *ms = NULL;
	struct match_ctx mc = {0};

	if (err)
		return err;
	err = odb_mutation_set_parse(c->ts, json_object_get(c->op, "mutations"), &c->txn->symtab,
	                             &ms);
	if (!err)
		err = match_rows(c, &cs, &mc);
	for (size_t k = 0; !err && k < mc.n; k++)
		err =
		    odb_mutation_set_apply(ms, odb_txn_modify(c->txn, c->ts->index, &mc.uuids[k]));
	if (!err)
		*resultp = json_pack("{s:I}", "count", (json_int_t)mc.n);
	free(mc.uuids);
	odb_cond_set_destroy(cs);
	odb_mutation_set_destroy(ms);
	return err;
}

static json_t *op_delete(struct op_ctx *c, json_t **resultp)
{
	/* ovsdb-server looks at "where" before "table" for "delete". */
	static const struct member m[] = {
	    {"where", M_ARRAY, true}, {"table", M_ID, true}, {NULL, 0, false}};
	json_t *err = check_members(c, m);
	struct odb_cond_set *cs = NULL;
	struct match_ctx mc = {0};

	if (err)
		return err;
	err = match_rows(c, &cs, &mc);
	if (!err) {
		for (size_t k = 0; k < mc.n; k++)
			odb_txn_delete(c->txn, c->ts->index, &mc.uuids[k]);
		*resultp = json_pack("{s:I}", "count", (json_int_t)mc.n);
	}
	free(mc.uuids);
	odb_cond_set_destroy(cs);
	return err;
}

static uint32_t project_hash(const struct odb_row *row, const unsigned *cols, unsigned n)
{
	uint32_t h = 0;

	for (unsigned k = 0; k < n; k++)
		h = odb_datum_hash(&row->fields[cols[k]], &row->ts->columns[cols[k]].type, h);
	return h;
}

static bool project_equal(const struct odb_row *a, const struct odb_row *b, const unsigned *cols,
                          unsigned n)
{
	for (unsigned k = 0; k < n; k++)
		if (!odb_datum_equals(&a->fields[cols[k]], &b->fields[cols[k]],
		                      &a->ts->columns[cols[k]].type))
			return false;
	return true;
}

static json_t *op_wait(struct op_ctx *c, json_t **resultp)
{
	/* ovsdb-server looks at "table" last for "wait". */
	static const struct member m[] = {{"timeout", M_INTEGER, false},
	                                  {"where", M_ARRAY, true},
	                                  {"columns", M_ARRAY, false},
	                                  {"until", M_STRING, true},
	                                  {"rows", M_ARRAY, true},
	                                  {"table", M_ID, true},
	                                  {NULL, 0, false}};
	json_t *err = check_members(c, m);
	struct odb_cond_set *cs = NULL;
	struct match_ctx mc = {0};
	unsigned *cols = NULL, n_cols = 0;
	const json_t *rows_j, *timeout_j;
	struct odb_row **expected = NULL;
	uint32_t *hashes = NULL;
	bool *used = NULL, equal;
	size_t n_exp = 0;
	const char *until;

	if (err)
		return err;
	until = json_string_value(json_object_get(c->op, "until"));
	rows_j = json_object_get(c->op, "rows");
	timeout_j = json_object_get(c->op, "timeout");
	err = odb_cond_set_parse(c->ts, json_object_get(c->op, "where"), &c->txn->symtab, &cs);
	if (err)
		goto out;
	err = parse_columns(c, json_object_get(c->op, "columns"), &cols, &n_cols);
	if (err)
		goto out;
	if (strcmp(until, "==") && strcmp(until, "!=")) {
		err = odb_error("syntax error", json_object_get(c->op, "until"),
		                "\"until\" must be \"==\" or \"!=\"");
		goto out;
	}
	if (timeout_j && json_integer_value(timeout_j) < 0) {
		err = parse_error(c, "\"timeout\" must not be negative.");
		goto out;
	}
	expected = odb_xcalloc(json_array_size(rows_j) + 1, sizeof *expected);
	hashes = odb_xcalloc(json_array_size(rows_j) + 1, sizeof *hashes);
	used = odb_xcalloc(json_array_size(rows_j) + 1, sizeof *used);
	for (size_t k = 0; k < json_array_size(rows_j); k++) {
		const json_t *rj = json_array_get(rows_j, k);
		if (!json_is_object(rj)) {
			err = odb_error("syntax error", rj, "row must be JSON object");
			goto out;
		}
		expected[n_exp] = odb_row_create(c->ts, &(struct odb_uuid){{0}});
		err = parse_row(c, rj, expected[n_exp], false, false);
		n_exp++;
		if (err)
			goto out;
		hashes[n_exp - 1] = project_hash(expected[n_exp - 1], cols, n_cols);
	}
	mc.cs = cs;
	collect_matches(c, cs, &mc);
	/* Like ovsdb-server, compare as sets of projected rows (duplicates collapse). */
	equal = true;
	for (size_t k = 0; equal && k < mc.n; k++) {
		const struct odb_row *row = odb_txn_get(c->txn, c->ts->index, &mc.uuids[k]);
		uint32_t h = project_hash(row, cols, n_cols);
		bool found = false;
		for (size_t e = 0; e < n_exp; e++) {
			if (hashes[e] == h && project_equal(row, expected[e], cols, n_cols))
				used[e] = found = true;
		}
		equal = found;
	}
	for (size_t e = 0; equal && e < n_exp; e++)
		equal = used[e];
	/* No deadline without a timeout or if started + timeout overflows. */
	long long deadline = 0;
	bool has_deadline = timeout_j && !__builtin_add_overflow(
	                                     c->txn->started_ms,
	                                     (long long)json_integer_value(timeout_j), &deadline);
	if (equal == !strcmp(until, "==")) {
		*resultp = json_object();
	} else if (!has_deadline || c->txn->now_ms < deadline) {
		c->txn->blocked = true;
		c->txn->deadline_ms = has_deadline ? deadline : -1;
	} else {
		err = odb_error("timed out", NULL, "\"where\" clause test failed");
	}
out:
	for (size_t k = 0; k < n_exp; k++)
		odb_row_destroy(expected[k]);
	free(expected);
	free(hashes);
	free(used);
	free(cols);
	free(mc.uuids);
	odb_cond_set_destroy(cs);
	return err;
}

static json_t *op_commit(struct op_ctx *c, json_t **resultp)
{
	static const struct member m[] = {{"durable", M_BOOLEAN, true}, {NULL, 0, false}};
	json_t *err = check_members(c, m);

	if (!err)
		*resultp = json_object(); /* every commit is durable (fsync'ed) */
	return err;
}

static json_t *op_abort(struct op_ctx *c, json_t **resultp)
{
	static const struct member m[] = {{NULL, 0, false}};
	json_t *err = check_members(c, m);

	(void)resultp;
	return err ? err : odb_error("aborted", NULL, "aborted by request");
}

static json_t *op_comment(struct op_ctx *c, json_t **resultp)
{
	static const struct member m[] = {{"comment", M_STRING, true}, {NULL, 0, false}};
	json_t *err = check_members(c, m);

	if (err)
		return err;
	json_array_append(c->txn->comment, json_object_get(c->op, "comment"));
	*resultp = json_object();
	return NULL;
}

static json_t *op_assert(struct op_ctx *c, json_t **resultp)
{
	static const struct member m[] = {{"lock", M_STRING, true}, {NULL, 0, false}};
	json_t *err = check_members(c, m);
	const char *lock;

	if (err)
		return err;
	lock = json_string_value(json_object_get(c->op, "lock"));
	if (!c->txn->lock_held || !c->txn->lock_held(lock, c->txn->lock_aux))
		return odb_error("not owner", NULL, "Asserted lock %s not held.", lock);
	*resultp = json_object();
	return NULL;
}

static const struct {
	const char *name;
	json_t *(*fn)(struct op_ctx *, json_t **);
} ops[] = {
    {"insert", op_insert},   {"select", op_select}, {"update", op_update}, {"mutate", op_mutate},
    {"delete", op_delete},   {"wait", op_wait},     {"commit", op_commit}, {"abort", op_abort},
    {"comment", op_comment}, {"assert", op_assert},
};

json_t *odb_txn_execute_op(struct odb_txn *txn, const json_t *op, size_t i, size_t n,
                           json_t **resultp)
{
	struct op_ctx c = {txn, op, i, n, NULL, NULL};
	const json_t *name_j;
	const char *name;

	*resultp = NULL;
	if (!json_is_object(op))
		return odb_error("syntax error", NULL,
		                 "Parsing ovsdb operation %zu of %zu failed: Object expected.",
		                 i + 1, n);
	name_j = json_object_get(op, "op");
	if (!name_j)
		return parse_error(&c, "Required 'op' member is missing.");
	name = json_string_value(name_j);
	if (!name || !odb_is_identifier(name))
		return parse_error(&c, "Type mismatch for member 'op'.");
	for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
		if (strcmp(ops[k].name, name))
			continue;
		/* False positive: an op returns NULL or a new JSON error, never a pointer into 'c'.
		 */
		/* cppcheck-suppress returnDanglingLifetime */
		return ops[k].fn(&c, resultp);
	}
	return parse_error(&c, "No operation \"%s\"", name);
}
