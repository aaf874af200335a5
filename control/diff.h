/* The reconciler's diff: a pure function (no I/O, no globals) from a desired and an actual
 * state (state.h) to the list of dataplane operations that turns the actual into the desired.
 *
 * Contract:
 * - Operations come in this order: port-del, bridge-del, bridge-add, bridge-set, port-add,
 *   port-set; port groups sorted by port name, bridge groups in the states' order. Deleting
 *   first frees names (the dataplane's bridge and port names share one namespace).
 * - A port whose bridge, type or options differ is deleted and added again (the dataplane
 *   refuses to change them); a port whose VLAN columns (tag, trunks, effective vlan_mode)
 *   differ gets a port-set. Ports of a deleted bridge go with it (no port-del).
 * - A bridge whose other_config differs gets a bridge-set of the changed keys (removed keys
 *   as null).
 * - Flows (flowdb.h), last: a managed bridge whose desired flows (canonicalized) differ from the
 *   actual ones (a bridge the plan adds has the default flow) gets ONE flow-replace with the
 *   whole desired list (atomic in the dataplane, counters of unchanged flows kept). A bridge
 *   whose actual flows are unknown (flows_known false: no flow-dump answer) is skipped.
 * - Equal states give zero operations (adoption of a running dataplane).
 * - Operations point into 'want' and 'have' (borrowed): both must outlive the plan.
 */
#ifndef CTD_DIFF_H
#define CTD_DIFF_H

#include <jansson.h>

#include "state.h"

enum ctd_op_kind {
	CTD_OP_PORT_DEL,
	CTD_OP_BRIDGE_DEL,
	CTD_OP_BRIDGE_ADD,
	CTD_OP_BRIDGE_SET,
	CTD_OP_PORT_ADD,
	CTD_OP_PORT_SET,
	CTD_OP_FLOW_REPLACE,
	CTD_OP__COUNT
};

struct ctd_op {
	enum ctd_op_kind kind;
	const char *bridge;               /* the bridge's name */
	const char *port;                 /* the port's name (port operations) */
	const struct ctd_bridge *want_br; /* bridge-add, bridge-set */
	const struct ctd_bridge *have_br; /* bridge-set, bridge-del */
	const struct ctd_port *want;      /* port-add, port-set */
	const struct ctd_port *have;      /* port-del, port-set */
	const char *why;                  /* static text for logs: "new", "type changed", ... */
	char **flows;                     /* flow-replace: canonical flows, owned by the plan */
	size_t n_flows;
};

struct ctd_plan {
	struct ctd_op *ops;
	size_t n_ops;
};

/* Computes the plan. Returns 0 or -ENOMEM (then the plan is empty). */
int ctd_diff(const struct ctd_state *want, const struct ctd_state *have, struct ctd_plan *);
void ctd_plan_free(struct ctd_plan *);

/* The dataplane method of an operation ("port-add", ...). */
const char *ctd_op_method(const struct ctd_op *);

/* The dataplane request params of an operation (new reference; NULL on no memory). */
json_t *ctd_op_params(const struct ctd_op *);

#endif /* CTD_DIFF_H */
