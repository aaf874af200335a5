/* Unit tests of ovsdb-lite commit-time checks (txn-commit.c): strong and weak references,
 * named UUIDs, garbage collection, index uniqueness, maxRows, change sets. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "test_helpers.h"

static void test_references_gc(void **state)
{
	struct tenv *e = tenv_new(NULL);
	json_t *r;
	(void)state;

	/* Named UUIDs, referenced before the insert that defines them. */
	r = run(
	    e->db,
	    "[{\"op\":\"insert\",\"table\":\"Parent\",\"row\":{\"name\":\"a\",\"kids\":"
	    "[\"set\",[[\"named-uuid\",\"c1\"],[\"named-uuid\",\"c2\"]]]}},"
	    "{\"op\":\"insert\",\"table\":\"Child\",\"uuid-name\":\"c1\",\"row\":{\"name\":"
	    "\"one\",\"sub\":[\"named-uuid\",\"g\"]}},"
	    "{\"op\":\"insert\",\"table\":\"Grandchild\",\"uuid-name\":\"g\",\"row\":{\"v\":1}},"
	    "{\"op\":\"insert\",\"table\":\"Child\",\"uuid-name\":\"c2\",\"row\":{\"name\":"
	    "\"two\"}}]");
	assert_ok(r);
	json_decref(r);
	assert_int_equal(table_size(e->db, "Child"), 2);
	assert_int_equal(table_size(e->db, "Grandchild"), 1);

	r = run(e->db, "[{\"op\":\"insert\",\"table\":\"Child\",\"uuid-name\":\"x\",\"row\":{}},"
	               "{\"op\":\"insert\",\"table\":\"Child\",\"uuid-name\":\"x\",\"row\":{}}]");
	assert_err(r, "duplicate uuid-name", NULL);
	json_decref(r);

	/* Strong reference to a missing row. */
	r = run(e->db, "[{\"op\":\"insert\",\"table\":\"Parent\",\"row\":{\"name\":\"b\",\"kids\":"
	               "[\"uuid\",\"11111111-2222-4333-8444-555555555555\"]}}]");
	assert_err(r, "referential integrity violation", NULL);
	assert_int_equal(json_array_size(r), 2); /* one result, then the commit error */
	assert_non_null(res_uuid(r, 0));
	json_decref(r);
	/* A named-uuid never inserted is a reference to a missing row too. */
	r = run(e->db, "[{\"op\":\"insert\",\"table\":\"Parent\",\"row\":{\"name\":\"b\",\"kids\":"
	               "[\"named-uuid\",\"ghost\"]}}]");
	assert_err(r, "referential integrity violation", NULL);
	json_decref(r);

	/* Deleting a referenced row of a root table fails... */
	r = run(e->db,
	        "[{\"op\":\"select\",\"table\":\"Child\",\"where\":[[\"name\",\"==\",\"one\"]],"
	        "\"columns\":[\"_uuid\"]}]");
	char *one = dump(json_object_get(
	    json_array_get(json_object_get(json_array_get(r, 0), "rows"), 0), "_uuid"));
	json_decref(r);
	r = runf(e->db,
	         "[{\"op\":\"delete\",\"table\":\"Child\",\"where\":[[\"_uuid\",\"==\",%s]]}]",
	         one);
	assert_err(r, "referential integrity violation", NULL);
	json_decref(r);

	/* ...while dropping the reference garbage-collects the child and its grandchild. */
	json_t *changes = NULL;
	char *ops = NULL;
	assert_true(asprintf(&ops,
	                     "[{\"op\":\"mutate\",\"table\":\"Parent\",\"where\":[],\"mutations\":"
	                     "[[\"kids\",\"delete\",%s]]}]",
	                     one) > 0);
	r = run_at(e->db, ops, 0, 0, &changes, NULL);
	free(ops);
	assert_ok(r);
	json_decref(r);
	assert_int_equal(table_size(e->db, "Child"), 1);
	assert_int_equal(table_size(e->db, "Grandchild"), 0);
	assert_int_equal(json_object_size(json_object_get(changes, "Child")), 1);
	assert_int_equal(json_object_size(json_object_get(changes, "Grandchild")), 1);
	json_t *ch = json_object_iter_value(json_object_iter(json_object_get(changes, "Child")));
	assert_non_null(json_object_get(ch, "old"));
	assert_null(json_object_get(ch, "new"));
	json_decref(changes);
	free(one);

	/* An inserted non-root row nobody references disappears at commit. */
	r = run(e->db, "[{\"op\":\"insert\",\"table\":\"Child\",\"row\":{\"name\":\"orphan\"}}]");
	assert_ok(r);
	json_decref(r);
	assert_int_equal(table_size(e->db, "Child"), 1);

	/* Deleting the root parent collects the remaining child. */
	r = run(e->db, "[{\"op\":\"delete\",\"table\":\"Parent\",\"where\":[]}]");
	assert_ok(r);
	json_decref(r);
	assert_int_equal(table_size(e->db, "Child"), 0);
	tenv_free(e);
}

