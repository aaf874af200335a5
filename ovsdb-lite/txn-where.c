/* ovsdb-lite "where" conditions and "mutate" mutations (RFC 7047 5.1 and 5.1 mutators). */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "odb-private.h"

enum cond_func { F_LT, F_LE, F_EQ, F_NE, F_GE, F_GT, F_INCLUDES, F_EXCLUDES };
static const char *const func_names[] = {"<", "<=", "==", "!=", ">=", ">", "includes", "excludes"};

struct cond {
	const struct odb_column *col;
	enum cond_func func;
	struct odb_type type; /* type of 'arg' */
	struct odb_datum arg;
};

struct odb_cond_set {
	size_t n;
	struct cond *c;
	bool never; /* a literal false condition */
};

void odb_cond_set_destroy(struct odb_cond_set *cs)
{
	if (!cs)
		return;
	for (size_t i = 0; i < cs->n; i++)
		odb_datum_destroy(&cs->c[i].arg, &cs->c[i].type);
	free(cs->c);
	free(cs);
}

/* The type of an argument: the column type (constraints included, as ovsdb-server checks
 * them), with no minimum size if 'no_min' and no maximum if 'no_max'. */
static struct odb_type arg_type(const struct odb_type *t, bool no_min, bool no_max)
{
	struct odb_type a = *t;

	if (no_min)
		a.min = 0;
	if (no_max)
		a.max = ODB_UNLIMITED;
	return a;
}

json_t *odb_cond_set_parse(const struct odb_table_schema *ts, const json_t *where,
                           const struct odb_symtab_ops *symtab, struct odb_cond_set **csp)
{
	struct odb_cond_set *cs = odb_xcalloc(1, sizeof *cs);
	size_t i;
	json_t *cj;

	*csp = NULL;
	if (!json_is_array(where)) {
		free(cs);
		return odb_error("syntax error", where, "array of conditions expected");
	}
	cs->c = odb_xcalloc(json_array_size(where) + 1, sizeof *cs->c);
	json_array_foreach(where, i, cj)
	{
		if (json_is_boolean(cj)) { /* true and false are conditions too (ovsdb-server) */
			cs->never |= json_is_false(cj);
			continue;
		}
		const char *cname = json_string_value(json_array_get(cj, 0));
		const char *fname = json_string_value(json_array_get(cj, 1));
		struct cond *c = &cs->c[cs->n];
		json_t *err;
		int f;

		if (!json_is_array(cj) || json_array_size(cj) != 3 || !cname || !fname) {
			odb_cond_set_destroy(cs);
			return odb_error("syntax error", cj, "Parse error in condition.");
		}
		c->col = odb_schema_find_column(ts, cname);
		if (!c->col) {
			odb_cond_set_destroy(cs);
			return odb_error("unknown column", cj, "No column %s in table %s.", cname,
			                 ts->name);
		}
		for (f = 0; f <= F_EXCLUDES && strcmp(func_names[f], fname); f++)
			;
		if (f > F_EXCLUDES) {
			odb_cond_set_destroy(cs);
			return odb_error("unknown function", NULL, "No function named %s.", fname);
		}
		c->func = (enum cond_func)f;
		if (f <= F_GT && f != F_EQ && f != F_NE &&
		    !(!odb_type_is_map(&c->col->type) && c->col->type.max == 1 &&
		      (c->col->type.key.type == ODB_INTEGER ||
		       c->col->type.key.type == ODB_REAL))) {
			char *tn = odb_type_to_string(&c->col->type);
			err = odb_error("syntax error", cj,
			                "Type mismatch: \"%s\" operator may not be applied to "
			                "column %s of type %s.",
			                fname, cname, tn);
			free(tn);
			odb_cond_set_destroy(cs);
			return err;
		}
		c->type = arg_type(&c->col->type, f == F_INCLUDES || f == F_EXCLUDES, false);
		err = odb_datum_from_json(&c->arg, &c->type, json_array_get(cj, 2), symtab, true);
		if (err) {
			odb_cond_set_destroy(cs);
			return err;
		}
		cs->n++;
	}
	*csp = cs;
	return NULL;
}

