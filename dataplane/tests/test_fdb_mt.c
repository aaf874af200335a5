/* Unit tests of fdb.c: several learners and a reader on one table at once (no locks). */
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

#include "fdb_test_util.h"
#include "l2/fdb_cfg.h"

/* --- concurrency ------------------------------------------------------------------------- */

#define CONC_KEYS    40000
#define CONC_LEARNER 4
#define CONC_SPAN    20000 /* each learner covers [t * CONC_SPAN / 2, ... + CONC_SPAN) */
#define CONC_PASSES  3

struct conc {
	struct wf_fdb *fdb;
	pthread_barrier_t start;
	_Atomic int done;
	_Atomic unsigned long n_lookups;
	_Atomic unsigned long n_bad_port; /* cmocka asserts belong to the main thread */
	unsigned t;
};

static void conc_key(unsigned k, uint16_t *vlan, uint8_t mac[6])
{
	*vlan = k % 3; /* same MAC-generator index in several VLANs */
	mac_of(k / 3, mac);
}

static void *conc_learner(void *arg)
{
	struct conc *c = arg;
	unsigned t = __atomic_fetch_add(&c->t, 1, __ATOMIC_RELAXED);
	unsigned lo = t * CONC_SPAN / 2;
	unsigned seed = t * 7919 + 1;

	pthread_barrier_wait(&c->start);
	for (unsigned pass = 0; pass < CONC_PASSES; pass++) {
		/* A different order per thread and pass (a stride coprime to CONC_SPAN visits
		 * every key once), so races hit every key. */
		unsigned step;

		do
			step = 1 + rand_r(&seed) % 2000;
		while (step % 2 == 0 || step % 5 == 0);
		for (unsigned j = 0; j < CONC_SPAN; j++) {
			unsigned k = (lo + (j * step) % CONC_SPAN) % CONC_KEYS;
			uint16_t vlan;
			uint8_t mac[6];

			conc_key(k, &vlan, mac);
			wf_fdb_learn(c->fdb, vlan, mac, (uint16_t)(t + pass), 10);
		}
	}
	return NULL;
}

static void *conc_reader(void *arg)
{
	struct conc *c = arg;
	unsigned long n = 0;

	pthread_barrier_wait(&c->start);
	while (!atomic_load(&c->done)) {
		for (unsigned k = 0; k < CONC_KEYS; k += 97) {
			uint16_t vlan, port;
			uint8_t mac[6];

			conc_key(k, &vlan, mac);
			port = wf_fdb_lookup(c->fdb, vlan, mac, 10);
			if (port != WF_FDB_PORT_NONE && port >= CONC_LEARNER + CONC_PASSES)
				c->n_bad_port++;
			n++;
		}
	}
	c->n_lookups = n;
	return NULL;
}

struct keyset {
	uint64_t *keys;
	unsigned n, cap;
};

