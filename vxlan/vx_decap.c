/* vx_decap.c: VXLAN receive side: reason and class names, VTEP identity, classification of
 * underlay frames, validation and decapsulation. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "vx_priv.h"

static const char *const reason_names[] = {
#define VX_REASON_NAME(n, s, d) [VX_R_##n] = s,
    VX_REASONS(VX_REASON_NAME)
#undef VX_REASON_NAME
};

static const char *const reason_descs[] = {
#define VX_REASON_DESC(n, s, d) [VX_R_##n] = d,
    VX_REASONS(VX_REASON_DESC)
#undef VX_REASON_DESC
};

static const char *const class_names[] = {
    [VX_CLASS_VXLAN] = "vxlan",           [VX_CLASS_ARP] = "arp",
    [VX_CLASS_ICMP_ECHO] = "icmp_echo",   [VX_CLASS_OTHER_TO_US] = "other_to_us",
    [VX_CLASS_NOT_FOR_US] = "not_for_us",
};

const char *vx_reason_name(enum vx_reason r)
{
	return (unsigned)r < VX_R__COUNT ? reason_names[r] : "?";
}

const char *vx_reason_desc(enum vx_reason r)
{
	return (unsigned)r < VX_R__COUNT ? reason_descs[r] : "?";
}

const char *vx_class_name(enum vx_class c)
{
	return (unsigned)c < VX_CLASS__COUNT ? class_names[c] : "?";
}

int vx_vtep_init(struct vx_vtep *v, const uint8_t mac[VX_ETH_ALEN], uint32_t ip, uint16_t udp_port)
{
	if (vx_mac_is_zero(mac) || (mac[0] & 1))
		return -EINVAL;
	if (ip == 0 || ip == INADDR_BROADCAST || vx_ip_is_multicast(ip) || udp_port == 0)
		return -EINVAL;
	memset(v, 0, sizeof(*v));
	memcpy(v->mac, mac, VX_ETH_ALEN);
	v->ip = ip;
	v->udp_port = udp_port;
	return 0;
}

static inline uint16_t rd16be(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

enum vx_class vx_classify(const struct vx_vtep *v, const uint8_t *f, uint32_t len)
{
	const struct vx_ipv4_hdr *ip;
	uint32_t ihl, l4;
	uint16_t type, frag;
	struct vx_arp arp;

	if (len < VX_ETH_HLEN)
		return VX_CLASS_NOT_FOR_US;
	if (memcmp(f, v->mac, VX_ETH_ALEN) != 0 && !vx_mac_is_bcast(f))
		return VX_CLASS_NOT_FOR_US;
	type = rd16be(f + 12);
	if (type == VX_ETHERTYPE_ARP) {
		if (vx_arp_parse(f, len, &arp) == VX_R_OK && arp.tpa == v->ip)
			return VX_CLASS_ARP;
		return VX_CLASS_NOT_FOR_US;
	}
	if (type != VX_ETHERTYPE_IP)
		return VX_CLASS_NOT_FOR_US;
	if (len < VX_ETH_HLEN + VX_IPV4_HLEN || (f[VX_ETH_HLEN] >> 4) != 4)
		return VX_CLASS_VXLAN; /* too damaged to dispatch: vx_decap() names it */
	ip = (const struct vx_ipv4_hdr *)(f + VX_ETH_HLEN);
	if (ip->dst != v->ip)
		return VX_CLASS_NOT_FOR_US;
	ihl = (uint32_t)(ip->ver_ihl & 0xf) * 4;
	if (ihl < VX_IPV4_HLEN)
		return VX_CLASS_VXLAN;
	l4 = VX_ETH_HLEN + ihl;
	frag = ntohs(ip->frag_off);
	switch (ip->proto) {
	case VX_IPPROTO_ICMP:
		if (!(frag & (VX_IPV4_MF | VX_IPV4_OFF_MASK)) && len >= l4 + 2 &&
		    f[l4] == VX_ICMP_ECHO && f[l4 + 1] == 0)
			return VX_CLASS_ICMP_ECHO;
		return VX_CLASS_OTHER_TO_US;
	case VX_IPPROTO_UDP:
		if (!(frag & VX_IPV4_OFF_MASK) && len >= l4 + 4 &&
		    rd16be(f + l4 + 2) != v->udp_port)
			return VX_CLASS_OTHER_TO_US;
		return VX_CLASS_VXLAN;
	default:
		return VX_CLASS_OTHER_TO_US;
	}
}

