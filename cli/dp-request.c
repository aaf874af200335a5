/* weftctl dataplane backend: commands -> weft-dataplane control requests. Method names and
 * keys are the constants generated from dataplane/ctl/methods.json (methods_gen.h). */
#include <errno.h>
#include <stdlib.h>

#include "dp-request.h"
#include "flows.h"
#include "methods.h"

static const char *const methods[CLI_CMD__COUNT] = {
    [CLI_CMD_ADD_BR] = WF_RPC_METHOD_BRIDGE_ADD,
    [CLI_CMD_DEL_BR] = WF_RPC_METHOD_BRIDGE_DEL,
    [CLI_CMD_ADD_PORT] = WF_RPC_METHOD_PORT_ADD,
    [CLI_CMD_DEL_PORT] = WF_RPC_METHOD_PORT_DEL,
    [CLI_CMD_SET_PORT] = WF_RPC_METHOD_PORT_SET,
    [CLI_CMD_SET_IFACE] = WF_RPC_METHOD_PORT_SET,
    [CLI_CMD_SET_BRIDGE] = WF_RPC_METHOD_BRIDGE_SET,
    [CLI_CMD_SHOW] = WF_RPC_METHOD_SHOW,
    [CLI_CMD_FDB_SHOW] = WF_RPC_METHOD_FDB_SHOW,
    [CLI_CMD_FDB_FLUSH] = WF_RPC_METHOD_FDB_FLUSH,
    [CLI_CMD_FDB_STATS] = WF_RPC_METHOD_FDB_STATS,
    [CLI_CMD_FDB_ADD] = WF_RPC_METHOD_FDB_ADD,
    [CLI_CMD_FDB_DEL] = WF_RPC_METHOD_FDB_DEL,
    [CLI_CMD_DP_SHOW] = WF_RPC_METHOD_DP_SHOW,
    [CLI_CMD_STATS] = WF_RPC_METHOD_STATS,
    [CLI_CMD_REPLAY_RUN] = WF_RPC_METHOD_REPLAY_RUN,
    [CLI_CMD_DP_EXIT] = WF_RPC_METHOD_EXIT,
    [CLI_CMD_TNL_NEIGH_SHOW] = WF_RPC_METHOD_TNL_NEIGH_SHOW,
    [CLI_CMD_TNL_NEIGH_SET] = WF_RPC_METHOD_TNL_NEIGH_SET,
    [CLI_CMD_TNL_NEIGH_FLUSH] = WF_RPC_METHOD_TNL_NEIGH_FLUSH,
    [CLI_CMD_ADD_FLOW] = WF_RPC_METHOD_FLOW_ADD,
    [CLI_CMD_ADD_FLOWS] = WF_RPC_METHOD_FLOW_ADD,
    [CLI_CMD_DEL_FLOWS] = WF_RPC_METHOD_FLOW_DEL,
    [CLI_CMD_MOD_FLOWS] = WF_RPC_METHOD_FLOW_MOD,
    [CLI_CMD_DUMP_FLOWS] = WF_RPC_METHOD_FLOW_DUMP,
    [CLI_CMD_REPLACE_FLOWS] = WF_RPC_METHOD_FLOW_REPLACE,
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
static void put_port_cols(json_t *p, const struct cli_cols *c, int clear_as_null, int *ok)
{
	if (c->tag_state == CLI_COL_SET) {
		put(p, WF_RPC_KEY_TAG, json_integer(c->tag), ok);
	} else if (c->tag_state == CLI_COL_CLEAR && clear_as_null) {
		put(p, WF_RPC_KEY_TAG, json_null(), ok);
	}
	if (c->trunks_state == CLI_COL_SET) {
		json_t *arr = json_array();

		for (size_t i = 0; arr && i < c->n_trunks; i++) {
			if (json_array_append_new(arr, json_integer(c->trunks[i])) < 0) {
				*ok = 0;
			}
		}
		put(p, WF_RPC_KEY_TRUNKS, arr, ok);
	}
	if (c->vlan_mode_state == CLI_COL_SET) {
		put_str(p, WF_RPC_KEY_VLAN_MODE, c->vlan_mode, ok);
	} else if (c->vlan_mode_state == CLI_COL_CLEAR && clear_as_null) {
		put(p, WF_RPC_KEY_VLAN_MODE, json_null(), ok);
	}
}

int cli_dp_request(const struct cli_cmd *cmd, const char **method, json_t **params)
{
	json_t *p = json_object();
	int ok = p != NULL;

	*method = methods[cmd->verb];
	switch (cmd->verb) {
	case CLI_CMD_ADD_BR:
		put_str(p, WF_RPC_KEY_NAME, cmd->bridge, &ok);
		put_map(p, WF_RPC_KEY_OTHER_CONFIG, cmd->cols.other_config, &ok);
		break;
	case CLI_CMD_DEL_BR:
		put_str(p, WF_RPC_KEY_NAME, cmd->bridge, &ok);
		break;
	case CLI_CMD_SET_BRIDGE:
		put_str(p, WF_RPC_KEY_NAME, cmd->bridge, &ok);
		put_map(p, WF_RPC_KEY_OTHER_CONFIG, cmd->cols.other_config, &ok);
		break;
	case CLI_CMD_ADD_PORT:
		put_str(p, WF_RPC_KEY_BRIDGE, cmd->bridge, &ok);
		put_str(p, WF_RPC_KEY_NAME, cmd->name, &ok);
		if (cmd->cols.type && cmd->cols.type[0]) {
			put_str(p, WF_RPC_KEY_TYPE, cmd->cols.type, &ok);
		}
		put_map(p, WF_RPC_KEY_OPTIONS, cmd->cols.options, &ok);
		put_port_cols(p, &cmd->cols, 0, &ok);
		break;
	case CLI_CMD_DEL_PORT:
		put_str(p, WF_RPC_KEY_NAME, cmd->name, &ok);
		put_str(p, WF_RPC_KEY_BRIDGE, cmd->bridge, &ok);
		break;
	case CLI_CMD_SET_PORT:
	case CLI_CMD_SET_IFACE:
		put_str(p, WF_RPC_KEY_NAME, cmd->name, &ok);
		put_port_cols(p, &cmd->cols, 1, &ok);
		put_map(p, WF_RPC_KEY_OPTIONS, cmd->cols.options, &ok);
		break;
	case CLI_CMD_FDB_SHOW:
	case CLI_CMD_FDB_STATS:
	case CLI_CMD_FDB_FLUSH:
	case CLI_CMD_TNL_NEIGH_SHOW:
	case CLI_CMD_TNL_NEIGH_FLUSH:
		put_str(p, WF_RPC_KEY_BRIDGE, cmd->bridge, &ok);
		break;
	case CLI_CMD_TNL_NEIGH_SET:
		put_str(p, WF_RPC_KEY_BRIDGE, cmd->bridge, &ok);
		put_str(p, WF_RPC_KEY_IP, cmd->ip, &ok);
		put_str(p, WF_RPC_KEY_MAC, cmd->mac, &ok);
		put_str(p, WF_RPC_KEY_PORT, cmd->name, &ok);
		break;
	case CLI_CMD_FDB_ADD:
		put_str(p, WF_RPC_KEY_BRIDGE, cmd->bridge, &ok);
		put_str(p, WF_RPC_KEY_PORT, cmd->name, &ok);
		put(p, WF_RPC_KEY_VLAN, json_integer(cmd->vlan), &ok);
		put_str(p, WF_RPC_KEY_MAC, cmd->mac, &ok);
		break;
	case CLI_CMD_FDB_DEL:
		put_str(p, WF_RPC_KEY_BRIDGE, cmd->bridge, &ok);
		put(p, WF_RPC_KEY_VLAN, json_integer(cmd->vlan), &ok);
		put_str(p, WF_RPC_KEY_MAC, cmd->mac, &ok);
		break;
	case CLI_CMD_STATS:
		put_str(p, WF_RPC_KEY_NAME, cmd->name, &ok);
		break;
	case CLI_CMD_ADD_FLOW:
	case CLI_CMD_ADD_FLOWS:
	case CLI_CMD_DEL_FLOWS:
	case CLI_CMD_MOD_FLOWS:
	case CLI_CMD_DUMP_FLOWS:
	case CLI_CMD_REPLACE_FLOWS:
		cli_flows_params(cmd, p, &ok);
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

int cli_dp_request_check(const char *method, const json_t *params, char **errp)
{
	char err[256];

	if (wf_rpc_check_request(method, params, err, sizeof(err)) < 0) {
		return cli_error(errp,
		                 "internal error: %s request does not match the method table: %s",
		                 method ? method : "(no method)", err);
	}
	return 0;
}