static void test_weak_refs(void **state)
{
	struct tenv *e = tenv_new(NULL);
	json_t *r, *changes = NULL;
	(void)state;

	r = run(e->db,
	        "[{\"op\":\"insert\",\"table\":\"Other\",\"uuid-name\":\"o1\",\"row\":{\"v\":1}},"
	        "{\"op\":\"insert\",\"table\":\"Other\",\"uuid-name\":\"o2\",\"row\":{\"v\":2}},"
	        "{\"op\":\"insert\",\"table\":\"Parent\",\"row\":{\"name\":\"a\",\"friends\":"
	        "[\"set\",[[\"named-uuid\",\"o1\"],[\"named-uuid\",\"o2\"],[\"uuid\","
	        "\"11111111-2222-4333-8444-555555555555\"]]]}}]");
	assert_ok(r);
	json_decref(r);
	/* The dangling weak reference was dropped at commit. */
	char *f = parent_col(e->db, "a", "friends");
	assert_non_null(strstr(f, "\"set\""));
	assert_null(strstr(f, "11111111"));
	free(f);
	r = run_at(e->db, "[{\"op\":\"delete\",\"table\":\"Other\",\"where\":[[\"v\",\"==\",1]]}]",
	           0, 0, &changes, NULL);
	assert_ok(r);
	json_decref(r);
	f = parent_col(e->db, "a", "friends");
	assert_null(strstr(f, "\"set\"")); /* one element left */
	free(f);
	assert_non_null(json_object_get(changes, "Parent"));
	json_decref(changes);
	tenv_free(e);
}

static const char SCHEMA2[] =
    "{\"name\": \"T2\", \"tables\": {"
    " \"A\": {\"isRoot\": true, \"columns\": {\"name\": {\"type\": \"string\"},"
    "   \"wb\": {\"type\": {\"key\": {\"type\": \"uuid\", \"refTable\": \"B\", \"refType\":"
    "          \"weak\"}, \"min\": 1, \"max\": 2}},"
    "   \"m\": {\"type\": {\"key\": \"string\", \"value\": {\"type\": \"uuid\", \"refTable\":"
    "          \"C\"}, \"min\": 0, \"max\": \"unlimited\"}}}},"
    " \"B\": {\"isRoot\": true, \"columns\": {\"name\": {\"type\": \"string\"}}},"
    " \"C\": {\"columns\": {\"name\": {\"type\": \"string\"}, \"self\": {\"type\": {\"key\":"
    "          {\"type\": \"uuid\", \"refTable\": \"C\"}, \"min\": 0, \"max\": 1}}}}}}";

/* Weak references in a column with "min": 1, strong references as map values, and a
 * non-root row that references only itself (collected, like ovsdb-server does). */
