/* Unit tests of core/mbuf.h: wf_mbuf_free_bulk() gives back exactly what
 * rte_pktmbuf_free_bulk() would: every segment of a chain, frames of two pools in any order,
 * more frames than its chunk, NULL entries skipped, and a segment another frame still
 * references (a clone, a refcount above 1) only loses a reference. Real mempools (EAL with
 * --no-huge), each mbuf counted back with rte_mempool_avail_count(). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <rte_eal.h>
#include <rte_errno.h>

#include "core/mbuf.h"

#define POOL_SIZE 511

static struct rte_mempool *pool_a, *pool_b;

/* Removes this process's EAL runtime directory (its files, then itself). */
static void remove_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char f[PATH_MAX + 256];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(f, sizeof(f), "%s/%s", path, e->d_name);
			unlink(f);
		}
	}
	closedir(d);
	rmdir(path);
}

static struct rte_mbuf *alloc(struct rte_mempool *mp)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);

	assert_non_null(m);
	assert_non_null(rte_pktmbuf_append(m, 60));
	return m;
}

/* All of a pool's mbufs are back: the per-lcore cache and the ring together. */
static void assert_all_back(struct rte_mempool *mp)
{
	assert_int_equal(rte_mempool_avail_count(mp), POOL_SIZE);
}

static void test_single_segments_two_pools(void **state)
{
	struct rte_mbuf *pkts[200];

	(void)state;
	for (unsigned i = 0; i < 200; i++) /* runs of one pool, of both, and alternating */
		pkts[i] = alloc(i < 70 || (i >= 140 && i % 2) ? pool_a : pool_b);
	assert_int_equal(rte_mempool_avail_count(pool_a), POOL_SIZE - 100);
	rte_pktmbuf_free(pkts[10]);
	pkts[10] = NULL; /* a NULL entry is skipped */
	wf_mbuf_free_bulk(pkts, 200);
	assert_all_back(pool_a);
	assert_all_back(pool_b);
	wf_mbuf_free_bulk(pkts, 0); /* nothing */
	assert_all_back(pool_a);
}

static void test_chains(void **state)
{
	struct rte_mbuf *pkts[3];

	(void)state;
	for (unsigned i = 0; i < 3; i++) {
		pkts[i] = alloc(pool_a);
		for (unsigned s = 0; s < i + 1; s++) /* 2, 3 and 4 segments, one from pool b */
			assert_int_equal(
			    rte_pktmbuf_chain(pkts[i], alloc(s == 1 ? pool_b : pool_a)), 0);
	}
	assert_int_equal(pkts[2]->nb_segs, 4);
	wf_mbuf_free_bulk(pkts, 3);
	assert_all_back(pool_a);
	assert_all_back(pool_b);
}

static void test_shared_segments(void **state)
{
	struct rte_mbuf *orig = alloc(pool_a), *other = alloc(pool_a);
	struct rte_mbuf *clone = rte_pktmbuf_clone(orig, pool_b);
	struct rte_mbuf *pkts[2];

	(void)state;
	assert_non_null(clone);
	rte_mbuf_refcnt_update(other, 1); /* 'other' is also held elsewhere */
	pkts[0] = orig;
	pkts[1] = other;
	wf_mbuf_free_bulk(pkts, 2);
	/* orig's buffer is still the clone's; 'other' still has a reference. */
	assert_int_equal(rte_mempool_avail_count(pool_a), POOL_SIZE - 2);
	assert_int_equal(rte_mbuf_refcnt_read(other), 1);
	assert_int_equal(rte_mbuf_refcnt_read(orig), 1);
	pkts[0] = clone; /* the clone (indirect) detaches: both mbufs go back */
	pkts[1] = other;
	wf_mbuf_free_bulk(pkts, 2);
	assert_all_back(pool_a);
	assert_all_back(pool_b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_single_segments_two_pools),
	    cmocka_unit_test(test_chains),
	    cmocka_unit_test(test_shared_segments),
	};
	char prefix[64], dir[PATH_MAX];
	char *eal_argv[] = {"test_mbuf",      "--no-huge", "-m", "64", "--no-pci",
	                    "--file-prefix",  prefix,      "-l", "0",  "--log-level=1",
	                    "--no-telemetry", NULL};
	int ret;

	snprintf(prefix, sizeof(prefix), "test-mbuf-%d", (int)getpid());
	if (rte_eal_init(sizeof(eal_argv) / sizeof(eal_argv[0]) - 1, eal_argv) < 0) {
		fprintf(stderr, "test_mbuf: EAL init failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	pool_a = rte_pktmbuf_pool_create("a", POOL_SIZE, 32, 0, 2048, SOCKET_ID_ANY);
	pool_b = rte_pktmbuf_pool_create("b", POOL_SIZE, 32, 0, 2048, SOCKET_ID_ANY);
	if (pool_a == NULL || pool_b == NULL) {
		fprintf(stderr, "test_mbuf: pools: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	rte_mempool_free(pool_a);
	rte_mempool_free(pool_b);
	snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	remove_dir(dir);
	return ret;
}
