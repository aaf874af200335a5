/* The desired dataplane state, computed from the database replica: Open_vSwitch.bridges ->
 * Bridge (name, other_config) -> Port (tag, trunks, vlan_mode) -> Interface (name, type,
 * options). A Port with one Interface is one dataplane port named after the Interface.
 *
 * Interfaces that get no dataplane port are listed with a kind saying why:
 * - CTD_IFACE_LOCAL: the bridge's own internal interface (ovs-vsctl add-br creates Port and
 *   Interface named like the bridge, type "internal"): not an error, reported as such;
 * - CTD_IFACE_BAD: a Port with several Interfaces (a bond: not supported); 'error' says so.
 * Rows the Open_vSwitch row does not reach are ignored. Pure: reads the replica only.
 */
#ifndef CTD_DESIRED_H
#define CTD_DESIRED_H

#include "flowdb.h"
#include "replica.h"
#include "state.h"

enum ctd_iface_kind {
	CTD_IFACE_PORT,  /* has a dataplane port of the same name */
	CTD_IFACE_LOCAL, /* the bridge's internal interface: no dataplane counterpart */
	CTD_IFACE_BAD,   /* cannot be configured (see 'error') */
};

struct ctd_iface {
	char *uuid; /* Interface row */
	char *name;
	char *bridge; /* the bridge it is on */
	enum ctd_iface_kind kind;
	char *error; /* CTD_IFACE_BAD only */
};

struct ctd_desired {
	struct ctd_state state;
	struct ctd_iface *ifaces;
	size_t n_ifaces;
	char *ovs_uuid;     /* the Open_vSwitch row (NULL: no row, nothing is desired) */
	long long next_cfg; /* Open_vSwitch next_cfg / cur_cfg as read */
	long long cur_cfg;
	struct ctd_smap bad_flows; /* Flow row uuid -> why it was left out (flowdb.h) */
};

/* Builds 'd' (zeroed by the caller or freed before) from the replica. 0 or -ENOMEM. */
int ctd_desired_build(struct ctd_desired *d, const struct ctd_replica *r);
void ctd_desired_free(struct ctd_desired *d);

/* The interface named 'name', or NULL. */
const struct ctd_iface *ctd_desired_iface(const struct ctd_desired *d, const char *name);

#endif /* CTD_DESIRED_H */
