/* ovsdb-lite database: create/open/close, snapshot and replay, compaction, accessors. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/file.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "odb-private.h"
#include "util_num.h"

static int set_err(char **errp, int err, char *msg)
{
	if (errp)
		*errp = msg;
	else
		free(msg);
	return err;
}

json_t *odb_db_snapshot_json(const struct odb *db)
{
	json_t *data = json_object();
	char buf[ODB_UUID_LEN + 1];

	for (unsigned t = 0; t < db->schema->n_tables; t++) {
		const struct odb_tbl *tbl = &db->tables[t];
		struct odb_hmap_iter it;
		json_t *rows = json_object();
		for (struct odb_hmap_node *n = odb_hmap_iter_first(&tbl->rows, &it); n;
		     n = odb_hmap_iter_next(&tbl->rows, &it)) {
			const struct odb_row *row = ODB_CONTAINER_OF(n, struct odb_row, node);
			odb_uuid_to_string(odb_row_uuid(row), buf);
			json_object_set_new(rows, buf, odb_row_to_json(row));
		}
		if (json_object_size(rows))
			json_object_set_new(data, db->schema->tables[t].name, rows);
		else
			json_decref(rows);
	}
	return json_pack("{s:O,s:o}", "schema", db->schema->json, "data", data);
}

int odb_create_file(const char *db_path, const char *schema_path, char **errp)
{
	struct odb_schema *s = odb_schema_from_file(schema_path, errp);
	json_t *snap;
	int err;

	if (!s)
		return -EINVAL;
	snap = json_pack("{s:O,s:{}}", "schema", s->json, "data");
	err = odb_journal_create(db_path, snap, errp);
	json_decref(snap);
	odb_schema_destroy(s);
	return err;
}

/* Applies {table: {uuid: row|null}} to the committed tables (replay). */
static int apply_rows(struct odb *db, const json_t *tables, bool allow_delete, char **errp)
{
	const char *tname, *ustr;
	json_t *rows, *rj;

	if (!json_is_object(tables))
		return set_err(errp, -EINVAL, odb_xstrdup("record: table set is not an object"));
	json_object_foreach((json_t *)tables, tname, rows)
	{
		const struct odb_table_schema *ts = odb_schema_find_table(db->schema, tname);
		if (!ts || !json_is_object(rows))
			return set_err(errp, -EINVAL, odb_xasprintf("record: bad table %s", tname));
		struct odb_tbl *tbl = &db->tables[ts->index];
		json_object_foreach(rows, ustr, rj)
		{
			struct odb_uuid u;
			struct odb_row *old, *row;
			if (!odb_uuid_from_string(&u, ustr))
				return set_err(errp, -EINVAL,
				               odb_xasprintf("record: bad uuid %s", ustr));
			old = odb_tbl_find(tbl, &u);
			if (json_is_null(rj) && allow_delete) {
				if (old) {
					odb_tbl_remove(tbl, old);
					odb_row_destroy(old);
				}
				continue;
			}
			/* A modification holds only the changed columns. */
			row = old ? odb_row_clone(old) : odb_row_create(ts, &u);
			if (odb_row_apply_json(row, rj, errp)) {
				odb_row_destroy(row);
				return -EINVAL;
			}
			if (old) {
				odb_tbl_remove(tbl, old);
				odb_row_destroy(old);
			}
			odb_tbl_insert(tbl, row);
		}
	}
	return 0;
}

struct open_ctx {
	struct odb *db;
	const char *path;
	const struct odb_shared_schema *ss; /* or NULL */
};