enum vx_reason vx_ipv4_check(const struct vx_vtep *v, const uint8_t *f, uint32_t len,
                             bool check_cksum, const struct vx_ipv4_hdr **ipp)
{
	const struct vx_ipv4_hdr *ip;
	uint32_t ip_len;

	if (len < VX_ETH_HLEN)
		return VX_R_TRUNC_ETH;
	if (rd16be(f + 12) != VX_ETHERTYPE_IP)
		return VX_R_NOT_IPV4;
	if (len < VX_ETH_HLEN + VX_IPV4_HLEN)
		return VX_R_TRUNC_IPV4;
	ip = (const struct vx_ipv4_hdr *)(f + VX_ETH_HLEN);
	if ((ip->ver_ihl >> 4) != 4)
		return VX_R_BAD_IP_VERSION;
	if (ip->ver_ihl != VX_IPV4_VER_IHL)
		return VX_R_IP_OPTIONS;
	ip_len = ntohs(ip->total_len);
	if (ip_len < VX_IPV4_HLEN || ip_len > len - VX_ETH_HLEN)
		return VX_R_BAD_IP_LEN;
	if (check_cksum && vx_ipv4_cksum(ip) != 0)
		return VX_R_BAD_IP_CKSUM;
	if (ntohs(ip->frag_off) & (VX_IPV4_MF | VX_IPV4_OFF_MASK))
		return VX_R_FRAGMENT;
	if (ip->ttl == 0)
		return VX_R_TTL_ZERO;
	if (ip->dst != v->ip)
		return VX_R_FOREIGN_DST;
	*ipp = ip;
	return VX_R_OK;
}

#define VX_MIN_U32(a, b) ((a) < (b) ? (a) : (b))

/* A non-zero outer UDP checksum that does not verify ('c' = vx_udp4_cksum() != 0). Accepted
 * (VX_R_OK, '*info' says how) in the two shapes Linux's CHECKSUM_PARTIAL leaves on a software
 * device: the outer field is the partial pseudo-header sum; or the inner TCP/UDP checksum is
 * partial and the outer checksum was computed as if it were complete (local checksum offload):
 * replacing the inner field by its completion in the outer sum must then give a valid sum. */
static enum vx_reason outer_mismatch(const struct vx_ipv4_hdr *ip, const struct vx_udp_hdr *udp,
                                     uint32_t udp_len, uint16_t c, const uint8_t *inner,
                                     uint32_t inner_len, struct vx_l4_fix *fix, uint32_t *info)
{
	if (vx_udp4_partial(ip, udp, udp_len)) {
		*info = VX_RX_I_OUTER_PARTIAL;
		return VX_R_OK;
	}
	/* The inner field is at an even offset in the UDP datagram for any IPv4/IPv6 header
	 * (the sum is over 16-bit words); an odd one cannot be an LCO frame. */
	if (vx_l4_partial(inner, inner_len, fix) != VX_L4_CSUM_PARTIAL || (fix->off & 1))
		return VX_R_BAD_UDP_CKSUM;
	uint16_t was, now = ntohs(fix->cksum);
	memcpy(&was, inner + fix->off, 2);
	was = ntohs(was);
	/* Outer sum as received = ~c; with the inner field completed: ~c - was + now. */
	if (vx_cksum_finish((uint32_t)(uint16_t)~c + (uint16_t)~was + now) != 0)
		return VX_R_BAD_UDP_CKSUM;
	*info = VX_RX_I_INNER_PARTIAL;
	return VX_R_OK;
}

