/* Unit tests for ovsdb-lite's JSON-RPC framing (jsonrpc.c): partial messages, several messages
 * in one read, whitespace, strings holding brackets, invalid JSON, size and depth limits, and
 * the buffered connection over a socketpair. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "../jsonrpc.h"

static void feed_str(struct odb_jrpc_framer *f, const char *s)
{
	assert_int_equal(odb_jrpc_framer_feed(f, s, strlen(s)), 0);
}

static json_t *next_ok(struct odb_jrpc_framer *f)
{
	json_t *m = NULL;
	char *err = NULL;

	assert_int_equal(odb_jrpc_framer_next(f, &m, &err), 1);
	assert_null(err);
	assert_non_null(m);
	return m;
}

static void expect_none(struct odb_jrpc_framer *f)
{
	json_t *m = (json_t *)1;

	assert_int_equal(odb_jrpc_framer_next(f, &m, NULL), 0);
	assert_null(m);
}

static void test_partial_byte_by_byte(void **state)
{
	const char *msg = "{\"id\":1,\"method\":\"echo\",\"params\":[\"a}\\\"]\",[1,{}]]}";
	struct odb_jrpc_framer f;
	json_t *m;

	(void)state;
	odb_jrpc_framer_init(&f, 1 << 20);
	for (size_t i = 0; i + 1 < strlen(msg); i++) {
		assert_int_equal(odb_jrpc_framer_feed(&f, msg + i, 1), 0);
		expect_none(&f);
	}
	assert_int_equal(odb_jrpc_framer_feed(&f, msg + strlen(msg) - 1, 1), 0);
	m = next_ok(&f);
	assert_string_equal(json_string_value(json_object_get(m, "method")), "echo");
	/* The string held '}' and an escaped quote: both must be inside the value. */
	assert_string_equal(json_string_value(json_array_get(json_object_get(m, "params"), 0)),
	                    "a}\"]");
	json_decref(m);
	expect_none(&f);
	assert_int_equal(odb_jrpc_framer_pending(&f), 0);
	odb_jrpc_framer_destroy(&f);
}

static void test_several_in_one_read(void **state)
{
	struct odb_jrpc_framer f;
	json_t *m;

	(void)state;
	odb_jrpc_framer_init(&f, 1 << 20);
	feed_str(&f, "{\"id\":1}{\"id\":2}\n  [3] {\"id\":\"x\\\\\"}{\"id\":");
	m = next_ok(&f);
	assert_int_equal(json_integer_value(json_object_get(m, "id")), 1);
	json_decref(m);
	m = next_ok(&f);
	assert_int_equal(json_integer_value(json_object_get(m, "id")), 2);
	json_decref(m);
	m = next_ok(&f);
	assert_true(json_is_array(m));
	json_decref(m);
	m = next_ok(&f);
	assert_string_equal(json_string_value(json_object_get(m, "id")), "x\\");
	json_decref(m);
	expect_none(&f);
	feed_str(&f, "5}");
	m = next_ok(&f);
	assert_int_equal(json_integer_value(json_object_get(m, "id")), 5);
	json_decref(m);
	expect_none(&f);
	odb_jrpc_framer_destroy(&f);
}

static void test_many_small_in_one_feed(void **state)
{
	struct odb_jrpc_framer f;
	char *buf = malloc(20 * 10000 + 1), *p = buf;
	int n = 0;
	json_t *m;

	(void)state;
	for (int i = 0; i < 10000; i++)
		p += sprintf(p, "{\"id\":%d} ", i);
	odb_jrpc_framer_init(&f, 1 << 20);
	feed_str(&f, buf);
	while (odb_jrpc_framer_next(&f, &m, NULL) == 1) {
		assert_int_equal(json_integer_value(json_object_get(m, "id")), n);
		json_decref(m);
		n++;
	}
	assert_int_equal(n, 10000);
	assert_int_equal(odb_jrpc_framer_pending(&f), 0);
	/* The buffer is reused after everything was consumed. */
	feed_str(&f, "{\"id\":-1}");
	m = next_ok(&f);
	assert_int_equal(json_integer_value(json_object_get(m, "id")), -1);
	json_decref(m);
	odb_jrpc_framer_destroy(&f);
	free(buf);
}

