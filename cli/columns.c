/* weftctl "set" columns: table names, COLUMN[:KEY]=VALUE parsing and validation. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "columns.h"
#include "parse.h"

static const char *const port_columns = "tag, trunks, vlan_mode";
static const char *const iface_columns = "type, options";
static const char *const bridge_columns = "other_config";

static const char *const vlan_modes[] = {"access", "trunk", "native-tagged", "native-untagged"};
static const char *const iface_types[] = {"dpdk", "dpdkvhostuser", "dpdkvhostuserclient", "system",
                                          "vxlan"};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

int cli_columns_table(const char *name, enum cli_cmd_verb *verb, char **errp)
{
	if (!strcasecmp(name, "Port")) {
		*verb = CLI_CMD_SET_PORT;
	} else if (!strcasecmp(name, "Interface")) {
		*verb = CLI_CMD_SET_IFACE;
	} else if (!strcasecmp(name, "Bridge")) {
		*verb = CLI_CMD_SET_BRIDGE;
	} else {
		return cli_error(errp, "unknown table '%s' (known: Bridge, Port, Interface)", name);
	}
	return 0;
}

const char *cli_columns_table_name(enum cli_cmd_verb verb)
{
	switch (verb) {
	case CLI_CMD_SET_IFACE:
		return "Interface";
	case CLI_CMD_SET_BRIDGE:
		return "Bridge";
	default:
		return "Port";
	}
}

/* Returns a malloc'd copy of 'v' without surrounding double quotes, or NULL with *errp set
 * on a malformed quoted string. */
static char *unquote(const char *v, const char *column, char **errp)
{
	size_t len = strlen(v);
	char *out;
	size_t n = 0;

	if (len == 0 || v[0] != '"') {
		out = strdup(v);
		if (!out) {
			cli_error(errp, "out of memory");
		}
		return out;
	}
	if (len < 2 || v[len - 1] != '"') {
		cli_error(errp, "%s: unterminated quoted string '%s'", column, v);
		return NULL;
	}
	out = malloc(len);
	if (!out) {
		cli_error(errp, "out of memory");
		return NULL;
	}
	for (size_t i = 1; i < len - 1; i++) {
		if (v[i] == '\\') {
			if (i + 1 >= len - 1 || (v[i + 1] != '"' && v[i + 1] != '\\')) {
				free(out);
				cli_error(errp, "%s: bad escape in quoted string '%s'", column, v);
				return NULL;
			}
			i++;
		} else if (v[i] == '"') {
			free(out);
			cli_error(errp, "%s: unescaped '\"' inside quoted string '%s'", column, v);
			return NULL;
		}
		out[n++] = v[i];
	}
	out[n] = '\0';
	return out;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* "[1,2]", "1,2", "[]" (all VLANs): sorted, duplicates removed. */
static int parse_trunks(const char *value, struct cli_cols *cols, char **errp)
{
	size_t len = strlen(value), n = 0;
	char *copy, *save = NULL;
	int *trunks;
	int ret = 0;

	if (len >= 2 && value[0] == '[' && value[len - 1] == ']') {
		value++;
		len -= 2;
	} else if (len == 0) {
		return cli_error(errp, "empty trunks value (use trunks=[] to allow every VLAN)");
	}
	copy = strndup(value, len);
	trunks = calloc(len / 2 + 1, sizeof(*trunks));
	if (!copy || !trunks) {
		free(copy);
		free(trunks);
		return cli_error(errp, "out of memory");
	}
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		tok += strspn(tok, " ");
		for (size_t l = strlen(tok); l > 0 && tok[l - 1] == ' '; l--) {
			tok[l - 1] = '\0';
		}
		ret = cli_parse_vlan(tok, "trunks VLAN", &trunks[n], errp);
		if (ret < 0) {
			break;
		}
		n++;
	}
	if (!ret && n == 0 && len > 0 && strspn(value, " ") != len) {
		ret = cli_error(errp, "invalid trunks '%.*s'", (int)len, value);
	}
	/* "1,,2" or a trailing comma: every comma must separate two VLANs. */
	if (!ret && n > 0) {
		size_t commas = 0;

		for (size_t i = 0; i < len; i++) {
			commas += value[i] == ',';
		}
		if (commas != n - 1) {
			ret = cli_error(errp, "empty VLAN in trunks '%.*s'", (int)len, value);
		}
	}
	free(copy);
	if (ret < 0) {
		free(trunks);
		return ret;
	}
	qsort(trunks, n, sizeof(*trunks), cmp_int);
	size_t u = 0;
	for (size_t i = 0; i < n; i++) {
		if (u == 0 || trunks[u - 1] != trunks[i]) {
			trunks[u++] = trunks[i];
		}
	}
	free(cols->trunks);
	cols->trunks = trunks;
	cols->n_trunks = u;
	cols->trunks_state = CLI_COL_SET;
	return 0;
}

