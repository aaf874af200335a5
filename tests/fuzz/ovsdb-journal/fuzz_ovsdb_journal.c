/* libFuzzer harness for ovsdb-lite's database file reader (journal.c record framing and
 * recovery, db.c snapshot load and transaction replay, schema.c, datum.c): the input becomes a
 * database file, odb_open() it, read every table back, close.
 *
 * Input: one mode byte, then the file's bytes.
 *   mode bit 0 clear: the file is the input as is (schema and snapshot records are fuzzed).
 *   mode bit 0 set:   the file is a valid empty database of ovsdb-lite/vswitch.ovsschema
 *                     followed by the input (journal records replayed on a good snapshot).
 * Properties: never crashes; a failed open leaves a message; a database that opened is
 * readable and opens again (the first open truncated any bad tail record) with the same rows.
 *
 * Speed: the vswitch schema is parsed once (LLVMFuzzerInitialize, odb_shared_schema_load()).
 * The opens that take a file's schema as given use odb_open_shared(), which skips parsing a
 * snapshot schema that is that schema's text byte for byte (any other schema is parsed as
 * odb_open() parses it): both opens in mode 1, where the schema comes from the harness, and
 * the reopen in mode 0. The first open in mode 0 is odb_open(): there the schema record is
 * part of the input, and schema.c runs on it, valid vswitch schema included. Parsing the
 * 15 KB schema twice per input (under ASan) was most of the time: ~240 exec/s. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/fuzz_tmp.h"
#include "db.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char db_path[300];
static struct odb_shared_schema *schema; /* WEFT_SCHEMA, parsed once */
static char *tmpl;
static size_t tmpl_len;

static const char *const tables[] = {"Open_vSwitch", "Bridge", "Port", "Interface", "Flow"};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[300], *err = NULL;

	(void)argc;
	(void)argv;
	snprintf(path, sizeof(path), "%s/template.db", fuzz_tmp_dir("ovsdb-journal"));
	if (odb_create_file(path, WEFT_SCHEMA, &err)) {
		fprintf(stderr, "ovsdb-journal: %s\n", err ? err : "cannot create the database");
		abort();
	}
	tmpl = fuzz_read_file(path, &tmpl_len);
	schema = odb_shared_schema_load(WEFT_SCHEMA, &err);
	if (!schema) {
		fprintf(stderr, "ovsdb-journal: %s\n", err ? err : "cannot load the schema");
		abort();
	}
	snprintf(db_path, sizeof(db_path), "%s/conf.db", fuzz_dir);
	return 0;
}

/* Every row of the tables above, as one JSON object (new ref). */
static json_t *dump(struct odb *db)
{
	json_t *all = json_object();

	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		json_t *rows = odb_table_rows(db, tables[i]);

		if (rows)
			json_object_set_new(all, tables[i], rows);
	}
	(void)odb_name(db);
	(void)odb_schema(db);
	return all;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct odb *db;
	char *err = NULL, *buf;
	size_t n;
	json_t *first, *second;

	if (size < 1 || size > (1u << 20))
		return 0;
	if (data[0] & 1) {
		n = tmpl_len + size - 1;
		buf = malloc(n + 1);
		if (!buf)
			abort();
		memcpy(buf, tmpl, tmpl_len);
		memcpy(buf + tmpl_len, data + 1, size - 1);
		fuzz_write_file(db_path, buf, n);
		free(buf);
	} else {
		fuzz_write_file(db_path, data + 1, size - 1);
	}
	/* Mode 0: the schema is fuzzed, parse it whatever it is. */
	if (odb_open_shared(db_path, data[0] & 1 ? schema : NULL, &db, &err)) {
		if (!err)
			abort(); /* failures say why */
		free(err);
		return 0;
	}
	first = dump(db);
	odb_close(db);
	if (odb_open_shared(db_path, schema, &db, &err)) {
		fprintf(stderr, "ovsdb-journal: reopen failed: %s\n", err ? err : "?");
		abort();
	}
	second = dump(db);
	odb_close(db);
	if (!json_equal(first, second)) {
		fprintf(stderr, "ovsdb-journal: the reopened database differs\n");
		abort();
	}
	json_decref(first);
	json_decref(second);
	return 0;
}
