/* Unit tests for vx_decap.c: decapsulation of scapy-made frames, one test per bad-input class
 * (each on an exact-size heap buffer, so ASan/valgrind catch any overread), classification of
 * underlay frames, reason and class names, and random mutations. */
#include <ctype.h>
#include <errno.h>

#include "test_util.h"
#include "vectors.h"
#include "vxlan.h"

#define VNI_OK 5001
#define ID_OK  7

struct ctx {
	struct vx_vtep v;
	struct vx_vni_table *vnis;
};

static int setup(void **state)
{
	static struct ctx c;
	struct vx_vni_entry e[] = {{VNI_OK, ID_OK}, {100, 1}, {0xffffff, 2}};

	if (vx_vtep_init(&c.v, t_our_mac, t_ip(192, 0, 2, 1), 4789) != 0)
		return -1;
	c.vnis = vx_vni_table_create(e, 3);
	*state = &c;
	return c.vnis ? 0 : -1;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	vx_vni_table_destroy(c->vnis);
	return 0;
}

/* Runs vx_decap() on an exact-size heap copy of f[0..len); checks 'out' is untouched on error,
 * except VX_R_UNKNOWN_VNI, which fills it (id VX_VNI_ID_NONE) for catch-all (key=flow) tunnels. */
static enum vx_reason decap_exact(struct ctx *c, const uint8_t *f, uint32_t len, uint32_t flags,
                                  struct vx_rx_info *out)
{
	struct vx_rx_info sentinel, o;
	enum vx_reason r;
	uint8_t *b = t_dup(f, len);

	memset(&sentinel, 0x6b, sizeof(sentinel));
	o = sentinel;
	r = vx_decap(&c->v, c->vnis, b, len, flags, &o);
	if (r == VX_R_UNKNOWN_VNI)
		assert_true(o.id == VX_VNI_ID_NONE && o.inner_off + o.inner_len <= len &&
		            o.vni <= VX_VNI_MAX);
	else if (r != VX_R_OK)
		assert_memory_equal(&o, &sentinel, sizeof(o));
	else
		assert_true(o.inner_off + o.inner_len <= len);
	assert_memory_equal(b, f, len); /* never writes */
	free(b);
	if (out)
		*out = o;
	return r;
}

/* A mutable copy of the scapy frame (UDP checksum 0 unless 'with_cksum'). */
static void base(uint8_t *f, bool with_cksum)
{
	memcpy(f, with_cksum ? rx_vxlan_cksum : rx_vxlan_nocksum, sizeof(rx_vxlan_cksum));
}

#define FLEN ((uint32_t)sizeof(rx_vxlan_cksum))

static void test_decap_scapy(void **state)
{
	struct ctx *c = *state;
	struct vx_rx_info o;
	uint8_t f[FLEN + 10];

	for (int with = 0; with < 2; with++) {
		base(f, with);
		assert_int_equal(decap_exact(c, f, FLEN, 0, &o), VX_R_OK);
		assert_int_equal(o.inner_off, 50);
		assert_int_equal(o.inner_len, sizeof(inner_frame));
		assert_memory_equal(f + o.inner_off, inner_frame, sizeof(inner_frame));
		assert_int_equal(o.vni, VNI_OK);
		assert_int_equal(o.id, ID_OK);
		assert_int_equal(o.remote_ip, t_ip(192, 0, 2, 2));
		assert_int_equal(o.remote_port, 55555);
		/* Ethernet trailer padding after the IPv4 packet is not inner data. */
		memset(f + FLEN, 0, 10);
		assert_int_equal(decap_exact(c, f, FLEN + 10, 0, &o), VX_R_OK);
		assert_int_equal(o.inner_len, sizeof(inner_frame));
	}
}

