/* ovsdb-lite monitors: RFC 7047 "monitor" (update notifications) and the OVS extension
 * "monitor_cond" (update2 notifications, "where" conditions).
 *
 * A monitor is created from a client's <monitor-requests> object, validated against the schema.
 * It then turns the database's change sets (odb_transact()'s *changesp, see db.h) into the
 * <table-updates> (v1) or <table-updates2> (v2) object the client expects:
 *   v1: {"<table>": {"<uuid>": {"old": <row>, "new": <row>}}}; for a modify "old" holds only the
 *       changed columns and "new" every monitored column (RFC 7047 §4.1.6).
 *   v2: {"<table>": {"<uuid>": {"initial"|"insert": <row>} | {"delete": null} |
 *       {"modify": <diff>}}}; initial/insert rows omit columns holding their default value; a
 *       modify holds, per changed column, the new value (columns of at most one element,
 *       as ovsdb-server does), the symmetric difference (sets) or the changed pairs (maps,
 *       new value for changed keys).
 * With "where", a row entering the condition is reported as an insert and a row leaving it as
 * a delete.
 *
 * Ownership: monitors are owned by the caller (the client); returned json_t * are new refs.
 * Threading: single-threaded.
 */
#ifndef ODB_MONITOR_H
#define ODB_MONITOR_H

#include <jansson.h>
#include <stdbool.h>

#include "db.h"

enum odb_monitor_version {
	ODB_MONITOR_V1, /* "monitor": "update" notifications */
	ODB_MONITOR_V2, /* "monitor_cond": "update2" notifications */
};

enum odb_mon_kind {
	ODB_MON_SCALAR, /* exactly one atom */
	ODB_MON_SET,    /* set of atoms (including optional values, min 0 max 1) */
	ODB_MON_MAP,    /* map */
};

struct odb_mon_column {
	const char *name; /* borrowed from the schema */
	enum odb_mon_kind kind;
	const char *key_type; /* "integer", "real", "boolean", "string", "uuid" */
	bool max_one;         /* at most one element (scalar or optional value) */
};

struct odb_mon_request {
	struct odb_mon_column *columns;
	size_t n_columns;
	bool initial, insert, delete, modify;
	json_t *where; /* array of conditions (owned), NULL for every row */
};

struct odb_mon_table {
	char *name;
	const json_t *schema_columns; /* borrowed from odb_schema() */
	struct odb_mon_request *reqs;
	size_t n_reqs;
};

struct odb_monitor {
	struct odb_monitor *next; /* client's list */
	const struct odb *db;     /* the database it watches */
	json_t *id;               /* the client's monitor id (owned), any JSON value */
	enum odb_monitor_version version;
	struct odb_mon_table *tables;
	size_t n_tables;
	unsigned long long n_updates; /* notifications composed */
};

/* Validates 'requests' (params[2] of the request) and creates a monitor. 'id' is borrowed
 * (incref'ed). Returns 0, or -EINVAL with *errorp set to an RFC 7047 error object (new ref)
 * matching ovsdb-server's ("syntax error" + details). */
int odb_monitor_create(const struct odb *db, enum odb_monitor_version v, json_t *id,
                       const json_t *requests, struct odb_monitor **mp, json_t **errorp);
void odb_monitor_destroy(struct odb_monitor *m);

/* The initial contents as <table-updates>/<table-updates2>; {} when nothing matches or no
 * request selected "initial". */
json_t *odb_monitor_initial(const struct odb_monitor *m, const struct odb *db);

/* What the client must hear about change set 'changes', or NULL when nothing it monitors
 * changed. */
json_t *odb_monitor_compose(struct odb_monitor *m, const json_t *changes);

/* "monitor_cond_change": 'updates' is {"<table>": [{"where": [...]}, ...]} (a single object is
 * accepted too); the i-th entry replaces the condition of the table's i-th request (a single
 * entry replaces them all). Changing "columns" is refused, as ovsdb-server does. On success the
 * conditions are replaced and *deltap holds the rows that entered ("insert") or left
 * ("delete") the monitored set, in the monitor's notation, or NULL if none. Returns 0, or
 * -EINVAL with *errorp set (nothing changed). */
int odb_monitor_change_conditions(struct odb_monitor *m, const struct odb *db,
                                  const json_t *updates, json_t **deltap, json_t **errorp);

/* "update" or "update2". */
const char *odb_monitor_method(const struct odb_monitor *m);

/* Exposed for unit tests: monitor_cond condition evaluation and the v2 column diff. 'uuid' is
 * the row's UUID string (for "_uuid" conditions). */
bool odb_monitor_row_matches(const struct odb_mon_table *t, const json_t *where, const char *uuid,
                             const json_t *row);
json_t *odb_monitor_datum_diff(const struct odb_mon_column *col, const json_t *old,
                               const json_t *new);

#endif
