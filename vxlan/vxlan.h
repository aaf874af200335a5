/* vxlan.h: VXLAN (RFC 7348) encapsulation, decapsulation and VTEP helpers for weft.
 *
 * A plain C library with no DPDK dependency: every function works on contiguous byte buffers
 * (uint8_t *, length), so it is unit-tested without the EAL; the dataplane wraps it around
 * rte_mbuf (rte_pktmbuf_prepend() before vx_encap(), rte_pktmbuf_adj()/trim() after vx_decap()).
 * Wire layouts, with the header diagram, are in vx_proto.h; outcome reasons in vx_reason.h.
 *
 * Conventions used by every function below:
 *  - IPv4 addresses are uint32_t in NETWORK byte order (as struct in_addr.s_addr, or as read
 *    straight from a packet). UDP ports, VNIs, lengths, MTUs and ids are in host byte order.
 *  - Nothing allocates, blocks or takes locks except the control-side VNI table functions.
 *  - Buffers are owned by the caller; the library never keeps a pointer to them after returning.
 *    Functions never read or write outside [buf, buf + len) (plus, for vx_encap(), the 50 bytes
 *    the caller reserved).
 *  - There is no global state: every function is thread-safe as long as two threads do not write
 *    the same object (struct vx_tunnel and struct vx_vtep are read-only after init and may be
 *    shared by every PMD; VNI tables are immutable, see below).
 *  - Fast-path functions (vx_encap, vx_decap, vx_classify, vx_flow_hash, vx_vni_lookup) return a
 *    value or an enum vx_reason; control functions return 0 or -errno (or NULL with errno set).
 */
#ifndef VXLAN_H
#define VXLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "vx_proto.h"
#include "vx_reason.h"

#define VX_UDP_PORT    4789 /* IANA VXLAN port */
#define VX_DEFAULT_TTL 64
#define VX_DEFAULT_MTU 1500  /* underlay IP MTU */
#define VX_SPORT_MIN   49152 /* RFC 7348 section 5 recommended source port range */
#define VX_SPORT_MAX   65535
#define VX_VNI_MAX     0xffffff
#define VX_MIN_MTU     68 /* smallest IPv4 MTU (RFC 791) */
/* Bytes of the outer IPv4 packet that are not the inner frame: IPv4 + UDP + VXLAN headers. */
#define VX_IP_OVERHEAD (VX_IPV4_HLEN + VX_UDP_HLEN + VX_VXLAN_HLEN) /* 36 */

/* ---------------------------------------------------------------------------------------------
 * Transmit: per-tunnel template, built once at configuration time.
 */

/* Configuration of one remote tunnel endpoint, as seen from this host. */
struct vx_tunnel_params {
	uint8_t src_mac[VX_ETH_ALEN]; /* outer source: our underlay port MAC (unicast) */
	uint8_t dst_mac[VX_ETH_ALEN]; /* outer destination: next hop (remote VTEP or gateway) MAC,
	                               * resolved by the caller (vx_arp_build_request()) */
	uint32_t src_ip;              /* our tunnel address (network order), unicast */
	uint32_t dst_ip;              /* remote VTEP address (network order), not 0/broadcast */
	uint16_t dst_port;            /* UDP destination port, default VX_UDP_PORT, not 0 */
	uint32_t vni;                 /* 0..VX_VNI_MAX */
	uint8_t ttl;                  /* outer TTL, default VX_DEFAULT_TTL, not 0 */
	uint8_t tos;                  /* outer TOS/DSCP byte, default 0 */
	bool df;                      /* set the outer Don't Fragment bit (default true) */
	uint16_t sport_min;           /* UDP source port range, default 49152..65535, */
	uint16_t sport_max;           /*   1 <= sport_min <= sport_max */
	uint16_t mtu;                 /* underlay IP MTU, VX_MIN_MTU..65535, default 1500 */
	bool ip_cksum_offload;        /* the port computes the outer IPv4 checksum: vx_encap()
	                               * leaves it 0 and returns VX_TX_F_IP_CKSUM */
};

/* Flags returned by vx_encap(): what the caller must ask the port to do. With DPDK:
 * VX_TX_F_IP_CKSUM -> m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM,
 * m->l2_len = VX_ETH_HLEN, m->l3_len = VX_IPV4_HLEN. */
