/* weft-controld's VTEP mode, the pure part (see vtep.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "methods_gen.h"
#include "dbclient.h"
#include "vtep.h"

#define ERR_SET(v, subject, ...)                                                                   \
	do {                                                                                       \
		char why_[256];                                                                    \
		snprintf(why_, sizeof(why_), __VA_ARGS__);                                         \
		if (ctd_smap_set(&(v)->errors, (subject), why_) < 0)                               \
			return -ENOMEM;                                                            \
	} while (0)

json_t *ctd_vtep_monitor_request(const char *mon_id)
{
	return json_pack(
	    "[s,s,{s:[{s:[s,s,s,s]}],s:[{s:[s,s,s,s]}],s:[{s:[s,s]}],s:[{s:[s,s,s]}],"
	    "s:[{s:[s,s,s]}],s:[{s:[s]}],s:[{s:[s,s]}],s:[{s:[s,s,s,s]}],s:[{s:[s,s,s,s]}]}]",
	    CTD_VTEP_DB_NAME, mon_id, "Physical_Switch", "columns", "name", "ports", "tunnel_ips",
	    "switch_fault_status", "Physical_Port", "columns", "name", "vlan_bindings",
	    "vlan_stats", "port_fault_status", "Logical_Switch", "columns", "name", "tunnel_key",
	    "Ucast_Macs_Remote", "columns", "MAC", "logical_switch", "locator", "Mcast_Macs_Remote",
	    "columns", "MAC", "logical_switch", "locator_set", "Physical_Locator_Set", "columns",
	    "locators", "Physical_Locator", "columns", "dst_ip", "encapsulation_type",
	    "Ucast_Macs_Local", "columns", "MAC", "logical_switch", "locator", "ipaddr",
	    "Logical_Binding_Stats", "columns", "packets_from_local", "bytes_from_local",
	    "packets_to_local", "bytes_to_local");
}

static bool is_status_column(const char *col)
{
	return !strcmp(col, "port_fault_status") || !strcmp(col, "vlan_stats") ||
	       !strcmp(col, "switch_fault_status");
}

bool ctd_vtep_update_is_config(const json_t *table_updates)
{
	const char *t, *uuid, *col;
	json_t *tu, *ru, *v;
	json_object_foreach((json_t *)table_updates, t, tu)
	{
		if (!strcmp(t, "Ucast_Macs_Local") || !strcmp(t, "Logical_Binding_Stats"))
			continue;
		json_object_foreach(tu, uuid, ru)
		{
			/* update2 {"modify": diff}; RFC 7047 {"old": changed, "new": row} */
			const json_t *cols = json_object_get(ru, "modify");
			if (!cols && json_object_get(ru, "new"))
				cols = json_object_get(ru, "old");
			if (!cols)
				return true; /* initial, insert or delete */
			json_object_foreach((json_t *)cols, col, v)
			{
				if (!is_status_column(col))
					return true;
			}
		}
	}
	return false;
}

/* The single value of an optional column, or NULL. */
static const json_t *opt_value(const json_t *datum)
{
	return ctd_datum_n(datum) == 1 ? ctd_datum_at(datum, 0) : NULL;
}

static const char *str_col(const json_t *row, const char *col)
{
	return json_string_value(json_object_get(row, col)) ?: "";
}

static const char *uuid_col(const json_t *row, const char *col)
{
	return ctd_datum_uuid_str(opt_value(json_object_get(row, col)));
}

/* 'mac' as lower case xx:xx:xx:xx:xx:xx into out[18]; false if it is not a unicast MAC. */
static bool mac_norm(const char *mac, char out[18])
{
	unsigned b[6];
	char end;
	if (strlen(mac) != 17 || sscanf(mac, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2],
	                                &b[3], &b[4], &b[5], &end) != 6)
		return false;
	for (int i = 0; i < 17; i++)
		if ((i % 3 == 2) != (mac[i] == ':') ||
		    (i % 3 != 2 && !isxdigit((unsigned char)mac[i])))
			return false;
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
	return !(b[0] & 1);
}

