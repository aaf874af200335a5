/* Fast path of VXLAN tunnels and underlay bridges (see vtep.h). */
#include <string.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "core/csum.h"
#include "core/output.h"
#include "core/trace.h"
#include "vtep/vtep.h"

/* Drops 'm' for an outcome of the vxlan library. */
static void wf_drop_vxr(struct wf_thread *t, struct wf_port *p, enum vx_reason r,
                        struct rte_mbuf *m)
{
	wf_drop(t, p, wf_drop_vx(r), m);
}

static void vtep_count(struct wf_thread *t, const struct wf_snap_bridge *b, enum wf_vtep_ctr c)
{
	if (likely(!wf_trace_dry(t)))
		b->br->ctr[t->slot].vtep[c]++;
}

/* Trace step of the tunnel layer (t->trace set): kind, port, remote IP, VNI, other port. */
static struct wf_trace_step *trace_tnl(struct wf_thread *t, enum wf_trace_kind k, uint16_t port,
                                       uint32_t remote, uint32_t vni, uint16_t aux)
{
	struct wf_trace_step *st = wf_trace_step(t->trace, k);
	if (st) {
		st->port = port;
		st->u32b = remote;
		st->u32 = vni;
		st->aux = aux;
	}
	return st;
}

/* Pads a reply to the Ethernet minimum, as the wire would. */
static void pad60(struct rte_mbuf *m)
{
	uint32_t len = rte_pktmbuf_pkt_len(m);
	if (len < RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN) {
		char *p = rte_pktmbuf_append(m, RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN - len);
		if (p)
			memset(p, 0, RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN - len);
	}
}

static const struct wf_vlan_meta untagged;

/* Broadcasts an ARP request for 'ip' on every port of underlay bridge 'vb'. */
static void arp_request(struct wf_thread *t, const struct wf_snap *s, uint16_t vb, uint32_t ip)
{
	const struct wf_snap_bridge *b = &s->bridges[vb];
	for (uint16_t i = 0; i < b->n_ports; i++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(t->pool);
		uint8_t *p = m ? (uint8_t *)rte_pktmbuf_append(m, VX_ARP_FRAME_LEN) : NULL;
		if (!p || vx_arp_build_request(&b->vtep->vx, ip, p, VX_ARP_FRAME_LEN) < 0) {
			rte_pktmbuf_free(m);
			wf_drop_count(t, s->ports[b->ports[i]].port, WF_DROP_NO_MBUF);
			continue;
		}
		pad60(m);
		vtep_count(t, b, WF_VTEP_arp_requested);
		wf_output(t, s, b->ports[i], m, &untagged);
	}
}

/* Drops pkts[0..n) for 'reason' on tunnel port 'tp'; they count as dropped by the class. */
static void tnl_drop_all(struct wf_thread *t, struct wf_port *tp, struct wf_txctx *tx,
                         enum wf_drop reason, struct rte_mbuf **pkts, uint16_t n)
{
	for (uint16_t i = 0; i < n; i++) {
		tx->n_dropped++;
		tx->dropped_bytes += rte_pktmbuf_pkt_len(pkts[i]);
		wf_drop(t, tp, reason, pkts[i]);
	}
}

/* Encapsulates 'm' with the template of 'tn' towards next-hop MAC 'mp' (wf_neigh_mac_port)
 * and queues it on 'uplink'; false if it was dropped (counted on the tunnel port 'tp'). */
