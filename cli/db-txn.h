/* weftctl database backend: the RFC 7047 transaction of a command list (no I/O).
 *
 * The configuration verbs of one invocation (add-br, del-br, add-port, del-port, set Bridge /
 * Port / Interface) become ONE "transact" operations array, built against a snapshot of the
 * database and an in-memory model that later commands see (add-br br0 -- add-port br0 p0).
 * The rows written are the ones ovs-vsctl writes:
 *   add-br BR      insert Interface {name BR, type internal}, Port {name BR, interfaces},
 *                  Bridge {name BR, ports, other_config}; mutate Open_vSwitch bridges += Bridge
 *   add-port BR P  insert Interface {name P, type, options}, Port {name P, interfaces, tag,
 *                  trunks, vlan_mode}; mutate Bridge BR ports += Port
 *   del-br BR      delete its Interfaces, Ports and the Bridge; Open_vSwitch bridges -= it
 *   del-port [BR] P  mutate Bridge ports -= Port; delete Port and its Interfaces
 *   set T R C=V    update T where name == R (maps: the whole merged map is written)
 *   clear T R C    update T where name == R: C = the empty set / map
 * --may-exist add-* on an existing record applies the merged settings as updates;
 * --if-exists del-* on a missing record does nothing. Rows are addressed by name (so rows
 * inserted earlier in the same transaction can be updated).
 *
 * Snapshot: see db-snap.h.
 * Errors (ovs-vsctl's wording, e.g. "no bridge named br9") return -EINVAL (-ENOENT for a
 * missing record, -EEXIST for an existing one) with a malloc'd message in *errp; nothing is
 * built then.
 */
#ifndef CLI_DB_TXN_H
#define CLI_DB_TXN_H

#include <jansson.h>
#include <stdbool.h>

#include "command.h"
#include "db-snap.h"

/* Builds the operations for the configuration verbs of 'list' (other verbs are skipped)
 * against 'snap' (borrowed). When 'bump_cfg' and at least one operation writes, appends
 * "mutate Open_vSwitch next_cfg += 1" and a "select next_cfg" as the last operation (its
 * result is the value to wait for). *ops is a new array (possibly empty: nothing to write). */
int cli_db_txn_build(const json_t *snap, const struct cli_cmd_list *list, bool bump_cfg,
                     json_t **ops, char **errp);

#endif /* CLI_DB_TXN_H */
