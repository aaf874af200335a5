/* Unit tests for vx_arp.c: decoding, reply and request bytes compared with scapy frames,
 * in-place reply, and every malformed-input class. */
#include <errno.h>

#include "test_util.h"
#include "vectors.h"
#include "vxlan.h"

static struct vx_vtep vtep;

static int setup(void **state)
{
	(void)state;
	return vx_vtep_init(&vtep, t_our_mac, t_ip(192, 0, 2, 1), 4789);
}

static enum vx_reason parse_exact(const uint8_t *f, uint32_t len, struct vx_arp *out)
{
	uint8_t *b = t_dup(f, len);
	enum vx_reason r = vx_arp_parse(b, len, out);

	free(b);
	return r;
}

static void test_parse(void **state)
{
	struct vx_arp a;
	uint8_t f[60] = {0};

	(void)state;
	assert_int_equal(parse_exact(arp_req_in, sizeof(arp_req_in), &a), VX_R_OK);
	assert_int_equal(a.op, VX_ARP_OP_REQUEST);
	assert_memory_equal(a.sha, t_peer_mac, 6);
	assert_int_equal(a.spa, t_ip(192, 0, 2, 2));
	assert_int_equal(a.tpa, t_ip(192, 0, 2, 1));
	/* With Ethernet padding to 60 bytes. */
	memcpy(f, arp_req_in, sizeof(arp_req_in));
	assert_int_equal(parse_exact(f, 60, &a), VX_R_OK);
	assert_int_equal(parse_exact(arp_reply_expected, 42, &a), VX_R_OK);
	assert_int_equal(a.op, VX_ARP_OP_REPLY);
	assert_memory_equal(a.tha, t_peer_mac, 6);
}

static void test_parse_bad(void **state)
{
	struct vx_arp a, sentinel;
	uint8_t f[42];

	(void)state;
	memset(&sentinel, 0x3c, sizeof(sentinel));
	for (uint32_t n = 0; n < 42; n++) {
		a = sentinel;
		assert_int_equal(parse_exact(arp_req_in, n, &a), VX_R_BAD_ARP);
		assert_memory_equal(&a, &sentinel, sizeof(a));
	}
#define BAD(stmt)                                                                                  \
	do {                                                                                       \
		memcpy(f, arp_req_in, 42);                                                         \
		stmt;                                                                              \
		a = sentinel;                                                                      \
		assert_int_equal(parse_exact(f, 42, &a), VX_R_BAD_ARP);                            \
		assert_memory_equal(&a, &sentinel, sizeof(a));                                     \
	} while (0)
	BAD(t_wr16(f + 12, 0x0800)); /* not ARP ethertype */
	BAD(t_wr16(f + 14, 6));      /* htype IEEE 802 */
	BAD(t_wr16(f + 16, 0x86dd)); /* ptype */
	BAD(f[18] = 8);              /* hlen */
	BAD(f[19] = 16);             /* plen */
	BAD(t_wr16(f + 20, 3));      /* RARP request */
	BAD(t_wr16(f + 20, 0));
	BAD(f[22] = 0x01);         /* multicast sender MAC */
	BAD(memset(f + 22, 0, 6)); /* zero sender MAC */
#undef BAD
}

static void test_reply(void **state)
{
	struct vx_arp a;
	uint8_t out[42], f[60];

	(void)state;
	assert_int_equal(parse_exact(arp_req_in, 42, &a), VX_R_OK);
	memset(out, 0xee, sizeof(out));
	assert_int_equal(vx_arp_build_reply(&vtep, &a, out, sizeof(out)), 42);
	assert_memory_equal(out, arp_reply_expected, 42);
	/* In place, in a padded 60-byte frame: the padding is untouched. */
	memcpy(f, arp_req_in, 42);
	memset(f + 42, 0x5a, 18);
	assert_int_equal(vx_arp_parse(f, 60, &a), VX_R_OK);
	assert_int_equal(vx_arp_build_reply(&vtep, &a, f, 60), 42);
	assert_memory_equal(f, arp_reply_expected, 42);
	for (int i = 42; i < 60; i++)
		assert_int_equal(f[i], 0x5a);
}

static void test_reply_errors(void **state)
{
	struct vx_arp a, req;
	uint8_t out[42], ref[42];

	(void)state;
	assert_int_equal(parse_exact(arp_req_in, 42, &req), VX_R_OK);
	memset(out, 0x77, sizeof(out));
	memcpy(ref, out, sizeof(out));
	a = req;
	a.tpa = t_ip(192, 0, 2, 9); /* not our address */
	assert_int_equal(vx_arp_build_reply(&vtep, &a, out, 42), -EINVAL);
	a = req;
	a.op = VX_ARP_OP_REPLY;
	assert_int_equal(vx_arp_build_reply(&vtep, &a, out, 42), -EINVAL);
	a = req;
	memset(a.sha, 0, 6);
	assert_int_equal(vx_arp_build_reply(&vtep, &a, out, 42), -EINVAL);
	a = req;
	a.sha[0] = 0x01;
	assert_int_equal(vx_arp_build_reply(&vtep, &a, out, 42), -EINVAL);
	assert_int_equal(vx_arp_build_reply(&vtep, &req, out, 41), -ENOSPC);
	assert_memory_equal(out, ref, sizeof(out));
}

static void test_request(void **state)
{
	uint8_t *out = malloc(42), ref[42];

	(void)state;
	assert_non_null(out);
	assert_int_equal(vx_arp_build_request(&vtep, t_ip(192, 0, 2, 254), out, 42), 42);
	assert_memory_equal(out, arp_req_expected, 42);
	memset(out, 0x11, 42);
	memcpy(ref, out, 42);
	assert_int_equal(vx_arp_build_request(&vtep, 0, out, 42), -EINVAL);
	assert_int_equal(vx_arp_build_request(&vtep, t_ip(255, 255, 255, 255), out, 42), -EINVAL);
	assert_int_equal(vx_arp_build_request(&vtep, t_ip(224, 0, 0, 5), out, 42), -EINVAL);
	assert_int_equal(vx_arp_build_request(&vtep, t_ip(10, 0, 0, 1), out, 41), -ENOSPC);
	assert_memory_equal(out, ref, 42);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),   cmocka_unit_test(test_parse_bad),
	    cmocka_unit_test(test_reply),   cmocka_unit_test(test_reply_errors),
	    cmocka_unit_test(test_request),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
