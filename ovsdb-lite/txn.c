/* ovsdb-lite transactions: the transaction's view of the database and odb_transact().
 * A transaction keeps private copies of the rows it touches (struct odb_txn_row); the committed
 * tables are changed only by odb_txn_apply(), after every check passed and the journal record is
 * durable. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "odb-private.h"

static struct odb_txn_row *txn_find(const struct odb_txn *txn, unsigned table,
                                    const struct odb_uuid *u)
{
	for (struct odb_hmap_node *n =
	         odb_hmap_first_with_hash(&txn->rows[table], odb_uuid_hash(u));
	     n; n = odb_hmap_next_with_hash(n)) {
		struct odb_txn_row *tr = ODB_CONTAINER_OF(n, struct odb_txn_row, node);
		if (odb_uuid_equals(&tr->uuid, u))
			return tr;
	}
	return NULL;
}

static struct odb_txn_row *txn_row_add(struct odb_txn *txn, unsigned table,
                                       const struct odb_uuid *u, struct odb_row *old,
                                       struct odb_row *new)
{
	struct odb_txn_row *tr = odb_xcalloc(1, sizeof *tr);

	tr->uuid = *u;
	tr->table = table;
	tr->old = old;
	tr->new = new;
	odb_hmap_insert(&txn->rows[table], &tr->node, odb_uuid_hash(u));
	*txn->tail = tr;
	txn->tail = &tr->next;
	return tr;
}

const struct odb_row *odb_txn_get(const struct odb_txn *txn, unsigned table,
                                  const struct odb_uuid *u)
{
	const struct odb_txn_row *tr = txn_find(txn, table, u);

	if (tr)
		return tr->new;
	return odb_tbl_find(&txn->db->tables[table], u);
}

struct odb_row *odb_txn_modify(struct odb_txn *txn, unsigned table, const struct odb_uuid *u)
{
	struct odb_txn_row *tr = txn_find(txn, table, u);
	struct odb_row *old;

	if (tr)
		return tr->new;
	old = odb_tbl_find(&txn->db->tables[table], u);
	if (!old)
		return NULL;
	return txn_row_add(txn, table, u, old, odb_row_clone(old))->new;
}

void odb_txn_insert(struct odb_txn *txn, struct odb_row *row)
{
	unsigned table = row->ts->index;
	struct odb_txn_row *tr = txn_find(txn, table, odb_row_uuid(row));

	if (tr) { /* re-insert of a UUID deleted earlier in this txn */
		tr->new = row;
	} else {
		txn_row_add(txn, table, odb_row_uuid(row), NULL, row);
	}
	txn->n_rows_delta[table]++;
}

void odb_txn_delete(struct odb_txn *txn, unsigned table, const struct odb_uuid *u)
{
	struct odb_txn_row *tr = txn_find(txn, table, u);

	if (!tr) {
		struct odb_row *old = odb_tbl_find(&txn->db->tables[table], u);
		if (!old)
			return;
		tr = txn_row_add(txn, table, u, old, NULL);
	} else if (tr->new) {
		odb_row_destroy(tr->new);
		tr->new = NULL;
	} else {
		return;
	}
	txn->n_rows_delta[table]--;
}

bool odb_txn_touched(const struct odb_txn *txn, unsigned table, const struct odb_uuid *u)
{
	return txn_find(txn, table, u) != NULL;
}

void odb_txn_for_each_touched(struct odb_txn *txn, unsigned table,
                              bool (*cb)(struct odb_txn *, const struct odb_row *, void *),
                              void *aux)
{
	for (struct odb_txn_row *tr = txn->head; tr; tr = tr->next)
		if (tr->table == table && tr->new && !cb(txn, tr->new, aux))
			return;
}

bool odb_txn_uuid_used(const struct odb_txn *txn, const struct odb_uuid *u)
{
	for (unsigned t = 0; t < txn->db->schema->n_tables; t++)
		if (txn_find(txn, t, u) || odb_tbl_find(&txn->db->tables[t], u))
			return true;
	return false;
}

