/* ovsdb-lite database core: schema, rows, RFC 7047 transactions, durable journal.
 *
 * This header is the contract between the core (schema.c, datum.c, txn.c, journal.c, ...)
 * and the server (server.c, rpc.c, monitor.c, main.c). The core knows nothing of sockets or
 * clients; the server knows nothing of how rows are stored.
 *
 * Threading: single-threaded; every function is called from the server's event loop.
 * Ownership: functions that return json_t * return a new reference unless marked "borrowed".
 * Errors: functions returning int return 0 or -errno and, when 'errp' is non-NULL, store a
 * malloc'd human-readable message in *errp on failure (caller frees).
 */
#ifndef ODB_DB_H
#define ODB_DB_H

#include <jansson.h>
#include <stdbool.h>

struct odb;

/* Creates 'db_path' holding the schema read from 'schema_path' and no rows (like
 * `ovsdb-tool create`). Fails with -EEXIST if 'db_path' exists, -EINVAL on a bad schema. */
int odb_create_file(const char *db_path, const char *schema_path, char **errp);

/* Opens 'db_path': loads the snapshot, replays the journal, drops (and logs to stderr) a torn
 * or corrupt tail record. On success *dbp owns the database. Only one process may have a
 * database open: the core flocks "<dir>/.<name>.~lock~" and returns -EBUSY if another process
 * holds it (the lock goes with odb_close() or the process). */
int odb_open(const char *db_path, struct odb **dbp, char **errp);
void odb_close(struct odb *);

/* A schema parsed once and shared read-only by the databases odb_open_shared() opens with
 * it, for a process that opens many database files of one schema (the ovsdb-journal fuzz
 * harness opens two per input; parsing the schema was most of an open's cost). */
struct odb_shared_schema;
/* Reads and parses the schema file 'schema_path' (as odb_create_file() does). Returns NULL
 * on failure: unreadable file or bad schema (message in *errp). */
struct odb_shared_schema *odb_shared_schema_load(const char *schema_path, char **errp);
/* Frees 'ss' (NULL: nothing). Every database opened with it must be closed first. */
void odb_shared_schema_destroy(struct odb_shared_schema *ss);
/* odb_open() with a schema that is likely the file's: when the file's snapshot record holds
 * 'ss''s schema byte for byte as odb_create_file() and compaction write it (compact JSON,
 * first member), that copy is neither parsed as JSON nor as a schema, and the database uses
 * 'ss' (which must outlive it; odb_schema() returns ss's JSON). Any other file, including one
 * holding the same schema written differently, is opened as odb_open() opens it. Either way
 * the outcome (rows, errors and their messages, truncation of a bad tail, the lock) is
 * odb_open()'s. 'ss' NULL: odb_open(). */
int odb_open_shared(const char *db_path, const struct odb_shared_schema *ss, struct odb **dbp,
                    char **errp);

/* Database name from the schema ("Open_vSwitch"). Borrowed. */
const char *odb_name(const struct odb *);
/* The schema as RFC 7047 JSON, exactly as get_schema must return it. Borrowed. */
const json_t *odb_schema(const struct odb *);

enum odb_txn_status {
	ODB_TXN_DONE,    /* *resultp holds the RFC 7047 §4.1.3 result array */
	ODB_TXN_BLOCKED, /* a "wait" op is unsatisfied and not timed out: nothing applied */
};

/* Executes one "transact" request. 'ops' is the request's params array WITHOUT the leading
 * database name (an array of operation objects). 'started_ms' is when the request first
 * arrived and 'now_ms' the current monotonic time, both in milliseconds: "wait" timeouts count
 * from 'started_ms'.
 *
 * ODB_TXN_DONE: *resultp = result array (new ref); errors are reported inside it as RFC 7047
 *   error objects and nothing is applied. If the transaction committed and changed rows,
 *   *changesp = change set (new ref), else NULL. A committed change is appended to the journal
 *   and fsync'ed BEFORE this returns, so the caller may acknowledge it at once. The journal is
 *   compacted (snapshot written, fsync'ed, renamed) when it grows past a threshold.
 *   Shape (as ovsdb-server): an error raised by operation i is result i, followed by nulls up
 *   to one entry per operation; an error found at commit (references, indexes, maxRows, or
 *   "I/O error" if the journal cannot be written) is appended after the n results.
 * ODB_TXN_BLOCKED: *resultp and *changesp are NULL; *deadline_ms is when the earliest "wait"
 *   times out (or -1 for never). The caller retries the same request after the next commit
 *   that changed something, or at *deadline_ms.
 *
 * Change set format (what monitors need), including rows removed by garbage collection:
 *   { "<table>": { "<uuid>": { "old": <row>, "new": <row> } } }
 * "old" is absent for an insert, "new" absent for a delete; <row> holds every column
 * (including "_version", excluding "_uuid") in RFC 7047 <row> notation. */
enum odb_txn_status odb_transact(struct odb *, const json_t *ops, long long started_ms,
                                 long long now_ms, json_t **resultp, json_t **changesp,
                                 long long *deadline_ms);

/* Like odb_transact(), for a client that may hold locks: an "assert" operation on lock 'name'
 * succeeds only if 'lock_held'(name, 'aux') returns true (otherwise the RFC 7047 "not owner"
 * error). odb_transact() is this with 'lock_held' NULL, i.e. no lock held. 'lock_held' is
 * called synchronously and never retained. */
enum odb_txn_status odb_transact_locked(struct odb *, const json_t *ops, long long started_ms,
                                        long long now_ms,
                                        bool (*lock_held)(const char *name, void *aux), void *aux,
                                        json_t **resultp, json_t **changesp,
                                        long long *deadline_ms);

/* Rewrites the database file as one snapshot record (tmp file, fsync, rename, fsync dir).
 * Done automatically by odb_transact() once the journal exceeds the threshold; may also be
 * called explicitly. Returns 0 or -errno. */
int odb_compact(struct odb *, char **errp);

/* Group commit, for a server with several transactions ready at once. While 'deferred' is
 * true, odb_transact() writes each committed transaction to the journal but does not fsync
 * it: the caller must call odb_sync() and get 0 before acknowledging any of them (e.g. run
 * every ready request, odb_sync() once, then send the replies). Monitors may be updated
 * before odb_sync(). If odb_sync() fails, whether those transactions are durable is unknown
 * and the database refuses further commits ("I/O error"): treat it as fatal. Default: off
 * (every commit is fsync'ed before odb_transact() returns). */
void odb_set_deferred_sync(struct odb *, bool deferred);
/* fsyncs what deferred commits wrote; 0 at once if nothing is pending. 0 or -errno. */
int odb_sync(struct odb *, char **errp);

/* Journal size in bytes past which a commit triggers compaction. The default is taken from
 * the environment variable OVSDB_LITE_COMPACT_BYTES at odb_open() time, else 16 MiB.
 * 0 restores that default. */
void odb_set_compact_threshold(struct odb *, unsigned long long bytes);

/* Every row of 'table' as { "<uuid>": <row> } (same <row> notation as above), or NULL if the
 * table does not exist. New ref. */
json_t *odb_table_rows(const struct odb *, const char *table);

/* Counters for tests and `ovsdb-lite` logging. */
struct odb_stats {
	unsigned long long n_commits;
	unsigned long long n_compactions;
	unsigned long long journal_bytes;
};
void odb_get_stats(const struct odb *, struct odb_stats *);

#endif
