/* Unit tests for ovsdb-lite monitors (monitor.c) against a real database from the core:
 * request validation errors, initial contents, v1 "update" (old holds only changed columns),
 * v2 "update2" (defaults omitted, set/map diffs), select flags, column selection and
 * monitor_cond "where" transitions. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../db.h"
#include "../monitor.h"

static const char *schema_text =
    "{\"name\":\"T\",\"version\":\"1.0.0\",\"tables\":{"
    "\"B\":{\"isRoot\":true,\"columns\":{"
    "\"name\":{\"type\":\"string\"},"
    "\"n\":{\"type\":\"integer\"},"
    "\"tag\":{\"type\":{\"key\":\"integer\",\"min\":0,\"max\":1}},"
    "\"s\":{\"type\":{\"key\":\"string\",\"min\":0,\"max\":\"unlimited\"}},"
    "\"m\":{\"type\":{\"key\":\"string\",\"value\":\"string\",\"min\":0,"
    "\"max\":\"unlimited\"}},"
    "\"m1\":{\"type\":{\"key\":\"string\",\"value\":\"string\",\"min\":0,"
    "\"max\":1}}}}}}";

struct fixture {
	char dir[64];
	struct odb *db;
	long long now;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	char path[128], db[128];
	char *err = NULL;
	FILE *f;

	strcpy(fx->dir, "/tmp/test_monitor.XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(path, sizeof(path), "%s/schema", fx->dir);
	snprintf(db, sizeof(db), "%s/db", fx->dir);
	f = fopen(path, "w");
	fputs(schema_text, f);
	fclose(f);
	assert_int_equal(odb_create_file(db, path, &err), 0);
	assert_int_equal(odb_open(db, &fx->db, &err), 0);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[160];

	odb_close(fx->db);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", fx->dir);
	assert_int_equal(system(cmd), 0);
	free(fx);
	return 0;
}

/* Runs a transaction given as JSON text; returns its change set (may be NULL) and stores the
 * first result's uuid string in 'uuid' if non-NULL. */
static json_t *txn(struct fixture *fx, const char *ops_text, char *uuid)
{
	json_t *ops = json_loads(ops_text, 0, NULL), *result = NULL, *changes = NULL;
	long long deadline;

	assert_non_null(ops);
	fx->now += 10;
	assert_int_equal(odb_transact(fx->db, ops, fx->now, fx->now, &result, &changes, &deadline),
	                 ODB_TXN_DONE);
	assert_null(json_object_get(json_array_get(result, 0), "error"));
	if (uuid)
		strcpy(uuid, json_string_value(json_array_get(
		                 json_object_get(json_array_get(result, 0), "uuid"), 1)));
	json_decref(ops);
	json_decref(result);
	return changes;
}

static struct odb_monitor *mon(struct fixture *fx, enum odb_monitor_version v, const char *req)
{
	json_t *r = json_loads(req, 0, NULL), *err = NULL, *id = json_string("m");
	struct odb_monitor *m = NULL;

	assert_non_null(r);
	assert_int_equal(odb_monitor_create(fx->db, v, id, r, &m, &err), 0);
	assert_null(err);
	json_decref(r);
	json_decref(id);
	return m;
}

static void assert_json(const json_t *got, const char *want_text)
{
	json_t *want = json_loads(want_text, 0, NULL);

	assert_non_null(want);
	if (!json_equal((json_t *)got, want)) {
		char *g = json_dumps(got, JSON_SORT_KEYS | JSON_ENCODE_ANY);

		fprintf(stderr, "got  %s\nwant %s\n", g ? g : "NULL", want_text);
		free(g);
		fail();
	}
	json_decref(want);
}

static void test_bad_requests(void **state)
{
	struct fixture *fx = *state;
	const char *bad[][2] = {
	    {"{\"Nope\":{}}", "no table named Nope"},
	    {"{\"B\":{\"columns\":[\"zz\"]}}", "zz is not a valid column name"},
	    {"{\"B\":{\"columns\":\"name\"}}", NULL},
	    {"{\"B\":{\"select\":{\"insert\":1}}}", NULL},
	    {"{\"B\":{\"where\":[[\"zz\",\"==\",1]]}}", "zz is not a valid column name"},
	    {"{\"B\":{\"where\":[[\"n\",\"~\",1]]}}", NULL},
	    {"[1]", NULL},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *r = json_loads(bad[i][0], 0, NULL), *err = NULL;
		struct odb_monitor *m = NULL;

		assert_int_equal(odb_monitor_create(fx->db, ODB_MONITOR_V2, NULL, r, &m, &err),
		                 -EINVAL);
		assert_null(m);
		assert_string_equal(json_string_value(json_object_get(err, "error")),
		                    "syntax error");
		if (bad[i][1])
			assert_string_equal(json_string_value(json_object_get(err, "details")),
			                    bad[i][1]);
		json_decref(err);
		json_decref(r);
	}
}