static void test_whitespace_only(void **state)
{
	struct odb_jrpc_framer f;

	(void)state;
	odb_jrpc_framer_init(&f, 64);
	for (int i = 0; i < 1000; i++)
		feed_str(&f, " \n\t\r");
	expect_none(&f);
	assert_int_equal(odb_jrpc_framer_pending(&f), 0); /* whitespace is not kept */
	odb_jrpc_framer_destroy(&f);
}

static void test_invalid_json(void **state)
{
	const char *bad[] = {
	    "{\"id\":1,}",       /* trailing comma */
	    "{\"a\":[1,2}]",     /* crossed brackets (balanced count) */
	    "hello",             /* leading garbage */
	    "1234",              /* a scalar is not a message */
	    "{\"a\":tru}",       /* bad literal */
	    "{\"a\":\"\\u00\"}", /* bad escape */
	    "}",                 /* stray close */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct odb_jrpc_framer f;
		json_t *m = NULL;
		char *err = NULL;

		odb_jrpc_framer_init(&f, 1 << 20);
		feed_str(&f, bad[i]);
		assert_int_equal(odb_jrpc_framer_next(&f, &m, &err), -EPROTO);
		assert_null(m);
		assert_non_null(err);
		free(err);
		odb_jrpc_framer_destroy(&f);
	}
}

static void test_good_then_bad(void **state)
{
	struct odb_jrpc_framer f;
	json_t *m;
	char *err = NULL;

	(void)state;
	odb_jrpc_framer_init(&f, 1 << 20);
	feed_str(&f, "{\"ok\":true} xyz");
	m = next_ok(&f);
	assert_true(json_is_true(json_object_get(m, "ok")));
	json_decref(m);
	assert_int_equal(odb_jrpc_framer_next(&f, &m, &err), -EPROTO);
	free(err);
	odb_jrpc_framer_destroy(&f);
}

static void test_too_large(void **state)
{
	struct odb_jrpc_framer f;
	char chunk[1000];
	json_t *m = NULL;
	char *err = NULL;
	int r = 0;

	(void)state;
	odb_jrpc_framer_init(&f, 4096);
	feed_str(&f, "{\"s\":\"");
	memset(chunk, 'a', sizeof(chunk));
	/* Never completes: the framer must refuse once past the limit, not buffer forever. */
	for (int i = 0; i < 100 && r == 0; i++) {
		assert_int_equal(odb_jrpc_framer_feed(&f, chunk, sizeof(chunk)), 0);
		r = odb_jrpc_framer_next(&f, &m, &err);
	}
	assert_int_equal(r, -EMSGSIZE);
	assert_true(odb_jrpc_framer_pending(&f) < 4096 + 2 * sizeof(chunk));
	free(err);
	odb_jrpc_framer_destroy(&f);
}

static void test_limit_exact(void **state)
{
	struct odb_jrpc_framer f;
	json_t *m;

	(void)state;
	odb_jrpc_framer_init(&f, 10);
	feed_str(&f, "{\"a\":1234}"); /* exactly 10 bytes: accepted */
	m = next_ok(&f);
	json_decref(m);
	odb_jrpc_framer_destroy(&f);
}

static void test_too_deep(void **state)
{
	struct odb_jrpc_framer f;
	json_t *m = NULL;
	char *err = NULL;
	char *deep = malloc(100001);

	(void)state;
	memset(deep, '[', 100000);
	deep[100000] = '\0';
	odb_jrpc_framer_init(&f, 1 << 20);
	feed_str(&f, deep);
	assert_int_equal(odb_jrpc_framer_next(&f, &m, &err), -ELOOP);
	free(err);
	odb_jrpc_framer_destroy(&f);
	free(deep);
}

static void test_depth_allowed(void **state)
{
	char buf[2 * ODB_JRPC_MAX_DEPTH + 1];
	struct odb_jrpc_framer f;
	json_t *m;

	(void)state;
	memset(buf, '[', ODB_JRPC_MAX_DEPTH);
	memset(buf + ODB_JRPC_MAX_DEPTH, ']', ODB_JRPC_MAX_DEPTH);
	buf[2 * ODB_JRPC_MAX_DEPTH] = '\0';
	odb_jrpc_framer_init(&f, 1 << 20);
	feed_str(&f, buf);
	m = next_ok(&f);
	json_decref(m);
	odb_jrpc_framer_destroy(&f);
}

