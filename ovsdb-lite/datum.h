/* ovsdb-lite values: atoms and datums (sets and maps), their RFC 7047 JSON notation and
 * constraint checks. A datum is kept sorted by key with unique keys, so equality and lookups
 * are cheap. Datums own their strings. */
#ifndef ODB_DATUM_H
#define ODB_DATUM_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "schema.h"
#include "util.h"

union odb_atom {
	int64_t i;
	double r;
	bool b;
	char *s;
	struct odb_uuid u;
};

struct odb_datum {
	unsigned n;
	union odb_atom *keys;
	union odb_atom *values; /* NULL unless the type is a map */
};

/* Resolves ["named-uuid", name] inside values: stores the UUID bound to 'name' in *out and
 * returns true, or returns false if named UUIDs are not allowed here. */
struct odb_symtab_ops {
	bool (*resolve)(void *aux, const char *name, struct odb_uuid *out);
	void *aux;
};

int odb_atom_compare(enum odb_atype, const union odb_atom *, const union odb_atom *);
uint32_t odb_atom_hash(enum odb_atype, const union odb_atom *, uint32_t basis);
void odb_atom_clone(enum odb_atype, union odb_atom *dst, const union odb_atom *src);
void odb_atom_destroy(enum odb_atype, union odb_atom *);
void odb_atom_init_default(enum odb_atype, union odb_atom *);
json_t *odb_atom_to_json(enum odb_atype, const union odb_atom *);

void odb_datum_init_empty(struct odb_datum *);
/* The column default: empty if min == 0, else one default atom (0, 0.0, false, "", zero
 * UUID; a map gets a default key and value). */
void odb_datum_init_default(struct odb_datum *, const struct odb_type *);
void odb_datum_clone(struct odb_datum *dst, const struct odb_datum *src, const struct odb_type *);
void odb_datum_destroy(struct odb_datum *, const struct odb_type *);
bool odb_datum_equals(const struct odb_datum *, const struct odb_datum *, const struct odb_type *);
int odb_datum_compare(const struct odb_datum *, const struct odb_datum *, const struct odb_type *);
uint32_t odb_datum_hash(const struct odb_datum *, const struct odb_type *, uint32_t basis);
/* Index of the element whose key equals 'key', or -1. Binary search. */
long odb_datum_find_key(const struct odb_datum *, const struct odb_type *, const union odb_atom *);
/* Appends an element without sorting (the caller calls odb_datum_sort() afterwards). Takes
 * ownership of the atoms. */
void odb_datum_append(struct odb_datum *, const struct odb_type *, union odb_atom *key,
                      union odb_atom *value);
/* Removes element 'i' (keeps order). */
void odb_datum_remove_at(struct odb_datum *, const struct odb_type *, unsigned i);
/* Sorts by key. Returns false if two keys are equal (then the datum is sorted, duplicates
 * kept). */
bool odb_datum_sort(struct odb_datum *, const struct odb_type *);
/* odb_datum_sort(), then drops duplicate keys (the later ones). */
void odb_datum_sort_unique(struct odb_datum *, const struct odb_type *);

/* Parses RFC 7047 <value> notation for 'type'. Named UUIDs are resolved via 'symtab' (may be
 * NULL: then they are a syntax error). If 'check' is true, atom constraints (enum, ranges,
 * lengths) and the min/max size are enforced. Returns NULL and fills *d, or an RFC 7047 error
 * object (new ref; *d is then empty). */
json_t *odb_datum_from_json(struct odb_datum *d, const struct odb_type *, const json_t *,
                            const struct odb_symtab_ops *symtab, bool check);
/* For replaying the journal: no constraint checks, no named UUIDs, and duplicate keys are
 * dropped instead of being an error (a database must stay readable). */
json_t *odb_datum_from_json_replay(struct odb_datum *d, const struct odb_type *, const json_t *);
json_t *odb_datum_to_json(const struct odb_datum *, const struct odb_type *);
/* Human-readable text as ovsdb-server prints values in messages: bare or quoted strings,
 * "[a, b]" for sets, "{k=v}" for maps. Caller frees. */
char *odb_datum_to_string(const struct odb_datum *, const struct odb_type *);
char *odb_atom_to_string(enum odb_atype, const union odb_atom *);

/* Checks every atom's constraints (not references). NULL or a "constraint violation" error. */
json_t *odb_datum_check_constraints(const struct odb_datum *, const struct odb_type *);
json_t *odb_atom_check_constraints(const union odb_atom *, const struct odb_base *);
/* NULL or a "constraint violation" error if d->n is outside [type->min, type->max]. */
json_t *odb_datum_check_size(const struct odb_datum *, const struct odb_type *, const char *what);

#endif
