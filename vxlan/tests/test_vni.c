/* Unit tests for vx_vni.c: building, lookup, copy-on-write updates, limits, and lock-free
 * readers running while the control side publishes new tables. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

#include "test_util.h"
#include "vxlan.h"

static void test_create_lookup(void **state)
{
	struct vx_vni_entry e[] = {{300, 3}, {1, 10}, {0xffffff, 99}, {0, 0}, {20, 2}};
	struct vx_vni_table *t;
	const struct vx_vni_entry *s;

	(void)state;
	t = vx_vni_table_create(e, 5);
	assert_non_null(t);
	assert_int_equal(vx_vni_table_count(t), 5);
	for (int i = 0; i < 5; i++)
		assert_int_equal(vx_vni_lookup(t, e[i].vni), e[i].id);
	assert_int_equal(vx_vni_lookup(t, 2), VX_VNI_ID_NONE);
	assert_int_equal(vx_vni_lookup(t, 301), VX_VNI_ID_NONE);
	assert_int_equal(vx_vni_lookup(t, 0xfffffe), VX_VNI_ID_NONE);
	assert_int_equal(vx_vni_lookup(t, 0x1000000), VX_VNI_ID_NONE);
	assert_int_equal(vx_vni_lookup(t, UINT32_MAX), VX_VNI_ID_NONE);
	/* Entries come back sorted by VNI. */
	s = vx_vni_table_entries(t);
	for (int i = 1; i < 5; i++)
		assert_true(s[i - 1].vni < s[i].vni);
	assert_int_equal(s[0].vni, 0);
	assert_int_equal(s[4].vni, 0xffffff);
	vx_vni_table_destroy(t);
	/* NULL and empty tables. */
	assert_int_equal(vx_vni_lookup(NULL, 5), VX_VNI_ID_NONE);
	assert_int_equal(vx_vni_table_count(NULL), 0);
	assert_null(vx_vni_table_entries(NULL));
	t = vx_vni_table_create(NULL, 0);
	assert_non_null(t);
	assert_int_equal(vx_vni_table_count(t), 0);
	assert_int_equal(vx_vni_lookup(t, 0), VX_VNI_ID_NONE);
	vx_vni_table_destroy(t);
	vx_vni_table_destroy(NULL);
}

static void test_create_errors(void **state)
{
	struct vx_vni_entry dup[] = {{5, 1}, {6, 2}, {5, 3}};
	struct vx_vni_entry bad_vni[] = {{5, 1}, {0x1000000, 2}};
	struct vx_vni_entry bad_id[] = {{5, VX_VNI_ID_NONE}};

	(void)state;
	errno = 0;
	assert_null(vx_vni_table_create(dup, 3));
	assert_int_equal(errno, EEXIST);
	assert_null(vx_vni_table_create(bad_vni, 2));
	assert_int_equal(errno, EINVAL);
	assert_null(vx_vni_table_create(bad_id, 1));
	assert_int_equal(errno, EINVAL);
	assert_null(vx_vni_table_create(NULL, 1));
	assert_int_equal(errno, EINVAL);
	assert_null(vx_vni_table_create(dup, VX_VNI_TABLE_MAX + 1));
	assert_int_equal(errno, EINVAL);
}

static void test_set_del(void **state)
{
	struct vx_vni_table *t0, *t1, *t2, *t3, *t4;

	(void)state;
	t0 = vx_vni_table_set(NULL, 100, 1);
	assert_non_null(t0);
	t1 = vx_vni_table_set(t0, 50, 2);  /* insert before */
	t2 = vx_vni_table_set(t1, 200, 3); /* after */
	t3 = vx_vni_table_set(t2, 100, 4); /* replace */
	assert_non_null(t1);
	assert_non_null(t2);
	assert_non_null(t3);
	/* Old tables are unchanged (readers may still hold them). */
	assert_int_equal(vx_vni_table_count(t0), 1);
	assert_int_equal(vx_vni_lookup(t0, 50), VX_VNI_ID_NONE);
	assert_int_equal(vx_vni_table_count(t2), 3);
	assert_int_equal(vx_vni_lookup(t2, 100), 1);
	assert_int_equal(vx_vni_table_count(t3), 3);
	assert_int_equal(vx_vni_lookup(t3, 100), 4);
	assert_int_equal(vx_vni_lookup(t3, 50), 2);
	assert_int_equal(vx_vni_lookup(t3, 200), 3);
	/* Delete middle, then missing. */
	t4 = vx_vni_table_del(t3, 100);
	assert_non_null(t4);
	assert_int_equal(vx_vni_table_count(t4), 2);
	assert_int_equal(vx_vni_lookup(t4, 100), VX_VNI_ID_NONE);
	assert_int_equal(vx_vni_lookup(t4, 50), 2);
	assert_int_equal(vx_vni_lookup(t4, 200), 3);
	assert_int_equal(vx_vni_lookup(t3, 100), 4);
	errno = 0;
	assert_null(vx_vni_table_del(t4, 100));
	assert_int_equal(errno, ENOENT);
	assert_null(vx_vni_table_del(NULL, 1));
	assert_int_equal(errno, ENOENT);
	assert_null(vx_vni_table_set(t4, 0x1000000, 1));
	assert_int_equal(errno, EINVAL);
	assert_null(vx_vni_table_set(t4, 1, VX_VNI_ID_NONE));
	assert_int_equal(errno, EINVAL);
	/* Delete first and last down to empty. */
	{
		struct vx_vni_table *a = vx_vni_table_del(t4, 50), *b;

		assert_non_null(a);
		b = vx_vni_table_del(a, 200);
		assert_non_null(b);
		assert_int_equal(vx_vni_table_count(b), 0);
		vx_vni_table_destroy(a);
		vx_vni_table_destroy(b);
	}
	vx_vni_table_destroy(t0);
	vx_vni_table_destroy(t1);
	vx_vni_table_destroy(t2);
	vx_vni_table_destroy(t3);
	vx_vni_table_destroy(t4);
}