static bool ipv4_ok(const char *s)
{
	unsigned a, b, c, d;
	char end;
	return sscanf(s, "%3u.%3u.%3u.%3u%c", &a, &b, &c, &d, &end) == 4 && a < 256 && b < 256 &&
	       c < 256 && d < 256 && (a | b | c | d);
}

static struct ctd_vtep_ls *ls_find(const struct ctd_vtep *v, const char *uuid)
{
	for (size_t i = 0; i < v->n_ls; i++)
		if (!strcmp(v->ls[i].uuid, uuid))
			return &v->ls[i];
	return NULL;
}

const struct ctd_vtep_ls *ctd_vtep_ls_by_bridge(const struct ctd_vtep *v, const char *bridge)
{
	for (size_t i = 0; i < v->n_ls; i++)
		if (!strcmp(v->ls[i].bridge, bridge))
			return &v->ls[i];
	return NULL;
}

static struct ctd_bridge *bridge_find(struct ctd_state *s, const char *name)
{
	for (size_t i = 0; i < s->n_bridges; i++)
		if (!strcmp(s->bridges[i].name, name))
			return &s->bridges[i];
	return NULL;
}

/* Our tunnel IP: the first underlay bridge's tunnel-ip without "/N". */
static int local_ip(struct ctd_vtep *v, const struct ctd_state *s)
{
	for (size_t i = 0; i < s->n_bridges; i++) {
		const char *ip = ctd_smap_get(&s->bridges[i].other_config, "tunnel-ip");
		if (!ip)
			continue;
		v->local_ip = strndup(ip, strcspn(ip, "/"));
		return v->local_ip ? 0 : -ENOMEM;
	}
	return 0;
}

/* The lowest-VLAN binding of a Physical_Port: *vlan and the LS uuid; NULL if none. */
static const char *port_binding(const json_t *prow, int *vlan, size_t *n)
{
	const json_t *vb = json_object_get(prow, "vlan_bindings"), *pair;
	const char *ls = NULL;
	size_t i;
	*n = 0;
	if (!json_is_array(vb) || json_array_size(vb) != 2)
		return NULL;
	json_array_foreach(json_array_get(vb, 1), i, pair)
	{
		const json_t *k = json_array_get(pair, 0);
		const char *u = ctd_datum_uuid_str(json_array_get(pair, 1));
		if (!json_is_integer(k) || !u)
			continue;
		(*n)++;
		if (!ls || json_integer_value(k) < *vlan) {
			*vlan = (int)json_integer_value(k);
			ls = u;
		}
	}
	return ls;
}

/* The LS of a binding, added to v and d (a bridge "vtep<VNI>") if new; NULL when it cannot
 * be configured (reported). *ret = -ENOMEM on no memory. */
static struct ctd_vtep_ls *ls_get(struct ctd_vtep *v, const struct ctd_replica *r,
                                  struct ctd_desired *d, const char *uuid, int vlan,
                                  const char *port, int *ret)
{
	struct ctd_vtep_ls *ls = ls_find(v, uuid), *nv;
	const json_t *row = ctd_replica_row(r, "Logical_Switch", uuid);
	const json_t *key = opt_value(json_object_get(row, "tunnel_key"));
	char why[200], br[32];

	*ret = 0;
	if (ls) {
		if (ls->vlan == vlan)
			return ls;
		snprintf(why, sizeof(why),
		         "bound to Logical_Switch %s with VLAN %d, which is bound with VLAN %d on "
		         "another port (one VLAN per logical switch)",
		         ls->name, vlan, ls->vlan);
		*ret = ctd_smap_set(&v->errors, port, why);
		return NULL;
	}
	if (!row || !json_is_integer(key) || json_integer_value(key) < 0 ||
	    json_integer_value(key) > 16777215) {
		snprintf(why, sizeof(why), "Logical_Switch %s has no tunnel_key (VNI 0..16777215)",
		         row ? str_col(row, "name") : uuid);
		*ret = ctd_smap_set(&v->errors, port, why);
		return NULL;
	}
	snprintf(br, sizeof(br), "vtep%lld", (long long)json_integer_value(key));
	if (bridge_find(&d->state, br)) {
		snprintf(why, sizeof(why), "bridge %s already exists in the Open_vSwitch database",
		         br);
		*ret = ctd_smap_set(&v->errors, str_col(row, "name"), why);
		return NULL;
	}
	if (!(nv = realloc(v->ls, (v->n_ls + 1) * sizeof(*nv)))) {
		*ret = -ENOMEM;
		return NULL;
	}
	v->ls = nv;
	ls = &v->ls[v->n_ls++];
	*ls = (struct ctd_vtep_ls){strdup(uuid), strdup(str_col(row, "name")),
	                           json_integer_value(key), vlan, strdup(br)};
	struct ctd_bridge *b = ctd_state_add_bridge(&d->state, br);
	if (!ls->uuid || !ls->name || !ls->bridge || !b)
		*ret = -ENOMEM;
	return *ret ? NULL : ls;
}

