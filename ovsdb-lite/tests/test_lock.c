/* Unit tests for ovsdb-lite locks (lock.c): queueing, unlock hand-over, steal, release on
 * disconnect, and the notifications each produces. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../lock.h"

struct note_log {
	char text[1024];
};

static void record(void *aux, void *owner, const char *method, const char *name)
{
	struct note_log *l = aux;
	size_t n = strlen(l->text);

	snprintf(l->text + n, sizeof(l->text) - n, "%s:%s:%s ", (const char *)owner, method, name);
}

static void test_lock_queue(void **state)
{
	struct note_log log = {""};
	struct odb_lock_table lt;
	char a[] = "A", b[] = "B", c[] = "C";

	(void)state;
	odb_lock_table_init(&lt, record, &log);
	assert_int_equal(odb_lock_lock(&lt, "x", a), 1);
	assert_int_equal(odb_lock_lock(&lt, "x", b), 0);
	assert_int_equal(odb_lock_lock(&lt, "x", c), 0);
	assert_int_equal(odb_lock_lock(&lt, "x", b), -EEXIST);
	assert_int_equal(odb_lock_lock(&lt, "y", b), 1); /* other lock, independent */
	assert_true(odb_lock_is_owner(&lt, "x", a));
	assert_false(odb_lock_is_owner(&lt, "x", b));
	assert_string_equal(log.text, "");
	assert_int_equal(odb_lock_unlock(&lt, "x", a), 0);
	assert_string_equal(log.text, "B:locked:x ");
	assert_true(odb_lock_is_owner(&lt, "x", b));
	/* A waiter leaving does not notify anybody. */
	assert_int_equal(odb_lock_unlock(&lt, "x", c), 0);
	assert_string_equal(log.text, "B:locked:x ");
	assert_int_equal(odb_lock_unlock(&lt, "x", c), -ENOENT);
	assert_int_equal(odb_lock_unlock(&lt, "nope", c), -ENOENT);
	odb_lock_table_destroy(&lt);
}

static void test_steal(void **state)
{
	struct note_log log = {""};
	struct odb_lock_table lt;
	char a[] = "A", b[] = "B";

	(void)state;
	odb_lock_table_init(&lt, record, &log);
	assert_int_equal(odb_lock_lock(&lt, "x", a), 1);
	assert_int_equal(odb_lock_steal(&lt, "x", b), 1);
	assert_string_equal(log.text, "A:stolen:x ");
	assert_true(odb_lock_is_owner(&lt, "x", b));
	assert_int_equal(odb_lock_steal(&lt, "x", b), -EEXIST);
	/* The victim stays queued and gets the lock back when the thief lets go. */
	assert_int_equal(odb_lock_unlock(&lt, "x", b), 0);
	assert_string_equal(log.text, "A:stolen:x A:locked:x ");
	assert_true(odb_lock_is_owner(&lt, "x", a));
	/* Stealing a free lock notifies nobody. */
	assert_int_equal(odb_lock_steal(&lt, "free", b), 1);
	assert_string_equal(log.text, "A:stolen:x A:locked:x ");
	assert_int_equal(lt.n_steals, 1);
	odb_lock_table_destroy(&lt);
}

static void test_release_all(void **state)
{
	struct note_log log = {""};
	struct odb_lock_table lt;
	char a[] = "A", b[] = "B";
	char name[16];

	(void)state;
	odb_lock_table_init(&lt, record, &log);
	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "l%d", i);
		assert_int_equal(odb_lock_lock(&lt, name, a), 1);
		if (i % 2)
			assert_int_equal(odb_lock_lock(&lt, name, b), 0);
	}
	odb_lock_release_all(&lt, a);
	/* Only the 10 odd locks had B waiting: B now owns them, the others are gone. */
	assert_int_equal(lt.n_locks, 10);
	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "l%d", i);
		assert_int_equal(odb_lock_is_owner(&lt, name, b), i % 2 == 1);
		assert_false(odb_lock_is_owner(&lt, name, a));
	}
	odb_lock_release_all(&lt, b);
	assert_int_equal(lt.n_locks, 0);
	odb_lock_table_destroy(&lt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lock_queue),
	    cmocka_unit_test(test_steal),
	    cmocka_unit_test(test_release_all),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
