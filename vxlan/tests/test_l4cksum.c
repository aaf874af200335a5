/* Unit tests for vx_l4cksum.c and the partial-checksum paths of vx_decap(): hand-built frames
 * (TCP and UDP over IPv4, VLAN-tagged, IPv6) whose checksum field is partial (the folded
 * pseudo-header sum a Linux sender with checksum offload leaves), complete, zero or corrupted;
 * every call on an exact-size heap copy. Expected values come from the byte-at-a-time reference
 * routine of test_util.h, not from the library. */
#include "test_util.h"
#include "vxlan.h"

#define VNI 100

/* Folded, uncomplemented 'start' (the reference's view of a pseudo-header sum). */
static uint16_t ref_fold(uint32_t start)
{
	return (uint16_t)~t_ref_cksum(NULL, 0, start);
}

/* The completed checksum of a fix, read as the bytes it will write. */
static uint16_t fixval(const struct vx_l4_fix *fix)
{
	return t_rd16((const uint8_t *)&fix->cksum);
}

struct frame {
	uint8_t b[1600];
	uint32_t len, l3, l4, l4_len, field;
	uint8_t proto;
	bool v6;
};

/* Ethernet (+ 'tags' 802.1Q/802.1ad tags) + IPv4 or IPv6 + TCP (20) or UDP (8) header +
 * 'pay' payload bytes; checksum field 0; IPv4 header checksum right. */
static void build(struct frame *fr, uint8_t proto, bool v6, int tags, uint32_t pay)
{
	uint8_t *f = fr->b;
	uint32_t o = 12, hl = proto == VX_IPPROTO_TCP ? 20 : 8;

	memset(fr, 0, sizeof(*fr));
	memcpy(f, t_our_mac, 6);
	memcpy(f + 6, t_peer_mac, 6);
	for (int i = 0; i < tags; i++, o += 4) {
		t_wr16(f + o, i == 0 && tags == 2 ? VX_ETHERTYPE_QINQ : VX_ETHERTYPE_VLAN);
		t_wr16(f + o + 2, 10 + i);
	}
	t_wr16(f + o, v6 ? VX_ETHERTYPE_IPV6 : VX_ETHERTYPE_IP);
	fr->l3 = o + 2;
	fr->l4_len = hl + pay;
	uint8_t *ip = f + fr->l3;
	if (v6) {
		ip[0] = 0x60;
		t_wr16(ip + 4, (uint16_t)fr->l4_len);
		ip[6] = proto;
		ip[7] = 64;
		for (int i = 0; i < 16; i++) {
			ip[8 + i] = (uint8_t)(0x20 + i);
			ip[24 + i] = (uint8_t)(0x90 + 3 * i);
		}
		fr->l4 = fr->l3 + 40;
	} else {
		ip[0] = 0x45;
		t_wr16(ip + 2, (uint16_t)(20 + fr->l4_len));
		t_wr16(ip + 6, 0x4000); /* DF */
		ip[8] = 64;
		ip[9] = proto;
		memcpy(ip + 12, (uint8_t[]){10, 100, 0, 2, 10, 100, 0, 1}, 8);
		t_fix_ip_cksum(ip);
		fr->l4 = fr->l3 + 20;
	}
	uint8_t *l4 = f + fr->l4;
	t_wr16(l4, 40000);
	t_wr16(l4 + 2, 5201);
	if (proto == VX_IPPROTO_TCP) {
		l4[12] = 0x50;
		l4[13] = 0x18;
		fr->field = fr->l4 + 16;
	} else {
		t_wr16(l4 + 4, (uint16_t)fr->l4_len);
		fr->field = fr->l4 + 6;
	}
	for (uint32_t i = 0; i < pay; i++)
		l4[hl + i] = (uint8_t)(i * 7 + 3);
	fr->proto = proto;
	fr->v6 = v6;
	fr->len = fr->l4 + fr->l4_len;
}

/* The pseudo-header sum, by the reference rules. */
static uint32_t pseudo(const struct frame *fr)
{
	const uint8_t *ip = fr->b + fr->l3;
	uint32_t s = fr->proto + fr->l4_len;
	int n = fr->v6 ? 32 : 8, at = fr->v6 ? 8 : 12;

	for (int i = 0; i < n; i += 2)
		s += t_rd16(ip + at + i);
	return s;
}

