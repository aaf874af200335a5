/* ovsdb-lite schema: parses and validates an RFC 7047 .ovsschema into typed tables/columns.
 * A schema is immutable once parsed; the struct odb that loaded it owns it, or the
 * odb_shared_schema (db.h) that the databases opened with it share. */
#ifndef ODB_SCHEMA_H
#define ODB_SCHEMA_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <limits.h>

struct odb_datum;

enum odb_atype { ODB_VOID, ODB_INTEGER, ODB_REAL, ODB_BOOLEAN, ODB_STRING, ODB_UUID };
enum odb_reftype { ODB_REF_NONE, ODB_REF_STRONG, ODB_REF_WEAK };

/* A base type with its constraints. Only the constraints of 'type' are meaningful. */
struct odb_base {
	enum odb_atype type;
	struct odb_datum *enum_vals; /* allowed values (sorted set of 'type'), or NULL */
	int64_t min_int, max_int;
	double min_real, max_real;
	unsigned long min_len, max_len; /* in Unicode characters */
	char *ref_table_name;           /* refTable, or NULL */
	int ref_table;                  /* index in odb_schema.tables, or -1 */
	enum odb_reftype ref_type;
};

#define ODB_UNLIMITED UINT_MAX
struct odb_type {
	struct odb_base key;
	struct odb_base value; /* value.type == ODB_VOID unless a map */
	unsigned min, max;     /* max == ODB_UNLIMITED for "unlimited" */
};

struct odb_column {
	char *name;
	struct odb_type type;
	bool mutable_;
	bool ephemeral;
	unsigned index; /* in table->columns; 0 is _uuid, 1 is _version */
};

struct odb_index_def {
	unsigned n_columns;
	unsigned *columns; /* column indexes */
};

struct odb_table_schema {
	char *name;
	unsigned index; /* in odb_schema.tables */
	unsigned n_columns;
	struct odb_column *columns;
	bool is_root;
	unsigned max_rows; /* ODB_UNLIMITED if none */
	unsigned n_indexes;
	struct odb_index_def *indexes;
	bool has_strong_refs; /* some column holds strong references */
	bool has_weak_refs;   /* some column holds weak references */
};

struct odb_schema {
	char *name;
	char *version; /* or NULL */
	json_t *json;  /* the schema document as given (owned) */
	unsigned n_tables;
	struct odb_table_schema *tables;
};

/* Parses 'json' (not stolen: the schema keeps a reference to it, so the caller must not modify
 * it afterwards; a deep copy cost a third of every database open). On error returns NULL and stores
 * a malloc'd message in *errp. */
struct odb_schema *odb_schema_from_json(const json_t *json, char **errp);
/* Reads and parses a schema file. */
struct odb_schema *odb_schema_from_file(const char *path, char **errp);
void odb_schema_destroy(struct odb_schema *);

const struct odb_table_schema *odb_schema_find_table(const struct odb_schema *, const char *name);
const struct odb_column *odb_schema_find_column(const struct odb_table_schema *, const char *name);

static inline bool odb_type_is_map(const struct odb_type *t)
{
	return t->value.type != ODB_VOID;
}
static inline bool odb_type_is_scalar(const struct odb_type *t)
{
	return t->min == 1 && t->max == 1 && !odb_type_is_map(t);
}
const char *odb_atype_name(enum odb_atype);
/* Type as RFC 7047 text for messages ("integer", "set of strings", ...); static buffer-free:
 * returns a malloc'd string. */
char *odb_type_to_string(const struct odb_type *);

#endif
