/* VXLAN tunnels and the underlay (VTEP) bridge.
 *
 *   VM --vhost--> [br0: learning switch] --vx1 (type=vxlan, key=100, remote_ip=R)--+
 *                                                                                  | encap
 *   wire <--uplink (type=dpdk)-- [br-phy: other_config:tunnel-ip=L/24] <-----------+
 *        --uplink--> classify: VXLAN to L -> decap -> VNI -> br0 via the tunnel port whose
 *                    remote_ip is the outer source; ARP for L -> reply; ICMP echo to L ->
 *                    reply; anything else -> dropped and counted by reason.
 *
 * A bridge with other_config:tunnel-ip is an underlay bridge: it does not switch, every frame
 * on its ports is for the VTEP or dropped. Its config keys: tunnel-ip (A.B.C.D/N, required),
 * tunnel-gateway (A.B.C.D), tunnel-mac (the VTEP MAC; default: the first uplink's MAC),
 * tunnel-mtu (underlay IP MTU, 82..9600, default 1500), tunnel-udp-port (default 4789),
 * neigh-timeout (seconds, default 300).
 * Tunnel port options (OVS names): remote_ip (required), key (VNI 0..16777215, default 0),
 * dst_port (default 4789), local_ip (selects the underlay bridge), ttl (default 64), tos,
 * df_default (true|false, default true). Frames from a tunnel never flood into another
 * tunnel (split horizon). */
#ifndef WF_VTEP_H
#define WF_VTEP_H

#include <jansson.h>

#include "ctx.h"
#include "neigh.h"
#include "vtep_cfg.h"
#include "vxlan.h"

/* Derived, immutable, held by a snapshot: one per underlay bridge ... */
struct wf_vtep {
	struct vx_vtep vx;
	uint32_t mask, gateway;
	struct wf_neigh *neigh;
};

/* ... and one per tunnel port. */
struct wf_tnl {
	const struct wf_tnl_cfg *cfg;
	struct vx_tunnel tmpl;
	uint16_t vtep_bridge; /* WF_PORT_NONE: no underlay reaches remote_ip */
	struct wf_neigh_entry *nh;
};

/* Checks that a configuration change keeps tunnels consistent: no VNI in two bridges, no two
 * underlay bridges with one address, no tunnel port on an underlay bridge. 'ctx' holds the
 * candidate state. 0 or -EINVAL/-EEXIST with a reason. */
int wf_vtep_check(const struct wf_ctx *ctx, char *err, size_t errlen);

/* Snapshot building (main lcore): derives vteps, tunnel templates and the VNI table into 's'.
 * Returns 0 or -ENOMEM. wf_vtep_snap_free() releases what it allocated. */
int wf_vtep_snap_build(const struct wf_ctx *ctx, struct wf_snap *s);
void wf_vtep_snap_free(struct wf_snap *s);

/* Fast path: frames received on port 'in' of an underlay bridge. Takes every mbuf. */
void wf_vtep_input(struct wf_thread *t, const struct wf_snap *s, uint16_t in,
                   struct rte_mbuf **pkts, uint16_t n);
/* Fast path: 'm' (untagged, of meta->vlan) leaves by tunnel port 'out'. Takes the mbuf. */
void wf_tnl_output(struct wf_thread *t, const struct wf_snap *s, uint16_t out, struct rte_mbuf *m,
                   const struct wf_vlan_meta *meta);

#endif
