/* Unit tests for dataplane/fdb.c: the lock-free MAC learning table. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "l2/fdb.h"

static const uint8_t mac_a[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x0a};
static const uint8_t mac_b[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x0b};
static const uint8_t mac_c[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

#include "fdb_test_util.h"
#include "l2/fdb_cfg.h"

static void test_params(void **state)
{
	struct wf_fdb_params p = {.max_entries = 0, .aging_s = AGING};
	struct wf_fdb_params got;
	struct wf_fdb *fdb;

	(void)state;
	errno = 0;
	assert_null(wf_fdb_create(NULL));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(wf_fdb_create(&p));
	assert_int_equal(errno, EINVAL);
	p.max_entries = WF_FDB_MAX_SIZE + 1;
	errno = 0;
	assert_null(wf_fdb_create(&p));
	assert_int_equal(errno, EINVAL);
	p.max_entries = 100;
	p.aging_s = 0;
	errno = 0;
	assert_null(wf_fdb_create(&p));
	assert_int_equal(errno, EINVAL);

	/* The largest allowed table is created (its memory is only touched when used). */
	p.max_entries = WF_FDB_MAX_SIZE;
	p.aging_s = 1;
	fdb = wf_fdb_create(&p);
	assert_non_null(fdb);
	wf_fdb_destroy(fdb);

	fdb = new_fdb(100, 42);
	wf_fdb_get_params(fdb, &got);
	assert_int_equal(got.max_entries, 100);
	assert_int_equal(got.aging_s, 42);
	wf_fdb_set_aging(fdb, 7);
	wf_fdb_get_params(fdb, &got);
	assert_int_equal(got.aging_s, 7);
	wf_fdb_set_aging(fdb, 0); /* out of range: ignored */
	wf_fdb_get_params(fdb, &got);
	assert_int_equal(got.aging_s, 7);
	wf_fdb_destroy(fdb);
	wf_fdb_destroy(NULL);
}

static void test_learn_lookup(void **state)
{
	struct wf_fdb *fdb = new_fdb(1000, AGING);
	struct wf_fdb_stats st;

	(void)state;
	assert_int_equal(wf_fdb_lookup(fdb, 1, mac_a, 10), WF_FDB_PORT_NONE);
	assert_int_equal(wf_fdb_learn(fdb, 1, mac_a, 3, 10), WF_FDB_LEARNED);
	assert_int_equal(wf_fdb_learn(fdb, 1, mac_b, 0, 10), WF_FDB_LEARNED);
	assert_int_equal(wf_fdb_lookup(fdb, 1, mac_a, 10), 3);
	assert_int_equal(wf_fdb_lookup(fdb, 1, mac_b, 11), 0);
	assert_int_equal(wf_fdb_lookup(fdb, 1, mac_c, 11), WF_FDB_PORT_NONE);
	assert_int_equal(wf_fdb_count(fdb), 2);
	/* Highest valid port index. */
	assert_int_equal(wf_fdb_learn(fdb, 1, mac_c, WF_FDB_PORT_NONE - 1, 10), WF_FDB_LEARNED);
	assert_int_equal(wf_fdb_lookup(fdb, 1, mac_c, 10), WF_FDB_PORT_NONE - 1);
	wf_fdb_get_stats(fdb, &st);
	assert_int_equal(st.n_learned, 3);
	assert_int_equal(st.n_moved, 0);
	assert_int_equal(st.n_full, 0);
	assert_int_equal(st.n_aged, 0);
	wf_fdb_destroy(fdb);
}

