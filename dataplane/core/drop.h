/* Drop reasons of the dataplane: ONE list, one counter array per port per thread, one drop
 * function (wf_drop(), core/output.h). Every stage of every bridge kind counts its drops here.
 *
 * enum wf_drop is the dataplane's own list, WF_DROP_REASONS(_), followed by one reason per
 * outcome of the DPDK-free vxlan library (VX_REASONS in vxlan/vx_reason.h, which keeps its own
 * X-macro so that it stays usable without the dataplane). Entries of WF_DROP_REASONS are
 * _(SYM, "name", "description", ingress):
 *   - the enum value is WF_DROP_<SYM> (WF_DROP_NONE = 0 is "not dropped");
 *   - the counter users see is "drop_<name>" (stats, docs/control-rpc.md); the vxlan ones are
 *     "drop_vx_<vx name>";
 *   - ingress reasons are counted on the port a frame arrived on and add to rx_dropped, the
 *     others on the port it was to leave by and add to tx_dropped. */
#ifndef WF_DROP_H
#define WF_DROP_H

#include "vx_reason.h"

#define WF_DROP_REASONS(_)                                                                         \
	_(RUNT, "runt", "frame shorter than an Ethernet header (14 bytes)", 1)                     \
	_(VLAN_TRUNCATED, "vlan_truncated", "802.1Q ethertype but no room for the tag (18 bytes)", \
	  1)                                                                                       \
	_(VLAN_NOT_ALLOWED, "vlan_not_allowed", "VLAN not allowed on the ingress port", 1)         \
	_(SRC_MULTICAST, "src_multicast", "multicast or broadcast source MAC", 1)                  \
	_(SAME_PORT, "same_port", "destination learned on the ingress port (no hairpin)", 1)       \
	_(NO_OUTPUT, "no_output", "flood found no other port in the VLAN", 1)                      \
	_(NO_MBUF, "no_mbuf", "no buffer to copy or tag a frame on its way out", 0)                \
	_(RX_NO_BUF, "rx_no_buf", "received frame too big or too fragmented to validate", 1)       \
	_(RX_TRUNCATED, "rx_truncated",                                                            \
	  "IP packet longer than the frame the port received (a GSO frame cut by af_packet)", 1)   \
	_(TX_QUEUE_FULL, "tx_queue_full", "transmit queue full", 0)                                \
	_(LINK_DOWN, "link_down", "output port link is down", 0)                                   \
	_(NOT_FOR_US, "not_for_us", "underlay frame not for our VTEP (MAC, IP or protocol)", 1)    \
	_(OTHER_TO_US, "other_to_us",                                                              \
	  "underlay packet to our tunnel IP that is not VXLAN/ARP/ping", 1)                        \
	_(UNKNOWN_TUNNEL, "unknown_tunnel",                                                        \
	  "VXLAN from a remote_ip no tunnel port of the VNI has", 1)                               \
	_(NEIGH_UNRESOLVED, "neigh_unresolved", "next hop of the tunnel not resolved by ARP yet",  \
	  0)                                                                                       \
	_(NO_UNDERLAY, "no_underlay", "no underlay bridge reaches the tunnel's remote_ip", 0)      \
	_(NO_FLOW, "no_flow", "no flow of table 0 matched (table miss)", 1)                        \
	_(FLOW_DROP, "flow_drop", "the flow's actions sent the frame nowhere (drop)", 1)           \
	_(RESUBMIT_DEPTH, "resubmit_depth",                                                        \
	  "resubmit/goto_table nested deeper than WF_OFP_MAX_DEPTH (64)", 1)

enum wf_drop {
	WF_DROP_NONE = 0,
#define WF_DROP_ENUM(sym, name, descr, ingress) WF_DROP_##sym,
	WF_DROP_REASONS(WF_DROP_ENUM)
#undef WF_DROP_ENUM
#define WF_DROP_VX_ENUM(sym, name, descr) WF_DROP_VX_##sym,
	    VX_REASONS(WF_DROP_VX_ENUM)
#undef WF_DROP_VX_ENUM
	        WF_DROP_MAX
};

/* The drop reason of a vxlan library outcome (r != VX_R_OK). */
static inline enum wf_drop wf_drop_vx(enum vx_reason r)
{
	return (enum wf_drop)(WF_DROP_VX_OK + r);
}

/* "runt", ..., "vx_trunc_eth", ...; NULL for WF_DROP_NONE, WF_DROP_VX_OK and out of range:
 * those are not counters. */
const char *wf_drop_name(enum wf_drop);
/* The one-line description of a reason (its list entry); "" when it has none. */
const char *wf_drop_descr(enum wf_drop);
/* True for reasons counted on the ingress port (rx_dropped), false for egress (tx_dropped). */
int wf_drop_is_ingress(enum wf_drop);

#endif
