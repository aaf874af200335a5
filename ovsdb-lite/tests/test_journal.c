/* Unit tests of the ovsdb-lite journal and database file (journal.c, db.c): reopen, torn and
 * corrupt tails, compaction, bad files, opens with a shared schema, and kill -9 during
 * commits. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "test_helpers.h"
#include "util.h"

static const char *const TABLES[] = {"Parent", "Child", "Grandchild", "Other"};

/* Every table's rows as one JSON text (caller frees). */
static char *db_dump(struct odb *db)
{
	json_t *all = json_object();
	char *s;

	for (size_t i = 0; i < 4; i++)
		json_object_set_new(all, TABLES[i], odb_table_rows(db, TABLES[i]));
	s = dump(all);
	json_decref(all);
	return s;
}

static void commit_ok(struct odb *db, const char *ops)
{
	json_t *r = run(db, ops);
	assert_null(res_error(r));
	json_decref(r);
}

static void insert_other(struct odb *db, int v)
{
	char ops[128];
	snprintf(ops, sizeof ops, "[{\"op\":\"insert\",\"table\":\"Other\",\"row\":{\"v\":%d}}]",
	         v);
	commit_ok(db, ops);
}

static off_t file_size(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	return st.st_size;
}

static void populate(struct tenv *e)
{
	commit_ok(e->db, "[{\"op\":\"insert\",\"table\":\"Parent\",\"row\":{\"name\":\"a\",\"n\":3,"
	                 "\"r\":0.25,\"tags\":[\"set\",[\"x\",\"\\u00e9\\\"q\"]],\"opts\":[\"map\","
	                 "[[\"k\",\"v\"]]],\"kids\":[\"named-uuid\",\"c\"]}},{\"op\":\"insert\","
	                 "\"table\":\"Child\",\"uuid-name\":\"c\",\"row\":{\"name\":\"kid\"}}]");
	commit_ok(e->db, "[{\"op\":\"mutate\",\"table\":\"Parent\",\"where\":[],\"mutations\":"
	                 "[[\"n\",\"+=\",1]]}]");
	insert_other(e->db, 1);
	commit_ok(e->db, "[{\"op\":\"delete\",\"table\":\"Other\",\"where\":[]}]");
	insert_other(e->db, 2);
}

static void test_reopen_equal(void **state)
{
	struct tenv *e = tenv_new(NULL);
	char *before, *after;
	struct odb_stats st;
	(void)state;

	populate(e);
	odb_get_stats(e->db, &st);
	assert_int_equal(st.n_commits, 5);
	assert_true(st.journal_bytes > 0);
	before = db_dump(e->db);
	tenv_reopen(e);
	after = db_dump(e->db);
	assert_string_equal(before, after);
	free(after);
	/* Reference counts are rebuilt: dropping the only reference collects the child. */
	commit_ok(e->db, "[{\"op\":\"update\",\"table\":\"Parent\",\"where\":[],\"row\":{\"kids\":"
	                 "[\"set\",[]]}}]");
	assert_int_equal(table_size(e->db, "Child"), 0);
	/* A committed transaction is in the file before odb_transact() returns. */
	insert_other(e->db, 4242421);
	FILE *f = fopen(e->db_path, "r");
	char *text = NULL;
	size_t n = 0;
	assert_non_null(f);
	assert_true(getdelim(&text, &n, '\0', f) > 0);
	fclose(f);
	assert_non_null(strstr(text, "4242421"));
	free(text);
	/* One process per database file: a second open fails while the first is open. */
	struct odb *db2 = NULL;
	char *err = NULL;
	assert_int_equal(odb_open(e->db_path, &db2, &err), -EBUSY);
	assert_null(db2);
	assert_non_null(strstr(err, "already locked"));
	free(err);
	free(before);
	tenv_free(e);
}

static void test_torn_tail(void **state)
{
	struct tenv *e = tenv_new(NULL);
	char *before;
	off_t good, full;
	(void)state;

	populate(e);
	before = db_dump(e->db);
	good = file_size(e->db_path);
	insert_other(e->db, 99);
	full = file_size(e->db_path);
	odb_close(e->db);
	e->db = NULL;
	/* Cut the last record anywhere: header, body or final newline. */
	for (off_t cut = good + 1; cut < full; cut += (full - good) / 7 + 1) {
		assert_int_equal(truncate(e->db_path, cut), 0);
		assert_int_equal(odb_open(e->db_path, &e->db, NULL), 0);
		char *after = db_dump(e->db);
		assert_string_equal(before, after);
		free(after);
		assert_int_equal(file_size(e->db_path), good); /* truncated back */
		odb_close(e->db);
		e->db = NULL;
	}
	/* Garbage appended after good records is dropped as well. */
	int fd = open(e->db_path, O_WRONLY | O_APPEND);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "ODBL1 12 00000000\nxx", 20), 20);
	close(fd);
	tenv_reopen(e);
	assert_int_equal(file_size(e->db_path), good);
	/* And the database keeps working after recovery. */
	insert_other(e->db, 7);
	tenv_reopen(e);
	assert_int_equal(table_size(e->db, "Other"), 2);
	free(before);
	tenv_free(e);
}