static void test_v1_updates(void **state)
{
	struct fixture *fx = *state;
	struct odb_monitor *m =
	    mon(fx, ODB_MONITOR_V1, "{\"B\":{\"columns\":[\"name\",\"n\",\"tag\"]}}");
	json_t *ch, *u;
	char uuid[64], want[512];

	u = odb_monitor_initial(m, fx->db);
	assert_json(u, "{}");
	json_decref(u);
	ch =
	    txn(fx, "[{\"op\":\"insert\",\"table\":\"B\",\"row\":{\"name\":\"a\",\"n\":1}}]", uuid);
	u = odb_monitor_compose(m, ch);
	snprintf(want, sizeof(want),
	         "{\"B\":{\"%s\":{\"new\":{\"name\":\"a\",\"n\":1,\"tag\":[\"set\",[]]}}}}", uuid);
	assert_json(u, want);
	json_decref(u);
	json_decref(ch);
	/* Modify: "old" has only the changed column, "new" every monitored column. */
	ch = txn(fx, "[{\"op\":\"update\",\"table\":\"B\",\"where\":[],\"row\":{\"n\":2}}]", NULL);
	u = odb_monitor_compose(m, ch);
	snprintf(want, sizeof(want),
	         "{\"B\":{\"%s\":{\"old\":{\"n\":1},"
	         "\"new\":{\"name\":\"a\",\"n\":2,\"tag\":[\"set\",[]]}}}}",
	         uuid);
	assert_json(u, want);
	json_decref(u);
	json_decref(ch);
	/* A change to an unmonitored column produces nothing. */
	ch = txn(fx, "[{\"op\":\"update\",\"table\":\"B\",\"where\":[],\"row\":{\"s\":\"x\"}}]",
	         NULL);
	assert_null(odb_monitor_compose(m, ch));
	json_decref(ch);
	ch = txn(fx, "[{\"op\":\"delete\",\"table\":\"B\",\"where\":[]}]", NULL);
	u = odb_monitor_compose(m, ch);
	snprintf(want, sizeof(want),
	         "{\"B\":{\"%s\":{\"old\":{\"name\":\"a\",\"n\":2,\"tag\":[\"set\",[]]}}}}", uuid);
	assert_json(u, want);
	json_decref(u);
	json_decref(ch);
	odb_monitor_destroy(m);
}