static void count_strong(struct odb *db)
{
	for (unsigned t = 0; t < db->schema->n_tables; t++) {
		struct odb_hmap_iter it;
		for (struct odb_hmap_node *n = odb_hmap_iter_first(&db->tables[t].rows, &it); n;
		     n = odb_hmap_iter_next(&db->tables[t].rows, &it))
			ODB_CONTAINER_OF(n, struct odb_row, node)->n_refs = 0;
	}
	for (unsigned t = 0; t < db->schema->n_tables; t++) {
		const struct odb_table_schema *ts = &db->schema->tables[t];
		struct odb_hmap_iter it;
		if (!ts->has_strong_refs)
			continue;
		for (struct odb_hmap_node *n = odb_hmap_iter_first(&db->tables[t].rows, &it); n;
		     n = odb_hmap_iter_next(&db->tables[t].rows, &it)) {
			const struct odb_row *row = ODB_CONTAINER_OF(n, struct odb_row, node);
			for (unsigned c = 2; c < ts->n_columns; c++) {
				const struct odb_type *ty = &ts->columns[c].type;
				const struct odb_datum *d = &row->fields[c];
				for (unsigned i = 0; i < d->n; i++) {
					struct odb_row *target;
					if (ty->key.ref_type == ODB_REF_STRONG &&
					    (target = odb_tbl_find(&db->tables[ty->key.ref_table],
					                           &d->keys[i].u)) &&
					    target != row)
						target->n_refs++;
					if (ty->value.ref_type == ODB_REF_STRONG &&
					    (target = odb_tbl_find(&db->tables[ty->value.ref_table],
					                           &d->values[i].u)) &&
					    target != row)
						target->n_refs++;
				}
			}
		}
	}
}

static int open_cb(void *aux, const json_t *rec, bool first, char **errp)
{
	struct open_ctx *c = aux;
	struct odb *db = c->db;

	if (first) {
		const json_t *sj = json_object_get(rec, "schema");

		if (c->ss && sj == c->ss->known.json) { /* journal.c matched ss's text */
			db->schema = c->ss->schema;
		} else {
			db->own_schema = odb_schema_from_json(sj, errp);
			if (!db->own_schema)
				return -EINVAL;
			db->schema = db->own_schema;
		}
		db->tables = odb_xcalloc(db->schema->n_tables, sizeof *db->tables);
		for (unsigned t = 0; t < db->schema->n_tables; t++)
			odb_tbl_init(&db->tables[t], &db->schema->tables[t]);
		return apply_rows(db, json_object_get(rec, "data"), false, errp);
	}
	return apply_rows(db, json_object_get(rec, "txn"), true, errp);
}

static unsigned long long env_threshold(void)
{
	const char *s = getenv("OVSDB_LITE_COMPACT_BYTES");
	long long v;

	if (!s || util_parse_int(s, 1, LLONG_MAX, &v) < 0)
		return ODB_DEFAULT_COMPACT_BYTES;
	return v;
}

/* Takes the exclusive lock of 'db_path' (like ovsdb-server, a hidden "~lock~" file next to
 * it, so that compaction's rename does not lose it). Returns the fd or -errno. */
static int lock_db(const char *db_path, char **errp)
{
	const char *slash = strrchr(db_path, '/');
	char *path =
	    slash ? odb_xasprintf("%.*s/.%s.~lock~", (int)(slash - db_path), db_path, slash + 1)
	          : odb_xasprintf(".%s.~lock~", db_path);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600), err;

	if (fd < 0) {
		err = -errno;
		set_err(errp, err, odb_xasprintf("%s: %s", path, strerror(-err)));
	} else if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		err = errno == EWOULDBLOCK ? -EBUSY : -errno;
		set_err(
		    errp, err,
		    odb_xasprintf("%s: database already locked by another process (lock file %s)",
		                  db_path, path));
		close(fd);
		fd = err;
	}
	free(path);
	return fd;
}

struct odb_shared_schema *odb_shared_schema_load(const char *schema_path, char **errp)
{
	struct odb_schema *s = odb_schema_from_file(schema_path, errp);
	struct odb_shared_schema *ss;
	char *text;

	if (!s)
		return NULL;
	text = json_dumps(s->json, JSON_COMPACT);
	if (!text) {
		odb_schema_destroy(s);
		set_err(errp, -ENOMEM,
		        odb_xasprintf("%s: cannot serialize the schema", schema_path));
		return NULL;
	}
	ss = odb_xcalloc(1, sizeof *ss);
	ss->schema = s;
	ss->known = (struct odb_journal_schema){text, strlen(text), s->json};
	return ss;
}