static void test_corrupt_record(void **state)
{
	struct tenv *e = tenv_new(NULL);
	char *before, *after;
	off_t good;
	(void)state;

	populate(e);
	before = db_dump(e->db);
	good = file_size(e->db_path);
	insert_other(e->db, 42);
	odb_close(e->db);
	e->db = NULL;
	/* Flip one byte inside the body of the last record (e.g. 42 -> 43): CRC mismatch. */
	int fd = open(e->db_path, O_RDWR);
	char buf[512];
	ssize_t n = pread(fd, buf, sizeof buf - 1, good);
	assert_true(n > 0);
	buf[n] = '\0';
	char *p = strstr(buf, "42");
	assert_non_null(p);
	assert_int_equal(pwrite(fd, "43", 2, good + (p - buf)), 2);
	close(fd);
	assert_int_equal(odb_open(e->db_path, &e->db, NULL), 0);
	after = db_dump(e->db);
	assert_string_equal(before, after);
	assert_int_equal(file_size(e->db_path), good);
	free(after);
	free(before);
	tenv_free(e);
}

static void test_compaction(void **state)
{
	struct tenv *e = tenv_new(NULL);
	struct odb_stats st;
	char *before, *after;
	(void)state;

	odb_set_compact_threshold(e->db, 2000);
	for (int i = 0; i < 60; i++)
		commit_ok(e->db, "[{\"op\":\"mutate\",\"table\":\"Other\",\"where\":[],"
		                 "\"mutations\":[[\"v\",\"+=\",1]]},{\"op\":\"insert\",\"table\":"
		                 "\"Other\",\"row\":{\"v\":0}}]");
	odb_get_stats(e->db, &st);
	assert_true(st.n_compactions >= 2);
	assert_true(st.journal_bytes <= 2000);
	assert_int_equal(st.n_commits, 60);
	before = db_dump(e->db);
	tenv_reopen(e);
	after = db_dump(e->db);
	assert_string_equal(before, after);
	free(after);
	assert_int_equal(table_size(e->db, "Other"), 60);
	/* Explicit compaction leaves just the snapshot and no temp file. */
	assert_int_equal(odb_compact(e->db, NULL), 0);
	odb_get_stats(e->db, &st);
	assert_int_equal(st.journal_bytes, 0);
	char tmp[160];
	snprintf(tmp, sizeof tmp, "%s.tmp", e->db_path);
	assert_int_not_equal(access(tmp, F_OK), 0);
	tenv_reopen(e);
	after = db_dump(e->db);
	assert_string_equal(before, after);
	free(after);
	free(before);
	tenv_free(e);

	/* The threshold from the environment. */
	setenv("OVSDB_LITE_COMPACT_BYTES", "500", 1);
	e = tenv_new(NULL);
	for (int i = 0; i < 10; i++)
		insert_other(e->db, i);
	odb_get_stats(e->db, &st);
	assert_true(st.n_compactions >= 1);
	unsetenv("OVSDB_LITE_COMPACT_BYTES");
	tenv_free(e);
}

/* Group commit: deferred commits are written at once, made durable by odb_sync(). */
static void test_deferred_sync(void **state)
{
	struct tenv *e = tenv_new(NULL);
	off_t size0;
	(void)state;

	assert_int_equal(odb_sync(e->db, NULL), 0); /* nothing pending */
	odb_set_deferred_sync(e->db, true);
	size0 = file_size(e->db_path);
	for (int i = 0; i < 5; i++)
		insert_other(e->db, i);
	assert_true(file_size(e->db_path) > size0); /* written, fsync pending */
	assert_int_equal(odb_sync(e->db, NULL), 0);
	assert_int_equal(odb_sync(e->db, NULL), 0);
	odb_set_deferred_sync(e->db, false);
	insert_other(e->db, 5);
	tenv_reopen(e);
	assert_int_equal(table_size(e->db, "Other"), 6);
	tenv_free(e);
}