#define VX_TX_F_IP_CKSUM 0x1u

/* A precomputed outer header. Fields are private: set them only with vx_tunnel_init(); it may be
 * embedded in the caller's structures (no allocation). Read-only after init, so any number of
 * threads may use one template at once. To change a tunnel, build a new template and publish it
 * (e.g. by RCU); there is nothing to free. */
struct vx_tunnel {
	uint8_t hdr[VX_ENCAP_LEN]; /* outer headers; length, id, checksums and sport are zero */
	uint16_t sport_min;
	uint32_t sport_range;           /* sport_max - sport_min + 1 */
	uint32_t ip_sum;                /* ones' complement sum of the template IPv4 header words */
	uint16_t cksum_mask;            /* 0xffff: software IPv4 checksum; 0: offloaded */
	uint32_t tx_flags;              /* VX_TX_F_* returned by vx_encap() */
	uint32_t max_inner_len;         /* mtu - VX_IP_OVERHEAD */
	struct vx_tunnel_params params; /* copy, for display */
};

/* Fills 'p' with the defaults (zero addresses/MACs/VNI, port 4789, TTL 64, DF, source ports
 * 49152..65535, MTU 1500, software checksum). */
void vx_tunnel_params_init(struct vx_tunnel_params *p);

/* Validates 'p' and builds the template into 't'. Returns 0, or -EINVAL if a field is out of the
 * range documented above (then 't' is unchanged). */
int vx_tunnel_init(struct vx_tunnel *t, const struct vx_tunnel_params *p);

/* MTU rule: the outer IPv4 packet (inner frame + 36 bytes) must fit the underlay IP MTU, so the
 * largest inner frame (inner Ethernet header and any inner VLAN tag included, FCS excluded) is
 * mtu - 36; for an untagged inner frame that is an inner IP MTU of mtu - 50 (the "50 bytes of
 * VXLAN overhead": 1450 for a 1500 underlay). Returns VX_R_OK or VX_R_TOO_BIG. */
enum vx_reason vx_mtu_check(const struct vx_tunnel *t, uint32_t inner_len);

/* Largest inner frame length vx_encap() accepts for this tunnel (mtu - 36). */
uint32_t vx_tunnel_max_inner_len(const struct vx_tunnel *t);

/* Hash of the inner flow, for the outer UDP source port (and nothing else: not stable across
 * versions). Reads the inner frame at 'frame' (len bytes, never beyond): for IPv4/IPv6 (after up
 * to two VLAN tags) it hashes the addresses, the protocol and, for unfragmented TCP/UDP/SCTP,
 * the ports; for other frames the MAC addresses and ethertype. The same flow always gives the
 * same value; any byte string is accepted. */
uint32_t vx_flow_hash(const uint8_t *frame, uint32_t len);

/* UDP source port for a flow hash: uniform over [sport_min, sport_max], no division. */
uint16_t vx_src_port(const struct vx_tunnel *t, uint32_t flow_hash);

/* Writes the VX_ENCAP_LEN-byte outer header at 'outer', for an inner frame of 'inner_len' bytes
 * that the caller has placed (or will place) right after it, at outer + VX_ENCAP_LEN. Only the
 * total length and id, IPv4 checksum, UDP source port and UDP length are computed per packet;
 * the UDP checksum is 0. 'flow_hash' is vx_flow_hash() of the inner frame, or any other per-flow
 * hash the caller has (e.g. the RSS hash). 'ip_id' is the outer IPv4 identification: with DF set
 * any value is fine (RFC 6864), else the caller should send a per-PMD counter.
 * Precondition: 'outer' has VX_ENCAP_LEN writable bytes (the caller guarantees the headroom:
 * with an mbuf, outer = rte_pktmbuf_prepend(m, VX_ENCAP_LEN), inner_len = old pkt_len).
 * Returns the VX_TX_F_* flags (>= 0) the caller must apply, or -EMSGSIZE when
 * inner_len > vx_tunnel_max_inner_len(t) (nothing written; count it as VX_R_TOO_BIG).
 * The inner frame is neither read nor modified. */
int vx_encap(const struct vx_tunnel *t, uint8_t *outer, uint32_t inner_len, uint32_t flow_hash,
             uint16_t ip_id);

