/* cmocka: the flow expiry decision (fl_expiry_check), OVS semantics. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "flow.h"

/* Zero timeouts: never expires, whatever the time and traffic. */
static void test_none(void **state)
{
	(void)state;
	struct fl_expiry_state st;
	fl_expiry_init(&st, 1000, 0);
	assert_int_equal(fl_expiry_check(&st, 0, 0, 0, 1000, 1000), FL_EXPIRY_NONE);
	assert_int_equal(fl_expiry_check(&st, 0, 0, 0, UINT64_MAX / 2, 0), FL_EXPIRY_NONE);
	assert_int_equal(fl_expiry_check(&st, 0, 0, 5, UINT64_MAX / 2, 7), FL_EXPIRY_NONE);
}

/* idle_timeout=2: expires 2 s after the last sampled hit, exactly at the boundary. */
static void test_idle(void **state)
{
	(void)state;
	struct fl_expiry_state st;
	fl_expiry_init(&st, 10000, 0);
	/* No traffic: idle counts from the addition. */
	assert_int_equal(fl_expiry_check(&st, 2, 0, 0, 11999, 11999), FL_EXPIRY_NONE);
	/* Packets since the last sample, credited to 11999: used moves. */
	assert_int_equal(fl_expiry_check(&st, 2, 0, 3, 12000, 11999), FL_EXPIRY_NONE);
	assert_int_equal(st.used_ms, 11999);
	assert_int_equal(st.packets, 3);
	/* Same count: no hit; 13998 - 11999 < 2000. */
	assert_int_equal(fl_expiry_check(&st, 2, 0, 3, 13998, 13998), FL_EXPIRY_NONE);
	assert_int_equal(st.used_ms, 11999);
	/* 2 s exactly: expired. */
	assert_int_equal(fl_expiry_check(&st, 2, 0, 3, 13999, 13999), FL_EXPIRY_IDLE);
	/* Steady traffic keeps it: every sample sees a new count. */
	fl_expiry_init(&st, 0, 0);
	for (uint64_t t = 1000, n = 1; t <= 60000; t += 1000, n += 10)
		assert_int_equal(fl_expiry_check(&st, 2, 0, n, t, t), FL_EXPIRY_NONE);
	/* Traffic stops at 60 s: expiry at the first sample >= 62 s. */
	assert_int_equal(fl_expiry_check(&st, 2, 0, 591, 61000, 61000), FL_EXPIRY_NONE);
	assert_int_equal(fl_expiry_check(&st, 2, 0, 591, 62000, 62000), FL_EXPIRY_IDLE);
	/* A hit credited to an older time than used_ms does not move it back. */
	fl_expiry_init(&st, 5000, 0);
	assert_int_equal(fl_expiry_check(&st, 2, 0, 1, 6000, 4000), FL_EXPIRY_NONE);
	assert_int_equal(st.used_ms, 5000);
	assert_int_equal(fl_expiry_used(&st, 2, 6500), 6500); /* read-only view */
	assert_int_equal(st.used_ms, 5000);
	assert_int_equal(fl_expiry_used(&st, 1, 6500), 5000); /* same count: no hit */
}

/* hard_timeout=2: expires 2 s after the addition even under traffic; the hard timer is the
 * modification time (mod-flows restarts it). */
static void test_hard(void **state)
{
	(void)state;
	struct fl_expiry_state st;
	fl_expiry_init(&st, 1000, 0);
	assert_int_equal(fl_expiry_check(&st, 0, 2, 100, 2000, 2000), FL_EXPIRY_NONE);
	assert_int_equal(fl_expiry_check(&st, 0, 2, 200, 2999, 2999), FL_EXPIRY_NONE);
	assert_int_equal(fl_expiry_check(&st, 0, 2, 300, 3000, 3000), FL_EXPIRY_HARD);
	/* A modification at 2500 moves the deadline to 4500. */
	fl_expiry_init(&st, 1000, 0);
	st.modified_ms = 2500;
	assert_int_equal(fl_expiry_check(&st, 0, 2, 1, 4499, 4499), FL_EXPIRY_NONE);
	assert_int_equal(fl_expiry_check(&st, 0, 2, 2, 4500, 4500), FL_EXPIRY_HARD);
	/* Both set: hard wins when both are due (checked first, as OVS), idle when it comes
	 * first. */
	fl_expiry_init(&st, 0, 0);
	assert_int_equal(fl_expiry_check(&st, 5, 5, 0, 5000, 5000), FL_EXPIRY_HARD);
	fl_expiry_init(&st, 0, 0);
	assert_int_equal(fl_expiry_check(&st, 1, 5, 0, 1000, 1000), FL_EXPIRY_IDLE);
	/* A clock behind the stamps: 0 s elapsed, nothing expires. */
	fl_expiry_init(&st, 9000, 0);
	assert_int_equal(fl_expiry_check(&st, 1, 1, 0, 100, 100), FL_EXPIRY_NONE);
	/* 65535 s does not overflow. */
	fl_expiry_init(&st, 0, 0);
	assert_int_equal(fl_expiry_check(&st, 0, 65535, 0, 65534999, 0), FL_EXPIRY_NONE);
	assert_int_equal(fl_expiry_check(&st, 0, 65535, 0, 65535000, 0), FL_EXPIRY_HARD);
	assert_string_equal(fl_expiry_name(FL_EXPIRY_IDLE), "idle");
	assert_string_equal(fl_expiry_name(FL_EXPIRY_HARD), "hard");
	assert_string_equal(fl_expiry_name(FL_EXPIRY_NONE), "none");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_none),
	    cmocka_unit_test(test_idle),
	    cmocka_unit_test(test_hard),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
