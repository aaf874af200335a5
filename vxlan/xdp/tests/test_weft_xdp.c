/* Unit tests for weft_xdp.bpf.c: the built object is loaded into the kernel (needs root:
 * CAP_BPF/CAP_SYS_ADMIN) and each verdict is checked on crafted frames with BPF_PROG_TEST_RUN.
 * No AF_XDP socket exists here, so a frame for the VTEP gets XDP_DROP and counts no_socket,
 * while a frame for the kernel gets XDP_PASS and counts pass.
 * Usage: test_weft_xdp PATH/weft_xdp.o (meson passes the built object). */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "weft_xdp.h"

static const char *obj_path;
static struct bpf_object *obj;
static int prog_fd, cfg_fd, stats_fd;

enum { VTEP = XDP_DROP, KERNEL = XDP_PASS };

static int quiet(enum libbpf_print_level l, const char *fmt, va_list ap)
{
	return l == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

static int setup(void **state)
{
	struct bpf_program *p;
	(void)state;
	libbpf_set_print(quiet);
	obj = bpf_object__open_file(obj_path, NULL);
	if (!obj || libbpf_get_error(obj)) {
		fprintf(stderr, "cannot open %s\n", obj_path);
		return -1;
	}
	if (bpf_object__load(obj) < 0) {
		fprintf(stderr, "cannot load %s (root needed): %s\n", obj_path, strerror(errno));
		return -1;
	}
	p = bpf_object__find_program_by_name(obj, "weft_xdp");
	prog_fd = p ? bpf_program__fd(p) : -1;
	cfg_fd = bpf_object__find_map_fd_by_name(obj, WEFT_XDP_CFG_MAP);
	stats_fd = bpf_object__find_map_fd_by_name(obj, WEFT_XDP_STATS_MAP);
	return prog_fd < 0 || cfg_fd < 0 || stats_fd < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	bpf_object__close(obj);
	return 0;
}

static void configure(const char *ip, uint16_t port)
{
	struct weft_xdp_cfg c = {0};
	uint32_t k = 0;
	if (ip)
		assert_int_equal(inet_pton(AF_INET, ip, &c.ip), 1);
	c.udp_port = htons(port);
	assert_int_equal(bpf_map_update_elem(cfg_fd, &k, &c, BPF_ANY), 0);
}

static uint64_t stat(enum weft_xdp_stat s)
{
	int n = libbpf_num_possible_cpus();
	uint64_t v[n > 0 ? n : 1], sum = 0;
	uint32_t k = s;
	assert_true(n > 0);
	assert_int_equal(bpf_map_lookup_elem(stats_fd, &k, v), 0);
	for (int i = 0; i < n; i++)
		sum += v[i];
	return sum;
}

static int run(const uint8_t *f, uint32_t len)
{
	uint8_t buf[256];
	memcpy(buf, f, len);
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = buf, .data_size_in = len, .repeat = 1);
	assert_int_equal(bpf_prog_test_run_opts(prog_fd, &o), 0);
	return (int)o.retval;
}

/* Frame builders: Ethernet [+ one tag] + IPv4 (ihl 5 or 6) + UDP/ICMP/TCP header + payload. */
static uint32_t eth(uint8_t *f, uint16_t tpid, uint16_t type)
{
	uint32_t o = 12;
	memset(f, 0, 256);
	memcpy(f, "\x02\0\0\0\0\xaa\x02\0\0\0\0\xbb", 12);
	if (tpid) {
		f[o] = tpid >> 8, f[o + 1] = tpid & 0xff, f[o + 2] = 0, f[o + 3] = 10;
		o += 4;
	}
	f[o] = type >> 8, f[o + 1] = type & 0xff;
	return o + 2;
}

static uint32_t ip4(uint8_t *f, uint16_t tpid, const char *dst, uint8_t proto, uint16_t frag,
                    uint8_t ihl, uint16_t dport)
{
	uint32_t o = eth(f, tpid, 0x0800), l4 = o + ihl * 4u;
	uint32_t d;
	f[o] = (uint8_t)(0x40 | ihl);
	f[o + 2] = 0, f[o + 3] = 100;
	f[o + 6] = frag >> 8, f[o + 7] = frag & 0xff;
	f[o + 8] = 64, f[o + 9] = proto;
	inet_pton(AF_INET, "192.168.99.2", &f[o + 12]);
	inet_pton(AF_INET, dst, &d);
	memcpy(&f[o + 16], &d, 4);
	f[l4 + 0] = 0xc0, f[l4 + 1] = 0x00; /* source port 49152 */
	f[l4 + 2] = dport >> 8, f[l4 + 3] = dport & 0xff;
	return l4 + 24; /* header + VXLAN header + a little */
}

static uint32_t arp(uint8_t *f, uint16_t tpid, const char *tpa, uint16_t ptype)
{
	uint32_t o = eth(f, tpid, 0x0806);
	f[o + 1] = 1, f[o + 2] = ptype >> 8, f[o + 3] = ptype & 0xff, f[o + 4] = 6, f[o + 5] = 4;
	f[o + 7] = 1;
	inet_pton(AF_INET, "192.168.99.2", &f[o + 14]);
	inet_pton(AF_INET, tpa, &f[o + 24]);
	return o + 28;
}