static void test_utf8_and_brackets_in_strings(void **state)
{
	struct odb_jrpc_framer f;
	json_t *m;

	(void)state;
	odb_jrpc_framer_init(&f, 1 << 20);
	feed_str(&f, "{\"k\":\"{[\\\\\\\"]}\xc3\xa9\"}");
	m = next_ok(&f);
	assert_string_equal(json_string_value(json_object_get(m, "k")), "{[\\\"]}\xc3\xa9");
	json_decref(m);
	odb_jrpc_framer_destroy(&f);
}

static void test_conn_roundtrip(void **state)
{
	struct odb_jrpc_conn *a, *b;
	int sv[2];
	json_t *msg, *got = NULL, *params, *id, *err, *empty;
	long n;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	a = odb_jrpc_conn_create(sv[0], 1 << 20, 1 << 20);
	b = odb_jrpc_conn_create(sv[1], 1 << 20, 1 << 20);
	/* The constructors borrow their arguments. */
	params = json_pack("[i]", 7);
	id = json_integer(3);
	err = json_string("unknown method");
	empty = json_object();
	msg = odb_jrpc_make_request("echo", params, id);
	assert_int_equal(odb_jrpc_conn_send(a, msg), 0);
	assert_int_equal(odb_jrpc_conn_send(a, msg), 0);
	assert_true(odb_jrpc_conn_backlog(a) > 0);
	assert_int_equal(odb_jrpc_conn_flush(a), 0);
	assert_int_equal(odb_jrpc_conn_backlog(a), 0);
	n = odb_jrpc_conn_recv(b, 1 << 20);
	assert_true(n > 0);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(odb_jrpc_framer_next(&b->in, &got, NULL), 1);
		assert_true(json_equal(got, msg));
		json_decref(got);
	}
	/* Reply / error constructors follow JSON-RPC 1.0. */
	got = odb_jrpc_make_error(err, id);
	assert_true(json_is_null(json_object_get(got, "result")));
	assert_string_equal(json_string_value(json_object_get(got, "error")), "unknown method");
	json_decref(got);
	got = odb_jrpc_make_reply(empty, id);
	assert_true(json_is_null(json_object_get(got, "error")));
	json_decref(got);
	close(sv[0]);
	a->fd = -1;
	odb_jrpc_conn_recv(b, 1 << 20);
	assert_true(b->eof);
	json_decref(msg);
	json_decref(params);
	json_decref(id);
	json_decref(err);
	json_decref(empty);
	odb_jrpc_conn_destroy(a);
	odb_jrpc_conn_destroy(b);
}

static void test_conn_backlog_cap(void **state)
{
	struct odb_jrpc_conn *a;
	int sv[2], r = 0;
	json_t *msg;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	a = odb_jrpc_conn_create(sv[0], 1 << 20, 8192);
	msg = json_pack("{s:s}", "x", "0123456789012345678901234567890123456789");
	/* Nobody reads sv[1] and we never flush: the cap must trip. */
	for (int i = 0; i < 1000 && r == 0; i++)
		r = odb_jrpc_conn_send(a, msg);
	assert_int_equal(r, -ENOBUFS);
	assert_int_equal(a->error, -ENOBUFS);
	assert_true(odb_jrpc_conn_backlog(a) <= 8192);
	json_decref(msg);
	odb_jrpc_conn_destroy(a);
	close(sv[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_partial_byte_by_byte),
	    cmocka_unit_test(test_several_in_one_read),
	    cmocka_unit_test(test_many_small_in_one_feed),
	    cmocka_unit_test(test_whitespace_only),
	    cmocka_unit_test(test_invalid_json),
	    cmocka_unit_test(test_good_then_bad),
	    cmocka_unit_test(test_too_large),
	    cmocka_unit_test(test_limit_exact),
	    cmocka_unit_test(test_too_deep),
	    cmocka_unit_test(test_depth_allowed),
	    cmocka_unit_test(test_utf8_and_brackets_in_strings),
	    cmocka_unit_test(test_conn_roundtrip),
	    cmocka_unit_test(test_conn_backlog_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