/* Moves weft port 'name' (from the Open_vSwitch database) onto the LS's bridge. */
static int move_port(struct ctd_vtep *v, struct ctd_desired *d, const struct ctd_vtep_ls *ls,
                     const char *name)
{
	struct ctd_bridge *from = NULL, *to = bridge_find(&d->state, ls->bridge);
	size_t at = 0;
	for (size_t b = 0; !from && b < d->state.n_bridges; b++)
		for (size_t i = 0; i < d->state.bridges[b].n_ports; i++)
			if (!strcmp(d->state.bridges[b].ports[i].name, name) &&
			    &d->state.bridges[b] != to) {
				from = &d->state.bridges[b];
				at = i;
				break;
			}
	if (!from) {
		ERR_SET(v, name,
		        "Physical_Port %s: no port %s in the Open_vSwitch database (add it there "
		        "with its type)",
		        name, name);
		return 0;
	}
	if (ctd_smap_get(&from->other_config, "tunnel-ip")) {
		ERR_SET(v, name, "Physical_Port %s: %s is an uplink of the underlay bridge %s",
		        name, name, from->name);
		return 0;
	}
	size_t to_i = to - d->state.bridges; /* the add below may move 'from'/'to' arrays */
	struct ctd_port old = from->ports[at];
	memmove(&from->ports[at], &from->ports[at + 1],
	        (from->n_ports - at - 1) * sizeof(*from->ports));
	from->n_ports--;
	char *from_name = strdup(from->name);
	struct ctd_port *p = ctd_bridge_add_port(&d->state.bridges[to_i], old.name, old.type);
	int ret = p && from_name ? 0 : -ENOMEM;
	if (p) {
		for (size_t i = 0; !ret && i < old.options.n_kv; i++)
			ret = ctd_smap_set(&p->options, old.options.kv[i].key,
			                   old.options.kv[i].value);
		p->ofport = old.ofport;
		if (ls->vlan) {
			int t = ls->vlan;
			ret = ret ?: ctd_port_set_trunks(p, &t, 1);
			ret = ret ?: ctd_port_set_vlan_mode(p, "trunk");
		} else {
			p->tag = 0;
		}
	}
	for (size_t i = 0; !ret && i < d->n_ifaces; i++)
		if (!strcmp(d->ifaces[i].name, name) && !strcmp(d->ifaces[i].bridge, from_name)) {
			char *nb = strdup(ls->bridge);
			if (!nb)
				ret = -ENOMEM;
			free(d->ifaces[i].bridge);
			d->ifaces[i].bridge = nb;
		}
	free(from_name);
	free(old.name);
	free(old.type);
	ctd_smap_free(&old.options);
	free(old.trunks);
	free(old.vlan_mode);
	return ret ?: ctd_smap_set(&v->local_ports, name, ls->uuid);
}

/* The tunnel port of 'ls' to 'locator' (a Physical_Locator uuid), added if new; its name in
 * name[64], or "" when the locator cannot be used (reported, or our own). 'flood': the
 * locator is in the LS's unknown-dst set (the flood sets are done first, so a tunnel added
 * for a unicast MAC only gets options:flood=false). */