static void test_invalid(void **state)
{
	static const uint8_t mcast[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	struct wf_fdb *fdb = new_fdb(1000, AGING);
	struct wf_fdb_stats st;

	(void)state;
	assert_int_equal(wf_fdb_learn(fdb, 4096, mac_a, 1, 10), WF_FDB_INVALID);
	assert_int_equal(wf_fdb_learn(fdb, UINT16_MAX, mac_a, 1, 10), WF_FDB_INVALID);
	assert_int_equal(wf_fdb_learn(fdb, 1, mac_a, WF_FDB_PORT_NONE, 10), WF_FDB_INVALID);
	assert_int_equal(wf_fdb_learn(fdb, 1, mcast, 1, 10), WF_FDB_INVALID);
	assert_int_equal(wf_fdb_learn(fdb, 1, bcast, 1, 10), WF_FDB_INVALID);
	assert_int_equal(wf_fdb_add_static(fdb, 4096, mac_a, 1), -EINVAL);
	assert_int_equal(wf_fdb_add_static(fdb, 1, mac_a, WF_FDB_PORT_NONE), -EINVAL);
	assert_int_equal(wf_fdb_add_static(fdb, 1, mcast, 1), -EINVAL);
	assert_int_equal(wf_fdb_add_static(fdb, 1, bcast, 1), -EINVAL);
	assert_int_equal(wf_fdb_count(fdb), 0);
	assert_int_equal(wf_fdb_lookup(fdb, 4096, mac_a, 10), WF_FDB_PORT_NONE);
	assert_int_equal(wf_fdb_del(fdb, 4096, mac_a), -ENOENT);
	wf_fdb_get_stats(fdb, &st);
	assert_int_equal(st.n_learned, 0);
	assert_int_equal(st.n_full, 0);
	/* VLAN 4095 is the highest accepted. */
	assert_int_equal(wf_fdb_learn(fdb, 4095, mac_a, 1, 10), WF_FDB_LEARNED);
	assert_int_equal(wf_fdb_lookup(fdb, 4095, mac_a, 10), 1);
	wf_fdb_destroy(fdb);
}

struct collect {
	struct wf_fdb_entry e[16];
	unsigned n;
	unsigned stop_after; /* 0: never stop */
};

static int collect_cb(const struct wf_fdb_entry *e, void *arg)
{
	struct collect *c = arg;

	if (c->n < 16)
		c->e[c->n] = *e;
	c->n++;
	return c->stop_after != 0 && c->n >= c->stop_after;
}

static const struct wf_fdb_entry *find_entry(const struct collect *c, uint16_t vlan,
                                             const uint8_t mac[6])
{
	for (unsigned i = 0; i < c->n && i < 16; i++)
		if (c->e[i].vlan == vlan && memcmp(c->e[i].mac, mac, 6) == 0)
			return &c->e[i];
	return NULL;
}

static void test_refresh(void **state)
{
	struct wf_fdb *fdb = new_fdb(1000, 100);
	struct collect c = {0};
	struct wf_fdb_stats st;

	(void)state;
	assert_int_equal(wf_fdb_learn(fdb, 5, mac_a, 2, 1000), WF_FDB_LEARNED);
	assert_int_equal(wf_fdb_learn(fdb, 5, mac_a, 2, 1000), WF_FDB_REFRESHED);
	assert_int_equal(wf_fdb_learn(fdb, 5, mac_a, 2, 1090), WF_FDB_REFRESHED);
	/* Without the refresh it would have expired at 1101. */
	assert_int_equal(wf_fdb_lookup(fdb, 5, mac_a, 1150), 2);
	wf_fdb_walk(fdb, 1150, collect_cb, &c);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.e[0].age_s, 60);
	/* An older clock (another PMD) never moves the timestamp back. */
	assert_int_equal(wf_fdb_learn(fdb, 5, mac_a, 2, 1050), WF_FDB_REFRESHED);
	assert_int_equal(wf_fdb_lookup(fdb, 5, mac_a, 1190), 2);
	assert_int_equal(wf_fdb_lookup(fdb, 5, mac_a, 1191), WF_FDB_PORT_NONE);
	assert_int_equal(wf_fdb_count(fdb), 1);
	wf_fdb_get_stats(fdb, &st);
	assert_int_equal(st.n_learned, 1);
	assert_int_equal(st.n_moved, 0);
	wf_fdb_destroy(fdb);
}

