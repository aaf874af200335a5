/* Unit tests for vx_gso.c: hand-built TCP super-frames (IPv4 with options and a VLAN tag,
 * IPv6, TCP in VXLAN with and without an outer UDP checksum) cut into segments, each segment
 * checked field by field with the byte-at-a-time reference checksum of test_util.h; and
 * refusals (not TCP, fragments, inconsistent lengths, every truncation, too many segments).
 * Every call reads an exact-size heap copy. */
#include "test_util.h"
#include "vxlan.h"

#define PAY_MAX 65100

struct sf {
	uint8_t b[PAY_MAX + 256];
	uint32_t len, ip[2], udp, tcp, hdr;
	uint8_t ver[2];
	int n_ip;
};

/* IP header (v4 with 'opt' option bytes, or v6) at f[o] for 'l4_len' bytes of 'proto'. */
static uint32_t put_ip(uint8_t *f, uint32_t o, int ver, uint32_t opt, uint8_t proto,
                       uint32_t l4_len)
{
	if (ver == 6) {
		f[o] = 0x60;
		t_wr16(f + o + 4, (uint16_t)l4_len);
		f[o + 6] = proto;
		f[o + 7] = 64;
		for (int i = 0; i < 16; i++) {
			f[o + 8 + i] = (uint8_t)(0x20 + i);
			f[o + 24 + i] = (uint8_t)(0x90 + 3 * i);
		}
		return o + 40;
	}
	f[o] = (uint8_t)(0x40 | (20 + opt) / 4);
	t_wr16(f + o + 2, (uint16_t)(20 + opt + l4_len));
	t_wr16(f + o + 4, 0xfff0); /* id: wraps within the segments */
	t_wr16(f + o + 6, 0x4000); /* DF */
	f[o + 8] = 64;
	f[o + 9] = proto;
	memcpy(f + o + 12, (uint8_t[]){10, 0, 0, 1, 10, 0, 0, 2}, 8);
	for (uint32_t i = 0; i < opt; i++)
		f[o + 20 + i] = 1; /* NOP options */
	return o + 20 + opt;
}

static uint32_t put_eth(uint8_t *f, uint32_t o, int tags, int ver)
{
	memcpy(f + o, t_our_mac, 6);
	memcpy(f + o + 6, t_peer_mac, 6);
	o += 12;
	for (int i = 0; i < tags; i++, o += 4) {
		t_wr16(f + o, VX_ETHERTYPE_VLAN);
		t_wr16(f + o + 2, 10);
	}
	t_wr16(f + o, ver == 6 ? VX_ETHERTYPE_IPV6 : VX_ETHERTYPE_IP);
	return o + 2;
}

/* A super-frame: [outer eth/IP/UDP(csum?)/VXLAN] eth (+tags) IP TCP (32-byte header, flags
 * FIN|PSH|ACK|CWR, seq 0xfffff000) and 'pay' payload bytes i * 7 + 3. */
