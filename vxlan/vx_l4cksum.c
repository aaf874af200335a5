/* vx_l4cksum.c: partial TCP/UDP checksums, as a Linux sender leaves them for the device.
 *
 * A Linux stack that offloads transmit checksums (CHECKSUM_PARTIAL) stores in the TCP or UDP
 * checksum field the folded, uncomplemented sum of the pseudo-header only, and expects the
 * device to add the L4 bytes and complement the result. On a veth (or any software device)
 * nothing does: whoever reads the frame before a real device (af_packet, AF_XDP, libpcap on
 * the peer end) sees that value. It is recognisable: field == fold(pseudo-header sum).
 * Completing it is the device's work: ~fold(sum of the L4 bytes, field included).
 * A complete checksum that happens to equal the pseudo-header sum completes to itself (with
 * the field equal to p, a valid segment sums data = -2p, and ~(p - 2p) = p), so completion
 * never breaks a good frame; a corrupted frame whose field happens to equal it (1 in 65536 of
 * corrupted frames) gets a valid checksum, as a device would have given it. */
#include <arpa/inet.h>
#include <string.h>

#include "vx_priv.h"

/* Folds a 32-bit sum of 16-bit words, without complementing: 1..0xffff unless sum is 0. */
static uint16_t fold32(uint32_t s)
{
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

enum vx_l4_csum vx_l4_partial(const uint8_t *f, uint32_t len, struct vx_l4_fix *fix)
{
	uint32_t off = 0, l4, l4_len, sum;
	uint16_t et = vx_eth_skip(f, len, &off);
	uint8_t proto;

	if (et == VX_ETHERTYPE_IP) {
		if (len < off + VX_IPV4_HLEN || (f[off] >> 4) != 4)
			return VX_L4_CSUM_NONE;
		uint32_t ihl = (f[off] & 0xf) * 4u, tot = vx_rd16(f + off + 2);
		if (ihl < VX_IPV4_HLEN || tot < ihl)
			return VX_L4_CSUM_NONE;
		if (len < off + tot)
			return VX_L4_CSUM_TRUNCATED;
		if (vx_rd16(f + off + 6) & (VX_IPV4_MF | VX_IPV4_OFF_MASK))
			return VX_L4_CSUM_NONE;
		proto = f[off + 9];
		l4 = off + ihl;
		l4_len = tot - ihl;
		sum = vx_cksum_add(0, f + off + 12, 8); /* source, destination */
	} else if (et == VX_ETHERTYPE_IPV6) {
		/* Only TCP/UDP as the first next header: extension headers are left alone. */
		if (len < off + 40 || (f[off] >> 4) != 6)
			return VX_L4_CSUM_NONE;
		l4_len = vx_rd16(f + off + 4);
		proto = f[off + 6];
		l4 = off + 40;
		if (len < l4 + l4_len)
			return VX_L4_CSUM_TRUNCATED;
		sum = vx_cksum_add(0, f + off + 8, 32);
	} else {
		return VX_L4_CSUM_NONE;
	}
	uint32_t field;
	if (proto == VX_IPPROTO_TCP && l4_len >= 20)
		field = l4 + 16;
	else if (proto == VX_IPPROTO_UDP && l4_len >= VX_UDP_HLEN)
		field = l4 + 6;
	else
		return VX_L4_CSUM_NONE;
	uint16_t v = vx_rd16(f + field);
	if (v == 0) /* UDP: no checksum. TCP: a pseudo-header sum is never 0 */
		return VX_L4_CSUM_NONE;
	sum += proto + (l4_len & 0xffff) + (l4_len >> 16);
	if (v != fold32(sum))
		return VX_L4_CSUM_NONE; /* complete (right or wrong): not ours to touch */
	uint16_t c = vx_cksum_finish(vx_cksum_add(0, f + l4, l4_len));
	if (c == 0 && proto == VX_IPPROTO_UDP)
		c = 0xffff; /* RFC 768: a computed 0 is sent as all ones */
	fix->off = field;
	fix->cksum = htons(c);
	return VX_L4_CSUM_PARTIAL;
}

bool vx_udp4_partial(const struct vx_ipv4_hdr *ip, const void *udp, uint32_t udp_len)
{
	uint32_t sum = vx_cksum_add(0, &ip->src, 8);
	uint16_t v;

	sum += VX_IPPROTO_UDP + (udp_len & 0xffff) + (udp_len >> 16);
	memcpy(&v, (const uint8_t *)udp + 6, 2);
	return v != 0 && ntohs(v) == fold32(sum);
}
