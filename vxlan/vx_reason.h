/* vx_reason.h: the one list of outcomes of the vxlan library (X-macro).
 *
 * Each entry is _(NAME, "counter_name", "description"). The enum is enum vx_reason, values
 * VX_R_<NAME>, in list order; VX_R_OK is 0 and VX_R__COUNT is the number of reasons, so the
 * dataplane can keep one counter array indexed by reason and name its counters
 * "drop_vx_<counter_name>" (vx_reason_name()).
 *
 * Receive side (vx_decap(), checked in this order, the first failing check wins):
 *   TRUNC_ETH .. UNKNOWN_VNI
 * Underlay helpers (vx_arp_parse(), vx_icmp_echo_reply()): BAD_ARP, BAD_ICMP, plus the IPv4
 *   reasons above for the ICMP path.
 * Transmit side (vx_mtu_check()): TOO_BIG.
 */
#ifndef VX_REASON_H
#define VX_REASON_H

#define VX_REASONS(_)                                                                              \
	_(OK, "ok", "ok")                                                                          \
	_(TRUNC_ETH, "trunc_eth", "truncated outer Ethernet header")                               \
	_(NOT_IPV4, "not_ipv4", "outer ethertype is not IPv4")                                     \
	_(TRUNC_IPV4, "trunc_ipv4", "truncated outer IPv4 header")                                 \
	_(BAD_IP_VERSION, "bad_ip_version", "outer IP version is not 4")                           \
	_(IP_OPTIONS, "ip_options", "outer IPv4 header has options (IHL != 5)")                    \
	_(BAD_IP_LEN, "bad_ip_len", "outer IPv4 total length below 20 or beyond the buffer")       \
	_(BAD_IP_CKSUM, "bad_ip_cksum", "bad outer IPv4 header checksum")                          \
	_(FRAGMENT, "fragment", "outer IPv4 packet is a fragment (MF or offset set)")              \
	_(TTL_ZERO, "ttl_zero", "outer IPv4 TTL is 0")                                             \
	_(FOREIGN_DST, "foreign_dst", "outer IPv4 destination is not our tunnel address")          \
	_(NOT_UDP, "not_udp", "outer IPv4 protocol is not UDP")                                    \
	_(TRUNC_UDP, "trunc_udp", "IPv4 payload shorter than a UDP header")                        \
	_(BAD_UDP_LEN, "bad_udp_len", "UDP length does not match the IPv4 payload length")         \
	_(WRONG_PORT, "wrong_port", "UDP destination port is not the VXLAN port")                  \
	_(BAD_UDP_CKSUM, "bad_udp_cksum", "non-zero UDP checksum is wrong")                        \
	_(TRUNC_VXLAN, "trunc_vxlan", "UDP payload shorter than a VXLAN header")                   \
	_(NO_I_FLAG, "no_i_flag", "VXLAN flags without the I (valid VNI) bit")                     \
	_(INNER_TOO_SHORT, "inner_too_short", "inner frame shorter than an Ethernet header")       \
	_(UNKNOWN_VNI, "unknown_vni", "VNI not in the VNI table")                                  \
	_(BAD_ARP, "bad_arp", "malformed or unsupported ARP packet")                               \
	_(BAD_ICMP, "bad_icmp", "truncated ICMP, bad ICMP checksum or not an echo request")        \
	_(TOO_BIG, "too_big", "inner frame does not fit the underlay MTU minus the overhead")

enum vx_reason {
#define VX_REASON_ENUM(n, s, d) VX_R_##n,
	VX_REASONS(VX_REASON_ENUM)
#undef VX_REASON_ENUM
	    VX_R__COUNT
};

/* "trunc_eth" etc. (counter suffix); "?" for values out of range. Static strings. */
const char *vx_reason_name(enum vx_reason);
/* One-line human description; "?" for values out of range. Static strings. */
const char *vx_reason_desc(enum vx_reason);

#endif
