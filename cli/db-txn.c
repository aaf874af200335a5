/* weftctl database backend: command list -> one RFC 7047 transaction (see db-txn.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dbclient.h"

#include "db-flows.h"
#include "db-txn.h"

/* The model later commands see: bridges {name: {"ports": [names], "oc": {map}}}, ports
 * {name: {"bridge": BR, "ifaces": [names]}}, interfaces {name: {"options": {map}}}. */
struct model {
	json_t *br;
	json_t *port;
	json_t *iface;
	json_t *ops;
	int n_named;
	bool writes;
};

static const char *name_of(const json_t *row)
{
	const char *n = json_string_value(json_object_get(row, "name"));

	return n ? n : "";
}

static json_t *map_of(const json_t *row, const char *col)
{
	json_t *m = ctd_datum_map_object(json_object_get(row, col));

	return m ? m : json_object();
}

static void model_load(struct model *m, const json_t *snap)
{
	const json_t *rows = cli_db_snap_rows(snap, "Bridge");
	size_t i;
	json_t *br;

	json_array_foreach(rows, i, br)
	{
		const json_t *ports = json_object_get(br, "ports");
		json_t *names = json_array();

		for (size_t j = 0; j < ctd_datum_n(ports); j++) {
			const json_t *p = cli_db_snap_by_uuid(
			    snap, "Port", ctd_datum_uuid_str(ctd_datum_at(ports, j)));
			const json_t *ifs = json_object_get(p, "interfaces");
			json_t *inames = json_array();

			if (!p) {
				continue;
			}
			for (size_t k = 0; k < ctd_datum_n(ifs); k++) {
				const json_t *ifr = cli_db_snap_by_uuid(
				    snap, "Interface", ctd_datum_uuid_str(ctd_datum_at(ifs, k)));

				if (ifr) {
					json_array_append_new(inames, json_string(name_of(ifr)));
					json_object_set_new(
					    m->iface, name_of(ifr),
					    json_pack("{s:o}", "options", map_of(ifr, "options")));
				}
			}
			json_array_append_new(names, json_string(name_of(p)));
			json_object_set_new(m->port, name_of(p),
			                    json_pack("{s:s,s:o,s:O}", "bridge", name_of(br),
			                              "ifaces", inames, "ref",
			                              json_object_get(p, "_uuid")));
		}
		json_object_set_new(m->br, name_of(br),
		                    json_pack("{s:o,s:o,s:O}", "ports", names, "oc",
		                              map_of(br, "other_config"), "ref",
		                              json_object_get(br, "_uuid")));
	}
}

static json_t *where_name(const char *name)
{
	return json_pack("[[s,s,s]]", "name", "==", name);
}

static void add_op(struct model *m, json_t *op)
{
	json_array_append_new(m->ops, op);
	m->writes = true;
}

static json_t *map_datum(const json_t *obj)
{
	return ctd_datum_map_from_object(obj);
}

static json_t *empty_set(void)
{
	return json_pack("[s,[]]", "set");
}

/* Port columns of 'c' into 'row'. */
static void port_cols(json_t *row, const struct cli_cols *c)
{
	if (c->tag_state == CLI_COL_SET) {
		json_object_set_new(row, "tag", json_integer(c->tag));
	} else if (c->tag_state == CLI_COL_CLEAR) {
		json_object_set_new(row, "tag", empty_set());
	}
	if (c->trunks_state != CLI_COL_UNSET) {
		json_t *atoms = json_array();

		for (size_t i = 0; c->trunks_state == CLI_COL_SET && i < c->n_trunks; i++) {
			json_array_append_new(atoms, json_integer(c->trunks[i]));
		}
		json_object_set_new(row, "trunks", ctd_datum_set(atoms));
	}
	if (c->vlan_mode_state == CLI_COL_SET) {
		json_object_set_new(row, "vlan_mode", json_string(c->vlan_mode));
	} else if (c->vlan_mode_state == CLI_COL_CLEAR) {
		json_object_set_new(row, "vlan_mode", empty_set());
	}
}

/* Interface columns of 'c' into 'row'; 'options' is the interface's current map (updated). */
static void iface_cols(json_t *row, const struct cli_cols *c, json_t *options)
{
	if (c->type) {
		json_object_set_new(row, "type", json_string(c->type));
	}
	if (c->options) {
		json_object_update(options, c->options);
		json_object_set_new(row, "options", map_datum(options));
	}
}

static void update(struct model *m, const char *table, const char *name, json_t *row)
{
	if (json_object_size(row) == 0) {
		json_decref(row);
		return;
	}
	add_op(m, json_pack("{s:s,s:s,s:o,s:o}", "op", "update", "table", table, "where",
	                    where_name(name), "row", row));
}

