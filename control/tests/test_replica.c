/* Unit tests of the replica (replica.c, replica_datum.c): column types from a schema, update2
 * rows and diffs applied and stored as RFC 7047 "monitor" rows, and which updates are
 * configuration changes. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "replica.h"

/* JSON written with ' for " (readability). */
static json_t *js(const char *text)
{
	char *s = strdup(text);
	json_error_t jerr;
	for (char *c = s; *c; c++)
		if (*c == '\'')
			*c = '"';
	json_t *j = json_loads(s, JSON_DECODE_ANY, &jerr);
	if (!j)
		fail_msg("bad test JSON: %s: %s", jerr.text, s);
	free(s);
	return j;
}

/* A synthetic schema: every kind of column the readers meet. */
static const char *schema_json =
    "{'name': 'T', 'tables': {'T': {'columns': {"
    "'i': {'type': 'integer'}, 's': {'type': {'key': {'type': 'string', 'enum': ['set', "
    "['a', '']]}}}, 'r': {'type': 'real'}, 'b': {'type': 'boolean'}, 'u': {'type': 'uuid'},"
    "'opt': {'type': {'key': 'integer', 'min': 0, 'max': 1}},"
    "'set': {'type': {'key': 'string', 'min': 0, 'max': 'unlimited'}},"
    "'refs': {'type': {'key': {'type': 'uuid', 'refTable': 'T'}, 'min': 1, 'max': "
    "'unlimited'}},"
    "'m': {'type': {'key': 'string', 'value': 'string', 'min': 0, 'max': 'unlimited'}},"
    "'m1': {'type': {'key': 'string', 'value': 'string', 'min': 0, 'max': 1}},"
    "'unmonitored': {'type': 'integer'}}},"
    "'Interface': {'columns': {'name': {'type': 'string'}, 'ofport': {'type': {'key': "
    "'integer', 'min': 0, 'max': 1}}, 'statistics': {'type': {'key': 'string', 'value': "
    "'integer', 'min': 0, 'max': 'unlimited'}}, 'options': {'type': {'key': 'string', "
    "'value': 'string', 'min': 0, 'max': 'unlimited'}}}},"
    "'Open_vSwitch': {'columns': {'next_cfg': {'type': 'integer'}, 'cur_cfg': {'type': "
    "'integer'}}}}}";

static const char *requests_json =
    "{'T': [{'columns': ['i', 's', 'r', 'b', 'u', 'opt', 'set', 'refs', 'm', 'm1']}],"
    " 'Interface': [{'columns': ['name', 'ofport', 'statistics', 'options']}],"
    " 'Open_vSwitch': {'columns': ['next_cfg', 'cur_cfg']}}";

static void load(struct ctd_replica *r, const char *updates)
{
	json_t *schema = js(schema_json), *reqs = js(requests_json), *u = js(updates);
	assert_int_equal(ctd_replica_set_schema(r, schema, reqs), 0);
	assert_int_equal(ctd_replica_reset(r, u), 0);
	json_decref(schema);
	json_decref(reqs);
	json_decref(u);
}

/* Applies 'updates'; returns config_changed. */
static bool update(struct ctd_replica *r, const char *updates)
{
	bool changed = false;
	json_t *u = js(updates);
	assert_int_equal(ctd_replica_update(r, u, &changed), 0);
	json_decref(u);
	return changed;
}

