/* weftctl database backend: a snapshot of the database and its accessors (no I/O).
 *
 * A snapshot is a JSON object {"Open_vSwitch": [rows], "Bridge": [rows], "Port": [rows],
 * "Interface": [rows]} (plus "_schema", see db-show.h), each row an RFC 7047 <row> with at
 * least _uuid and the reference and name columns (a select without "columns" gives
 * everything). db-run.c reads it; db-txn.c and db-show.c work from it; the unit tests write
 * one by hand. Returned rows are borrowed from the snapshot.
 */
#ifndef CLI_DB_SNAP_H
#define CLI_DB_SNAP_H

#include <jansson.h>

/* The rows of 'table' in 'snap' (borrowed; an empty array's worth when absent: NULL). */
const json_t *cli_db_snap_rows(const json_t *snap, const char *table);

/* The row of 'table' named 'name' in 'snap' ("." or any name: the first Open_vSwitch row);
 * NULL if none. */
const json_t *cli_db_snap_find(const json_t *snap, const char *table, const char *name);

/* The row of 'table' whose _uuid is 'uuid'; NULL if none. */
const json_t *cli_db_snap_by_uuid(const json_t *snap, const char *table, const char *uuid);

#endif /* CLI_DB_SNAP_H */
