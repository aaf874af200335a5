/* Unit tests of ovsdb-lite values and utilities (datum.c, util.c, table.c rows): JSON
 * notation both ways, ordering, constraints, UUIDs, CRC-32, hash map. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "test_helpers.h"
#include "datum.h"
#include "table.h"

static struct odb_type make_type(enum odb_atype k, enum odb_atype v, unsigned min, unsigned max)
{
	struct odb_type t;

	memset(&t, 0, sizeof t);
	t.key.type = k;
	t.value.type = v;
	t.key.min_int = t.value.min_int = INT64_MIN;
	t.key.max_int = t.value.max_int = INT64_MAX;
	t.key.min_real = t.value.min_real = -1e308;
	t.key.max_real = t.value.max_real = 1e308;
	t.key.max_len = t.value.max_len = ULONG_MAX;
	t.key.ref_table = t.value.ref_table = -1;
	t.min = min;
	t.max = max;
	return t;
}

/* Parses 'text' as 'type' and checks that it prints back as 'expect' (NULL: same). */
static void roundtrip(const struct odb_type *t, const char *text, const char *expect)
{
	json_t *j = json_loads(text, JSON_DECODE_ANY, NULL), *err, *out;
	struct odb_datum d;
	char *s;

	assert_non_null(j);
	err = odb_datum_from_json(&d, t, j, NULL, true);
	if (err) {
		s = dump(err);
		fprintf(stderr, "%s: %s\n", text, s);
		free(s);
	}
	assert_null(err);
	out = odb_datum_to_json(&d, t);
	s = dump(out);
	assert_string_equal(s, expect ? expect : text);
	free(s);
	json_decref(out);
	json_decref(j);
	odb_datum_destroy(&d, t);
}

static const char *parse_error(const struct odb_type *t, const char *text, bool check)
{
	static char buf[64];
	json_t *j = json_loads(text, JSON_DECODE_ANY, NULL), *err;
	struct odb_datum d;

	assert_non_null(j);
	err = odb_datum_from_json(&d, t, j, NULL, check);
	json_decref(j);
	if (!err) {
		odb_datum_destroy(&d, t);
		return NULL;
	}
	snprintf(buf, sizeof buf, "%s", json_string_value(json_object_get(err, "error")));
	json_decref(err);
	return buf;
}

