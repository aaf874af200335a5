/* Unit tests for vx_encap.c: template validation, byte-exact encapsulation against scapy frames,
 * checksums (checked with a reference routine), MTU, source port range, flow hash. */
#include <errno.h>

#include "test_util.h"
#include "vectors.h"
#include "vxlan.h"

/* Tunnel A of gen_vectors.py, source port pinned to 50000. */
static void params_a(struct vx_tunnel_params *p)
{
	vx_tunnel_params_init(p);
	memcpy(p->src_mac, t_our_mac, 6);
	memcpy(p->dst_mac, t_peer_mac, 6);
	p->src_ip = t_ip(192, 0, 2, 1);
	p->dst_ip = t_ip(192, 0, 2, 2);
	p->vni = 5001;
	p->sport_min = p->sport_max = 50000;
}

/* Encapsulates 'inner' (n bytes) into an exact-size heap buffer; returns it (caller frees). */
static uint8_t *encap_exact(const struct vx_tunnel *t, const uint8_t *inner, uint32_t n,
                            uint32_t hash, uint16_t id, int *ret)
{
	uint8_t *b = malloc(VX_ENCAP_LEN + n);

	assert_non_null(b);
	memset(b, 0xa5, VX_ENCAP_LEN);
	memcpy(b + VX_ENCAP_LEN, inner, n);
	*ret = vx_encap(t, b, n, hash, id);
	return b;
}

static void test_defaults(void **state)
{
	struct vx_tunnel_params p;

	(void)state;
	memset(&p, 0x5a, sizeof(p));
	vx_tunnel_params_init(&p);
	assert_int_equal(p.dst_port, 4789);
	assert_int_equal(p.ttl, 64);
	assert_true(p.df);
	assert_int_equal(p.sport_min, 49152);
	assert_int_equal(p.sport_max, 65535);
	assert_int_equal(p.mtu, 1500);
	assert_false(p.ip_cksum_offload);
	assert_int_equal(p.tos, 0);
}

static void test_invalid_params(void **state)
{
	struct vx_tunnel_params good, p;
	struct vx_tunnel t, before;

	(void)state;
	params_a(&good);
	memset(&t, 0x33, sizeof(t));
	before = t;
#define BAD(stmt)                                                                                  \
	do {                                                                                       \
		p = good;                                                                          \
		stmt;                                                                              \
		assert_int_equal(vx_tunnel_init(&t, &p), -EINVAL);                                 \
		assert_memory_equal(&t, &before, sizeof(t));                                       \
	} while (0)
	BAD(memset(p.src_mac, 0, 6));
	BAD(p.src_mac[0] = 0x01); /* multicast source MAC */
	BAD(memset(p.dst_mac, 0, 6));
	BAD(p.src_ip = 0);
	BAD(p.src_ip = t_ip(255, 255, 255, 255));
	BAD(p.src_ip = t_ip(239, 1, 1, 1));
	BAD(p.dst_ip = 0);
	BAD(p.dst_ip = t_ip(255, 255, 255, 255));
	BAD(p.dst_port = 0);
	BAD(p.vni = 0x1000000);
	BAD(p.ttl = 0);
	BAD(p.sport_min = 0);
	BAD((p.sport_min = 60000, p.sport_max = 59999));
	BAD(p.mtu = 67);
#undef BAD
	/* Multicast remote (BUM group) and the edges of the ranges are fine. */
	p = good;
	p.dst_ip = t_ip(239, 1, 1, 1);
	p.vni = 0xffffff;
	p.mtu = 68;
	p.sport_min = 1;
	p.sport_max = 65535;
	assert_int_equal(vx_tunnel_init(&t, &p), 0);
	assert_int_equal(vx_tunnel_max_inner_len(&t), 32);
}

static void test_encap_a_exact(void **state)
{
	struct vx_tunnel_params p;
	struct vx_tunnel t;
	uint8_t *b;
	int ret;

	(void)state;
	params_a(&p);
	assert_int_equal(vx_tunnel_init(&t, &p), 0);
	b = encap_exact(&t, inner_frame, sizeof(inner_frame), 0xdeadbeef, 0x1234, &ret);
	assert_int_equal(ret, 0);
	assert_memory_equal(b, encap_a_frame, sizeof(encap_a_frame));
	free(b);
}