/* ---------------------------------------------------------------------------------------------
 * Receive: local VTEP identity, classification of underlay frames, decapsulation.
 */

/* Our side of the underlay: one per underlay port/tunnel address. Build with vx_vtep_init();
 * read-only afterwards, shareable by every thread. */
struct vx_vtep {
	uint8_t mac[VX_ETH_ALEN]; /* our underlay port MAC */
	uint32_t ip;              /* our tunnel address (network order) */
	uint16_t udp_port;        /* VXLAN UDP port we listen on (host order) */
};

/* 0, or -EINVAL if 'mac' is multicast or zero, 'ip' is 0, multicast or broadcast, or 'udp_port'
 * is 0 (then 'v' is unchanged). */
int vx_vtep_init(struct vx_vtep *v, const uint8_t mac[VX_ETH_ALEN], uint32_t ip, uint16_t udp_port);

/* What an underlay frame is, for dispatch by the dataplane. */
enum vx_class {
	VX_CLASS_VXLAN,       /* give it to vx_decap() (which names the reason if it is bad) */
	VX_CLASS_ARP,         /* ARP request or reply whose target IP is our address */
	VX_CLASS_ICMP_ECHO,   /* ICMP echo request to our address: vx_icmp_echo_reply() */
	VX_CLASS_OTHER_TO_US, /* any other IPv4 packet to our address (drop, count) */
	VX_CLASS_NOT_FOR_US,  /* anything else (drop, count) */
	VX_CLASS__COUNT
};

/* Dispatches an underlay frame, looking at as few bytes as possible (no checksum checks):
 *  - shorter than 14 bytes, or Ethernet destination neither our MAC nor broadcast: NOT_FOR_US;
 *  - ARP (Ethernet/IPv4, request or reply) whose target IP is v->ip: ARP; other ARP: NOT_FOR_US;
 *  - any other non-IPv4 ethertype: NOT_FOR_US;
 *  - IPv4 whose destination is readable and is not v->ip: NOT_FOR_US;
 *  - IPv4 to v->ip: unfragmented ICMP type 8 code 0: ICMP_ECHO; other ICMP: OTHER_TO_US;
 *    UDP to a port other than v->udp_port (first fragment or unfragmented): OTHER_TO_US;
 *    neither UDP nor ICMP: OTHER_TO_US;
 *  - everything else, i.e. UDP to our VXLAN port, UDP fragments to us, and IPv4 frames too
 *    damaged to dispatch (truncated, wrong version, IHL < 5): VXLAN, so that vx_decap() gives
 *    the precise reason.
 * The helpers the classes lead to re-validate everything themselves. */
enum vx_class vx_classify(const struct vx_vtep *v, const uint8_t *frame, uint32_t len);

/* "vxlan", "arp", "icmp_echo", "other_to_us", "not_for_us"; "?" out of range. */
const char *vx_class_name(enum vx_class);

/* Per-packet receive hints, from the port's checksum offload (DPDK: RTE_MBUF_F_RX_IP_CKSUM_GOOD
 * -> VX_RX_F_IP_CKSUM_GOOD, RTE_MBUF_F_RX_L4_CKSUM_GOOD -> VX_RX_F_L4_CKSUM_GOOD). A set flag
 * skips the matching software check; 0 means "verify everything in software". */
#define VX_RX_F_IP_CKSUM_GOOD 0x1u
#define VX_RX_F_L4_CKSUM_GOOD 0x2u
/* Not a port hint but the receiver's policy (RFC 7348 section 5: a receiver MAY verify a
 * non-zero UDP checksum): do not verify it; the inner frame is then looked at as when the
 * checksum is 0 (see vx_decap()). The dataplane's other_config:vxlan-udp-csum=ignore. */
#define VX_RX_F_UDP_CKSUM_SKIP 0x4u
/* Not a hint either: the port hands over frames as a Linux stack left them (a veth read by
 * af_packet or AF_XDP, a capture), so an inner checksum may be partial even when nothing
 * examines the outer one (0, or VX_RX_F_UDP_CKSUM_SKIP): look (see vx_decap()). Without it,
 * e.g. from a NIC, whose frames were complete on the wire, nothing is looked at then. */
#define VX_RX_F_MAYBE_PARTIAL 0x8u