static void set_bridge(struct model *m, const char *br, const struct cli_cols *c)
{
	json_t *b = json_object_get(m->br, br);
	json_t *oc = json_object_get(b, "oc");

	if (c->other_config) {
		json_object_update(oc, c->other_config);
		update(m, "Bridge", br, json_pack("{s:o}", "other_config", map_datum(oc)));
	}
}

static void set_port(struct model *m, const char *port, const struct cli_cols *c)
{
	json_t *row = json_object();

	port_cols(row, c);
	update(m, "Port", port, row);
}

static void set_iface(struct model *m, const char *iface, const struct cli_cols *c)
{
	json_t *row = json_object();

	iface_cols(row, c, json_object_get(json_object_get(m->iface, iface), "options"));
	update(m, "Interface", iface, row);
}

static json_t *named(struct model *m, char *buf, size_t len)
{
	snprintf(buf, len, "weftctl_row%d", ++m->n_named);
	return json_pack("[s,s]", "named-uuid", buf);
}

/* Inserts Interface + Port 'name' (columns from 'c') and returns the Port's uuid-name. */
static json_t *insert_port(struct model *m, const char *br, const char *name,
                           const struct cli_cols *c, const char *type)
{
	char iname[32], pname[32];
	json_t *iref = named(m, iname, sizeof(iname));
	json_t *irow = json_pack("{s:s}", "name", name);
	json_t *prow = json_pack("{s:s,s:o}", "name", name, "interfaces", iref);
	json_t *options = json_object();

	json_decref(named(m, pname, sizeof(pname)));
	if (type) {
		json_object_set_new(irow, "type", json_string(type));
	}
	iface_cols(irow, c, options);
	port_cols(prow, c);
	add_op(m, json_pack("{s:s,s:s,s:s,s:o}", "op", "insert", "table", "Interface", "uuid-name",
	                    iname, "row", irow));
	add_op(m, json_pack("{s:s,s:s,s:s,s:o}", "op", "insert", "table", "Port", "uuid-name",
	                    pname, "row", prow));
	json_object_set_new(m->iface, name, json_pack("{s:o}", "options", options));
	json_object_set_new(m->port, name,
	                    json_pack("{s:s,s:[s],s:[s,s]}", "bridge", br, "ifaces", name, "ref",
	                              "named-uuid", pname));
	json_array_append_new(json_object_get(json_object_get(m->br, br), "ports"),
	                      json_string(name));
	return json_pack("[s,s]", "named-uuid", pname);
}

static int add_br(struct model *m, const struct cli_cmd *cmd, char **errp)
{
	const char *br = cmd->bridge;
	json_t *port = json_object_get(m->port, br);
	char bname[32];
	json_t *bref, *pref;

	if (json_object_get(m->br, br)) {
		if (cmd->may_exist) {
			set_bridge(m, br, &cmd->cols);
			return 0;
		}
		return cli_fail(errp, EEXIST,
		                "cannot create a bridge named %s because a bridge named %s already "
		                "exists",
		                br, br);
	}
	if (port) {
		return cli_fail(errp, EEXIST,
		                "cannot create a bridge named %s because a port named %s already "
		                "exists on bridge %s",
		                br, br, json_string_value(json_object_get(port, "bridge")));
	}
	json_object_set_new(m->br, br,
	                    json_pack("{s:[],s:o}", "ports", "oc",
	                              cmd->cols.other_config
	                                  ? json_deep_copy(cmd->cols.other_config)
	                                  : json_object()));
	pref = insert_port(m, br, br, &(struct cli_cols){0}, "internal");
	bref = named(m, bname, sizeof(bname));
	json_object_set_new(json_object_get(m->br, br), "ref", bref);
	add_op(m, json_pack("{s:s,s:s,s:s,s:{s:s,s:o,s:o}}", "op", "insert", "table", "Bridge",
	                    "uuid-name", bname, "row", "name", br, "ports", pref, "other_config",
	                    map_datum(json_object_get(json_object_get(m->br, br), "oc"))));
	add_op(m, json_pack("{s:s,s:s,s:[],s:[[s,s,[s,[[s,s]]]]]}", "op", "mutate", "table",
	                    "Open_vSwitch", "where", "mutations", "bridges", "insert", "set",
	                    "named-uuid", bname));
	return 0;
}