static void test_bad_files(void **state)
{
	struct tenv *e = tenv_new(NULL);
	struct odb *db = NULL;
	char *err = NULL;
	char path[160];
	(void)state;

	assert_int_equal(odb_create_file(e->db_path, e->schema, &err), -EEXIST);
	assert_non_null(err);
	free(err);
	err = NULL;
	snprintf(path, sizeof path, "%s/missing.db", e->dir);
	assert_int_equal(odb_open(path, &db, &err), -ENOENT);
	assert_null(db);
	free(err);
	err = NULL;
	/* Not a database. */
	snprintf(path, sizeof path, "%s/junk.db", e->dir);
	write_file(path, "hello world\n");
	assert_int_equal(odb_open(path, &db, &err), -EINVAL);
	assert_non_null(err);
	free(err);
	err = NULL;
	write_file(path, "");
	assert_int_equal(odb_open(path, &db, &err), -EINVAL);
	free(err);
	err = NULL;
	/* Bad schema file. */
	char schema[160];
	snprintf(schema, sizeof schema, "%s/bad.ovsschema", e->dir);
	write_file(schema, "{\"name\": \"X\", \"tables\": {\"T\": {\"columns\": {}}}}");
	snprintf(path, sizeof path, "%s/new.db", e->dir);
	assert_int_equal(odb_create_file(path, schema, &err), -EINVAL);
	assert_non_null(strstr(err, "columns"));
	assert_int_not_equal(access(path, F_OK), 0);
	free(err);
	tenv_free(e);
}

/* Writes 'path' as one record whose body is 'body' (valid header and CRC). */
static void write_record(const char *path, const char *body)
{
	char *text = NULL;

	assert_true(asprintf(&text, "ODBL1 %zu %08x\n%s\n", strlen(body),
	                     odb_crc32_update(0, body, strlen(body)), body) > 0);
	write_file(path, text);
	free(text);
}

/* odb_open() and odb_open_shared() of 'path' return the same error and message. */
static void assert_same_failure(const char *path, struct odb_shared_schema *ss)
{
	struct odb *db = NULL;
	char *err1 = NULL, *err2 = NULL;
	int r1 = odb_open(path, &db, &err1);

	assert_int_not_equal(r1, 0);
	assert_int_equal(odb_open_shared(path, ss, &db, &err2), r1);
	assert_null(db);
	assert_non_null(err1);
	assert_non_null(err2);
	assert_string_equal(err1, err2);
	free(err1);
	free(err2);
}

/* odb_open_shared(): a file holding the shared schema's text uses the shared schema (same
 * JSON object, rows, commits, compaction); anything else opens exactly as odb_open(). */
static void test_open_shared(void **state)
{
	struct tenv *e = tenv_new(NULL), *other = tenv_new(NULL);
	struct odb_shared_schema *ss;
	struct odb *db, *db2;
	const json_t *shared;
	char *err = NULL, *before, *after, *text, *body, path[160];
	(void)state;

	populate(e);
	before = db_dump(e->db);
	odb_close(e->db);
	e->db = NULL;
	assert_null(odb_shared_schema_load("/nonexistent.ovsschema", &err));
	assert_non_null(strstr(err, "/nonexistent.ovsschema"));
	free(err);
	err = NULL;
	ss = odb_shared_schema_load(e->schema, &err);
	assert_non_null(ss);

	/* The shared schema, the same rows as odb_open(); it outlives the database. */
	assert_int_equal(odb_open_shared(e->db_path, ss, &db, &err), 0);
	shared = odb_schema(db);
	assert_string_equal(odb_name(db), "Test");
	after = db_dump(db);
	assert_string_equal(before, after);
	free(after);
	odb_close(db);
	assert_int_equal(odb_open(e->db_path, &db, &err), 0);
	assert_ptr_not_equal(odb_schema(db), shared); /* parsed: its own copy */
	assert_true(json_equal((json_t *)odb_schema(db), (json_t *)shared));
	odb_close(db);
	/* Commits, compaction (which writes the same text) and a reopen. */
	assert_int_equal(odb_open_shared(e->db_path, ss, &db, &err), 0);
	assert_ptr_equal(odb_schema(db), shared);
	insert_other(db, 77);
	assert_int_equal(odb_compact(db, NULL), 0);
	free(before);
	before = db_dump(db);
	odb_close(db);
	assert_int_equal(odb_open_shared(e->db_path, ss, &db, &err), 0);
	assert_ptr_equal(odb_schema(db), shared);
	after = db_dump(db);
	assert_string_equal(before, after);
	free(after);
	/* Still one process per file. */
	assert_int_equal(odb_open_shared(e->db_path, ss, &db2, &err), -EBUSY);
	free(err);
	err = NULL;
	odb_close(db);

	/* Another schema: parsed as odb_open() does. */
	odb_close(other->db);
	other->db = NULL;
	write_file(other->schema, "{\"name\":\"Other\",\"tables\":{\"T\":{\"columns\":{\"c\":"
	                          "{\"type\":\"integer\"}}}}}");
	snprintf(path, sizeof path, "%s/other.db", other->dir);
	assert_int_equal(odb_create_file(path, other->schema, &err), 0);
	assert_int_equal(odb_open_shared(path, ss, &db, &err), 0);
	assert_string_equal(odb_name(db), "Other");
	assert_ptr_not_equal(odb_schema(db), shared);
	odb_close(db);

	/* The shared text followed by anything: the same outcome as odb_open(). */
	text = json_dumps(shared, JSON_COMPACT);
	static const char *const tails[] = {
	    ",\"data\":{}}",               /* good, as odb_create_file() writes it */
	    ",}",                          /* trailing comma */
	    "}",                           /* no data: "table set is not an object" */
	    ",\"data\":{},\"schema\":{}}", /* duplicate member */
	    ".5,\"data\":{}}",             /* not JSON */
	    ",\"data\":{\"Nope\":{}}}",    /* bad table */
	    ",\"data\":[]} trailing",      /* not JSON */
	};
	for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
		assert_true(asprintf(&body, "{\"schema\":%s%s", text, tails[i]) > 0);
		write_record(path, body);
		free(body);
		if (i == 0) {
			assert_int_equal(odb_open_shared(path, ss, &db, &err), 0);
			assert_ptr_equal(odb_schema(db), shared);
			assert_int_equal(table_size(db, "Other"), 0);
			odb_close(db);
		} else {
			assert_same_failure(path, ss);
		}
	}
	/* The same schema with a space: not the shared text, parsed. */
	assert_true(asprintf(&body, "{\"schema\": %s,\"data\":{}}", text) > 0);
	write_record(path, body);
	free(body);
	assert_int_equal(odb_open_shared(path, ss, &db, &err), 0);
	assert_ptr_not_equal(odb_schema(db), shared);
	assert_true(json_equal((json_t *)odb_schema(db), (json_t *)shared));
	odb_close(db);
	free(text);
	assert_same_failure("/nonexistent.db", ss);

	odb_shared_schema_destroy(ss);
	odb_shared_schema_destroy(NULL);
	free(before);
	tenv_free(other);
	tenv_free(e);
}