static void test_encap_b_exact(void **state)
{
	static const uint8_t smac[6] = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee};
	static const uint8_t dmac[6] = {0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};
	struct vx_tunnel_params p;
	struct vx_tunnel t;
	uint8_t inner[60], *b;
	int ret;

	(void)state;
	vx_tunnel_params_init(&p);
	memcpy(p.src_mac, smac, 6);
	memcpy(p.dst_mac, dmac, 6);
	p.src_ip = t_ip(198, 51, 100, 10);
	p.dst_ip = t_ip(203, 0, 113, 200);
	p.dst_port = 8472;
	p.vni = 0xabcdef;
	p.ttl = 7;
	p.tos = 0xb8;
	p.df = false;
	p.sport_min = p.sport_max = 61000;
	assert_int_equal(vx_tunnel_init(&t, &p), 0);
	for (int i = 0; i < 60; i++)
		inner[i] = (uint8_t)i;
	b = encap_exact(&t, inner, sizeof(inner), 0, 0xfffe, &ret);
	assert_int_equal(ret, 0);
	assert_memory_equal(b, encap_b_frame, sizeof(encap_b_frame));
	free(b);
}

static void test_encap_offload(void **state)
{
	struct vx_tunnel_params p;
	struct vx_tunnel t;
	uint8_t *b;
	int ret;

	(void)state;
	params_a(&p);
	p.ip_cksum_offload = true;
	assert_int_equal(vx_tunnel_init(&t, &p), 0);
	b = encap_exact(&t, inner_frame, sizeof(inner_frame), 7, 0x1234, &ret);
	assert_int_equal(ret, VX_TX_F_IP_CKSUM);
	/* Same bytes as tunnel A except the IPv4 checksum, left 0 for the port. */
	assert_int_equal(b[24], 0);
	assert_int_equal(b[25], 0);
	assert_memory_equal(b, encap_a_frame, 24);
	assert_memory_equal(b + 26, encap_a_frame + 26, sizeof(encap_a_frame) - 26);
	free(b);
}

static void test_encap_fields_and_cksum(void **state)
{
	struct vx_tunnel_params p;
	struct vx_tunnel t;
	static uint8_t inner[1464];
	uint32_t lens[] = {14, 15, 60, 61, 100, 1000, 1463, 1464};
	uint16_t ids[] = {0, 1, 0x00ff, 0x8000, 0xfffe, 0xffff};

	(void)state;
	params_a(&p);
	p.sport_min = 49152;
	p.sport_max = 65535;
	p.ttl = 1;
	assert_int_equal(vx_tunnel_init(&t, &p), 0);
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		for (size_t j = 0; j < sizeof(ids) / sizeof(ids[0]); j++) {
			uint32_t n = lens[i];
			int ret;
			uint8_t *b =
			    encap_exact(&t, inner, n, (uint32_t)(i * 7919 + j), ids[j], &ret);

			assert_int_equal(ret, 0);
			assert_int_equal(t_rd16(b + 16), n + 36); /* IPv4 total length */
			assert_int_equal(t_rd16(b + 18), ids[j]);
			assert_int_equal(b[22], 1); /* TTL */
			assert_int_equal(t_ref_cksum(b + 14, 20, 0), 0);
			assert_int_equal(t_rd16(b + 38), n + 16); /* UDP length */
			assert_int_equal(t_rd16(b + 40), 0);      /* UDP checksum */
			assert_in_range(t_rd16(b + 34), 49152, 65535);
			assert_int_equal(t_rd16(b + 36), 4789);
			free(b);
		}
	}
}

