/* weftctl dataplane backend: commands -> weft-dataplane control requests. */
#include <errno.h>

#include "dp-request.h"

static const char *const methods[CMD__COUNT] = {
    [CMD_ADD_BR] = "bridge-add",
    [CMD_DEL_BR] = "bridge-del",
    [CMD_ADD_PORT] = "port-add",
    [CMD_DEL_PORT] = "port-del",
    [CMD_SET_PORT] = "port-set",
    [CMD_SET_IFACE] = "port-set",
    [CMD_SET_BRIDGE] = "bridge-set",
    [CMD_SHOW] = "show",
    [CMD_FDB_SHOW] = "fdb-show",
    [CMD_FDB_FLUSH] = "fdb-flush",
    [CMD_FDB_ADD] = "fdb-add",
    [CMD_FDB_DEL] = "fdb-del",
    [CMD_DP_SHOW] = "dp-show",
    [CMD_STATS] = "stats",
    [CMD_REPLAY_RUN] = "replay-run",
    [CMD_DP_EXIT] = "exit",
    [CMD_TNL_NEIGH_SHOW] = "tnl-neigh-show",
    [CMD_TNL_NEIGH_SET] = "tnl-neigh-set",
    [CMD_TNL_NEIGH_FLUSH] = "tnl-neigh-flush",
};

/* json_object_set_new() that remembers a failure in '*ok'. */
static void put(json_t *obj, const char *key, json_t *value, int *ok)
{
	if (!value || json_object_set_new(obj, key, value) < 0) {
		*ok = 0;
	}
}

static void put_str(json_t *obj, const char *key, const char *s, int *ok)
{
	if (s) {
		put(obj, key, json_string(s), ok);
	}
}

static void put_map(json_t *obj, const char *key, json_t *map, int *ok)
{
	if (map) {
		put(obj, key, json_deep_copy(map), ok);
	}
}

/* Port columns; 'clear_as_null': port-set sends null for "[]", port-add omits it. */
static void put_port_cols(json_t *p, const struct cmd_cols *c, int clear_as_null, int *ok)
{
	if (c->tag_state == CMD_COL_SET) {
		put(p, "tag", json_integer(c->tag), ok);
	} else if (c->tag_state == CMD_COL_CLEAR && clear_as_null) {
		put(p, "tag", json_null(), ok);
	}
	if (c->trunks_state == CMD_COL_SET) {
		json_t *arr = json_array();

		for (size_t i = 0; arr && i < c->n_trunks; i++) {
			if (json_array_append_new(arr, json_integer(c->trunks[i])) < 0) {
				*ok = 0;
			}
		}
		put(p, "trunks", arr, ok);
	}
	if (c->vlan_mode_state == CMD_COL_SET) {
		put_str(p, "vlan_mode", c->vlan_mode, ok);
	} else if (c->vlan_mode_state == CMD_COL_CLEAR && clear_as_null) {
		put(p, "vlan_mode", json_null(), ok);
	}
}

int dp_request(const struct cmd *cmd, const char **method, json_t **params)
{
	json_t *p = json_object();
	int ok = p != NULL;

	*method = methods[cmd->verb];
	switch (cmd->verb) {
	case CMD_ADD_BR:
		put_str(p, "name", cmd->bridge, &ok);
		put_map(p, "other_config", cmd->cols.other_config, &ok);
		break;
	case CMD_DEL_BR:
		put_str(p, "name", cmd->bridge, &ok);
		break;
	case CMD_SET_BRIDGE:
		put_str(p, "name", cmd->bridge, &ok);
		put_map(p, "other_config", cmd->cols.other_config, &ok);
		break;
	case CMD_ADD_PORT:
		put_str(p, "bridge", cmd->bridge, &ok);
		put_str(p, "name", cmd->name, &ok);
		if (cmd->cols.type && cmd->cols.type[0]) {
			put_str(p, "type", cmd->cols.type, &ok);
		}
		put_map(p, "options", cmd->cols.options, &ok);
		put_port_cols(p, &cmd->cols, 0, &ok);
		break;
	case CMD_DEL_PORT:
		put_str(p, "name", cmd->name, &ok);
		put_str(p, "bridge", cmd->bridge, &ok);
		break;
	case CMD_SET_PORT:
	case CMD_SET_IFACE:
		put_str(p, "name", cmd->name, &ok);
		put_port_cols(p, &cmd->cols, 1, &ok);
		put_map(p, "options", cmd->cols.options, &ok);
		break;
	case CMD_FDB_SHOW:
	case CMD_FDB_FLUSH:
	case CMD_TNL_NEIGH_SHOW:
	case CMD_TNL_NEIGH_FLUSH:
		put_str(p, "bridge", cmd->bridge, &ok);
		break;
	case CMD_TNL_NEIGH_SET:
		put_str(p, "bridge", cmd->bridge, &ok);
		put_str(p, "ip", cmd->ip, &ok);
		put_str(p, "mac", cmd->mac, &ok);
		put_str(p, "port", cmd->name, &ok);
		break;
	case CMD_FDB_ADD:
		put_str(p, "bridge", cmd->bridge, &ok);
		put_str(p, "port", cmd->name, &ok);
		put(p, "vlan", json_integer(cmd->vlan), &ok);
		put_str(p, "mac", cmd->mac, &ok);
		break;
	case CMD_FDB_DEL:
		put_str(p, "bridge", cmd->bridge, &ok);
		put(p, "vlan", json_integer(cmd->vlan), &ok);
		put_str(p, "mac", cmd->mac, &ok);
		break;
	case CMD_STATS:
		put_str(p, "name", cmd->name, &ok);
		break;
	default: /* show, dp-show, replay-run, exit: no parameters */
		break;
	}
	if (!ok) {
		json_decref(p);
		*params = NULL;
		return -ENOMEM;
	}
	*params = p;
	return 0;
}
