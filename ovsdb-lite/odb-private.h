/* ovsdb-lite core internals shared by db.c, txn*.c and journal.c. Not for the server. */
#ifndef ODB_PRIVATE_H
#define ODB_PRIVATE_H

#include "db.h"
#include "journal.h"
#include "schema.h"
#include "table.h"
#include "util.h"

#define ODB_DEFAULT_COMPACT_BYTES (16ull << 20)

/* One open database: the per-process context of the core. */
struct odb {
	const struct odb_schema *schema; /* own_schema, or an odb_shared_schema's (read-only) */
	struct odb_schema *own_schema;   /* parsed from the file, freed by odb_close() */
	struct odb_tbl *tables;          /* schema->n_tables */
	struct odb_uuid_gen gen;
	struct odb_journal journal;
	int lock_fd; /* flock'ed "<dir>/.<name>.~lock~": one process per database file */
	struct odb_stats stats;
	bool deferred_sync; /* odb_set_deferred_sync(): group commit, odb_sync() fsyncs */
	unsigned long long compact_threshold;
	unsigned long long default_threshold;
};

/* A schema parsed once for several odb_open_shared() (db.h). */
struct odb_shared_schema {
	struct odb_schema *schema;
	struct odb_journal_schema known; /* its compact JSON text, as snapshots hold it */
};

/* A row touched by the current transaction. */
struct odb_txn_row {
	struct odb_hmap_node node; /* in txn.rows[table], by UUID */
	struct odb_txn_row *next;  /* in txn order */
	struct odb_row *old;       /* committed row, or NULL if inserted by this txn */
	struct odb_row *new;       /* private copy, or NULL if deleted */
	struct odb_uuid uuid;
	unsigned table;
	bool changed; /* set by odb_txn_precommit(): new differs from old */
};

struct odb_txn_sym {
	struct odb_hmap_node node;
	char *name;
	struct odb_uuid uuid;
	bool created; /* an "insert" used this uuid-name */
};

struct odb_txn {
	struct odb *db;
	struct odb_hmap *rows; /* per table: struct odb_txn_row by UUID */
	struct odb_txn_row *head, **tail;
	long *n_rows_delta; /* per table */
	struct odb_hmap syms;
	struct odb_symtab_ops symtab;
	bool (*lock_held)(const char *name, void *aux);
	void *lock_aux;
	long long started_ms, now_ms;
	bool blocked;              /* a "wait" is unsatisfied */
	long long deadline_ms;     /* when 'blocked': its timeout or -1 */
	json_t *comment;           /* array of "comment" strings */
	struct odb_hmap ref_delta; /* struct odb_ref_delta: change of strong refs per target row */
};

struct odb_ref_delta {
	struct odb_hmap_node node;
	struct odb_uuid uuid;
	unsigned table;
	long delta;
};

/* Transaction view (txn.c). */
const struct odb_row *odb_txn_get(const struct odb_txn *, unsigned table, const struct odb_uuid *);
/* Returns a writable copy of a live row (creating the txn_row), or NULL if it does not
 * exist. */
struct odb_row *odb_txn_modify(struct odb_txn *, unsigned table, const struct odb_uuid *);
/* Takes ownership of 'row' (a fresh row whose UUID is not live). */
void odb_txn_insert(struct odb_txn *, struct odb_row *row);
void odb_txn_delete(struct odb_txn *, unsigned table, const struct odb_uuid *);
/* The symbol 'name' of the transaction's uuid-names, or NULL if unknown and not 'create'
 * (a created symbol gets a fresh random UUID). */
struct odb_txn_sym *odb_txn_sym_get(struct odb_txn *, const char *name, bool create);
/* True if the transaction inserted, modified or deleted row 'uuid' of 'table'. */
bool odb_txn_touched(const struct odb_txn *, unsigned table, const struct odb_uuid *);
/* Calls 'cb' for every live row of 'table' that the transaction inserted or modified. 'cb'
 * must not insert, modify or delete rows. */
void odb_txn_for_each_touched(struct odb_txn *, unsigned table,
                              bool (*cb)(struct odb_txn *, const struct odb_row *, void *),
                              void *aux);
/* True if a row with 'uuid' is live in any table or was deleted in this transaction. */
bool odb_txn_uuid_used(const struct odb_txn *, const struct odb_uuid *);
/* Calls 'cb' for every live row of 'table'; stops early if 'cb' returns false. 'cb' may
 * modify or delete the row it is given, but must not insert rows. */
void odb_txn_for_each(struct odb_txn *, unsigned table,
                      bool (*cb)(struct odb_txn *, const struct odb_row *, void *), void *aux);

/* Operations (txn-ops.c): executes op 'i' of 'n'. Returns NULL and sets *resultp, or an
 * RFC 7047 error object. Sets txn->blocked for an unsatisfied wait. */
json_t *odb_txn_execute_op(struct odb_txn *, const json_t *op, size_t i, size_t n,
                           json_t **resultp);

/* Conditions and mutations (txn-where.c). */
struct odb_cond_set;
json_t *odb_cond_set_parse(const struct odb_table_schema *, const json_t *where,
                           const struct odb_symtab_ops *, struct odb_cond_set **);
void odb_cond_set_destroy(struct odb_cond_set *);
bool odb_cond_set_eval(const struct odb_cond_set *, const struct odb_row *);
/* If the conditions pin "_uuid" to one value, stores it in *uuid and returns true. */
bool odb_cond_set_uuid(const struct odb_cond_set *, struct odb_uuid *uuid);
/* If the conditions have an "==" on every column of index 'idx' of probe->ts, copies those
 * values into 'probe' (a scratch row) and returns true. */
bool odb_cond_set_index_probe(const struct odb_cond_set *, unsigned idx, struct odb_row *probe);

struct odb_mutation_set;
json_t *odb_mutation_set_parse(const struct odb_table_schema *, const json_t *mutations,
                               const struct odb_symtab_ops *, struct odb_mutation_set **);
void odb_mutation_set_destroy(struct odb_mutation_set *);
/* Applies to 'row' in place; on error the row may be partially changed (the caller aborts
 * the whole transaction). */
json_t *odb_mutation_set_apply(const struct odb_mutation_set *, struct odb_row *row);

/* Commit checks (txn-commit.c): reference counting, garbage collection, referential
 * integrity, weak references, maxRows, indexes. NULL or an error object. */
json_t *odb_txn_precommit(struct odb_txn *);
/* Journal record and change set of a precommitted transaction; NULL if nothing changed. */
json_t *odb_txn_journal_record(const struct odb_txn *);
json_t *odb_txn_change_set(const struct odb_txn *);
/* Moves the transaction's rows into the database (after precommit and journaling). */
void odb_txn_apply(struct odb_txn *);

/* db.c */
json_t *odb_db_snapshot_json(const struct odb *);

#endif
