/* ovsdb-lite schema parsing and validation. See schema.h. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "datum.h"
#include "schema.h"
#include "util.h"

struct sctx {
	char *err;
};

static bool fail(struct sctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(struct sctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->err)
		return false;
	va_start(ap, fmt);
	if (vasprintf(&c->err, fmt, ap) < 0)
		abort();
	va_end(ap);
	return false;
}

const char *odb_atype_name(enum odb_atype t)
{
	switch (t) {
	case ODB_INTEGER:
		return "integer";
	case ODB_REAL:
		return "real";
	case ODB_BOOLEAN:
		return "boolean";
	case ODB_STRING:
		return "string";
	case ODB_UUID:
		return "uuid";
	case ODB_VOID:
		break;
	}
	return "void";
}

static enum odb_atype atype_from_name(const char *s)
{
	for (enum odb_atype t = ODB_INTEGER; t <= ODB_UUID; t++)
		if (!strcmp(s, odb_atype_name(t)))
			return t;
	return ODB_VOID;
}

char *odb_type_to_string(const struct odb_type *t)
{
	char *elems, *r;

	if (odb_type_is_scalar(t))
		return odb_xstrdup(odb_atype_name(t->key.type));
	if (odb_type_is_map(t))
		elems = odb_xasprintf("(%s, %s) pairs", odb_atype_name(t->key.type),
		                      odb_atype_name(t->value.type));
	else
		elems = odb_xasprintf("%ss", odb_atype_name(t->key.type));
	const char *what = odb_type_is_map(t) ? "map" : "set";
	if (t->min == 0 && t->max == ODB_UNLIMITED)
		r = odb_xasprintf("%s of %s", what, elems);
	else if (t->min == 0)
		r = odb_xasprintf("%s of up to %u %s", what, t->max, elems);
	else if (t->max == ODB_UNLIMITED)
		r = odb_xasprintf("%s of %u or more %s", what, t->min, elems);
	else
		r = odb_xasprintf("%s of %u to %u %s", what, t->min, t->max, elems);
	free(elems);
	return r;
}

/* Rejects members of 'obj' not in the NULL-terminated list 'allowed'. */
static bool check_members(struct sctx *c, const json_t *obj, const char *where,
                          const char *const *allowed)
{
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)obj, k, v)
	{
		const char *const *a;
		for (a = allowed; *a && strcmp(*a, k); a++)
			;
		if (!*a)
			return fail(c, "%s: member '%s' is present but not allowed here", where, k);
	}
	return true;
}

static void base_init(struct odb_base *b, enum odb_atype t)
{
	memset(b, 0, sizeof *b);
	b->type = t;
	b->min_int = INT64_MIN;
	b->max_int = INT64_MAX;
	b->min_real = -HUGE_VAL;
	b->max_real = HUGE_VAL;
	b->min_len = 0;
	b->max_len = ULONG_MAX;
	b->ref_table = -1;
}

static void base_destroy(struct odb_base *b)
{
	if (b->enum_vals) {
		struct odb_type et = {.min = 0, .max = ODB_UNLIMITED};
		base_init(&et.key, b->type);
		odb_datum_destroy(b->enum_vals, &et);
		free(b->enum_vals);
	}
	free(b->ref_table_name);
	b->enum_vals = NULL;
	b->ref_table_name = NULL;
}

static bool get_int(struct sctx *c, const json_t *j, const char *where, const char *name,
                    long long min, long long *out)
{
	if (!json_is_integer(j))
		return fail(c, "%s: '%s' must be an integer", where, name);
	*out = json_integer_value(j);
	if (*out < min)
		return fail(c, "%s: '%s' must be at least %lld", where, name, min);
	return true;
}

