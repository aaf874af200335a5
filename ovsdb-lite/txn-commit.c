/* ovsdb-lite commit: reference counting, garbage collection, referential integrity, weak
 * references, maxRows and index checks, then journal record, change set and apply. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "odb-private.h"

static struct odb_ref_delta *delta_find(const struct odb_txn *txn, const struct odb_uuid *u)
{
	for (struct odb_hmap_node *n = odb_hmap_first_with_hash(&txn->ref_delta, odb_uuid_hash(u));
	     n; n = odb_hmap_next_with_hash(n)) {
		struct odb_ref_delta *rd = ODB_CONTAINER_OF(n, struct odb_ref_delta, node);
		if (odb_uuid_equals(&rd->uuid, u))
			return rd;
	}
	return NULL;
}

static struct odb_ref_delta *delta_add(struct odb_txn *txn, unsigned table,
                                       const struct odb_uuid *u, long d)
{
	struct odb_ref_delta *rd = delta_find(txn, u);

	if (!rd) {
		rd = odb_xcalloc(1, sizeof *rd);
		rd->uuid = *u;
		rd->table = table;
		odb_hmap_insert(&txn->ref_delta, &rd->node, odb_uuid_hash(u));
	}
	rd->delta += d;
	return rd;
}

typedef void ref_fn(void *aux, const struct odb_column *, unsigned table, const struct odb_uuid *,
                    long sign);

/* Calls 'fn' with sign -1 for each reference of kind 'kind' that 'old' holds and 'new' does
 * not, and +1 for each one 'new' adds ('old' or 'new' may be NULL). Sets are compared with a
 * linear merge, so a big unchanged or slightly changed set costs no hash lookups. References
 * of a row to itself are skipped: they do not keep it alive. */
static void ref_diff(const struct odb_row *old, const struct odb_row *new, enum odb_reftype kind,
                     ref_fn *fn_, void *aux)
{
	const struct odb_row *row = old ? old : new;
	/* False positive: the contract says one of 'old' and 'new' is not NULL. */
	/* cppcheck-suppress nullPointerRedundantCheck */
	const struct odb_table_schema *ts = row->ts;
	const struct odb_uuid *self = odb_row_uuid(row);
	static const struct odb_datum empty;

	/* A row's references to itself do not count (so a self-referencing row is collected). */
#define fn(AUX, COL, TABLE, U, SIGN)                                                               \
	do {                                                                                       \
		const struct odb_uuid *u_ = (U);                                                   \
		if ((TABLE) != ts->index || !odb_uuid_equals(u_, self))                            \
			fn_(AUX, COL, TABLE, u_, SIGN);                                            \
	} while (0)

	for (unsigned c = 2; c < ts->n_columns; c++) {
		const struct odb_column *col = &ts->columns[c];
		const struct odb_type *t = &col->type;
		const struct odb_datum *od = old ? &old->fields[c] : &empty;
		const struct odb_datum *nd = new ? &new->fields[c] : &empty;
		bool kref = t->key.ref_type == kind, vref = t->value.ref_type == kind;
		if ((!kref && !vref) || (old && new &&odb_datum_equals(od, nd, t)))
			continue;
		if (!odb_type_is_map(t)) {
			unsigned i = 0, j = 0, table = (unsigned)t->key.ref_table;
			while (i < od->n || j < nd->n) {
				int cmp = i == od->n ? 1
				          : j == nd->n
				              ? -1
				              : odb_uuid_compare(&od->keys[i].u, &nd->keys[j].u);
				if (!cmp) {
					i++, j++;
				} else if (cmp < 0) {
					fn(aux, col, table, &od->keys[i].u, -1);
					i++;
				} else {
					fn(aux, col, table, &nd->keys[j].u, 1);
					j++;
				}
			}
			continue;
		}
		for (int side = 0; side < 2; side++) {
			const struct odb_datum *d = side ? nd : od;
			for (unsigned i = 0; i < d->n; i++) {
				if (kref)
					fn(aux, col, (unsigned)t->key.ref_table, &d->keys[i].u,
					   side ? 1 : -1);
				if (vref)
					fn(aux, col, (unsigned)t->value.ref_table, &d->values[i].u,
					   side ? 1 : -1);
			}
		}
	}
}
#undef fn