static void test_roundtrip(void **state)
{
	struct ctx *c = *state;
	struct vx_tunnel_params p;
	struct vx_tunnel t;
	struct vx_rx_info o;
	uint8_t f[VX_ENCAP_LEN + sizeof(inner_frame)];

	vx_tunnel_params_init(&p);
	memcpy(p.src_mac, t_peer_mac, 6);
	memcpy(p.dst_mac, t_our_mac, 6);
	p.src_ip = t_ip(192, 0, 2, 2);
	p.dst_ip = t_ip(192, 0, 2, 1);
	p.vni = 100;
	assert_int_equal(vx_tunnel_init(&t, &p), 0);
	memcpy(f + VX_ENCAP_LEN, inner_frame, sizeof(inner_frame));
	assert_int_equal(vx_encap(&t, f, sizeof(inner_frame), 99, 5), 0);
	assert_int_equal(decap_exact(c, f, sizeof(f), 0, &o), VX_R_OK);
	assert_int_equal(o.vni, 100);
	assert_int_equal(o.id, 1);
	assert_int_equal(o.remote_port, vx_src_port(&t, 99));
	assert_memory_equal(f + o.inner_off, inner_frame, o.inner_len);
}

/* Rewrites IPv4 total length = ip_len and UDP length = ip_len - 20, fixes the IPv4 checksum
 * with the reference routine, UDP checksum 0. */
static void set_lengths(uint8_t *f, uint16_t ip_len)
{
	t_wr16(f + 16, ip_len);
	if (ip_len >= 28)
		t_wr16(f + 38, ip_len - 20);
	t_fix_ip_cksum(f + 14);
}

static void test_truncations(void **state)
{
	struct ctx *c = *state;

	/* Cut anywhere: the declared lengths no longer fit. */
	for (uint32_t n = 0; n < FLEN; n++) {
		enum vx_reason r = decap_exact(c, rx_vxlan_cksum, n, 0, NULL);

		if (n < 14)
			assert_int_equal(r, VX_R_TRUNC_ETH);
		else if (n < 34)
			assert_int_equal(r, VX_R_TRUNC_IPV4);
		else
			assert_int_equal(r, VX_R_BAD_IP_LEN);
	}
}

static void test_short_payloads(void **state)
{
	struct ctx *c = *state;
	uint8_t f[FLEN];

	/* IPv4 payload shorter than UDP: frames cut consistently at every length. */
	for (uint16_t ip_len = 20; ip_len < 28; ip_len++) {
		base(f, false);
		set_lengths(f, ip_len);
		assert_int_equal(decap_exact(c, f, 14u + ip_len, 0, NULL), VX_R_TRUNC_UDP);
	}
	/* UDP payload shorter than VXLAN. */
	for (uint16_t ip_len = 28; ip_len < 36; ip_len++) {
		base(f, false);
		set_lengths(f, ip_len);
		assert_int_equal(decap_exact(c, f, 14u + ip_len, 0, NULL), VX_R_TRUNC_VXLAN);
	}
	/* Inner frame of 0..13 bytes. */
	for (uint16_t ip_len = 36; ip_len < 50; ip_len++) {
		base(f, false);
		set_lengths(f, ip_len);
		assert_int_equal(decap_exact(c, f, 14u + ip_len, 0, NULL), VX_R_INNER_TOO_SHORT);
	}
	/* Exactly 14 bytes of inner frame is fine. */
	base(f, false);
	set_lengths(f, 50);
	assert_int_equal(decap_exact(c, f, 64, 0, NULL), VX_R_OK);
}

/* Applies 'stmt' to a fresh frame, optionally fixes the IPv4 checksum, expects 'reason'. */
#define CASE(with_cksum, fix_ip, reason, stmt)                                                     \
	do {                                                                                       \
		base(f, with_cksum);                                                               \
		stmt;                                                                              \
		if (fix_ip)                                                                        \
			t_fix_ip_cksum(f + 14);                                                    \
		assert_int_equal(decap_exact(c, f, FLEN, 0, NULL), reason);                        \
	} while (0)