static bool base_from_json(struct sctx *c, struct odb_base *b, const json_t *j, const char *where)
{
	static const char *const allowed[] = {"type",     "enum",    "minInteger", "maxInteger",
	                                      "minReal",  "maxReal", "minLength",  "maxLength",
	                                      "refTable", "refType", NULL};
	const json_t *t = json_is_object(j) ? json_object_get(j, "type") : j;
	enum odb_atype at;
	long long v = 0;

	if (!json_is_string(t))
		return fail(c, "%s: atomic type expected (a string or an object with \"type\")",
		            where);
	at = atype_from_name(json_string_value(t));
	if (at == ODB_VOID)
		return fail(c, "%s: unknown atomic type \"%s\"", where, json_string_value(t));
	base_init(b, at);
	if (!json_is_object(j))
		return true;
	if (!check_members(c, j, where, allowed))
		return false;

#define ONLY_FOR(member, ty)                                                                       \
	if (json_object_get(j, member) && at != (ty))                                              \
		return fail(c, "%s: \"%s\" is not allowed for type %s", where, member,             \
		            odb_atype_name(at));
	ONLY_FOR("minInteger", ODB_INTEGER);
	ONLY_FOR("maxInteger", ODB_INTEGER);
	ONLY_FOR("minReal", ODB_REAL);
	ONLY_FOR("maxReal", ODB_REAL);
	ONLY_FOR("minLength", ODB_STRING);
	ONLY_FOR("maxLength", ODB_STRING);
	ONLY_FOR("refTable", ODB_UUID);
	ONLY_FOR("refType", ODB_UUID);
#undef ONLY_FOR

	if (json_object_get(j, "minInteger")) {
		if (!get_int(c, json_object_get(j, "minInteger"), where, "minInteger", LLONG_MIN,
		             &v))
			return false;
		b->min_int = v;
	}
	if (json_object_get(j, "maxInteger")) {
		if (!get_int(c, json_object_get(j, "maxInteger"), where, "maxInteger", LLONG_MIN,
		             &v))
			return false;
		b->max_int = v;
	}
	if (b->min_int > b->max_int)
		return fail(c, "%s: minInteger exceeds maxInteger", where);
	for (int i = 0; i < 2; i++) {
		const char *m = i ? "maxReal" : "minReal";
		const json_t *r = json_object_get(j, m);
		if (!r)
			continue;
		if (!json_is_number(r))
			return fail(c, "%s: '%s' must be a number", where, m);
		*(i ? &b->max_real : &b->min_real) = json_number_value(r);
	}
	if (b->min_real > b->max_real)
		return fail(c, "%s: minReal exceeds maxReal", where);
	if (json_object_get(j, "minLength")) {
		if (!get_int(c, json_object_get(j, "minLength"), where, "minLength", 0, &v))
			return false;
		b->min_len = (unsigned long)v;
	}
	if (json_object_get(j, "maxLength")) {
		if (!get_int(c, json_object_get(j, "maxLength"), where, "maxLength", 0, &v))
			return false;
		b->max_len = (unsigned long)v;
	}
	if (b->min_len > b->max_len)
		return fail(c, "%s: minLength exceeds maxLength", where);
	if (json_object_get(j, "refTable")) {
		const json_t *rt = json_object_get(j, "refTable");
		if (!json_is_string(rt) || !odb_is_identifier(json_string_value(rt)))
			return fail(c, "%s: 'refTable' must be a table name", where);
		b->ref_table_name = odb_xstrdup(json_string_value(rt));
		b->ref_type = ODB_REF_STRONG;
		const json_t *ty = json_object_get(j, "refType");
		if (ty) {
			const char *s = json_string_value(ty);
			if (s && !strcmp(s, "strong"))
				b->ref_type = ODB_REF_STRONG;
			else if (s && !strcmp(s, "weak"))
				b->ref_type = ODB_REF_WEAK;
			else
				return fail(c, "%s: refType must be \"strong\" or \"weak\"", where);
		}
	} else if (json_object_get(j, "refType")) {
		return fail(c, "%s: refType without refTable", where);
	}
	if (json_object_get(j, "enum")) {
		struct odb_type et = {.min = 1, .max = ODB_UNLIMITED};
		struct odb_datum *d = odb_xmalloc(sizeof *d);
		et.key = *b;
		et.key.enum_vals = NULL;
		et.key.ref_table_name = NULL;
		json_t *err = odb_datum_from_json(d, &et, json_object_get(j, "enum"), NULL, true);
		if (err) {
			char *s = json_dumps(err, JSON_COMPACT | JSON_SORT_KEYS);
			json_decref(err);
			free(d);
			fail(c, "%s: bad \"enum\": %s", where, s ? s : "");
			free(s);
			return false;
		}
		b->enum_vals = d;
	}
	return true;
}

