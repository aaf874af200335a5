/* Unit tests for vx_cksum.c: against RFC 1071's example, scapy-made headers and a reference
 * byte-at-a-time implementation. */
#include "test_util.h"
#include "vectors.h"
#include "vxlan.h"

static void test_rfc1071_example(void **state)
{
	/* RFC 1071 section 3: these words sum to 0xddf2 (ones' complement). */
	static const uint8_t d[8] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
	uint8_t *b = t_dup(d, sizeof(d));

	(void)state;
	assert_int_equal(vx_cksum_finish(vx_cksum_add(0, b, 8)), (uint16_t)~0xddf2);
	free(b);
}

static void test_against_reference(void **state)
{
	uint8_t buf[300];

	(void)state;
	srand(1234);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)rand();
	/* Every length and a few misalignments, each from an exact-size heap copy. */
	for (size_t off = 0; off < 4; off++) {
		for (size_t n = 0; n + off <= sizeof(buf); n++) {
			uint8_t *b = t_dup(buf + off, n);

			assert_int_equal(vx_cksum_finish(vx_cksum_add(0, b, (uint32_t)n)),
			                 t_ref_cksum(buf + off, n, 0));
			free(b);
		}
	}
	/* All-0xff data: the folded sum must stay 0xffff (checksum 0), not wrap to 0. */
	memset(buf, 0xff, sizeof(buf));
	assert_int_equal(vx_cksum_finish(vx_cksum_add(0, buf, 64)), t_ref_cksum(buf, 64, 0));
	assert_int_equal(vx_cksum_finish(vx_cksum_add(0, buf, 64)), 0);
}

static void test_chained(void **state)
{
	uint8_t buf[101];
	uint32_t s;

	(void)state;
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 37 + 11);
	/* Even-length pieces then an odd last piece equal one pass. */
	s = vx_cksum_add(0, buf, 10);
	s = vx_cksum_add(s, buf + 10, 50);
	s = vx_cksum_add(s, buf + 60, 41);
	assert_int_equal(vx_cksum_finish(s), vx_cksum_finish(vx_cksum_add(0, buf, 101)));
	assert_int_equal(vx_cksum_finish(s), t_ref_cksum(buf, 101, 0));
}

static void test_ipv4_scapy(void **state)
{
	uint8_t ip[20];

	(void)state;
	/* Inner IPv4 header of inner_frame: scapy wrote checksum 0x66c4. */
	memcpy(ip, inner_frame + 14, 20);
	assert_int_equal(vx_ipv4_cksum((const struct vx_ipv4_hdr *)ip), 0);
	ip[10] = ip[11] = 0;
	assert_int_equal(vx_ipv4_cksum((const struct vx_ipv4_hdr *)ip), 0x66c4);
	/* Outer header of the encapsulated frame (0xa45d). */
	memcpy(ip, encap_a_frame + 14, 20);
	assert_int_equal(vx_ipv4_cksum((const struct vx_ipv4_hdr *)ip), 0);
	ip[10] = ip[11] = 0;
	assert_int_equal(vx_ipv4_cksum((const struct vx_ipv4_hdr *)ip), 0xa45d);
}

static void test_udp_scapy(void **state)
{
	uint8_t f[sizeof(rx_vxlan_cksum)];
	const struct vx_ipv4_hdr *ip = (const struct vx_ipv4_hdr *)(f + 14);
	uint32_t ulen = sizeof(f) - 34;

	(void)state;
	memcpy(f, rx_vxlan_cksum, sizeof(f));
	assert_int_equal(vx_udp4_cksum(ip, f + 34, ulen), 0);
	f[40] = f[41] = 0;
	assert_int_equal(vx_udp4_cksum(ip, f + 34, ulen), 0x8758); /* scapy's value */
	assert_int_equal(vx_udp4_cksum(ip, f + 34, ulen), t_ref_udp_cksum(f + 14, f + 34, ulen));
	/* Inner UDP datagram of inner_frame (odd length: 18 bytes of UDP... plus payload). */
	memcpy(f, inner_frame, sizeof(inner_frame));
	assert_int_equal(vx_udp4_cksum(ip, f + 34, sizeof(inner_frame) - 34), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc1071_example), cmocka_unit_test(test_against_reference),
	    cmocka_unit_test(test_chained),         cmocka_unit_test(test_ipv4_scapy),
	    cmocka_unit_test(test_udp_scapy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