static bool tnl_encap(struct wf_thread *t, const struct wf_snap *s, const struct wf_tnl *tn,
                      struct wf_port *tp, uint64_t mp, uint16_t uplink, struct rte_mbuf *m)
{
	bool dry = wf_trace_dry(t);
	uint32_t inner_len = rte_pktmbuf_pkt_len(m);
	if (vx_mtu_check(&tn->tmpl, inner_len) != VX_R_OK) {
		wf_drop_vxr(t, tp, VX_R_TOO_BIG, m);
		return false;
	}
	uint32_t hash = vx_flow_hash(rte_pktmbuf_mtod(m, const uint8_t *), rte_pktmbuf_data_len(m));
	uint8_t *outer = (uint8_t *)rte_pktmbuf_prepend(m, VX_ENCAP_LEN);
	if (!outer) {
		wf_drop(t, tp, WF_DROP_NO_MBUF, m);
		return false;
	}
	int flags = vx_encap(&tn->tmpl, outer, inner_len, hash, dry ? t->ip_id : t->ip_id++);
	uint32_t vni = tn->cfg->vni;
	if (tn->cfg->key_flow) { /* the template has VNI 0: the frame's tunnel id instead */
		uint8_t *vh = outer + VX_ETH_HLEN + VX_IPV4_HLEN + VX_UDP_HLEN;
		vni = *wf_tun_id(t, m) & VX_VNI_MAX;
		vh[4] = vni >> 16;
		vh[5] = vni >> 8;
		vh[6] = vni;
	}
	if (flags & VX_TX_F_IP_CKSUM) {
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
		m->l2_len = VX_ETH_HLEN;
		m->l3_len = VX_IPV4_HLEN;
	}
	for (int i = 0; i < 6; i++)
		outer[i] = mp >> (8 * i);
	if (unlikely(t->trace != NULL)) {
		struct wf_trace_step *st =
		    trace_tnl(t, WF_TR_ENCAP, tp->index, tn->cfg->remote_ip, vni, uplink);
		if (st)
			memcpy(st->mac, outer, 6);
	}
	wf_output(t, s, uplink, m, &untagged);
	return true;
}

/* Every frame of a burst goes to the same remote: the underlay, the next hop and the uplink
 * are found once per burst. */
uint16_t wf_tnl_tx(struct wf_port *p, struct wf_txctx *tx, struct rte_mbuf **pkts, uint16_t n)
{
	struct wf_thread *t = tx->t;
	const struct wf_snap *s = tx->s;
	const struct wf_tnl *tn = s->ports[p->index].tnl;
	uint16_t sent = 0;
	bool req = false;

	if (tn->vtep_bridge == WF_PORT_NONE) {
		tnl_drop_all(t, p, tx, WF_DROP_NO_UNDERLAY, pkts, n);
		return 0;
	}
	const struct wf_snap_bridge *vb = &s->bridges[tn->vtep_bridge];
	bool dry = wf_trace_dry(t); /* a dry trace: no request, no neighbour state changed */
	uint64_t mp = dry ? wf_neigh_peek(vb->vtep->neigh, tn->nh, t->now)
	                  : wf_neigh_resolve(vb->vtep->neigh, tn->nh, t->now, &req);
	if (!dry && req)
		arp_request(t, s, tn->vtep_bridge,
		            atomic_load_explicit(&tn->nh->ip, memory_order_relaxed));
	uint16_t uplink = mp ? wf_neigh_port(mp) : WF_PORT_NONE;
	if (!mp || uplink >= WF_MAX_PORTS || !s->ports[uplink].port ||
	    s->ports[uplink].bridge != tn->vtep_bridge) {
		tnl_drop_all(t, p, tx, WF_DROP_NEIGH_UNRESOLVED, pkts, n);
		return 0;
	}
	for (uint16_t i = 0; i < n; i++) {
		uint32_t len = rte_pktmbuf_pkt_len(pkts[i]);
		if (tnl_encap(t, s, tn, p, mp, uplink, pkts[i])) {
			sent++;
		} else {
			tx->n_dropped++;
			tx->dropped_bytes += len;
		}
	}
	if (!dry)
		vb->br->ctr[t->slot].vtep[WF_VTEP_encapsulated] += sent;
	return sent;
}

/* The tunnel port of bridge 'b' for frames from 'remote' with 'vni', or WF_PORT_NONE. */
static uint16_t find_tunnel(const struct wf_snap *s, uint32_t b, uint32_t remote, uint32_t vni)
{
	const struct wf_snap_bridge *sb = &s->bridges[b];
	for (uint16_t i = 0; i < sb->n_ports; i++) {
		const struct wf_tnl *tn = s->ports[sb->ports[i]].tnl;
		if (tn && tn->cfg->remote_ip == remote && tn->cfg->vni == vni)
			return sb->ports[i];
	}
	return WF_PORT_NONE;
}

/* The key=flow tunnel of underlay 'v' whose remote is 'remote', or WF_PORT_NONE. */
static uint16_t flow_tunnel(const struct wf_vtep *v, uint32_t remote)
{
	for (uint16_t i = 0; i < v->n_flow_tnls; i++)
		if (v->flow_tnls[i].remote_ip == remote)
			return v->flow_tnls[i].port;
	return WF_PORT_NONE;
}

