/* Unit tests of ovsdb-lite schema parsing and validation (schema.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "test_helpers.h"
#include "schema.h"

static const char *vswitch_path;

static struct odb_schema *parse(const char *text, char **errp)
{
	json_error_t jerr;
	json_t *j = json_loads(text, 0, &jerr);
	struct odb_schema *s;

	if (!j) {
		fprintf(stderr, "bad test JSON: %s\n", text);
		abort();
	}
	s = odb_schema_from_json(j, errp);
	json_decref(j);
	return s;
}

static void test_valid(void **state)
{
	char *err = NULL;
	struct odb_schema *s = parse(TEST_SCHEMA, &err);
	const struct odb_table_schema *p, *c;
	const struct odb_column *col;
	(void)state;

	assert_non_null(s);
	assert_string_equal(s->name, "Test");
	assert_string_equal(s->version, "1.2.3");
	assert_int_equal(s->n_tables, 4);
	p = odb_schema_find_table(s, "Parent");
	c = odb_schema_find_table(s, "Child");
	assert_non_null(p);
	assert_true(p->is_root);
	assert_false(c->is_root);
	assert_int_equal(c->max_rows, 3);
	assert_int_equal(p->max_rows, ODB_UNLIMITED);
	assert_int_equal(p->n_indexes, 1);
	assert_int_equal(p->indexes[0].n_columns, 1);
	assert_string_equal(p->columns[p->indexes[0].columns[0]].name, "name");
	/* _uuid and _version come first. */
	assert_string_equal(p->columns[0].name, "_uuid");
	assert_string_equal(p->columns[1].name, "_version");
	assert_false(p->columns[0].mutable_);
	col = odb_schema_find_column(p, "n");
	assert_int_equal(col->type.key.type, ODB_INTEGER);
	assert_int_equal(col->type.key.min_int, -100);
	assert_int_equal(col->type.key.max_int, 1000);
	assert_true(odb_type_is_scalar(&col->type));
	col = odb_schema_find_column(p, "opts");
	assert_true(odb_type_is_map(&col->type));
	assert_int_equal(col->type.max, ODB_UNLIMITED);
	col = odb_schema_find_column(p, "tags");
	assert_int_equal(col->type.min, 0);
	assert_int_equal(col->type.max, 3);
	assert_int_equal(col->type.key.max_len, 5);
	col = odb_schema_find_column(p, "color");
	assert_non_null(col->type.key.enum_vals);
	col = odb_schema_find_column(p, "kids");
	assert_int_equal(col->type.key.ref_type, ODB_REF_STRONG);
	assert_int_equal(col->type.key.ref_table, (int)c->index);
	col = odb_schema_find_column(p, "friends");
	assert_int_equal(col->type.key.ref_type, ODB_REF_WEAK);
	assert_false(odb_schema_find_column(p, "fixed")->mutable_);
	assert_true(p->has_strong_refs && p->has_weak_refs);
	assert_null(odb_schema_find_table(s, "Nope"));
	assert_null(odb_schema_find_column(p, "nope"));
	assert_non_null(s->json);
	odb_schema_destroy(s);

	/* Without any isRoot, every table is a root table (RFC 7047 compatibility). */
	s = parse(
	    "{\"name\":\"X\",\"tables\":{\"A\":{\"columns\":{\"a\":{\"type\":\"integer\"}}}}}",
	    &err);
	assert_non_null(s);
	assert_true(s->tables[0].is_root);
	assert_null(s->version);
	odb_schema_destroy(s);
}

static void test_vswitch(void **state)
{
	char *err = NULL;
	struct odb_schema *s;
	(void)state;

	if (!vswitch_path || access(vswitch_path, R_OK)) {
		fprintf(stderr, "vswitch.ovsschema path not given or unreadable\n");
		fail();
	}
	s = odb_schema_from_file(vswitch_path, &err);
	if (!s)
		fprintf(stderr, "%s\n", err);
	assert_non_null(s);
	assert_string_equal(s->name, "Open_vSwitch");
	assert_non_null(odb_schema_find_table(s, "Bridge"));
	assert_true(odb_schema_find_table(s, "Open_vSwitch")->is_root);
	assert_false(odb_schema_find_table(s, "Port")->is_root);
	odb_schema_destroy(s);
}

