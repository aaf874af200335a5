/* Unit tests of the MAC table's home slots (l2/fdb.c fdb_home()): a guest that knows the code
 * but not the table's secret cannot pile its source MACs onto one slot, and key sets with
 * structure (sequential, strided, one MAC on every VLAN) spread as random ones do. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fdb_test_util.h"

enum {
	MAX_ENTRIES = 8192, /* 16384 slots: 14 bits of home slot */
	SLOT_BITS = 14,
	N_KEYS = 4096, /* load 1/4: a walk of 64 has odds ~1e-13 per table at random */
	PROBE_LIMIT = 64,
};

/* CRC32-C of the 8 bytes of 'k', least significant first, initial value 0 and no final
 * inversion: what the x86 crc32 instruction computes, and so what weft's home slot was
 * before it was keyed (fdb_home() without the multiplication by the secret). */
static uint32_t crc32c_u64(uint64_t k)
{
	uint32_t crc = 0;

	for (int byte = 0; byte < 8; byte++) {
		crc ^= (uint8_t)(k >> (8 * byte));
		for (int bit = 0; bit < 8; bit++)
			crc = (crc >> 1) ^ (UINT32_C(0x82f63b78) & (0u - (crc & 1)));
	}
	return crc;
}

/* The table's key for (vlan, mac), as l2/fdb.c builds it. */
static uint64_t key_of(uint16_t vlan, const uint8_t mac[6])
{
	uint64_t k = UINT64_C(1) << 63 | (uint64_t)vlan << 48;

	for (int b = 0; b < 6; b++)
		k |= (uint64_t)mac[b] << (40 - 8 * b);
	return k;
}

static void mac_from_key(uint64_t k, uint8_t mac[6])
{
	for (int b = 0; b < 6; b++)
		mac[b] = (uint8_t)(k >> (40 - 8 * b));
}

/* The attack on an unkeyed CRC32-C: the map from the low 40 bits of the key (the MAC's last
 * five bytes; the first holds the group bit) to the 14-bit home slot is linear, so its kernel
 * has dimension >= 26 and every key base ^ v, v in the kernel, has base's home slot. Writes
 * N_KEYS distinct such keys (VLAN 10, first MAC byte 02). */
static void colliding_keys(uint64_t *keys)
{
	const uint32_t mask = (1u << SLOT_BITS) - 1;
	uint32_t piv_img[40], piv_bit[40];
	uint64_t piv_vec[40], kernel[12];
	unsigned n_piv = 0, n_ker = 0;
	const uint8_t base_mac[6] = {0x02, 0x5e, 0x10, 0x20, 0x30, 0x40};
	uint64_t base = key_of(10, base_mac);

	/* Gaussian elimination over GF(2): each pivot owns one bit of the image, and a later
	 * pivot never has an earlier one's bit, so one pass in order reduces an image fully. */
	for (unsigned i = 0; i < 40 && n_ker < 12; i++) {
		uint64_t vec = UINT64_C(1) << i;
		uint32_t img = crc32c_u64(vec) & mask;

		for (unsigned p = 0; p < n_piv; p++)
			if (img & piv_bit[p]) {
				img ^= piv_img[p];
				vec ^= piv_vec[p];
			}
		if (img == 0) {
			kernel[n_ker++] = vec;
		} else {
			piv_bit[n_piv] = img & -img;
			piv_img[n_piv] = img;
			piv_vec[n_piv++] = vec;
		}
	}
	assert_int_equal(n_ker, 12); /* 2^12 == N_KEYS combinations */
	for (unsigned j = 0; j < N_KEYS; j++) {
		uint64_t k = base;

		for (unsigned b = 0; b < 12; b++)
			if (j >> b & 1)
				k ^= kernel[b];
		keys[j] = k;
	}
}

/* Learns every key, checks each is found at its port, and returns the table's longest
 * displacement of an entry from its home slot. */
static unsigned learn_all(const uint64_t *keys, unsigned n)
{
	struct wf_fdb *fdb = new_fdb(MAX_ENTRIES, AGING);
	struct wf_fdb_scan_result sc;
	uint8_t mac[6];

	for (unsigned i = 0; i < n; i++) {
		mac_from_key(keys[i], mac);
		assert_int_equal(
		    wf_fdb_learn(fdb, (uint16_t)(keys[i] >> 48 & 0xfff), mac, i % 5, 10),
		    WF_FDB_LEARNED);
	}
	assert_int_equal(wf_fdb_count(fdb), n);
	for (unsigned i = 0; i < n; i++) {
		mac_from_key(keys[i], mac);
		assert_int_equal(wf_fdb_lookup(fdb, (uint16_t)(keys[i] >> 48 & 0xfff), mac, 11),
		                 i % 5);
	}
	wf_fdb_scan(fdb, &sc);
	assert_int_equal(sc.n_static, 0);
	wf_fdb_destroy(fdb);
	return sc.displacement_max;
}

