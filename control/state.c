/* Plain configuration model (see state.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"

static int find_key(const struct ctd_smap *m, const char *key, size_t *pos)
{
	size_t lo = 0, hi = m->n_kv;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(m->kv[mid].key, key);
		if (c == 0) {
			*pos = mid;
			return 1;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*pos = lo;
	return 0;
}

int ctd_smap_set(struct ctd_smap *m, const char *key, const char *value)
{
	size_t pos;
	char *v = strdup(value);
	if (!v)
		return -ENOMEM;
	if (find_key(m, key, &pos)) {
		free(m->kv[pos].value);
		m->kv[pos].value = v;
		return 0;
	}
	char *k = strdup(key);
	struct ctd_kv *kv = realloc(m->kv, (m->n_kv + 1) * sizeof(*kv));
	if (!k || !kv) {
		free(k);
		free(v);
		if (kv)
			m->kv = kv;
		return -ENOMEM;
	}
	m->kv = kv;
	memmove(kv + pos + 1, kv + pos, (m->n_kv - pos) * sizeof(*kv));
	kv[pos].key = k; /* the map owns k and v from here */
	kv[pos].value = v;
	m->n_kv++;
	return 0;
}

const char *ctd_smap_get(const struct ctd_smap *m, const char *key)
{
	size_t pos;
	return find_key(m, key, &pos) ? m->kv[pos].value : NULL;
}

bool ctd_smap_equal(const struct ctd_smap *a, const struct ctd_smap *b)
{
	if (a->n_kv != b->n_kv)
		return false;
	for (size_t i = 0; i < a->n_kv; i++)
		if (strcmp(a->kv[i].key, b->kv[i].key) || strcmp(a->kv[i].value, b->kv[i].value))
			return false;
	return true;
}

void ctd_smap_free(struct ctd_smap *m)
{
	for (size_t i = 0; i < m->n_kv; i++) {
		free(m->kv[i].key);
		free(m->kv[i].value);
	}
	free(m->kv);
	m->kv = NULL;
	m->n_kv = 0;
}

int ctd_smap_from_json(struct ctd_smap *m, const json_t *obj)
{
	const char *k;
	json_t *v;
	int ret;
	if (!obj || json_is_null(obj))
		return 0;
	if (!json_is_object(obj))
		return -EINVAL;
	json_object_foreach((json_t *)obj, k, v)
	{
		if (!json_is_string(v))
			return -EINVAL;
		if ((ret = ctd_smap_set(m, k, json_string_value(v))) < 0)
			return ret;
	}
	return 0;
}

json_t *ctd_smap_to_json(const struct ctd_smap *m)
{
	json_t *o = json_object();
	for (size_t i = 0; o && i < m->n_kv; i++)
		json_object_set_new(o, m->kv[i].key, json_string(m->kv[i].value));
	return o;
}

struct ctd_bridge *ctd_state_add_bridge(struct ctd_state *s, const char *name)
{
	struct ctd_bridge *b = realloc(s->bridges, (s->n_bridges + 1) * sizeof(*b));
	if (!b)
		return NULL;
	s->bridges = b;
	b += s->n_bridges;
	memset(b, 0, sizeof(*b));
	if (!(b->name = strdup(name)))
		return NULL;
	s->n_bridges++;
	return b;
}