struct gc_ctx {
	struct odb_txn *txn;
	bool gc; /* queue rows of non-root tables that lose references */
	struct odb_ref_delta **work;
	size_t n_work, cap;
};

static void push_work(struct gc_ctx *g, struct odb_ref_delta *rd)
{
	if (g->n_work == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 16;
		g->work = odb_xrealloc(g->work, g->cap * sizeof *g->work);
	}
	g->work[g->n_work++] = rd;
}

static void count_ref(void *aux, const struct odb_column *col, unsigned table,
                      const struct odb_uuid *u, long sign)
{
	struct gc_ctx *g = aux;
	struct odb_ref_delta *rd = delta_add(g->txn, table, u, sign);

	(void)col;
	if (g->gc && sign < 0 && !g->txn->db->schema->tables[table].is_root)
		push_work(g, rd);
}

static void mark_changes(struct odb_txn *txn)
{
	for (struct odb_txn_row *tr = txn->head; tr; tr = tr->next)
		tr->changed =
		    tr->old && tr->new ? !odb_row_equals(tr->old, tr->new) : tr->old != tr->new;
}

static long final_refs(const struct odb_txn *txn, unsigned table, const struct odb_uuid *u)
{
	const struct odb_row *old = odb_tbl_find(&txn->db->tables[table], u);
	const struct odb_ref_delta *rd = delta_find(txn, u);

	return (long)(old ? old->n_refs : 0) + (rd ? rd->delta : 0);
}

/* Deletes unreferenced rows of non-root tables, transitively. */
static void collect_garbage(struct odb_txn *txn)
{
	struct gc_ctx g = {txn, true, NULL, 0, 0};
	struct odb_hmap_iter it;

	for (struct odb_txn_row *tr = txn->head; tr; tr = tr->next)
		if (!tr->old && tr->new && !txn->db->schema->tables[tr->table].is_root)
			push_work(&g, delta_add(txn, tr->table, &tr->uuid, 0));
	for (struct odb_hmap_node *n = odb_hmap_iter_first(&txn->ref_delta, &it); n;
	     n = odb_hmap_iter_next(&txn->ref_delta, &it)) {
		struct odb_ref_delta *rd = ODB_CONTAINER_OF(n, struct odb_ref_delta, node);
		if (rd->delta < 0 && !txn->db->schema->tables[rd->table].is_root)
			push_work(&g, rd);
	}
	while (g.n_work) {
		struct odb_ref_delta *rd = g.work[--g.n_work];
		const struct odb_row *row = odb_txn_get(txn, rd->table, &rd->uuid);
		if (!row || final_refs(txn, rd->table, &rd->uuid) > 0)
			continue;
		if (row->ts->has_strong_refs)
			ref_diff(row, NULL, ODB_REF_STRONG, count_ref, &g);
		odb_txn_delete(txn, rd->table, &rd->uuid);
	}
	free(g.work);
}

struct check_ctx {
	struct odb_txn *txn;
	const struct odb_row *row;
	json_t *err;
};

static void check_strong(void *aux, const struct odb_column *col, unsigned table,
                         const struct odb_uuid *u, long sign)
{
	struct check_ctx *c = aux;
	char a[ODB_UUID_LEN + 1], b[ODB_UUID_LEN + 1];

	if (sign < 0 || c->err || odb_txn_get(c->txn, table, u))
		return;
	odb_uuid_to_string(odb_row_uuid(c->row), a);
	odb_uuid_to_string(u, b);
	c->err =
	    odb_error("referential integrity violation", NULL,
	              "Table %s column %s row %s references nonexistent row %s in table %s.",
	              c->row->ts->name, col->name, a, b, c->txn->db->schema->tables[table].name);
}

static json_t *check_integrity(struct odb_txn *txn)
{
	for (struct odb_txn_row *tr = txn->head; tr; tr = tr->next) {
		char buf[ODB_UUID_LEN + 1];
		if (!tr->changed)
			continue;
		if (tr->new) {
			struct check_ctx c = {txn, tr->new, NULL};
			if (tr->new->ts->has_strong_refs) /* only references this txn adds */
				ref_diff(tr->old, tr->new, ODB_REF_STRONG, check_strong, &c);
			if (c.err)
				return c.err;
		} else {
			long refs = final_refs(txn, tr->table, &tr->uuid);
			if (refs > 0) {
				odb_uuid_to_string(&tr->uuid, buf);
				return odb_error("referential integrity violation", NULL,
				                 "cannot delete %s row %s because of %ld remaining "
				                 "reference(s)",
				                 txn->db->schema->tables[tr->table].name, buf,
				                 refs);
			}
		}
	}
	return NULL;
}