static void test_v2_updates(void **state)
{
	struct fixture *fx = *state;
	struct odb_monitor *m;
	json_t *ch, *u;
	char uuid[64], want[512];

	ch = txn(fx,
	         "[{\"op\":\"insert\",\"table\":\"B\",\"row\":{\"name\":\"a\",\"s\":[\"set\","
	         "[\"x\",\"y\"]],\"m\":[\"map\",[[\"k1\",\"v1\"],[\"k2\",\"v2\"]]]}}]",
	         uuid);
	json_decref(ch);
	m = mon(fx, ODB_MONITOR_V2, "{\"B\":[{\"columns\":[\"name\",\"n\",\"tag\",\"s\",\"m\"]}]}");
	u = odb_monitor_initial(m, fx->db);
	/* Defaults (n = 0, empty tag) are left out of initial rows. */
	snprintf(want, sizeof(want),
	         "{\"B\":{\"%s\":{\"initial\":{\"name\":\"a\",\"s\":[\"set\",[\"x\",\"y\"]],"
	         "\"m\":[\"map\",[[\"k1\",\"v1\"],[\"k2\",\"v2\"]]]}}}}",
	         uuid);
	assert_json(u, want);
	json_decref(u);
	ch = txn(fx,
	         "[{\"op\":\"update\",\"table\":\"B\",\"where\":[],\"row\":{\"n\":5,\"tag\":7,"
	         "\"s\":[\"set\",[\"y\",\"z\"]],\"m\":[\"map\",[[\"k1\",\"v1\"],[\"k2\",\"w\"],"
	         "[\"k3\",\"v3\"]]]}}]",
	         NULL);
	u = odb_monitor_compose(m, ch);
	/* Sets: symmetric difference; maps: changed and added pairs with new values. */
	snprintf(want, sizeof(want),
	         "{\"B\":{\"%s\":{\"modify\":{\"n\":5,\"tag\":7,\"s\":[\"set\",[\"x\",\"z\"]],"
	         "\"m\":[\"map\",[[\"k2\",\"w\"],[\"k3\",\"v3\"]]]}}}}",
	         uuid);
	assert_json(u, want);
	json_decref(u);
	json_decref(ch);
	/* An optional value (max 1) is sent as its new value, not as a diff: 7 -> 9, then
	 * cleared (like ovsdb-server). */
	ch =
	    txn(fx, "[{\"op\":\"update\",\"table\":\"B\",\"where\":[],\"row\":{\"tag\":9}}]", NULL);
	u = odb_monitor_compose(m, ch);
	snprintf(want, sizeof(want), "{\"B\":{\"%s\":{\"modify\":{\"tag\":9}}}}", uuid);
	assert_json(u, want);
	json_decref(u);
	json_decref(ch);
	ch = txn(
	    fx, "[{\"op\":\"update\",\"table\":\"B\",\"where\":[],\"row\":{\"tag\":[\"set\",[]]}}]",
	    NULL);
	u = odb_monitor_compose(m, ch);
	snprintf(want, sizeof(want), "{\"B\":{\"%s\":{\"modify\":{\"tag\":[\"set\",[]]}}}}", uuid);
	assert_json(u, want);
	json_decref(u);
	json_decref(ch);
	odb_monitor_destroy(m);
	/* A map of at most one pair is sent as its new value too (ovsdb-server: not composite). */
	m = mon(fx, ODB_MONITOR_V2, "{\"B\":[{\"columns\":[\"m1\"]}]}");
	json_decref(odb_monitor_initial(m, fx->db));
	json_decref(txn(fx,
	                "[{\"op\":\"update\",\"table\":\"B\",\"where\":[],\"row\":{\"m1\":[\"map\","
	                "[[\"a\",\"1\"]]]}}]",
	                NULL));
	ch = txn(fx,
	         "[{\"op\":\"update\",\"table\":\"B\",\"where\":[],\"row\":{\"m1\":[\"map\","
	         "[[\"b\",\"2\"]]]}}]",
	         NULL);
	u = odb_monitor_compose(m, ch);
	snprintf(want, sizeof(want),
	         "{\"B\":{\"%s\":{\"modify\":{\"m1\":[\"map\",[[\"b\",\"2\"]]]}}}}", uuid);
	assert_json(u, want);
	json_decref(u);
	json_decref(ch);
	ch = txn(fx, "[{\"op\":\"delete\",\"table\":\"B\",\"where\":[]}]", NULL);
	u = odb_monitor_compose(m, ch);
	snprintf(want, sizeof(want), "{\"B\":{\"%s\":{\"delete\":null}}}", uuid);
	assert_json(u, want);
	json_decref(u);
	json_decref(ch);
	odb_monitor_destroy(m);
}

static void test_select_and_where(void **state)
{
	struct fixture *fx = *state;
	struct odb_monitor *m = mon(fx, ODB_MONITOR_V2,
	                            "{\"B\":{\"columns\":[\"name\",\"n\"],"
	                            "\"where\":[[\"n\",\">=\",10]],"
	                            "\"select\":{\"initial\":false,\"modify\":true}}}");
	struct odb_monitor *noins = mon(fx, ODB_MONITOR_V1,
	                                "{\"B\":{\"columns\":[\"n\"],"
	                                "\"select\":{\"insert\":false,\"delete\":false}}}");
	json_t *ch, *u;
	char uuid[64], want[256];

	ch =
	    txn(fx, "[{\"op\":\"insert\",\"table\":\"B\",\"row\":{\"name\":\"w\",\"n\":1}}]", uuid);
	assert_null(odb_monitor_compose(m, ch));     /* does not match the condition */
	assert_null(odb_monitor_compose(noins, ch)); /* inserts not selected */
	json_decref(ch);
	/* Entering the condition looks like an insert to the monitor. */
	ch = txn(fx, "[{\"op\":\"update\",\"table\":\"B\",\"where\":[],\"row\":{\"n\":10}}]", NULL);
	u = odb_monitor_compose(m, ch);
	snprintf(want, sizeof(want), "{\"B\":{\"%s\":{\"insert\":{\"name\":\"w\",\"n\":10}}}}",
	         uuid);
	assert_json(u, want);
	json_decref(u);
	u = odb_monitor_compose(noins, ch);
	snprintf(want, sizeof(want), "{\"B\":{\"%s\":{\"old\":{\"n\":1},\"new\":{\"n\":10}}}}",
	         uuid);
	assert_json(u, want);
	json_decref(u);
	json_decref(ch);
	/* Leaving it looks like a delete. */
	ch = txn(fx, "[{\"op\":\"update\",\"table\":\"B\",\"where\":[],\"row\":{\"n\":3}}]", NULL);
	u = odb_monitor_compose(m, ch);
	snprintf(want, sizeof(want), "{\"B\":{\"%s\":{\"delete\":null}}}", uuid);
	assert_json(u, want);
	json_decref(u);
	json_decref(ch);
	ch = txn(fx, "[{\"op\":\"delete\",\"table\":\"B\",\"where\":[]}]", NULL);
	assert_null(odb_monitor_compose(noins, ch)); /* deletes not selected */
	json_decref(ch);
	odb_monitor_destroy(m);
	odb_monitor_destroy(noins);
}