static bool type_from_json(struct sctx *c, struct odb_type *t, const json_t *j, const char *where)
{
	static const char *const allowed[] = {"key", "value", "min", "max", NULL};
	long long v = 0;

	memset(t, 0, sizeof *t);
	t->min = t->max = 1;
	t->value.type = ODB_VOID;
	t->value.ref_table = -1;
	if (json_is_string(j))
		return base_from_json(c, &t->key, j, where);
	if (!json_is_object(j))
		return fail(c, "%s: type must be a string or an object", where);
	if (!check_members(c, j, where, allowed))
		return false;
	if (!json_object_get(j, "key"))
		return fail(c, "%s: type object requires \"key\"", where);
	if (!base_from_json(c, &t->key, json_object_get(j, "key"), where))
		return false;
	if (json_object_get(j, "value") &&
	    !base_from_json(c, &t->value, json_object_get(j, "value"), where))
		return false;
	if (json_object_get(j, "min")) {
		if (!get_int(c, json_object_get(j, "min"), where, "min", 0, &v))
			return false;
		if (v > 1)
			return fail(c, "%s: \"min\" must be 0 or 1", where);
		t->min = (unsigned)v;
	}
	const json_t *mx = json_object_get(j, "max");
	if (json_is_string(mx) && !strcmp(json_string_value(mx), "unlimited")) {
		t->max = ODB_UNLIMITED;
	} else if (mx) {
		if (!get_int(c, mx, where, "max", 1, &v))
			return false;
		t->max = v >= ODB_UNLIMITED ? ODB_UNLIMITED - 1 : (unsigned)v;
	}
	if (t->min > t->max)
		return fail(c, "%s: \"min\" exceeds \"max\"", where);
	return true;
}

static void column_init_builtin(struct odb_column *col, const char *name, unsigned index)
{
	memset(col, 0, sizeof *col);
	col->name = odb_xstrdup(name);
	col->index = index;
	col->type.min = col->type.max = 1;
	base_init(&col->type.key, ODB_UUID);
	base_init(&col->type.value, ODB_VOID);
	col->mutable_ = false;
}