void odb_txn_for_each(struct odb_txn *txn, unsigned table,
                      bool (*cb)(struct odb_txn *, const struct odb_row *, void *), void *aux)
{
	const struct odb_tbl *t = &txn->db->tables[table];
	struct odb_txn_row *last = NULL;
	struct odb_hmap_iter it;

	/* Committed rows the transaction has not touched, then the touched ones. The callback
	 * may add txn_rows (by modifying/deleting): they are appended to the txn list, after
	 * 'last', and their committed row is skipped because it is now in the txn map. */
	for (struct odb_txn_row *tr = txn->head; tr; tr = tr->next)
		last = tr;
	for (struct odb_hmap_node *n = odb_hmap_iter_first(&t->rows, &it); n;
	     n = odb_hmap_iter_next(&t->rows, &it)) {
		const struct odb_row *row = ODB_CONTAINER_OF(n, struct odb_row, node);
		if (txn_find(txn, table, odb_row_uuid(row)))
			continue;
		if (!cb(txn, row, aux))
			return;
	}
	for (struct odb_txn_row *tr = last ? txn->head : NULL; tr; tr = tr->next) {
		if (tr->table == table && tr->new && !cb(txn, tr->new, aux))
			return;
		if (tr == last)
			break;
	}
}

struct odb_txn_sym *odb_txn_sym_get(struct odb_txn *txn, const char *name, bool create)
{
	uint32_t h = odb_hash_bytes(name, strlen(name), 0);
	struct odb_txn_sym *sym;

	for (struct odb_hmap_node *n = odb_hmap_first_with_hash(&txn->syms, h); n;
	     n = odb_hmap_next_with_hash(n)) {
		sym = ODB_CONTAINER_OF(n, struct odb_txn_sym, node);
		if (!strcmp(sym->name, name))
			return sym;
	}
	if (!create)
		return NULL;
	sym = odb_xcalloc(1, sizeof *sym);
	sym->name = odb_xstrdup(name);
	odb_uuid_generate(&txn->db->gen, &sym->uuid);
	odb_hmap_insert(&txn->syms, &sym->node, h);
	return sym;
}

/* A ["named-uuid", name] in a value: the UUID bound to 'name', bound now if new (the insert
 * that declares it may come later in the transaction). */
static bool sym_resolve(void *aux, const char *name, struct odb_uuid *out)
{
	*out = odb_txn_sym_get(aux, name, true)->uuid;
	return true;
}

static void txn_init(struct odb_txn *txn, struct odb *db)
{
	memset(txn, 0, sizeof *txn);
	txn->db = db;
	txn->rows = odb_xcalloc(db->schema->n_tables, sizeof *txn->rows);
	txn->n_rows_delta = odb_xcalloc(db->schema->n_tables, sizeof *txn->n_rows_delta);
	for (unsigned t = 0; t < db->schema->n_tables; t++)
		odb_hmap_init(&txn->rows[t]);
	txn->tail = &txn->head;
	odb_hmap_init(&txn->syms);
	odb_hmap_init(&txn->ref_delta);
	txn->symtab.resolve = sym_resolve;
	txn->symtab.aux = txn;
	txn->deadline_ms = -1;
	txn->comment = json_array();
}

static void txn_destroy(struct odb_txn *txn)
{
	struct odb_hmap_iter it;
	struct odb_txn_row *tr = txn->head;

	while (tr) {
		struct odb_txn_row *next = tr->next;
		odb_row_destroy(tr->new);
		free(tr);
		tr = next;
	}
	for (unsigned t = 0; t < txn->db->schema->n_tables; t++)
		odb_hmap_destroy(&txn->rows[t]);
	free(txn->rows);
	free(txn->n_rows_delta);
	for (struct odb_hmap_node *n = odb_hmap_iter_first(&txn->syms, &it); n;
	     n = odb_hmap_iter_next(&txn->syms, &it)) {
		struct odb_txn_sym *sym = ODB_CONTAINER_OF(n, struct odb_txn_sym, node);
		free(sym->name);
		free(sym);
	}
	odb_hmap_destroy(&txn->syms);
	for (struct odb_hmap_node *n = odb_hmap_iter_first(&txn->ref_delta, &it); n;
	     n = odb_hmap_iter_next(&txn->ref_delta, &it))
		free(ODB_CONTAINER_OF(n, struct odb_ref_delta, node));
	odb_hmap_destroy(&txn->ref_delta);
	json_decref(txn->comment);
}