static void test_mtu(void **state)
{
	struct vx_tunnel_params p;
	struct vx_tunnel t;
	uint8_t buf[VX_ENCAP_LEN], ref[VX_ENCAP_LEN];

	(void)state;
	params_a(&p);
	assert_int_equal(vx_tunnel_init(&t, &p), 0);
	assert_int_equal(vx_tunnel_max_inner_len(&t), 1464); /* 1450 inner IP MTU + 14 */
	assert_int_equal(vx_mtu_check(&t, 1464), VX_R_OK);
	assert_int_equal(vx_mtu_check(&t, 1465), VX_R_TOO_BIG);
	assert_int_equal(vx_mtu_check(&t, UINT32_MAX), VX_R_TOO_BIG);
	memset(buf, 0xcc, sizeof(buf));
	memcpy(ref, buf, sizeof(buf));
	assert_int_equal(vx_encap(&t, buf, 1465, 0, 0), -EMSGSIZE);
	assert_int_equal(vx_encap(&t, buf, 70000, 0, 0), -EMSGSIZE);
	assert_memory_equal(buf, ref, sizeof(buf)); /* nothing written */
	p.mtu = 9000;
	assert_int_equal(vx_tunnel_init(&t, &p), 0);
	assert_int_equal(vx_mtu_check(&t, 8964), VX_R_OK);
	assert_int_equal(vx_mtu_check(&t, 8965), VX_R_TOO_BIG);
	p.mtu = 65535;
	assert_int_equal(vx_tunnel_init(&t, &p), 0);
	assert_int_equal(vx_tunnel_max_inner_len(&t), 65499);
	assert_int_equal(vx_encap(&t, buf, 65499, 0, 0), 0);
	assert_int_equal(t_rd16(buf + 16), 65535);
	assert_int_equal(t_ref_cksum(buf + 14, 20, 0), 0);
}

static void test_sport_range(void **state)
{
	struct vx_tunnel_params p;
	struct vx_tunnel t;
	unsigned seen[4] = {0};

	(void)state;
	params_a(&p);
	p.sport_min = 49152;
	p.sport_max = 65535;
	assert_int_equal(vx_tunnel_init(&t, &p), 0);
	assert_int_equal(vx_src_port(&t, 0), 49152);
	assert_int_equal(vx_src_port(&t, UINT32_MAX), 65535);
	srand(42);
	for (int i = 0; i < 100000; i++) {
		uint32_t h = (uint32_t)rand() ^ ((uint32_t)rand() << 16);

		assert_in_range(vx_src_port(&t, h), 49152, 65535);
	}
	/* A configured range of 4: every port used, none outside. */
	p.sport_min = 1000;
	p.sport_max = 1003;
	assert_int_equal(vx_tunnel_init(&t, &p), 0);
	for (uint32_t i = 0; i < 4000; i++) {
		uint16_t sp = vx_src_port(&t, i * 2654435761u);

		assert_in_range(sp, 1000, 1003);
		seen[sp - 1000]++;
	}
	for (int i = 0; i < 4; i++)
		assert_in_range(seen[i], 800, 1200);
}

/* inner_frame with another inner UDP source port and IPv4 id/TTL. */
static void make_flow(uint8_t *f, uint16_t sport, uint16_t ip_id, uint8_t ttl)
{
	memcpy(f, inner_frame, sizeof(inner_frame));
	t_wr16(f + 34, sport);
	t_wr16(f + 18, ip_id);
	f[22] = ttl;
}

