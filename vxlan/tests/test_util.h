/* test_util.h: helpers shared by the vxlan unit tests (independent of the library code). */
#ifndef VX_TEST_UTIL_H
#define VX_TEST_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* Our test VTEP: 02:00:00:00:00:01, 192.0.2.1, port 4789; the remote: 02:00:00:00:00:02,
 * 192.0.2.2 (matching gen_vectors.py). */
static const uint8_t t_our_mac[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t t_peer_mac[6] = {0x02, 0, 0, 0, 0, 0x02};

/* a.b.c.d in network byte order, without inet_pton. */
static inline uint32_t t_ip(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	uint8_t bytes[4] = {a, b, c, d};
	uint32_t v;

	memcpy(&v, bytes, 4);
	return v;
}

/* Reference Internet checksum: big-endian 16-bit words one at a time, the textbook way. Returns
 * the complemented folded sum (0 for a block whose checksum field is right). */
static inline uint16_t t_ref_cksum(const uint8_t *p, size_t n, uint32_t start)
{
	uint64_t s = start;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Reference IPv4 header checksum fix-up at 'ip' (20 bytes). */
static inline void t_fix_ip_cksum(uint8_t *ip)
{
	uint16_t c;

	ip[10] = ip[11] = 0;
	c = t_ref_cksum(ip, 20, 0);
	ip[10] = c >> 8;
	ip[11] = c & 0xff;
}

/* Reference UDP checksum of the datagram at 'udp' (ulen bytes), pseudo-header from 'ip'. */
static inline uint16_t t_ref_udp_cksum(const uint8_t *ip, const uint8_t *udp, size_t ulen)
{
	uint32_t s = 0;

	for (int i = 12; i < 20; i += 2)
		s += (uint32_t)ip[i] << 8 | ip[i + 1];
	s += 17 + (uint32_t)ulen;
	return t_ref_cksum(udp, ulen, s);
}

static inline uint16_t t_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void t_wr16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* A heap copy of exactly n bytes (so ASan/valgrind flag any read past the end). */
static inline uint8_t *t_dup(const uint8_t *p, size_t n)
{
	uint8_t *b = malloc(n); /* malloc(0): ASan makes any access to it an error */

	if (n) {
		assert_non_null(b);
		memcpy(b, p, n);
	}
	return b;
}

#endif
