/* ctd_replica: weft-controld's copy of the monitored part of the database, fed by an RFC 7047
 * "monitor" (initial contents in the reply, then "update" notifications).
 *
 * Rows are kept as the server sends them in <row> notation ({column: <value>}), in a JSON
 * object {table: {uuid: row}}. The monitor request (ctd_replica_monitor_request()) asks for
 * the columns weft-controld reads (configuration) and writes back (status), so it can compare
 * before writing.
 */
#ifndef CTD_REPLICA_H
#define CTD_REPLICA_H

#include <jansson.h>
#include <stdbool.h>

struct ctd_replica {
	json_t *tables; /* {table: {uuid: row}}; NULL until the initial contents arrived */
};

/* The "monitor" params for database 'db' and monitor id 'mon_id' (new reference). */
json_t *ctd_replica_monitor_request(const char *db, const char *mon_id);

/* Replaces the contents with a monitor reply's <table-updates>. 0 or -ENOMEM / -EPROTO. */
int ctd_replica_reset(struct ctd_replica *, const json_t *table_updates);

/* Applies an "update" notification's <table-updates>. *config_changed is set to true when a
 * row was inserted or deleted, or a column other than the write-back ones (status columns
 * weft-controld itself writes, and Open_vSwitch cur_cfg) changed; otherwise it is left
 * alone. A change of next_cfg counts as a configuration change. */
int ctd_replica_update(struct ctd_replica *, const json_t *table_updates, bool *config_changed);

/* True once the initial contents are in. */
bool ctd_replica_valid(const struct ctd_replica *);

/* Rows of 'table' ({uuid: row}, borrowed; NULL if none: jansson's iterators accept NULL) and
 * one row (or NULL). */
const json_t *ctd_replica_table(const struct ctd_replica *, const char *table);
const json_t *ctd_replica_row(const struct ctd_replica *, const char *table, const char *uuid);

void ctd_replica_clear(struct ctd_replica *);

#endif /* CTD_REPLICA_H */