static void test_weak_min_map_refs(void **state)
{
	struct tenv *e = tenv_new(SCHEMA2);
	json_t *r;
	(void)state;

	r = run(e->db, "[{\"op\":\"insert\",\"table\":\"B\",\"uuid-name\":\"b1\",\"row\":{\"name\":"
	               "\"b1\"}},{\"op\":\"insert\",\"table\":\"A\",\"row\":{\"name\":\"a\",\"wb\":"
	               "[\"named-uuid\",\"b1\"]}}]");
	assert_ok(r);
	json_decref(r);
	r = run(e->db, "[{\"op\":\"delete\",\"table\":\"B\",\"where\":[]}]");
	assert_err(r, "constraint violation", NULL);
	assert_non_null(strstr(res_details(r), "Deletion of 1 weak reference(s)"));
	json_decref(r);
	assert_int_equal(table_size(e->db, "B"), 1);
	/* The default of "wb" is the all-zeros UUID, which is dropped, which violates "min". */
	r = run(e->db, "[{\"op\":\"insert\",\"table\":\"A\",\"row\":{\"name\":\"x\"}}]");
	assert_err(r, "constraint violation", NULL);
	assert_non_null(strstr(res_details(r), "all-zeros UUID"));
	json_decref(r);

	r = run(e->db,
	        "[{\"op\":\"insert\",\"table\":\"C\",\"uuid-name\":\"c1\",\"row\":{\"name\":"
	        "\"c1\",\"self\":[\"named-uuid\",\"c1\"]}},{\"op\":\"insert\",\"table\":\"C\","
	        "\"uuid-name\":\"c2\",\"row\":{\"name\":\"c2\"}},{\"op\":\"update\",\"table\":"
	        "\"A\",\"where\":[],\"row\":{\"m\":[\"map\",[[\"k1\",[\"named-uuid\",\"c1\"]],"
	        "[\"k2\",[\"named-uuid\",\"c2\"]]]]}}]");
	assert_ok(r);
	json_decref(r);
	assert_int_equal(table_size(e->db, "C"), 2);
	r = run(e->db, "[{\"op\":\"mutate\",\"table\":\"A\",\"where\":[],\"mutations\":[[\"m\","
	               "\"delete\",[\"set\",[\"k2\"]]]]}]");
	assert_ok(r);
	json_decref(r);
	assert_int_equal(table_size(e->db, "C"), 1);
	/* Reference counts survive a reopen (self references excluded). */
	tenv_reopen(e);
	r = run(e->db, "[{\"op\":\"mutate\",\"table\":\"A\",\"where\":[],\"mutations\":[[\"m\","
	               "\"delete\",[\"map\",[[\"k1\",[\"named-uuid\",\"nothing\"]]]]]]}]");
	assert_ok(r);
	json_decref(r);
	assert_int_equal(table_size(e->db, "C"), 1); /* value did not match: nothing deleted */
	r = run(e->db, "[{\"op\":\"update\",\"table\":\"A\",\"where\":[],\"row\":{\"m\":"
	               "[\"map\",[]]}}]");
	assert_ok(r);
	json_decref(r);
	assert_int_equal(table_size(e->db, "C"), 0);

	/* A reference to another row of the same table keeps it alive; dropping the chain's head
	 * collects the whole chain. */
	r = run(e->db, "[{\"op\":\"insert\",\"table\":\"C\",\"uuid-name\":\"x\",\"row\":{\"name\":"
	               "\"x\",\"self\":[\"set\",[[\"named-uuid\",\"y\"]]]}},{\"op\":\"insert\","
	               "\"table\":\"C\",\"uuid-name\":\"y\",\"row\":{\"name\":\"y\"}},{\"op\":"
	               "\"update\",\"table\":\"A\",\"where\":[],\"row\":{\"m\":[\"map\",[[\"k\","
	               "[\"named-uuid\",\"x\"]]]]}}]");
	assert_ok(r);
	json_decref(r);
	assert_int_equal(table_size(e->db, "C"), 2);
	tenv_reopen(e);
	r = run(e->db, "[{\"op\":\"delete\",\"table\":\"C\",\"where\":[[\"name\",\"==\",\"y\"]]}]");
	assert_err(r, "referential integrity violation", NULL);
	json_decref(r);
	r = run(e->db, "[{\"op\":\"update\",\"table\":\"A\",\"where\":[],\"row\":{\"m\":"
	               "[\"map\",[]]}}]");
	assert_ok(r);
	json_decref(r);
	assert_int_equal(table_size(e->db, "C"), 0);
	tenv_free(e);
}

