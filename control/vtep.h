/* weft-controld's VTEP mode, the pure part: a hardware_vtep database (its replica, replica.h)
 * -> dataplane configuration, and what to write back into it. No I/O, no globals.
 *
 * The mapping (docs/controld.md, "VTEP mode"), for the one Physical_Switch named by --vtep-ps:
 * - each Logical_Switch bound on one of its Physical_Ports (vlan_bindings VLAN -> LS) whose
 *   tunnel_key is set is one overlay bridge, named "vtep<VNI>"; its internal VLAN is the
 *   binding's VLAN v (every binding of that LS on this switch must use the same v);
 * - the Physical_Port is the weft port of the same name, which the Open_vSwitch database
 *   declares (type, options): it moves from its bridge there into the LS's bridge, with
 *   v == 0: tag 0 (access: untagged frames only), else trunks [v] (frames tagged v);
 *   one binding per port (more: the lowest VLAN is used, the rest reported);
 * - every remote locator (Physical_Locator.dst_ip, encapsulation vxlan_over_ipv4) that a
 *   Ucast_Macs_Remote of the LS, or its Mcast_Macs_Remote "unknown-dst" locator set, names is
 *   one vxlan port "vx<VNI>-<dst_ip>" on the LS's bridge (options remote_ip, key = VNI, access
 *   tag v); each Ucast_Macs_Remote is a static MAC table entry (VLAN v) to that port. Only
 *   the tunnels to the unknown-dst set receive the LS's floods (broadcast, multicast, unknown
 *   unicast): the others have options:flood=false;
 * - the local tunnel IP is the tunnel-ip of the underlay bridge (Open_vSwitch database,
 *   other_config:tunnel-ip, "/N" dropped); Physical_Switch.tunnel_ips is written when empty.
 * Problems (no such switch, a binding to an LS without tunnel_key, a port the Open_vSwitch
 * database lacks, ...) are collected in 'errors' (subject -> why) and the rest applies.
 *
 * Ownership: a ctd_vtep owns everything under it; ctd_vtep_free() releases it.
 */
#ifndef CTD_VTEP_H
#define CTD_VTEP_H

#include <jansson.h>

#include "desired.h"
#include "replica.h"
#include "state.h"

#define CTD_VTEP_DB_NAME "hardware_vtep"

struct ctd_vtep_ls {
	char *uuid; /* Logical_Switch row */
	char *name;
	long long vni; /* tunnel_key */
	int vlan;      /* the bindings' VLAN: the bridge's internal VLAN */
	char *bridge;  /* "vtep<VNI>" */
};

/* A static MAC table entry: a remote MAC behind a tunnel port. */
struct ctd_vtep_fdb {
	char *bridge;
	int vlan;
	char *mac; /* lower case */
	char *port;
};

struct ctd_vtep {
	char *ps_uuid;         /* NULL: no such Physical_Switch (nothing is configured) */
	char *local_ip;        /* our tunnel IP (dotted quad) or NULL if no underlay bridge */
	bool write_tunnel_ips; /* Physical_Switch.tunnel_ips is empty and local_ip known */
	struct ctd_vtep_ls *ls;
	size_t n_ls;
	struct ctd_vtep_fdb *fdb; /* sorted by bridge, mac */
	size_t n_fdb;
	struct ctd_smap local_ports; /* weft port -> Logical_Switch uuid */
	struct ctd_smap tunnels;     /* tunnel port -> Logical_Switch uuid */
	struct ctd_smap errors;      /* subject -> why */
};

/* The "monitor_cond" params for the hardware_vtep database (new reference). */
json_t *ctd_vtep_monitor_request(const char *mon_id);

/* True when a monitor update (<table-updates2>, or RFC 7047 <table-updates>) changes what the
 * configuration depends on: not only what weft-controld writes itself (Ucast_Macs_Local and
 * Logical_Binding_Stats rows, the port_fault_status, vlan_stats and switch_fault_status
 * columns). */
bool ctd_vtep_update_is_config(const json_t *table_updates);

/* Builds 'v' (zeroed or freed before) from the VTEP replica and changes 'd' (the desired state
 * from the Open_vSwitch database) accordingly: LS bridges and tunnel ports are added, bound
 * ports moved (d->ifaces follow). 0 or -ENOMEM. */
int ctd_vtep_build(struct ctd_vtep *v, const struct ctd_replica *vtep, const char *ps_name,
                   struct ctd_desired *d);
void ctd_vtep_free(struct ctd_vtep *v);

/* The LS whose bridge is 'bridge', or NULL. */
const struct ctd_vtep_ls *ctd_vtep_ls_by_bridge(const struct ctd_vtep *v, const char *bridge);

/* The dataplane operations that make the static entries of 'bridge' (an LS bridge) those of
 * 'v', given its `fdb-show` result: a new array of {"method": "fdb-add"|"fdb-del", "params"}
 * (empty when nothing differs). Dynamic entries are left alone unless a static one replaces
 * them. NULL only on no memory. */
json_t *ctd_vtep_fdb_ops(const struct ctd_vtep *v, const char *bridge, const json_t *fdb_show);

/* The hardware_vtep transaction operations (without the database name) that make the
 * Ucast_Macs_Local rows of our locator (dst_ip == local_ip) those learned now: 'learned' is
 * {bridge: fdb-show result} of the LS bridges; a dynamic entry on a local port (not a tunnel)
 * is a local MAC of that bridge's LS. Rows of other locators, and rows of an LS whose bridge
 * is missing from 'learned' (its fdb-show failed), are left alone. Our
 * Physical_Locator is inserted with the first row if the database has none; tunnel_ips is set
 * when 'write_tunnel_ips'. A new array, empty when nothing changes; NULL on no memory. */
json_t *ctd_vtep_local_ops(const struct ctd_vtep *v, const struct ctd_replica *vtep,
                           const json_t *learned);

/* The hardware_vtep transaction operations that write our status (vtep_status.c), only
 * where the replica differs:
 * - Physical_Port.port_fault_status: the problems of that port ('errors' whose subject is its
 *   name); Physical_Switch.switch_fault_status: every other problem, as "subject: why";
 * - Physical_Port.vlan_stats: for a bound port, its binding's Logical_Binding_Stats row
 *   (inserted if missing) from the dataplane's `stats` result: packets/bytes_from_local = the
 *   port's rx_packets/rx_bytes, packets/bytes_to_local = tx_packets/tx_bytes.
 * A new array (empty: nothing to write); NULL on no memory. */
json_t *ctd_vtep_status_ops(const struct ctd_vtep *v, const struct ctd_replica *vtep,
                            const json_t *stats);

#endif /* CTD_VTEP_H */