/* The complete checksum of the L4 segment (field taken as 0). */
static uint16_t complete_value(struct frame *fr)
{
	uint16_t keep = t_rd16(fr->b + fr->field), c;

	t_wr16(fr->b + fr->field, 0);
	c = t_ref_cksum(fr->b + fr->l4, fr->l4_len, pseudo(fr));
	t_wr16(fr->b + fr->field, keep);
	if (c == 0 && fr->proto == VX_IPPROTO_UDP)
		c = 0xffff;
	return c;
}

static void make_complete(struct frame *fr)
{
	t_wr16(fr->b + fr->field, complete_value(fr));
}

static void make_partial(struct frame *fr)
{
	t_wr16(fr->b + fr->field, ref_fold(pseudo(fr)));
}

/* vx_l4_partial() on an exact-size copy; checks it never writes and leaves *fix alone unless
 * PARTIAL. */
static enum vx_l4_csum partial_exact(const uint8_t *f, uint32_t len, struct vx_l4_fix *fix)
{
	struct vx_l4_fix sentinel, o;
	uint8_t *b = t_dup(f, len);

	memset(&sentinel, 0x6b, sizeof(sentinel)); /* padding included */
	memcpy(&o, &sentinel, sizeof(o));
	enum vx_l4_csum r = vx_l4_partial(b, len, &o);

	assert_memory_equal(b, f, len);
	free(b);
	if (r != VX_L4_CSUM_PARTIAL)
		assert_memory_equal(&o, &sentinel, sizeof(o));
	else
		assert_true(o.off + 2 <= len);
	if (fix)
		*fix = o;
	return r;
}

/* Completes a partial frame with the library's answer and checks the reference accepts it. */
static void check_completes(struct frame *fr)
{
	struct vx_l4_fix fix;
	uint16_t want = complete_value(fr);

	assert_int_equal(partial_exact(fr->b, fr->len, &fix), VX_L4_CSUM_PARTIAL);
	assert_int_equal(fix.off, fr->field);
	memcpy(fr->b + fix.off, &fix.cksum, 2);
	assert_int_equal(t_rd16(fr->b + fr->field), want);
	assert_int_equal(t_ref_cksum(fr->b + fr->l4, fr->l4_len, pseudo(fr)), 0);
	/* Once complete it is no longer partial (barring the 1-in-65536 coincidence). */
	assert_int_equal(partial_exact(fr->b, fr->len, NULL), VX_L4_CSUM_NONE);
}

static void test_partial_completed(void **state)
{
	static const struct {
		uint8_t proto;
		bool v6;
		int tags;
		uint32_t pay;
	} c[] = {
	    {VX_IPPROTO_TCP, false, 0, 1400}, {VX_IPPROTO_TCP, false, 0, 0},
	    {VX_IPPROTO_TCP, false, 0, 1},    {VX_IPPROTO_UDP, false, 0, 33},
	    {VX_IPPROTO_TCP, false, 1, 100},  {VX_IPPROTO_UDP, false, 2, 64},
	    {VX_IPPROTO_TCP, true, 0, 1000},  {VX_IPPROTO_UDP, true, 1, 7},
	};
	struct frame fr = {0};

	(void)state;
	for (unsigned i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		build(&fr, c[i].proto, c[i].v6, c[i].tags, c[i].pay);
		make_partial(&fr);
		check_completes(&fr);
		/* Ethernet padding after the IP packet is not summed. */
		build(&fr, c[i].proto, c[i].v6, c[i].tags, c[i].pay);
		make_partial(&fr);
		fr.b[fr.len] = 0xaa;
		fr.b[fr.len + 1] = 0x55;
		fr.len += 2;
		struct vx_l4_fix fix;
		assert_int_equal(partial_exact(fr.b, fr.len, &fix), VX_L4_CSUM_PARTIAL);
		assert_int_equal(fixval(&fix), complete_value(&fr));
	}
}

static void test_complete_zero_corrupted_left(void **state)
{
	struct frame fr = {0};

	(void)state;
	for (int p = 0; p < 2; p++) {
		uint8_t proto = p ? VX_IPPROTO_UDP : VX_IPPROTO_TCP;
		build(&fr, proto, false, 0, 200);
		make_complete(&fr);
		assert_int_equal(partial_exact(fr.b, fr.len, NULL), VX_L4_CSUM_NONE);
		/* Corrupted payload under a complete checksum: not ours to touch. */
		fr.b[fr.l4 + 30] ^= 0x10;
		assert_int_equal(partial_exact(fr.b, fr.len, NULL), VX_L4_CSUM_NONE);
		/* A wrong value that is not the pseudo-header sum either. */
		t_wr16(fr.b + fr.field, (uint16_t)(ref_fold(pseudo(&fr)) + 1));
		assert_int_equal(partial_exact(fr.b, fr.len, NULL), VX_L4_CSUM_NONE);
		/* Zero: "no checksum" for UDP; never a partial TCP value. */
		t_wr16(fr.b + fr.field, 0);
		assert_int_equal(partial_exact(fr.b, fr.len, NULL), VX_L4_CSUM_NONE);
	}
}