/* Decapsulates 'm'; returns the tunnel port it arrived by, or WF_PORT_NONE (dropped). */
static uint16_t decap(struct wf_thread *t, const struct wf_snap *s, const struct wf_snap_bridge *vb,
                      struct wf_port *in, struct rte_mbuf *m, uint32_t *last_key,
                      uint16_t *last_port)
{
	struct vx_rx_info info;
	uint32_t flags = vb->vtep->rx_flags | (in->rx_csum_partial ? VX_RX_F_MAYBE_PARTIAL : 0);

	/* A chained (jumbo) frame is validated on a contiguous copy; the chain is then trimmed
	 * in place, so big frames need no big buffers. */
	uint32_t len = rte_pktmbuf_pkt_len(m);
	const uint8_t *data = rte_pktmbuf_mtod(m, const uint8_t *);
	if (m->nb_segs > 1) {
		if (len > WF_SCRATCH_SIZE) {
			wf_drop(t, in, WF_DROP_RX_NO_BUF, m);
			return WF_PORT_NONE;
		}
		data = rte_pktmbuf_read(m, 0, len, t->scratch);
	}
	if ((m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) == RTE_MBUF_F_RX_IP_CKSUM_GOOD)
		flags |= VX_RX_F_IP_CKSUM_GOOD;
	if ((m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) == RTE_MBUF_F_RX_L4_CKSUM_GOOD)
		flags |= VX_RX_F_L4_CKSUM_GOOD;
	enum vx_reason r = vx_decap(&vb->vtep->vx, s->vnis, data, len, flags, &info);
	uint16_t tp = WF_PORT_NONE;
	if (r == VX_R_UNKNOWN_VNI)
		tp = flow_tunnel(vb->vtep, info.remote_ip);
	if (r != VX_R_OK && tp == WF_PORT_NONE) {
		wf_drop_vxr(t, in, r, m);
		return WF_PORT_NONE;
	}
	if (tp != WF_PORT_NONE)
		*wf_tun_id(t, m) = info.vni; /* a key=flow tunnel: the VNI is the frame's tun_id */
	else if (last_key[0] == info.remote_ip && last_key[1] == info.vni &&
	         *last_port != WF_PORT_NONE)
		tp = *last_port;
	else
		tp = find_tunnel(s, info.id, info.remote_ip, info.vni);
	if (tp == WF_PORT_NONE) {
		wf_drop(t, in, WF_DROP_UNKNOWN_TUNNEL, m);
		return WF_PORT_NONE;
	}
	last_key[0] = info.remote_ip;
	last_key[1] = info.vni;
	*last_port = tp;
	if (!rte_pktmbuf_adj(m, info.inner_off) ||
	    (rte_pktmbuf_pkt_len(m) > info.inner_len &&
	     rte_pktmbuf_trim(m, rte_pktmbuf_pkt_len(m) - info.inner_len) < 0)) {
		wf_drop(t, in, WF_DROP_RX_NO_BUF, m); /* padding split across segments */
		return WF_PORT_NONE;
	}
	m->ol_flags = 0;
	if (info.flags & VX_RX_I_OUTER_PARTIAL)
		vtep_count(t, vb, WF_VTEP_outer_csum_partial);
	if (info.flags & VX_RX_I_INNER_PARTIAL) {
		/* The sender left the inner checksum to a device: complete it, as the device
		 * would have, so that the guest or peer stack that gets the frame accepts it. */
		wf_mbuf_write16(m, info.inner_fix.off, info.inner_fix.cksum);
		vtep_count(t, vb, WF_VTEP_inner_csum_completed);
	}
	vtep_count(t, vb, WF_VTEP_decapsulated);
	if (unlikely(t->trace != NULL))
		trace_tnl(t, WF_TR_DECAP, in->index, info.remote_ip, info.vni, tp);
	return tp;
}

