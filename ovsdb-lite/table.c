/* ovsdb-lite rows and tables. See table.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "table.h"

struct idx_node {
	struct odb_hmap_node node;
	struct odb_row *row;
};

struct odb_row *odb_row_create(const struct odb_table_schema *ts, const struct odb_uuid *uuid)
{
	struct odb_row *row = odb_xcalloc(1, sizeof *row + ts->n_columns * sizeof row->fields[0]);

	row->ts = ts;
	for (unsigned i = 0; i < ts->n_columns; i++)
		odb_datum_init_default(&row->fields[i], &ts->columns[i].type);
	row->fields[0].keys[0].u = *uuid;
	return row;
}

struct odb_row *odb_row_clone(const struct odb_row *src)
{
	const struct odb_table_schema *ts = src->ts;
	struct odb_row *row = odb_xcalloc(1, sizeof *row + ts->n_columns * sizeof row->fields[0]);

	row->ts = ts;
	row->n_refs = src->n_refs;
	for (unsigned i = 0; i < ts->n_columns; i++)
		odb_datum_clone(&row->fields[i], &src->fields[i], &ts->columns[i].type);
	return row;
}

void odb_row_destroy(struct odb_row *row)
{
	if (!row)
		return;
	for (unsigned i = 0; i < row->ts->n_columns; i++)
		odb_datum_destroy(&row->fields[i], &row->ts->columns[i].type);
	free(row);
}

bool odb_row_equals(const struct odb_row *a, const struct odb_row *b)
{
	for (unsigned i = 2; i < a->ts->n_columns; i++)
		if (!odb_datum_equals(&a->fields[i], &b->fields[i], &a->ts->columns[i].type))
			return false;
	return true;
}

json_t *odb_row_to_json(const struct odb_row *row)
{
	json_t *j = json_object();

	for (unsigned i = 1; i < row->ts->n_columns; i++)
		json_object_set_new(j, row->ts->columns[i].name,
		                    odb_datum_to_json(&row->fields[i], &row->ts->columns[i].type));
	return j;
}

/* Stores 'msg' in *errp, or frees it if 'errp' is NULL. Returns -EINVAL. */
static int row_err(char **errp, char *msg)
{
	if (errp)
		*errp = msg;
	else
		free(msg);
	return -EINVAL;
}

int odb_row_apply_json(struct odb_row *row, const json_t *j, char **errp)
{
	const struct odb_table_schema *ts = row->ts;
	const char *name;
	json_t *v;

	if (!json_is_object(j))
		return row_err(errp, odb_xasprintf("table %s: row is not an object", ts->name));
	json_object_foreach((json_t *)j, name, v)
	{
		const struct odb_column *col = odb_schema_find_column(ts, name);
		struct odb_datum d;
		json_t *err;
		if (!col || col->index == 0)
			return row_err(
			    errp, odb_xasprintf("table %s: unknown column %s", ts->name, name));
		err = odb_datum_from_json_replay(&d, &col->type, v);
		if (err) {
			char *s = json_dumps(err, JSON_COMPACT | JSON_SORT_KEYS);
			char *msg =
			    odb_xasprintf("table %s column %s: %s", ts->name, name, s ? s : "");
			free(s);
			json_decref(err);
			return row_err(errp, msg);
		}
		if (col->index == 1 && d.n != 1) {
			odb_datum_destroy(&d, &col->type);
			return row_err(errp, odb_xasprintf("table %s: bad _version", ts->name));
		}
		odb_datum_destroy(&row->fields[col->index], &col->type);
		row->fields[col->index] = d;
	}
	return 0;
}

struct odb_row *odb_row_from_json(const struct odb_table_schema *ts, const struct odb_uuid *uuid,
                                  const json_t *j, char **errp)
{
	struct odb_row *row = odb_row_create(ts, uuid);

	if (odb_row_apply_json(row, j, errp)) {
		odb_row_destroy(row);
		return NULL;
	}
	return row;
}

void odb_tbl_init(struct odb_tbl *t, const struct odb_table_schema *ts)
{
	t->ts = ts;
	odb_hmap_init(&t->rows);
	t->indexes = odb_xcalloc(ts->n_indexes ? ts->n_indexes : 1, sizeof *t->indexes);
	for (unsigned i = 0; i < ts->n_indexes; i++)
		odb_hmap_init(&t->indexes[i]);
}

