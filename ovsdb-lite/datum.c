/* ovsdb-lite atoms and datums. See datum.h. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "datum.h"

/* Element arrays always have room for cap_for(n) elements (see odb_datum_append()). */
static unsigned cap_for(unsigned n)
{
	unsigned c = 1;

	while (c < n)
		c <<= 1;
	return c;
}

int odb_atom_compare(enum odb_atype t, const union odb_atom *a, const union odb_atom *b)
{
	switch (t) {
	case ODB_INTEGER:
		return a->i < b->i ? -1 : a->i > b->i;
	case ODB_REAL:
		return a->r < b->r ? -1 : a->r > b->r;
	case ODB_BOOLEAN:
		return (int)a->b - (int)b->b;
	case ODB_STRING:
		return strcmp(a->s, b->s);
	case ODB_UUID:
		return odb_uuid_compare(&a->u, &b->u);
	case ODB_VOID:
		break;
	}
	return 0;
}

uint32_t odb_atom_hash(enum odb_atype t, const union odb_atom *a, uint32_t basis)
{
	switch (t) {
	case ODB_INTEGER:
		return odb_hash_add64(basis, (uint64_t)a->i);
	case ODB_REAL: {
		uint64_t v;
		double r = a->r == 0 ? 0 : a->r; /* -0.0 == 0.0 */
		memcpy(&v, &r, sizeof v);
		return odb_hash_add64(basis, v);
	}
	case ODB_BOOLEAN:
		return odb_hash_add64(basis, a->b);
	case ODB_STRING:
		return odb_hash_bytes(a->s, strlen(a->s), basis);
	case ODB_UUID:
		return odb_hash_bytes(a->u.b, 16, basis);
	case ODB_VOID:
		break;
	}
	return basis;
}

void odb_atom_clone(enum odb_atype t, union odb_atom *dst, const union odb_atom *src)
{
	*dst = *src;
	if (t == ODB_STRING)
		dst->s = odb_xstrdup(src->s);
}

void odb_atom_destroy(enum odb_atype t, union odb_atom *a)
{
	if (t == ODB_STRING)
		free(a->s);
}

void odb_atom_init_default(enum odb_atype t, union odb_atom *a)
{
	memset(a, 0, sizeof *a);
	if (t == ODB_STRING)
		a->s = odb_xstrdup("");
}

json_t *odb_atom_to_json(enum odb_atype t, const union odb_atom *a)
{
	char buf[ODB_UUID_LEN + 1];

	switch (t) {
	case ODB_INTEGER:
		return json_integer(a->i);
	case ODB_REAL:
		/* Like ovsdb-server: integral values print without a fraction ("3", not "3.0"). */
		if (a->r > -9007199254740992.0 && a->r < 9007199254740992.0 &&
		    a->r == (double)(long long)a->r)
			return json_integer((json_int_t)a->r);
		return json_real(a->r);
	case ODB_BOOLEAN:
		return json_boolean(a->b);
	case ODB_STRING:
		return json_string(a->s);
	case ODB_UUID:
		odb_uuid_to_string(&a->u, buf);
		return json_pack("[ss]", "uuid", buf);
	case ODB_VOID:
		break;
	}
	return json_null();
}

void odb_datum_init_empty(struct odb_datum *d)
{
	d->n = 0;
	d->keys = d->values = NULL;
}

void odb_datum_init_default(struct odb_datum *d, const struct odb_type *t)
{
	odb_datum_init_empty(d);
	if (t->min == 0)
		return;
	d->n = 1;
	d->keys = odb_xmalloc(sizeof *d->keys);
	odb_atom_init_default(t->key.type, &d->keys[0]);
	if (odb_type_is_map(t)) {
		d->values = odb_xmalloc(sizeof *d->values);
		odb_atom_init_default(t->value.type, &d->values[0]);
	}
}

void odb_datum_clone(struct odb_datum *dst, const struct odb_datum *src, const struct odb_type *t)
{
	dst->n = src->n;
	dst->keys = dst->values = NULL;
	if (!src->n)
		return;
	dst->keys = odb_xmalloc(cap_for(src->n) * sizeof *dst->keys);
	for (unsigned i = 0; i < src->n; i++)
		odb_atom_clone(t->key.type, &dst->keys[i], &src->keys[i]);
	if (odb_type_is_map(t)) {
		dst->values = odb_xmalloc(cap_for(src->n) * sizeof *dst->values);
		for (unsigned i = 0; i < src->n; i++)
			odb_atom_clone(t->value.type, &dst->values[i], &src->values[i]);
	}
}

