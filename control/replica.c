/* The database replica (see replica.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replica.h"

/* Columns weft-controld only writes: their changes do not need a reconcile pass. */
static bool is_writeback_column(const char *table, const char *col)
{
	static const char *const iface[] = {"ofport",     "link_state", "status",
	                                    "statistics", "error",      NULL};
	if (!strcmp(table, "Open_vSwitch"))
		return !strcmp(col, "cur_cfg");
	if (!strcmp(table, "Interface"))
		for (int i = 0; iface[i]; i++)
			if (!strcmp(col, iface[i]))
				return true;
	return false;
}

json_t *ctd_replica_monitor_request(const char *db, const char *mon_id)
{
	return json_pack("[s,s,{s:[{s:[s,s,s]}],s:[{s:[s,s,s,s]}],s:[{s:[s,s,s,s,s]}],"
	                 "s:[{s:[s,s,s,s,s,s,s,s,s]}],s:[{s:[s,s,s,s,s,s,s,s]}]}]",
	                 db, mon_id, "Open_vSwitch", "columns", "bridges", "next_cfg", "cur_cfg",
	                 "Bridge", "columns", "name", "ports", "other_config", "external_ids",
	                 "Port", "columns", "name", "interfaces", "tag", "trunks", "vlan_mode",
	                 "Interface", "columns", "name", "type", "options", "ofport",
	                 "ofport_request", "link_state", "status", "statistics", "error", "Flow",
	                 "columns", "bridge", "table", "priority", "match", "actions", "cookie",
	                 "idle_timeout", "hard_timeout");
}