static void test_json_notation(void **state)
{
	struct odb_type ti = make_type(ODB_INTEGER, ODB_VOID, 1, 1);
	struct odb_type tr = make_type(ODB_REAL, ODB_VOID, 1, 1);
	struct odb_type tb = make_type(ODB_BOOLEAN, ODB_VOID, 1, 1);
	struct odb_type tu = make_type(ODB_UUID, ODB_VOID, 0, 1);
	struct odb_type ts = make_type(ODB_STRING, ODB_VOID, 0, ODB_UNLIMITED);
	struct odb_type tm = make_type(ODB_STRING, ODB_INTEGER, 0, ODB_UNLIMITED);
	(void)state;

	roundtrip(&ti, "42", NULL);
	roundtrip(&ti, "[\"set\",[-7]]", "-7");
	roundtrip(&ti, "-9223372036854775808", NULL);
	roundtrip(&tr, "1.25", NULL);
	roundtrip(&tr, "3.0", "3");
	roundtrip(&tr, "-0.0", "0");
	roundtrip(&tr, "2.5e10", "25000000000");
	roundtrip(&tr, "0.5", NULL);
	roundtrip(&tb, "false", NULL);
	roundtrip(&tu, "[\"uuid\",\"01234567-89ab-4def-8123-456789abcdef\"]", NULL);
	roundtrip(&tu, "[\"set\",[]]", NULL);
	roundtrip(&ts, "[\"set\",[\"b\",\"a\",\"c\"]]", "[\"set\",[\"a\",\"b\",\"c\"]]");
	roundtrip(&ts, "\"only\"", NULL);
	roundtrip(&tm, "[\"map\",[[\"z\",1],[\"a\",2]]]", "[\"map\",[[\"a\",2],[\"z\",1]]]");
	roundtrip(&tm, "[\"map\",[]]", NULL);

	assert_string_equal(parse_error(&ti, "\"x\"", true), "syntax error");
	assert_string_equal(parse_error(&ti, "1.5", true), "syntax error");
	assert_string_equal(parse_error(&ti, "[\"set\",[]]", true), "syntax error"); /* size */
	assert_null(parse_error(&ti, "[\"set\",[]]", false)); /* size not checked */
	assert_string_equal(parse_error(&ti, "[\"set\",[1,2]]", true), "syntax error");
	assert_string_equal(parse_error(&tb, "0", true), "syntax error");
	assert_string_equal(parse_error(&tu, "[\"uuid\",\"zz\"]", true), "syntax error");
	assert_string_equal(parse_error(&tu, "[\"named-uuid\",\"a\"]", true), "syntax error");
	assert_string_equal(parse_error(&tu, "[\"uuid\"]", true), "syntax error");
	assert_string_equal(parse_error(&ts, "[\"set\",[\"a\",\"a\"]]", true), "ovsdb error");
	assert_string_equal(parse_error(&ts, "[\"set\",\"a\"]", true), "syntax error");
	assert_string_equal(parse_error(&ts, "[\"map\",[]]", true), "syntax error");
	assert_string_equal(parse_error(&tm, "[\"map\",[[\"a\",1],[\"a\",2]]]", true),
	                    "ovsdb error");
	assert_string_equal(parse_error(&tm, "[\"map\",[[\"a\"]]]", true), "syntax error");
	/* Replay keeps a database readable: duplicates are dropped, not an error. */
	json_t *dj = json_loads("[\"set\",[\"b\",\"a\",\"b\"]]", 0, NULL);
	struct odb_datum dd;
	assert_null(odb_datum_from_json_replay(&dd, &ts, dj));
	assert_int_equal(dd.n, 2);
	odb_datum_destroy(&dd, &ts);
	json_decref(dj);
	assert_string_equal(parse_error(&tm, "[\"map\",[[\"a\",\"b\"]]]", true), "syntax error");
	assert_string_equal(parse_error(&tm, "\"a\"", true), "syntax error");
	assert_string_equal(parse_error(&tm, "null", true), "syntax error");
}

static void test_constraints(void **state)
{
	struct odb_type ti = make_type(ODB_INTEGER, ODB_VOID, 1, 1);
	struct odb_type tr = make_type(ODB_REAL, ODB_VOID, 1, 1);
	struct odb_type ts = make_type(ODB_STRING, ODB_VOID, 1, 1);
	union odb_atom a;
	json_t *err;
	(void)state;

	ti.key.min_int = 0;
	ti.key.max_int = 10;
	assert_null(parse_error(&ti, "10", true));
	assert_string_equal(parse_error(&ti, "11", true), "constraint violation");
	assert_null(parse_error(&ti, "11", false));
	a.i = -1;
	err = odb_atom_check_constraints(&a, &ti.key);
	assert_string_equal(json_string_value(json_object_get(err, "details")),
	                    "-1 is not in the valid range 0 to 10 (inclusive)");
	json_decref(err);
	ti.key.max_int = INT64_MAX;
	err = odb_atom_check_constraints(&a, &ti.key);
	assert_string_equal(json_string_value(json_object_get(err, "details")),
	                    "-1 is less than minimum allowed value 0");
	json_decref(err);

	tr.key.min_real = 0.5;
	assert_string_equal(parse_error(&tr, "0.25", true), "constraint violation");
	assert_null(parse_error(&tr, "0.5", true));

	ts.key.min_len = 2;
	ts.key.max_len = 3;
	assert_string_equal(parse_error(&ts, "\"a\"", true), "constraint violation");
	assert_string_equal(parse_error(&ts, "\"abcd\"", true), "constraint violation");
	/* Length counts characters, not bytes: 3 two-byte characters. */
	assert_null(parse_error(&ts, "\"\\u00e9\\u00e9\\u00e9\"", true));

	/* enum */
	struct odb_type et = make_type(ODB_STRING, ODB_VOID, 1, ODB_UNLIMITED);
	struct odb_datum ev;
	json_t *ej = json_loads("[\"set\",[\"red\",\"green\"]]", 0, NULL);
	assert_null(odb_datum_from_json(&ev, &et, ej, NULL, true));
	json_decref(ej);
	ts.key.min_len = 0;
	ts.key.max_len = ULONG_MAX;
	ts.key.enum_vals = &ev;
	assert_null(parse_error(&ts, "\"green\"", true));
	assert_string_equal(parse_error(&ts, "\"blue\"", true), "constraint violation");
	odb_datum_destroy(&ev, &et);

	/* size */
	struct odb_type set = make_type(ODB_INTEGER, ODB_VOID, 1, 2);
	struct odb_datum d;
	odb_datum_init_empty(&d);
	err = odb_datum_check_size(&d, &set, "set");
	assert_string_equal(json_string_value(json_object_get(err, "error")),
	                    "constraint violation");
	json_decref(err);
}