static int parse_port_column(const char *column, const char *value, struct cli_cols *cols,
                             char **errp)
{
	if (!strcmp(column, "tag")) {
		if (!strcmp(value, "[]")) {
			cols->tag_state = CLI_COL_CLEAR;
			return 0;
		}
		int ret = cli_parse_vlan(value, "tag", &cols->tag, errp);
		if (ret == 0) {
			cols->tag_state = CLI_COL_SET;
		}
		return ret;
	}
	if (!strcmp(column, "trunks")) {
		return parse_trunks(value, cols, errp);
	}
	/* vlan_mode */
	free(cols->vlan_mode);
	cols->vlan_mode = NULL;
	cols->vlan_mode_state = CLI_COL_UNSET;
	if (!strcmp(value, "[]")) {
		cols->vlan_mode_state = CLI_COL_CLEAR;
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(vlan_modes); i++) {
		if (!strcmp(value, vlan_modes[i])) {
			cols->vlan_mode = strdup(value);
			if (!cols->vlan_mode) {
				return cli_error(errp, "out of memory");
			}
			cols->vlan_mode_state = CLI_COL_SET;
			return 0;
		}
	}
	return cli_error(errp,
	                 "invalid vlan_mode '%s' (expected access, trunk, native-tagged or "
	                 "native-untagged)",
	                 value);
}

static int parse_type(const char *value, struct cli_cols *cols, char **errp)
{
	bool known = value[0] == '\0';

	for (size_t i = 0; i < ARRAY_SIZE(iface_types) && !known; i++) {
		known = !strcmp(value, iface_types[i]);
	}
	if (!known) {
		return cli_error(errp,
		                 "unknown interface type '%s' (expected dpdk, dpdkvhostuser, "
		                 "dpdkvhostuserclient, system, vxlan or \"\")",
		                 value);
	}
	free(cols->type);
	cols->type = strdup(value);
	return cols->type ? 0 : cli_error(errp, "out of memory");
}

/* Checks the underlay (VTEP) keys of a bridge, with the dataplane's ranges (docs/control-rpc.md,
 * Tunnels). Other keys are accepted as they are. */
static int check_tunnel_key(const char *key, const char *value, const char *what, char **errp)
{
	char ip[16], mac[18];
	long long v;

	if (!strcmp(key, "tunnel-ip")) {
		const char *slash = strchr(value, '/');
		char *addr = strndup(value, slash ? (size_t)(slash - value) : strlen(value));
		int ret;

		if (!addr) {
			return cli_error(errp, "out of memory");
		}
		ret = cli_parse_ipv4(addr, what, ip, errp);
		free(addr);
		if (ret == 0 && slash) {
			char plen[96];

			snprintf(plen, sizeof(plen), "%s prefix length", what);
			ret = cli_parse_uint(slash + 1, 1, 32, plen, &v, errp);
		}
		return ret;
	}
	if (!strcmp(key, "tunnel-gateway")) {
		return cli_parse_ipv4(value, what, ip, errp);
	}
	if (!strcmp(key, "tunnel-mac")) {
		if (strlen(value) != 17) {
			return cli_error(errp, "invalid %s '%s' (expected xx:xx:xx:xx:xx:xx)", what,
			                 value);
		}
		return cli_parse_unicast_mac(value, mac, errp);
	}
	if (!strcmp(key, "tunnel-mtu")) {
		return cli_parse_uint(value, 82, 9600, what, &v, errp);
	}
	if (!strcmp(key, "tunnel-udp-port")) {
		return cli_parse_uint(value, 1, 65535, what, &v, errp);
	}
	if (!strcmp(key, "neigh-timeout")) {
		return cli_parse_uint(value, 1, 86400, what, &v, errp);
	}
	if (!strcmp(key, "vxlan-udp-csum") && strcmp(value, "verify") && strcmp(value, "ignore")) {
		return cli_error(errp, "invalid %s '%s' (expected verify or ignore)", what, value);
	}
	return 0;
}