static void build(struct sf *s, int tunnel_ver, bool udp_csum, int ver, int tags, uint32_t opt,
                  uint32_t pay)
{
	uint8_t *f = s->b;
	uint32_t o = 0, tcp_len = 32 + pay;

	memset(s, 0, sizeof(*s));
	if (tunnel_ver) {
		uint32_t inner_ip_len = (ver == 6 ? 40 : 20 + opt) + tcp_len;
		uint32_t inner = 14 + 4 * tags + inner_ip_len;
		o = put_eth(f, 0, 0, tunnel_ver);
		s->ip[s->n_ip] = o;
		s->ver[s->n_ip++] = (uint8_t)tunnel_ver;
		o = put_ip(f, o, tunnel_ver, 0, VX_IPPROTO_UDP, 16 + inner);
		s->udp = o;
		t_wr16(f + o, 51000);
		t_wr16(f + o + 2, 4789);
		t_wr16(f + o + 4, (uint16_t)(16 + inner));
		t_wr16(f + o + 6, udp_csum ? 0x1234 : 0); /* any non-zero value: recomputed */
		f[o + 8] = VX_VXLAN_FLAG_I;
		f[o + 14] = 100; /* VNI 100 << 8 */
		o += 16;
	}
	o = put_eth(f, o, tags, ver);
	s->ip[s->n_ip] = o;
	s->ver[s->n_ip++] = (uint8_t)ver;
	o = put_ip(f, o, ver, opt, VX_IPPROTO_TCP, tcp_len);
	s->tcp = o;
	t_wr16(f + o, 40000);
	t_wr16(f + o + 2, 5201);
	memcpy(f + o + 4, (uint8_t[]){0xff, 0xff, 0xf0, 0x00}, 4);
	f[o + 12] = 8 << 4;
	f[o + 13] = 0x80 | 0x10 | 0x08 | 0x01; /* CWR ACK PSH FIN */
	t_wr16(f + o + 16, 0xbeef);            /* partial or stale: never carried over */
	s->hdr = o + 32;
	for (uint32_t i = 0; i < pay; i++)
		f[s->hdr + i] = (uint8_t)(i * 7 + 3);
	s->len = s->hdr + pay;
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Reference pseudo-header sum of the IP header at 'ip' for 'len' bytes of 'proto'. */
static uint32_t ref_pseudo(const uint8_t *ip, int ver, uint8_t proto, uint32_t len)
{
	uint32_t s = 0, a = ver == 6 ? 8 : 12, n = ver == 6 ? 32 : 8;
	for (uint32_t i = 0; i < n; i += 2)
		s += (uint32_t)ip[a + i] << 8 | ip[a + i + 1];
	return s + proto + len;
}

/* Plans 's' and checks every segment against the super-frame. */
static void check_segments(const struct sf *s, uint32_t mss, uint32_t max_frame, uint32_t want_mss)
{
	uint8_t *f = t_dup(s->b, s->len);
	struct vx_gso g;
	uint32_t pay = s->len - s->hdr, got = 0;

	assert_int_equal(vx_gso_plan(f, s->len, mss, max_frame, &g), VX_GSO_OK);
	assert_int_equal(g.hdr_len, s->hdr);
	assert_int_equal(g.mss, want_mss);
	assert_int_equal(g.n_segs, (pay + want_mss - 1) / want_mss);
	assert_int_equal(g.n_ip, s->n_ip);
	for (uint32_t i = 0; i < g.n_segs; i++) {
		uint32_t len = vx_gso_seg_len(&g, i), n = len - s->hdr;
		uint8_t *o = malloc(len);
		assert_non_null(o);
		assert_int_equal(n, i + 1 < g.n_segs ? want_mss : pay - i * want_mss);
		assert_true(len <= max_frame);
		vx_gso_write(&g, f, i, o);
		assert_memory_equal(o + s->hdr, s->b + s->hdr + i * want_mss, n);
		got += n;
		for (int k = 0; k < s->n_ip; k++) {
			const uint8_t *ip = o + s->ip[k];
			if (s->ver[k] == 4) {
				uint32_t ihl = (ip[0] & 0xf) * 4u;
				assert_int_equal(t_rd16(ip + 2), len - s->ip[k]);
				assert_int_equal(t_rd16(ip + 4), (uint16_t)(0xfff0 + i));
				assert_int_equal(t_ref_cksum(ip, ihl, 0), 0);
			} else {
				assert_int_equal(t_rd16(ip + 4), len - s->ip[k] - 40);
			}
		}
		const uint8_t *t = o + s->tcp, *tip = o + s->ip[s->n_ip - 1];
		assert_int_equal(rd32(t + 4), 0xfffff000u + i * want_mss);
		uint8_t want_flags = 0x10 | (i == 0 ? 0x80 : 0) | (i + 1 == g.n_segs ? 0x09 : 0);
		assert_int_equal(t[13], want_flags);
		uint32_t tl = len - s->tcp;
		assert_int_equal(
		    t_ref_cksum(t, tl, ref_pseudo(tip, s->ver[s->n_ip - 1], VX_IPPROTO_TCP, tl)),
		    0);
		if (s->n_ip == 2) {
			const uint8_t *u = o + s->udp;
			uint32_t ul = len - s->udp;
			assert_int_equal(t_rd16(u + 4), ul);
			if (t_rd16(s->b + s->udp + 6) || s->ver[0] == 6)
				assert_int_equal(t_ref_cksum(u, ul,
				                             ref_pseudo(o + s->ip[0], s->ver[0],
				                                        VX_IPPROTO_UDP, ul)),
				                 0);
			else
				assert_int_equal(t_rd16(u + 6), 0);
			assert_memory_equal(u + 8, s->b + s->udp + 8, 8); /* VXLAN header as is */
		}
		/* Ethernet headers as they were. */
		assert_memory_equal(o, s->b, 12);
		free(o);
	}
	assert_int_equal(got, pay);
	free(f);
}

static void test_tcp4_plain(void **state)
{
	(void)state;
	static struct sf s;
	build(&s, 0, false, 4, 0, 0, 10000);
	check_segments(&s, 1448, 2048, 1448);    /* 7 segments, the last short */
	check_segments(&s, 1398, 2048, 1398);    /* a sender behind a 1450-byte MTU */
	build(&s, 0, false, 4, 1, 12, 2 * 1436); /* VLAN tag, 12 option bytes: exact */
	check_segments(&s, 1436, 2048, 1436);
	build(&s, 0, false, 4, 0, 0, 65000);
	check_segments(&s, 1448, 2048, 1448);
	check_segments(&s, 9000, 2048, 2048 - 14 - 20 - 32); /* the frame bound wins */
}

static void test_tcp6_plain(void **state)
{
	(void)state;
	static struct sf s;
	build(&s, 0, false, 6, 2, 0, 9000);
	check_segments(&s, 1428, 2048, 1428);
	check_segments(&s, 8928, 1200, 1200 - (14 + 8 + 40 + 32)); /* the frame bound wins */
}

static void test_tcp_in_vxlan(void **state)
{
	(void)state;
	static struct sf s;
	/* Outer 20 + 8 + 8, inner 14 + 20 + 32: the inner MSS a 1450-byte VXLAN device gives. */
	build(&s, 4, false, 4, 0, 0, 30000);
	check_segments(&s, 1398, 2048, 1398);
	build(&s, 4, true, 6, 1, 0, 5000);
	check_segments(&s, 1374, 2048, 1374);
	build(&s, 6, false, 4, 0, 4, 5000); /* IPv6 underlay: its UDP checksum is mandatory */
	check_segments(&s, 1374, 2048, 1374);
}

static enum vx_gso_result plan_copy(const uint8_t *b, uint32_t len, uint32_t mss)
{
	struct vx_gso g;
	uint8_t *f = t_dup(b, len);
	enum vx_gso_result r = vx_gso_plan(f, len, mss, 2048, &g);
	free(f);
	return r;
}

static void test_refused(void **state)
{
	(void)state;
	static struct sf s;

	build(&s, 0, false, 4, 0, 0, 3000);
	assert_int_equal(plan_copy(s.b, s.len, 1448), VX_GSO_OK);
	/* Every truncation: the lengths no longer end at the frame's end. */
	for (uint32_t n = 0; n < s.len; n++)
		assert_int_not_equal(plan_copy(s.b, n, 1448), VX_GSO_OK);
	assert_int_equal(plan_copy(s.b, s.len, 38), VX_GSO_TOO_MANY); /* 79 segments */
	assert_int_equal(plan_copy(s.b, s.len, 7), VX_GSO_BAD);       /* < 8 per segment */
	s.b[s.ip[0] + 7] = 1;                                         /* fragment offset 8 */
	assert_int_equal(plan_copy(s.b, s.len, 1448), VX_GSO_BAD);
	s.b[s.ip[0] + 7] = 0;
	s.b[s.ip[0] + 9] = VX_IPPROTO_UDP; /* UDP to port 5201: not VXLAN */
	assert_int_equal(plan_copy(s.b, s.len, 1448), VX_GSO_NOT_TCP);
	s.b[s.ip[0] + 9] = 47; /* GRE */
	assert_int_equal(plan_copy(s.b, s.len, 1448), VX_GSO_NOT_TCP);
	t_wr16(s.b + 12, VX_ETHERTYPE_ARP);
	assert_int_equal(plan_copy(s.b, s.len, 1448), VX_GSO_NOT_TCP);

	build(&s, 0, false, 4, 0, 0, 0); /* headers only: nothing to cut */
	assert_int_equal(plan_copy(s.b, s.len, 1448), VX_GSO_BAD);
	build(&s, 4, false, 4, 0, 0, 3000);
	for (uint32_t n = 0; n < s.len; n++)
		assert_int_not_equal(plan_copy(s.b, n, 1448), VX_GSO_OK);
	s.b[s.udp + 8] = 0; /* no I flag */
	assert_int_equal(plan_copy(s.b, s.len, 1448), VX_GSO_NOT_TCP);
	build(&s, 0, false, 6, 0, 0, 3000);
	s.b[s.ip[0] + 6] = 0; /* hop-by-hop options header */
	assert_int_equal(plan_copy(s.b, s.len, 1448), VX_GSO_NOT_TCP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tcp4_plain),
	    cmocka_unit_test(test_tcp6_plain),
	    cmocka_unit_test(test_tcp_in_vxlan),
	    cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