/* Drops weak references to rows that do not exist at the end of 'txn' from 'row' (a
 * writable row). Returns the number dropped. */
/* Drops weak references to rows that do not exist at the end of 'txn' from 'row' (a writable
 * row; 'inserted' if this txn inserted it). Returns the number dropped; if a column becomes
 * smaller than its "min", stores a "constraint violation" in *errp (if not already set). */
static unsigned drop_weak_refs(struct odb_txn *txn, struct odb_row *row, bool inserted,
                               json_t **errp)
{
	const struct odb_table_schema *ts = row->ts;
	unsigned dropped = 0;

	for (unsigned c = 2; c < ts->n_columns; c++) {
		const struct odb_type *t = &ts->columns[c].type;
		struct odb_datum *d = &row->fields[c];
		unsigned n_col = 0, n_zero = 0;
		if (t->key.ref_type != ODB_REF_WEAK && t->value.ref_type != ODB_REF_WEAK)
			continue;
		for (unsigned i = d->n; i-- > 0;) {
			bool kgone = t->key.ref_type == ODB_REF_WEAK &&
			             !odb_txn_get(txn, (unsigned)t->key.ref_table, &d->keys[i].u);
			bool vgone =
			    t->value.ref_type == ODB_REF_WEAK &&
			    !odb_txn_get(txn, (unsigned)t->value.ref_table, &d->values[i].u);
			if (!kgone && !vgone)
				continue;
			if ((kgone && odb_uuid_is_zero(&d->keys[i].u)) ||
			    (vgone && odb_uuid_is_zero(&d->values[i].u)))
				n_zero++;
			odb_datum_remove_at(d, t, i);
			n_col++;
		}
		dropped += n_col;
		if (n_col && d->n < t->min && errp && !*errp) {
			char buf[ODB_UUID_LEN + 1];
			odb_uuid_to_string(odb_row_uuid(row), buf);
			if (inserted && n_zero == n_col)
				*errp = odb_error(
				    "constraint violation", NULL,
				    "Weak reference column \"%s\" in \"%s\" row %s (inserted "
				    "within "
				    "this transaction) contained all-zeros UUID (probably as the "
				    "default value for this column) but deleting this value caused "
				    "a "
				    "constraint volation because this column is not allowed to be "
				    "empty.",
				    ts->columns[c].name, ts->name, buf);
			else
				*errp = odb_error("constraint violation", NULL,
				                  "Deletion of %u weak reference(s) to deleted (or "
				                  "never-existing) rows "
				                  "from column \"%s\" in \"%s\" row %s%s caused "
				                  "this column to become "
				                  "empty, but constraints on this column disallow "
				                  "an empty column.",
				                  n_col, ts->columns[c].name, ts->name, buf,
				                  inserted ? " (inserted within this transaction)"
				                           : "");
		}
	}
	return dropped;
}

static bool has_dangling_weak(struct odb_txn *txn, const struct odb_row *row)
{
	struct odb_row *copy = odb_row_clone(row);
	bool r = drop_weak_refs(txn, copy, false, NULL) > 0;

	odb_row_destroy(copy);
	return r;
}

struct weak_scan {
	struct odb_uuid *uuids;
	size_t n, cap;
};

static bool weak_scan_cb(struct odb_txn *txn, const struct odb_row *row, void *aux)
{
	struct weak_scan *w = aux;

	if (has_dangling_weak(txn, row)) {
		if (w->n == w->cap) {
			w->cap = w->cap ? 2 * w->cap : 8;
			w->uuids = odb_xrealloc(w->uuids, w->cap * sizeof *w->uuids);
		}
		w->uuids[w->n++] = *odb_row_uuid(row);
	}
	return true;
}

