/* VXLAN tunnels and the underlay (VTEP) bridge: the datapath (vtep.c). Configuration keys,
 * their parsing and the snapshot derivation are in vtep_cfg.h (control plane).
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
 * neigh-timeout (seconds, default 300), vxlan-udp-csum (verify|ignore, default verify: whether
 * non-zero outer UDP checksums are verified; partial ones from Linux senders are recognised
 * either way, see vxlan/README.md "Partial checksums").
 * Tunnel port options (OVS names): remote_ip (required), key (VNI 0..16777215, default 0, or
 * 'flow': the frame's tunnel id, see wf_tnl_cfg.key_flow),
 * dst_port (default 4789), local_ip (selects the underlay bridge), ttl (default 64), tos,
 * df_default (true|false, default true). Frames from a tunnel never flood into another
 * tunnel (split horizon). */
#ifndef WF_VTEP_H
#define WF_VTEP_H

#include "core/ctx.h"
#include "vtep/neigh.h"
#include "vxlan.h"

/* Parsed tunnel port options (port->priv of type vxlan; parsed by vtep_cfg.c). */
struct wf_tnl_cfg {
	uint32_t remote_ip, local_ip; /* network order; local_ip 0 = any */
	uint32_t vni;                 /* options:key (0 when key_flow) */
	bool key_flow; /* options:key=flow: the VNI is the frame's tunnel id (set_tunnel), and
	                * frames of any VNI not claimed by another tunnel come in by this port */
	uint16_t dst_port;
	uint8_t ttl, tos;
	bool df;
	bool flood; /* options:flood (weft's): false = the switch floods nothing to this tunnel
	             * (broadcast, multicast, unknown unicast); MAC table hits still go */
};

/* Derived, immutable, held by a snapshot: one per underlay bridge ... */
#define WF_VTEP_MAX_FLOW_TNLS 64 /* key=flow tunnels, all underlays together (wf_vtep_check) */

struct wf_vtep {
	struct vx_vtep vx;
	/* key=flow tunnels routed through this underlay: a frame whose VNI no other tunnel
	 * claims comes in by the one whose remote_ip sent it. */
	uint16_t n_flow_tnls;
	struct {
		uint32_t remote_ip;
		uint16_t port;
	} flow_tnls[WF_VTEP_MAX_FLOW_TNLS];
	uint32_t mask, gateway;
	struct wf_neigh *neigh;
	uint32_t rx_flags; /* VX_RX_F_UDP_CKSUM_SKIP with other_config:vxlan-udp-csum=ignore */
};

/* ... and one per tunnel port. */
struct wf_tnl {
	const struct wf_tnl_cfg *cfg;
	struct vx_tunnel tmpl;
	uint16_t vtep_bridge; /* WF_PORT_NONE: no underlay reaches remote_ip */
	struct wf_neigh_entry *nh;
};

/* wf_input_fn of underlay bridges (core/ctx.h): frames received on port 'in' of an underlay
 * bridge: VXLAN is decapsulated and handed to the input stage of the tunnel port's bridge, ARP
 * and ping to the VTEP answered, the rest dropped by reason. Takes every mbuf. */
void wf_vtep_input(struct wf_thread *t, const struct wf_snap *s, uint16_t in,
                   struct rte_mbuf **pkts, uint16_t n);
/* The tx of tunnel ports (ports/port_tnl.c; contract in struct wf_port_class): encapsulates
 * each frame towards the tunnel's remote and queues it on the underlay uplink that reaches the
 * next hop (resolving it by ARP); a frame that cannot leave is dropped by reason. */
uint16_t wf_tnl_tx(struct wf_port *p, struct wf_txctx *tx, struct rte_mbuf **pkts, uint16_t n);

#endif