/* Where and what to write to complete a partial TCP/UDP checksum (vx_l4_partial()). */
struct vx_l4_fix {
	uint32_t off;   /* offset of the 16-bit checksum field from the start of the frame */
	uint16_t cksum; /* the completed checksum, network byte order: store it as is */
};

/* vx_rx_info.flags: what vx_decap()'s checksum checks found. */
#define VX_RX_I_OUTER_PARTIAL                                                                      \
	0x1u /* the outer UDP checksum was partial (the sender left it to                          \
	      * a device: field == pseudo-header sum); accepted */
#define VX_RX_I_INNER_PARTIAL                                                                      \
	0x2u /* the inner TCP/UDP checksum is partial: write inner_fix                             \
	      * into the inner frame before forwarding it */

/* What vx_decap() found in a valid frame. */
struct vx_rx_info {
	uint32_t inner_off; /* offset of the inner frame in the buffer (always VX_ENCAP_LEN) */
	uint32_t inner_len; /* inner frame length (from the UDP length: Ethernet padding after the
	                     * outer IPv4 packet is excluded) */
	uint32_t vni;
	uint32_t id;                /* the VNI table's value for 'vni' (bridge/tunnel id) */
	uint32_t remote_ip;         /* outer source address (network order): the remote VTEP */
	uint16_t remote_port;       /* outer UDP source port */
	uint32_t flags;             /* VX_RX_I_* */
	struct vx_l4_fix inner_fix; /* with VX_RX_I_INNER_PARTIAL: offset from the INNER frame */
};

struct vx_vni_table;

/* Validates an underlay frame as VXLAN to us and locates the inner frame. Checks, in order
 * (first failure wins, see vx_reason.h): Ethernet length; ethertype IPv4 (no outer VLAN tag);
 * IPv4 header present, version 4, IHL 5, total length within [20, len - 14] (extra bytes after
 * it are Ethernet padding and ignored), header checksum (skipped with VX_RX_F_IP_CKSUM_GOOD),
 * not a fragment, TTL != 0, destination == v->ip, protocol UDP; UDP header present, UDP length
 * == IPv4 payload length, destination port == v->udp_port; UDP checksum: 0 is accepted
 * (RFC 7348), a non-zero one is verified (unless VX_RX_F_L4_CKSUM_GOOD or
 * VX_RX_F_UDP_CKSUM_SKIP) and a wrong one is VX_R_BAD_UDP_CKSUM, except for the two shapes
 * a Linux sender with checksum offload leaves on a software device (CHECKSUM_PARTIAL):
 *   - the outer field is partial (vx_udp4_partial()): accepted, VX_RX_I_OUTER_PARTIAL (the
 *     sender computed nothing, so there is nothing to verify against);
 *   - the inner TCP/UDP checksum is partial and the outer one is right once the inner one is
 *     completed (Linux's local checksum offload, RFC 7348 senders with udpcsum): accepted,
 *     VX_RX_I_INNER_PARTIAL with inner_fix;
 * when the outer checksum is 0 or not verified (VX_RX_F_UDP_CKSUM_SKIP) and the caller passed
 * VX_RX_F_MAYBE_PARTIAL, the inner frame is checked with vx_l4_partial() (a header parse; the
 * L4 bytes are summed only when partial) and VX_RX_I_INNER_PARTIAL set if it is partial; VXLAN
 * header present, I flag set (reserved bits and bytes are ignored as RFC 7348 says); inner frame >=
 * 14 bytes; VNI present in 'vnis' (NULL = empty table). Source address and port are not checked
 * (any remote VTEP may send), nor is the Ethernet destination (vx_classify() does that). 'frame'
 * must hold the whole frame contiguously (the UDP checksum covers all of it); never reads past
 * frame + len; never writes to the frame. Fills '*out' on VX_R_OK, and on VX_R_UNKNOWN_VNI
 * too (id = VX_VNI_ID_NONE: the frame is valid but no VNI-table entry claims it; a caller with
 * catch-all tunnels, e.g. OVS's options:key=flow, may still take it). With an mbuf:
 * rte_pktmbuf_adj(m, out->inner_off), then trim to out->inner_len. */
