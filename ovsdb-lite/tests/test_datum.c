#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "db.h"

static void test_placeholder(void **state)
{
	(void)state;
	assert_int_equal(odb_create_file("/nonexistent-dir/x.db", "/nonexistent", NULL) < 0, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_placeholder)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