static bool table_from_json(struct sctx *c, struct odb_table_schema *ts, const char *name,
                            const json_t *j, bool *root_set)
{
	static const char *const allowed[] = {"columns", "maxRows", "isRoot", "indexes", NULL};
	static const char *const col_allowed[] = {"type", "ephemeral", "mutable", NULL};
	const json_t *cols = json_object_get(j, "columns");
	const char *cname;
	json_t *cj;
	char where[300];

	ts->name = odb_xstrdup(name);
	ts->max_rows = ODB_UNLIMITED;
	if (!json_is_object(j))
		return fail(c, "table %s: must be an object", name);
	if (!check_members(c, j, name, allowed))
		return false;
	if (!json_is_object(cols) || !json_object_size(cols))
		return fail(c, "table %s: \"columns\" must be a non-empty object", name);
	ts->columns = odb_xcalloc(json_object_size(cols) + 2, sizeof *ts->columns);
	column_init_builtin(&ts->columns[0], "_uuid", 0);
	column_init_builtin(&ts->columns[1], "_version", 1);
	ts->n_columns = 2;
	json_object_foreach((json_t *)cols, cname, cj)
	{
		struct odb_column *col = &ts->columns[ts->n_columns];
		snprintf(where, sizeof where, "table %s column %s", name, cname);
		if (!odb_is_identifier(cname) || cname[0] == '_')
			return fail(c, "%s: invalid column name", where);
		if (!json_is_object(cj))
			return fail(c, "%s: column must be an object", where);
		if (!check_members(c, cj, where, col_allowed))
			return false;
		col->name = odb_xstrdup(cname);
		col->index = ts->n_columns++;
		col->mutable_ = true;
		if (!json_object_get(cj, "type"))
			return fail(c, "%s: \"type\" is required", where);
		if (!type_from_json(c, &col->type, json_object_get(cj, "type"), where))
			return false;
		const json_t *m = json_object_get(cj, "mutable");
		const json_t *e = json_object_get(cj, "ephemeral");
		if ((m && !json_is_boolean(m)) || (e && !json_is_boolean(e)))
			return fail(c, "%s: \"mutable\" and \"ephemeral\" must be booleans", where);
		col->mutable_ = m ? json_is_true(m) : true;
		col->ephemeral = e ? json_is_true(e) : false;
		for (int k = 0; k < 2; k++) {
			const struct odb_base *b = k ? &col->type.value : &col->type.key;
			if (b->ref_type == ODB_REF_STRONG)
				ts->has_strong_refs = true;
			if (b->ref_type == ODB_REF_WEAK)
				ts->has_weak_refs = true;
		}
	}
	const json_t *mr = json_object_get(j, "maxRows");
	if (mr) {
		long long v = 0;
		if (!get_int(c, mr, name, "maxRows", 1, &v))
			return false;
		ts->max_rows = v >= ODB_UNLIMITED ? ODB_UNLIMITED : (unsigned)v;
	}
	const json_t *root = json_object_get(j, "isRoot");
	if (root) {
		if (!json_is_boolean(root))
			return fail(c, "table %s: \"isRoot\" must be a boolean", name);
		ts->is_root = json_is_true(root);
		*root_set = true;
	}
	const json_t *idx = json_object_get(j, "indexes");
	if (idx) {
		size_t i;
		json_t *ij;
		if (!json_is_array(idx))
			return fail(c, "table %s: \"indexes\" must be an array", name);
		ts->indexes = odb_xcalloc(json_array_size(idx), sizeof *ts->indexes);
		json_array_foreach(idx, i, ij)
		{
			struct odb_index_def *def = &ts->indexes[ts->n_indexes++];
			size_t k;
			json_t *kj;
			if (!json_is_array(ij) || !json_array_size(ij))
				return fail(c,
				            "table %s: index must be a non-empty array of columns",
				            name);
			def->columns = odb_xcalloc(json_array_size(ij), sizeof *def->columns);
			json_array_foreach(ij, k, kj)
			{
				const struct odb_column *col =
				    json_is_string(kj)
				        ? odb_schema_find_column(ts, json_string_value(kj))
				        : NULL;
				if (!col)
					return fail(c, "table %s: index refers to unknown column",
					            name);
				if (col->ephemeral)
					return fail(c, "table %s: ephemeral column %s in an index",
					            name, col->name);
				for (unsigned q = 0; q < def->n_columns; q++)
					if (def->columns[q] == col->index)
						return fail(c,
						            "table %s: column %s twice in an index",
						            name, col->name);
				def->columns[def->n_columns++] = col->index;
			}
		}
	}
	return true;
}

static bool resolve_refs(struct sctx *c, struct odb_schema *s)
{
	for (unsigned t = 0; t < s->n_tables; t++) {
		struct odb_table_schema *ts = &s->tables[t];
		for (unsigned i = 2; i < ts->n_columns; i++) {
			for (int k = 0; k < 2; k++) {
				struct odb_type *ty = &ts->columns[i].type;
				struct odb_base *b = k ? &ty->value : &ty->key;
				if (!b->ref_table_name)
					continue;
				const struct odb_table_schema *rt =
				    odb_schema_find_table(s, b->ref_table_name);
				if (!rt)
					return fail(c,
					            "table %s column %s: refTable \"%s\" is not a "
					            "table in the schema",
					            ts->name, ts->columns[i].name,
					            b->ref_table_name);
				b->ref_table = (int)rt->index;
			}
		}
	}
	return true;
}

static bool version_ok(const char *v)
{
	int n = 0;

	for (int part = 0; part < 3; part++) {
		if (!isdigit((unsigned char)v[n]))
			return false;
		while (isdigit((unsigned char)v[n]))
			n++;
		if (part < 2 && v[n++] != '.')
			return false;
	}
	return v[n] == '\0';
}