void odb_shared_schema_destroy(struct odb_shared_schema *ss)
{
	if (!ss)
		return;
	free((char *)ss->known.text);
	odb_schema_destroy(ss->schema);
	free(ss);
}

int odb_open(const char *db_path, struct odb **dbp, char **errp)
{
	return odb_open_shared(db_path, NULL, dbp, errp);
}

int odb_open_shared(const char *db_path, const struct odb_shared_schema *ss, struct odb **dbp,
                    char **errp)
{
	struct odb *db;
	struct open_ctx c = {NULL, db_path, ss};
	int err;

	*dbp = NULL;
	if (access(db_path, F_OK) < 0) { /* no lock file for a database that does not exist */
		err = -errno;
		return set_err(errp, err, odb_xasprintf("%s: %s", db_path, strerror(-err)));
	}
	db = odb_xcalloc(1, sizeof *db);
	db->journal.fd = -1;
	c.db = db;
	db->lock_fd = lock_db(db_path, errp);
	if (db->lock_fd < 0) {
		err = db->lock_fd;
		odb_close(db);
		return err;
	}
	err = odb_journal_open(&db->journal, db_path, ss ? &ss->known : NULL, open_cb, &c, errp);
	if (err) {
		odb_close(db);
		return err;
	}
	odb_uuid_gen_init(&db->gen);
	count_strong(db);
	db->default_threshold = db->compact_threshold = env_threshold();
	db->stats.journal_bytes = db->journal.journal_bytes;
	*dbp = db;
	return 0;
}

void odb_close(struct odb *db)
{
	if (!db)
		return;
	if (odb_journal_sync(&db->journal, NULL)) /* deferred commits, if any */
		fprintf(stderr, "ovsdb-lite: fdatasync at close failed\n");
	if (db->tables)
		for (unsigned t = 0; t < db->schema->n_tables; t++)
			odb_tbl_destroy(&db->tables[t]);
	free(db->tables);
	odb_schema_destroy(db->own_schema); /* a shared schema stays with its owner */
	odb_journal_close(&db->journal);
	if (db->lock_fd >= 0)
		close(db->lock_fd); /* releases the lock */
	free(db);
}

const char *odb_name(const struct odb *db)
{
	return db->schema->name;
}

const json_t *odb_schema(const struct odb *db)
{
	return db->schema->json;
}

json_t *odb_table_rows(const struct odb *db, const char *table)
{
	const struct odb_table_schema *ts = odb_schema_find_table(db->schema, table);
	char buf[ODB_UUID_LEN + 1];
	struct odb_hmap_iter it;
	json_t *rows;

	if (!ts)
		return NULL;
	rows = json_object();
	for (struct odb_hmap_node *n = odb_hmap_iter_first(&db->tables[ts->index].rows, &it); n;
	     n = odb_hmap_iter_next(&db->tables[ts->index].rows, &it)) {
		const struct odb_row *row = ODB_CONTAINER_OF(n, struct odb_row, node);
		odb_uuid_to_string(odb_row_uuid(row), buf);
		json_object_set_new(rows, buf, odb_row_to_json(row));
	}
	return rows;
}

void odb_get_stats(const struct odb *db, struct odb_stats *s)
{
	*s = db->stats;
	s->journal_bytes = db->journal.journal_bytes;
}

int odb_compact(struct odb *db, char **errp)
{
	json_t *snap = odb_db_snapshot_json(db);
	int err = odb_journal_rewrite(&db->journal, snap, errp);

	json_decref(snap);
	if (!err)
		db->stats.n_compactions++;
	db->stats.journal_bytes = db->journal.journal_bytes;
	return err;
}

void odb_set_deferred_sync(struct odb *db, bool deferred)
{
	db->deferred_sync = deferred;
}

int odb_sync(struct odb *db, char **errp)
{
	return odb_journal_sync(&db->journal, errp);
}

void odb_set_compact_threshold(struct odb *db, unsigned long long bytes)
{
	db->compact_threshold = bytes ? bytes : db->default_threshold;
}