static int tunnel(struct ctd_vtep *v, const struct ctd_replica *r, struct ctd_desired *d,
                  const struct ctd_vtep_ls *ls, const char *locator, bool flood, char name[64])
{
	const json_t *row = ctd_replica_row(r, "Physical_Locator", locator);
	const char *ip = str_col(row, "dst_ip"), *enc = str_col(row, "encapsulation_type");
	char subject[100];

	name[0] = '\0';
	snprintf(subject, sizeof(subject), "Physical_Locator %s", ip);
	if (!row)
		return 0;
	if (strcmp(enc, "vxlan_over_ipv4"))
		ERR_SET(v, subject, "encapsulation_type %s is not supported (vxlan_over_ipv4 is)",
		        enc);
	else if (!ipv4_ok(ip))
		ERR_SET(v, subject, "dst_ip is not an IPv4 address");
	if (strcmp(enc, "vxlan_over_ipv4") || !ipv4_ok(ip) ||
	    (v->local_ip && !strcmp(ip, v->local_ip)))
		return 0;
	snprintf(name, 64, "vx%lld-%s", ls->vni, ip);
	if (ctd_smap_get(&v->tunnels, name))
		return 0;
	struct ctd_bridge *b = bridge_find(&d->state, ls->bridge);
	struct ctd_port *p = ctd_bridge_add_port(b, name, "vxlan");
	char key[16];
	snprintf(key, sizeof(key), "%lld", ls->vni);
	if (!p || ctd_smap_set(&p->options, "remote_ip", ip) < 0 ||
	    ctd_smap_set(&p->options, "key", key) < 0 ||
	    (!flood && ctd_smap_set(&p->options, "flood", "false") < 0))
		return -ENOMEM;
	p->tag = ls->vlan;
	return ctd_smap_set(&v->tunnels, name, ls->uuid);
}

