/* ovsdb-lite core: database open/close/create (in progress: temporary bodies). */
#include <errno.h>
#include <stddef.h>
#include "db.h"

int odb_create_file(const char *db_path, const char *schema_path, char **errp)
{
	(void)db_path;
	(void)schema_path;
	(void)errp;
	return -ENOSYS;
}

int odb_open(const char *db_path, struct odb **dbp, char **errp)
{
	(void)db_path;
	(void)errp;
	*dbp = NULL;
	return -ENOSYS;
}

void odb_close(struct odb *db)
{
	(void)db;
}

const char *odb_name(const struct odb *db)
{
	(void)db;
	return NULL;
}

const json_t *odb_schema(const struct odb *db)
{
	(void)db;
	return NULL;
}

enum odb_txn_status odb_transact(struct odb *db, const json_t *ops, long long started_ms,
				 long long now_ms, json_t **resultp, json_t **changesp,
				 long long *deadline_ms)
{
	(void)db;
	(void)ops;
	(void)started_ms;
	(void)now_ms;
	*resultp = json_array();
	*changesp = NULL;
	*deadline_ms = -1;
	return ODB_TXN_DONE;
}

json_t *odb_table_rows(const struct odb *db, const char *table)
{
	(void)db;
	(void)table;
	return NULL;
}

void odb_get_stats(const struct odb *db, struct odb_stats *s)
{
	(void)db;
	s->n_commits = s->n_compactions = s->journal_bytes = 0;
}

enum odb_txn_status odb_transact_locked(struct odb *db, const json_t *ops, long long started_ms,
					long long now_ms,
					bool (*lock_held)(const char *name, void *aux), void *aux,
					json_t **resultp, json_t **changesp, long long *deadline_ms)
{
	(void)lock_held;
	(void)aux;
	return odb_transact(db, ops, started_ms, now_ms, resultp, changesp, deadline_ms);
}

int odb_compact(struct odb *db, char **errp)
{
	(void)db;
	(void)errp;
	return -ENOSYS;
}

void odb_set_compact_threshold(struct odb *db, unsigned long long bytes)
{
	(void)db;
	(void)bytes;
}