/* True if every element of 'sub' is in 'super' (for maps: same key and value). */
static bool datum_includes(const struct odb_datum *super, const struct odb_datum *sub,
                           const struct odb_type *t)
{
	for (unsigned i = 0; i < sub->n; i++) {
		long k = odb_datum_find_key(super, t, &sub->keys[i]);
		if (k < 0)
			return false;
		if (odb_type_is_map(t) &&
		    odb_atom_compare(t->value.type, &super->values[k], &sub->values[i]))
			return false;
	}
	return true;
}

static bool datum_excludes(const struct odb_datum *super, const struct odb_datum *sub,
                           const struct odb_type *t)
{
	for (unsigned i = 0; i < sub->n; i++) {
		long k = odb_datum_find_key(super, t, &sub->keys[i]);
		if (k >= 0 &&
		    (!odb_type_is_map(t) ||
		     !odb_atom_compare(t->value.type, &super->values[k], &sub->values[i])))
			return false;
	}
	return true;
}

static bool cond_eval(const struct cond *c, const struct odb_row *row)
{
	const struct odb_datum *v = &row->fields[c->col->index];
	const struct odb_type *t = &c->col->type;
	int cmp;

	switch (c->func) {
	case F_EQ:
		return odb_datum_equals(v, &c->arg, t);
	case F_NE:
		return !odb_datum_equals(v, &c->arg, t);
	case F_INCLUDES:
		return datum_includes(v, &c->arg, t);
	case F_EXCLUDES:
		return datum_excludes(v, &c->arg, t);
	default:
		break;
	}
	if (v->n != 1 || c->arg.n != 1)
		return false;
	cmp = odb_atom_compare(t->key.type, &v->keys[0], &c->arg.keys[0]);
	switch (c->func) {
	case F_LT:
		return cmp < 0;
	case F_LE:
		return cmp <= 0;
	case F_GE:
		return cmp >= 0;
	case F_GT:
		return cmp > 0;
	default:
		return false;
	}
}

bool odb_cond_set_eval(const struct odb_cond_set *cs, const struct odb_row *row)
{
	if (cs->never)
		return false;
	for (size_t i = 0; i < cs->n; i++)
		if (!cond_eval(&cs->c[i], row))
			return false;
	return true;
}

bool odb_cond_set_uuid(const struct odb_cond_set *cs, struct odb_uuid *uuid)
{
	for (size_t i = 0; i < cs->n; i++) {
		if (cs->c[i].col->index == 0 && cs->c[i].func == F_EQ && cs->c[i].arg.n == 1) {
			*uuid = cs->c[i].arg.keys[0].u;
			return true;
		}
	}
	return false;
}

bool odb_cond_set_index_probe(const struct odb_cond_set *cs, unsigned idx, struct odb_row *probe)
{
	const struct odb_index_def *def = &probe->ts->indexes[idx];

	for (unsigned i = 0; i < def->n_columns; i++) {
		const struct cond *eq = NULL;
		for (size_t k = 0; k < cs->n && !eq; k++)
			if (cs->c[k].func == F_EQ && cs->c[k].col->index == def->columns[i])
				eq = &cs->c[k];
		if (!eq)
			return false;
		odb_datum_destroy(&probe->fields[eq->col->index], &eq->col->type);
		odb_datum_clone(&probe->fields[eq->col->index], &eq->arg, &eq->col->type);
	}
	return true;
}

/* Mutations. */

enum mutator { M_ADD, M_SUB, M_MUL, M_DIV, M_MOD, M_INSERT, M_DELETE };
static const char *const mut_names[] = {"+=", "-=", "*=", "/=", "%=", "insert", "delete"};

struct mutation {
	const struct odb_column *col;
	enum mutator op;
	struct odb_type type; /* of 'arg' */
	struct odb_datum arg;
};

struct odb_mutation_set {
	size_t n;
	struct mutation *m;
};

void odb_mutation_set_destroy(struct odb_mutation_set *ms)
{
	if (!ms)
		return;
	for (size_t i = 0; i < ms->n; i++)
		odb_datum_destroy(&ms->m[i].arg, &ms->m[i].type);
	free(ms->m);
	free(ms);
}