static void test_datum_ops(void **state)
{
	struct odb_type ts = make_type(ODB_STRING, ODB_VOID, 0, ODB_UNLIMITED);
	struct odb_type tm = make_type(ODB_INTEGER, ODB_REAL, 0, ODB_UNLIMITED);
	struct odb_datum a, b, c;
	union odb_atom k, v;
	(void)state;

	odb_datum_init_empty(&a);
	for (int i = 50; i > 0; i--) {
		char buf[8];
		snprintf(buf, sizeof buf, "s%02d", i % 40);
		k.s = strdup(buf);
		odb_datum_append(&a, &ts, &k, NULL);
	}
	assert_false(odb_datum_sort(&a, &ts)); /* duplicates present */
	odb_datum_sort_unique(&a, &ts);
	assert_int_equal(a.n, 40);
	for (unsigned i = 1; i < a.n; i++)
		assert_true(strcmp(a.keys[i - 1].s, a.keys[i].s) < 0);
	k.s = "s17";
	assert_int_equal(odb_datum_find_key(&a, &ts, &k), 17);
	k.s = "zzz";
	assert_int_equal(odb_datum_find_key(&a, &ts, &k), -1);
	odb_datum_clone(&b, &a, &ts);
	assert_true(odb_datum_equals(&a, &b, &ts));
	assert_int_equal(odb_datum_hash(&a, &ts, 1), odb_datum_hash(&b, &ts, 1));
	odb_datum_remove_at(&b, &ts, 0);
	assert_int_equal(b.n, 39);
	assert_false(odb_datum_equals(&a, &b, &ts));
	assert_true(odb_datum_compare(&a, &b, &ts) < 0); /* "s00" < "s01" */
	k.s = strdup("a");
	odb_datum_append(&b, &ts, &k, NULL);
	assert_true(odb_datum_sort(&b, &ts));
	assert_string_equal(b.keys[0].s, "a");
	odb_datum_destroy(&a, &ts);
	odb_datum_destroy(&b, &ts);

	odb_datum_init_empty(&c);
	k.i = 3;
	v.r = 0.5;
	odb_datum_append(&c, &tm, &k, &v);
	k.i = 1;
	v.r = 1.5;
	odb_datum_append(&c, &tm, &k, &v);
	assert_true(odb_datum_sort(&c, &tm));
	assert_int_equal(c.keys[0].i, 1);
	assert_true(c.values[0].r == 1.5);
	odb_datum_destroy(&c, &tm);

	/* Defaults. */
	struct odb_type one = make_type(ODB_STRING, ODB_VOID, 1, 1);
	odb_datum_init_default(&c, &one);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.keys[0].s, "");
	odb_datum_destroy(&c, &one);
	odb_datum_init_default(&c, &ts);
	assert_int_equal(c.n, 0);
}

