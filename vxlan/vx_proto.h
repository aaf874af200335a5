/* vx_proto.h: wire layouts used by the vxlan library.
 *
 * Every struct here is packed and describes bytes on the wire: multi-byte fields are in network
 * byte order (convert with ntohs/ntohl/htons/htonl) and may be unaligned (the packed attribute
 * makes the compiler emit safe accesses). Nothing here allocates or keeps state.
 *
 * One VXLAN frame on the underlay (RFC 7348 over IPv4), as vx_encap() writes it. Offsets are in
 * bytes from the start of the frame; the outer part is always VX_ENCAP_LEN = 50 bytes because the
 * library never writes IPv4 options nor an outer VLAN tag:
 *
 *  off 0              14                  34             42             50
 *      +--------------+-------------------+--------------+--------------+--------------------+
 *      | outer Eth    | outer IPv4        | outer UDP    | VXLAN header | inner Ethernet     |
 *      | dst MAC (6)  | 0x45, tos, len,   | sport (flow  | flags 0x08,  | frame, FCS not     |
 *      | src MAC (6)  | id, DF|0, ttl,    |  hash), dport| VNI          | included           |
 *      | type 0x0800  | proto 17, cksum,  | 4789, len,   |              |                    |
 *      |              | src IP, dst IP    | cksum 0      |              |                    |
 *      +--------------+-------------------+--------------+--------------+--------------------+
 *      |<------------------------- VX_ENCAP_LEN (50) ------------------>|<--- inner_len ---->|
 *
 * The VXLAN header itself, 8 bytes (bit 0 is the most significant bit of byte 0):
 *
 *       bit: 0   1   2   3   4   5   6   7   8                                             31
 *          +---+---+---+---+---+---+---+---+-----------------------------------------------+
 *   byte 0 | r | r | r | r | I | r | r | r |        reserved, 24 bits (bytes 1..3)         |
 *          +---+---+---+---+---+---+---+---+-----------------------+-----------------------+
 *   byte 4 |     VNI: VXLAN network identifier, 24 bits (bytes 4..6)      | reserved (7)  |
 *          +---------------------------------------------------------------+---------------+
 *
 *   I = 1 (0x08 in byte 0) says the VNI is valid and must be set; every "r" bit and reserved
 *   byte is sent as zero and ignored on receipt (RFC 7348 section 5).
 *
 * Outer UDP: destination port 4789 (IANA) unless configured otherwise; source port chosen from a
 * hash of the inner flow, within 49152..65535 by default, so that underlay ECMP/RSS spreads
 * flows; checksum sent as zero (allowed for VXLAN over IPv4).
 */
#ifndef VX_PROTO_H
#define VX_PROTO_H

#include <stdint.h>

#define VX_ETH_ALEN       6
#define VX_ETH_HLEN       14 /* dst, src, ethertype */
#define VX_ETHERTYPE_IP   0x0800
#define VX_ETHERTYPE_ARP  0x0806
#define VX_ETHERTYPE_VLAN 0x8100
#define VX_ETHERTYPE_QINQ 0x88a8
#define VX_ETHERTYPE_IPV6 0x86dd

#define VX_IPV4_HLEN       20 /* without options: the only form the library writes or accepts */
#define VX_IPV4_VER_IHL    0x45
#define VX_IPV4_DF         0x4000 /* in frag_off (host order) */
#define VX_IPV4_MF         0x2000
#define VX_IPV4_OFF_MASK   0x1fff
#define VX_IPPROTO_ICMP    1
#define VX_IPPROTO_TCP     6
#define VX_IPPROTO_UDP     17
#define VX_IPPROTO_SCTP    132
#define VX_UDP_HLEN        8
#define VX_VXLAN_HLEN      8
#define VX_VXLAN_FLAG_I    0x08
#define VX_ARP_HLEN        28                          /* Ethernet/IPv4 ARP body */
#define VX_ARP_FRAME_LEN   (VX_ETH_HLEN + VX_ARP_HLEN) /* 42, before any padding to 60 */
#define VX_ARP_OP_REQUEST  1
#define VX_ARP_OP_REPLY    2
#define VX_ICMP_HLEN       8
#define VX_ICMP_ECHO_REPLY 0
#define VX_ICMP_ECHO       8

struct vx_eth_hdr {
	uint8_t dst[VX_ETH_ALEN];
	uint8_t src[VX_ETH_ALEN];
	uint16_t type;
} __attribute__((packed));

struct vx_ipv4_hdr {
	uint8_t ver_ihl; /* version << 4 | header length in 32-bit words */
	uint8_t tos;
	uint16_t total_len; /* header + payload, bytes */
	uint16_t id;
	uint16_t frag_off; /* flags (DF, MF) and fragment offset in 8-byte units */
	uint8_t ttl;
	uint8_t proto;
	uint16_t cksum;
	uint32_t src;
	uint32_t dst;
} __attribute__((packed));

struct vx_udp_hdr {
	uint16_t sport;
	uint16_t dport;
	uint16_t len; /* header + payload, bytes */
	uint16_t cksum;
} __attribute__((packed));

struct vx_vxlan_hdr {
	uint8_t flags; /* VX_VXLAN_FLAG_I */
	uint8_t rsvd0[3];
	uint32_t vni_rsvd; /* VNI << 8 | reserved byte */
} __attribute__((packed));

/* The 50 bytes vx_encap() writes in front of the inner frame. */
struct vx_outer_hdr {
	struct vx_eth_hdr eth;
	struct vx_ipv4_hdr ip;
	struct vx_udp_hdr udp;
	struct vx_vxlan_hdr vxlan;
} __attribute__((packed));

/* ARP for Ethernet hardware and IPv4 protocol addresses (RFC 826). */
struct vx_arp_hdr {
	uint16_t htype; /* 1 = Ethernet */
	uint16_t ptype; /* 0x0800 = IPv4 */
	uint8_t hlen;   /* 6 */
	uint8_t plen;   /* 4 */
	uint16_t op;    /* VX_ARP_OP_* */
	uint8_t sha[VX_ETH_ALEN];
	uint32_t spa;
	uint8_t tha[VX_ETH_ALEN];
	uint32_t tpa;
} __attribute__((packed));

/* ICMP echo request/reply header (RFC 792). */
struct vx_icmp_hdr {
	uint8_t type;
	uint8_t code;
	uint16_t cksum;
	uint16_t id;
	uint16_t seq;
} __attribute__((packed));

#define VX_ENCAP_LEN 50

_Static_assert(sizeof(struct vx_eth_hdr) == VX_ETH_HLEN, "eth");
_Static_assert(sizeof(struct vx_ipv4_hdr) == VX_IPV4_HLEN, "ipv4");
_Static_assert(sizeof(struct vx_udp_hdr) == VX_UDP_HLEN, "udp");
_Static_assert(sizeof(struct vx_vxlan_hdr) == VX_VXLAN_HLEN, "vxlan");
_Static_assert(sizeof(struct vx_outer_hdr) == VX_ENCAP_LEN, "outer");
_Static_assert(sizeof(struct vx_arp_hdr) == VX_ARP_HLEN, "arp");
_Static_assert(sizeof(struct vx_icmp_hdr) == VX_ICMP_HLEN, "icmp");

#endif
