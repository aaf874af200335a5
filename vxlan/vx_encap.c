/* vx_encap.c: VXLAN transmit side: per-tunnel template, flow hash, source port, encapsulation. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "vx_priv.h"

#define HASH_SEED 0x77656674u /* "weft" */
#define HASH_MUL  0x9e3779b97f4a7c15ull

void vx_tunnel_params_init(struct vx_tunnel_params *p)
{
	memset(p, 0, sizeof(*p));
	p->dst_port = VX_UDP_PORT;
	p->ttl = VX_DEFAULT_TTL;
	p->df = true;
	p->sport_min = VX_SPORT_MIN;
	p->sport_max = VX_SPORT_MAX;
	p->mtu = VX_DEFAULT_MTU;
}

static int params_check(const struct vx_tunnel_params *p)
{
	if (vx_mac_is_zero(p->src_mac) || (p->src_mac[0] & 1) || vx_mac_is_zero(p->dst_mac))
		return -EINVAL;
	if (p->src_ip == 0 || p->src_ip == INADDR_BROADCAST || vx_ip_is_multicast(p->src_ip))
		return -EINVAL;
	if (p->dst_ip == 0 || p->dst_ip == INADDR_BROADCAST)
		return -EINVAL;
	if (p->dst_port == 0 || p->vni > VX_VNI_MAX || p->ttl == 0)
		return -EINVAL;
	if (p->sport_min == 0 || p->sport_min > p->sport_max || p->mtu < VX_MIN_MTU)
		return -EINVAL;
	return 0;
}

int vx_tunnel_init(struct vx_tunnel *t, const struct vx_tunnel_params *p)
{
	struct vx_tunnel n;
	struct vx_outer_hdr *h = (struct vx_outer_hdr *)n.hdr;
	int ret;

	ret = params_check(p);
	if (ret < 0)
		return ret;
	memset(&n, 0, sizeof(n));
	memcpy(h->eth.dst, p->dst_mac, VX_ETH_ALEN);
	memcpy(h->eth.src, p->src_mac, VX_ETH_ALEN);
	h->eth.type = htons(VX_ETHERTYPE_IP);
	h->ip.ver_ihl = VX_IPV4_VER_IHL;
	h->ip.tos = p->tos;
	h->ip.frag_off = htons(p->df ? VX_IPV4_DF : 0);
	h->ip.ttl = p->ttl;
	h->ip.proto = VX_IPPROTO_UDP;
	h->ip.src = p->src_ip;
	h->ip.dst = p->dst_ip;
	h->udp.dport = htons(p->dst_port);
	h->vxlan.flags = VX_VXLAN_FLAG_I;
	h->vxlan.vni_rsvd = htonl(p->vni << 8);
	/* total_len, id and cksum are zero here: per packet, the checksum is this sum plus them. */
	n.ip_sum = vx_cksum_add(0, &h->ip, sizeof(h->ip));
	n.sport_min = p->sport_min;
	n.sport_range = (uint32_t)p->sport_max - p->sport_min + 1;
	n.cksum_mask = p->ip_cksum_offload ? 0 : 0xffff;
	n.tx_flags = p->ip_cksum_offload ? VX_TX_F_IP_CKSUM : 0;
	n.max_inner_len = (uint32_t)p->mtu - VX_IP_OVERHEAD;
	n.params = *p;
	*t = n;
	return 0;
}

uint32_t vx_tunnel_max_inner_len(const struct vx_tunnel *t)
{
	return t->max_inner_len;
}

enum vx_reason vx_mtu_check(const struct vx_tunnel *t, uint32_t inner_len)
{
	return inner_len > t->max_inner_len ? VX_R_TOO_BIG : VX_R_OK;
}

/* --- flow hash ------------------------------------------------------------------------------ */

static inline uint64_t hash_add(uint64_t h, uint32_t w)
{
	h = (h ^ w) * HASH_MUL;
	return h ^ (h >> 29);
}

static inline uint32_t hash_final(uint64_t h)
{
	uint32_t x = (uint32_t)(h ^ (h >> 32));

	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	x ^= x >> 16;
	return x;
}

