/* ctd_db: a small RFC 7047 (OVSDB) client: connection, echo handling and datum helpers.
 *
 * Part of the static library libctd_db (framer.c rpc.c dbclient.c), meant to be shared by
 * weft-controld (monitor + write-back) and weftctl (transactions). It does not know any
 * schema; it only speaks RFC 7047's wire format. Linking: jansson.
 *
 * Contract:
 * - ctd_db_open() connects to "unix:PATH" or "tcp:IP:PORT" and returns a stream that
 *   answers the server's "echo" requests by itself; every other notification ("update",
 *   "update2", "locked", ...) goes to the caller's notify function. The stream is a ctd_rpc
 *   (rpc.h): poll ctd_rpc_fd()/ctd_rpc_events(), call ctd_rpc_run(), send requests with
 *   ctd_rpc_call() or block with ctd_rpc_call_sync(). Callbacks follow rpc.h's rules.
 * - Datum helpers read and build RFC 7047 <value>s: an atom, ["set", [atoms]], ["map",
 *   [[k, v], ...]], ["uuid", "..."], ["named-uuid", "..."]. Readers accept the shorthand
 *   (a set of one is its atom). They never fail on well-formed input; on malformed input they
 *   behave as for an empty value (0 elements, NULL).
 * Functions return 0 or -errno; *errp messages are malloc'd (caller frees).
 */
#ifndef CTD_DBCLIENT_H
#define CTD_DBCLIENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "rpc.h"

struct ctd_db;

/* Connects to 'target' ("unix:PATH" or "tcp:IP:PORT", IPv4). -EINVAL for another kind of
 * target or a malformed one, else the connect error (-ENOENT, -ECONNREFUSED). 'notify' may
 * be NULL. */
int ctd_db_open(const char *target, ctd_rpc_notify_fn *notify, void *arg, struct ctd_db **dbp);
void ctd_db_close(struct ctd_db *);

/* True when 'target' is a well-formed "unix:PATH" or "tcp:IP:PORT" (nothing is connected). */
bool ctd_db_target_ok(const char *target);

/* The underlying stream (owned by the ctd_db). */
struct ctd_rpc *ctd_db_rpc(struct ctd_db *);

/* Runs a "transact" on database 'db' with the operations array 'ops' (stolen) and waits for
 * its reply (timeout_ms < 0: forever). On success *results (may be NULL if not wanted) holds
 * the result array. Returns -EIO with *errp = "error: details" when an operation or the commit
 * failed (RFC 7047: an error object in the result array), -EPROTO for a JSON-RPC error. */
int ctd_db_transact_sync(struct ctd_db *, const char *dbname, json_t *ops, int timeout_ms,
                         json_t **results, char **errp);

/* Checks a transact result array (from ctd_rpc_call's callback): 0 if no element is an error
 * object, else -EIO and *errp (if not NULL) = "error: details" of the first one. */
int ctd_db_check_results(const json_t *results, char **errp);

/* --- Datum helpers --- */

/* Number of atoms of a set datum (a map: its number of pairs). */
size_t ctd_datum_n(const json_t *datum);

/* Atom 'i' of a set datum (borrowed). */
const json_t *ctd_datum_at(const json_t *datum, size_t i);

/* The string of ["uuid", S] or ["named-uuid", S]; NULL for anything else. */
const char *ctd_datum_uuid_str(const json_t *atom);

/* A new object {key: value} from a map datum (values are the atoms as JSON: strings, integers,
 * ...); keys that are not strings are skipped. Never NULL unless out of memory. */
json_t *ctd_datum_map_object(const json_t *datum);

/* A new map datum ["map", [[k, v], ...]] from an object (keys sorted); values borrowed. */
json_t *ctd_datum_map_from_object(const json_t *obj);

/* A new ["set", atoms] from an array (stolen). */
json_t *ctd_datum_set(json_t *atoms);

/* A new ["uuid", uuid]. */
json_t *ctd_datum_uuid(const char *uuid);

/* A new operation {"op": "update", "table", "where": [["_uuid", "==", ["uuid", U]]], "row"}
 * ('row' stolen). */
json_t *ctd_op_update_uuid(const char *table, const char *uuid, json_t *row);

#endif /* CTD_DBCLIENT_H */