enum vx_reason vx_decap(const struct vx_vtep *v, const struct vx_vni_table *vnis,
                        const uint8_t *frame, uint32_t len, uint32_t rx_flags,
                        struct vx_rx_info *out);

/* ---------------------------------------------------------------------------------------------
 * VNI table: VNI -> id (bridge or tunnel index, opaque to the library).
 *
 * Contract: a table is immutable once created. The control thread builds a new table (create,
 * or set/del which return a modified copy), publishes the pointer (atomic store with release
 * order, or rcu_assign), and destroys the old one after an RCU grace period (rte_rcu_qsbr), when
 * no PMD can still hold it. PMDs load the pointer (acquire) once per burst and call
 * vx_vni_lookup() on it without any lock: reads never wait and never see a partial table.
 * Entries are kept sorted by VNI; lookup is a binary search (O(log n), no allocation).
 */

#define VX_VNI_ID_NONE   UINT32_MAX /* lookup miss; not a valid id */
#define VX_VNI_TABLE_MAX 65536      /* entries per table */

struct vx_vni_entry {
	uint32_t vni; /* 0..VX_VNI_MAX */
	uint32_t id;  /* anything but VX_VNI_ID_NONE */
};

/* New table holding a copy of 'entries' (any order; n_entries may be 0). Returns NULL with errno
 * EINVAL (VNI or id out of range, n_entries > VX_VNI_TABLE_MAX, entries NULL with n_entries > 0),
 * EEXIST (same VNI twice) or ENOMEM. Control thread only. */
struct vx_vni_table *vx_vni_table_create(const struct vx_vni_entry *entries, unsigned n_entries);

/* New table = 'old' (NULL = empty) with vni mapped to id (added or replaced). 'old' is not
 * modified. NULL with errno EINVAL, ENOSPC (table full) or ENOMEM. */
struct vx_vni_table *vx_vni_table_set(const struct vx_vni_table *old, uint32_t vni, uint32_t id);

/* New table = 'old' without vni. NULL with errno ENOENT (vni absent) or ENOMEM. */
struct vx_vni_table *vx_vni_table_del(const struct vx_vni_table *old, uint32_t vni);

/* Frees a table (NULL is fine). Only once no reader can hold it (after a grace period). */
void vx_vni_table_destroy(struct vx_vni_table *);

/* The id for 'vni', or VX_VNI_ID_NONE (also when 'vni' > VX_VNI_MAX or 't' is NULL).
 * Any thread, lock-free, on a published table. */
uint32_t vx_vni_lookup(const struct vx_vni_table *t, uint32_t vni);

/* Number of entries (0 for NULL) and the entries, sorted by VNI (valid as long as 't'). */
unsigned vx_vni_table_count(const struct vx_vni_table *t);
const struct vx_vni_entry *vx_vni_table_entries(const struct vx_vni_table *t);

/* ---------------------------------------------------------------------------------------------
 * Underlay services: ARP for our tunnel address, ARP resolution of the next hop, ping.
 * Pure functions on caller buffers; control or PMD threads alike.
 */

/* An Ethernet/IPv4 ARP packet, decoded. Addresses in network order. */
struct vx_arp {
	uint16_t op; /* VX_ARP_OP_REQUEST or VX_ARP_OP_REPLY */
	uint8_t sha[VX_ETH_ALEN];
	uint32_t spa;
	uint8_t tha[VX_ETH_ALEN];
	uint32_t tpa;
};

/* Decodes an ARP frame (Ethernet header included; len >= 42, trailing padding ignored).
 * VX_R_OK, or VX_R_BAD_ARP if truncated, not ethertype 0x0806, not Ethernet/IPv4
 * (htype 1, ptype 0x0800, hlen 6, plen 4), op not request/reply, or sender MAC multicast or
 * zero. A request that parses and targets v->ip always gets a reply from vx_arp_build_reply().
 * Fills '*out' only on VX_R_OK. */
enum vx_reason vx_arp_parse(const uint8_t *frame, uint32_t len, struct vx_arp *out);

/* Writes into 'out' (out_size bytes) the 42-byte ARP reply to 'req' (a request for v->ip):
 * to req->sha, "v->ip is at v->mac". 'out' may be the request's own buffer (decode first, then
 * build in place). Returns 42, -EINVAL if 'req' is not a request for v->ip, -ENOSPC if
 * out_size < 42. The frame is not padded: the port (or caller) pads to 60 bytes if needed. */