static int fdb_add(struct ctd_vtep *v, const struct ctd_vtep_ls *ls, const char *mac,
                   const char *port)
{
	struct ctd_vtep_fdb *n = realloc(v->fdb, (v->n_fdb + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	v->fdb = n;
	n += v->n_fdb++;
	*n = (struct ctd_vtep_fdb){strdup(ls->bridge), ls->vlan, strdup(mac), strdup(port)};
	return n->bridge && n->mac && n->port ? 0 : -ENOMEM;
}

static int cmp_fdb(const void *a, const void *b)
{
	const struct ctd_vtep_fdb *x = a, *y = b;
	int c = strcmp(x->bridge, y->bridge);
	c = c ?: strcmp(x->mac, y->mac);
	return c ?: strcmp(x->port, y->port);
}

/* Remote MACs and the flood set of every LS. */
static int remotes(struct ctd_vtep *v, const struct ctd_replica *r, struct ctd_desired *d)
{
	const char *uuid;
	json_t *row;
	char name[64], mac[18];
	int ret;

	/* The flood sets first: their tunnels flood; the unicast-only ones do not. */
	json_object_foreach((json_t *)ctd_replica_table(r, "Mcast_Macs_Remote"), uuid, row)
	{
		const struct ctd_vtep_ls *ls = ls_find(v, uuid_col(row, "logical_switch") ?: "");
		const char *set = uuid_col(row, "locator_set");
		if (!ls || !set || strcmp(str_col(row, "MAC"), "unknown-dst"))
			continue;
		const json_t *locs =
		    json_object_get(ctd_replica_row(r, "Physical_Locator_Set", set), "locators");
		for (size_t i = 0; i < ctd_datum_n(locs); i++) {
			const char *loc = ctd_datum_uuid_str(ctd_datum_at(locs, i));
			if (loc && (ret = tunnel(v, r, d, ls, loc, true, name)) < 0)
				return ret;
		}
	}
	json_object_foreach((json_t *)ctd_replica_table(r, "Ucast_Macs_Remote"), uuid, row)
	{
		const struct ctd_vtep_ls *ls = ls_find(v, uuid_col(row, "logical_switch") ?: "");
		const char *loc = uuid_col(row, "locator");
		if (!ls || !loc)
			continue;
		if (!mac_norm(str_col(row, "MAC"), mac)) {
			char subject[100];
			snprintf(subject, sizeof(subject), "Ucast_Macs_Remote %s",
			         str_col(row, "MAC"));
			ERR_SET(v, subject, "not a unicast MAC address");
			continue;
		}
		if ((ret = tunnel(v, r, d, ls, loc, false, name)) < 0)
			return ret;
		if (name[0] && (ret = fdb_add(v, ls, mac, name)) < 0)
			return ret;
	}
	if (v->n_fdb)
		qsort(v->fdb, v->n_fdb, sizeof(*v->fdb), cmp_fdb);
	/* Two rows for one MAC in one LS (two locators): keep one, the lower tunnel name. */
	size_t k = 0;
	for (size_t i = 0; i < v->n_fdb; i++) {
		if (k && !strcmp(v->fdb[k - 1].bridge, v->fdb[i].bridge) &&
		    !strcmp(v->fdb[k - 1].mac, v->fdb[i].mac)) {
			free(v->fdb[i].bridge);
			free(v->fdb[i].mac);
			free(v->fdb[i].port);
			continue;
		}
		v->fdb[k++] = v->fdb[i];
	}
	v->n_fdb = k;
	return 0;
}

int ctd_vtep_build(struct ctd_vtep *v, const struct ctd_replica *r, const char *ps_name,
                   struct ctd_desired *d)
{
	const char *uuid, *ps_uuid = NULL;
	json_t *row, *ps = NULL;
	int ret;

	memset(v, 0, sizeof(*v));
	json_object_foreach((json_t *)ctd_replica_table(r, "Physical_Switch"), uuid, row)
	{
		if (!strcmp(str_col(row, "name"), ps_name)) {
			ps = row;
			ps_uuid = uuid;
		}
	}
	if (!ps) {
		ERR_SET(v, ps_name, "no Physical_Switch named %s in the VTEP database", ps_name);
		return 0;
	}
	if (!(v->ps_uuid = strdup(ps_uuid)) || (ret = local_ip(v, &d->state)) < 0)
		return -ENOMEM;
	const json_t *tips = json_object_get(ps, "tunnel_ips");
	v->write_tunnel_ips = v->local_ip && !ctd_datum_n(tips);
	for (size_t i = 0; v->local_ip && i < ctd_datum_n(tips); i++) {
		const char *ip = json_string_value(ctd_datum_at(tips, i));
		if (ip && strcmp(ip, v->local_ip))
			ERR_SET(
			    v, ps_name,
			    "tunnel_ips has %s but the underlay bridge's tunnel-ip is %s (used)",
			    ip, v->local_ip);
	}
	if (!v->local_ip)
		ERR_SET(v, ps_name,
		        "no underlay bridge (other_config:tunnel-ip) in the Open_vSwitch database");
	/* Bindings: first every LS (bridges), then the ports (pointers stay valid). */
	const json_t *ports = json_object_get(ps, "ports");
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < ctd_datum_n(ports); i++) {
			const char *pu = ctd_datum_uuid_str(ctd_datum_at(ports, i));
			const json_t *prow = ctd_replica_row(r, "Physical_Port", pu ?: "");
			const char *pname = str_col(prow, "name");
			int vlan = 0;
			size_t n;
			const char *lsu = prow ? port_binding(prow, &vlan, &n) : NULL;
			if (!lsu)
				continue;
			struct ctd_vtep_ls *ls = ls_get(v, r, d, lsu, vlan, pname, &ret);
			if (ret < 0)
				return ret;
			if (pass == 0 || !ls)
				continue;
			if (n > 1)
				ERR_SET(v, pname,
				        "%zu VLAN bindings: weft binds one per port (VLAN %d to %s "
				        "used)",
				        n, vlan, ls->name);
			if ((ret = move_port(v, d, ls, pname)) < 0)
				return ret;
		}
	}
	for (size_t i = 0; i < v->n_ls; i++) {
		struct ctd_bridge *b = bridge_find(&d->state, v->ls[i].bridge);
		b->flows_managed = false; /* plain learning switch: the default NORMAL flow */
	}
	return remotes(v, r, d);
}

