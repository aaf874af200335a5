/* Unit tests of the JSON-RPC stream (rpc.c) and the RFC 7047 client (dbclient.c) against a
 * fake peer on a unix socket, in the same thread. */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "dbclient.h"
#include "framer.h"
#include "rpc.h"

struct peer {
	int fd;
	struct ctd_framer in;
};

/* Reads the next message the client sent (waits up to 1 s). */
static json_t *peer_read(struct peer *p)
{
	json_t *msg;
	char buf[4096];
	for (;;) {
		int r = ctd_framer_next(&p->in, &msg, NULL);
		assert_true(r >= 0);
		if (r == 1)
			return msg;
		struct pollfd pfd = {.fd = p->fd, .events = POLLIN};
		assert_int_equal(poll(&pfd, 1, 1000), 1);
		ssize_t n = read(p->fd, buf, sizeof(buf));
		assert_true(n > 0);
		assert_int_equal(ctd_framer_feed(&p->in, buf, n), 0);
	}
}

static void peer_write(struct peer *p, const char *s)
{
	assert_int_equal(write(p->fd, s, strlen(s)), (ssize_t)strlen(s));
}

/* Runs the client stream until nothing more arrives for 50 ms. */
static int pump(struct ctd_rpc *r)
{
	for (;;) {
		struct pollfd pfd = {.fd = ctd_rpc_fd(r), .events = ctd_rpc_events(r)};
		if (poll(&pfd, 1, 50) <= 0)
			return 0;
		int ret = ctd_rpc_run(r, pfd.revents);
		if (ret < 0)
			return ret;
	}
}

struct got {
	int n_replies, n_errors, n_notes;
	json_t *last;
	char method[64];
};

static void reply_cb(void *arg, const json_t *result, const json_t *error)
{
	struct got *g = arg;
	json_decref(g->last);
	if (error) {
		g->n_errors++;
		g->last = json_incref((json_t *)error);
	} else {
		g->n_replies++;
		g->last = json_incref((json_t *)result);
	}
}

static void notify_cb(void *arg, const char *method, const json_t *params, const json_t *id)
{
	struct got *g = arg;
	(void)params, (void)id;
	g->n_notes++;
	snprintf(g->method, sizeof(g->method), "%s", method);
}

static void test_calls_and_replies(void **state)
{
	int sv[2];
	struct ctd_rpc *r;
	struct peer p;
	struct got a = {0}, b = {0}, notes = {0};
	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(ctd_rpc_open_fd(sv[0], true, &r), 0);
	ctd_rpc_set_notify(r, notify_cb, &notes);
	p.fd = sv[1];
	ctd_framer_init(&p.in, 0);

	assert_int_equal(ctd_rpc_call(r, "show", json_object(), reply_cb, &a), 1);
	assert_int_equal(ctd_rpc_call(r, "stats", NULL, reply_cb, &b), 2);
	assert_int_equal(ctd_rpc_n_pending(r), 2);
	json_t *m = peer_read(&p);
	assert_string_equal(json_string_value(json_object_get(m, "method")), "show");
	assert_true(json_is_object(json_object_get(m, "params")));
	json_decref(m);
	m = peer_read(&p);
	assert_string_equal(json_string_value(json_object_get(m, "method")), "stats");
	assert_true(json_is_array(json_object_get(m, "params"))); /* NULL params = [] */
	json_decref(m);
	/* Replies out of order, an error, a notification in between, split writes. */
	peer_write(&p,
	           "{\"id\":2,\"result\":null,\"error\":{\"errno\":\"EINVAL\",\"message\":\"m\"}}"
	           "{\"id\":null,\"method\":\"update\",\"params\":[1,{}]}{\"id\":1,\"res");
	assert_int_equal(pump(r), 0);
	assert_int_equal(b.n_errors, 1);
	assert_string_equal(json_string_value(json_object_get(b.last, "errno")), "EINVAL");
	assert_int_equal(notes.n_notes, 1);
	assert_string_equal(notes.method, "update");
	assert_int_equal(a.n_replies, 0);
	peer_write(&p, "ult\":{\"bridges\":[]},\"error\":null}\n");
	assert_int_equal(pump(r), 0);
	assert_int_equal(a.n_replies, 1);
	assert_true(json_is_array(json_object_get(a.last, "bridges")));
	assert_int_equal(ctd_rpc_n_pending(r), 0);
	/* A reply to nobody is ignored; a non-object is a protocol error. */
	peer_write(&p, "{\"id\":99,\"result\":{}}");
	assert_int_equal(pump(r), 0);
	peer_write(&p, "[1]");
	assert_int_equal(pump(r), -EPROTO);
	json_decref(a.last);
	json_decref(b.last);
	ctd_rpc_close(r);
	close(p.fd);
	ctd_framer_destroy(&p.in);
}

static void test_eof_and_timeout(void **state)
{
	int sv[2];
	struct ctd_rpc *r;
	json_t *res, *err;
	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(ctd_rpc_open_fd(sv[0], false, &r), 0);
	assert_int_equal(ctd_rpc_call_sync(r, "echo", NULL, 100, &res, &err), -ETIMEDOUT);
	assert_int_equal(ctd_rpc_n_pending(r), 0);
	close(sv[1]);
	assert_int_equal(ctd_rpc_call_sync(r, "echo", NULL, 1000, &res, &err), -EPIPE);
	ctd_rpc_close(r);
}

/* The RFC 7047 client on a real unix socket: echo answered by itself, notifications passed
 * on, transact_sync reporting operation errors. */