static void test_invalid(void **state)
{
	static const struct {
		const char *schema, *expect;
	} bad[] = {
	    {"[]", "object"},
	    {"{\"tables\":{}}", "name"},
	    {"{\"name\":\"bad name\",\"tables\":{}}", "name"},
	    {"{\"name\":\"X\"}", "tables"},
	    {"{\"name\":\"X\",\"version\":\"1.2\",\"tables\":{}}", "version"},
	    {"{\"name\":\"X\",\"tables\":{},\"bogus\":1}", "bogus"},
	    {"{\"name\":\"X\",\"tables\":{\"T\":{\"columns\":{}}}}", "columns"},
	    {"{\"name\":\"X\",\"tables\":{\"T\":{}}}", "columns"},
	    {"{\"name\":\"X\",\"tables\":{\"T\":5}}", "object"},
	    {"{\"name\":\"X\",\"tables\":{\"T\":{\"columns\":{\"_x\":{\"type\":\"integer\"}}}}}",
	     "column name"},
	    {"{\"name\":\"X\",\"tables\":{\"T\":{\"columns\":{\"a\":{}}}}}", "type"},
	    {"{\"name\":\"X\",\"tables\":{\"T\":{\"columns\":{\"a\":{\"type\":\"int\"}}}}}",
	     "unknown atomic type"},
	    {"{\"name\":\"X\",\"tables\":{\"T\":{\"columns\":{\"a\":{\"type\":{\"key\":"
	     "\"integer\",\"min\":2}}}}}}",
	     "min"},
	    {"{\"name\":\"X\",\"tables\":{\"T\":{\"columns\":{\"a\":{\"type\":{\"key\":"
	     "\"integer\",\"max\":0}}}}}}",
	     "max"},
	    {"{\"name\":\"X\",\"tables\":{\"T\":{\"columns\":{\"a\":{\"type\":{\"key\":"
	     "\"integer\",\"max\":\"lots\"}}}}}}",
	     "max"},
	    {"{\"name\":\"X\",\"tables\":{\"T\":{\"columns\":{\"a\":{\"type\":{\"key\":{\"type\":"
	     "\"string\",\"minInteger\":1}}}}}}}",
	     "minInteger"},
	    {"{\"name\":\"X\",\"tables\":{\"T\":{\"columns\":{\"a\":{\"type\":{\"key\":{\"type\":"
	     "\"integer\",\"minInteger\":5,\"maxInteger\":1}}}}}}}",
	     "exceeds"},
	    {"{\"name\":\"X\",\"tables\":{\"T\":{\"columns\":{\"a\":{\"type\":{\"key\":{\"type\":"
	     "\"real\",\"minReal\":\"x\"}}}}}}}",
	     "minReal"},
	    {"{\"name\":\"X\",\"tables\":{\"T\":{\"columns\":{\"a\":{\"type\":{\"key\":{\"type\":"
	     "\"string\",\"maxLength\":-1}}}}}}}",
	     "maxLength"},
	    {"{\"name\":\"X\",\"tables\":{\"T\":{\"columns\":{\"a\":{\"type\":{\"key\":{\"type\":"
	     "\"uuid\",\"refTable\":\"Nope\"}}}}}}}",
	     "Nope"},
	    {"{\"name\":\"X\",\"tables\":{\"T\":{\"columns\":{\"a\":{\"type\":{\"key\":{\"type\":"
	     "\"uuid\",\"refType\":\"weak\"}}}}}}}",
	     "refType"},
	    {"{\"name\":\"X\",\"tables\":{\"T\":{\"columns\":{\"a\":{\"type\":{\"key\":{\"type\":"
	     "\"uuid\",\"refTable\":\"T\",\"refType\":\"soft\"}}}}}}}",
	     "refType"},
	    {"{\"name\":\"X\",\"tables\":{\"T\":{\"columns\":{\"a\":{\"type\":{\"key\":{\"type\":"
	     "\"string\",\"enum\":[\"set\",[1,2]]}}}}}}}",
	     "enum"},
	    {"{\"name\":\"X\",\"tables\":{\"T\":{\"columns\":{\"a\":{\"type\":\"integer\","
	     "\"mutable\":\"no\"}}}}}",
	     "mutable"},
	    {"{\"name\":\"X\",\"tables\":{\"T\":{\"maxRows\":0,\"columns\":{\"a\":{\"type\":"
	     "\"integer\"}}}}}",
	     "maxRows"},
	    {"{\"name\":\"X\",\"tables\":{\"T\":{\"isRoot\":1,\"columns\":{\"a\":{\"type\":"
	     "\"integer\"}}}}}",
	     "isRoot"},
	    {"{\"name\":\"X\",\"tables\":{\"T\":{\"indexes\":[[\"b\"]],\"columns\":{\"a\":{"
	     "\"type\":\"integer\"}}}}}",
	     "index"},
	    {"{\"name\":\"X\",\"tables\":{\"T\":{\"indexes\":[[]],\"columns\":{\"a\":{"
	     "\"type\":\"integer\"}}}}}",
	     "index"},
	    {"{\"name\":\"X\",\"tables\":{\"T\":{\"indexes\":[[\"a\",\"a\"]],\"columns\":{\"a\":{"
	     "\"type\":\"integer\"}}}}}",
	     "twice"},
	    {"{\"name\":\"X\",\"tables\":{\"T\":{\"indexes\":[[\"a\"]],\"columns\":{\"a\":{"
	     "\"type\":\"integer\",\"ephemeral\":true}}}}}",
	     "ephemeral"},
	    {"{\"name\":\"X\",\"tables\":{\"T\":{\"columns\":{\"a\":{\"type\":{\"key\":"
	     "\"integer\",\"value\":\"frob\"}}}}}}",
	     "frob"},
	};
	(void)state;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *err = NULL;
		struct odb_schema *s = parse(bad[i].schema, &err);
		if (s || !err || !strstr(err, bad[i].expect))
			fprintf(stderr, "case %zu: %s -> %s\n", i, bad[i].schema,
			        err ? err : "(ok)");
		assert_null(s);
		assert_non_null(err);
		assert_non_null(strstr(err, bad[i].expect));
		free(err);
	}
	/* Unreadable or non-JSON files. */
	char *err = NULL;
	assert_null(odb_schema_from_file("/nonexistent/x.ovsschema", &err));
	assert_non_null(err);
	free(err);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid),
	    cmocka_unit_test(test_vswitch),
	    cmocka_unit_test(test_invalid),
	};
	vswitch_path = argc > 1 ? argv[1] : NULL;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
