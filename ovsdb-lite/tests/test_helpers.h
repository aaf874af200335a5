/* Helpers shared by the ovsdb-lite core unit tests: temp directory, test schema, running
 * transactions from JSON text. Include after cmocka.h. */
#ifndef OVSDB_LITE_TEST_HELPERS_H
#define OVSDB_LITE_TEST_HELPERS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <stdbool.h>
#include <unistd.h>
#include <jansson.h>
#include "db.h"

/* Parent has a strong set of Child (non-root, GC'd), a weak set of Other, an index on name;
 * Child has a maxRows. Other is root. */
static const char TEST_SCHEMA[] =
    "{\"name\": \"Test\", \"version\": \"1.2.3\", \"tables\": {"
    " \"Parent\": {\"isRoot\": true, \"indexes\": [[\"name\"]], \"columns\": {"
    "   \"name\": {\"type\": \"string\"},"
    "   \"n\": {\"type\": {\"key\": {\"type\": \"integer\", \"minInteger\": -100,"
    "           \"maxInteger\": 1000}}},"
    "   \"r\": {\"type\": \"real\"},"
    "   \"flag\": {\"type\": \"boolean\"},"
    "   \"color\": {\"type\": {\"key\": {\"type\": \"string\", \"enum\": [\"set\", [\"red\","
    "           \"green\"]]}, \"min\": 0, \"max\": 1}},"
    "   \"tags\": {\"type\": {\"key\": {\"type\": \"string\", \"maxLength\": 5}, \"min\": 0,"
    "           \"max\": 3}},"
    "   \"nums\": {\"type\": {\"key\": \"integer\", \"min\": 0, \"max\": \"unlimited\"}},"
    "   \"reals\": {\"type\": {\"key\": \"real\", \"min\": 0, \"max\": \"unlimited\"}},"
    "   \"opts\": {\"type\": {\"key\": \"string\", \"value\": \"string\", \"min\": 0,"
    "           \"max\": \"unlimited\"}},"
    "   \"fixed\": {\"type\": \"string\", \"mutable\": false},"
    "   \"kids\": {\"type\": {\"key\": {\"type\": \"uuid\", \"refTable\": \"Child\"},"
    "           \"min\": 0, \"max\": \"unlimited\"}},"
    "   \"friends\": {\"type\": {\"key\": {\"type\": \"uuid\", \"refTable\": \"Other\","
    "           \"refType\": \"weak\"}, \"min\": 0, \"max\": \"unlimited\"}}}},"
    " \"Child\": {\"maxRows\": 3, \"columns\": {"
    "   \"name\": {\"type\": \"string\"},"
    "   \"sub\": {\"type\": {\"key\": {\"type\": \"uuid\", \"refTable\": \"Grandchild\"},"
    "           \"min\": 0, \"max\": 1}}}},"
    " \"Grandchild\": {\"columns\": {\"v\": {\"type\": \"integer\"}}},"
    " \"Other\": {\"isRoot\": true, \"columns\": {"
    "   \"v\": {\"type\": \"integer\"},"
    "   \"must\": {\"type\": {\"key\": {\"type\": \"uuid\", \"refTable\": \"Other\","
    "           \"refType\": \"weak\"}, \"min\": 0, \"max\": 1}}}}"
    "}}";

struct tenv {
	char dir[64];
	char schema[128];
	char db_path[128];
	struct odb *db;
};

static inline void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
}

/* Temp dirs not yet removed by tenv_free(): a failed assertion leaves its test early, so
 * whatever is left is removed at exit. */
static char tenv_dirs[64][64];

/* Removes 'dir' and the files in it (tests create no subdirectories). */
static inline void tenv_rm(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		char path[4096];
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, de->d_name) < sizeof path)
			unlink(path);
	}
	if (d)
		closedir(d);
	if (rmdir(dir))
		fprintf(stderr, "cleanup of %s failed\n", dir);
}

static inline void tenv_cleanup_at_exit(void)
{
	for (size_t i = 0; i < 64; i++)
		if (tenv_dirs[i][0])
			tenv_rm(tenv_dirs[i]);
}

static inline void tenv_track(const char *dir, bool add)
{
	static bool registered;

	if (!registered) {
		atexit(tenv_cleanup_at_exit);
		registered = true;
	}
	for (size_t i = 0; i < 64; i++) {
		if (add && !tenv_dirs[i][0]) {
			snprintf(tenv_dirs[i], sizeof tenv_dirs[i], "%s", dir);
			return;
		}
		if (!add && !strcmp(tenv_dirs[i], dir)) {
			tenv_dirs[i][0] = '\0';
			return;
		}
	}
}

/* Creates a temp dir with the schema file (text 'schema' or TEST_SCHEMA) and a fresh db. */
static inline struct tenv *tenv_new(const char *schema)
{
	struct tenv *e = calloc(1, sizeof *e);
	char *err = NULL;

	strcpy(e->dir, "/tmp/odbtest.XXXXXX");
	if (!mkdtemp(e->dir))
		abort();
	tenv_track(e->dir, true);
	snprintf(e->schema, sizeof e->schema, "%s/test.ovsschema", e->dir);
	snprintf(e->db_path, sizeof e->db_path, "%s/test.db", e->dir);
	write_file(e->schema, schema ? schema : TEST_SCHEMA);
	if (odb_create_file(e->db_path, e->schema, &err) || odb_open(e->db_path, &e->db, &err)) {
		fprintf(stderr, "tenv_new: %s\n", err ? err : "?");
		abort();
	}
	return e;
}