static void test_move(void **state)
{
	struct wf_fdb *fdb = new_fdb(1000, AGING);
	struct wf_fdb_stats st;

	(void)state;
	assert_int_equal(wf_fdb_learn(fdb, 1, mac_a, 1, 10), WF_FDB_LEARNED);
	assert_int_equal(wf_fdb_learn(fdb, 1, mac_a, 2, 11), WF_FDB_MOVED);
	assert_int_equal(wf_fdb_lookup(fdb, 1, mac_a, 11), 2);
	assert_int_equal(wf_fdb_learn(fdb, 1, mac_a, 2, 11), WF_FDB_REFRESHED);
	assert_int_equal(wf_fdb_learn(fdb, 1, mac_a, 1, 11), WF_FDB_MOVED);
	assert_int_equal(wf_fdb_lookup(fdb, 1, mac_a, 12), 1);
	assert_int_equal(wf_fdb_count(fdb), 1);
	wf_fdb_get_stats(fdb, &st);
	assert_int_equal(st.n_learned, 1);
	assert_int_equal(st.n_moved, 2);
	wf_fdb_destroy(fdb);
}

static void test_static(void **state)
{
	struct wf_fdb *fdb = new_fdb(1000, 10);
	struct collect c = {0};
	struct wf_fdb_stats st;

	(void)state;
	assert_int_equal(wf_fdb_add_static(fdb, 1, mac_a, 4), 0);
	assert_int_equal(wf_fdb_count(fdb), 1);
	assert_int_equal(wf_fdb_learn(fdb, 1, mac_a, 5, 10), WF_FDB_STATIC_KEPT);
	assert_int_equal(wf_fdb_lookup(fdb, 1, mac_a, 10), 4);
	assert_int_equal(wf_fdb_learn(fdb, 1, mac_a, 4, 10), WF_FDB_REFRESHED);
	assert_int_equal(wf_fdb_lookup(fdb, 1, mac_a, 10), 4);
	/* Never expires, never aged. */
	assert_int_equal(wf_fdb_lookup(fdb, 1, mac_a, 100000), 4);
	assert_int_equal(wf_fdb_age(fdb, 100000), 0);
	assert_int_equal(wf_fdb_count(fdb), 1);
	wf_fdb_walk(fdb, 100000, collect_cb, &c);
	assert_int_equal(c.n, 1);
	assert_true(c.e[0].is_static);
	assert_int_equal(c.e[0].age_s, 0);
	assert_int_equal(c.e[0].port, 4);

	/* Replacing a static entry, and turning a dynamic one static, keeps one entry each. */
	assert_int_equal(wf_fdb_add_static(fdb, 1, mac_a, 6), 0);
	assert_int_equal(wf_fdb_lookup(fdb, 1, mac_a, 10), 6);
	assert_int_equal(wf_fdb_learn(fdb, 1, mac_b, 1, 10), WF_FDB_LEARNED);
	assert_int_equal(wf_fdb_add_static(fdb, 1, mac_b, 2), 0);
	assert_int_equal(wf_fdb_count(fdb), 2);
	assert_int_equal(wf_fdb_learn(fdb, 1, mac_b, 1, 11), WF_FDB_STATIC_KEPT);
	assert_int_equal(wf_fdb_lookup(fdb, 1, mac_b, 100000), 2);
	wf_fdb_get_stats(fdb, &st);
	assert_int_equal(st.n_moved, 0);
	assert_int_equal(st.n_learned, 1);
	wf_fdb_destroy(fdb);
}