static void test_bad_classes(void **state)
{
	struct ctx *c = *state;
	uint8_t f[FLEN];

	CASE(false, false, VX_R_NOT_IPV4, t_wr16(f + 12, 0x86dd));
	CASE(false, false, VX_R_NOT_IPV4, t_wr16(f + 12, 0x8100)); /* no outer VLAN support */
	CASE(false, false, VX_R_NOT_IPV4, t_wr16(f + 12, 0x0806));
	CASE(false, true, VX_R_BAD_IP_VERSION, f[14] = 0x65);
	CASE(false, true, VX_R_IP_OPTIONS, f[14] = 0x46);
	CASE(false, true, VX_R_IP_OPTIONS, f[14] = 0x44);
	CASE(false, true, VX_R_IP_OPTIONS, f[14] = 0x4f);
	CASE(false, true, VX_R_BAD_IP_LEN, t_wr16(f + 16, 19));
	CASE(false, true, VX_R_BAD_IP_LEN, t_wr16(f + 16, FLEN - 14 + 1));
	CASE(false, true, VX_R_BAD_IP_LEN, t_wr16(f + 16, 0xffff));
	CASE(false, false, VX_R_BAD_IP_CKSUM, f[24] ^= 0x01);
	CASE(false, false, VX_R_BAD_IP_CKSUM, f[26] ^= 0x80);           /* source address changed */
	CASE(false, true, VX_R_FRAGMENT, f[20] |= 0x20);                /* MF */
	CASE(false, true, VX_R_FRAGMENT, (f[20] = 0x40, f[21] = 0x01)); /* offset 8 */
	CASE(false, true, VX_R_FRAGMENT, (f[20] = 0x1f, f[21] = 0xff)); /* largest offset */
	CASE(false, true, VX_R_TTL_ZERO, f[22] = 0);
	CASE(false, true, VX_R_FOREIGN_DST, f[33] = 3);
	CASE(false, true, VX_R_FOREIGN_DST, memset(f + 30, 0xff, 4)); /* broadcast */
	CASE(false, true, VX_R_NOT_UDP, f[23] = 6);
	CASE(false, true, VX_R_NOT_UDP, f[23] = 1);
	CASE(false, false, VX_R_BAD_UDP_LEN, t_wr16(f + 38, t_rd16(f + 38) + 1));
	CASE(false, false, VX_R_BAD_UDP_LEN, t_wr16(f + 38, t_rd16(f + 38) - 1));
	CASE(false, false, VX_R_BAD_UDP_LEN, t_wr16(f + 38, 0));
	CASE(false, false, VX_R_WRONG_PORT, t_wr16(f + 36, 4790));
	CASE(false, false, VX_R_WRONG_PORT, t_wr16(f + 36, 8472));
	CASE(true, false, VX_R_BAD_UDP_CKSUM, f[60] ^= 0x10); /* inner byte changed */
	CASE(true, false, VX_R_BAD_UDP_CKSUM, f[41] ^= 0x01); /* checksum itself */
	CASE(true, false, VX_R_BAD_UDP_CKSUM, f[34] ^= 0x01); /* source port */
	CASE(false, false, VX_R_NO_I_FLAG, f[42] = 0x00);
	CASE(false, false, VX_R_NO_I_FLAG, f[42] = 0xf7);           /* every bit but I */
	CASE(false, false, VX_R_UNKNOWN_VNI, f[48] ^= 0x01);        /* VNI 5000 */
	CASE(false, false, VX_R_UNKNOWN_VNI, memset(f + 46, 0, 3)); /* VNI 0 */
	/* Reserved bits and bytes are ignored (RFC 7348). */
	CASE(false, false, VX_R_OK, (f[42] = 0xff, f[43] = f[44] = f[45] = 0xff, f[49] = 0xff));
	/* Source address and port are not checked; TTL 1 is fine (we are the destination). */
	CASE(false, true, VX_R_OK, (f[22] = 1, f[29] = 77, t_wr16(f + 34, 1)));
	/* A broken IPv4 checksum is accepted when the port says it verified the checksum (the
	 * flag is a promise by the caller); likewise for the UDP checksum. */
	base(f, false);
	f[24] ^= 1;
	assert_int_equal(decap_exact(c, f, FLEN, VX_RX_F_IP_CKSUM_GOOD, NULL), VX_R_OK);
	base(f, true);
	f[60] ^= 0x10;
	assert_int_equal(decap_exact(c, f, FLEN, VX_RX_F_L4_CKSUM_GOOD, NULL), VX_R_OK);
	/* A correct non-zero UDP checksum computed by the reference routine is accepted. */
	base(f, false);
	f[42] = 0x0c; /* flags changed, so the scapy checksum does not apply */
	{
		uint16_t ck = t_ref_udp_cksum(f + 14, f + 34, FLEN - 34);

		t_wr16(f + 40, ck ? ck : 0xffff);
	}
	assert_int_equal(decap_exact(c, f, FLEN, 0, NULL), VX_R_OK);
	/* Empty or absent VNI table. */
	base(f, false);
	{
		struct vx_vni_table *saved = c->vnis;

		c->vnis = NULL;
		assert_int_equal(decap_exact(c, f, FLEN, 0, NULL), VX_R_UNKNOWN_VNI);
		c->vnis = vx_vni_table_create(NULL, 0);
		assert_non_null(c->vnis);
		assert_int_equal(decap_exact(c, f, FLEN, 0, NULL), VX_R_UNKNOWN_VNI);
		vx_vni_table_destroy(c->vnis);
		c->vnis = saved;
	}
}

