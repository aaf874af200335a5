/* Column types and update2 diffs on <value>s for the replica (see replica.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "replica.h"

static bool is_tagged(const json_t *v, const char *tag)
{
	return json_is_array(v) && json_array_size(v) == 2 &&
	       !strcmp(json_string_value(json_array_get(v, 0)) ?: "", tag) &&
	       json_is_array(json_array_get(v, 1));
}

/* The atomic type of a <base-type> ("integer" or {"type": "integer", ...}), or NULL. */
static const char *base_type(const json_t *base)
{
	return json_is_string(base) ? json_string_value(base)
	                            : json_string_value(json_object_get(base, "type"));
}

/* The default atom of an atomic type (ovsdb's: 0, 0.0, false, "", the all-zero uuid). */
static json_t *atom_default(const char *type)
{
	if (!strcmp(type, "integer"))
		return json_integer(0);
	if (!strcmp(type, "real"))
		return json_real(0.0);
	if (!strcmp(type, "boolean"))
		return json_false();
	if (!strcmp(type, "string"))
		return json_string("");
	if (!strcmp(type, "uuid"))
		return json_pack("[s,s]", "uuid", "00000000-0000-0000-0000-000000000000");
	return NULL;
}

/* The default <value> of a column: its min elements of default atoms (0 or 1). */
static json_t *column_default(const char *ktype, const char *vtype, long long min, bool scalar)
{
	if (scalar || (min > 0 && !vtype))
		return atom_default(ktype);
	if (!min)
		return json_pack("[s,[]]", vtype ? "map" : "set");
	json_t *k = atom_default(ktype), *v = atom_default(vtype);
	if (!k || !v) {
		json_decref(k);
		json_decref(v);
		return NULL;
	}
	return json_pack("[s,[[o,o]]]", "map", k, v);
}

json_t *ctd_replica_column_info(const json_t *type)
{
	const json_t *key = type, *value = NULL;
	long long min = 1, max = 1;
	if (json_is_object(type)) {
		const json_t *jmin = json_object_get(type, "min"),
		             *jmax = json_object_get(type, "max");
		key = json_object_get(type, "key");
		value = json_object_get(type, "value");
		if (jmin)
			min = json_integer_value(jmin);
		if (jmax)
			max = json_is_string(jmax) ? 2 : json_integer_value(jmax); /* "unlimited" */
	}
	const char *ktype = base_type(key), *vtype = value ? base_type(value) : NULL;
	bool scalar = min == 1 && max == 1 && !value;
	if (!ktype || (value && !vtype) || min < 0 || min > 1 || max < 1)
		return NULL;
	json_t *dflt = column_default(ktype, vtype, min, scalar);
	if (!dflt)
		return NULL;
	return json_pack("{s:s,s:b,s:o}", "kind",
	                 scalar  ? "scalar"
	                 : vtype ? "map"
	                         : "set",
	                 "one", max == 1, "default", dflt);
}

/* The elements of a set or map <value> (a new array; a bare atom is a set of one). */
static json_t *elems_of(const json_t *v, bool map)
{
	if (is_tagged(v, map ? "map" : "set"))
		return json_copy(json_array_get(v, 1));
	if (map || !v)
		return NULL;
	return json_pack("[O]", v);
}

static int atom_cmp(const json_t *a, const json_t *b)
{
	if (json_is_string(a) && json_is_string(b))
		return strcmp(json_string_value(a), json_string_value(b));
	if (json_is_number(a) && json_is_number(b)) {
		double x = json_number_value(a), y = json_number_value(b);
		return x < y ? -1 : x > y;
	}
	if (json_is_boolean(a) && json_is_boolean(b))
		return json_is_true(a) - json_is_true(b);
	if (json_is_array(a) && json_is_array(b)) /* ["uuid", S] */
		return strcmp(json_string_value(json_array_get(a, 1)) ?: "",
		              json_string_value(json_array_get(b, 1)) ?: "");
	return 0;
}

static int cmp_atoms(const void *a, const void *b)
{
	return atom_cmp(*(json_t *const *)a, *(json_t *const *)b);
}

static int cmp_pairs(const void *a, const void *b)
{
	return atom_cmp(json_array_get(*(json_t *const *)a, 0),
	                json_array_get(*(json_t *const *)b, 0));
}

/* The <value> of the elements 'e' (stolen), sorted as ovsdb-server sorts them: a map, a set
 * of one as its atom, or a set. */
static json_t *encode(json_t *e, bool map)
{
	size_t n = json_array_size(e), i;
	json_t **v = malloc((n ? n : 1) * sizeof(*v)), *out = json_array();
	if (!v || !out) {
		free(v);
		json_decref(out);
		json_decref(e);
		return NULL;
	}
	for (i = 0; i < n; i++)
		v[i] = json_array_get(e, i);
	qsort(v, n, sizeof(*v), map ? cmp_pairs : cmp_atoms);
	for (i = 0; i < n; i++)
		json_array_append(out, v[i]);
	free(v);
	json_decref(e);
	if (!map && n == 1) {
		json_t *atom = json_incref(json_array_get(out, 0));
		json_decref(out);
		return atom;
	}
	return json_pack("[s,o]", map ? "map" : "set", out);
}

/* Index of the element of 'e' equal to 'x' (of the pair whose key is 'x' for a map), or -1. */
static long find(const json_t *e, const json_t *x, bool map)
{
	size_t i;
	json_t *y;
	json_array_foreach(e, i, y)
	{
		if (json_equal(map ? json_array_get(y, 0) : y, (json_t *)x))
			return (long)i;
	}
	return -1;
}

/* Applies the diff elements 'd' to the elements 'e' (in place). */
static int toggle(json_t *e, const json_t *d, bool map)
{
	size_t i;
	json_t *x;
	json_array_foreach(d, i, x)
	{
		if (map && (!json_is_array(x) || json_array_size(x) != 2))
			return -EPROTO;
		long at = find(e, map ? json_array_get(x, 0) : x, map);
		const json_t *cur = at < 0 ? NULL : json_array_get(e, (size_t)at);
		if (at < 0) {
			if (json_array_append(e, x) < 0)
				return -ENOMEM;
		} else if (!map || json_equal(json_array_get(cur, 1), json_array_get(x, 1))) {
			json_array_remove(e, (size_t)at);
		} else if (json_array_set(e, (size_t)at, x) < 0) {
			return -ENOMEM;
		}
	}
	return 0;
}

int ctd_replica_datum_apply(const json_t *info, const json_t *old, const json_t *diff, json_t **out)
{
	const char *kind = json_string_value(json_object_get(info, "kind")) ?: "";
	bool map = !strcmp(kind, "map"), one = json_is_true(json_object_get(info, "one"));
	if (!strcmp(kind, "scalar")) {
		*out = json_incref((json_t *)diff);
		return 0;
	}
	json_t *e = elems_of(old ?: json_object_get(info, "default"), map);
	json_t *d = elems_of(diff, map);
	int ret = !e || !d ? -EPROTO : toggle(e, d, map);
	/* At most one element: ovsdb-server sends the new value (empty: cleared). */
	if (!ret && one && (!json_array_size(d) || json_array_size(e) > 1))
		ret = json_array_clear(e) < 0 || json_array_extend(e, d) < 0 ? -ENOMEM : 0;
	json_decref(d);
	if (ret < 0) {
		json_decref(e);
		return ret;
	}
	*out = encode(e, map);
	return *out ? 0 : -ENOMEM;
}
