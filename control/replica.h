/* ctd_replica: weft-controld's copy of the monitored part of a database, fed by a
 * "monitor_cond" (the ovsdb-server extension, as OVS's IDL uses it): the initial contents in
 * the reply, then "update2" notifications, both in the <table-updates2> notation.
 *
 * Rows are kept in RFC 7047 <row> notation ({column: <value>}), in a JSON object
 * {table: {uuid: row}}, exactly as a "monitor" would have sent them: every monitored column
 * present (those the server left out of an "initial"/"insert" row hold their default), a set
 * of one element as its bare atom, other sets as ["set", [...]], maps as ["map", [...]], both
 * sorted as ovsdb-server sorts them. The monitor request (ctd_replica_monitor_request()) asks
 * for the columns weft-controld reads (configuration) and writes back (status), so it can
 * compare before writing.
 *
 * Applying an update2 "modify" needs the column types: ctd_replica_set_schema() learns them
 * from a "get_schema" reply before the monitor is sent. Per column: a scalar (min 1, max 1, no
 * value type) carries its new value; a set carries the symmetric difference (each element
 * toggled); a map carries, per [key, value]: remove the key if it holds that value, replace
 * its value if it holds another, insert it if absent. For a column of at most one element
 * (an optional value) ovsdb-server sends the new value instead of a diff; both readings
 * agree except where a toggle would leave two elements, which then means the new value.
 *
 * The RFC 7047 <row-update> notation ({"old", "new"} with complete "new" rows) is still
 * accepted by ctd_replica_reset()/ctd_replica_update() (rows stored as sent; the unit tests
 * load their fixtures that way).
 */
#ifndef CTD_REPLICA_H
#define CTD_REPLICA_H

#include <jansson.h>
#include <stdbool.h>

struct ctd_replica {
	json_t *tables;  /* {table: {uuid: row}}; NULL until the initial contents arrived */
	json_t *columns; /* {table: {column: {"kind", "one", "default"}}}; NULL: no schema */
};

/* The "monitor_cond" params for database 'db' and monitor id 'mon_id' (new reference):
 * [db, mon_id, {table: [{"columns": [...]}]}]. */
json_t *ctd_replica_monitor_request(const char *db, const char *mon_id);

/* Learns the types of the monitored columns: 'schema' is a "get_schema" reply, 'mon_reqs' the
 * <monitor-cond-requests> (params[2] of a monitor_cond request). The contents are kept.
 * 0, -EPROTO (a table or column the schema lacks, a malformed type) or -ENOMEM. */
int ctd_replica_set_schema(struct ctd_replica *, const json_t *schema, const json_t *mon_reqs);

/* A "get_schema" reply ('result', or the server's 'error') for the monitor request 'req'
 * (ctd_replica_monitor_request() or ctd_vtep_monitor_request(), borrowed): learns the column
 * types as ctd_replica_set_schema() does. 0, or -errno with the end of a log line in *whyp
 * (" refused: <error>" or ": <reason>", malloc'd, caller frees; NULL if out of memory). */
int ctd_replica_schema_reply(struct ctd_replica *, const json_t *result, const json_t *error,
                             const json_t *req, char **whyp);

/* What -EPROTO from ctd_replica_set_schema() means, for log lines. */
#define CTD_REPLICA_SCHEMA_EPROTO "the schema lacks a monitored column (or has a malformed type)"

/* Replaces the contents with a monitor_cond reply's <table-updates2> ("initial" rows).
 * 0 or -ENOMEM / -EPROTO. */
int ctd_replica_reset(struct ctd_replica *, const json_t *table_updates);

/* Applies an "update2" notification's <table-updates2>. *config_changed is set to true when a
 * row was inserted or deleted, or a column other than the write-back ones (status columns
 * weft-controld itself writes, and Open_vSwitch cur_cfg) changed; otherwise it is left
 * alone. A change of next_cfg counts as a configuration change. -EPROTO for a modify of an
 * unknown row or column, or a malformed diff (the replica may then be partly updated). */
int ctd_replica_update(struct ctd_replica *, const json_t *table_updates, bool *config_changed);

/* True once the initial contents are in. */
bool ctd_replica_valid(const struct ctd_replica *);

/* Rows of 'table' ({uuid: row}, borrowed; NULL if none: jansson's iterators accept NULL) and
 * one row (or NULL). */
const json_t *ctd_replica_table(const struct ctd_replica *, const char *table);
const json_t *ctd_replica_row(const struct ctd_replica *, const char *table, const char *uuid);

/* Frees the contents and the column types. */
void ctd_replica_clear(struct ctd_replica *);

/* --- replica_datum.c --- */

/* The type of a column from its schema <type> ({"kind": "scalar"|"set"|"map", "one": at most
 * one element, "default": its default <value>}), or NULL if malformed or out of memory. */
json_t *ctd_replica_column_info(const json_t *type);

/* *out = the value 'old' (NULL: the default) becomes with an update2 "modify" 'diff', for a
 * column 'info' (from ctd_replica_column_info()), normalized as replica rows are.
 * 0, -EPROTO (malformed diff) or -ENOMEM. */
int ctd_replica_datum_apply(const json_t *info, const json_t *old, const json_t *diff,
                            json_t **out);

#endif /* CTD_REPLICA_H */