static void test_del(void **state)
{
	struct wf_fdb *fdb = new_fdb(1000, AGING);

	(void)state;
	assert_int_equal(wf_fdb_del(fdb, 1, mac_a), -ENOENT);
	assert_int_equal(wf_fdb_learn(fdb, 1, mac_a, 1, 10), WF_FDB_LEARNED);
	assert_int_equal(wf_fdb_learn(fdb, 1, mac_b, 1, 10), WF_FDB_LEARNED);
	assert_int_equal(wf_fdb_add_static(fdb, 1, mac_c, 1), 0);
	assert_int_equal(wf_fdb_del(fdb, 1, mac_a), 0);
	assert_int_equal(wf_fdb_del(fdb, 1, mac_a), -ENOENT);
	assert_int_equal(wf_fdb_del(fdb, 2, mac_b), -ENOENT); /* other VLAN */
	assert_int_equal(wf_fdb_del(fdb, 1, mac_c), 0);       /* static too */
	assert_int_equal(wf_fdb_lookup(fdb, 1, mac_a, 10), WF_FDB_PORT_NONE);
	assert_int_equal(wf_fdb_lookup(fdb, 1, mac_c, 10), WF_FDB_PORT_NONE);
	assert_int_equal(wf_fdb_lookup(fdb, 1, mac_b, 10), 1);
	assert_int_equal(wf_fdb_count(fdb), 1);
	/* Learned again after removal: a new entry, found, counted once. */
	assert_int_equal(wf_fdb_learn(fdb, 1, mac_a, 3, 11), WF_FDB_LEARNED);
	assert_int_equal(wf_fdb_lookup(fdb, 1, mac_a, 11), 3);
	assert_int_equal(wf_fdb_count(fdb), 2);
	assert_false(wf_fdb_needs_rebuild(fdb));
	wf_fdb_destroy(fdb);
}

static void test_flush(void **state)
{
	struct wf_fdb *fdb = new_fdb(1000, AGING);
	uint8_t mac[6];

	(void)state;
	/* 30 dynamic entries on ports 0..2, plus one static on each port. */
	for (unsigned i = 0; i < 30; i++) {
		mac_of(i, mac);
		assert_int_equal(wf_fdb_learn(fdb, 1, mac, i % 3, 10), WF_FDB_LEARNED);
	}
	for (unsigned p = 0; p < 3; p++) {
		mac_of(100 + p, mac);
		assert_int_equal(wf_fdb_add_static(fdb, 1, mac, p), 0);
	}
	assert_int_equal(wf_fdb_count(fdb), 33);

	assert_int_equal(wf_fdb_flush(fdb, 7, true), 0); /* no such port: nothing */
	assert_int_equal(wf_fdb_flush(fdb, 1, false), 10);
	assert_int_equal(wf_fdb_count(fdb), 23);
	for (unsigned i = 0; i < 30; i++) {
		mac_of(i, mac);
		assert_int_equal(wf_fdb_lookup(fdb, 1, mac, 10),
		                 i % 3 == 1 ? WF_FDB_PORT_NONE : i % 3);
	}
	mac_of(101, mac);
	assert_int_equal(wf_fdb_lookup(fdb, 1, mac, 10), 1); /* static kept */
	assert_int_equal(wf_fdb_flush(fdb, 1, true), 1);
	assert_int_equal(wf_fdb_lookup(fdb, 1, mac, 10), WF_FDB_PORT_NONE);

	/* All ports: dynamic only, then static too. */
	assert_int_equal(wf_fdb_flush(fdb, WF_FDB_PORT_NONE, false), 20);
	assert_int_equal(wf_fdb_count(fdb), 2);
	mac_of(100, mac);
	assert_int_equal(wf_fdb_lookup(fdb, 1, mac, 10), 0);
	assert_int_equal(wf_fdb_flush(fdb, WF_FDB_PORT_NONE, true), 2);
	assert_int_equal(wf_fdb_count(fdb), 0);
	assert_int_equal(wf_fdb_lookup(fdb, 1, mac, 10), WF_FDB_PORT_NONE);
	assert_int_equal(wf_fdb_flush(fdb, WF_FDB_PORT_NONE, true), 0);
	wf_fdb_destroy(fdb);
}