int vx_arp_build_reply(const struct vx_vtep *v, const struct vx_arp *req, uint8_t *out,
                       uint32_t out_size);

/* Writes into 'out' a 42-byte broadcast ARP request "who has target_ip, tell v->ip" (used to
 * resolve a remote VTEP or the gateway MAC for vx_tunnel_params.dst_mac). Returns 42, -EINVAL if
 * target_ip is 0/multicast/broadcast, -ENOSPC if out_size < 42. */
int vx_arp_build_request(const struct vx_vtep *v, uint32_t target_ip, uint8_t *out,
                         uint32_t out_size);

/* Turns an ICMP echo request to v->ip into the echo reply, in place: Ethernet addresses swapped
 * (source = v->mac), IPv4 source = v->ip, destination = the requester, TTL 64, id/tos kept,
 * ICMP type 0, both checksums recomputed; payload kept. The request is validated first: IPv4 as
 * in vx_decap() (same reasons, except that the IP checksum is always checked) up to the protocol
 * (not ICMP: VX_R_BAD_ICMP), then a unicast requester (IPv4 source not 0/multicast/broadcast,
 * Ethernet source not multicast), ICMP length >= 8, type 8 code 0 and a valid ICMP checksum
 * (else VX_R_BAD_ICMP). On VX_R_OK, *reply_len = 14 + IPv4 total length (any Ethernet padding
 * after it is left untouched and may be trimmed). On error the frame is not modified. */
enum vx_reason vx_icmp_echo_reply(const struct vx_vtep *v, uint8_t *frame, uint32_t len,
                                  uint32_t *reply_len);

/* ---------------------------------------------------------------------------------------------
 * Internet checksum (RFC 1071), exposed for the dataplane and the tests.
 */

/* Adds 'len' bytes at 'data' to the running ones' complement sum 'sum' (start with 0); the data
 * is taken as big-endian 16-bit words, an odd last byte padded with zero. The result is a 32-bit
 * accumulator in host order; pass it on or to vx_cksum_finish(). Do not chain calls on odd-length
 * pieces other than the last. */
uint32_t vx_cksum_add(uint32_t sum, const void *data, uint32_t len);

/* Folds an accumulator and complements it: the checksum value to store (host order; htons() it).
 * A block with a correct checksum field gives 0 here. */
uint16_t vx_cksum_finish(uint32_t sum);

/* Checksum of a 20-byte IPv4 header (its cksum field taken as is: zero it to compute,
 * keep it to verify, then 0 means valid). Host order. */
uint16_t vx_ipv4_cksum(const struct vx_ipv4_hdr *ip);

/* UDP checksum over the IPv4 pseudo-header and 'udp_len' bytes at 'udp' (cksum field taken as is,
 * like vx_ipv4_cksum(); a valid datagram gives 0). Host order. On transmit the caller stores
 * 0xffff when this returns 0 (RFC 768); the library itself always sends 0. */
uint16_t vx_udp4_cksum(const struct vx_ipv4_hdr *ip, const void *udp, uint32_t udp_len);

/* Partial checksums (vx_l4cksum.c). A Linux sender that offloads checksums leaves in the TCP or
 * UDP checksum field the folded, uncomplemented pseudo-header sum for the device to complete;
 * read before any device (af_packet or AF_XDP on a veth, libpcap), the frame carries it.
 *
 * vx_l4_partial(): whether Ethernet frame 'frame' (up to two VLAN tags; IPv4 not fragmented,
 * any IHL, or IPv6 with TCP/UDP as the first next header) carries such a partial TCP or UDP
 * checksum:
 *   VX_L4_CSUM_PARTIAL: yes; *fix says where the completed checksum goes (UDP: a computed 0
 *     is given as 0xffff);
 *   VX_L4_CSUM_TRUNCATED: an IPv4/IPv6 packet whose length goes beyond 'len' (e.g. a GSO
 *     super-frame from a veth peer that af_packet cut to its frame size; checked before the
 *     protocol, so any IP packet);
 *   VX_L4_CSUM_NONE: anything else: not IP, not TCP/UDP, a fragment, UDP checksum 0, or any
 *     other field value (a complete checksum, right or wrong, is left to whoever verifies it).
 * *fix is written only for PARTIAL. A right checksum that happens to equal the pseudo-header
 * sum completes to itself. Reads frame[0..len) only, never writes; the L4 bytes are summed
 * only when the field is partial. */
