/* The learning switch fast path (see switch.h). */
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "core/output.h"
#include "l2/switch.h"
#include "ofp/ofp.h"

/* Sends 'm' to every port of the bridge in its VLAN but 'in'. The last one gets 'm' itself,
 * the others a copy (egress tagging differs per port, so frames cannot be shared). Frames
 * from a tunnel are not flooded to other tunnels. */
static void flood(struct wf_thread *t, const struct wf_snap *s, const struct wf_snap_bridge *b,
                  uint16_t in, struct rte_mbuf *m, const struct wf_vlan_meta *meta)
{
	uint16_t last = WF_PORT_NONE;
	bool from_tunnel = s->ports[in].tnl != NULL;

	for (uint16_t i = 0; i < b->n_ports; i++) {
		uint16_t out = b->ports[i];
		if (out == in || !wf_vlan_member(s->ports[out].vlan, meta->vlan))
			continue;
		if (from_tunnel && s->ports[out].tnl)
			continue; /* split horizon: full-mesh overlay */
		if (last != WF_PORT_NONE) {
			struct rte_mbuf *c = rte_pktmbuf_copy(m, t->pool, 0, UINT32_MAX);
			if (c)
				wf_output(t, s, last, c, meta);
			else
				wf_drop_count(t, s->ports[last].port, WF_DROP_NO_MBUF);
		}
		last = out;
	}
	if (last == WF_PORT_NONE) {
		wf_drop(t, s->ports[in].port, WF_DROP_NO_OUTPUT, m);
		return;
	}
	b->br->ctr[t->slot].flooded++;
	wf_output(t, s, last, m, meta);
}

/* NORMAL over a burst; 'input': the frames were just received (count them on the port and
 * on the default flow) and are flushed at the end, else they come from a flow's NORMAL
 * action (counted already; the flow stage flushes). */
static inline __attribute__((always_inline)) void l2_forward(struct wf_thread *t,
                                                             const struct wf_snap *s, uint16_t in,
                                                             struct rte_mbuf **pkts, uint16_t n,
                                                             bool input)
{
	const struct wf_snap_port *ip = &s->ports[in];
	struct wf_port_ctr *ic = &ip->port->ctr[t->slot];
	const struct wf_snap_bridge *b = &s->bridges[ip->bridge];
	struct wf_vlan_meta meta[WF_BURST];
	struct rte_mbuf *fwd[WF_BURST];
	const uint8_t *dst[WF_BURST];
	uint16_t vlans[WF_BURST], outs[WF_BURST], k = 0;
	uint64_t bytes = 0;

	/* Stage 1: ingress — count, validate, classify into a VLAN, untag. */
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		bytes += rte_pktmbuf_pkt_len(m);
		enum wf_drop r = wf_vlan_ingress(ip->vlan, m, &meta[k]);
		if (r != WF_DROP_NONE) {
			wf_drop(t, ip->port, r, m);
			continue;
		}
		const struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
		if (rte_is_multicast_ether_addr(&eh->src_addr)) {
			wf_drop(t, ip->port, WF_DROP_SRC_MULTICAST, m);
			continue;
		}
		fwd[k] = m;
		vlans[k] = meta[k].vlan;
		dst[k] = eh->dst_addr.addr_bytes;
		k++;
	}
	if (input) {
		ic->rx_packets += n;
		ic->rx_bytes += bytes;
		if (b->normal_ctr) {
			struct wf_ofp_tbl_ctr *t0 = &b->normal_tctr[t->slot].t[0];
			WF_OFP_CTR(b->normal_ctr, t->slot).packets += n;
			WF_OFP_CTR(b->normal_ctr, t->slot).bytes += bytes;
			t0->lookups += n;
			t0->matched += n;
		}
	}

	/* Stage 2: learn sources; a burst from one VM mostly repeats one source. */
	const uint8_t *prev_src = NULL;
	uint16_t prev_vlan = 0;
	for (uint16_t i = 0; i < k; i++) {
		const uint8_t *src = dst[i] + RTE_ETHER_ADDR_LEN;
		if (prev_src && prev_vlan == vlans[i] && memcmp(prev_src, src, 6) == 0)
			continue;
		wf_fdb_learn(b->fdb, vlans[i], src, in, t->now);
		prev_src = src;
		prev_vlan = vlans[i];
	}

	/* Stage 3: destination lookup, in bulk. */
	wf_fdb_lookup_bulk(b->fdb, vlans, dst, k, t->now, outs);

	/* Stage 4: output — unicast to a live member port, else flood. */
	for (uint16_t i = 0; i < k; i++) {
		uint16_t out = outs[i];
		if (dst[i][0] & 1)
			out = WF_PORT_NONE; /* broadcast and multicast always flood */
		if (out != WF_PORT_NONE && (out >= WF_MAX_PORTS || !s->ports[out].port ||
		                            s->ports[out].bridge != ip->bridge ||
		                            !wf_vlan_member(s->ports[out].vlan, vlans[i])))
			out = WF_PORT_NONE; /* stale entry: the port left or changed VLANs */
		if (out == in) {
			wf_drop(t, ip->port, WF_DROP_SAME_PORT, fwd[i]);
		} else if (out != WF_PORT_NONE) {
			b->br->ctr[t->slot].forwarded++;
			wf_output(t, s, out, fwd[i], &meta[i]);
		} else {
			flood(t, s, b, in, fwd[i], &meta[i]);
		}
	}
	if (input)
		wf_flush(t, s);
}

void wf_l2_input(struct wf_thread *t, const struct wf_snap *s, uint16_t in, struct rte_mbuf **pkts,
                 uint16_t n)
{
	l2_forward(t, s, in, pkts, n, true);
}

void wf_l2_normal(struct wf_thread *t, const struct wf_snap *s, uint16_t in, struct rte_mbuf **pkts,
                  uint16_t n)
{
	l2_forward(t, s, in, pkts, n, false);
}