static void test_udp_zero_result_is_ffff(void **state)
{
	struct frame fr = {0};

	(void)state;
	/* Choose a payload word so that the complete checksum computes to 0. */
	build(&fr, VX_IPPROTO_UDP, false, 0, 20);
	t_wr16(fr.b + fr.l4 + 8, 0);
	uint16_t c = complete_value(&fr); /* with payload word 0 at offset 8 */
	t_wr16(fr.b + fr.l4 + 8, c);
	make_partial(&fr);
	struct vx_l4_fix fix;
	assert_int_equal(partial_exact(fr.b, fr.len, &fix), VX_L4_CSUM_PARTIAL);
	assert_int_equal(fixval(&fix), 0xffff);
	memcpy(fr.b + fix.off, &fix.cksum, 2);
	assert_int_equal(t_ref_cksum(fr.b + fr.l4, fr.l4_len, pseudo(&fr)), 0);
}

static void test_coincidence_completes_to_itself(void **state)
{
	struct frame fr = {0};

	(void)state;
	/* A complete, right TCP checksum equal to the pseudo-header sum: pick a payload word w so
	 * that pseudo + data + w + field == 0xffff with field = p. */
	build(&fr, VX_IPPROTO_TCP, false, 0, 40);
	uint16_t p = ref_fold(pseudo(&fr));
	t_wr16(fr.b + fr.l4 + 20, 0);
	t_wr16(fr.b + fr.field, 0);
	t_wr16(fr.b + fr.l4 + 20, t_ref_cksum(fr.b + fr.l4, fr.l4_len, pseudo(&fr) + p));
	t_wr16(fr.b + fr.field, p);
	assert_int_equal(t_ref_cksum(fr.b + fr.l4, fr.l4_len, pseudo(&fr)), 0); /* right */
	struct vx_l4_fix fix;
	assert_int_equal(partial_exact(fr.b, fr.len, &fix), VX_L4_CSUM_PARTIAL);
	assert_int_equal(fixval(&fix), p); /* unchanged: completion keeps it right */
}

static void test_not_l4_fragment_truncated(void **state)
{
	struct frame fr = {0};

	(void)state;
	/* ICMP, a fragment, IPv6 with an extension header, ARP: NONE. */
	build(&fr, VX_IPPROTO_TCP, false, 0, 50);
	make_partial(&fr);
	fr.b[fr.l3 + 9] = VX_IPPROTO_ICMP;
	assert_int_equal(partial_exact(fr.b, fr.len, NULL), VX_L4_CSUM_NONE);
	build(&fr, VX_IPPROTO_TCP, false, 0, 50);
	make_partial(&fr);
	t_wr16(fr.b + fr.l3 + 6, 0x2000); /* MF */
	assert_int_equal(partial_exact(fr.b, fr.len, NULL), VX_L4_CSUM_NONE);
	build(&fr, VX_IPPROTO_UDP, true, 0, 50);
	make_partial(&fr);
	fr.b[fr.l3 + 6] = 0; /* hop-by-hop */
	assert_int_equal(partial_exact(fr.b, fr.len, NULL), VX_L4_CSUM_NONE);
	t_wr16(fr.b + 12, VX_ETHERTYPE_ARP);
	assert_int_equal(partial_exact(fr.b, fr.len, NULL), VX_L4_CSUM_NONE);
	/* Every cut of a partial frame: never reads past the end; an IP packet longer than what
	 * is left is TRUNCATED once its header is readable, NONE before. */
	for (int v6 = 0; v6 < 2; v6++) {
		build(&fr, VX_IPPROTO_TCP, v6, 1, 60);
		make_partial(&fr);
		uint32_t hdr = fr.l3 + (v6 ? 40 : 20);
		for (uint32_t n = 0; n < fr.len; n++)
			assert_int_equal(partial_exact(fr.b, n, NULL),
			                 n < hdr ? VX_L4_CSUM_NONE : VX_L4_CSUM_TRUNCATED);
		assert_int_equal(partial_exact(fr.b, fr.len, NULL), VX_L4_CSUM_PARTIAL);
	}
	/* Short L4 segments (IP length says fewer bytes than a TCP/UDP header): NONE. */
	build(&fr, VX_IPPROTO_TCP, false, 0, 0);
	t_wr16(fr.b + fr.l3 + 2, 20 + 19);
	t_fix_ip_cksum(fr.b + fr.l3);
	assert_int_equal(partial_exact(fr.b, fr.len, NULL), VX_L4_CSUM_NONE);
}

