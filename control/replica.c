/* The database replica (see replica.h). */
#include <errno.h>
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
	return json_pack("[s,s,{s:{s:[s,s,s]},s:{s:[s,s,s,s]},s:{s:[s,s,s,s,s]},"
	                 "s:{s:[s,s,s,s,s,s,s,s,s]},s:{s:[s,s,s,s,s,s,s,s]}}]",
	                 db, mon_id, "Open_vSwitch", "columns", "bridges", "next_cfg", "cur_cfg",
	                 "Bridge", "columns", "name", "ports", "other_config", "external_ids",
	                 "Port", "columns", "name", "interfaces", "tag", "trunks", "vlan_mode",
	                 "Interface", "columns", "name", "type", "options", "ofport",
	                 "ofport_request", "link_state", "status", "statistics", "error", "Flow",
	                 "columns", "bridge", "table", "priority", "match", "actions", "cookie",
	                 "idle_timeout", "hard_timeout");
}

static int apply(json_t *tables, const json_t *updates, bool *changed)
{
	const char *tname, *uuid;
	json_t *tu, *ru;
	if (!json_is_object(updates))
		return -EPROTO;
	json_object_foreach((json_t *)updates, tname, tu)
	{
		json_t *t = json_object_get(tables, tname);
		if (!t) {
			t = json_object();
			if (!t || json_object_set_new(tables, tname, t) < 0)
				return -ENOMEM;
		}
		json_object_foreach(tu, uuid, ru)
		{
			json_t *old = json_object_get(ru, "old"), *new = json_object_get(ru, "new");
			if (!new) {
				json_object_del(t, uuid);
				*changed = true;
				continue;
			}
			if (!old) {
				*changed = true;
			} else {
				const char *col;
				json_t *v;
				json_object_foreach(old, col, v)
				{
					if (!is_writeback_column(tname, col))
						*changed = true;
				}
			}
			/* RFC 7047 "new" holds every monitored column of the row. */
			if (json_object_set(t, uuid, new) < 0)
				return -ENOMEM;
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
	int ret = apply(t, table_updates, &changed);
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
	return apply(r->tables, table_updates, config_changed);
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
	r->tables = NULL;
}
