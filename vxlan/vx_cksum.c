/* vx_cksum.c: Internet checksum (RFC 1071) for the vxlan library.
 *
 * The ones' complement sum does not depend on byte order (RFC 1071 section 2(B)): words are
 * summed as loaded in host order, 32 bits at a time into a 64-bit accumulator, and the folded
 * result is swapped to big-endian order at the end. */
#include <arpa/inet.h>
#include <stddef.h>
#include <string.h>

#include "vxlan.h"

/* Folds a 64-bit sum of 16-bit words to 16 bits with end-around carries. */
static uint16_t fold64(uint64_t s)
{
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

uint32_t vx_cksum_add(uint32_t sum, const void *data, uint32_t len)
{
	const uint8_t *p = data;
	uint64_t acc = 0;
	uint32_t w32;
	uint16_t w16;

	while (len >= 4) {
		memcpy(&w32, p, 4);
		acc += w32;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		memcpy(&w16, p, 2);
		acc += w16;
		p += 2;
		len -= 2;
	}
	if (len == 1) {
		uint8_t last[2] = {p[0], 0};
		memcpy(&w16, last, 2);
		acc += w16;
	}
	/* acc holds host-order words: fold, then express as a big-endian-word sum. */
	return sum + ntohs(fold64(acc));
}

uint16_t vx_cksum_finish(uint32_t sum)
{
	return (uint16_t)~fold64(sum);
}

uint16_t vx_ipv4_cksum(const struct vx_ipv4_hdr *ip)
{
	return vx_cksum_finish(vx_cksum_add(0, ip, sizeof(*ip)));
}

uint16_t vx_udp4_cksum(const struct vx_ipv4_hdr *ip, const void *udp, uint32_t udp_len)
{
	uint32_t sum;

	/* Pseudo-header: source, destination, zero + protocol, UDP length. */
	sum = vx_cksum_add(0, &ip->src, 4);
	sum = vx_cksum_add(sum, &ip->dst, 4);
	sum += VX_IPPROTO_UDP;
	sum += udp_len & 0xffff;
	sum += udp_len >> 16;
	sum = vx_cksum_add(sum, udp, udp_len);
	return vx_cksum_finish(sum);
}