/* ---- vx_decap(): the outer UDP checksum of VXLAN frames carrying these inner frames ---- */

struct dctx {
	struct vx_vtep v;
	struct vx_vni_table *vnis;
	struct vx_tunnel t;
};

static int setup(void **state)
{
	static struct dctx c;
	struct vx_vni_entry e[] = {{VNI, 1}};
	struct vx_tunnel_params p;

	if (vx_vtep_init(&c.v, t_our_mac, t_ip(192, 0, 2, 1), 4789) != 0)
		return -1;
	vx_tunnel_params_init(&p);
	memcpy(p.src_mac, t_peer_mac, 6);
	memcpy(p.dst_mac, t_our_mac, 6);
	p.src_ip = t_ip(192, 0, 2, 2);
	p.dst_ip = t_ip(192, 0, 2, 1);
	p.vni = VNI;
	if (vx_tunnel_init(&c.t, &p) != 0)
		return -1;
	c.vnis = vx_vni_table_create(e, 1);
	*state = &c;
	return c.vnis ? 0 : -1;
}

static int teardown(void **state)
{
	struct dctx *c = *state;

	vx_vni_table_destroy(c->vnis);
	return 0;
}

/* Encapsulates 'in' into 'out' (outer UDP checksum 0, as vx_encap writes it). */
static uint32_t encap(struct dctx *c, const struct frame *in, uint8_t *out)
{
	memcpy(out + VX_ENCAP_LEN, in->b, in->len);
	assert_true(vx_encap(&c->t, out, in->len, 1, 1) >= 0);
	return VX_ENCAP_LEN + in->len;
}

static void set_outer_complete(uint8_t *f, uint32_t len)
{
	t_wr16(f + 40, 0);
	uint16_t c = t_ref_udp_cksum(f + 14, f + 34, len - 34);
	t_wr16(f + 40, c ? c : 0xffff);
}

static void set_outer_partial(uint8_t *f, uint32_t len)
{
	uint32_t s = 17 + (len - 34);
	for (int i = 12; i < 20; i += 2)
		s += t_rd16(f + 14 + i);
	t_wr16(f + 40, ref_fold(s));
}

static enum vx_reason decap_exact(struct dctx *c, const uint8_t *f, uint32_t len, uint32_t flags,
                                  struct vx_rx_info *o)
{
	uint8_t *b = t_dup(f, len);
	enum vx_reason r = vx_decap(&c->v, c->vnis, b, len, flags, o);

	assert_memory_equal(b, f, len);
	free(b);
	return r;
}

static void test_decap_outer(void **state)
{
	struct dctx *c = *state;
	struct vx_rx_info o;
	struct frame in = {0};
	uint8_t f[1700];

	build(&in, VX_IPPROTO_TCP, false, 0, 300);
	make_complete(&in);
	uint32_t n = encap(c, &in, f);
	/* Zero, complete: plain OK. */
	assert_int_equal(decap_exact(c, f, n, 0, &o), VX_R_OK);
	assert_int_equal(o.flags, 0);
	set_outer_complete(f, n);
	assert_int_equal(decap_exact(c, f, n, 0, &o), VX_R_OK);
	assert_int_equal(o.flags, 0);
	/* Partial outer (a kernel VXLAN sender on a veth with tx offload): accepted, said so. */
	set_outer_partial(f, n);
	assert_int_equal(decap_exact(c, f, n, 0, &o), VX_R_OK);
	assert_int_equal(o.flags, VX_RX_I_OUTER_PARTIAL);
	assert_int_equal(o.inner_len, in.len);
	/* Corrupted under a complete outer checksum: dropped; skipped by policy: accepted. */
	set_outer_complete(f, n);
	f[VX_ENCAP_LEN + 100] ^= 1;
	assert_int_equal(decap_exact(c, f, n, 0, &o), VX_R_BAD_UDP_CKSUM);
	assert_int_equal(decap_exact(c, f, n, VX_RX_F_UDP_CKSUM_SKIP, &o), VX_R_OK);
	assert_int_equal(o.flags, 0);
	/* A wrong outer value that is not the partial one: dropped. */
	f[VX_ENCAP_LEN + 100] ^= 1;
	t_wr16(f + 40, (uint16_t)(t_rd16(f + 40) + 1));
	assert_int_equal(decap_exact(c, f, n, 0, &o), VX_R_BAD_UDP_CKSUM);
}