void odb_tbl_destroy(struct odb_tbl *t)
{
	struct odb_hmap_iter it;

	for (unsigned i = 0; i < t->ts->n_indexes; i++) {
		for (struct odb_hmap_node *n = odb_hmap_iter_first(&t->indexes[i], &it); n;
		     n = odb_hmap_iter_next(&t->indexes[i], &it))
			free(ODB_CONTAINER_OF(n, struct idx_node, node));
		odb_hmap_destroy(&t->indexes[i]);
	}
	free(t->indexes);
	for (struct odb_hmap_node *n = odb_hmap_iter_first(&t->rows, &it); n;
	     n = odb_hmap_iter_next(&t->rows, &it))
		odb_row_destroy(ODB_CONTAINER_OF(n, struct odb_row, node));
	odb_hmap_destroy(&t->rows);
}

struct odb_row *odb_tbl_find(const struct odb_tbl *t, const struct odb_uuid *uuid)
{
	for (struct odb_hmap_node *n = odb_hmap_first_with_hash(&t->rows, odb_uuid_hash(uuid)); n;
	     n = odb_hmap_next_with_hash(n)) {
		struct odb_row *row = ODB_CONTAINER_OF(n, struct odb_row, node);
		if (odb_uuid_equals(odb_row_uuid(row), uuid))
			return row;
	}
	return NULL;
}

uint32_t odb_index_hash(const struct odb_table_schema *ts, unsigned idx, const struct odb_row *row)
{
	const struct odb_index_def *def = &ts->indexes[idx];
	uint32_t h = 0;

	for (unsigned i = 0; i < def->n_columns; i++) {
		unsigned c = def->columns[i];
		h = odb_datum_hash(&row->fields[c], &ts->columns[c].type, h);
	}
	return h;
}

bool odb_index_equal(const struct odb_table_schema *ts, unsigned idx, const struct odb_row *a,
                     const struct odb_row *b)
{
	const struct odb_index_def *def = &ts->indexes[idx];

	for (unsigned i = 0; i < def->n_columns; i++) {
		unsigned c = def->columns[i];
		if (!odb_datum_equals(&a->fields[c], &b->fields[c], &ts->columns[c].type))
			return false;
	}
	return true;
}

struct odb_row *odb_index_find(const struct odb_tbl *t, unsigned idx, const struct odb_row *row,
                               uint32_t hash, bool (*cb)(struct odb_row *, void *), void *aux)
{
	for (struct odb_hmap_node *n = odb_hmap_first_with_hash(&t->indexes[idx], hash); n;
	     n = odb_hmap_next_with_hash(n)) {
		struct idx_node *in = ODB_CONTAINER_OF(n, struct idx_node, node);
		if (odb_index_equal(t->ts, idx, in->row, row) && cb(in->row, aux))
			return in->row;
	}
	return NULL;
}

void odb_tbl_insert(struct odb_tbl *t, struct odb_row *row)
{
	odb_hmap_insert(&t->rows, &row->node, odb_uuid_hash(odb_row_uuid(row)));
	for (unsigned i = 0; i < t->ts->n_indexes; i++) {
		struct idx_node *in = odb_xmalloc(sizeof *in);
		in->row = row;
		odb_hmap_insert(&t->indexes[i], &in->node, odb_index_hash(t->ts, i, row));
	}
}

void odb_tbl_remove(struct odb_tbl *t, struct odb_row *row)
{
	odb_hmap_remove(&t->rows, &row->node);
	for (unsigned i = 0; i < t->ts->n_indexes; i++) {
		uint32_t h = odb_index_hash(t->ts, i, row);
		for (struct odb_hmap_node *n = odb_hmap_first_with_hash(&t->indexes[i], h); n;
		     n = odb_hmap_next_with_hash(n)) {
			struct idx_node *in = ODB_CONTAINER_OF(n, struct idx_node, node);
			if (in->row == row) {
				odb_hmap_remove(&t->indexes[i], n);
				free(in);
				break;
			}
		}
	}
}
