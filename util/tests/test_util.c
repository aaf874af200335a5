/* Unit tests of util/util.c. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "util_num.h"

/* Returns what util_parse_int() returns; checks that *out is untouched on failure. */
static int parse(const char *s, long long min, long long max, long long *out)
{
	long long v = 12345;
	int ret = util_parse_int(s, min, max, &v);

	if (ret < 0) {
		assert_int_equal(v, 12345);
	}
	*out = v;
	return ret;
}

static void test_valid(void **state)
{
	long long v;

	(void)state;
	assert_int_equal(parse("0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse("4095", 0, 4095, &v), 0);
	assert_int_equal(v, 4095);
	assert_int_equal(parse("007", 0, 10, &v), 0); /* leading zeros: still decimal */
	assert_int_equal(v, 7);
	assert_int_equal(parse("-5", -10, 10, &v), 0);
	assert_int_equal(v, -5);
	assert_int_equal(parse("-0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
}

static void test_empty_and_null(void **state)
{
	long long v;

	(void)state;
	assert_int_equal(parse("", 0, 10, &v), -EINVAL);
	assert_int_equal(parse(NULL, 0, 10, &v), -EINVAL);
	assert_int_equal(parse("-", -10, 10, &v), -EINVAL);
}

static void test_spaces(void **state)
{
	long long v;

	(void)state;
	assert_int_equal(parse(" 5", 0, 10, &v), -EINVAL);
	assert_int_equal(parse("5 ", 0, 10, &v), -EINVAL);
	assert_int_equal(parse("\t5", 0, 10, &v), -EINVAL);
	assert_int_equal(parse("5\n", 0, 10, &v), -EINVAL);
	assert_int_equal(parse("- 5", -10, 10, &v), -EINVAL);
}

static void test_signs(void **state)
{
	long long v;

	(void)state;
	assert_int_equal(parse("+5", 0, 10, &v), -EINVAL);
	assert_int_equal(parse("--5", -10, 10, &v), -EINVAL);
	assert_int_equal(parse("-+5", -10, 10, &v), -EINVAL);
	/* A negative number is a number: out of an unsigned range, not garbage, and never
	 * wrapped around as strtoul() would. */
	assert_int_equal(parse("-1", 0, 10, &v), -ERANGE);
	assert_int_equal(parse("-1", 0, LLONG_MAX, &v), -ERANGE);
}

static void test_overflow(void **state)
{
	long long v;

	(void)state;
	assert_int_equal(parse("9223372036854775807", LLONG_MIN, LLONG_MAX, &v), 0);
	assert_true(v == LLONG_MAX);
	assert_int_equal(parse("-9223372036854775808", LLONG_MIN, LLONG_MAX, &v), 0);
	assert_true(v == LLONG_MIN);
	assert_int_equal(parse("9223372036854775808", LLONG_MIN, LLONG_MAX, &v), -ERANGE);
	assert_int_equal(parse("-9223372036854775809", LLONG_MIN, LLONG_MAX, &v), -ERANGE);
	assert_int_equal(parse("18446744073709551616", 0, LLONG_MAX, &v), -ERANGE);
	assert_int_equal(parse("99999999999999999999999999", 0, 10, &v), -ERANGE);
	/* Junk after an overflowing prefix is still junk. */
	assert_int_equal(parse("99999999999999999999999999x", 0, 10, &v), -EINVAL);
}

static void test_bounds(void **state)
{
	long long v;

	(void)state;
	assert_int_equal(parse("1", 1, 86400, &v), 0);
	assert_int_equal(parse("86400", 1, 86400, &v), 0);
	assert_int_equal(parse("0", 1, 86400, &v), -ERANGE);
	assert_int_equal(parse("86401", 1, 86400, &v), -ERANGE);
	assert_int_equal(parse("-11", -10, 10, &v), -ERANGE);
	assert_int_equal(parse("5", 5, 5, &v), 0);
	assert_int_equal(v, 5);
}

static void test_trailing_junk(void **state)
{
	long long v;

	(void)state;
	assert_int_equal(parse("2abc", 0, 10, &v), -EINVAL);
	assert_int_equal(parse("0x10", 0, 100, &v), -EINVAL);
	assert_int_equal(parse("1.5", 0, 10, &v), -EINVAL);
	assert_int_equal(parse("1e3", 0, 10000, &v), -EINVAL);
	assert_int_equal(parse("abc", 0, 10, &v), -EINVAL);
	assert_int_equal(parse("12\0003", 0, 100, &v), 0); /* C string: ends at the NUL */
	assert_int_equal(v, 12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid),         cmocka_unit_test(test_empty_and_null),
	    cmocka_unit_test(test_spaces),        cmocka_unit_test(test_signs),
	    cmocka_unit_test(test_overflow),      cmocka_unit_test(test_bounds),
	    cmocka_unit_test(test_trailing_junk),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