void ctd_vtep_free(struct ctd_vtep *v)
{
	for (size_t i = 0; i < v->n_ls; i++) {
		free(v->ls[i].uuid);
		free(v->ls[i].name);
		free(v->ls[i].bridge);
	}
	for (size_t i = 0; i < v->n_fdb; i++) {
		free(v->fdb[i].bridge);
		free(v->fdb[i].mac);
		free(v->fdb[i].port);
	}
	free(v->ls);
	free(v->fdb);
	free(v->ps_uuid);
	free(v->local_ip);
	ctd_smap_free(&v->local_ports);
	ctd_smap_free(&v->tunnels);
	ctd_smap_free(&v->errors);
	memset(v, 0, sizeof(*v));
}

/* "vlan mac port" with the MAC in lower case: the key of a static entry in fdb_ops' sets. */
static void fdb_key(char *buf, size_t len, int vlan, const char *mac, const char *port)
{
	size_t n = (size_t)snprintf(buf, len, "%d ", vlan), i;
	for (i = 0; mac[i] && n + 1 < len; i++)
		buf[n++] = (char)tolower((unsigned char)mac[i]);
	snprintf(buf + n, len - n, " %s", port);
}

/* Hash sets (jansson objects) on both sides: O(n + m), not O(n * m): with 10000 remote MACs
 * the nested scans cost seconds of CPU per MAC sync (docs/scaling.md). */
json_t *ctd_vtep_fdb_ops(const struct ctd_vtep *v, const char *bridge, const json_t *fdb_show)
{
	const json_t *entries = json_object_get(fdb_show, "entries"), *e;
	json_t *ops = json_array(), *want = json_object(), *have = json_object();
	char key[512];
	size_t i;
	if (!ops || !want || !have) {
		json_decref(ops);
		json_decref(want);
		json_decref(have);
		return NULL;
	}
	for (size_t j = 0; j < v->n_fdb; j++) {
		const struct ctd_vtep_fdb *f = &v->fdb[j];
		if (strcmp(f->bridge, bridge))
			continue;
		fdb_key(key, sizeof(key), f->vlan, f->mac, f->port);
		json_object_set_new(want, key, json_true());
	}
	/* Static entries that should not be there (or point elsewhere). */
	json_array_foreach(entries, i, e)
	{
		const char *mac = json_string_value(json_object_get(e, "mac")) ?: "";
		const char *port = json_string_value(json_object_get(e, "port")) ?: "";
		int vlan = (int)json_integer_value(json_object_get(e, "vlan"));
		if (!json_is_true(json_object_get(e, "static")))
			continue;
		fdb_key(key, sizeof(key), vlan, mac, port);
		json_object_set_new(have, key, json_true());
		if (!json_object_get(want, key))
			json_array_append_new(
			    ops, json_pack("{s:s,s:{s:s,s:i,s:s}}", "method", WF_RPC_METHOD_FDB_DEL,
			                   "params", WF_RPC_KEY_BRIDGE, bridge, WF_RPC_KEY_VLAN,
			                   vlan, WF_RPC_KEY_MAC, mac));
	}
	for (size_t j = 0; j < v->n_fdb; j++) {
		const struct ctd_vtep_fdb *f = &v->fdb[j];
		if (strcmp(f->bridge, bridge))
			continue;
		fdb_key(key, sizeof(key), f->vlan, f->mac, f->port);
		if (!json_object_get(have, key))
			json_array_append_new(
			    ops,
			    json_pack("{s:s,s:{s:s,s:i,s:s,s:s}}", "method", WF_RPC_METHOD_FDB_ADD,
			              "params", WF_RPC_KEY_BRIDGE, bridge, WF_RPC_KEY_VLAN, f->vlan,
			              WF_RPC_KEY_MAC, f->mac, WF_RPC_KEY_PORT, f->port));
	}
	json_decref(want);
	json_decref(have);
	return ops;
}

/* Our Physical_Locator (dst_ip local_ip, vxlan_over_ipv4) in the replica, or NULL. */
static const char *own_locator(const struct ctd_vtep *v, const struct ctd_replica *r)
{
	const char *uuid;
	json_t *row;
	json_object_foreach((json_t *)ctd_replica_table(r, "Physical_Locator"), uuid, row)
	{
		if (!strcmp(str_col(row, "dst_ip"), v->local_ip) &&
		    !strcmp(str_col(row, "encapsulation_type"), "vxlan_over_ipv4"))
			return uuid;
	}
	return NULL;
}

