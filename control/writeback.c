/* Write-back of status columns (see writeback.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbclient.h"
#include "writeback.h"

#define CTD_OFPORT_LOCAL 65534
#define CTD_OFPORT_MAX   65279 /* OVS: ofport_request's range */

static bool is_tagged(const json_t *v, const char *tag)
{
	return json_is_array(v) && json_array_size(v) == 2 &&
	       !strcmp(json_string_value(json_array_get(v, 0)) ?: "", tag);
}

/* A new canonical form: maps become objects, a set of one its atom. */
static json_t *canon(const json_t *d)
{
	if (is_tagged(d, "map"))
		return ctd_datum_map_object(d);
	if (is_tagged(d, "set") && json_array_size(json_array_get(d, 1)) == 1)
		return json_incref(json_array_get(json_array_get(d, 1), 0));
	return json_incref((json_t *)d);
}

bool ctd_datum_equal(const json_t *a, const json_t *b)
{
	if (!a || !b)
		return a == b;
	json_t *x = canon(a), *y = canon(b);
	bool eq = json_equal(x, y);
	if (!eq && is_tagged(x, "set") && is_tagged(y, "set")) {
		const json_t *xs = json_array_get(x, 1), *ys = json_array_get(y, 1);
		size_t i, j;
		json_t *e, *f;
		eq = json_array_size(xs) == json_array_size(ys);
		json_array_foreach(xs, i, e)
		{
			bool found = false;
			json_array_foreach(ys, j, f) found = found || json_equal(e, f);
			eq = eq && found;
		}
	}
	json_decref(x);
	json_decref(y);
	return eq;
}

static json_t *empty_set(void)
{
	return json_pack("[s,[]]", "set");
}

static const struct ctd_port *find_actual(const struct ctd_state *s, const char *br,
                                          const char *name)
{
	for (size_t b = 0; s && b < s->n_bridges; b++) {
		if (strcmp(s->bridges[b].name, br))
			continue;
		for (size_t i = 0; i < s->bridges[b].n_ports; i++)
			if (!strcmp(s->bridges[b].ports[i].name, name))
				return &s->bridges[b].ports[i];
	}
	return NULL;
}

static long long row_int(const json_t *row, const char *col)
{
	const json_t *v = json_object_get(row, col);
	v = ctd_datum_n(v) == 1 ? ctd_datum_at(v, 0) : NULL;
	return json_is_integer(v) ? json_integer_value(v) : 0;
}

/* "net_pcap0" -> "net_pcap"; a PCI address -> "dpdk". */
static void driver_of(const char *devargs, char *out, size_t n)
{
	size_t len = strcspn(devargs, ",");
	if (strncmp(devargs, "net_", 4)) {
		snprintf(out, n, "dpdk");
		return;
	}
	while (len > 4 && isdigit((unsigned char)devargs[len - 1]))
		len--;
	snprintf(out, n, "%.*s", (int)len, devargs);
}

static json_t *status_map(const struct ctd_port *a, const char *rundir)
{
	json_t *s = json_object();
	char buf[256];
	snprintf(buf, sizeof(buf), "%d", a->port_index);
	json_object_set_new(s, "port_index", json_string(buf));
	if (!strcmp(a->type, "dpdkvhostuser") || !strcmp(a->type, "dpdkvhostuserclient")) {
		bool server = !strcmp(a->type, "dpdkvhostuser");
		json_object_set_new(s, "driver_name", json_string("vhost-user"));
		json_object_set_new(s, "mode", json_string(server ? "server" : "client"));
		if (server)
			snprintf(buf, sizeof(buf), "%s/%s.sock", rundir ? rundir : ".", a->name);
		else
			snprintf(buf, sizeof(buf), "%s",
			         ctd_smap_get(&a->options, "vhost-server-path") ?: "");
		json_object_set_new(s, "socket", json_string(buf));
		json_object_set_new(s, "status",
		                    json_string(a->link_up ? "connected" : "disconnected"));
	} else if (!strcmp(a->type, "dpdk")) {
		const char *dev = ctd_smap_get(&a->options, "dpdk-devargs") ?: "";
		driver_of(dev, buf, sizeof(buf));
		json_object_set_new(s, "driver_name", json_string(buf));
		json_object_set_new(s, "dpdk-devargs", json_string(dev));
	} else {
		json_object_set_new(s, "driver_name", json_string(a->type[0] ? a->type : "replay"));
	}
	return s;
}

static json_t *stats_map(const json_t *stats, const char *name)
{
	static const char *const keys[] = {"rx_packets", "tx_packets", "rx_bytes",
	                                   "tx_bytes",   "rx_dropped", "tx_dropped"};
	const json_t *c = json_object_get(json_object_get(stats, "ports"), name);
	if (!json_is_object(c))
		return NULL;
	json_t *o = json_object();
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const json_t *v = json_object_get(c, keys[i]);
		if (json_is_integer(v))
			json_object_set(o, keys[i], (json_t *)v);
	}
	json_t *m = ctd_datum_map_from_object(o);
	json_decref(o);
	return m;
}

/* Adds 'col' = 'val' (stolen) to 'row' when the replica's 'cur' row holds another value. */
static void put(json_t *row, const json_t *cur, const char *col, json_t *val)
{
	if (val && !ctd_datum_equal(json_object_get(cur, col), val))
		json_object_set(row, col, val);
	json_decref(val);
}