void odb_datum_destroy(struct odb_datum *d, const struct odb_type *t)
{
	for (unsigned i = 0; i < d->n; i++) {
		odb_atom_destroy(t->key.type, &d->keys[i]);
		if (d->values)
			odb_atom_destroy(t->value.type, &d->values[i]);
	}
	free(d->keys);
	free(d->values);
	odb_datum_init_empty(d);
}

int odb_datum_compare(const struct odb_datum *a, const struct odb_datum *b,
                      const struct odb_type *t)
{
	for (unsigned i = 0; i < a->n && i < b->n; i++) {
		int c = odb_atom_compare(t->key.type, &a->keys[i], &b->keys[i]);
		if (!c && odb_type_is_map(t))
			c = odb_atom_compare(t->value.type, &a->values[i], &b->values[i]);
		if (c)
			return c;
	}
	return a->n < b->n ? -1 : a->n > b->n;
}

bool odb_datum_equals(const struct odb_datum *a, const struct odb_datum *b,
                      const struct odb_type *t)
{
	return a->n == b->n && !odb_datum_compare(a, b, t);
}

uint32_t odb_datum_hash(const struct odb_datum *d, const struct odb_type *t, uint32_t basis)
{
	uint32_t h = odb_hash_add64(basis, d->n);

	for (unsigned i = 0; i < d->n; i++) {
		h = odb_atom_hash(t->key.type, &d->keys[i], h);
		if (odb_type_is_map(t))
			h = odb_atom_hash(t->value.type, &d->values[i], h);
	}
	return h;
}