/* The learned set: {"<ls uuid> <mac>": true} from the LS bridges' fdb-show results. */
static json_t *learned_set(const struct ctd_vtep *v, const json_t *learned)
{
	json_t *set = json_object(), *res, *e;
	const char *bridge;
	size_t i;
	char key[128], mac[18];
	json_object_foreach((json_t *)learned, bridge, res)
	{
		const struct ctd_vtep_ls *ls = ctd_vtep_ls_by_bridge(v, bridge);
		json_array_foreach(json_object_get(res, "entries"), i, e)
		{
			const char *port = json_string_value(json_object_get(e, "port")) ?: "";
			const char *lsu = ctd_smap_get(&v->local_ports, port);
			if (!ls || json_is_true(json_object_get(e, "static")) || !lsu ||
			    strcmp(lsu, ls->uuid) ||
			    !mac_norm(json_string_value(json_object_get(e, "mac")) ?: "", mac))
				continue;
			snprintf(key, sizeof(key), "%s %s", ls->uuid, mac);
			json_object_set_new(set, key, json_true());
		}
	}
	return set;
}

json_t *ctd_vtep_local_ops(const struct ctd_vtep *v, const struct ctd_replica *r,
                           const json_t *learned)
{
	json_t *ops = json_array(), *set, *row;
	const char *uuid, *key;
	char k[128], mac[18];
	bool named = false;

	if (!ops || !v->ps_uuid || !v->local_ip)
		return ops;
	if (!(set = learned_set(v, learned))) {
		json_decref(ops);
		return NULL;
	}
	const char *loc = own_locator(v, r);
	json_object_foreach((json_t *)ctd_replica_table(r, "Ucast_Macs_Local"), uuid, row)
	{
		const char *lu = uuid_col(row, "locator"), *lsu = uuid_col(row, "logical_switch");
		if (!lu || !loc || strcmp(lu, loc))
			continue; /* another locator's row */
		const struct ctd_vtep_ls *ls = lsu ? ls_find(v, lsu) : NULL;
		if (ls && !json_object_get(learned, ls->bridge))
			continue; /* its bridge's MAC table is unknown this time: keep the row */
		if (mac_norm(str_col(row, "MAC"), mac) && lsu) {
			snprintf(k, sizeof(k), "%s %s", lsu, mac);
			if (json_object_get(set, k)) {
				json_object_del(set, k); /* already there */
				continue;
			}
		}
		json_array_append_new(ops, json_pack("{s:s,s:s,s:[[s,s,o]]}", "op", "delete",
		                                     "table", "Ucast_Macs_Local", "where", "_uuid",
		                                     "==", ctd_datum_uuid(uuid)));
	}
	void *it;
	json_object_foreach_safe(set, it, key, row)
	{
		(void)row;
		char lsu[100];
		snprintf(lsu, sizeof(lsu), "%.*s", (int)strcspn(key, " "), key);
		if (!loc && !named) {
			json_array_append_new(ops,
			                      json_pack("{s:s,s:s,s:s,s:{s:s,s:s}}", "op", "insert",
			                                "table", "Physical_Locator", "uuid-name",
			                                "weftloc", "row", "dst_ip", v->local_ip,
			                                "encapsulation_type", "vxlan_over_ipv4"));
			named = true;
		}
		json_array_append_new(
		    ops, json_pack("{s:s,s:s,s:{s:s,s:o,s:o,s:s}}", "op", "insert", "table",
		                   "Ucast_Macs_Local", "row", "MAC", key + strlen(lsu) + 1,
		                   "logical_switch", ctd_datum_uuid(lsu), "locator",
		                   loc ? ctd_datum_uuid(loc)
		                       : json_pack("[s,s]", "named-uuid", "weftloc"),
		                   "ipaddr", ""));
	}
	json_decref(set);
	if (v->write_tunnel_ips)
		json_array_append_new(
		    ops, ctd_op_update_uuid("Physical_Switch", v->ps_uuid,
		                            json_pack("{s:s}", "tunnel_ips", v->local_ip)));
	return ops;
}