static void test_cond_change(void **state)
{
	struct fixture *fx = *state;
	struct odb_monitor *m = mon(
	    fx, ODB_MONITOR_V2, "{\"B\":[{\"columns\":[\"name\"],\"where\":[[\"n\",\">=\",10]]}]}");
	const char *bad[] = {
	    "{\"Nope\":[{\"where\":[true]}]}",
	    "{\"B\":[{\"columns\":[\"n\"],\"where\":[true]}]}",
	    "{\"B\":[{\"where\":[[\"zz\",\"==\",1]]}]}",
	    "{\"B\":5}",
	};
	char lo[64], hi[64], want[256];
	json_t *ch, *up, *delta, *err, *u;

	ch = txn(fx, "[{\"op\":\"insert\",\"table\":\"B\",\"row\":{\"name\":\"lo\",\"n\":5}}]", lo);
	json_decref(ch);
	ch =
	    txn(fx, "[{\"op\":\"insert\",\"table\":\"B\",\"row\":{\"name\":\"hi\",\"n\":20}}]", hi);
	json_decref(ch);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		up = json_loads(bad[i], 0, NULL);
		assert_int_equal(odb_monitor_change_conditions(m, fx->db, up, &delta, &err),
		                 -EINVAL);
		assert_null(delta);
		assert_string_equal(json_string_value(json_object_get(err, "error")),
		                    "syntax error");
		json_decref(err);
		json_decref(up);
	}
	/* Swap the condition: "lo" enters, "hi" leaves. */
	up = json_loads("{\"B\":[{\"where\":[[\"n\",\"<\",10]]}]}", 0, NULL);
	assert_int_equal(odb_monitor_change_conditions(m, fx->db, up, &delta, &err), 0);
	snprintf(want, sizeof(want),
	         "{\"B\":{\"%s\":{\"insert\":{\"name\":\"lo\"}},\"%s\":{\"delete\":null}}}", lo,
	         hi);
	assert_json(delta, want);
	json_decref(delta);
	json_decref(up);
	/* The new condition is the one used for later changes. */
	ch = txn(fx, "[{\"op\":\"update\",\"table\":\"B\",\"where\":[],\"row\":{\"name\":\"x\"}}]",
	         NULL);
	u = odb_monitor_compose(m, ch);
	snprintf(want, sizeof(want), "{\"B\":{\"%s\":{\"modify\":{\"name\":\"x\"}}}}", lo);
	assert_json(u, want);
	json_decref(u);
	json_decref(ch);
	/* Same condition again: nothing enters or leaves. */
	up = json_loads("{\"B\":{\"where\":[[\"n\",\"<\",10]]}}", 0, NULL);
	assert_int_equal(odb_monitor_change_conditions(m, fx->db, up, &delta, &err), 0);
	assert_null(delta);
	json_decref(up);
	odb_monitor_destroy(m);
}

static void test_conditions(void **state)
{
	json_t *row =
	    json_loads("{\"name\":\"br0\",\"n\":4,\"s\":[\"set\",[\"a\",\"b\"]]}", 0, NULL);
	const char *yes[] = {
	    "[true]",
	    "[]",
	    "[[\"name\",\"==\",\"br0\"]]",
	    "[[\"n\",\"<\",5],[\"n\",\">=\",4]]",
	    "[[\"s\",\"includes\",\"a\"]]",
	    "[[\"s\",\"excludes\",[\"set\",[\"c\"]]]]",
	    "[[\"s\",\"==\",[\"set\",[\"b\",\"a\"]]]]",
	    "[[\"_uuid\",\"==\",[\"uuid\",\"11111111-2222-3333-4444-555555555555\"]]]",
	};
	const char *no[] = {
	    "[false]",
	    "[[\"name\",\"!=\",\"br0\"]]",
	    "[[\"n\",\">\",4]]",
	    "[[\"s\",\"includes\",[\"set\",[\"a\",\"c\"]]]]",
	    "[[\"s\",\"excludes\",\"b\"]]",
	    "[[\"s\",\"==\",\"a\"]]",
	    "[true,false]",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		json_t *w = json_loads(yes[i], 0, NULL);

		assert_true(
		    odb_monitor_row_matches(NULL, w, "11111111-2222-3333-4444-555555555555", row));
		json_decref(w);
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		json_t *w = json_loads(no[i], 0, NULL);

		assert_false(
		    odb_monitor_row_matches(NULL, w, "11111111-2222-3333-4444-555555555555", row));
		json_decref(w);
	}
	json_decref(row);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_bad_requests, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_v1_updates, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_v2_updates, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_select_and_where, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cond_change, setup, teardown),
	    cmocka_unit_test(test_conditions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