long odb_datum_find_key(const struct odb_datum *d, const struct odb_type *t,
                        const union odb_atom *key)
{
	unsigned lo = 0, hi = d->n;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		int c = odb_atom_compare(t->key.type, key, &d->keys[mid]);
		if (!c)
			return mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

void odb_datum_append(struct odb_datum *d, const struct odb_type *t, union odb_atom *key,
                      union odb_atom *value)
{
	if (d->n == 0 || d->n == cap_for(d->n)) {
		unsigned cap = cap_for(d->n + 1);
		d->keys = odb_xrealloc(d->keys, cap * sizeof *d->keys);
		if (odb_type_is_map(t))
			d->values = odb_xrealloc(d->values, cap * sizeof *d->values);
	}
	d->keys[d->n] = *key;
	if (odb_type_is_map(t))
		d->values[d->n] = *value;
	d->n++;
}

void odb_datum_remove_at(struct odb_datum *d, const struct odb_type *t, unsigned i)
{
	odb_atom_destroy(t->key.type, &d->keys[i]);
	memmove(&d->keys[i], &d->keys[i + 1], (d->n - i - 1) * sizeof *d->keys);
	if (odb_type_is_map(t)) {
		odb_atom_destroy(t->value.type, &d->values[i]);
		memmove(&d->values[i], &d->values[i + 1], (d->n - i - 1) * sizeof *d->values);
	}
	d->n--;
}

struct sort_ctx {
	const struct odb_datum *d;
	enum odb_atype kt;
};

static int cmp_idx(const void *a, const void *b, void *aux)
{
	const struct sort_ctx *c = aux;
	unsigned ia = *(const unsigned *)a, ib = *(const unsigned *)b;
	int r = odb_atom_compare(c->kt, &c->d->keys[ia], &c->d->keys[ib]);

	return r ? r : (ia < ib ? -1 : ia > ib); /* stable */
}

bool odb_datum_sort(struct odb_datum *d, const struct odb_type *t)
{
	bool sorted = true, unique = true;

	for (unsigned i = 1; i < d->n; i++) {
		int c = odb_atom_compare(t->key.type, &d->keys[i - 1], &d->keys[i]);
		if (c > 0)
			sorted = false;
		else if (!c)
			unique = false;
	}
	if (!sorted) {
		struct sort_ctx c = {d, t->key.type};
		unsigned *idx = odb_xmalloc(d->n * sizeof *idx);
		union odb_atom *k = odb_xmalloc(cap_for(d->n) * sizeof *k);
		union odb_atom *v =
		    odb_type_is_map(t) ? odb_xmalloc(cap_for(d->n) * sizeof *v) : NULL;
		for (unsigned i = 0; i < d->n; i++)
			idx[i] = i;
		qsort_r(idx, d->n, sizeof *idx, cmp_idx, &c);
		for (unsigned i = 0; i < d->n; i++) {
			k[i] = d->keys[idx[i]];
			if (v)
				v[i] = d->values[idx[i]];
		}
		free(idx);
		free(d->keys);
		free(d->values);
		d->keys = k;
		d->values = v;
		unique = true;
		for (unsigned i = 1; i < d->n; i++)
			if (!odb_atom_compare(t->key.type, &d->keys[i - 1], &d->keys[i]))
				unique = false;
	}
	return unique;
}

void odb_datum_sort_unique(struct odb_datum *d, const struct odb_type *t)
{
	unsigned o = 0;

	if (odb_datum_sort(d, t))
		return;
	for (unsigned i = 0; i < d->n; i++) {
		if (o && !odb_atom_compare(t->key.type, &d->keys[o - 1], &d->keys[i])) {
			odb_atom_destroy(t->key.type, &d->keys[i]);
			if (d->values)
				odb_atom_destroy(t->value.type, &d->values[i]);
			continue;
		}
		d->keys[o] = d->keys[i];
		if (d->values)
			d->values[o] = d->values[i];
		o++;
	}
	d->n = o;
}

static unsigned long utf8_len(const char *s)
{
	unsigned long n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static bool string_is_bare(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
		return false;
	if (!strcmp(s, "true") || !strcmp(s, "false"))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' || *s == '.'))
			return false;
	return true;
}

char *odb_atom_to_string(enum odb_atype t, const union odb_atom *a)
{
	char buf[ODB_UUID_LEN + 1];
	json_t *j;
	char *s;

	switch (t) {
	case ODB_INTEGER:
		return odb_xasprintf("%" PRId64, a->i);
	case ODB_REAL:
		return odb_xasprintf("%.17g", a->r);
	case ODB_BOOLEAN:
		return odb_xstrdup(a->b ? "true" : "false");
	case ODB_UUID:
		odb_uuid_to_string(&a->u, buf);
		return odb_xstrdup(buf);
	case ODB_STRING:
		if (string_is_bare(a->s))
			return odb_xstrdup(a->s);
		j = json_string(a->s);
		s = json_dumps(j, JSON_ENCODE_ANY);
		json_decref(j);
		return s ? s : odb_xstrdup("\"\"");
	case ODB_VOID:
		break;
	}
	return odb_xstrdup("");
}

char *odb_datum_to_string(const struct odb_datum *d, const struct odb_type *t)
{
	bool map = odb_type_is_map(t), scalar = odb_type_is_scalar(t);
	size_t len = 0, cap = 64;
	char *out = odb_xmalloc(cap);

#define PUT(str)                                                                                   \
	do {                                                                                       \
		const char *s_ = (str);                                                            \
		size_t n_ = strlen(s_);                                                            \
		while (len + n_ + 1 > cap)                                                         \
			out = odb_xrealloc(out, cap *= 2);                                         \
		memcpy(out + len, s_, n_);                                                         \
		len += n_;                                                                         \
	} while (0)
	if (!scalar)
		PUT(map ? "{" : "[");
	for (unsigned i = 0; i < d->n; i++) {
		char *k = odb_atom_to_string(t->key.type, &d->keys[i]);
		if (i)
			PUT(", ");
		PUT(k);
		free(k);
		if (map) {
			char *v = odb_atom_to_string(t->value.type, &d->values[i]);
			PUT("=");
			PUT(v);
			free(v);
		}
	}
	if (!scalar)
		PUT(map ? "}" : "]");
#undef PUT
	out[len] = '\0';
	return out;
}

json_t *odb_atom_check_constraints(const union odb_atom *a, const struct odb_base *b)
{
	if (b->enum_vals) {
		struct odb_type et = {.key = *b, .min = 0, .max = ODB_UNLIMITED};
		et.value.type = ODB_VOID;
		if (odb_datum_find_key(b->enum_vals, &et, a) < 0) {
			char *s = odb_atom_to_string(b->type, a);
			char *es = odb_datum_to_string(b->enum_vals, &et);
			json_t *err = odb_error("constraint violation", NULL,
			                        "%s is not one of the allowed values (%s)", s, es);
			free(s);
			free(es);
			return err;
		}
	}
	switch (b->type) {
	case ODB_INTEGER:
		if (a->i >= b->min_int && a->i <= b->max_int)
			return NULL;
		if (b->min_int != INT64_MIN && b->max_int != INT64_MAX)
			return odb_error("constraint violation", NULL,
			                 "%" PRId64 " is not in the valid range %" PRId64
			                 " to %" PRId64 " (inclusive)",
			                 a->i, b->min_int, b->max_int);
		if (a->i < b->min_int)
			return odb_error("constraint violation", NULL,
			                 "%" PRId64 " is less than minimum allowed value %" PRId64,
			                 a->i, b->min_int);
		return odb_error("constraint violation", NULL,
		                 "%" PRId64 " is greater than maximum allowed value %" PRId64, a->i,
		                 b->max_int);
	case ODB_REAL:
		if (a->r >= b->min_real && a->r <= b->max_real)
			return NULL;
		if (isfinite(b->min_real) && isfinite(b->max_real))
			return odb_error(
			    "constraint violation", NULL,
			    "%.17g is not in the valid range %.17g to %.17g (inclusive)", a->r,
			    b->min_real, b->max_real);
		if (a->r < b->min_real)
			return odb_error("constraint violation", NULL,
			                 "%.17g is less than minimum allowed value %.17g", a->r,
			                 b->min_real);
		return odb_error("constraint violation", NULL,
		                 "%.17g is greater than maximum allowed value %.17g", a->r,
		                 b->max_real);
	case ODB_STRING: {
		unsigned long n = utf8_len(a->s);
		if (n < b->min_len)
			return odb_error(
			    "constraint violation", NULL,
			    "\"%s\" length %lu is less than minimum allowed length %lu", a->s, n,
			    b->min_len);
		if (n > b->max_len)
			return odb_error(
			    "constraint violation", NULL,
			    "\"%s\" length %lu is greater than maximum allowed length %lu", a->s, n,
			    b->max_len);
		return NULL;
	}
	default:
		return NULL;
	}
}

json_t *odb_datum_check_constraints(const struct odb_datum *d, const struct odb_type *t)
{
	for (unsigned i = 0; i < d->n; i++) {
		json_t *err = odb_atom_check_constraints(&d->keys[i], &t->key);
		if (!err && odb_type_is_map(t))
			err = odb_atom_check_constraints(&d->values[i], &t->value);
		if (err)
			return err;
	}
	return NULL;
}

json_t *odb_datum_check_size(const struct odb_datum *d, const struct odb_type *t, const char *what)
{
	if (d->n >= t->min && d->n <= t->max)
		return NULL;
	if (t->max == ODB_UNLIMITED)
		return odb_error("constraint violation", NULL,
		                 "%s must have at least %u member(s) but %u are present", what,
		                 t->min, d->n);
	return odb_error("constraint violation", NULL,
	                 "%s must have %u to %u member(s) but %u are present", what, t->min, t->max,
	                 d->n);
}

static json_t *atom_from_json(union odb_atom *a, const struct odb_base *b, const json_t *j,
                              const struct odb_symtab_ops *symtab, bool check)
{
	switch (b->type) {
	case ODB_INTEGER:
		if (!json_is_integer(j))
			return odb_error("syntax error", j, "expected integer");
		a->i = json_integer_value(j);
		break;
	case ODB_REAL:
		if (!json_is_number(j))
			return odb_error("syntax error", j, "expected real");
		a->r = json_number_value(j);
		break;
	case ODB_BOOLEAN:
		if (!json_is_boolean(j))
			return odb_error("syntax error", j, "expected boolean");
		a->b = json_is_true(j);
		break;
	case ODB_STRING:
		if (!json_is_string(j))
			return odb_error("syntax error", j, "expected string");
		a->s = odb_xstrdup(json_string_value(j));
		break;
	case ODB_UUID: {
		const char *tag = json_string_value(json_array_get(j, 0));
		const char *val = json_string_value(json_array_get(j, 1));
		if (!json_is_array(j) || json_array_size(j) != 2 || !tag || !val)
			return odb_error("syntax error", j, "expected [\"uuid\", <string>]");
		if (!strcmp(tag, "uuid")) {
			if (!odb_uuid_from_string(&a->u, val))
				return odb_error("syntax error", j, "\"%s\" is not a valid UUID",
				                 val);
		} else if (!strcmp(tag, "named-uuid")) {
			if (!odb_is_identifier(val))
				return odb_error("syntax error", j,
				                 "named-uuid string is not a valid <id>");
			if (!symtab || !symtab->resolve(symtab->aux, val, &a->u))
				return odb_error("syntax error", j,
				                 "named-uuid \"%s\" is not allowed here", val);
		} else {
			return odb_error("syntax error", j, "expected [\"uuid\", <string>]");
		}
		break;
	}
	case ODB_VOID:
		return odb_error("syntax error", j, "void type");
	}
	if (check) {
		json_t *err = odb_atom_check_constraints(a, b);
		if (err) {
			odb_atom_destroy(b->type, a);
			return err;
		}
	}
	return NULL;
}

/* True if 'j' is an array whose first element is the string 'tag' (its length is checked
 * later, so that ["set"] gets a "set" error rather than an atom error, like ovsdb-server). */
static bool is_tagged(const json_t *j, const char *tag)
{
	return json_is_array(j) && json_is_string(json_array_get(j, 0)) &&
	       !strcmp(json_string_value(json_array_get(j, 0)), tag);
}

static json_t *size_error(const json_t *j, const struct odb_type *t, size_t n)
{
	const char *what = odb_type_is_map(t) ? "map" : "set";

	if (t->min == 1 && t->max == 1)
		return odb_error("syntax error", j,
		                 "%s must have exactly one member but %zu are present", what, n);
	return odb_error("syntax error", j, "%s must have %u to %u members but %zu are present",
	                 what, t->min, t->max, n);
}

static json_t *datum_parse(struct odb_datum *d, const struct odb_type *t, const json_t *j,
                           const struct odb_symtab_ops *symtab, bool check, bool dedupe);

json_t *odb_datum_from_json(struct odb_datum *d, const struct odb_type *t, const json_t *j,
                            const struct odb_symtab_ops *symtab, bool check)
{
	return datum_parse(d, t, j, symtab, check, false);
}

json_t *odb_datum_from_json_replay(struct odb_datum *d, const struct odb_type *t, const json_t *j)
{
	return datum_parse(d, t, j, NULL, false, true);
}

static json_t *datum_parse(struct odb_datum *d, const struct odb_type *t, const json_t *j,
                           const struct odb_symtab_ops *symtab, bool check, bool dedupe)
{
	bool map = odb_type_is_map(t);
	const json_t *elems;
	json_t *err = NULL;
	size_t i, n;

	odb_datum_init_empty(d);
	if (map || is_tagged(j, "set")) {
		const char *tag = map ? "map" : "set";
		if (!is_tagged(j, tag) || json_array_size(j) != 2 ||
		    !json_is_array(json_array_get(j, 1)))
			return odb_error("syntax error", j, "expected [\"%s\", <array>]", tag);
	} else {
		union odb_atom a;
		err = atom_from_json(&a, &t->key, j, symtab, check);
		if (err)
			return err;
		d->n = 1;
		d->keys = odb_xmalloc(sizeof *d->keys);
		d->keys[0] = a;
		if (check && (t->min > 1 || t->max < 1)) {
			odb_datum_destroy(d, t);
			return size_error(j, t, 1);
		}
		return NULL;
	}
	elems = json_array_get(j, 1);
	n = json_array_size(elems);
	if (n > UINT_MAX / 4)
		return odb_error("syntax error", j, "too many elements");
	if (check && (n < t->min || n > t->max)) /* checked first, like ovsdb-server */
		return size_error(j, t, n);
	if (n) {
		d->keys = odb_xmalloc(cap_for((unsigned)n) * sizeof *d->keys);
		if (map)
			d->values = odb_xmalloc(cap_for((unsigned)n) * sizeof *d->values);
	}
	for (i = 0; i < n; i++) {
		const json_t *e = json_array_get(elems, i);
		if (map) {
			if (!json_is_array(e) || json_array_size(e) != 2) {
				err = odb_error("syntax error", e, "expected 2-element array");
				goto fail;
			}
			err = atom_from_json(&d->keys[d->n], &t->key, json_array_get(e, 0), symtab,
			                     check);
			if (err)
				goto fail;
			err = atom_from_json(&d->values[d->n], &t->value, json_array_get(e, 1),
			                     symtab, check);
			if (err) {
				odb_atom_destroy(t->key.type, &d->keys[d->n]);
				goto fail;
			}
		} else {
			err = atom_from_json(&d->keys[d->n], &t->key, e, symtab, check);
			if (err)
				goto fail;
		}
		d->n++;
	}
	if (!odb_datum_sort(d, t) && dedupe) {
		odb_datum_sort_unique(d, t);
	} else if (!odb_datum_sort(d, t)) {
		err = odb_error("ovsdb error", NULL,
		                map ? "map contains duplicate key" : "set contains duplicate");
		goto fail;
	}
	return NULL;
fail:
	odb_datum_destroy(d, t);
	return err;
}

json_t *odb_datum_to_json(const struct odb_datum *d, const struct odb_type *t)
{
	json_t *arr;

	if (!odb_type_is_map(t) && d->n == 1)
		return odb_atom_to_json(t->key.type, &d->keys[0]);
	arr = json_array();
	for (unsigned i = 0; i < d->n; i++) {
		if (odb_type_is_map(t))
			json_array_append_new(
			    arr, json_pack("[oo]", odb_atom_to_json(t->key.type, &d->keys[i]),
			                   odb_atom_to_json(t->value.type, &d->values[i])));
		else
			json_array_append_new(arr, odb_atom_to_json(t->key.type, &d->keys[i]));
	}
	return json_pack("[so]", odb_type_is_map(t) ? "map" : "set", arr);
}