static void test_aging(void **state)
{
	struct wf_fdb *fdb = new_fdb(1000, 10);
	struct collect c = {0};
	struct wf_fdb_stats st;

	(void)state;
	assert_int_equal(wf_fdb_learn(fdb, 1, mac_a, 1, 100), WF_FDB_LEARNED);
	assert_int_equal(wf_fdb_learn(fdb, 1, mac_b, 2, 105), WF_FDB_LEARNED);
	assert_int_equal(wf_fdb_add_static(fdb, 1, mac_c, 3), 0);

	assert_int_equal(wf_fdb_lookup(fdb, 1, mac_a, 110), 1); /* idle 10: still valid */
	assert_int_equal(wf_fdb_age(fdb, 110), 0);
	/* Idle 11: invisible to lookups and walks before wf_fdb_age() runs. */
	assert_int_equal(wf_fdb_lookup(fdb, 1, mac_a, 111), WF_FDB_PORT_NONE);
	assert_int_equal(wf_fdb_lookup(fdb, 1, mac_b, 111), 2);
	assert_int_equal(wf_fdb_count(fdb), 3);
	wf_fdb_walk(fdb, 111, collect_cb, &c);
	assert_int_equal(c.n, 2);
	assert_null(find_entry(&c, 1, mac_a));
	assert_non_null(find_entry(&c, 1, mac_b));
	assert_int_equal(find_entry(&c, 1, mac_b)->age_s, 6);

	assert_int_equal(wf_fdb_age(fdb, 111), 1);
	assert_int_equal(wf_fdb_count(fdb), 2);
	assert_int_equal(wf_fdb_age(fdb, 116), 1);
	assert_int_equal(wf_fdb_count(fdb), 1); /* the static one */
	wf_fdb_get_stats(fdb, &st);
	assert_int_equal(st.n_aged, 2);

	/* An expired entry learned again before aging reports LEARNED (it was invisible). */
	assert_int_equal(wf_fdb_learn(fdb, 1, mac_a, 1, 200), WF_FDB_LEARNED);
	assert_int_equal(wf_fdb_learn(fdb, 1, mac_a, 2, 300), WF_FDB_LEARNED);
	assert_int_equal(wf_fdb_lookup(fdb, 1, mac_a, 300), 2);
	assert_int_equal(wf_fdb_count(fdb), 2);

	/* A shorter aging time applies at once. */
	wf_fdb_set_aging(fdb, 3);
	assert_int_equal(wf_fdb_lookup(fdb, 1, mac_a, 304), WF_FDB_PORT_NONE);
	assert_int_equal(wf_fdb_age(fdb, 304), 1);

	/* The 32-bit clock wraps. */
	wf_fdb_set_aging(fdb, 10);
	assert_int_equal(wf_fdb_learn(fdb, 1, mac_b, 1, UINT32_MAX - 4), WF_FDB_LEARNED);
	assert_int_equal(wf_fdb_lookup(fdb, 1, mac_b, 5), 1); /* idle 10 */
	assert_int_equal(wf_fdb_age(fdb, 5), 0);
	assert_int_equal(wf_fdb_lookup(fdb, 1, mac_b, 6), WF_FDB_PORT_NONE);
	assert_int_equal(wf_fdb_age(fdb, 6), 1);
	wf_fdb_destroy(fdb);
}

static void test_limit(void **state)
{
	struct wf_fdb *fdb = new_fdb(8, AGING);
	struct wf_fdb_stats st;
	uint8_t mac[6];

	(void)state;
	for (unsigned i = 0; i < 8; i++) {
		mac_of(i, mac);
		assert_int_equal(wf_fdb_learn(fdb, 1, mac, 1, 10), WF_FDB_LEARNED);
	}
	mac_of(8, mac);
	assert_int_equal(wf_fdb_learn(fdb, 1, mac, 1, 10), WF_FDB_FULL);
	assert_int_equal(wf_fdb_learn(fdb, 1, mac, 1, 11), WF_FDB_FULL);
	assert_int_equal(wf_fdb_lookup(fdb, 1, mac, 11), WF_FDB_PORT_NONE);
	assert_int_equal(wf_fdb_add_static(fdb, 1, mac, 1), -ENOSPC);
	assert_int_equal(wf_fdb_count(fdb), 8);
	wf_fdb_get_stats(fdb, &st);
	assert_int_equal(st.n_full, 2);
	assert_int_equal(st.n_learned, 8);

	/* Existing entries still refresh, move, and can be made static. */
	mac_of(3, mac);
	assert_int_equal(wf_fdb_learn(fdb, 1, mac, 1, 20), WF_FDB_REFRESHED);
	assert_int_equal(wf_fdb_learn(fdb, 1, mac, 2, 20), WF_FDB_MOVED);
	assert_int_equal(wf_fdb_add_static(fdb, 1, mac, 2), 0);

	/* Room again after a removal. */
	assert_int_equal(wf_fdb_del(fdb, 1, mac), 0);
	mac_of(8, mac);
	assert_int_equal(wf_fdb_learn(fdb, 1, mac, 1, 21), WF_FDB_LEARNED);
	mac_of(9, mac);
	assert_int_equal(wf_fdb_learn(fdb, 1, mac, 1, 21), WF_FDB_FULL);
	assert_int_equal(wf_fdb_count(fdb), 8);
	wf_fdb_destroy(fdb);
}

