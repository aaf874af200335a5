/* Flow selection (OVS del-flows/mod-flows semantics), switch-less port names and the canonical
 * form of a flow string (see flow.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"

bool fl_flow_selects(const struct fl_flow *f, const struct fl_flow *m, bool strict)
{
	if (m->table != FL_TABLE_NONE && m->table != f->table)
		return false;
	if ((f->cookie & m->cookie_mask) != (m->cookie & m->cookie_mask))
		return false;
	if (strict)
		return f->priority == m->priority && fl_match_equal(&f->match, &m->match);
	for (unsigned w = 0; w < FL_KEY_WORDS; w++) {
		uint64_t mm = m->match.mask.u64[w];
		if ((f->match.mask.u64[w] & mm) != mm ||
		    (f->match.value.u64[w] & mm) != m->match.value.u64[w])
			return false;
	}
	return true;
}

bool fl_flow_same_rule(const struct fl_flow *a, const struct fl_flow *b)
{
	return a->table == b->table && a->priority == b->priority &&
	       fl_match_equal(&a->match, &b->match);
}

int fl_flow_rule_cmp(const struct fl_flow *a, const struct fl_flow *b)
{
	if (a->table != b->table)
		return a->table < b->table ? -1 : 1;
	if (a->priority != b->priority)
		return a->priority < b->priority ? -1 : 1;
	return memcmp(&a->match, &b->match, sizeof(a->match)); /* padding is zero (flow.h) */
}

void fl_names_init(struct fl_names *n)
{
	memset(n, 0, sizeof(*n));
	n->next_pseudo = FL_NAMES_PSEUDO_TOP;
}

static struct fl_names_ent *find_name(struct fl_names *n, const char *name)
{
	for (size_t i = 0; i < n->n; i++)
		if (!strcmp(n->v[i].name, name))
			return &n->v[i];
	return NULL;
}

int fl_names_add(struct fl_names *n, const char *name, uint32_t ofport)
{
	if (find_name(n, name))
		return 0;
	struct fl_names_ent *v = realloc(n->v, (n->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	n->v = v;
	if (!(v[n->n].name = strdup(name)))
		return -ENOMEM;
	v[n->n++].ofport = ofport;
	return 0;
}

static int by_name(void *arg, const char *name, uint32_t *ofport)
{
	struct fl_names *n = arg;
	struct fl_names_ent *e = find_name(n, name);
	if (!e) {
		if (fl_names_add(n, name, n->next_pseudo) < 0)
			return -1;
		n->next_pseudo--;
		e = &n->v[n->n - 1];
	}
	*ofport = e->ofport;
	return 0;
}

static const char *name_of(void *arg, uint32_t ofport)
{
	struct fl_names *n = arg;
	for (size_t i = 0; i < n->n; i++)
		if (n->v[i].ofport == ofport)
			return n->v[i].name;
	return NULL;
}

void fl_names_port_map(struct fl_names *n, struct fl_port_map *pm)
{
	pm->port_by_name = by_name;
	pm->port_name = name_of;
	pm->arg = n;
}

void fl_names_free(struct fl_names *n)
{
	for (size_t i = 0; i < n->n; i++)
		free(n->v[i].name);
	free(n->v);
	fl_names_init(n);
}

int fl_flow_canonical(const char *s, unsigned flags, const struct fl_port_map *ports, char **out,
                      char **errp)
{
	struct fl_flow f;
	int ret = fl_flow_parse(s, flags, ports, &f, errp);
	if (ret < 0)
		return ret;
	if (!(flags & FL_PARSE_MATCH_ONLY))
		f.has_priority = false; /* "priority=32768," and "" are the same flow */
	*out = fl_flow_to_string(&f, flags & FL_PARSE_MATCH_ONLY, ports);
	fl_flow_uninit(&f);
	return *out ? 0 : -ENOMEM;
}