/* Removes port 'name' (of bridge 'br') from the model and deletes its rows. */
static void drop_port(struct model *m, const char *br, const char *name, bool unref)
{
	json_t *p = json_object_get(m->port, name);
	json_t *ifs = json_object_get(p, "ifaces");
	json_t *ports = json_object_get(json_object_get(m->br, br), "ports");
	size_t i;
	json_t *v;

	if (unref) {
		add_op(m, json_pack("{s:s,s:s,s:o,s:[[s,s,[s,[O]]]]}", "op", "mutate", "table",
		                    "Bridge", "where", where_name(br), "mutations", "ports",
		                    "delete", "set", json_object_get(p, "ref")));
	}
	json_array_foreach(ifs, i, v)
	{
		add_op(m, json_pack("{s:s,s:s,s:o}", "op", "delete", "table", "Interface", "where",
		                    where_name(json_string_value(v))));
		json_object_del(m->iface, json_string_value(v));
	}
	add_op(m, json_pack("{s:s,s:s,s:o}", "op", "delete", "table", "Port", "where",
	                    where_name(name)));
	json_array_foreach(ports, i, v)
	{
		if (!strcmp(json_string_value(v), name)) {
			json_array_remove(ports, i);
			break;
		}
	}
	json_object_del(m->port, name);
}

static int del_br(struct model *m, const struct cli_cmd *cmd, char **errp)
{
	json_t *b = json_object_get(m->br, cmd->bridge);
	json_t *ports;

	if (!b) {
		return cmd->if_exists ? 0
		                      : cli_fail(errp, ENOENT, "no bridge named %s", cmd->bridge);
	}
	ports = json_object_get(b, "ports");
	while (json_array_size(ports) > 0) {
		char *p = strdup(json_string_value(json_array_get(ports, 0)));

		if (!p) {
			return cli_fail(errp, ENOMEM, "out of memory");
		}
		drop_port(m, cmd->bridge, p, false);
		free(p);
	}
	add_op(m, json_pack("{s:s,s:s,s:[],s:[[s,s,[s,[O]]]]}", "op", "mutate", "table",
	                    "Open_vSwitch", "where", "mutations", "bridges", "delete", "set",
	                    json_object_get(b, "ref")));
	add_op(m, json_pack("{s:s,s:s,s:o}", "op", "delete", "table", "Bridge", "where",
	                    where_name(cmd->bridge)));
	json_object_del(m->br, cmd->bridge);
	return 0;
}

static int add_port(struct model *m, const struct cli_cmd *cmd, char **errp)
{
	json_t *b = json_object_get(m->br, cmd->bridge);
	json_t *p = json_object_get(m->port, cmd->name);
	json_t *pref;

	if (!b) {
		return cli_fail(errp, ENOENT, "no bridge named %s", cmd->bridge);
	}
	if (p) {
		const char *on = json_string_value(json_object_get(p, "bridge"));

		if (!cmd->may_exist) {
			return cli_fail(errp, EEXIST,
			                "cannot create a port named %s because a port named %s "
			                "already exists on bridge %s",
			                cmd->name, cmd->name, on);
		}
		if (strcmp(on, cmd->bridge)) {
			return cli_fail(
			    errp, EEXIST,
			    "\"--may-exist add-port %s %s\" but %s is actually attached "
			    "to bridge %s",
			    cmd->bridge, cmd->name, cmd->name, on);
		}
		set_port(m, cmd->name, &cmd->cols);
		set_iface(m, cmd->name, &cmd->cols);
		return 0;
	}
	if (json_object_get(m->iface, cmd->name)) {
		return cli_fail(errp, EEXIST,
		                "cannot create an interface named %s because an interface named %s "
		                "already exists",
		                cmd->name, cmd->name);
	}
	pref = insert_port(m, cmd->bridge, cmd->name, &cmd->cols, NULL);
	add_op(m, json_pack("{s:s,s:s,s:o,s:[[s,s,[s,[o]]]]}", "op", "mutate", "table", "Bridge",
	                    "where", where_name(cmd->bridge), "mutations", "ports", "insert", "set",
	                    pref));
	return 0;
}

static int del_port(struct model *m, const struct cli_cmd *cmd, char **errp)
{
	json_t *p = json_object_get(m->port, cmd->name);
	const char *on;

	if (cmd->bridge && !json_object_get(m->br, cmd->bridge)) {
		return cmd->if_exists ? 0
		                      : cli_fail(errp, ENOENT, "no bridge named %s", cmd->bridge);
	}
	if (!p) {
		return cmd->if_exists ? 0 : cli_fail(errp, ENOENT, "no port named %s", cmd->name);
	}
	on = json_string_value(json_object_get(p, "bridge"));
	if (cmd->bridge && strcmp(on, cmd->bridge)) {
		return cli_fail(errp, ENOENT, "bridge %s does not have a port %s", cmd->bridge,
		                cmd->name);
	}
	if (!strcmp(on, cmd->name)) {
		return cli_error(errp,
		                 "cannot delete port %s because it is the local port for bridge %s "
		                 "(deleting this port requires deleting the entire bridge)",
		                 cmd->name, on);
	}
	char *br = strdup(on);

	if (!br) {
		return cli_fail(errp, ENOMEM, "out of memory");
	}
	drop_port(m, br, cmd->name, true);
	free(br);
	return 0;
}

