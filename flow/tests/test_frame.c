/* Unit tests for fl_frame_build() (flow -> frame, for weftctl trace) and fl_key_exact_match():
 * every flow's frame extracts back to a key its match matches, checksums verify, the printed
 * exact match of the key, errors. */
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "flow.h"

static struct fl_flow parse(const char *s)
{
	struct fl_flow f;
	char *err = NULL;
	int ret = fl_flow_parse(s, FL_PARSE_MATCH_ONLY, NULL, &f, &err);
	if (ret < 0)
		fail_msg("parse '%s': %s", s, err);
	return f;
}

/* Ones' complement sum of a byte range (the checksum field included): 0xffff when valid. */
static uint16_t csum(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static void test_round_trip(void **state)
{
	static const char *const flows[] = {
	    "in_port=3",
	    "dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02",
	    "dl_vlan=10",
	    "dl_vlan=4095,dl_vlan_pcp=5",
	    "vlan_tci=0x3064",
	    "dl_type=0x88cc",
	    "ip,nw_src=10.0.0.1,nw_dst=10.0.0.2",
	    "ip,nw_dst=10.1.0.0/16,nw_tos=184",
	    "ip,nw_proto=47",
	    "tcp,nw_src=192.0.2.1,tp_src=1234,tp_dst=80",
	    "udp,dl_vlan=7,nw_dst=192.0.2.9,tp_dst=4789",
	    "sctp,tp_src=5,tp_dst=6",
	    "icmp,icmp_type=8,icmp_code=0",
	    "icmp,icmp_type=3,icmp_code=4",
	    "arp,arp_spa=10.0.0.1,arp_tpa=10.0.0.2",
	    "arp,arp_op=2,dl_src=02:aa:00:00:00:01",
	    "ip,dl_vlan=100,dl_src=02:00:00:00:00:01,nw_src=1.2.3.4,nw_dst=5.6.7.8,ip_dscp=46",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(flows) / sizeof(flows[0]); i++) {
		struct fl_flow f = parse(flows[i]);
		uint8_t buf[FL_FRAME_MAX];
		struct fl_key k;
		int len = fl_frame_build(&f.match, buf, sizeof(buf), NULL);
		assert_true(len >= 60 && len <= FL_FRAME_MAX);
		assert_int_equal(fl_key_extract(buf, (size_t)len, f.match.value.in_port, 0, &k), 0);
		if (!fl_match_matches(&f.match, &k))
			fail_msg("'%s': the frame's key does not match the flow", flows[i]);
		fl_flow_uninit(&f);
	}
}

static void test_checksums(void **state)
{
	static const char *const flows[] = {"tcp,nw_src=10.0.0.1,nw_dst=10.0.0.2,tp_dst=22",
	                                    "udp,nw_src=10.0.0.1,nw_dst=10.0.0.2,tp_dst=53",
	                                    "icmp,icmp_type=8", "ip,nw_proto=99"};
	(void)state;
	for (size_t i = 0; i < sizeof(flows) / sizeof(flows[0]); i++) {
		struct fl_flow f = parse(flows[i]);
		uint8_t b[FL_FRAME_MAX];
		int len = fl_frame_build(&f.match, b, sizeof(b), NULL);
		const uint8_t *ip = b + 14, *l4 = ip + 20;
		size_t l4len = (size_t)(ip[2] << 8 | ip[3]) - 20;
		assert_true(14 + 20 + l4len <= (size_t)len);
		assert_int_equal(csum(ip, 20, 0), 0xffff);
		uint32_t pseudo = csum(ip + 12, 8, 0) + ip[9] + (uint32_t)l4len;
		if (ip[9] == 1)
			assert_int_equal(csum(l4, l4len, 0), 0xffff);
		else if (ip[9] == 6 || ip[9] == 17)
			assert_int_equal(csum(l4, l4len, pseudo), 0xffff);
		fl_flow_uninit(&f);
	}
}

static void test_layout(void **state)
{
	struct fl_flow f = parse("udp,dl_vlan=5,dl_vlan_pcp=3,dl_src=02:00:00:00:00:01,"
	                         "dl_dst=ff:ff:ff:ff:ff:ff,nw_src=10.0.0.1,nw_dst=10.0.0.2,"
	                         "tp_src=1000,tp_dst=2000");
	uint8_t b[FL_FRAME_MAX];
	static const uint8_t want[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0,    0,    0, 0,
	                               1,    0x81, 0x00, 0x60, 0x05, 0x08, 0x00, 0x45, 0,    0, 36,
	                               0,    0,    0,    0,    64,   17,   0x66, 0xc7, 10,   0, 0,
	                               1,    10,   0,    0,    2,    0x03, 0xe8, 0x07, 0xd0, 0, 16};
	(void)state;
	assert_int_equal(fl_frame_build(&f.match, b, sizeof(b), NULL), 60);
	assert_memory_equal(b, want, sizeof(want));
	fl_flow_uninit(&f);
}

static void test_errors(void **state)
{
	struct fl_flow f = parse("tun_id=5,ip");
	uint8_t b[FL_FRAME_MAX];
	char *err = NULL;
	(void)state;
	assert_int_equal(fl_frame_build(&f.match, b, sizeof(b), &err), -EINVAL);
	assert_non_null(strstr(err, "tun_id"));
	free(err);
	fl_flow_uninit(&f);
	f = parse("ip");
	err = NULL;
	assert_int_equal(fl_frame_build(&f.match, b, 64, &err), -EINVAL);
	assert_string_equal(err, "frame buffer of 64 bytes: 128 needed");
	free(err);
	fl_flow_uninit(&f);
}

static void test_exact_match(void **state)
{
	static const struct {
		const char *flow, *want;
	} cases[] = {
	    {"in_port=2,udp,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.0.0.1,"
	     "nw_dst=10.0.0.2,tp_src=7,tp_dst=9",
	     "udp,in_port=2,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,"
	     "nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_tos=0,tp_src=7,tp_dst=9"},
	    {"in_port=1,arp,dl_vlan=10,arp_spa=10.0.0.1,arp_tpa=10.0.0.2",
	     "arp,in_port=1,dl_vlan=10,dl_vlan_pcp=0,dl_src=00:00:00:00:00:00,"
	     "dl_dst=00:00:00:00:00:00,arp_spa=10.0.0.1,arp_tpa=10.0.0.2,arp_op=1"},
	    {"in_port=1,dl_type=0x88cc",
	     "in_port=1,vlan_tci=0x0000,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,"
	     "dl_type=0x88cc"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fl_flow f = parse(cases[i].flow);
		uint8_t b[FL_FRAME_MAX];
		struct fl_key k;
		struct fl_match m;
		int len = fl_frame_build(&f.match, b, sizeof(b), NULL);
		fl_key_extract(b, (size_t)len, f.match.value.in_port, 0, &k);
		fl_key_exact_match(&k, &m);
		char *s = fl_match_to_string(&m, FL_PRIORITY_DEFAULT, NULL);
		assert_string_equal(s, cases[i].want);
		assert_true(fl_match_matches(&m, &k));
		free(s);
		fl_flow_uninit(&f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),  cmocka_unit_test(test_checksums),
	    cmocka_unit_test(test_layout),      cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_exact_match),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