static json_t *update_weak_refs(struct odb_txn *txn)
{
	const struct odb_schema *s = txn->db->schema;
	bool *deleted = odb_xcalloc(s->n_tables, sizeof *deleted);
	json_t *err = NULL;

	for (struct odb_txn_row *tr = txn->head; tr; tr = tr->next) {
		if (tr->changed && tr->new && tr->new->ts->has_weak_refs)
			drop_weak_refs(txn, tr->new, !tr->old, &err);
		if (tr->old && !tr->new)
			deleted[tr->table] = true;
	}
	for (unsigned t = 0; t < s->n_tables && !err; t++) {
		const struct odb_table_schema *ts = &s->tables[t];
		bool scan = false;
		if (!ts->has_weak_refs)
			continue;
		for (unsigned c = 2; c < ts->n_columns; c++) {
			const struct odb_type *ty = &ts->columns[c].type;
			if ((ty->key.ref_type == ODB_REF_WEAK && deleted[ty->key.ref_table]) ||
			    (ty->value.ref_type == ODB_REF_WEAK && deleted[ty->value.ref_table]))
				scan = true;
		}
		if (!scan)
			continue;
		struct weak_scan w = {NULL, 0, 0};
		odb_txn_for_each(txn, t, weak_scan_cb, &w);
		for (size_t k = 0; k < w.n && !err; k++) {
			struct odb_row *row = odb_txn_modify(txn, t, &w.uuids[k]);
			drop_weak_refs(txn, row, false, &err);
		}
		free(w.uuids);
	}
	free(deleted);
	return err;
}

static json_t *check_max_rows(struct odb_txn *txn)
{
	for (unsigned t = 0; t < txn->db->schema->n_tables; t++) {
		const struct odb_table_schema *ts = &txn->db->schema->tables[t];
		long n = (long)txn->db->tables[t].rows.n + txn->n_rows_delta[t];
		if (ts->max_rows != ODB_UNLIMITED && txn->n_rows_delta[t] > 0 &&
		    n > (long)ts->max_rows)
			return odb_error("constraint violation", NULL,
			                 "transaction causes \"%s\" table to contain %ld rows, "
			                 "greater than the schema-defined limit of %u row(s)",
			                 ts->name, n, ts->max_rows);
	}
	return NULL;
}

struct idx_entry {
	struct odb_hmap_node node;
	const struct odb_row *row;
};

struct idx_cb_ctx {
	const struct odb_txn *txn;
	const struct odb_row *row;
};

/* A committed row with the same key still has it unless the txn touched it. */
static bool committed_conflict(struct odb_row *other, void *aux)
{
	const struct idx_cb_ctx *c = aux;
	if (odb_uuid_equals(odb_row_uuid(other), odb_row_uuid(c->row)))
		return false;
	for (struct odb_hmap_node *n = odb_hmap_first_with_hash(&c->txn->rows[other->ts->index],
	                                                        odb_uuid_hash(odb_row_uuid(other)));
	     n; n = odb_hmap_next_with_hash(n)) {
		const struct odb_txn_row *tr = ODB_CONTAINER_OF(n, struct odb_txn_row, node);
		if (odb_uuid_equals(&tr->uuid, odb_row_uuid(other)))
			return false; /* touched: its final value is checked in-transaction */
	}
	return true;
}

static char *index_values(const struct odb_table_schema *ts, unsigned idx,
                          const struct odb_row *row)
{
	const struct odb_index_def *def = &ts->indexes[idx];
	char *vals = odb_xstrdup(""), *tmp;

	for (unsigned i = 0; i < def->n_columns; i++) {
		const struct odb_column *col = &ts->columns[def->columns[i]];
		char *v = odb_datum_to_string(&row->fields[col->index], &col->type);
		tmp = odb_xasprintf("%s%s%s", vals, i ? ", " : "", v);
		free(vals);
		free(v);
		vals = tmp;
	}
	return vals;
}

/* How 'row' came to be, in ovsdb-server's words (malloc'd). */
static char *row_origin(const struct odb_txn *txn, unsigned idx, const struct odb_row *row)
{
	const struct odb_uuid *u = odb_row_uuid(row);

	for (struct odb_hmap_node *n =
	         odb_hmap_first_with_hash(&txn->rows[row->ts->index], odb_uuid_hash(u));
	     n; n = odb_hmap_next_with_hash(n)) {
		const struct odb_txn_row *tr = ODB_CONTAINER_OF(n, struct odb_txn_row, node);
		if (!odb_uuid_equals(&tr->uuid, u))
			continue;
		if (!tr->old)
			return odb_xstrdup("was inserted by this transaction");
		char *v = index_values(row->ts, idx, tr->old);
		char *r =
		    odb_xasprintf("had the following index values before the transaction: %s", v);
		free(v);
		return r;
	}
	return odb_xstrdup(
	    "existed in the database before this transaction and was not modified by "
	    "the transaction");
}