/* Checks the other_config keys the dataplane interprets. */
static int check_other_config(const char *key, const char *value, char **errp)
{
	char what[64];
	long long v;

	snprintf(what, sizeof(what), "other_config:%s", key);
	if (!strcmp(key, "mac-aging-time")) {
		return cli_parse_uint(value, 1, 86400, what, &v, errp);
	}
	if (!strcmp(key, "mac-table-size")) {
		return cli_parse_uint(value, 1, 4194304, what, &v, errp);
	}
	return check_tunnel_key(key, value, what, errp);
}

static int set_map_key(json_t **map, const char *key, const char *value, char **errp)
{
	if (!*map) {
		*map = json_object();
	}
	if (!*map || json_object_set_new(*map, key, json_string(value)) < 0) {
		return cli_error(errp, "out of memory");
	}
	return 0;
}

int cli_columns_parse(enum cli_cmd_verb verb, const char *arg, struct cli_cols *cols, char **errp)
{
	const char *eq = strchr(arg, '=');
	const char *table = cli_columns_table_name(verb);
	const char *known;
	char *column = NULL, *key = NULL, *value = NULL;
	const char *colon;
	int ret;

	if (!eq || eq == arg) {
		return cli_error(errp, "'%s' is not COLUMN=VALUE or COLUMN:KEY=VALUE (table %s)",
		                 arg, table);
	}
	colon = memchr(arg, ':', (size_t)(eq - arg));
	column = strndup(arg, (size_t)((colon ? colon : eq) - arg));
	if (colon) {
		key = strndup(colon + 1, (size_t)(eq - colon - 1));
	}
	if (!column || (colon && !key)) {
		ret = cli_error(errp, "out of memory");
		goto out;
	}
	known = verb == CLI_CMD_SET_PORT    ? port_columns
	        : verb == CLI_CMD_SET_IFACE ? iface_columns
	                                    : bridge_columns;

	bool is_map = !strcmp(column, verb == CLI_CMD_SET_IFACE ? "options" : "other_config") &&
	              verb != CLI_CMD_SET_PORT;
	bool is_scalar =
	    (verb == CLI_CMD_SET_PORT && (!strcmp(column, "tag") || !strcmp(column, "trunks") ||
	                                  !strcmp(column, "vlan_mode"))) ||
	    (verb == CLI_CMD_SET_IFACE && !strcmp(column, "type"));

	if (!is_map && !is_scalar) {
		ret = cli_error(errp, "unknown column '%s' in table %s (known: %s)", column, table,
		                known);
		goto out;
	}
	if (is_scalar && key) {
		ret = cli_error(errp, "column '%s' of table %s is not a map: '%s' is invalid",
		                column, table, arg);
		goto out;
	}
	if (is_map && !key) {
		ret = cli_error(errp, "column '%s' of table %s is a map: use %s:KEY=VALUE", column,
		                table, column);
		goto out;
	}
	if (is_map && key[0] == '\0') {
		ret = cli_error(errp, "empty key in '%s' (table %s)", arg, table);
		goto out;
	}
	value = unquote(eq + 1, column, errp);
	if (!value) {
		ret = -EINVAL;
		goto out;
	}
	if (verb == CLI_CMD_SET_PORT) {
		ret = parse_port_column(column, value, cols, errp);
	} else if (verb == CLI_CMD_SET_IFACE && !key) {
		ret = parse_type(value, cols, errp);
	} else if (verb == CLI_CMD_SET_IFACE) {
		ret = set_map_key(&cols->options, key, value, errp);
	} else {
		ret = check_other_config(key, value, errp);
		if (!ret) {
			ret = set_map_key(&cols->other_config, key, value, errp);
		}
	}
out:
	free(column);
	free(key);
	free(value);
	return ret;
}