static inline uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static inline uint16_t rd16be(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static bool l4_has_ports(uint8_t proto)
{
	return proto == VX_IPPROTO_TCP || proto == VX_IPPROTO_UDP || proto == VX_IPPROTO_SCTP;
}

uint32_t vx_flow_hash(const uint8_t *f, uint32_t len)
{
	uint64_t h = HASH_SEED;
	uint32_t off = 2 * VX_ETH_ALEN;
	uint16_t type;
	int n_tags = 0;

	if (len < VX_ETH_HLEN) {
		for (uint32_t i = 0; i < len; i++)
			h = hash_add(h, f[i]);
		return hash_final(h);
	}
	type = rd16be(f + off);
	while ((type == VX_ETHERTYPE_VLAN || type == VX_ETHERTYPE_QINQ) && n_tags < 2 &&
	       len >= off + 6) {
		h = hash_add(h, rd16be(f + off + 2) & 0x0fff);
		off += 4;
		type = rd16be(f + off);
		n_tags++;
	}
	off += 2; /* start of the L3 header */

	if (type == VX_ETHERTYPE_IP && len >= off + VX_IPV4_HLEN && (f[off] >> 4) == 4) {
		const struct vx_ipv4_hdr *ip = (const void *)(f + off);
		uint32_t ihl = (uint32_t)(ip->ver_ihl & 0xf) * 4;

		if (ihl >= VX_IPV4_HLEN && len >= off + ihl) {
			h = hash_add(h, ip->src);
			h = hash_add(h, ip->dst);
			h = hash_add(h, ip->proto);
			if (!(ntohs(ip->frag_off) & (VX_IPV4_MF | VX_IPV4_OFF_MASK)) &&
			    l4_has_ports(ip->proto) && len >= off + ihl + 4)
				h = hash_add(h, rd32(f + off + ihl));
			return hash_final(h);
		}
	} else if (type == VX_ETHERTYPE_IPV6 && len >= off + 40 && (f[off] >> 4) == 6) {
		uint8_t nh = f[off + 6];

		for (uint32_t i = 8; i < 40; i += 4)
			h = hash_add(h, rd32(f + off + i));
		h = hash_add(h, nh);
		if (l4_has_ports(nh) && len >= off + 44)
			h = hash_add(h, rd32(f + off + 40));
		return hash_final(h);
	}
	/* Not IP (or unparsable): the MAC addresses and the ethertype. */
	for (uint32_t i = 0; i < 12; i += 4)
		h = hash_add(h, rd32(f + i));
	h = hash_add(h, type);
	return hash_final(h);
}

uint16_t vx_src_port(const struct vx_tunnel *t, uint32_t flow_hash)
{
	/* Multiply-shift maps the 32-bit hash onto [0, range) uniformly without a division. */
	return (uint16_t)(t->sport_min + (uint32_t)(((uint64_t)flow_hash * t->sport_range) >> 32));
}

/* --- encapsulation -------------------------------------------------------------------------- */

static inline uint16_t fold32(uint32_t s)
{
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

int vx_encap(const struct vx_tunnel *t, uint8_t *outer, uint32_t inner_len, uint32_t flow_hash,
             uint16_t ip_id)
{
	struct vx_outer_hdr *h = (struct vx_outer_hdr *)outer;
	uint32_t ip_len;
	uint16_t cksum;

	if (__builtin_expect(inner_len > t->max_inner_len, 0))
		return -EMSGSIZE;
	memcpy(outer, t->hdr, VX_ENCAP_LEN);
	ip_len = inner_len + VX_IP_OVERHEAD;
	h->ip.total_len = htons((uint16_t)ip_len);
	h->ip.id = htons(ip_id);
	cksum = (uint16_t)~fold32(t->ip_sum + ip_len + ip_id);
	h->ip.cksum = htons(cksum & t->cksum_mask);
	h->udp.sport = htons(vx_src_port(t, flow_hash));
	h->udp.len = htons((uint16_t)(inner_len + VX_UDP_HLEN + VX_VXLAN_HLEN));
	return (int)t->tx_flags;
}