/* Like ovsdb-server: values as "(v1, v2)", columns as 'column "a"' or 'columns "a", "b"'. */
static json_t *index_error(const struct odb_txn *txn, const struct odb_table_schema *ts,
                           unsigned idx, const struct odb_row *a, const struct odb_row *b)
{
	const struct odb_index_def *def = &ts->indexes[idx];
	char ua[ODB_UUID_LEN + 1], ub[ODB_UUID_LEN + 1];
	char *vals = index_values(ts, idx, a), *cols = odb_xstrdup(""), *tmp;
	char *oa = row_origin(txn, idx, a), *ob = row_origin(txn, idx, b);

	for (unsigned i = 0; i < def->n_columns; i++) {
		tmp = odb_xasprintf("%s%s\"%s\"", cols, i ? ", " : "",
		                    ts->columns[def->columns[i]].name);
		free(cols);
		cols = tmp;
	}
	odb_uuid_to_string(odb_row_uuid(a), ua);
	odb_uuid_to_string(odb_row_uuid(b), ub);
	json_t *err = odb_error(
	    "constraint violation", NULL,
	    "Transaction causes multiple rows in \"%s\" table to have identical values (%s) for "
	    "index on column%s %s.  First row, with UUID %s, %s.  Second row, with UUID %s, %s.",
	    ts->name, vals, def->n_columns > 1 ? "s" : "", cols, ua, oa, ub, ob);
	free(oa);
	free(ob);
	free(vals);
	free(cols);
	return err;
}

static json_t *check_indexes(struct odb_txn *txn)
{
	json_t *err = NULL;

	for (unsigned t = 0; t < txn->db->schema->n_tables && !err; t++) {
		const struct odb_table_schema *ts = &txn->db->schema->tables[t];
		for (unsigned idx = 0; idx < ts->n_indexes && !err; idx++) {
			struct odb_hmap seen;
			struct odb_hmap_iter it;
			odb_hmap_init(&seen);
			for (struct odb_txn_row *tr = txn->head; tr && !err; tr = tr->next) {
				if (tr->table != t || !tr->new)
					continue;
				uint32_t h = odb_index_hash(ts, idx, tr->new);
				for (struct odb_hmap_node *n = odb_hmap_first_with_hash(&seen, h);
				     n; n = odb_hmap_next_with_hash(n)) {
					struct idx_entry *e =
					    ODB_CONTAINER_OF(n, struct idx_entry, node);
					if (odb_index_equal(ts, idx, e->row, tr->new)) {
						err = index_error(txn, ts, idx, e->row, tr->new);
						break;
					}
				}
				if (err)
					break;
				struct idx_cb_ctx cc = {txn, tr->new};
				struct odb_row *other = odb_index_find(
				    &txn->db->tables[t], idx, tr->new, h, committed_conflict, &cc);
				if (other) {
					err = index_error(txn, ts, idx, tr->new, other);
					break;
				}
				struct idx_entry *e = odb_xmalloc(sizeof *e);
				e->row = tr->new;
				odb_hmap_insert(&seen, &e->node, h);
			}
			for (struct odb_hmap_node *n = odb_hmap_iter_first(&seen, &it); n;
			     n = odb_hmap_iter_next(&seen, &it))
				free(ODB_CONTAINER_OF(n, struct idx_entry, node));
			odb_hmap_destroy(&seen);
		}
	}
	return err;
}

json_t *odb_txn_precommit(struct odb_txn *txn)
{
	struct gc_ctx g = {txn, false, NULL, 0, 0};
	json_t *err;

	mark_changes(txn);
	for (struct odb_txn_row *tr = txn->head; tr; tr = tr->next)
		if (tr->changed && (tr->old ? tr->old : tr->new)->ts->has_strong_refs)
			ref_diff(tr->old, tr->new, ODB_REF_STRONG, count_ref, &g);
	/* Like ovsdb-server: strong references are checked before garbage collection, so a
	 * dangling reference is an error even in a row that is then collected. */
	err = check_integrity(txn);
	if (err)
		return err;
	collect_garbage(txn);
	mark_changes(txn);
	err = update_weak_refs(txn);
	if (err)
		return err;
	mark_changes(txn);
	err = check_max_rows(txn);
	if (!err)
		err = check_indexes(txn);
	if (err)
		return err;
	for (struct odb_txn_row *tr = txn->head; tr; tr = tr->next)
		if (tr->changed && tr->new)
			odb_uuid_generate(&txn->db->gen, &tr->new->fields[1].keys[0].u);
	return NULL;
}

