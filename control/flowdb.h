/* OpenFlow flows in the database (table Flow) and in the dataplane, for weft-controld.
 *
 * A Flow row (bridge, table, priority, match, actions, cookie) is one flow of the bridge named
 * 'bridge'; its flow string is "table=T,priority=P[,cookie=0xC][,MATCH],actions=A"
 * (ctd_flow_row_string). The desired flows of a bridge are its rows; the actual ones what the
 * dataplane's `flow-dump` lists. Both sides are compared canonicalized with the flow library
 * (parse, then print, with a per-bridge port-name map: ctd_flows_canon), so textual
 * differences ("ip,nw_src=..." vs "nw_src=...,ip", a port by name or by number) are no change.
 *
 * Default flow and the marker: a new bridge has one flow, "priority=0,actions=NORMAL" (as in
 * OVS; the dataplane adds it on bridge-add). In the database, a Bridge whose external_ids has
 * no CTD_FLOWS_MARKER_KEY has not been initialized: its desired flows are its rows if it has
 * any, else the default flow; weft-controld's write-back then inserts the default Flow row (only
 * if the bridge has no rows) and sets the marker, in one transaction (ctd_flows_init_ops). From
 * then on the rows are the truth: deleting every row leaves the bridge without flows.
 *
 * Underlay (VTEP) bridges (other_config:tunnel-ip) have no flow tables: not managed.
 * Pure functions (no I/O).
 */
#ifndef CTD_FLOWS_H
#define CTD_FLOWS_H

#include <jansson.h>
#include <stdbool.h>

#include "replica.h"
#include "state.h"

#define CTD_FLOWS_MARKER_KEY   "weft-flows"
#define CTD_FLOWS_MARKER_VALUE "initialized"
#define CTD_FLOW_DEFAULT       "priority=0,actions=NORMAL"

/* Does a bridge with this other_config have flow tables (not an underlay bridge)? */
bool ctd_flows_managed(const struct ctd_smap *other_config);

/* The flow string of Flow row 'row' (malloc'd), or NULL when a column is missing/mistyped or
 * out of memory. */
char *ctd_flow_row_string(const json_t *row);

/* Is the marker set in Bridge row 'brow'? */
bool ctd_flows_marked(const json_t *brow);

/* Fills br->flows (and flows_managed) with the flow strings of the Flow rows of bridge
 * 'br->name' whose syntax is valid (port names are not resolved here), or the default flow
 * (unmarked bridge without rows, see above). A row that does not parse is left out: its uuid
 * and the parser's message are appended to 'bad' ("<uuid>" -> message; may be NULL).
 * 0 or -ENOMEM. */
int ctd_flows_desired(struct ctd_bridge *br, const struct ctd_replica *r, const json_t *brow,
                      struct ctd_smap *bad);

/* Fills br->flows from the `flow-dump` result (flows_known set). 0, -EPROTO or -ENOMEM. */
int ctd_flows_from_dump(struct ctd_bridge *br, const json_t *result);

/* The canonical, sorted, duplicate-free (by table+priority+match: the last one in the input
 * order wins, as in flow-replace) forms of flows[0..n), port names resolved with the ports of
 * 'want' and 'have' (either may be NULL; 'have''s numbers win). Strings that do not parse are
 * dropped. *out: malloc'd array of malloc'd strings (free with ctd_flows_free_list). 0 or
 * -ENOMEM. */
int ctd_flows_canon(char *const *flows, size_t n, const struct ctd_bridge *want,
                    const struct ctd_bridge *have, char ***out, size_t *n_out);
void ctd_flows_free_list(char **v, size_t n);

/* The write-back operations initializing the Flow rows of the bridges Open_vSwitch reaches
 * (see above): for each unmarked bridge, a Flow insert of the default flow (if it has no rows)
 * and a mutate of its external_ids setting the marker, guarded by a "wait" that the bridge is
 * still unmarked. Appended to 'ops'. 0 or -ENOMEM. */
int ctd_flows_init_ops(const struct ctd_replica *r, json_t *ops);

/* Deletes of the Flow rows whose bridge has no Bridge row (the bridge was deleted by a client
 * that does not know the Flow table, e.g. the real ovs-vsctl del-br: flows die with their
 * bridge, as in OVS). Appended to 'ops'. 0 or -ENOMEM. */
int ctd_flows_gc_ops(const struct ctd_replica *r, json_t *ops);

/* Flows the dataplane removed by their timeouts: `flow-removed` entries ({bridge, table,
 * priority, match, idle_timeout, hard_timeout, ...}, docs/control-rpc.md), kept by
 * weft-controld until their rows are deleted. A flow (string) of bridge B is the expired flow
 * of an entry when the entry names B and the flow has the same table, priority and match
 * (ports resolved with the ports of 'a' and 'b', either may be NULL) and the same idle and
 * hard timeouts (a flow without timeouts never expires, so a re-added one without them is
 * kept). */
bool ctd_flow_expired(const char *flow, const char *bridge, const json_t *removed,
                      const struct ctd_bridge *a, const struct ctd_bridge *b);

/* Leaves the expired flows (above) out of 'want's flows, so that a pass between the expiry
 * and the rows' delete does not put them back; 'have': the dataplane's bridge (may be NULL).
 * Returns how many were left out. */
size_t ctd_flows_drop_expired(struct ctd_bridge *want, const struct ctd_bridge *have,
                              const json_t *removed);

/* Deletes of the Flow rows that are the expired flow of an entry of 'removed' (ports resolved
 * with 'actual''s bridge of that name, may be NULL), appended to 'ops'. 0 or -ENOMEM. */
int ctd_flows_expired_ops(const struct ctd_replica *r, const json_t *removed,
                          const struct ctd_state *actual, json_t *ops);

#endif /* CTD_FLOWS_H */