/* Pads 'results' with nulls to 'n' entries. */
static void pad_results(json_t *results, size_t n)
{
	while (json_array_size(results) < n)
		json_array_append_new(results, json_null());
}

static int db_commit(struct odb *db, struct odb_txn *txn, json_t **changesp, char **errp)
{
	json_t *rec = odb_txn_journal_record(txn);
	int err;

	if (!rec)
		return 0; /* nothing changed: nothing to write */
	err = odb_journal_append(&db->journal, rec, !db->deferred_sync, errp);
	json_decref(rec);
	if (err)
		return err;
	if (changesp)
		*changesp = odb_txn_change_set(txn);
	odb_txn_apply(txn);
	db->stats.n_commits++;
	db->stats.journal_bytes = db->journal.journal_bytes;
	if (db->journal.journal_bytes > db->compact_threshold) {
		char *cerr = NULL;
		if (odb_compact(db, &cerr)) {
			fprintf(stderr, "ovsdb-lite: compaction failed: %s\n", cerr ? cerr : "?");
			free(cerr);
		}
	}
	return 0;
}

enum odb_txn_status odb_transact_locked(struct odb *db, const json_t *ops, long long started_ms,
                                        long long now_ms,
                                        bool (*lock_held)(const char *name, void *aux), void *aux,
                                        json_t **resultp, json_t **changesp, long long *deadline_ms)
{
	json_t *results = json_array();
	json_t *err = NULL;
	struct odb_txn txn;
	size_t n_ops;

	*resultp = NULL;
	*changesp = NULL;
	*deadline_ms = -1;
	if (!json_is_array(ops)) {
		json_array_append_new(results, odb_error("syntax error", ops, "array expected"));
		*resultp = results;
		return ODB_TXN_DONE;
	}
	n_ops = json_array_size(ops);
	txn_init(&txn, db);
	txn.lock_held = lock_held;
	txn.lock_aux = aux;
	txn.started_ms = started_ms;
	txn.now_ms = now_ms;
	for (size_t i = 0; i < n_ops; i++) {
		json_t *result = NULL;
		err = odb_txn_execute_op(&txn, json_array_get(ops, i), i, n_ops, &result);
		if (txn.blocked) {
			json_decref(err);
			json_decref(result);
			json_decref(results);
			*deadline_ms = txn.deadline_ms;
			txn_destroy(&txn);
			return ODB_TXN_BLOCKED;
		}
		if (err) {
			json_array_append_new(results, err);
			pad_results(results, n_ops);
			goto done;
		}
		json_array_append_new(results, result);
	}
	err = odb_txn_precommit(&txn);
	if (!err) {
		char *msg = NULL;
		int rc = db_commit(db, &txn, changesp, &msg);
		if (rc) {
			err = odb_error("I/O error", NULL, "commit failed: %s", msg ? msg : "");
			free(msg);
		}
	}
	if (err)
		json_array_append_new(results, err);
done:
	txn_destroy(&txn);
	*resultp = results;
	return ODB_TXN_DONE;
}

enum odb_txn_status odb_transact(struct odb *db, const json_t *ops, long long started_ms,
                                 long long now_ms, json_t **resultp, json_t **changesp,
                                 long long *deadline_ms)
{
	return odb_transact_locked(db, ops, started_ms, now_ms, NULL, NULL, resultp, changesp,
	                           deadline_ms);
}