/* The columns of 'new' that differ from 'old', plus _version. */
static json_t *row_diff_json(const struct odb_row *old, const struct odb_row *new)
{
	const struct odb_table_schema *ts = new->ts;
	json_t *j = json_object();

	for (unsigned i = 1; i < ts->n_columns; i++)
		if (i == 1 ||
		    !odb_datum_equals(&old->fields[i], &new->fields[i], &ts->columns[i].type))
			json_object_set_new(
			    j, ts->columns[i].name,
			    odb_datum_to_json(&new->fields[i], &ts->columns[i].type));
	return j;
}

json_t *odb_txn_journal_record(const struct odb_txn *txn)
{
	json_t *tables = json_object();
	char buf[ODB_UUID_LEN + 1];

	for (struct odb_txn_row *tr = txn->head; tr; tr = tr->next) {
		const char *tname = txn->db->schema->tables[tr->table].name;
		json_t *t;
		if (!tr->changed)
			continue;
		t = json_object_get(tables, tname);
		if (!t) {
			t = json_object();
			json_object_set_new(tables, tname, t);
		}
		odb_uuid_to_string(&tr->uuid, buf);
		json_object_set_new(t, buf,
		                    !tr->new  ? json_null()
		                    : tr->old ? row_diff_json(tr->old, tr->new)
		                              : odb_row_to_json(tr->new));
	}
	if (!json_object_size(tables)) {
		json_decref(tables);
		return NULL;
	}
	json_t *rec = json_pack("{s:o}", "txn", tables);
	if (json_array_size(txn->comment)) {
		json_t *c = json_array_get(txn->comment, 0);
		json_object_set(rec, "comment", c);
	}
	return rec;
}

json_t *odb_txn_change_set(const struct odb_txn *txn)
{
	json_t *tables = json_object();
	char buf[ODB_UUID_LEN + 1];

	for (struct odb_txn_row *tr = txn->head; tr; tr = tr->next) {
		const char *tname = txn->db->schema->tables[tr->table].name;
		json_t *t, *ch = json_object();
		if (!tr->changed) {
			json_decref(ch);
			continue;
		}
		t = json_object_get(tables, tname);
		if (!t) {
			t = json_object();
			json_object_set_new(tables, tname, t);
		}
		if (tr->old)
			json_object_set_new(ch, "old", odb_row_to_json(tr->old));
		if (tr->new)
			json_object_set_new(ch, "new", odb_row_to_json(tr->new));
		odb_uuid_to_string(&tr->uuid, buf);
		json_object_set_new(t, buf, ch);
	}
	if (!json_object_size(tables)) {
		json_decref(tables);
		return NULL;
	}
	return tables;
}

void odb_txn_apply(struct odb_txn *txn)
{
	struct odb_hmap_iter it;

	for (struct odb_txn_row *tr = txn->head; tr; tr = tr->next) {
		struct odb_tbl *t = &txn->db->tables[tr->table];
		if (!tr->changed)
			continue;
		if (tr->old) {
			if (tr->new)
				tr->new->n_refs = tr->old->n_refs;
			odb_tbl_remove(t, tr->old);
			odb_row_destroy(tr->old);
			tr->old = NULL;
		}
		if (tr->new) {
			odb_tbl_insert(t, tr->new);
			tr->new = NULL; /* now owned by the table */
		}
	}
	for (struct odb_hmap_node *n = odb_hmap_iter_first(&txn->ref_delta, &it); n;
	     n = odb_hmap_iter_next(&txn->ref_delta, &it)) {
		struct odb_ref_delta *rd = ODB_CONTAINER_OF(n, struct odb_ref_delta, node);
		struct odb_row *row = odb_tbl_find(&txn->db->tables[rd->table], &rd->uuid);
		if (row && rd->delta)
			row->n_refs = (unsigned long)((long)row->n_refs + rd->delta);
	}
}