/* The first failing check wins: a frame with several defects gets the earliest reason. */
static void test_precedence(void **state)
{
	struct ctx *c = *state;
	uint8_t f[FLEN];

	CASE(false, false, VX_R_BAD_IP_CKSUM, (f[22] = 0, f[33] = 9)); /* cksum before TTL/dst */
	CASE(false, true, VX_R_FRAGMENT, (f[20] |= 0x20, f[22] = 0));
	CASE(false, true, VX_R_TTL_ZERO, (f[22] = 0, f[33] = 9));
	CASE(false, true, VX_R_FOREIGN_DST, (f[33] = 9, f[23] = 6));
	CASE(false, false, VX_R_WRONG_PORT, (t_wr16(f + 36, 1), f[42] = 0));
	CASE(true, false, VX_R_BAD_UDP_CKSUM, (f[42] = 0));
}

static void test_random_mutations(void **state)
{
	struct ctx *c = *state;
	uint8_t f[FLEN + 8];

	srand(7);
	for (int i = 0; i < 20000; i++) {
		uint32_t len = (uint32_t)rand() % (FLEN + 9);
		int n_flips = 1 + rand() % 4;

		base(f, rand() & 1);
		memset(f + FLEN, rand() & 0xff, 8);
		for (int k = 0; k < n_flips; k++)
			f[rand() % 50] ^= (uint8_t)(1u << (rand() % 8));
		if (rand() & 1)
			t_fix_ip_cksum(f + 14);
		(void)decap_exact(c, f, len, (uint32_t)rand() & 3, NULL);
		{
			uint8_t *b = t_dup(f, len);

			(void)vx_classify(&c->v, b, len);
			free(b);
		}
	}
}

static void test_reason_names(void **state)
{
	(void)state;
	assert_string_equal(vx_reason_name(VX_R_OK), "ok");
	assert_string_equal(vx_reason_name(VX_R_TOO_BIG), "too_big");
	assert_string_equal(vx_reason_name(VX_R_UNKNOWN_VNI), "unknown_vni");
	assert_string_equal(vx_reason_name(VX_R__COUNT), "?");
	assert_string_equal(vx_reason_desc((enum vx_reason) - 1), "?");
	for (int r = 0; r < VX_R__COUNT; r++) {
		const char *n = vx_reason_name(r), *d = vx_reason_desc(r);

		assert_non_null(n);
		assert_true(strlen(n) > 0 && strlen(d) > 0);
		for (const char *p = n; *p; p++)
			assert_true(islower((unsigned char)*p) || isdigit((unsigned char)*p) ||
			            *p == '_');
		for (int s = 0; s < r; s++)
			assert_string_not_equal(vx_reason_name(s), n);
	}
	assert_string_equal(vx_class_name(VX_CLASS_VXLAN), "vxlan");
	assert_string_equal(vx_class_name(VX_CLASS_NOT_FOR_US), "not_for_us");
	assert_string_equal(vx_class_name(VX_CLASS__COUNT), "?");
}