static void test_unconfigured_passes_all(void **state)
{
	uint8_t f[256] = {0};
	(void)state;
	configure(NULL, 0);
	assert_int_equal(run(f, ip4(f, 0, "192.168.99.1", 17, 0, 5, 4789)), KERNEL);
	assert_int_equal(run(f, arp(f, 0, "192.168.99.1", 0x0800)), KERNEL);
	assert_int_equal(run(f, ip4(f, 0, "0.0.0.0", 17, 0, 5, 0)), KERNEL);
}

static void test_vxlan_udp(void **state)
{
	uint8_t f[256] = {0};
	uint64_t ns0 = stat(WEFT_XDP_NO_SOCKET), p0 = stat(WEFT_XDP_PASS);
	(void)state;
	configure("192.168.99.1", 4789);
	assert_int_equal(run(f, ip4(f, 0, "192.168.99.1", 17, 0, 5, 4789)), VTEP);
	assert_int_equal(run(f, ip4(f, 0x8100, "192.168.99.1", 17, 0, 5, 4789)), VTEP);
	assert_int_equal(run(f, ip4(f, 0x88a8, "192.168.99.1", 17, 0, 5, 4789)), VTEP);
	assert_int_equal(run(f, ip4(f, 0, "192.168.99.1", 17, 0, 6, 4789)), VTEP); /* options */
	assert_int_equal(run(f, ip4(f, 0, "192.168.99.1", 17, 0x2000, 5, 4789)), VTEP); /* MF */
	assert_int_equal(stat(WEFT_XDP_NO_SOCKET) - ns0, 5);
	/* Not ours: other port, other address, later fragment, TCP, broadcast. */
	assert_int_equal(run(f, ip4(f, 0, "192.168.99.1", 17, 0, 5, 4790)), KERNEL);
	assert_int_equal(run(f, ip4(f, 0, "192.168.99.10", 17, 0, 5, 4789)), KERNEL);
	assert_int_equal(run(f, ip4(f, 0, "192.168.99.1", 17, 0x0010, 5, 4789)), KERNEL);
	assert_int_equal(run(f, ip4(f, 0, "192.168.99.1", 6, 0, 5, 4789)), KERNEL);
	assert_int_equal(run(f, ip4(f, 0, "192.168.99.255", 17, 0, 5, 4789)), KERNEL);
	assert_int_equal(stat(WEFT_XDP_PASS) - p0, 5);
}

static void test_custom_port(void **state)
{
	uint8_t f[256] = {0};
	(void)state;
	configure("10.0.0.7", 8472);
	assert_int_equal(run(f, ip4(f, 0, "10.0.0.7", 17, 0, 5, 8472)), VTEP);
	assert_int_equal(run(f, ip4(f, 0, "10.0.0.7", 17, 0, 5, 4789)), KERNEL);
	assert_int_equal(run(f, ip4(f, 0, "192.168.99.1", 17, 0, 5, 8472)), KERNEL);
}

static void test_arp_and_icmp(void **state)
{
	uint8_t f[256] = {0};
	(void)state;
	configure("192.168.99.1", 4789);
	assert_int_equal(run(f, arp(f, 0, "192.168.99.1", 0x0800)), VTEP);
	assert_int_equal(run(f, arp(f, 0x8100, "192.168.99.1", 0x0800)), VTEP);
	assert_int_equal(run(f, arp(f, 0, "192.168.99.10", 0x0800)), KERNEL);
	assert_int_equal(run(f, arp(f, 0, "192.168.99.1", 0x86dd)), KERNEL); /* not IPv4 */
	assert_int_equal(run(f, ip4(f, 0, "192.168.99.1", 1, 0, 5, 0)), VTEP);
	assert_int_equal(run(f, ip4(f, 0, "192.168.99.10", 1, 0, 5, 0)), KERNEL);
}

static void test_short_and_other_frames(void **state)
{
	uint8_t f[256] = {0};
	uint32_t n;
	(void)state;
	configure("192.168.99.1", 4789);
	n = ip4(f, 0, "192.168.99.1", 17, 0, 5, 4789);
	/* Cut inside the UDP header, inside IPv4, inside the tag, inside Ethernet. */
	assert_int_equal(run(f, 14 + 20 + 3), KERNEL);
	assert_int_equal(run(f, 14 + 19), KERNEL);
	assert_int_equal(run(f, 14), KERNEL);
	n = ip4(f, 0x8100, "192.168.99.1", 17, 0, 5, 4789);
	assert_int_equal(run(f, 16), KERNEL);
	n = arp(f, 0, "192.168.99.1", 0x0800);
	assert_int_equal(run(f, n - 1), KERNEL);
	/* IPv6 and an IPv4 header with version 6. */
	n = eth(f, 0, 0x86dd);
	assert_int_equal(run(f, n + 60), KERNEL);
	n = ip4(f, 0, "192.168.99.1", 17, 0, 5, 4789);
	f[14] = 0x65;
	assert_int_equal(run(f, n), KERNEL);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_unconfigured_passes_all),
	    cmocka_unit_test(test_vxlan_udp),
	    cmocka_unit_test(test_custom_port),
	    cmocka_unit_test(test_arp_and_icmp),
	    cmocka_unit_test(test_short_and_other_frames),
	};
	if (argc != 2) {
		fprintf(stderr, "usage: %s PATH/weft_xdp.o\n", argv[0]);
		return 2;
	}
	obj_path = argv[1];
	return cmocka_run_group_tests(tests, setup, teardown);
}