static void test_index_maxrows(void **state)
{
	struct tenv *e = tenv_new(NULL);
	json_t *r;
	(void)state;

	insert_parent(e->db, "a");
	insert_parent(e->db, "b");
	r = run(e->db, "[{\"op\":\"insert\",\"table\":\"Parent\",\"row\":{\"name\":\"a\"}}]");
	assert_err(r, "constraint violation", NULL);
	json_decref(r);
	r = run(e->db, "[{\"op\":\"insert\",\"table\":\"Parent\",\"row\":{\"name\":\"c\"}},"
	               "{\"op\":\"insert\",\"table\":\"Parent\",\"row\":{\"name\":\"c\"}}]");
	assert_err(r, "constraint violation", NULL);
	json_decref(r);
	/* Swapping two names in one transaction is fine. */
	r = run(e->db,
	        "[{\"op\":\"update\",\"table\":\"Parent\",\"where\":[[\"name\",\"==\",\"a\"]],"
	        "\"row\":{\"name\":\"tmp\"}},{\"op\":\"update\",\"table\":\"Parent\",\"where\":"
	        "[[\"name\",\"==\",\"b\"]],\"row\":{\"name\":\"a\"}},{\"op\":\"update\",\"table\":"
	        "\"Parent\",\"where\":[[\"name\",\"==\",\"tmp\"]],\"row\":{\"name\":\"b\"}}]");
	assert_ok(r);
	json_decref(r);
	/* Lookups by an indexed column see the transaction's own changes. */
	r = run(e->db,
	        "[{\"op\":\"update\",\"table\":\"Parent\",\"where\":[[\"name\",\"==\",\"a\"]],"
	        "\"row\":{\"name\":\"z\"}},{\"op\":\"select\",\"table\":\"Parent\",\"where\":"
	        "[[\"name\",\"==\",\"a\"]]},{\"op\":\"select\",\"table\":\"Parent\",\"where\":"
	        "[[\"name\",\"==\",\"z\"]],\"columns\":[\"name\"]},{\"op\":\"select\",\"table\":"
	        "\"Parent\",\"where\":[[\"name\",\"==\",\"b\"],[\"n\",\"==\",0]],\"columns\":"
	        "[\"name\"]},{\"op\":\"abort\"}]");
	char *text = dump(r);
	assert_string_equal(text, "[{\"count\":1},{\"rows\":[]},{\"rows\":[{\"name\":\"z\"}]},"
	                          "{\"rows\":[{\"name\":\"b\"}]},{\"details\":\"aborted by "
	                          "request\",\"error\":\"aborted\"}]");
	free(text);
	json_decref(r);
	/* Delete + re-insert of the same key in one transaction is fine too. */
	r = run(e->db,
	        "[{\"op\":\"delete\",\"table\":\"Parent\",\"where\":[[\"name\",\"==\",\"a\"]]},"
	        "{\"op\":\"insert\",\"table\":\"Parent\",\"row\":{\"name\":\"a\"}}]");
	assert_ok(r);
	json_decref(r);
	assert_int_equal(table_size(e->db, "Parent"), 2);

	/* maxRows 3 on Child. */
	r = run(e->db,
	        "[{\"op\":\"insert\",\"table\":\"Child\",\"uuid-name\":\"a\",\"row\":{}},"
	        "{\"op\":\"insert\",\"table\":\"Child\",\"uuid-name\":\"b\",\"row\":{}},"
	        "{\"op\":\"insert\",\"table\":\"Child\",\"uuid-name\":\"c\",\"row\":{}},"
	        "{\"op\":\"insert\",\"table\":\"Child\",\"uuid-name\":\"d\",\"row\":{}},"
	        "{\"op\":\"update\",\"table\":\"Parent\",\"where\":[],\"row\":{\"kids\":[\"set\","
	        "[[\"named-uuid\",\"a\"],[\"named-uuid\",\"b\"],[\"named-uuid\",\"c\"],"
	        "[\"named-uuid\",\"d\"]]]}}]");
	assert_err(r, "constraint violation",
	           "transaction causes \"Child\" table to contain 4 rows, greater than the "
	           "schema-defined limit of 3 row(s)");
	assert_int_equal(json_array_size(r), 6);
	json_decref(r);
	assert_int_equal(table_size(e->db, "Child"), 0);
	tenv_free(e);
}