/* 4096 MACs that an unkeyed CRC32-C puts on one home slot: a table without the secret walks
 * 4095 slots for the last of them; with it, they spread as random keys do. */
static void test_hostile_keys(void **state)
{
	static uint64_t keys[N_KEYS];
	uint32_t home;

	(void)state;
	colliding_keys(keys);
	home = crc32c_u64(keys[0]) & ((1u << SLOT_BITS) - 1);
	for (unsigned i = 0; i < N_KEYS; i++) {
		assert_int_equal(crc32c_u64(keys[i]) & ((1u << SLOT_BITS) - 1), home);
		assert_int_equal(keys[i] >> 40 & 1, 0); /* unicast: the table takes them */
		for (unsigned j = 0; j < i; j++)
			if (keys[j] == keys[i])
				fail_msg("keys %u and %u are equal", j, i);
	}
#if defined(__SSE4_2__) && defined(__x86_64__)
	/* The model above is the instruction the table uses. */
	for (unsigned i = 0; i < 64; i++)
		assert_int_equal(
		    crc32c_u64(keys[i] * 0x9e3779b97f4a7c15ull),
		    (uint32_t)__builtin_ia32_crc32di(0, keys[i] * 0x9e3779b97f4a7c15ull));
#endif
	for (int round = 0; round < 3; round++) /* three tables, three secrets */
		assert_in_range(learn_all(keys, N_KEYS), 0, PROBE_LIMIT - 1);
}

/* Key sets with structure, which some keyed hashes (multiply-shift alone among them) spread
 * badly under linear probing: each must spread as random keys do. */
static void test_structured_keys(void **state)
{
	static uint64_t keys[N_KEYS];
	const uint8_t m[6] = {0x52, 0x54, 0x00, 0x00, 0x00, 0x00};
	uint64_t base = key_of(1, m);

	(void)state;
	for (unsigned i = 0; i < N_KEYS; i++) /* sequential MACs */
		keys[i] = base + i;
	assert_in_range(learn_all(keys, N_KEYS), 0, PROBE_LIMIT - 1);
	for (unsigned i = 0; i < N_KEYS; i++) /* stride 256: the last byte fixed */
		keys[i] = base + ((uint64_t)i << 8);
	assert_in_range(learn_all(keys, N_KEYS), 0, PROBE_LIMIT - 1);
	for (unsigned i = 0; i < N_KEYS; i++) /* stride 2^24: the last three bytes fixed */
		keys[i] = base + ((uint64_t)i << 24);
	assert_in_range(learn_all(keys, N_KEYS), 0, PROBE_LIMIT - 1);
	for (unsigned i = 0; i < N_KEYS; i++) /* one MAC on VLANs 0..4095 */
		keys[i] = (base & ~(UINT64_C(0xfff) << 48)) | (uint64_t)i << 48;
	assert_in_range(learn_all(keys, N_KEYS), 0, PROBE_LIMIT - 1);
}

/* The walk's order (slot order) of a table's entries, as the MACs' last two bytes. */
struct order {
	uint16_t id[256];
	unsigned n;
};

static int walk_order(const struct wf_fdb_entry *e, void *arg)
{
	struct order *o = arg;

	if (o->n < 256)
		o->id[o->n] = (uint16_t)(e->mac[4] << 8 | e->mac[5]);
	o->n++;
	return 0;
}

/* Each table draws its own secret: the same 256 keys, learned in the same order, lie in a
 * different slot order in each of 8 tables (the same order twice is ~1/256! likely). Also
 * checks wf_fdb_scan()'s count of static entries. */
static void test_secret_per_table(void **state)
{
	static struct order order[8];
	struct wf_fdb_scan_result sc;
	uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0};

	(void)state;
	for (int t = 0; t < 8; t++) {
		struct wf_fdb *fdb = new_fdb(1024, AGING);

		for (unsigned i = 0; i < 256; i++) {
			mac[5] = (uint8_t)i;
			assert_int_equal(wf_fdb_learn(fdb, 1, mac, 0, 10), WF_FDB_LEARNED);
		}
		wf_fdb_walk(fdb, 10, walk_order, &order[t]);
		assert_int_equal(order[t].n, 256);
		for (unsigned i = 0; i < 3; i++) {
			mac[5] = (uint8_t)i;
			assert_int_equal(wf_fdb_add_static(fdb, 1, mac, 1), 0);
		}
		wf_fdb_scan(fdb, &sc);
		assert_int_equal(sc.n_static, 3);
		wf_fdb_destroy(fdb);
	}
	for (int t = 1; t < 8; t++)
		for (int u = 0; u < t; u++)
			if (memcmp(order[t].id, order[u].id, sizeof(order[t].id)) == 0)
				fail_msg("tables %d and %d hold the keys in the same slot order", u,
				         t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hostile_keys),
	    cmocka_unit_test(test_structured_keys),
	    cmocka_unit_test(test_secret_per_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
