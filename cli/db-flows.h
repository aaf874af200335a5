/* weftctl database backend: the ovs-ofctl flow verbs that write (add-flow, add-flows,
 * del-flows, mod-flows, replace-flows) as changes of Flow rows (no I/O).
 *
 * Every flow string of the invocation is parsed first with the flow library (ports by name:
 * the bridge's interfaces with an ofport in the snapshot, any other name kept as a name, see
 * fl_names in flow/flow.h); a bad one is refused with the library's message naming the token
 * ("add-flow: nw_src: 10.0.0.300: invalid IP address") and nothing is built. Flows with
 * idle_timeout/hard_timeout are stored in their columns (the dataplane enforces them;
 * weft-controld deletes the rows of expired flows).
 *
 * The verbs run on an in-memory model of the bridges' Flow rows (so chained commands see each
 * other) with OVS semantics, the selection being the flow library's fl_flow_selects (the
 * dataplane's too):
 *   add-flow(s)    a flow with the same table, priority and match replaces it; else added
 *   del-flows      the flows MATCH selects (--strict: same match and priority), all without
 *   mod-flows      the flows FLOW's match part selects get its actions (cookie kept); none
 *                  selected: nothing added
 *   replace-flows  the bridge's flows become the FILE's (duplicates: the last one wins)
 * A bridge not initialized yet (no Bridge external_ids:weft-flows, see control/flowdb.h) starts
 * from the default flow priority=0,actions=NORMAL if it has no row, and gets the marker.
 * Then the difference with the snapshot is appended to the operations: delete, update (by
 * uuid) and insert of Flow rows (table, priority, match and actions in canonical form,
 * cookie), mutate of the marker. Rows of a bridge deleted by del-br in the same invocation are
 * deleted.
 */
#ifndef CLI_DB_FLOWS_H
#define CLI_DB_FLOWS_H

#include <jansson.h>
#include <stddef.h>

#include "command.h"

/* Appends to 'ops' the Flow operations of the flow verbs of 'list' (and of its del-br),
 * against 'snap' (with a "Flow" table; see db-snap.h). 'bridges': an object whose keys are the
 * bridges that exist after the invocation's other commands; 'ports': the ports then
 * ({name: {"bridge": BR, "ifaces": [names]}}, db-txn.c's model; may be NULL): flows may name
 * their interfaces. *n_writes = operations appended.
 * 0, or -EINVAL / -ENOENT (no bridge named BR) / -ENOMEM with a message; nothing appended on
 * failure. */
int cli_db_flows_build(const json_t *snap, const json_t *bridges, const json_t *ports,
                       const struct cli_cmd_list *list, json_t *ops, size_t *n_writes, char **errp);

/* Does the database backend take 'verb' (the writing flow verbs)? */
bool cli_db_flows_verb(enum cli_cmd_verb verb);

#endif /* CLI_DB_FLOWS_H */
