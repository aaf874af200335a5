/* weft-controld's VTEP mode: status and statistics written into the hardware_vtep database
 * (see vtep.h, ctd_vtep_status_ops). Pure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbclient.h"
#include "vtep.h"

static const char *str_col(const json_t *row, const char *col)
{
	return json_string_value(json_object_get(row, col)) ?: "";
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(json_string_value(*(json_t *const *)a),
	              json_string_value(*(json_t *const *)b));
}

/* A sorted JSON array of the string atoms of a set datum. */
static json_t *sorted_strings(const json_t *datum)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < ctd_datum_n(datum); i++) {
		const json_t *s = ctd_datum_at(datum, i);
		if (json_is_string(s))
			json_array_append(a, (json_t *)s);
	}
	size_t n = json_array_size(a);
	json_t **v = malloc((n + 1) * sizeof(*v));
	if (!v) {
		json_decref(a);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(a, i));
	qsort(v, n, sizeof(*v), cmp_str);
	json_array_clear(a);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, v[i]);
	free(v);
	return a;
}

/* Appends an update of column 'col' to 'strings' (a sorted array, stolen) unless equal. */
static void fault_update(json_t *ops, const char *table, const char *uuid, const json_t *row,
                         const char *col, json_t *strings)
{
	json_t *have = sorted_strings(json_object_get(row, col));
	if (have && !json_equal(have, strings))
		json_array_append_new(
		    ops, ctd_op_update_uuid(table, uuid,
		                            json_pack("{s:o}", col, ctd_datum_set(strings))));
	else
		json_decref(strings);
	json_decref(have);
}

/* The statistics row of 'port' (bound with VLAN 'vlan'): updated, or inserted and added to
 * the port's vlan_stats map. */
static void binding_stats(json_t *ops, const struct ctd_replica *r, const char *puuid,
                          const json_t *prow, int vlan, const json_t *ctr, int *n_named)
{
	json_t *want =
	    json_pack("{s:I,s:I,s:I,s:I}", "packets_from_local",
	              json_integer_value(json_object_get(ctr, "rx_packets")), "bytes_from_local",
	              json_integer_value(json_object_get(ctr, "rx_bytes")), "packets_to_local",
	              json_integer_value(json_object_get(ctr, "tx_packets")), "bytes_to_local",
	              json_integer_value(json_object_get(ctr, "tx_bytes")));
	const json_t *vs = json_object_get(prow, "vlan_stats"), *pair;
	json_t *pairs = json_array();
	const char *su = NULL;
	size_t i;
	json_array_foreach(json_array_get(vs, 1), i, pair)
	{
		if (json_is_integer(json_array_get(pair, 0)) &&
		    json_integer_value(json_array_get(pair, 0)) == vlan) {
			su = ctd_datum_uuid_str(json_array_get(pair, 1));
			continue; /* replaced if its row is unknown */
		}
		json_array_append(pairs, (json_t *)pair);
	}
	const json_t *srow = su ? ctd_replica_row(r, "Logical_Binding_Stats", su) : NULL;
	if (srow) {
		const char *k;
		json_t *val;
		bool same = true;
		json_object_foreach(want, k, val) same =
		    same && json_equal(val, json_object_get(srow, k));
		if (!same)
			json_array_append_new(ops, ctd_op_update_uuid("Logical_Binding_Stats", su,
			                                              json_incref(want)));
		json_decref(want);
		json_decref(pairs);
		return;
	}
	char name[32];
	snprintf(name, sizeof(name), "weftstats%d", (*n_named)++);
	json_array_append_new(ops,
	                      json_pack("{s:s,s:s,s:s,s:o}", "op", "insert", "table",
	                                "Logical_Binding_Stats", "uuid-name", name, "row", want));
	json_array_append_new(pairs, json_pack("[i,[s,s]]", vlan, "named-uuid", name));
	json_array_append_new(
	    ops, ctd_op_update_uuid("Physical_Port", puuid,
	                            json_pack("{s:[s,o]}", "vlan_stats", "map", pairs)));
}

json_t *ctd_vtep_status_ops(const struct ctd_vtep *v, const struct ctd_replica *r,
                            const json_t *stats)
{
	json_t *ops = json_array();
	const json_t *ps = v->ps_uuid ? ctd_replica_row(r, "Physical_Switch", v->ps_uuid) : NULL;
	const json_t *ports = json_object_get(ps, "ports");
	bool *port_err = calloc(v->errors.n_kv + 1, sizeof(*port_err));
	int n_named = 0;

	if (!ops || !port_err || !ps) {
		free(port_err);
		return ops;
	}
	for (size_t i = 0; i < ctd_datum_n(ports); i++) {
		const char *pu = ctd_datum_uuid_str(ctd_datum_at(ports, i));
		const json_t *prow = pu ? ctd_replica_row(r, "Physical_Port", pu) : NULL;
		const char *name = str_col(prow, "name");
		if (!prow)
			continue;
		json_t *faults = json_array();
		for (size_t e = 0; e < v->errors.n_kv; e++)
			if (!strcmp(v->errors.kv[e].key, name)) {
				json_array_append_new(faults, json_string(v->errors.kv[e].value));
				port_err[e] = true;
			}
		fault_update(ops, "Physical_Port", pu, prow, "port_fault_status", faults);
		const char *lsu = ctd_smap_get(&v->local_ports, name);
		const json_t *ctr = json_object_get(json_object_get(stats, "ports"), name);
		for (size_t l = 0; lsu && ctr && l < v->n_ls; l++)
			if (!strcmp(v->ls[l].uuid, lsu))
				binding_stats(ops, r, pu, prow, v->ls[l].vlan, ctr, &n_named);
	}
	json_t *sw = json_array();
	for (size_t e = 0; e < v->errors.n_kv; e++) {
		char line[512];
		if (port_err[e])
			continue;
		snprintf(line, sizeof(line), "%s: %s", v->errors.kv[e].key, v->errors.kv[e].value);
		json_array_append_new(sw, json_string(line));
	}
	free(port_err);
	/* errors are sorted by subject, so 'sw' is sorted unless two lines share a prefix that
	 * sorts differently: sort to compare as sets. */
	json_t *set = json_pack("[s,o]", "set", sw), *sorted = sorted_strings(set);
	json_decref(set);
	if (sorted)
		fault_update(ops, "Physical_Switch", v->ps_uuid, ps, "switch_fault_status", sorted);
	return ops;
}