static void arp_input(struct wf_thread *t, const struct wf_snap *s, const struct wf_snap_bridge *vb,
                      uint16_t in, struct rte_mbuf *m)
{
	struct wf_port *ip = s->ports[in].port;
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
	struct vx_arp arp;

	enum vx_reason r = vx_arp_parse(p, rte_pktmbuf_data_len(m), &arp);
	if (r != VX_R_OK) {
		wf_drop_vxr(t, ip, r, m);
		return;
	}
	/* Learn the sender: always from replies and requests addressed to us (like Linux),
	 * except RFC 5227 probes, whose sender address 0.0.0.0 is nothing to learn. */
	if (arp.spa && !wf_trace_dry(t)) {
		wf_neigh_learn(vb->vtep->neigh, arp.spa, arp.sha, in, t->now, true);
		vtep_count(t, vb, WF_VTEP_arp_learned);
	}
	if (arp.op != VX_ARP_OP_REQUEST) {
		rte_pktmbuf_free(m);
		return;
	}
	int len = vx_arp_build_reply(&vb->vtep->vx, &arp, p, rte_pktmbuf_data_len(m));
	if (len < 0) {
		wf_drop_vxr(t, ip, VX_R_BAD_ARP, m);
		return;
	}
	rte_pktmbuf_trim(m, rte_pktmbuf_pkt_len(m) - len);
	pad60(m);
	vtep_count(t, vb, WF_VTEP_arp_replied);
	if (unlikely(t->trace != NULL))
		trace_tnl(t, WF_TR_VTEP, in, arp.spa, 1, 0);
	wf_output(t, s, in, m, &untagged);
}

static void icmp_input(struct wf_thread *t, const struct wf_snap *s,
                       const struct wf_snap_bridge *vb, uint16_t in, struct rte_mbuf *m)
{
	uint32_t len;
	if (m->nb_segs > 1 && rte_pktmbuf_linearize(m) < 0) {
		wf_drop(t, s->ports[in].port, WF_DROP_RX_NO_BUF, m);
		return;
	}
	enum vx_reason r = vx_icmp_echo_reply(&vb->vtep->vx, rte_pktmbuf_mtod(m, uint8_t *),
	                                      rte_pktmbuf_data_len(m), &len);
	if (r != VX_R_OK) {
		wf_drop_vxr(t, s->ports[in].port, r, m);
		return;
	}
	rte_pktmbuf_trim(m, rte_pktmbuf_pkt_len(m) - len);
	pad60(m);
	vtep_count(t, vb, WF_VTEP_icmp_replied);
	if (unlikely(t->trace != NULL))
		trace_tnl(t, WF_TR_VTEP, in, 0, 2, 0);
	wf_output(t, s, in, m, &untagged);
}

/* Hands decapsulated frames to the input stage of their tunnel port's (overlay) bridge. */
static void overlay_input(struct wf_thread *t, const struct wf_snap *s, uint16_t tp,
                          struct rte_mbuf **pkts, uint16_t n)
{
	s->bridges[s->ports[tp].bridge].input(t, s, tp, pkts, n);
}

void wf_vtep_input(struct wf_thread *t, const struct wf_snap *s, uint16_t in,
                   struct rte_mbuf **pkts, uint16_t n)
{
	const struct wf_snap_bridge *vb = &s->bridges[s->ports[in].bridge];
	struct wf_port *ip = s->ports[in].port;
	struct wf_port_ctr *ic = &ip->ctr[t->slot];
	struct rte_mbuf *run[WF_BURST];
	uint16_t run_port = WF_PORT_NONE, n_run = 0, last_port = WF_PORT_NONE;
	uint32_t last_key[2] = {0, UINT32_MAX};

	bool dry = wf_trace_dry(t);
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		if (likely(!dry)) {
			ic->rx_packets++;
			ic->rx_bytes += rte_pktmbuf_pkt_len(m);
		}
		switch (vx_classify(&vb->vtep->vx, rte_pktmbuf_mtod(m, const uint8_t *),
		                    rte_pktmbuf_data_len(m))) {
		case VX_CLASS_VXLAN: {
			uint16_t tp = decap(t, s, vb, ip, m, last_key, &last_port);
			if (tp == WF_PORT_NONE)
				break;
			/* Runs of frames from one tunnel enter the overlay bridge together. */
			if (tp != run_port && n_run) {
				overlay_input(t, s, run_port, run, n_run);
				n_run = 0;
			}
			run_port = tp;
			run[n_run++] = m;
			break;
		}
		case VX_CLASS_ARP:
			arp_input(t, s, vb, in, m);
			break;
		case VX_CLASS_ICMP_ECHO:
			icmp_input(t, s, vb, in, m);
			break;
		case VX_CLASS_OTHER_TO_US:
			wf_drop(t, ip, WF_DROP_OTHER_TO_US, m);
			break;
		default:
			wf_drop(t, ip, WF_DROP_NOT_FOR_US, m);
			break;
		}
	}
	if (n_run)
		overlay_input(t, s, run_port, run, n_run);
	wf_flush(t, s);
}