/* ofports: what the dataplane numbered the port (it was created with the number desired.c
 * chose), then requests, then what interfaces already hold, then the lowest free ones. */
static int assign_ofports(const struct ctd_wb_input *in, const bool *present, long long *ofport)
{
	const struct ctd_desired *d = in->desired;
	unsigned char *used = calloc(CTD_OFPORT_MAX + 1, 1);
	if (!used)
		return -ENOMEM;
	for (int round = -1; round < 2; round++) {
		for (size_t i = 0; i < d->n_ifaces; i++) {
			const json_t *row =
			    ctd_replica_row(in->replica, "Interface", d->ifaces[i].uuid);
			const struct ctd_port *a =
			    round < 0
			        ? find_actual(in->actual, d->ifaces[i].bridge, d->ifaces[i].name)
			        : NULL;
			long long want = round < 0
			                     ? (a ? a->ofport : 0)
			                     : row_int(row, round ? "ofport" : "ofport_request");
			/* The dataplane's numbers are the truth even when two bridges share one
			 * (OpenFlow numbers are per bridge); the others stay unique. */
			if (!present[i] || ofport[i] || want < 1 || want > CTD_OFPORT_MAX ||
			    (used[want] && round >= 0))
				continue;
			used[want] = 1;
			ofport[i] = want;
		}
	}
	long long next = 1;
	for (size_t i = 0; i < d->n_ifaces; i++) {
		if (!present[i] || ofport[i])
			continue;
		while (next <= CTD_OFPORT_MAX && used[next])
			next++;
		if (next > CTD_OFPORT_MAX)
			break;
		used[next] = 1;
		ofport[i] = next;
	}
	free(used);
	return 0;
}

static void iface_columns(const struct ctd_wb_input *in, const struct ctd_iface *f,
                          const json_t *cur, long long ofport, json_t *row)
{
	const struct ctd_port *a = NULL;
	const char *err = f->error;

	if (f->kind == CTD_IFACE_LOCAL) {
		put(row, cur, "ofport", json_integer(CTD_OFPORT_LOCAL));
		put(row, cur, "link_state", json_string("up"));
		put(row, cur, "status",
		    json_pack("[s,[[s,s],[s,s]]]", "map", "dataplane",
		              "none (the bridge's local port)", "driver_name", "internal"));
		put(row, cur, "error", empty_set());
		return;
	}
	if (f->kind == CTD_IFACE_PORT) {
		a = find_actual(in->actual, f->bridge, f->name);
		err = ctd_smap_get(in->errors, f->name);
	}
	if (a) {
		json_t *st = status_map(a, in->rundir);
		put(row, cur, "ofport", json_integer(ofport));
		put(row, cur, "link_state", json_string(a->link_up ? "up" : "down"));
		put(row, cur, "status", ctd_datum_map_from_object(st));
		json_decref(st);
		put(row, cur, "statistics", stats_map(in->stats, f->name));
		put(row, cur, "error", err ? json_string(err) : empty_set());
	} else if (err) {
		put(row, cur, "ofport", json_integer(-1));
		put(row, cur, "error", json_string(err));
		put(row, cur, "link_state", empty_set());
		put(row, cur, "status", json_pack("[s,[]]", "map"));
	}
}

json_t *ctd_writeback_ops(const struct ctd_wb_input *in)
{
	const struct ctd_desired *d = in->desired;
	json_t *ops = json_array();
	bool *present = calloc(d->n_ifaces + 1, sizeof(*present));
	long long *ofport = calloc(d->n_ifaces + 1, sizeof(*ofport));

	if (!ops || !present || !ofport) {
		json_decref(ops);
		ops = NULL;
		goto out;
	}
	for (size_t i = 0; i < d->n_ifaces; i++)
		present[i] = d->ifaces[i].kind == CTD_IFACE_PORT &&
		             find_actual(in->actual, d->ifaces[i].bridge, d->ifaces[i].name);
	if (assign_ofports(in, present, ofport) < 0) {
		json_decref(ops);
		ops = NULL;
		goto out;
	}
	for (size_t i = 0; i < d->n_ifaces; i++) {
		const json_t *cur = ctd_replica_row(in->replica, "Interface", d->ifaces[i].uuid);
		json_t *row = json_object();
		if (cur)
			iface_columns(in, &d->ifaces[i], cur, ofport[i], row);
		if (json_object_size(row))
			json_array_append_new(
			    ops, ctd_op_update_uuid("Interface", d->ifaces[i].uuid, row));
		else
			json_decref(row);
	}
	if (ctd_flows_init_ops(in->replica, ops) < 0 || ctd_flows_gc_ops(in->replica, ops) < 0) {
		json_decref(ops);
		ops = NULL;
		goto out;
	}
	if (in->set_cur_cfg && d->ovs_uuid) {
		const json_t *cur = ctd_replica_row(in->replica, "Open_vSwitch", d->ovs_uuid);
		if (cur && json_integer_value(json_object_get(cur, "cur_cfg")) != d->next_cfg)
			json_array_append_new(
			    ops, ctd_op_update_uuid(
			             "Open_vSwitch", d->ovs_uuid,
			             json_pack("{s:I}", "cur_cfg", (json_int_t)d->next_cfg)));
	}
out:
	free(present);
	free(ofport);
	return ops;
}