/* The change set: every changed row with "old" and/or "new" holding every column but _uuid. */
static void test_change_set(void **state)
{
	struct tenv *e = tenv_new(NULL);
	json_t *r, *ch = NULL, *row;
	const char *uuid;
	char *ops;
	(void)state;

	r = run_at(e->db, "[{\"op\":\"insert\",\"table\":\"Other\",\"row\":{\"v\":1}}]", 0, 0, &ch,
	           NULL);
	assert_ok(r);
	uuid = res_uuid(r, 0);
	row = json_object_get(json_object_get(ch, "Other"), uuid);
	assert_non_null(row);
	assert_null(json_object_get(row, "old"));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(row, "new"), "v")), 1);
	assert_non_null(json_object_get(json_object_get(row, "new"), "_version"));
	assert_null(json_object_get(json_object_get(row, "new"), "_uuid"));
	assert_int_equal(json_object_size(json_object_get(row, "new")), 3); /* v, must, _version */
	json_decref(ch);

	assert_true(asprintf(&ops,
	                     "[{\"op\":\"update\",\"table\":\"Other\",\"where\":[[\"_uuid\",\"==\","
	                     "[\"uuid\",\"%s\"]]],\"row\":{\"v\":2}}]",
	                     uuid) > 0);
	json_t *r2 = run_at(e->db, ops, 0, 0, &ch, NULL);
	assert_ok(r2);
	json_decref(r2);
	row = json_object_get(json_object_get(ch, "Other"), uuid);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(row, "old"), "v")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(row, "new"), "v")), 2);
	assert_false(json_equal(json_object_get(json_object_get(row, "old"), "_version"),
	                        json_object_get(json_object_get(row, "new"), "_version")));
	json_decref(ch);
	/* No change, no change set. */
	r2 = run_at(e->db, ops, 0, 0, &ch, NULL);
	assert_ok(r2);
	assert_null(ch);
	json_decref(r2);
	r2 = run_at(e->db, "[{\"op\":\"delete\",\"table\":\"Other\",\"where\":[]}]", 0, 0, &ch,
	            NULL);
	json_decref(r2);
	row = json_object_get(json_object_get(ch, "Other"), uuid);
	assert_non_null(json_object_get(row, "old"));
	assert_null(json_object_get(row, "new"));
	json_decref(ch);
	/* A failed transaction reports no change set. */
	r2 =
	    run_at(e->db, "[{\"op\":\"insert\",\"table\":\"Other\",\"row\":{}},{\"op\":\"abort\"}]",
	           0, 0, &ch, NULL);
	assert_null(ch);
	json_decref(r2);
	free(ops);
	json_decref(r);
	tenv_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_references_gc),     cmocka_unit_test(test_weak_refs),
	    cmocka_unit_test(test_weak_min_map_refs), cmocka_unit_test(test_index_maxrows),
	    cmocka_unit_test(test_change_set),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