static void test_vlan_separation(void **state)
{
	struct wf_fdb *fdb = new_fdb(1000, AGING);
	struct collect c = {0};

	(void)state;
	assert_int_equal(wf_fdb_learn(fdb, 10, mac_a, 1, 10), WF_FDB_LEARNED);
	assert_int_equal(wf_fdb_learn(fdb, 20, mac_a, 2, 10), WF_FDB_LEARNED);
	assert_int_equal(wf_fdb_learn(fdb, 0, mac_a, 3, 10), WF_FDB_LEARNED);
	assert_int_equal(wf_fdb_count(fdb), 3);
	assert_int_equal(wf_fdb_lookup(fdb, 10, mac_a, 10), 1);
	assert_int_equal(wf_fdb_lookup(fdb, 20, mac_a, 10), 2);
	assert_int_equal(wf_fdb_lookup(fdb, 0, mac_a, 10), 3);
	assert_int_equal(wf_fdb_lookup(fdb, 30, mac_a, 10), WF_FDB_PORT_NONE);
	wf_fdb_walk(fdb, 10, collect_cb, &c);
	assert_int_equal(c.n, 3);
	assert_int_equal(find_entry(&c, 10, mac_a)->port, 1);
	assert_int_equal(find_entry(&c, 20, mac_a)->port, 2);
	assert_int_equal(find_entry(&c, 0, mac_a)->port, 3);
	assert_int_equal(wf_fdb_del(fdb, 20, mac_a), 0);
	assert_int_equal(wf_fdb_lookup(fdb, 10, mac_a, 10), 1);
	assert_int_equal(wf_fdb_lookup(fdb, 20, mac_a, 10), WF_FDB_PORT_NONE);
	wf_fdb_destroy(fdb);
}