struct ctd_port *ctd_bridge_add_port(struct ctd_bridge *br, const char *name, const char *type)
{
	struct ctd_port *p = realloc(br->ports, (br->n_ports + 1) * sizeof(*p));
	if (!p)
		return NULL;
	br->ports = p;
	p += br->n_ports;
	memset(p, 0, sizeof(*p));
	p->tag = -1;
	p->port_index = -1;
	p->name = strdup(name);
	p->type = strdup(type ? type : "");
	if (!p->name || !p->type) {
		free(p->name);
		free(p->type);
		return NULL;
	}
	br->n_ports++;
	return p;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

int ctd_port_set_trunks(struct ctd_port *p, const int *trunks, size_t n)
{
	int *t = NULL;
	size_t m = 0;
	if (n) {
		if (!(t = malloc(n * sizeof(*t))))
			return -ENOMEM;
		memcpy(t, trunks, n * sizeof(*t));
		qsort(t, n, sizeof(*t), cmp_int);
		for (size_t i = 0; i < n; i++)
			if (!m || t[m - 1] != t[i])
				t[m++] = t[i];
	}
	free(p->trunks);
	p->trunks = t;
	p->n_trunks = m;
	return 0;
}

int ctd_port_set_vlan_mode(struct ctd_port *p, const char *mode)
{
	char *m = NULL;
	if (mode && !(m = strdup(mode)))
		return -ENOMEM;
	free(p->vlan_mode);
	p->vlan_mode = m;
	return 0;
}

const char *ctd_port_vlan_mode(const struct ctd_port *p)
{
	if (p->vlan_mode && p->vlan_mode[0])
		return p->vlan_mode;
	return p->tag >= 0 ? "access" : "trunk";
}

bool ctd_port_vlan_equal(const struct ctd_port *a, const struct ctd_port *b)
{
	return a->tag == b->tag && a->n_trunks == b->n_trunks &&
	       (!a->n_trunks || !memcmp(a->trunks, b->trunks, a->n_trunks * sizeof(int))) &&
	       !strcmp(ctd_port_vlan_mode(a), ctd_port_vlan_mode(b));
}

static void port_free(struct ctd_port *p)
{
	free(p->name);
	free(p->type);
	ctd_smap_free(&p->options);
	free(p->trunks);
	free(p->vlan_mode);
}

void ctd_state_free(struct ctd_state *s)
{
	for (size_t b = 0; b < s->n_bridges; b++) {
		struct ctd_bridge *br = &s->bridges[b];
		for (size_t i = 0; i < br->n_ports; i++)
			port_free(&br->ports[i]);
		free(br->ports);
		free(br->name);
		ctd_smap_free(&br->other_config);
		for (size_t i = 0; i < br->n_flows; i++)
			free(br->flows[i]);
		free(br->flows);
	}
	free(s->bridges);
	s->bridges = NULL;
	s->n_bridges = 0;
}

static int port_from_show(struct ctd_bridge *br, const json_t *jp)
{
	const char *name = json_string_value(json_object_get(jp, "name"));
	const char *type = json_string_value(json_object_get(jp, "type"));
	const char *mode = json_string_value(json_object_get(jp, "vlan_mode"));
	json_t *tag = json_object_get(jp, "tag"), *trunks = json_object_get(jp, "trunks");
	json_t *idx = json_object_get(jp, "port_index"), *v;
	size_t i;
	if (!name)
		return -EPROTO;
	struct ctd_port *p = ctd_bridge_add_port(br, name, type);
	if (!p)
		return -ENOMEM;
	if (ctd_smap_from_json(&p->options, json_object_get(jp, "options")) < 0)
		return -EPROTO;
	p->tag = json_is_integer(tag) ? (int)json_integer_value(tag) : -1;
	p->port_index = json_is_integer(idx) ? (int)json_integer_value(idx) : -1;
	v = json_object_get(jp, "ofport");
	p->ofport = json_is_integer(v) ? (int)json_integer_value(v) : 0;
	p->link_up = !strcmp(json_string_value(json_object_get(jp, "link")) ?: "", "up");
	if (json_array_size(trunks)) {
		int t[4096];
		size_t n = 0;
		json_array_foreach(trunks, i, v)
		{
			if (!json_is_integer(v) || n == 4096)
				return -EPROTO;
			t[n++] = json_integer_value(v);
		}
		if (ctd_port_set_trunks(p, t, n) < 0)
			return -ENOMEM;
	}
	return ctd_port_set_vlan_mode(p, mode);
}

int ctd_state_from_show(struct ctd_state *s, const json_t *result)
{
	json_t *brs = json_object_get(result, "bridges"), *jb, *jp;
	size_t i, j;
	int ret;
	if (!json_is_array(brs))
		return -EPROTO;
	json_array_foreach(brs, i, jb)
	{
		const char *name = json_string_value(json_object_get(jb, "name"));
		if (!name)
			return -EPROTO;
		struct ctd_bridge *br = ctd_state_add_bridge(s, name);
		if (!br)
			return -ENOMEM;
		if (ctd_smap_from_json(&br->other_config, json_object_get(jb, "other_config")) < 0)
			return -EPROTO;
		json_array_foreach(json_object_get(jb, "ports"), j, jp)
		{
			if ((ret = port_from_show(br, jp)) < 0)
				return ret;
		}
	}
	return 0;
}