static json_t *type_mismatch(const json_t *mj, const char *mname, const struct odb_column *col)
{
	char *tn = odb_type_to_string(&col->type);
	json_t *err = odb_error("syntax error", mj,
	                        "Type mismatch: \"%s\" operator may not be applied to column %s of "
	                        "type %s.",
	                        mname, col->name, tn);
	free(tn);
	return err;
}

json_t *odb_mutation_set_parse(const struct odb_table_schema *ts, const json_t *mutations,
                               const struct odb_symtab_ops *symtab, struct odb_mutation_set **msp)
{
	struct odb_mutation_set *ms = odb_xcalloc(1, sizeof *ms);
	size_t i;
	json_t *mj, *err = NULL;

	*msp = NULL;
	if (!json_is_array(mutations)) {
		free(ms);
		return odb_error("syntax error", mutations, "array of mutations expected");
	}
	ms->m = odb_xcalloc(json_array_size(mutations) + 1, sizeof *ms->m);
	json_array_foreach(mutations, i, mj)
	{
		const char *cname = json_string_value(json_array_get(mj, 0));
		const char *mname = json_string_value(json_array_get(mj, 1));
		struct mutation *m = &ms->m[ms->n];
		const struct odb_type *ct;
		int k;

		if (!json_is_array(mj) || json_array_size(mj) != 3 || !cname || !mname) {
			err = odb_error("syntax error", mj, "Parse error in mutation.");
			goto fail;
		}
		m->col = odb_schema_find_column(ts, cname);
		if (!m->col) {
			err = odb_error("unknown column", mj, "No column %s in table %s.", cname,
			                ts->name);
			goto fail;
		}
		for (k = 0; k <= M_DELETE && strcmp(mut_names[k], mname); k++)
			;
		if (k > M_DELETE) {
			err = odb_error("unknown mutator", NULL, "No mutator named %s.", mname);
			goto fail;
		}
		m->op = (enum mutator)k;
		if (!m->col->mutable_) {
			err = odb_error("constraint violation", mj,
			                "Cannot mutate immutable column %s in table %s.", cname,
			                ts->name);
			goto fail;
		}
		ct = &m->col->type;
		if (m->op <= M_MOD) {
			enum odb_atype kt = ct->key.type;
			if (odb_type_is_map(ct) || (kt != ODB_INTEGER && kt != ODB_REAL) ||
			    (m->op == M_MOD && kt == ODB_REAL)) {
				err = type_mismatch(mj, mname, m->col);
				goto fail;
			}
			m->type = arg_type(ct, false, false);
			m->type.key.enum_vals = NULL; /* the result is checked, not the operand */
			m->type.min = m->type.max = 1;
		} else {
			if (odb_type_is_scalar(ct)) {
				err = type_mismatch(mj, mname, m->col);
				goto fail;
			}
			/* Like ovsdb-server: "insert" takes at most the column's size. */
			m->type = arg_type(ct, true, m->op == M_DELETE);
			/* "delete" on a map takes a map, or else a set of keys. */
			const json_t *v = json_array_get(mj, 2);
			if (m->op == M_DELETE && odb_type_is_map(ct) &&
			    !(json_is_array(v) && json_is_string(json_array_get(v, 0)) &&
			      !strcmp(json_string_value(json_array_get(v, 0)), "map")))
				m->type.value.type = ODB_VOID;
		}
		err = odb_datum_from_json(&m->arg, &m->type, json_array_get(mj, 2), symtab,
		                          m->op >= M_INSERT);
		if (err)
			goto fail;
		ms->n++;
	}
	*msp = ms;
	return NULL;
fail:
	odb_mutation_set_destroy(ms);
	return err;
}

static json_t *range_error(enum mutator op)
{
	return odb_error("range error", NULL, "Result of \"%s\" operation is out of range.",
	                 mut_names[op]);
}