static void test_walk_copy(void **state)
{
	struct wf_fdb *src = new_fdb(1000, 50), *dst, *small;
	struct collect c = {0};
	uint8_t mac[6];

	(void)state;
	assert_int_equal(wf_fdb_learn(src, 7, mac_a, 1, 100), WF_FDB_LEARNED);
	assert_int_equal(wf_fdb_learn(src, 8, mac_b, 2, 140), WF_FDB_LEARNED);
	assert_int_equal(wf_fdb_add_static(src, 9, mac_c, 3), 0);
	assert_int_equal(wf_fdb_learn(src, 7, mac_c, 4, 10), WF_FDB_LEARNED); /* expired at 150 */

	wf_fdb_walk(src, 150, collect_cb, &c);
	assert_int_equal(c.n, 3);
	assert_non_null(find_entry(&c, 7, mac_a));
	assert_int_equal(find_entry(&c, 7, mac_a)->port, 1);
	assert_false(find_entry(&c, 7, mac_a)->is_static);
	assert_int_equal(find_entry(&c, 7, mac_a)->age_s, 50);
	assert_int_equal(find_entry(&c, 8, mac_b)->port, 2);
	assert_int_equal(find_entry(&c, 8, mac_b)->age_s, 10);
	assert_int_equal(find_entry(&c, 9, mac_c)->port, 3);
	assert_true(find_entry(&c, 9, mac_c)->is_static);
	assert_null(find_entry(&c, 7, mac_c));

	/* Early stop. */
	memset(&c, 0, sizeof(c));
	c.stop_after = 2;
	wf_fdb_walk(src, 150, collect_cb, &c);
	assert_int_equal(c.n, 2);

	/* Copy keeps port, static flag and last-seen time; skips expired entries. */
	dst = new_fdb(2000, 50);
	assert_int_equal(wf_fdb_copy(dst, src, 150), 3);
	assert_int_equal(wf_fdb_count(dst), 3);
	memset(&c, 0, sizeof(c));
	wf_fdb_walk(dst, 150, collect_cb, &c);
	assert_int_equal(c.n, 3);
	assert_int_equal(find_entry(&c, 7, mac_a)->age_s, 50);
	assert_true(find_entry(&c, 9, mac_c)->is_static);
	assert_int_equal(wf_fdb_lookup(dst, 7, mac_a, 150), 1);
	assert_int_equal(wf_fdb_lookup(dst, 7, mac_a, 151), WF_FDB_PORT_NONE);
	assert_int_equal(wf_fdb_lookup(dst, 9, mac_c, 100000), 3);
	assert_int_equal(wf_fdb_learn(dst, 9, mac_c, 5, 150), WF_FDB_STATIC_KEPT);
	assert_int_equal(wf_fdb_lookup(dst, 7, mac_c, 150), WF_FDB_PORT_NONE);
	wf_fdb_destroy(dst);

	/* Entries beyond the destination's limit are dropped. */
	for (unsigned i = 0; i < 20; i++) {
		mac_of(i, mac);
		assert_int_equal(wf_fdb_learn(src, 1, mac, 1, 150), WF_FDB_LEARNED);
	}
	small = new_fdb(5, 50);
	assert_int_equal(wf_fdb_copy(small, src, 150), 5);
	assert_int_equal(wf_fdb_count(small), 5);
	wf_fdb_destroy(small);
	wf_fdb_destroy(src);
}

static void test_needs_rebuild(void **state)
{
	struct wf_fdb *fdb = new_fdb(1000, AGING), *fresh; /* 2048 slots */
	uint8_t mac[6];

	(void)state;
	for (unsigned i = 0; i < 1000; i++) {
		mac_of(i, mac);
		assert_int_equal(wf_fdb_learn(fdb, 1, mac, i % 4, 10), WF_FDB_LEARNED);
	}
	assert_false(wf_fdb_needs_rebuild(fdb));
	for (unsigned i = 0; i < 500; i++) {
		mac_of(i, mac);
		assert_int_equal(wf_fdb_del(fdb, 1, mac), 0);
	}
	assert_false(wf_fdb_needs_rebuild(fdb)); /* 500 dead slots of 2048 */
	/* Flushing port 0 removes the remaining i % 4 == 0 entries (i >= 500): 125 more. */
	assert_int_equal(wf_fdb_flush(fdb, 0, false), 125);
	assert_true(wf_fdb_needs_rebuild(fdb));
	assert_int_equal(wf_fdb_count(fdb), 375);

	/* The rebuild recipe: a fresh table with the live entries. */
	fresh = new_fdb(1000, AGING);
	assert_int_equal(wf_fdb_copy(fresh, fdb, 10), 375);
	assert_false(wf_fdb_needs_rebuild(fresh));
	for (unsigned i = 0; i < 1000; i++) {
		uint16_t want = i < 500 || i % 4 == 0 ? WF_FDB_PORT_NONE : i % 4;

		mac_of(i, mac);
		assert_int_equal(wf_fdb_lookup(fresh, 1, mac, 10), want);
		assert_int_equal(wf_fdb_lookup(fdb, 1, mac, 10), want);
	}
	wf_fdb_destroy(fresh);
	wf_fdb_destroy(fdb);
}