/* A child commits numbered rows and reports each acknowledged number through a pipe; the
 * parent kills it with SIGKILL at an arbitrary moment and checks that every acknowledged row
 * is in the reopened database. */
static void test_kill9(void **state)
{
	struct tenv *e = tenv_new(NULL);
	(void)state;

	odb_set_compact_threshold(e->db, 3000);   /* compactions happen during the run too */
	for (int round = 0; round < 4; round++) { /* round 3: group commit */
		int fds[2];
		assert_int_equal(pipe(fds), 0);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(fds[0]);
			odb_set_compact_threshold(e->db, 3000);
			odb_set_deferred_sync(e->db, round == 3);
			for (int i = 0;; i++) {
				insert_other(e->db, 1000 * round + i);
				if (round == 3 && i % 3 != 2)
					continue; /* acknowledged by the odb_sync() every 3 commits
					           */
				if ((round == 3 && odb_sync(e->db, NULL)) ||
				    write(fds[1], &i, sizeof i) != sizeof i)
					_exit(1);
			}
		}
		close(fds[1]);
		int acked = -1, v, n_read = 0;
		while (n_read < 20 + 10 * round && read(fds[0], &v, sizeof v) == sizeof v) {
			acked = v;
			n_read++;
		}
		usleep((useconds_t)(rand() % 3000)); /* land anywhere in a commit */
		kill(pid, SIGKILL);
		while (read(fds[0], &v, sizeof v) == sizeof v)
			acked = v;
		close(fds[0]);
		waitpid(pid, NULL, 0);
		tenv_reopen(e);
		for (int i = 0; i <= acked; i++) {
			char ops[200];
			snprintf(ops, sizeof ops,
			         "[{\"op\":\"select\",\"table\":\"Other\",\"where\":[[\"v\",\"==\","
			         "%d]]}]",
			         1000 * round + i);
			json_t *r = run(e->db, ops);
			assert_int_equal(
			    json_array_size(json_object_get(json_array_get(r, 0), "rows")), 1);
			json_decref(r);
		}
	}
	tenv_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reopen_equal),   cmocka_unit_test(test_torn_tail),
	    cmocka_unit_test(test_corrupt_record), cmocka_unit_test(test_compaction),
	    cmocka_unit_test(test_deferred_sync),  cmocka_unit_test(test_bad_files),
	    cmocka_unit_test(test_open_shared),    cmocka_unit_test(test_kill9),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