static void test_db_client(void **state)
{
	char path[108];
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct ctd_db *db;
	struct got notes = {0};
	struct peer p;
	char *msg = NULL;
	json_t *results;
	(void)state;
	snprintf(path, sizeof(path), "/tmp/ctd-test-rpc.%d.sock", (int)getpid());
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	unlink(path);
	assert_int_equal(ctd_db_open("unix:/nonexistent/x.sock", NULL, NULL, &db), -ENOENT);
	assert_int_equal(ctd_db_open("ssl:1.2.3.4:5", NULL, NULL, &db), -EINVAL);
	assert_int_equal(ctd_db_open("tcp:1.2.3.4", NULL, NULL, &db), -EINVAL);
	assert_int_equal(ctd_db_open("tcp:1.2.3:5", NULL, NULL, &db), -EINVAL);
	assert_int_equal(ctd_db_open("tcp:1.2.3.4:70000", NULL, NULL, &db), -EINVAL);
	assert_false(ctd_db_target_ok("unix:"));
	assert_true(ctd_db_target_ok("tcp:127.0.0.1:6640"));
	/* Port 1 on loopback: nobody listens, refused at once. */
	assert_int_equal(ctd_db_open("tcp:127.0.0.1:1", NULL, NULL, &db), -ECONNREFUSED);
	int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(lfd, 1), 0);
	char target[128];
	snprintf(target, sizeof(target), "unix:%s", path);
	assert_int_equal(ctd_db_open(target, notify_cb, &notes, &db), 0);
	p.fd = accept(lfd, NULL, NULL);
	assert_true(p.fd >= 0);
	ctd_framer_init(&p.in, 0);

	peer_write(&p, "{\"id\":\"echo\",\"method\":\"echo\",\"params\":[\"x\"]}"
	               "{\"id\":null,\"method\":\"update\",\"params\":[\"m\",{}]}");
	assert_int_equal(pump(ctd_db_rpc(db)), 0);
	json_t *m = peer_read(&p);
	assert_string_equal(json_string_value(json_object_get(m, "id")), "echo");
	assert_string_equal(json_string_value(json_array_get(json_object_get(m, "result"), 0)),
	                    "x");
	json_decref(m);
	assert_int_equal(notes.n_notes, 1);
	assert_string_equal(notes.method, "update");

	/* transact_sync: ids start at 1, so the reply can be written before the call. */
	peer_write(&p, "{\"id\":1,\"result\":[{\"count\":1},{\"error\":\"constraint violation\","
	               "\"details\":\"bad\"}],\"error\":null}");
	json_t *ops = json_pack(
	    "[o]", ctd_op_update_uuid("Interface", "u1", json_pack("{s:i}", "ofport", 3)));
	assert_int_equal(ctd_db_transact_sync(db, "Open_vSwitch", ops, 1000, &results, &msg), -EIO);
	assert_string_equal(msg, "constraint violation: bad");
	free(msg);
	m = peer_read(&p);
	assert_string_equal(json_string_value(json_object_get(m, "method")), "transact");
	json_t *params = json_object_get(m, "params");
	assert_string_equal(json_string_value(json_array_get(params, 0)), "Open_vSwitch");
	json_t *op = json_array_get(params, 1);
	assert_string_equal(json_string_value(json_object_get(op, "op")), "update");
	assert_string_equal(
	    ctd_datum_uuid_str(json_array_get(json_array_get(json_object_get(op, "where"), 0), 2)),
	    "u1");
	json_decref(m);
	peer_write(&p, "{\"id\":2,\"result\":[{\"count\":1}],\"error\":null}");
	ops = json_pack("[{s:s}]", "op", "comment");
	assert_int_equal(ctd_db_transact_sync(db, "Open_vSwitch", ops, 1000, &results, &msg), 0);
	assert_int_equal(json_array_size(results), 1);
	json_decref(results);
	ctd_db_close(db);
	close(p.fd);
	close(lfd);
	unlink(path);
	ctd_framer_destroy(&p.in);
}

static void test_datum_helpers(void **state)
{
	json_error_t jerr;
	(void)state;
	json_t *set = json_loads("[\"set\",[[\"uuid\",\"a\"],[\"uuid\",\"b\"]]]", 0, &jerr);
	assert_int_equal(ctd_datum_n(set), 2);
	assert_string_equal(ctd_datum_uuid_str(ctd_datum_at(set, 1)), "b");
	json_t *one = json_loads("[\"uuid\",\"c\"]", 0, &jerr);
	assert_int_equal(ctd_datum_n(one), 1);
	assert_string_equal(ctd_datum_uuid_str(ctd_datum_at(one, 0)), "c");
	assert_null(ctd_datum_at(one, 1));
	json_t *map = json_loads("[\"map\",[[\"b\",\"2\"],[\"a\",1]]]", 0, &jerr);
	json_t *obj = ctd_datum_map_object(map);
	assert_int_equal(json_object_size(obj), 2);
	assert_int_equal(json_integer_value(json_object_get(obj, "a")), 1);
	json_t *back = ctd_datum_map_from_object(obj);
	char *s = json_dumps(back, JSON_COMPACT);
	assert_string_equal(s, "[\"map\",[[\"a\",1],[\"b\",\"2\"]]]");
	free(s);
	json_t *empty = ctd_datum_map_object(set); /* not a map: empty object */
	assert_int_equal(json_object_size(empty), 0);
	json_decref(empty);
	json_decref(back);
	json_decref(obj);
	json_decref(map);
	json_decref(one);
	json_decref(set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_calls_and_replies),
	    cmocka_unit_test(test_eof_and_timeout),
	    cmocka_unit_test(test_db_client),
	    cmocka_unit_test(test_datum_helpers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