static void test_full_table(void **state)
{
	struct vx_vni_entry *e = malloc(VX_VNI_TABLE_MAX * sizeof(*e));
	struct vx_vni_table *t, *t2;

	(void)state;
	assert_non_null(e);
	for (unsigned i = 0; i < VX_VNI_TABLE_MAX; i++) {
		e[i].vni = (i * 97u) % VX_VNI_TABLE_MAX * 256 + 7; /* a permutation, spread out */
		e[i].id = i;
	}
	t = vx_vni_table_create(e, VX_VNI_TABLE_MAX);
	assert_non_null(t);
	for (unsigned i = 0; i < VX_VNI_TABLE_MAX; i++) {
		assert_int_equal(vx_vni_lookup(t, e[i].vni), i);
		assert_int_equal(vx_vni_lookup(t, e[i].vni + 1), VX_VNI_ID_NONE);
	}
	errno = 0;
	assert_null(vx_vni_table_set(t, 8, 1));
	assert_int_equal(errno, ENOSPC);
	t2 = vx_vni_table_set(t, e[5].vni, 12345); /* replacing in a full table is fine */
	assert_non_null(t2);
	assert_int_equal(vx_vni_lookup(t2, e[5].vni), 12345);
	vx_vni_table_destroy(t2);
	vx_vni_table_destroy(t);
	free(e);
}

/* Readers look up while the control side publishes new tables; old tables are only freed at
 * the end (standing in for the RCU grace period). Every lookup must see a whole table: a VNI
 * is either absent or maps to its one id (vni * 3). */
#define N_GEN 2000
static _Atomic(struct vx_vni_table *) published;
static atomic_bool stop;
static atomic_uint n_passes;

static void *reader(void *arg)
{
	unsigned long n_hits = 0;

	(void)arg;
	do { /* at least one full pass, even if started late */
		const struct vx_vni_table *t =
		    atomic_load_explicit(&published, memory_order_acquire);

		for (uint32_t vni = 0; vni < 64; vni++) {
			uint32_t id = vx_vni_lookup(t, vni);

			if (id != VX_VNI_ID_NONE) {
				if (id != vni * 3)
					return (void *)1;
				n_hits++;
			}
		}
		atomic_fetch_add(&n_passes, 1);
	} while (!atomic_load(&stop));
	return n_hits > 0 ? NULL : (void *)2;
}

static void test_concurrent_readers(void **state)
{
	struct vx_vni_table **all = calloc(N_GEN + 1, sizeof(*all));
	pthread_t th[2];
	void *ret;

	(void)state;
	assert_non_null(all);
	all[0] = vx_vni_table_set(NULL, 0, 0);
	atomic_store(&published, all[0]);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&th[i], NULL, reader, NULL), 0);
	while (atomic_load(&n_passes) < 2) /* both readers running (they see table 0) */
		sched_yield();
	for (int g = 1; g <= N_GEN; g++) {
		uint32_t vni = (uint32_t)(g * 7) % 64;

		if (vx_vni_lookup(all[g - 1], vni) == VX_VNI_ID_NONE)
			all[g] = vx_vni_table_set(all[g - 1], vni, vni * 3);
		else
			all[g] = vx_vni_table_del(all[g - 1], vni);
		assert_non_null(all[g]);
		atomic_store_explicit(&published, all[g], memory_order_release);
		if (g % 100 == 0)
			sched_yield();
	}
	atomic_store(&stop, true);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(pthread_join(th[i], &ret), 0);
		assert_null(ret);
	}
	for (int g = 0; g <= N_GEN; g++)
		vx_vni_table_destroy(all[g]);
	free(all);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_create_lookup),
	    cmocka_unit_test(test_create_errors),
	    cmocka_unit_test(test_set_del),
	    cmocka_unit_test(test_full_table),
	    cmocka_unit_test(test_concurrent_readers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
