/* Desired state from the database replica (see desired.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbclient.h"
#include "desired.h"

/* The single value of an optional column (a set of 0 or 1), or NULL. */
static const json_t *opt_value(const json_t *datum)
{
	return ctd_datum_n(datum) == 1 ? ctd_datum_at(datum, 0) : NULL;
}

static int add_iface(struct ctd_desired *d, const char *uuid, const char *name, const char *br,
                     enum ctd_iface_kind kind, const char *error)
{
	struct ctd_iface *v = realloc(d->ifaces, (d->n_ifaces + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	d->ifaces = v;
	v += d->n_ifaces;
	*v = (struct ctd_iface){.kind = kind};
	v->uuid = strdup(uuid);
	v->name = strdup(name);
	v->bridge = strdup(br);
	v->error = error ? strdup(error) : NULL;
	d->n_ifaces++;
	if (!v->uuid || !v->name || !v->bridge || (error && !v->error))
		return -ENOMEM;
	return 0;
}

/* The OpenFlow number to create a port with: ofport_request, else the ofport the DB shows
 * (assigned earlier by the writeback), if in 1..65279; else 0. */
static int iface_ofport(const json_t *irow)
{
	static const char *const cols[] = {"ofport_request", "ofport"};
	for (size_t i = 0; i < 2; i++) {
		const json_t *v = opt_value(json_object_get(irow, cols[i]));
		if (json_is_integer(v) && json_integer_value(v) >= 1 &&
		    json_integer_value(v) <= 65279)
			return (int)json_integer_value(v);
	}
	return 0;
}

static int port_vlan(struct ctd_port *p, const json_t *row)
{
	const json_t *tag = opt_value(json_object_get(row, "tag"));
	const json_t *mode = opt_value(json_object_get(row, "vlan_mode"));
	const json_t *trunks = json_object_get(row, "trunks");
	size_t n = ctd_datum_n(trunks), k = 0;
	int t[4096];
	p->tag = json_is_integer(tag) ? (int)json_integer_value(tag) : -1;
	for (size_t i = 0; i < n && k < 4096; i++) {
		const json_t *a = ctd_datum_at(trunks, i);
		if (json_is_integer(a))
			t[k++] = json_integer_value(a);
	}
	if (ctd_port_set_trunks(p, t, k) < 0)
		return -ENOMEM;
	return ctd_port_set_vlan_mode(p, json_string_value(mode));
}

/* Adds the dataplane port (or the interface entries) of Port row 'prow'. */
static int add_port(struct ctd_desired *d, const struct ctd_replica *r, struct ctd_bridge *br,
                    const json_t *prow)
{
	const json_t *ifs = json_object_get(prow, "interfaces");
	const char *pname = json_string_value(json_object_get(prow, "name"));
	size_t n = ctd_datum_n(ifs);
	int ret;

	if (n > 1) {
		char err[256];
		snprintf(err, sizeof(err), "port %s has %zu interfaces: bonds are not supported",
		         pname ? pname : "?", n);
		for (size_t i = 0; i < n; i++) {
			const char *u = ctd_datum_uuid_str(ctd_datum_at(ifs, i));
			const json_t *irow = u ? ctd_replica_row(r, "Interface", u) : NULL;
			const char *iname = json_string_value(json_object_get(irow, "name"));
			if (irow && iname &&
			    (ret = add_iface(d, u, iname, br->name, CTD_IFACE_BAD, err)) < 0)
				return ret;
		}
		return 0;
	}
	const char *u = ctd_datum_uuid_str(ctd_datum_at(ifs, 0));
	const json_t *irow = u ? ctd_replica_row(r, "Interface", u) : NULL;
	const char *iname = json_string_value(json_object_get(irow, "name"));
	const char *type = json_string_value(json_object_get(irow, "type"));
	if (!irow || !iname)
		return 0;
	if (ctd_desired_iface(d, iname))
		return 0; /* one Interface reached twice: configured once */
	if (type && !strcmp(type, "internal") && !strcmp(iname, br->name))
		return add_iface(d, u, iname, br->name, CTD_IFACE_LOCAL, NULL);
	if ((ret = add_iface(d, u, iname, br->name, CTD_IFACE_PORT, NULL)) < 0)
		return ret;
	if (!type || !type[0])
		type = "system"; /* OVS: an empty type is the Linux interface of that name */
	struct ctd_port *p = ctd_bridge_add_port(br, iname, type);
	if (!p)
		return -ENOMEM;
	json_t *opts = ctd_datum_map_object(json_object_get(irow, "options"));
	ret = opts ? ctd_smap_from_json(&p->options, opts) : -ENOMEM;
	json_decref(opts);
	if (ret == -EINVAL)
		ret = 0; /* the schema says string->string: cannot happen */
	p->ofport = iface_ofport(irow);
	return ret < 0 ? ret : port_vlan(p, prow);
}

static int add_bridge(struct ctd_desired *d, const struct ctd_replica *r, const json_t *brow)
{
	const char *name = json_string_value(json_object_get(brow, "name"));
	const json_t *ports = json_object_get(brow, "ports");
	int ret;
	if (!name)
		return 0;
	for (size_t i = 0; i < d->state.n_bridges; i++)
		if (!strcmp(d->state.bridges[i].name, name))
			return 0;
	struct ctd_bridge *br = ctd_state_add_bridge(&d->state, name);
	if (!br)
		return -ENOMEM;
	json_t *oc = ctd_datum_map_object(json_object_get(brow, "other_config"));
	ret = oc ? ctd_smap_from_json(&br->other_config, oc) : -ENOMEM;
	json_decref(oc);
	if (ret == -ENOMEM || (ret = ctd_flows_desired(br, r, brow, &d->bad_flows)) < 0)
		return ret;
	for (size_t i = 0; i < ctd_datum_n(ports); i++) {
		const char *u = ctd_datum_uuid_str(ctd_datum_at(ports, i));
		const json_t *prow = u ? ctd_replica_row(r, "Port", u) : NULL;
		/* 'br' moves when a later bridge is added: none is added in here. */
		if (prow && (ret = add_port(d, r, br, prow)) < 0)
			return ret;
	}
	return 0;
}

int ctd_desired_build(struct ctd_desired *d, const struct ctd_replica *r)
{
	const json_t *ovs_table = ctd_replica_table(r, "Open_vSwitch");
	const char *uuid;
	json_t *row;
	int ret;

	memset(d, 0, sizeof(*d));
	json_object_foreach((json_t *)ovs_table, uuid, row)
	{
		if (!(d->ovs_uuid = strdup(uuid)))
			return -ENOMEM;
		d->next_cfg = json_integer_value(json_object_get(row, "next_cfg"));
		d->cur_cfg = json_integer_value(json_object_get(row, "cur_cfg"));
		const json_t *brs = json_object_get(row, "bridges");
		for (size_t i = 0; i < ctd_datum_n(brs); i++) {
			const char *u = ctd_datum_uuid_str(ctd_datum_at(brs, i));
			const json_t *brow = u ? ctd_replica_row(r, "Bridge", u) : NULL;
			if (brow && (ret = add_bridge(d, r, brow)) < 0)
				return ret;
		}
		break; /* one Open_vSwitch row (maxRows 1) */
	}
	return 0;
}

void ctd_desired_free(struct ctd_desired *d)
{
	ctd_state_free(&d->state);
	for (size_t i = 0; i < d->n_ifaces; i++) {
		free(d->ifaces[i].uuid);
		free(d->ifaces[i].name);
		free(d->ifaces[i].bridge);
		free(d->ifaces[i].error);
	}
	free(d->ifaces);
	free(d->ovs_uuid);
	ctd_smap_free(&d->bad_flows);
	memset(d, 0, sizeof(*d));
}

const struct ctd_iface *ctd_desired_iface(const struct ctd_desired *d, const char *name)
{
	for (size_t i = 0; i < d->n_ifaces; i++)
		if (!strcmp(d->ifaces[i].name, name))
			return &d->ifaces[i];
	return NULL;
}
