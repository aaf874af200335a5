/* ovsdb-lite tables: rows keyed by UUID in a hash map, plus one hash index per schema
 * "indexes" entry. Rows are owned by their table (committed state) or by a transaction
 * (private copies). Single-threaded. */
#ifndef ODB_TABLE_H
#define ODB_TABLE_H

#include "datum.h"
#include "schema.h"
#include "util.h"

struct odb_row {
	struct odb_hmap_node node; /* in odb_tbl.rows, by UUID */
	const struct odb_table_schema *ts;
	unsigned long n_refs;      /* strong references to this row (committed state) */
	struct odb_datum fields[]; /* ts->n_columns; [0] is _uuid, [1] is _version */
};

static inline const struct odb_uuid *odb_row_uuid(const struct odb_row *row)
{
	return &row->fields[0].keys[0].u;
}

struct odb_tbl {
	const struct odb_table_schema *ts;
	struct odb_hmap rows;
	struct odb_hmap *indexes; /* ts->n_indexes maps of struct idx_node */
};

/* New row of 'ts' with UUID 'uuid', a zero _version and every column at its default. */
struct odb_row *odb_row_create(const struct odb_table_schema *ts, const struct odb_uuid *uuid);
struct odb_row *odb_row_clone(const struct odb_row *);
void odb_row_destroy(struct odb_row *);
bool odb_row_equals(const struct odb_row *, const struct odb_row *); /* all but _version */
/* The RFC 7047 <row>: every column but _uuid (so including _version). */
json_t *odb_row_to_json(const struct odb_row *);
/* Inverse of odb_row_to_json() for the journal: strict, all columns optional (default). Returns
 * NULL on error with *errp set if 'errp' is non-NULL. */
struct odb_row *odb_row_from_json(const struct odb_table_schema *, const struct odb_uuid *,
                                  const json_t *, char **errp);
/* Overwrites the columns present in 'j' (same notation). Returns 0, or -EINVAL with *errp set
 * if 'errp' is non-NULL (the row may then be partly changed). */
int odb_row_apply_json(struct odb_row *, const json_t *j, char **errp);

void odb_tbl_init(struct odb_tbl *, const struct odb_table_schema *);
void odb_tbl_destroy(struct odb_tbl *); /* destroys every row */
struct odb_row *odb_tbl_find(const struct odb_tbl *, const struct odb_uuid *);
/* Inserts/removes a committed row in the UUID map and every index. */
void odb_tbl_insert(struct odb_tbl *, struct odb_row *);
void odb_tbl_remove(struct odb_tbl *, struct odb_row *);

/* Index helpers. */
uint32_t odb_index_hash(const struct odb_table_schema *, unsigned idx, const struct odb_row *);
bool odb_index_equal(const struct odb_table_schema *, unsigned idx, const struct odb_row *,
                     const struct odb_row *);
/* Calls 'cb' for every committed row whose index 'idx' key equals that of 'row'. Stops and
 * returns the row for which 'cb' returns true, or NULL. */
struct odb_row *odb_index_find(const struct odb_tbl *, unsigned idx, const struct odb_row *row,
                               uint32_t hash, bool (*cb)(struct odb_row *, void *), void *aux);

#endif