static void test_flow_hash_determinism_spread(void **state)
{
	struct vx_tunnel_params p;
	struct vx_tunnel t;
	uint8_t f[sizeof(inner_frame)];
	static uint8_t used[65536];
	unsigned buckets[16] = {0}, n_distinct = 0;
	uint32_t h1, h2;

	(void)state;
	params_a(&p);
	p.sport_min = 49152;
	p.sport_max = 65535;
	assert_int_equal(vx_tunnel_init(&t, &p), 0);
	/* Same flow (only id/TTL differ): same hash, same port. */
	make_flow(f, 1234, 1, 64);
	h1 = vx_flow_hash(f, sizeof(f));
	make_flow(f, 1234, 999, 3);
	h2 = vx_flow_hash(f, sizeof(f));
	assert_int_equal(h1, h2);
	assert_int_equal(vx_flow_hash(inner_frame, sizeof(inner_frame)), h1);
	/* 4096 flows differing by the inner source port spread over the range. */
	for (unsigned i = 0; i < 4096; i++) {
		uint16_t sp;

		make_flow(f, (uint16_t)(10000 + i), 1, 64);
		sp = vx_src_port(&t, vx_flow_hash(f, sizeof(f)));
		buckets[(sp - 49152) / 1024]++;
		if (!used[sp]++)
			n_distinct++;
	}
	for (int i = 0; i < 16; i++)
		assert_in_range(buckets[i], 256 * 3 / 4, 256 * 5 / 4);
	/* Random placement of 4096 flows into 16384 ports gives ~3620 distinct ports. */
	assert_true(n_distinct > 3400);
	/* Addresses and protocol matter too. */
	make_flow(f, 1234, 1, 64);
	f[29] ^= 1; /* inner source address */
	assert_int_not_equal(vx_flow_hash(f, sizeof(f)), h1);
	make_flow(f, 1234, 1, 64);
	f[23] = 6; /* TCP, same ports */
	assert_int_not_equal(vx_flow_hash(f, sizeof(f)), h1);
}

static void test_flow_hash_other_frames(void **state)
{
	uint8_t f[80], g[80];
	uint32_t h;

	(void)state;
	/* VLAN-tagged IPv4: the tag's VID is part of the flow; the flow inside still parses. */
	memcpy(f, inner_frame, 12);
	t_wr16(f + 12, 0x8100);
	t_wr16(f + 14, 0x0064); /* VID 100 */
	memcpy(f + 16, inner_frame + 12, sizeof(inner_frame) - 12);
	h = vx_flow_hash(f, sizeof(inner_frame) + 4);
	memcpy(g, f, sizeof(f));
	g[26] ^= 0x55; /* inner TTL (22 + 4 for the tag): not part of the flow */
	assert_int_equal(vx_flow_hash(g, sizeof(inner_frame) + 4), h);
	memcpy(g, f, sizeof(f));
	t_wr16(g + 14, 0x0065); /* VID 101 */
	assert_int_not_equal(vx_flow_hash(g, sizeof(inner_frame) + 4), h);
	/* Non-IP: the MACs decide. */
	memset(f, 0, sizeof(f));
	memcpy(f, t_our_mac, 6);
	memcpy(f + 6, t_peer_mac, 6);
	t_wr16(f + 12, 0x88cc);
	h = vx_flow_hash(f, 60);
	f[11] ^= 1;
	assert_int_not_equal(vx_flow_hash(f, 60), h);
	/* Any prefix of a frame, from an exact-size buffer, is hashed without overreading. */
	for (uint32_t n = 0; n <= sizeof(inner_frame); n++) {
		uint8_t *b = t_dup(inner_frame, n);

		(void)vx_flow_hash(b, n);
		free(b);
	}
	/* IPv6 flows: ports matter, hop limit does not. */
	memset(f, 0, sizeof(f));
	t_wr16(f + 12, 0x86dd);
	f[14] = 0x60;
	f[20] = 17; /* next header UDP */
	f[21] = 64; /* hop limit */
	f[22 + 15] = 1;
	f[38 + 15] = 2;
	t_wr16(f + 54, 5000);
	t_wr16(f + 56, 53);
	h = vx_flow_hash(f, 62);
	f[21] = 3;
	assert_int_equal(vx_flow_hash(f, 62), h);
	t_wr16(f + 54, 5001);
	assert_int_not_equal(vx_flow_hash(f, 62), h);
	for (uint32_t n = 0; n <= 62; n++) {
		uint8_t *b = t_dup(f, n);

		(void)vx_flow_hash(b, n);
		free(b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_invalid_params),
	    cmocka_unit_test(test_encap_a_exact),
	    cmocka_unit_test(test_encap_b_exact),
	    cmocka_unit_test(test_encap_offload),
	    cmocka_unit_test(test_encap_fields_and_cksum),
	    cmocka_unit_test(test_mtu),
	    cmocka_unit_test(test_sport_range),
	    cmocka_unit_test(test_flow_hash_determinism_spread),
	    cmocka_unit_test(test_flow_hash_other_frames),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