static json_t *arith_int(enum mutator op, int64_t *x, int64_t y)
{
	int64_t r;

	switch (op) {
	case M_ADD:
		if (__builtin_add_overflow(*x, y, &r))
			return range_error(op);
		break;
	case M_SUB:
		if (__builtin_sub_overflow(*x, y, &r))
			return range_error(op);
		break;
	case M_MUL:
		if (__builtin_mul_overflow(*x, y, &r))
			return range_error(op);
		break;
	case M_DIV:
	case M_MOD:
		if (!y)
			return odb_error("domain error", NULL, "Division by zero.");
		if (*x == INT64_MIN && y == -1) {
			if (op == M_DIV)
				return range_error(op);
			r = 0;
		} else {
			r = op == M_DIV ? *x / y : *x % y;
		}
		break;
	default:
		return NULL;
	}
	*x = r;
	return NULL;
}

static json_t *arith_real(enum mutator op, double *x, double y)
{
	double r;

	switch (op) {
	case M_ADD:
		r = *x + y;
		break;
	case M_SUB:
		r = *x - y;
		break;
	case M_MUL:
		r = *x * y;
		break;
	case M_DIV:
		if (y == 0)
			return odb_error("domain error", NULL, "Division by zero.");
		r = *x / y;
		break;
	default:
		return NULL;
	}
	if (!isfinite(r))
		return range_error(op);
	*x = r;
	return NULL;
}

static json_t *apply_one(const struct mutation *m, struct odb_datum *d)
{
	const struct odb_type *ct = &m->col->type;
	json_t *err = NULL;

	if (m->op <= M_MOD) {
		for (unsigned i = 0; i < d->n && !err; i++) {
			if (ct->key.type == ODB_INTEGER)
				err = arith_int(m->op, &d->keys[i].i, m->arg.keys[0].i);
			else
				err = arith_real(m->op, &d->keys[i].r, m->arg.keys[0].r);
		}
		if (!err && !odb_datum_sort(d, ct))
			err = odb_error("constraint violation", NULL,
			                "Result of \"%s\" operation contains duplicates.",
			                mut_names[m->op]);
	} else if (m->op == M_INSERT) {
		/* Search only the original (sorted) elements: the appended ones come from the
		 * argument, whose keys are unique. */
		struct odb_datum orig = *d;
		for (unsigned i = 0; i < m->arg.n; i++) {
			if (odb_datum_find_key(&orig, ct, &m->arg.keys[i]) >= 0)
				continue;
			union odb_atom k, v;
			odb_atom_clone(ct->key.type, &k, &m->arg.keys[i]);
			if (odb_type_is_map(ct))
				odb_atom_clone(ct->value.type, &v, &m->arg.values[i]);
			odb_datum_append(d, ct, &k, &v);
			orig.keys = d->keys; /* odb_datum_append() may have moved the arrays */
			orig.values = d->values;
		}
		if (d->n != orig.n)
			odb_datum_sort(d, ct);
	} else { /* M_DELETE */
		bool by_key = odb_type_is_map(ct) && !odb_type_is_map(&m->type);
		for (unsigned i = 0; i < m->arg.n; i++) {
			long k = odb_datum_find_key(d, ct, &m->arg.keys[i]);
			if (k < 0)
				continue;
			if (odb_type_is_map(ct) && !by_key &&
			    odb_atom_compare(ct->value.type, &d->values[k], &m->arg.values[i]))
				continue;
			odb_datum_remove_at(d, ct, (unsigned)k);
		}
	}
	if (err)
		return err;
	if (d->n > ct->max || d->n < ct->min) {
		char *tn = odb_type_to_string(ct);
		err = odb_error("constraint violation", NULL,
		                "Attempted to store %u elements in %s.", d->n, tn);
		free(tn);
		return err;
	}
	return odb_datum_check_constraints(d, ct);
}

json_t *odb_mutation_set_apply(const struct odb_mutation_set *ms, struct odb_row *row)
{
	for (size_t i = 0; i < ms->n; i++) {
		json_t *err = apply_one(&ms->m[i], &row->fields[ms->m[i].col->index]);
		if (err)
			return err;
	}
	return NULL;
}