static int keyset_cb(const struct wf_fdb_entry *e, void *arg)
{
	struct keyset *ks = arg;
	uint64_t k = (uint64_t)e->vlan << 48;

	for (int b = 0; b < 6; b++)
		k |= (uint64_t)e->mac[b] << (40 - 8 * b);
	if (ks->n < ks->cap)
		ks->keys[ks->n] = k;
	ks->n++;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Walks the table and checks that no key is stored twice. Returns the number of entries. */
static unsigned check_unique(struct wf_fdb *fdb)
{
	struct keyset ks = {.cap = CONC_KEYS * 2};

	ks.keys = calloc(ks.cap, sizeof(*ks.keys));
	assert_non_null(ks.keys);
	wf_fdb_walk(fdb, 10, keyset_cb, &ks);
	assert_true(ks.n <= ks.cap);
	qsort(ks.keys, ks.n, sizeof(*ks.keys), cmp_u64);
	for (unsigned i = 1; i < ks.n; i++)
		if (ks.keys[i] == ks.keys[i - 1])
			fail_msg("key %#llx stored twice", (unsigned long long)ks.keys[i]);
	free(ks.keys);
	return ks.n;
}

/* Runs CONC_LEARNER learners and one reader on 'fdb'; 'flush' makes the calling (control)
 * thread flush entries while they run. */
static void run_concurrent(struct wf_fdb *fdb, bool flush)
{
	pthread_t learners[CONC_LEARNER], reader;
	struct conc c = {.fdb = fdb};

	assert_int_equal(pthread_barrier_init(&c.start, NULL, CONC_LEARNER + 2), 0);
	for (unsigned i = 0; i < CONC_LEARNER; i++)
		assert_int_equal(pthread_create(&learners[i], NULL, conc_learner, &c), 0);
	assert_int_equal(pthread_create(&reader, NULL, conc_reader, &c), 0);
	pthread_barrier_wait(&c.start);
	if (flush) {
		for (unsigned i = 0; i < 20; i++) {
			wf_fdb_flush(fdb, (uint16_t)(i % (CONC_LEARNER + CONC_PASSES)), false);
			sched_yield();
		}
	}
	for (unsigned i = 0; i < CONC_LEARNER; i++)
		assert_int_equal(pthread_join(learners[i], NULL), 0);
	atomic_store(&c.done, 1);
	assert_int_equal(pthread_join(reader, NULL), 0);
	pthread_barrier_destroy(&c.start);
	assert_true(c.n_lookups > 0);
	assert_int_equal(c.n_bad_port, 0);
}

/* Number of distinct keys the learners cover. */
static unsigned conc_distinct(void)
{
	unsigned hi = (CONC_LEARNER - 1) * CONC_SPAN / 2 + CONC_SPAN;

	return hi < CONC_KEYS ? hi : CONC_KEYS;
}

static void test_concurrent_learn(void **state)
{
	struct wf_fdb *fdb = new_fdb(CONC_KEYS * 2, AGING);
	struct wf_fdb_stats st;
	unsigned n;

	(void)state;
	run_concurrent(fdb, false);
	n = check_unique(fdb);
	assert_int_equal(n, conc_distinct());
	assert_int_equal(wf_fdb_count(fdb), n);
	wf_fdb_get_stats(fdb, &st);
	assert_int_equal(st.n_learned, n); /* each key learned exactly once */
	assert_int_equal(st.n_full, 0);
	for (unsigned k = 0; k < conc_distinct(); k++) {
		uint16_t vlan;
		uint8_t mac[6];

		conc_key(k, &vlan, mac);
		assert_int_not_equal(wf_fdb_lookup(fdb, vlan, mac, 10), WF_FDB_PORT_NONE);
	}
	wf_fdb_destroy(fdb);
}

static void test_concurrent_limit_and_flush(void **state)
{
	struct wf_fdb *fdb;
	unsigned n;

	(void)state;
	/* Limit below the number of keys: never exceeded, never a duplicate. */
	fdb = new_fdb(conc_distinct() / 2, AGING);
	run_concurrent(fdb, false);
	n = check_unique(fdb);
	assert_int_equal(wf_fdb_count(fdb), n);
	assert_int_equal(n, conc_distinct() / 2);
	wf_fdb_destroy(fdb);

	/* The control thread flushes while learners insert: the count stays exact. */
	fdb = new_fdb(CONC_KEYS * 2, AGING);
	run_concurrent(fdb, true);
	n = check_unique(fdb);
	assert_int_equal(wf_fdb_count(fdb), n);
	assert_true(n <= conc_distinct());
	assert_int_equal(wf_fdb_flush(fdb, WF_FDB_PORT_NONE, true), n);
	assert_int_equal(wf_fdb_count(fdb), 0);
	wf_fdb_destroy(fdb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_concurrent_learn),
	    cmocka_unit_test(test_concurrent_limit_and_flush),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