enum vx_l4_csum { VX_L4_CSUM_NONE, VX_L4_CSUM_PARTIAL, VX_L4_CSUM_TRUNCATED };
enum vx_l4_csum vx_l4_partial(const uint8_t *frame, uint32_t len, struct vx_l4_fix *fix);

/* Whether the UDP checksum of 'udp' (udp_len bytes after IPv4 header 'ip') is partial: non-zero
 * and equal to the folded IPv4 pseudo-header sum. Reads the pseudo-header and the field only. */
bool vx_udp4_partial(const struct vx_ipv4_hdr *ip, const void *udp, uint32_t udp_len);

/* Software GSO (vx_gso.c). A Linux sender with TSO on a veth hands its peer TCP super-frames:
 * one IP packet of up to 64 KiB, longer than the MTU, that the device was to cut into segments
 * of 'gso_size' payload bytes. Read with a socket (af_packet), nobody did; vx_gso_plan() and
 * vx_gso_write() cut it as the kernel's GSO would.
 *
 * vx_gso_plan(): parses frame[0..len) — Ethernet (up to two VLAN tags), IPv4 (any IHL, not a
 * fragment) or IPv6 (no extension header), then TCP; or UDP to port 4789 with the VXLAN I flag
 * carrying Ethernet, IPv4/IPv6 and TCP (a kernel VXLAN device's tunnel super-frame) — with
 * every IP and UDP length ending exactly at 'len'. Plans segments of 'mss' payload bytes (the
 * sender's gso_size), fewer if a segment's frame would exceed 'max_frame' bytes:
 *   VX_GSO_OK: *g describes n_segs >= 1 segments (at most VX_GSO_MAX_SEGS);
 *   VX_GSO_NOT_TCP: not IP, not TCP, UDP that is not VXLAN, or IPv6 extension headers;
 *   VX_GSO_BAD: truncated, inconsistent lengths, a fragment, no payload, or fewer than 8
 *     payload bytes per segment;
 *   VX_GSO_TOO_MANY: more than VX_GSO_MAX_SEGS segments.
 * Reads frame[0..len) only.
 *
 * vx_gso_seg_len(): the length of segment i (< n_segs) of a plan.
 * vx_gso_write(): writes segment i of the planned 'frame' into out[0..vx_gso_seg_len(g, i)):
 * the headers, then payload bytes [i * mss, ...), with IPv4 total length, id + i and header
 * checksum, IPv6 payload length, UDP length (and its checksum, when the frame had one or the
 * outer IP is IPv6), TCP sequence number + i * mss, FIN/PSH on the last segment only, CWR on
 * the first only, and a complete TCP checksum. 'out' must not overlap 'frame'. */
#define VX_GSO_MAX_SEGS 64
enum vx_gso_result { VX_GSO_OK, VX_GSO_NOT_TCP, VX_GSO_BAD, VX_GSO_TOO_MANY };
struct vx_gso {
	uint32_t hdr_len;     /* bytes of headers each segment starts with (through TCP's) */
	uint32_t payload_len; /* TCP payload bytes of the super-frame */
	uint32_t mss;         /* payload bytes per segment, the last one may have fewer */
	uint32_t n_segs;
	uint16_t ip_off[2]; /* [0] outer (or only) IP header, [1] inner IP header (tunnel) */
	uint8_t ip_ver[2];  /* 4 or 6 */
	uint8_t n_ip;       /* 1: plain TCP; 2: TCP in VXLAN */
	uint16_t udp_off;   /* the tunnel's UDP header (n_ip == 2) */
	uint16_t tcp_off;
};
enum vx_gso_result vx_gso_plan(const uint8_t *frame, uint32_t len, uint32_t mss, uint32_t max_frame,
                               struct vx_gso *g);
uint32_t vx_gso_seg_len(const struct vx_gso *g, uint32_t i);
void vx_gso_write(const struct vx_gso *g, const uint8_t *frame, uint32_t i, uint8_t *out);

#endif