static int set_cmd(struct model *m, const struct cli_cmd *cmd, char **errp)
{
	switch (cmd->verb) {
	case CLI_CMD_SET_BRIDGE:
		if (!json_object_get(m->br, cmd->bridge)) {
			return cli_fail(errp, ENOENT, "no row \"%s\" in table Bridge", cmd->bridge);
		}
		set_bridge(m, cmd->bridge, &cmd->cols);
		return 0;
	case CLI_CMD_SET_PORT:
		if (!json_object_get(m->port, cmd->name)) {
			return cli_fail(errp, ENOENT, "no row \"%s\" in table Port", cmd->name);
		}
		set_port(m, cmd->name, &cmd->cols);
		return 0;
	default:
		if (!json_object_get(m->iface, cmd->name)) {
			return cli_fail(errp, ENOENT, "no row \"%s\" in table Interface",
			                cmd->name);
		}
		set_iface(m, cmd->name, &cmd->cols);
		return 0;
	}
}

static int clear_cmd(struct model *m, const struct cli_cmd *cmd, char **errp)
{
	bool port = !strcmp(cmd->table, "Port");
	json_t *idx = !strcmp(cmd->table, "Bridge") ? m->br : port ? m->port : m->iface;
	json_t *rec = json_object_get(idx, cmd->record);

	if (!rec) {
		return cli_fail(errp, ENOENT, "no row \"%s\" in table %s", cmd->record, cmd->table);
	}
	if (!port) {
		/* the model's map of later "set ... KEY=VALUE" starts empty again */
		json_object_clear(json_object_get(rec, m->br == idx ? "oc" : "options"));
	}
	update(m, cmd->table, cmd->record,
	       json_pack("{s:[s,[]]}", cmd->column, port ? "set" : "map"));
	return 0;
}

static int build_one(struct model *m, const struct cli_cmd *cmd, char **errp)
{
	switch (cmd->verb) {
	case CLI_CMD_ADD_BR:
		return add_br(m, cmd, errp);
	case CLI_CMD_DEL_BR:
		return del_br(m, cmd, errp);
	case CLI_CMD_ADD_PORT:
		return add_port(m, cmd, errp);
	case CLI_CMD_DEL_PORT:
		return del_port(m, cmd, errp);
	case CLI_CMD_SET_PORT:
	case CLI_CMD_SET_IFACE:
	case CLI_CMD_SET_BRIDGE:
		return set_cmd(m, cmd, errp);
	case CLI_CMD_CLEAR:
		return clear_cmd(m, cmd, errp);
	case CLI_CMD_LIST_PORTS:
		return json_object_get(m->br, cmd->bridge)
		           ? 0
		           : cli_fail(errp, ENOENT, "no bridge named %s", cmd->bridge);
	default:
		return 0;
	}
}

int cli_db_txn_build(const json_t *snap, const struct cli_cmd_list *list, bool bump_cfg,
                     json_t **ops, char **errp)
{
	struct model m = {
	    .br = json_object(),
	    .port = json_object(),
	    .iface = json_object(),
	    .ops = json_array(),
	};
	int ret = 0;

	*ops = NULL;
	if (!m.br || !m.port || !m.iface || !m.ops) {
		ret = cli_fail(errp, ENOMEM, "out of memory");
		goto out;
	}
	model_load(&m, snap);
	for (size_t i = 0; i < list->n_cmds && ret == 0; i++) {
		ret = build_one(&m, &list->cmds[i], errp);
	}
	if (ret == 0) {
		size_t n_flow_ops = 0;

		ret = cli_db_flows_build(snap, m.br, m.port, list, m.ops, &n_flow_ops, errp);
		m.writes = m.writes || n_flow_ops > 0;
	}
	if (ret == 0 && m.writes && !cli_db_snap_find(snap, "Open_vSwitch", ".")) {
		/* A new database has no Open_vSwitch row: ovs-vsctl creates it first. */
		json_array_insert_new(
		    m.ops, 0,
		    json_pack("{s:s,s:s,s:{}}", "op", "insert", "table", "Open_vSwitch", "row"));
	}
	if (ret == 0 && m.writes && bump_cfg) {
		add_op(&m, json_pack("{s:s,s:s,s:[],s:[[s,s,i]]}", "op", "mutate", "table",
		                     "Open_vSwitch", "where", "mutations", "next_cfg", "+=", 1));
		add_op(&m, json_pack("{s:s,s:s,s:[],s:[s]}", "op", "select", "table",
		                     "Open_vSwitch", "where", "columns", "next_cfg"));
	}
	if (ret == 0) {
		*ops = m.ops;
		m.ops = NULL;
	}
out:
	json_decref(m.br);
	json_decref(m.port);
	json_decref(m.iface);
	json_decref(m.ops);
	return ret;
}