static void test_vtep_init(void **state)
{
	struct vx_vtep v, before;
	uint8_t mc[6] = {0x01, 0, 0x5e, 0, 0, 1}, zero[6] = {0};

	(void)state;
	memset(&v, 0x11, sizeof(v));
	before = v;
	assert_int_equal(vx_vtep_init(&v, mc, t_ip(10, 0, 0, 1), 4789), -EINVAL);
	assert_int_equal(vx_vtep_init(&v, zero, t_ip(10, 0, 0, 1), 4789), -EINVAL);
	assert_int_equal(vx_vtep_init(&v, t_our_mac, 0, 4789), -EINVAL);
	assert_int_equal(vx_vtep_init(&v, t_our_mac, t_ip(224, 0, 0, 1), 4789), -EINVAL);
	assert_int_equal(vx_vtep_init(&v, t_our_mac, t_ip(255, 255, 255, 255), 4789), -EINVAL);
	assert_int_equal(vx_vtep_init(&v, t_our_mac, t_ip(10, 0, 0, 1), 0), -EINVAL);
	assert_memory_equal(&v, &before, sizeof(v));
	assert_int_equal(vx_vtep_init(&v, t_our_mac, t_ip(10, 0, 0, 1), 8472), 0);
	assert_int_equal(v.udp_port, 8472);
	assert_int_equal(v.ip, t_ip(10, 0, 0, 1));
	assert_memory_equal(v.mac, t_our_mac, 6);
}

static enum vx_class classify_exact(struct ctx *c, const uint8_t *f, uint32_t len)
{
	uint8_t *b = t_dup(f, len);
	enum vx_class k = vx_classify(&c->v, b, len);

	free(b);
	return k;
}

/* An IPv4 frame to 'dst' (a.b.c.d last byte) with protocol 'proto' and an 8-byte L4 header. */
static uint32_t make_ip(uint8_t *f, uint8_t proto, uint8_t last, const uint8_t l4[8])
{
	memcpy(f, rx_vxlan_nocksum, 34);
	t_wr16(f + 16, 28);
	f[23] = proto;
	f[33] = last;
	memcpy(f + 34, l4, 8);
	t_fix_ip_cksum(f + 14);
	return 42;
}