enum vx_reason vx_decap(const struct vx_vtep *v, const struct vx_vni_table *vnis, const uint8_t *f,
                        uint32_t len, uint32_t rx_flags, struct vx_rx_info *out)
{
	const struct vx_ipv4_hdr *ip = NULL;
	const struct vx_udp_hdr *udp;
	const struct vx_vxlan_hdr *vxh;
	uint32_t ip_len, udp_len, inner_len, vni, id;
	enum vx_reason r;

	r = vx_ipv4_check(v, f, len, !(rx_flags & VX_RX_F_IP_CKSUM_GOOD), &ip);
	if (r != VX_R_OK)
		return r;
	if (ip->proto != VX_IPPROTO_UDP)
		return VX_R_NOT_UDP;
	ip_len = ntohs(ip->total_len);
	if (ip_len < VX_IPV4_HLEN + VX_UDP_HLEN)
		return VX_R_TRUNC_UDP;
	udp = (const struct vx_udp_hdr *)(f + VX_ETH_HLEN + VX_IPV4_HLEN);
	udp_len = ntohs(udp->len);
	if (udp_len != ip_len - VX_IPV4_HLEN)
		return VX_R_BAD_UDP_LEN;
	if (ntohs(udp->dport) != v->udp_port)
		return VX_R_WRONG_PORT;
	/* RFC 7348: zero means "no checksum"; receivers may verify a non-zero one: we do,
	 * unless told not to (then the inner frame is looked at as with 0). */
	const uint8_t *inner = f + VX_ENCAP_LEN;
	uint32_t inner_avail = udp_len - VX_MIN_U32(udp_len, VX_UDP_HLEN + VX_VXLAN_HLEN);
	struct vx_l4_fix fix = {0, 0};
	uint32_t info = 0;
	if (udp->cksum != 0 && !(rx_flags & (VX_RX_F_L4_CKSUM_GOOD | VX_RX_F_UDP_CKSUM_SKIP))) {
		uint16_t c = vx_udp4_cksum(ip, udp, udp_len);
		if (c != 0) {
			r = outer_mismatch(ip, udp, udp_len, c, inner, inner_avail, &fix, &info);
			if (r != VX_R_OK)
				return r;
		}
	} else if ((rx_flags & VX_RX_F_MAYBE_PARTIAL) &&
	           (udp->cksum == 0 || (rx_flags & VX_RX_F_UDP_CKSUM_SKIP))) {
		if (vx_l4_partial(inner, inner_avail, &fix) == VX_L4_CSUM_PARTIAL)
			info = VX_RX_I_INNER_PARTIAL;
	}
	if (udp_len < VX_UDP_HLEN + VX_VXLAN_HLEN)
		return VX_R_TRUNC_VXLAN;
	vxh = (const struct vx_vxlan_hdr *)(udp + 1);
	if (!(vxh->flags & VX_VXLAN_FLAG_I))
		return VX_R_NO_I_FLAG;
	inner_len = udp_len - VX_UDP_HLEN - VX_VXLAN_HLEN;
	if (inner_len < VX_ETH_HLEN)
		return VX_R_INNER_TOO_SHORT;
	vni = ntohl(vxh->vni_rsvd) >> 8;
	id = vx_vni_lookup(vnis, vni);
	out->inner_off = VX_ENCAP_LEN;
	out->inner_len = inner_len;
	out->vni = vni;
	out->id = id;
	out->remote_ip = ip->src;
	out->remote_port = ntohs(udp->sport);
	out->flags = info;
	out->inner_fix = fix;
	return id == VX_VNI_ID_NONE ? VX_R_UNKNOWN_VNI : VX_R_OK;
}