static void check_col(const struct ctd_replica *r, const char *table, const char *uuid,
                      const char *col, const char *want)
{
	json_t *w = js(want);
	const json_t *got = json_object_get(ctd_replica_row(r, table, uuid), col);
	if (!got || !json_equal((json_t *)got, w)) {
		char *s = got ? json_dumps(got, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
		fail_msg("%s %s %s: got %s, want %s", table, uuid, col, s ? s : "(none)", want);
	}
	json_decref(w);
}

static void modify(struct ctd_replica *r, const char *col, const char *diff, const char *want)
{
	char buf[512];
	snprintf(buf, sizeof(buf), "{'T': {'t1': {'modify': {'%s': %s}}}}", col, diff);
	update(r, buf);
	check_col(r, "T", "t1", col, want);
}

/* Columns left out of "initial"/"insert" rows hold their defaults, as "monitor" sends them. */
static void test_defaults(void **state)
{
	struct ctd_replica r = {0};
	(void)state;
	load(&r, "{'T': {'t1': {'initial': {'s': 'a', 'refs': ['uuid', 't1']}}}}");
	assert_true(ctd_replica_valid(&r));
	check_col(&r, "T", "t1", "i", "0");
	check_col(&r, "T", "t1", "s", "'a'");
	check_col(&r, "T", "t1", "r", "0.0");
	check_col(&r, "T", "t1", "b", "false");
	check_col(&r, "T", "t1", "u", "['uuid', '00000000-0000-0000-0000-000000000000']");
	check_col(&r, "T", "t1", "opt", "['set', []]");
	check_col(&r, "T", "t1", "set", "['set', []]");
	check_col(&r, "T", "t1", "refs", "['uuid', 't1']");
	check_col(&r, "T", "t1", "m", "['map', []]");
	assert_null(json_object_get(ctd_replica_row(&r, "T", "t1"), "unmonitored"));
	assert_true(update(&r, "{'T': {'t2': {'insert': {'i': 3}}}}"));
	check_col(&r, "T", "t2", "i", "3");
	check_col(&r, "T", "t2", "s", "''");
	check_col(&r, "T", "t2", "m", "['map', []]");
	ctd_replica_clear(&r);
	assert_false(ctd_replica_valid(&r));
}

static void test_modify_scalar_and_optional(void **state)
{
	struct ctd_replica r = {0};
	(void)state;
	load(&r, "{'T': {'t1': {'initial': {'i': 1}}}}");
	modify(&r, "i", "5", "5");
	modify(&r, "s", "'a'", "'a'");
	modify(&r, "u", "['uuid', 'x']", "['uuid', 'x']");
	/* An optional value set, replaced and cleared: ovsdb-server sends the new value... */
	modify(&r, "opt", "7", "7");
	modify(&r, "opt", "8", "8");
	modify(&r, "opt", "['set', []]", "['set', []]");
	/* ... a diff reads the same (the old value toggled off, the new one on). */
	modify(&r, "opt", "3", "3");
	modify(&r, "opt", "['set', [3, 9]]", "9");
	modify(&r, "opt", "9", "['set', []]");
	ctd_replica_clear(&r);
}

static void test_modify_set(void **state)
{
	struct ctd_replica r = {0};
	(void)state;
	load(&r, "{'T': {'t1': {'initial': {'refs': ['uuid', 'a'], 'set': ['set', ['x', 'y']]}}}}");
	modify(&r, "set", "'x'", "'y'"); /* one element as its atom, both ways */
	modify(&r, "set", "['set', ['c', 'b']]", "['set', ['b', 'c', 'y']]");
	modify(&r, "set", "['set', ['b', 'y', 'a']]", "['set', ['a', 'c']]");
	modify(&r, "set", "['set', ['a', 'c']]", "['set', []]");
	modify(&r, "refs", "['uuid', 'b']", "['set', [['uuid', 'a'], ['uuid', 'b']]]");
	modify(&r, "refs", "['set', [['uuid', 'a']]]", "['uuid', 'b']");
	ctd_replica_clear(&r);
}

static void test_modify_map(void **state)
{
	struct ctd_replica r = {0};
	(void)state;
	load(&r, "{'T': {'t1': {'initial': {'m': ['map', [['k', 'v']]]}}}}");
	/* insert j, replace k's value */
	modify(&r, "m", "['map', [['k', 'v2'], ['j', 'w']]]", "['map', [['j', 'w'], ['k', 'v2']]]");
	/* remove k (same value), insert a */
	modify(&r, "m", "['map', [['k', 'v2'], ['a', '1']]]", "['map', [['a', '1'], ['j', 'w']]]");
	modify(&r, "m", "['map', [['a', '1'], ['j', 'w']]]", "['map', []]");
	/* A map of at most one pair: ovsdb-server sends the new value, ovsdb-lite a diff. */
	modify(&r, "m1", "['map', [['k', 'v']]]", "['map', [['k', 'v']]]");
	modify(&r, "m1", "['map', [['j', 'w']]]", "['map', [['j', 'w']]]");
	modify(&r, "m1", "['map', [['j', 'w'], ['i', 'x']]]", "['map', [['i', 'x']]]");
	modify(&r, "m1", "['map', []]", "['map', []]");
	ctd_replica_clear(&r);
}

static void test_delete_and_errors(void **state)
{
	struct ctd_replica r = {0};
	bool changed = false;
	(void)state;
	load(&r, "{'T': {'t1': {'initial': {}}, 't2': {'initial': {}}}}");
	assert_true(update(&r, "{'T': {'t1': {'delete': null}}}"));
	assert_null(ctd_replica_row(&r, "T", "t1"));
	assert_non_null(ctd_replica_row(&r, "T", "t2"));
	const char *bad[] = {
	    "{'T': {'t1': {'modify': {'i': 1}}}}",              /* no such row */
	    "{'T': {'t2': {'modify': {'unmonitored': 1}}}}",    /* no such column */
	    "{'T': {'t2': {'modify': {'m': 'k'}}}}",            /* a map diff that is not a map */
	    "{'T': {'t2': {'modify': {'m': ['map', ['k']]}}}}", /* not a pair */
	    "{'T': {'t2': {'frobnicate': {}}}}",                /* no such row update */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *u = js(bad[i]);
		assert_int_equal(ctd_replica_update(&r, u, &changed), -EPROTO);
		json_decref(u);
	}
	ctd_replica_clear(&r);
	/* An update before the initial contents; a schema without a monitored column. */
	json_t *u = js("{}"), *schema = js(schema_json),
	       *reqs = js("{'T': [{'columns': ['i', 'nope']}]}");
	assert_int_equal(ctd_replica_update(&r, u, &changed), -EPROTO);
	assert_int_equal(ctd_replica_set_schema(&r, schema, reqs), -EPROTO);
	json_decref(reqs);
	reqs = js("{'Nope': [{'columns': ['i']}]}");
	assert_int_equal(ctd_replica_set_schema(&r, schema, reqs), -EPROTO);
	json_decref(reqs);
	json_decref(schema);
	json_decref(u);
	ctd_replica_clear(&r);
}

/* The get_schema reply as the daemon handles it: a good schema, a refusal, a missing column. */
static void test_schema_reply(void **state)
{
	struct ctd_replica r = {0};
	json_t *schema = js(schema_json),
	       *req = json_pack("[s,s,o]", "Open_vSwitch", "m", js(requests_json)),
	       *err = js("{'error': 'unknown database'}");
	char *why = (char *)"unset";
	(void)state;
	assert_non_null(req);
	assert_int_equal(ctd_replica_schema_reply(&r, schema, NULL, req, &why), 0);
	assert_null(why);
	ctd_replica_clear(&r);
	assert_int_equal(ctd_replica_schema_reply(&r, NULL, err, req, &why), -EPROTO);
	assert_string_equal(why, " refused: {\"error\":\"unknown database\"}");
	free(why);
	json_array_set_new(req, 2, js("{'T': [{'columns': ['nope']}]}"));
	assert_int_equal(ctd_replica_schema_reply(&r, schema, NULL, req, &why), -EPROTO);
	assert_string_equal(why, ": " CTD_REPLICA_SCHEMA_EPROTO);
	free(why);
	ctd_replica_clear(&r);
	json_decref(schema);
	json_decref(req);
	json_decref(err);
}

/* Only configuration changes ask for a reconcile pass; write-back columns do not. */
static void test_config_changed(void **state)
{
	struct ctd_replica r = {0};
	(void)state;
	load(&r, "{'Interface': {'i1': {'initial': {'name': 'vhu0'}}},"
	         " 'Open_vSwitch': {'o1': {'initial': {'next_cfg': 4, 'cur_cfg': 3}}}}");
	check_col(&r, "Interface", "i1", "ofport", "['set', []]");
	assert_false(update(&r, "{'Interface': {'i1': {'modify': {'ofport': 1, 'statistics': "
	                        "['map', [['rx_packets', 5]]]}}}, 'Open_vSwitch': {'o1': "
	                        "{'modify': {'cur_cfg': 4}}}}"));
	check_col(&r, "Interface", "i1", "ofport", "1");
	check_col(&r, "Interface", "i1", "statistics", "['map', [['rx_packets', 5]]]");
	check_col(&r, "Open_vSwitch", "o1", "cur_cfg", "4");
	assert_true(update(&r, "{'Open_vSwitch': {'o1': {'modify': {'next_cfg': 5}}}}"));
	assert_true(update(&r, "{'Interface': {'i1': {'modify': {'options': ['map', [['a', "
	                       "'b']]], 'ofport': ['set', []]}}}}"));
	check_col(&r, "Interface", "i1", "ofport", "['set', []]");
	assert_true(update(&r, "{'Interface': {'i2': {'insert': {'name': 'x'}}}}"));
	assert_true(update(&r, "{'Interface': {'i2': {'delete': null}}}"));
	assert_false(update(&r, "{}"));
	ctd_replica_clear(&r);
}

/* The monitor request is monitor_cond's: {table: [{"columns": [...]}]}. */
static void test_monitor_request(void **state)
{
	(void)state;
	json_t *req = ctd_replica_monitor_request("Open_vSwitch", "m");
	assert_string_equal(json_string_value(json_array_get(req, 0)), "Open_vSwitch");
	assert_string_equal(json_string_value(json_array_get(req, 1)), "m");
	const json_t *iface = json_object_get(json_array_get(req, 2), "Interface");
	assert_true(json_is_array(iface));
	assert_int_equal(json_array_size(json_object_get(json_array_get(iface, 0), "columns")), 9);
	json_decref(req);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_modify_scalar_and_optional),
	    cmocka_unit_test(test_modify_set),
	    cmocka_unit_test(test_modify_map),
	    cmocka_unit_test(test_delete_and_errors),
	    cmocka_unit_test(test_config_changed),
	    cmocka_unit_test(test_monitor_request),
	    cmocka_unit_test(test_schema_reply),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