static inline void tenv_reopen(struct tenv *e)
{
	char *err = NULL;

	odb_close(e->db);
	e->db = NULL;
	if (odb_open(e->db_path, &e->db, &err)) {
		fprintf(stderr, "reopen: %s\n", err ? err : "?");
		abort();
	}
}

static inline void tenv_free(struct tenv *e)
{
	odb_close(e->db);
	tenv_rm(e->dir);
	tenv_track(e->dir, false);
	free(e);
}

/* Runs the transaction 'ops_text' (JSON array of ops) at time 'now'; returns the result array
 * (caller decref) or NULL if blocked. Frees the change set, or returns it in *changesp. */
static inline json_t *run_at(struct odb *db, const char *ops_text, long long started, long long now,
                             json_t **changesp, long long *deadline)
{
	json_error_t jerr;
	json_t *ops = json_loads(ops_text, 0, &jerr), *res = NULL, *ch = NULL;
	long long dl = 0;

	if (!ops) {
		fprintf(stderr, "bad test JSON: %s: %s\n", jerr.text, ops_text);
		abort();
	}
	enum odb_txn_status st = odb_transact(db, ops, started, now, &res, &ch, &dl);
	json_decref(ops);
	if (deadline)
		*deadline = dl;
	if (changesp)
		*changesp = ch;
	else
		json_decref(ch);
	if (st == ODB_TXN_BLOCKED)
		return NULL;
	return res;
}

static inline json_t *run(struct odb *db, const char *ops_text)
{
	return run_at(db, ops_text, 0, 0, NULL, NULL);
}

/* Error string of the last element of 'res' (the error object), or NULL. */
static inline const char *res_error(const json_t *res)
{
	for (size_t i = 0; i < json_array_size(res); i++) {
		const char *e = json_string_value(json_object_get(json_array_get(res, i), "error"));
		if (e)
			return e;
	}
	return NULL;
}

static inline const char *res_details(const json_t *res)
{
	for (size_t i = 0; i < json_array_size(res); i++) {
		const char *e =
		    json_string_value(json_object_get(json_array_get(res, i), "details"));
		if (e)
			return e;
	}
	return NULL;
}

/* The UUID string returned by insert result 'i'. */
static inline const char *res_uuid(const json_t *res, size_t i)
{
	return json_string_value(
	    json_array_get(json_object_get(json_array_get(res, i), "uuid"), 1));
}

static inline long long res_count(const json_t *res, size_t i)
{
	return json_integer_value(json_object_get(json_array_get(res, i), "count"));
}

static inline size_t table_size(struct odb *db, const char *table)
{
	json_t *rows = odb_table_rows(db, table);
	size_t n = json_object_size(rows);
	json_decref(rows);
	return n;
}

/* Compact text of 'j' with sorted keys (caller frees). */
static inline char *dump(const json_t *j)
{
	return json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
}

/* Helpers with cmocka assertions (the includer includes cmocka.h first). */
static inline json_t *runf(struct odb *db, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline json_t *runf(struct odb *db, const char *fmt, ...)
{
	va_list ap;
	char *s;
	json_t *r;

	va_start(ap, fmt);
	assert_true(vasprintf(&s, fmt, ap) >= 0);
	va_end(ap);
	r = run(db, s);
	free(s);
	return r;
}

static inline void assert_ok(json_t *res)
{
	if (res_error(res)) {
		char *s = dump(res);
		fprintf(stderr, "unexpected error: %s\n", s);
		free(s);
	}
	assert_null(res_error(res));
}

static inline void assert_err(json_t *res, const char *error, const char *details)
{
	const char *e = res_error(res);
	if (!e || strcmp(e, error)) {
		char *s = dump(res);
		fprintf(stderr, "expected %s, got: %s\n", error, s);
		free(s);
	}
	assert_non_null(e);
	assert_string_equal(e, error);
	if (details)
		assert_string_equal(res_details(res), details);
}

/* Selects column 'col' of the Parent named 'name' as compact JSON (caller frees). */
static inline char *parent_col(struct odb *db, const char *name, const char *col)
{
	json_t *r =
	    runf(db,
	         "[{\"op\":\"select\",\"table\":\"Parent\",\"where\":[[\"name\",\"==\",\"%s\"]],"
	         "\"columns\":[\"%s\"]}]",
	         name, col);
	json_t *rows = json_object_get(json_array_get(r, 0), "rows");
	char *s;

	assert_int_equal(json_array_size(rows), 1);
	s = dump(json_object_get(json_array_get(rows, 0), col));
	json_decref(r);
	return s;
}

static inline void assert_col(struct odb *db, const char *name, const char *col, const char *expect)
{
	char *s = parent_col(db, name, col);
	if (strcmp(s, expect))
		fprintf(stderr, "%s.%s: got %s want %s\n", name, col, s, expect);
	assert_string_equal(s, expect);
	free(s);
}

static inline void insert_parent(struct odb *db, const char *name)
{
	json_t *r =
	    runf(db, "[{\"op\":\"insert\",\"table\":\"Parent\",\"row\":{\"name\":\"%s\"}}]", name);
	assert_ok(r);
	json_decref(r);
}

#endif