static void test_util(void **state)
{
	struct odb_uuid u, w;
	char buf[ODB_UUID_LEN + 1];
	struct odb_uuid_gen g;
	(void)state;

	assert_int_equal(odb_crc32_update(0, "123456789", 9), 0xcbf43926u);
	assert_true(odb_uuid_from_string(&u, "01234567-89AB-4def-8123-456789abcdef"));
	odb_uuid_to_string(&u, buf);
	assert_string_equal(buf, "01234567-89ab-4def-8123-456789abcdef");
	assert_false(odb_uuid_from_string(&u, "01234567-89ab-4def-8123-456789abcde"));
	assert_false(odb_uuid_from_string(&u, "01234567x89ab-4def-8123-456789abcdef"));
	assert_false(odb_uuid_from_string(&u, "0123456g-89ab-4def-8123-456789abcdef"));
	odb_uuid_gen_init(&g);
	odb_uuid_generate(&g, &u);
	odb_uuid_generate(&g, &w);
	assert_false(odb_uuid_equals(&u, &w));
	odb_uuid_to_string(&u, buf);
	assert_int_equal(buf[14], '4'); /* version 4 */

	/* Hash map: insert, find, iterate with removal. */
	struct item {
		struct odb_hmap_node node;
		int v;
	} items[1000];
	struct odb_hmap m;
	struct odb_hmap_iter it;
	size_t n = 0;
	odb_hmap_init(&m);
	for (int i = 0; i < 1000; i++) {
		items[i].v = i;
		odb_hmap_insert(&m, &items[i].node, odb_hash_add64(0, (uint64_t)i));
	}
	assert_int_equal(m.n, 1000);
	for (struct odb_hmap_node *p = odb_hmap_first_with_hash(&m, odb_hash_add64(0, 777)); p;
	     p = odb_hmap_next_with_hash(p))
		if (ODB_CONTAINER_OF(p, struct item, node)->v == 777)
			n++;
	assert_int_equal(n, 1);
	n = 0;
	for (struct odb_hmap_node *p = odb_hmap_iter_first(&m, &it); p;
	     p = odb_hmap_iter_next(&m, &it)) {
		if (ODB_CONTAINER_OF(p, struct item, node)->v % 2)
			odb_hmap_remove(&m, p);
		n++;
	}
	assert_int_equal(n, 1000);
	assert_int_equal(m.n, 500);
	odb_hmap_destroy(&m);
}

static void test_rows(void **state)
{
	char *err = NULL;
	json_t *sj = json_loads(TEST_SCHEMA, 0, NULL);
	struct odb_schema *s = odb_schema_from_json(sj, &err);
	const struct odb_table_schema *p = odb_schema_find_table(s, "Parent");
	struct odb_uuid u;
	struct odb_row *row, *copy;
	json_t *j;
	(void)state;

	json_decref(sj);
	odb_uuid_from_string(&u, "01234567-89ab-4def-8123-456789abcdef");
	row = odb_row_create(p, &u);
	j = odb_row_to_json(row);
	assert_null(json_object_get(j, "_uuid"));
	assert_non_null(json_object_get(j, "_version"));
	assert_int_equal(json_object_size(j), p->n_columns - 1);
	copy = odb_row_from_json(p, &u, j, &err);
	assert_non_null(copy);
	assert_true(odb_row_equals(row, copy));
	odb_row_destroy(copy);
	json_object_set_new(j, "bogus", json_integer(1));
	assert_null(odb_row_from_json(p, &u, j, &err));
	assert_non_null(err);
	free(err);
	json_decref(j);
	odb_row_destroy(row);
	odb_schema_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_json_notation), cmocka_unit_test(test_constraints),
	    cmocka_unit_test(test_datum_ops),     cmocka_unit_test(test_util),
	    cmocka_unit_test(test_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