static void test_bulk(void **state)
{
	enum { N = 100 };
	struct wf_fdb *fdb = new_fdb(1000, AGING);
	uint8_t macs[N][6];
	const uint8_t *ptrs[N];
	uint16_t vlans[N], ports[N];

	(void)state;
	for (unsigned i = 0; i < N; i++) {
		mac_of(i, macs[i]);
		ptrs[i] = macs[i];
		vlans[i] = i % 5 == 4 ? 4096 : 3; /* every 5th: invalid VLAN, a miss */
		if (i % 2 == 0)
			assert_int_equal(wf_fdb_learn(fdb, 3, macs[i], i % 11, 10), WF_FDB_LEARNED);
	}
	memset(ports, 0, sizeof(ports));
	/* hits: even i with i % 5 != 4 */
	unsigned want = 0;
	for (unsigned i = 0; i < N; i++)
		want += i % 2 == 0 && i % 5 != 4;
	assert_int_equal(wf_fdb_lookup_bulk(fdb, vlans, ptrs, N, 10, ports), want);
	for (unsigned i = 0; i < N; i++) {
		uint16_t exp = i % 2 == 0 && i % 5 != 4 ? i % 11 : WF_FDB_PORT_NONE;

		assert_int_equal(ports[i], exp);
		assert_int_equal(wf_fdb_lookup(fdb, vlans[i], macs[i], 10), exp);
	}
	/* All expired. */
	assert_int_equal(wf_fdb_lookup_bulk(fdb, vlans, ptrs, N, 10 + AGING + 1, ports), 0);
	assert_int_equal(ports[0], WF_FDB_PORT_NONE);
	assert_int_equal(wf_fdb_lookup_bulk(fdb, vlans, ptrs, 0, 10, ports), 0);
	wf_fdb_destroy(fdb);
}

static void test_million(void **state)
{
	enum { N = 1000000, B = 32 };
	struct wf_fdb *fdb = new_fdb(N, AGING);
	uint8_t mac[6], bmacs[B][6];
	const uint8_t *ptrs[B];
	uint16_t vlans[B], ports[B];
	unsigned found = 0, bulk_hits = 0;

	(void)state;
	for (unsigned i = 0; i < N; i++) {
		mac_of(i, mac);
		if (wf_fdb_learn(fdb, 1, mac, i % 7, 10) != WF_FDB_LEARNED)
			fail_msg("learn %u failed", i);
	}
	assert_int_equal(wf_fdb_count(fdb), N);
	for (unsigned i = 0; i < N; i++) {
		mac_of(i, mac);
		found += wf_fdb_lookup(fdb, 1, mac, 11) == i % 7;
	}
	assert_int_equal(found, N);
	for (unsigned i = 0; i < B; i++) {
		ptrs[i] = bmacs[i];
		vlans[i] = 1;
	}
	for (unsigned i = 0; i < N; i += B) {
		for (unsigned j = 0; j < B; j++)
			mac_of(i + j, bmacs[j]);
		bulk_hits += wf_fdb_lookup_bulk(fdb, vlans, ptrs, B, 11, ports);
		for (unsigned j = 0; j < B && i + j < N; j++)
			if (ports[j] != (i + j) % 7)
				fail_msg("bulk lookup %u: port %u", i + j, ports[j]);
	}
	/* The last chunk overruns N by (B - N % B) keys that were never learned. */
	assert_int_equal(bulk_hits, N);
	for (unsigned i = N; i < N + 1000; i++) {
		mac_of(i, mac);
		assert_int_equal(wf_fdb_lookup(fdb, 1, mac, 11), WF_FDB_PORT_NONE);
	}
	mac_of(N, mac);
	assert_int_equal(wf_fdb_learn(fdb, 1, mac, 0, 11), WF_FDB_FULL);
	wf_fdb_destroy(fdb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_params),
	    cmocka_unit_test(test_learn_lookup),
	    cmocka_unit_test(test_invalid),
	    cmocka_unit_test(test_refresh),
	    cmocka_unit_test(test_move),
	    cmocka_unit_test(test_static),
	    cmocka_unit_test(test_del),
	    cmocka_unit_test(test_flush),
	    cmocka_unit_test(test_aging),
	    cmocka_unit_test(test_limit),
	    cmocka_unit_test(test_vlan_separation),
	    cmocka_unit_test(test_walk_copy),
	    cmocka_unit_test(test_needs_rebuild),
	    cmocka_unit_test(test_bulk),
	    cmocka_unit_test(test_million),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