static void test_decap_inner_partial(void **state)
{
	struct dctx *c = *state;
	struct vx_rx_info o;
	struct frame in = {0};
	uint8_t f[1700];

	for (int p = 0; p < 2; p++) {
		build(&in, p ? VX_IPPROTO_UDP : VX_IPPROTO_TCP, false, p, 500);
		uint16_t want = complete_value(&in);
		/* Local checksum offload: the outer checksum is right for the completed inner
		 * frame, the inner field on the wire is still partial. */
		make_complete(&in);
		uint32_t n = encap(c, &in, f);
		/* (Also tells the optimiser the bounds: gcc -O3 otherwise warns on f[n - 1] and the
		 * memcpy below, and a release build of the tests stopped there.) */
		if (n < VX_ENCAP_LEN + 1 || n > sizeof(f) || in.len > sizeof(f) - VX_ENCAP_LEN)
			abort();
		set_outer_complete(f, n);
		t_wr16(f + VX_ENCAP_LEN + in.field, ref_fold(pseudo(&in)));
		assert_int_equal(decap_exact(c, f, n, 0, &o), VX_R_OK);
		assert_int_equal(o.flags, VX_RX_I_INNER_PARTIAL);
		assert_int_equal(o.inner_fix.off, in.field);
		assert_int_equal(fixval(&o.inner_fix), want);
		/* ... corrupted outside the inner L4 segment (inner MAC, VXLAN header, inner IP
		 * header, which also changes the pseudo-header): neither reading verifies. Inside
		 * the inner segment, the completion covers any change (the segment with its
		 * completed checksum sums to zero): as when a device completes it, the outer sum
		 * cannot see it; the library's contract says so. */
		static const uint32_t at[] = {VX_ENCAP_LEN + 7, 44, VX_ENCAP_LEN + 14 + 1 + 4 + 12};
		for (unsigned k = 0; k < 3; k++) {
			uint32_t a = at[k] + (p && k == 2 ? 4 : 0); /* the VLAN tag */
			f[a] ^= 0x40;
			assert_int_equal(decap_exact(c, f, n, 0, &o), VX_R_BAD_UDP_CKSUM);
			f[a] ^= 0x40;
		}
		uint8_t *last = f + n - 1;
		*last ^= 0x40;
		assert_int_equal(decap_exact(c, f, n, 0, &o), VX_R_OK);
		*last ^= 0x40;
		/* Outer 0 (noudpcsum sender), or not verified: the inner frame is looked at when
		 * the port may carry partial checksums (VX_RX_F_MAYBE_PARTIAL), not otherwise. */
		const uint32_t mp = VX_RX_F_MAYBE_PARTIAL;
		t_wr16(f + 40, 0);
		assert_int_equal(decap_exact(c, f, n, mp, &o), VX_R_OK);
		assert_int_equal(o.flags, VX_RX_I_INNER_PARTIAL);
		assert_int_equal(o.inner_fix.off, in.field);
		assert_int_equal(fixval(&o.inner_fix), want);
		assert_int_equal(decap_exact(c, f, n, 0, &o), VX_R_OK);
		assert_int_equal(o.flags, 0);
		set_outer_complete(f, n);
		f[n - 1] ^= 0x40; /* now wrong, but not verified */
		assert_int_equal(decap_exact(c, f, n, VX_RX_F_UDP_CKSUM_SKIP | mp, &o), VX_R_OK);
		assert_int_equal(o.flags, VX_RX_I_INNER_PARTIAL);
		assert_int_equal(decap_exact(c, f, n, VX_RX_F_UDP_CKSUM_SKIP, &o), VX_R_OK);
		assert_int_equal(o.flags, 0);
		/* A complete inner frame under outer 0: nothing to do. */
		memcpy(f + VX_ENCAP_LEN, in.b, in.len);
		t_wr16(f + 40, 0);
		assert_int_equal(decap_exact(c, f, n, mp, &o), VX_R_OK);
		assert_int_equal(o.flags, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_partial_completed),
	    cmocka_unit_test(test_complete_zero_corrupted_left),
	    cmocka_unit_test(test_udp_zero_result_is_ffff),
	    cmocka_unit_test(test_coincidence_completes_to_itself),
	    cmocka_unit_test(test_not_l4_fragment_truncated),
	    cmocka_unit_test_setup_teardown(test_decap_outer, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_decap_inner_partial, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