/* The column types of one <monitor-cond-request> into 'out'. */
static int request_columns(json_t *out, const json_t *schema_cols, const json_t *req)
{
	const json_t *cols = json_object_get(req, "columns");
	size_t i;
	json_t *c;
	if (!json_is_array(cols))
		return -EPROTO; /* we always name the columns */
	json_array_foreach(cols, i, c)
	{
		const char *name = json_string_value(c) ?: "";
		json_t *info = ctd_replica_column_info(
		    json_object_get(json_object_get(schema_cols, name), "type"));
		if (!info)
			return -EPROTO;
		if (json_object_set_new(out, name, info) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* The column types of table 'tname' (its requests 'reqs': an array, or one object). */
static int table_columns(json_t *columns, const json_t *tables, const char *tname,
                         const json_t *reqs)
{
	const json_t *st = json_object_get(json_object_get(tables, tname), "columns");
	json_t *tc = json_object(), *req;
	size_t i;
	int ret = 0;
	if (!tc || json_object_set_new(columns, tname, tc) < 0)
		return -ENOMEM;
	if (!json_is_object(st))
		return -EPROTO;
	if (!json_is_array(reqs))
		return request_columns(tc, st, reqs);
	json_array_foreach(reqs, i, req)
	{
		if ((ret = request_columns(tc, st, req)) < 0)
			break;
	}
	return ret;
}

int ctd_replica_set_schema(struct ctd_replica *r, const json_t *schema, const json_t *mon_reqs)
{
	const json_t *tables = json_object_get(schema, "tables");
	json_t *columns = json_object(), *reqs;
	const char *tname;
	int ret = !columns ? -ENOMEM : json_is_object(mon_reqs) ? 0 : -EPROTO;
	json_object_foreach((json_t *)mon_reqs, tname, reqs)
	{
		if (ret < 0 || (ret = table_columns(columns, tables, tname, reqs)) < 0)
			break;
	}
	if (ret < 0) {
		json_decref(columns);
		return ret;
	}
	json_decref(r->columns);
	r->columns = columns;
	return 0;
}

/* RFC 7047 <row-update>: "new" is the complete row ("old" the changed columns' old values). */
static int apply_row_update(json_t *t, const char *tname, const char *uuid, const json_t *ru,
                            bool *changed)
{
	json_t *old = json_object_get(ru, "old"), *new = json_object_get(ru, "new"), *v;
	const char *col;
	if (!new) {
		json_object_del(t, uuid);
		*changed = true;
		return 0;
	}
	if (!old)
		*changed = true;
	json_object_foreach(old, col, v)
	{
		if (!is_writeback_column(tname, col))
			*changed = true;
	}
	return json_object_set_new(t, uuid, json_copy(new)) < 0 ? -ENOMEM : 0;
}

/* An update2 "initial"/"insert" row: the columns the server left out hold their default. */
static int insert_row(json_t *t, const json_t *tcols, const char *uuid, const json_t *row)
{
	json_t *copy = json_copy((json_t *)row), *info;
	const char *col;
	if (!copy || !json_is_object(row)) {
		json_decref(copy);
		return copy ? -EPROTO : -ENOMEM;
	}
	json_object_foreach((json_t *)tcols, col, info)
	{
		if (!json_object_get(copy, col) &&
		    json_object_set_new(copy, col,
		                        json_deep_copy(json_object_get(info, "default"))) < 0) {
			json_decref(copy);
			return -ENOMEM;
		}
	}
	return json_object_set_new(t, uuid, copy) < 0 ? -ENOMEM : 0;
}

/* An update2 "modify": each column of 'diff' applied to the stored row. */
static int modify_row(json_t *row, const json_t *tcols, const char *tname, const json_t *diff,
                      bool *changed)
{
	const char *col;
	json_t *d, *v;
	if (!row || !json_is_object(diff))
		return -EPROTO;
	json_object_foreach((json_t *)diff, col, d)
	{
		const json_t *info = json_object_get(tcols, col);
		int ret = info ? ctd_replica_datum_apply(info, json_object_get(row, col), d, &v)
		               : -EPROTO;
		if (ret < 0)
			return ret;
		if (json_object_set_new(row, col, v) < 0)
			return -ENOMEM;
		if (!is_writeback_column(tname, col))
			*changed = true;
	}
	return 0;
}

/* <row-update2>: {"initial"|"insert": row}, {"delete": null} or {"modify": row-diff}. */
static int apply_row_update2(json_t *t, const json_t *tcols, const char *tname, const char *uuid,
                             const json_t *ru, bool *changed)
{
	const json_t *row = json_object_get(ru, "initial") ?: json_object_get(ru, "insert");
	const json_t *diff = json_object_get(ru, "modify");
	if (row) {
		*changed = true;
		return insert_row(t, tcols, uuid, row);
	}
	if (json_object_get(ru, "delete")) {
		json_object_del(t, uuid);
		*changed = true;
		return 0;
	}
	return modify_row(json_object_get(t, uuid), tcols, tname, diff, changed);
}

static int apply(json_t *tables, const json_t *columns, const json_t *updates, bool *changed)
{
	const char *tname, *uuid;
	json_t *tu, *ru;
	if (!json_is_object(updates))
		return -EPROTO;
	json_object_foreach((json_t *)updates, tname, tu)
	{
		const json_t *tcols = json_object_get(columns, tname);
		json_t *t = json_object_get(tables, tname);
		if (!t && (!(t = json_object()) || json_object_set_new(tables, tname, t) < 0))
			return -ENOMEM;
		json_object_foreach(tu, uuid, ru)
		{
			int ret = json_object_get(ru, "new") || json_object_get(ru, "old")
			              ? apply_row_update(t, tname, uuid, ru, changed)
			              : apply_row_update2(t, tcols, tname, uuid, ru, changed);
			if (ret < 0)
				return ret;
		}
	}
	return 0;
}

int ctd_replica_reset(struct ctd_replica *r, const json_t *table_updates)
{
	bool changed = false;
	json_t *t = json_object();
	if (!t)
		return -ENOMEM;
	int ret = apply(t, r->columns, table_updates, &changed);
	if (ret < 0) {
		json_decref(t);
		return ret;
	}
	json_decref(r->tables);
	r->tables = t;
	return 0;
}

int ctd_replica_update(struct ctd_replica *r, const json_t *table_updates, bool *config_changed)
{
	if (!r->tables)
		return -EPROTO;
	return apply(r->tables, r->columns, table_updates, config_changed);
}

bool ctd_replica_valid(const struct ctd_replica *r)
{
	return r->tables != NULL;
}

const json_t *ctd_replica_table(const struct ctd_replica *r, const char *table)
{
	return r->tables ? json_object_get(r->tables, table) : NULL;
}

const json_t *ctd_replica_row(const struct ctd_replica *r, const char *table, const char *uuid)
{
	return r->tables ? json_object_get(json_object_get(r->tables, table), uuid) : NULL;
}

void ctd_replica_clear(struct ctd_replica *r)
{
	json_decref(r->tables);
	json_decref(r->columns);
	r->tables = NULL;
	r->columns = NULL;
}

int ctd_replica_schema_reply(struct ctd_replica *r, const json_t *result, const json_t *error,
                             const json_t *req, char **whyp)
{
	int ret = error ? -EPROTO : ctd_replica_set_schema(r, result, json_array_get(req, 2));
	char *s;

	*whyp = NULL;
	if (ret == 0)
		return 0;
	s = error ? json_dumps(error, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	if (asprintf(whyp, "%s: %s", error ? " refused" : "",
	             s                ? s
	             : ret == -EPROTO ? CTD_REPLICA_SCHEMA_EPROTO
	                              : strerror(-ret)) < 0)
		*whyp = NULL;
	free(s);
	return ret;
}