static void test_classify(void **state)
{
	struct ctx *c = *state;
	uint8_t f[FLEN];
	static const uint8_t echo[8] = {8, 0, 0, 0, 0, 1, 0, 1};
	static const uint8_t echo_reply[8] = {0, 0, 0, 0, 0, 1, 0, 1};
	static const uint8_t udp_dns[8] = {0x30, 0x39, 0, 53, 0, 8, 0, 0};
	static const uint8_t tcp[8] = {0x30, 0x39, 0, 22, 0, 0, 0, 0};
	uint32_t n;

	assert_int_equal(classify_exact(c, rx_vxlan_cksum, FLEN), VX_CLASS_VXLAN);
	/* Broadcast destination MAC is accepted, another unicast MAC or a multicast one is not. */
	base(f, false);
	memset(f, 0xff, 6);
	assert_int_equal(classify_exact(c, f, FLEN), VX_CLASS_VXLAN);
	f[5] = 0x09;
	assert_int_equal(classify_exact(c, f, FLEN), VX_CLASS_NOT_FOR_US);
	base(f, false);
	f[5] = 0x03;
	assert_int_equal(classify_exact(c, f, FLEN), VX_CLASS_NOT_FOR_US);
	/* IPv4 to another address, IPv6, LLDP. */
	base(f, false);
	f[33] = 99;
	assert_int_equal(classify_exact(c, f, FLEN), VX_CLASS_NOT_FOR_US);
	base(f, false);
	t_wr16(f + 12, 0x86dd);
	assert_int_equal(classify_exact(c, f, FLEN), VX_CLASS_NOT_FOR_US);
	t_wr16(f + 12, 0x88cc);
	assert_int_equal(classify_exact(c, f, FLEN), VX_CLASS_NOT_FOR_US);
	/* ARP for us (request, reply), ARP for someone else, broken ARP. */
	assert_int_equal(classify_exact(c, arp_req_in, sizeof(arp_req_in)), VX_CLASS_ARP);
	memcpy(f, arp_req_in, sizeof(arp_req_in));
	memcpy(f, t_our_mac, 6);
	f[21] = 2;
	assert_int_equal(classify_exact(c, f, sizeof(arp_req_in)), VX_CLASS_ARP);
	memcpy(f, arp_req_in, sizeof(arp_req_in));
	f[41] = 5;
	assert_int_equal(classify_exact(c, f, sizeof(arp_req_in)), VX_CLASS_NOT_FOR_US);
	assert_int_equal(classify_exact(c, arp_req_in, 41), VX_CLASS_NOT_FOR_US);
	/* ICMP. */
	assert_int_equal(classify_exact(c, icmp_echo_in, sizeof(icmp_echo_in)), VX_CLASS_ICMP_ECHO);
	n = make_ip(f, 1, 1, echo);
	assert_int_equal(classify_exact(c, f, n), VX_CLASS_ICMP_ECHO);
	n = make_ip(f, 1, 1, echo_reply);
	assert_int_equal(classify_exact(c, f, n), VX_CLASS_OTHER_TO_US);
	n = make_ip(f, 1, 1, echo);
	f[20] = 0x20; /* fragment of a ping */
	assert_int_equal(classify_exact(c, f, n), VX_CLASS_OTHER_TO_US);
	n = make_ip(f, 1, 2, echo);
	assert_int_equal(classify_exact(c, f, n), VX_CLASS_NOT_FOR_US);
	/* Other protocols/ports to us. */
	n = make_ip(f, 17, 1, udp_dns);
	assert_int_equal(classify_exact(c, f, n), VX_CLASS_OTHER_TO_US);
	n = make_ip(f, 6, 1, tcp);
	assert_int_equal(classify_exact(c, f, n), VX_CLASS_OTHER_TO_US);
	n = make_ip(f, 47, 1, tcp);
	assert_int_equal(classify_exact(c, f, n), VX_CLASS_OTHER_TO_US);
	/* Non-first UDP fragment: the port cannot be known, vx_decap() will say "fragment". */
	n = make_ip(f, 17, 1, udp_dns);
	f[21] = 0x10;
	assert_int_equal(classify_exact(c, f, n), VX_CLASS_VXLAN);
	/* Damaged IPv4 goes to vx_decap() for a reason; runts are not for us. */
	for (uint32_t len = 0; len <= FLEN; len++) {
		enum vx_class k = classify_exact(c, rx_vxlan_cksum, len);

		if (len < 14)
			assert_int_equal(k, VX_CLASS_NOT_FOR_US);
		else
			assert_int_equal(k, VX_CLASS_VXLAN);
	}
	base(f, false);
	f[14] = 0x65;
	assert_int_equal(classify_exact(c, f, FLEN), VX_CLASS_VXLAN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_decap_scapy),      cmocka_unit_test(test_roundtrip),
	    cmocka_unit_test(test_truncations),      cmocka_unit_test(test_short_payloads),
	    cmocka_unit_test(test_bad_classes),      cmocka_unit_test(test_precedence),
	    cmocka_unit_test(test_random_mutations), cmocka_unit_test(test_reason_names),
	    cmocka_unit_test(test_vtep_init),        cmocka_unit_test(test_classify),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