struct odb_schema *odb_schema_from_json(const json_t *j, char **errp)
{
	static const char *const allowed[] = {"name", "version", "cksum", "tables", NULL};
	struct sctx c = {NULL};
	struct odb_schema *s = odb_xcalloc(1, sizeof *s);
	const json_t *tables, *name, *version;
	const char *tname;
	json_t *tj;
	bool root_set = false;

	if (!json_is_object(j)) {
		fail(&c, "schema must be a JSON object");
		goto out;
	}
	if (!check_members(&c, j, "schema", allowed))
		goto out;
	name = json_object_get(j, "name");
	version = json_object_get(j, "version");
	tables = json_object_get(j, "tables");
	if (!json_is_string(name) || !odb_is_identifier(json_string_value(name))) {
		fail(&c, "schema: \"name\" must be an identifier string");
		goto out;
	}
	s->name = odb_xstrdup(json_string_value(name));
	if (version) {
		if (!json_is_string(version) || !version_ok(json_string_value(version))) {
			fail(&c, "schema: \"version\" must look like \"x.y.z\"");
			goto out;
		}
		s->version = odb_xstrdup(json_string_value(version));
	}
	if (json_object_get(j, "cksum") && !json_is_string(json_object_get(j, "cksum"))) {
		fail(&c, "schema: \"cksum\" must be a string");
		goto out;
	}
	if (!json_is_object(tables)) {
		fail(&c, "schema: \"tables\" must be an object");
		goto out;
	}
	s->tables = odb_xcalloc(json_object_size(tables) + 1, sizeof *s->tables);
	json_object_foreach((json_t *)tables, tname, tj)
	{
		struct odb_table_schema *ts = &s->tables[s->n_tables];
		if (!odb_is_identifier(tname) || tname[0] == '_') {
			fail(&c, "schema: invalid table name \"%s\"", tname);
			goto out;
		}
		ts->index = s->n_tables++;
		if (!table_from_json(&c, ts, tname, tj, &root_set))
			goto out;
	}
	if (!root_set) /* RFC 7047 compatibility: no isRoot anywhere means all roots */
		for (unsigned t = 0; t < s->n_tables; t++)
			s->tables[t].is_root = true;
	if (!resolve_refs(&c, s))
		goto out;
	s->json = json_incref((json_t *)j); /* shared, never modified (schema.h) */
out:
	if (c.err) {
		if (errp)
			*errp = c.err;
		else
			free(c.err);
		odb_schema_destroy(s);
		return NULL;
	}
	return s;
}

struct odb_schema *odb_schema_from_file(const char *path, char **errp)
{
	json_error_t jerr;
	json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	struct odb_schema *s;

	if (!j) {
		if (errp)
			*errp = odb_xasprintf("%s: %s (line %d)", path, jerr.text, jerr.line);
		return NULL;
	}
	s = odb_schema_from_json(j, errp);
	json_decref(j);
	return s;
}

void odb_schema_destroy(struct odb_schema *s)
{
	if (!s)
		return;
	for (unsigned t = 0; t < s->n_tables; t++) {
		struct odb_table_schema *ts = &s->tables[t];
		for (unsigned i = 0; i < ts->n_columns; i++) {
			free(ts->columns[i].name);
			base_destroy(&ts->columns[i].type.key);
			base_destroy(&ts->columns[i].type.value);
		}
		for (unsigned i = 0; i < ts->n_indexes; i++)
			free(ts->indexes[i].columns);
		free(ts->indexes);
		free(ts->columns);
		free(ts->name);
	}
	free(s->tables);
	free(s->name);
	free(s->version);
	json_decref(s->json);
	free(s);
}

const struct odb_table_schema *odb_schema_find_table(const struct odb_schema *s, const char *name)
{
	for (unsigned t = 0; t < s->n_tables; t++)
		if (!strcmp(s->tables[t].name, name))
			return &s->tables[t];
	return NULL;
}

const struct odb_column *odb_schema_find_column(const struct odb_table_schema *ts, const char *name)
{
	for (unsigned i = 0; i < ts->n_columns; i++)
		if (!strcmp(ts->columns[i].name, name))
			return &ts->columns[i];
	return NULL;
}
