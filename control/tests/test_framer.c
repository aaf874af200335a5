/* Unit tests of the incremental JSON framer (framer.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "framer.h"

/* Feeds 'in' one byte at a time; returns the values found, as a JSON array. */
static json_t *split_bytewise(const char *in, int *err)
{
	struct ctd_framer f;
	json_t *all = json_array(), *msg;
	ctd_framer_init(&f, 0);
	*err = 0;
	for (size_t i = 0; in[i]; i++) {
		assert_int_equal(ctd_framer_feed(&f, in + i, 1), 0);
		int r;
		while ((r = ctd_framer_next(&f, &msg, NULL)) == 1)
			json_array_append_new(all, msg);
		if (r < 0) {
			*err = r;
			break;
		}
	}
	ctd_framer_destroy(&f);
	return all;
}

static void test_split(void **state)
{
	/* Braces and brackets inside strings, escaped quotes and backslashes, whitespace. */
	const char *in = " {\"a\":\"}{][\\\"\",\"b\":\"\\\\\"}\n[1,{\"c\":[2]}]\r\n\t{\"d\":{}}{}";
	int err;
	(void)state;
	json_t *all = split_bytewise(in, &err);
	assert_int_equal(err, 0);
	assert_int_equal(json_array_size(all), 4);
	assert_string_equal(json_string_value(json_object_get(json_array_get(all, 0), "a")),
	                    "}{][\"");
	assert_string_equal(json_string_value(json_object_get(json_array_get(all, 0), "b")), "\\");
	assert_int_equal(json_integer_value(json_array_get(json_array_get(all, 1), 0)), 1);
	assert_true(json_is_object(json_object_get(json_array_get(all, 2), "d")));
	assert_int_equal(json_object_size(json_array_get(all, 3)), 0);
	json_decref(all);
}

static void test_one_chunk_many_values(void **state)
{
	struct ctd_framer f;
	json_t *msg;
	const char *in = "{\"id\":1}{\"id\":2}{\"id\":3}{\"id\":";
	(void)state;
	ctd_framer_init(&f, 0);
	assert_int_equal(ctd_framer_feed(&f, in, strlen(in)), 0);
	for (int i = 1; i <= 3; i++) {
		assert_int_equal(ctd_framer_next(&f, &msg, NULL), 1);
		assert_int_equal(json_integer_value(json_object_get(msg, "id")), i);
		json_decref(msg);
	}
	assert_int_equal(ctd_framer_next(&f, &msg, NULL), 0); /* incomplete */
	assert_int_equal(ctd_framer_feed(&f, "4}", 2), 0);
	assert_int_equal(ctd_framer_next(&f, &msg, NULL), 1);
	assert_int_equal(json_integer_value(json_object_get(msg, "id")), 4);
	json_decref(msg);
	assert_int_equal(ctd_framer_next(&f, &msg, NULL), 0);
	ctd_framer_destroy(&f);
}

static void test_errors(void **state)
{
	int err;
	(void)state;
	json_decref(split_bytewise("{\"a\":1} x", &err));
	assert_int_equal(err, -EPROTO); /* garbage between values */
	json_decref(split_bytewise("{\"a\":}", &err));
	assert_int_equal(err, -EPROTO); /* balanced but not JSON */
	json_decref(split_bytewise("{\"a\":[1}]", &err));
	assert_int_equal(err, -EPROTO); /* mismatched brackets */
	json_decref(split_bytewise("42", &err));
	assert_int_equal(err, -EPROTO); /* a bare scalar */

	struct ctd_framer f;
	json_t *msg;
	const char *err_text = NULL;
	ctd_framer_init(&f, 16);
	assert_int_equal(ctd_framer_feed(&f, "{\"a\":\"0123456789abcdef\"}", 24), 0);
	assert_int_equal(ctd_framer_next(&f, &msg, &err_text), -EMSGSIZE);
	assert_non_null(err_text);
	assert_int_equal(ctd_framer_next(&f, &msg, NULL), -EMSGSIZE); /* sticky */
	ctd_framer_destroy(&f);
}

/* A big message in many chunks: found once, intact (and the buffer is compacted). */
static void test_large(void **state)
{
	struct ctd_framer f;
	json_t *msg;
	size_t n = 1 << 20;
	char *big = malloc(n + 32);
	(void)state;
	strcpy(big, "{\"k\":\"");
	memset(big + 6, 'x', n);
	strcpy(big + 6 + n, "\"}{\"z\":1}");
	ctd_framer_init(&f, 0);
	size_t len = strlen(big), off = 0;
	int found = 0;
	while (off < len) {
		size_t c = len - off < 4000 ? len - off : 4000;
		assert_int_equal(ctd_framer_feed(&f, big + off, c), 0);
		off += c;
		while (ctd_framer_next(&f, &msg, NULL) == 1) {
			if (found == 0)
				assert_int_equal(
				    strlen(json_string_value(json_object_get(msg, "k"))), n);
			else
				assert_int_equal(json_integer_value(json_object_get(msg, "z")), 1);
			found++;
			json_decref(msg);
		}
	}
	assert_int_equal(found, 2);
	ctd_framer_destroy(&f);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_split),
	    cmocka_unit_test(test_one_chunk_many_values),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_large),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
