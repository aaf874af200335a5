/* Unit tests for vx_icmp.c: echo reply bytes against scapy, checksums validated with a
 * reference routine, and every rejected request left unmodified. */
#include "test_util.h"
#include "vectors.h"
#include "vxlan.h"

#define ELEN ((uint32_t)sizeof(icmp_echo_in))

static struct vx_vtep vtep;

static int setup(void **state)
{
	(void)state;
	return vx_vtep_init(&vtep, t_our_mac, t_ip(192, 0, 2, 1), 4789);
}

/* Runs the reply on an exact-size heap copy; on error checks the frame is unchanged; on success
 * copies the result back into f. */
static enum vx_reason reply_exact(uint8_t *f, uint32_t len, uint32_t *rlen)
{
	uint8_t *b = t_dup(f, len);
	uint32_t sentinel = 0xabcdef, n = sentinel;
	enum vx_reason r = vx_icmp_echo_reply(&vtep, b, len, &n);

	if (r != VX_R_OK) {
		assert_memory_equal(b, f, len);
		assert_int_equal(n, sentinel);
	} else {
		memcpy(f, b, len);
	}
	free(b);
	if (rlen)
		*rlen = n;
	return r;
}

static void test_reply_scapy(void **state)
{
	uint8_t f[ELEN + 6];
	uint32_t n;

	(void)state;
	memcpy(f, icmp_echo_in, ELEN);
	assert_int_equal(reply_exact(f, ELEN, &n), VX_R_OK);
	assert_int_equal(n, ELEN);
	assert_memory_equal(f, icmp_reply_expected, ELEN);
	/* Checksums valid by the reference routine. */
	assert_int_equal(t_ref_cksum(f + 14, 20, 0), 0);
	assert_int_equal(t_ref_cksum(f + 34, ELEN - 34, 0), 0);
	/* Padded request: the reply length excludes the padding, which is left alone. */
	memcpy(f, icmp_echo_in, ELEN);
	memset(f + ELEN, 0x99, 6);
	assert_int_equal(reply_exact(f, ELEN + 6, &n), VX_R_OK);
	assert_int_equal(n, ELEN);
	assert_memory_equal(f, icmp_reply_expected, ELEN);
	for (int i = 0; i < 6; i++)
		assert_int_equal(f[ELEN + i], 0x99);
}

/* Odd ICMP lengths and payloads: the reply checksum still validates. */
static void test_reply_lengths(void **state)
{
	uint8_t f[14 + 20 + 8 + 301];

	(void)state;
	for (uint32_t plen = 0; plen <= 301; plen += 7) {
		uint32_t ilen = 8 + plen, n;
		uint16_t ck;

		memcpy(f, icmp_echo_in, 42);
		t_wr16(f + 16, (uint16_t)(20 + ilen));
		t_fix_ip_cksum(f + 14);
		for (uint32_t i = 0; i < plen; i++)
			f[42 + i] = (uint8_t)(i * 13 + plen);
		f[36] = f[37] = 0;
		ck = t_ref_cksum(f + 34, ilen, 0);
		t_wr16(f + 36, ck);
		assert_int_equal(reply_exact(f, 34 + ilen, &n), VX_R_OK);
		assert_int_equal(n, 34 + ilen);
		assert_int_equal(f[34], 0);
		assert_int_equal(t_ref_cksum(f + 14, 20, 0), 0);
		assert_int_equal(t_ref_cksum(f + 34, ilen, 0), 0);
	}
}

#define CASE(fix_ip, fix_icmp, reason, stmt)                                                       \
	do {                                                                                       \
		memcpy(f, icmp_echo_in, ELEN);                                                     \
		stmt;                                                                              \
		if (fix_icmp) {                                                                    \
			f[36] = f[37] = 0;                                                         \
			t_wr16(f + 36, t_ref_cksum(f + 34, ELEN - 34, 0));                         \
		}                                                                                  \
		if (fix_ip)                                                                        \
			t_fix_ip_cksum(f + 14);                                                    \
		assert_int_equal(reply_exact(f, ELEN, NULL), reason);                              \
	} while (0)

static void test_rejects(void **state)
{
	uint8_t f[ELEN];

	(void)state;
	for (uint32_t n = 0; n < ELEN; n++) {
		enum vx_reason r;

		memcpy(f, icmp_echo_in, ELEN);
		r = reply_exact(f, n, NULL);
		assert_int_not_equal(r, VX_R_OK);
	}
	CASE(false, false, VX_R_NOT_IPV4, t_wr16(f + 12, 0x86dd));
	CASE(true, false, VX_R_IP_OPTIONS, f[14] = 0x46);
	CASE(false, false, VX_R_BAD_IP_CKSUM, f[24] ^= 1);
	CASE(true, false, VX_R_FRAGMENT, f[20] = 0x20);
	CASE(true, false, VX_R_TTL_ZERO, f[22] = 0);
	CASE(true, false, VX_R_FOREIGN_DST, f[33] = 7);
	CASE(true, false, VX_R_BAD_ICMP, f[23] = 17);         /* not ICMP */
	CASE(false, false, VX_R_BAD_ICMP, f[40] ^= 1);        /* bad ICMP checksum */
	CASE(false, true, VX_R_BAD_ICMP, f[34] = 0);          /* an echo reply, not a request */
	CASE(false, true, VX_R_BAD_ICMP, f[34] = 13);         /* timestamp */
	CASE(false, true, VX_R_BAD_ICMP, f[35] = 1);          /* code 1 */
	CASE(true, false, VX_R_BAD_ICMP, t_wr16(f + 16, 27)); /* 7 bytes of ICMP */
	CASE(true, false, VX_R_BAD_ICMP, memset(f + 26, 0xff, 4)); /* broadcast source */
	CASE(true, false, VX_R_BAD_ICMP, f[26] = 224);             /* multicast source */
	CASE(true, false, VX_R_BAD_ICMP, memset(f + 26, 0, 4));
	CASE(false, false, VX_R_BAD_ICMP, f[6] = 0x01); /* multicast Ethernet source */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reply_scapy),
	    cmocka_unit_test(test_reply_lengths),
	    cmocka_unit_test(test_rejects),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
