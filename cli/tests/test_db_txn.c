/* Unit tests of cli/db-txn.c and cli/db-show.c: command lines -> the RFC 7047 operations of
 * the one transaction (exact JSON), on synthetic database contents; errors and their
 * messages (nothing built); read-only verbs rendered like ovs-vsctl. No I/O. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "db-show.h"
#include "db-txn.h"
#include "parse.h"

/* br0 (internal port br0, port p0 tag 5 with interface p0 options {a=1}), other_config
 * {mac-aging-time=30}; next_cfg 7. */
static const char *SNAP =
    "{\"Open_vSwitch\": [{\"_uuid\": [\"uuid\", \"00000000-0000-0000-0000-000000000001\"],"
    "  \"bridges\": [\"uuid\", \"00000000-0000-0000-0000-0000000000b0\"], \"next_cfg\": 7,"
    "  \"cur_cfg\": 7, \"ovs_version\": [\"set\", []]}],"
    " \"Bridge\": [{\"_uuid\": [\"uuid\", \"00000000-0000-0000-0000-0000000000b0\"],"
    "  \"name\": \"br0\", \"datapath_type\": \"\", \"fail_mode\": [\"set\", []],"
    "  \"other_config\": [\"map\", [[\"mac-aging-time\", \"30\"]]],"
    "  \"ports\": [\"set\", [[\"uuid\", \"00000000-0000-0000-0000-0000000000a1\"],"
    "                      [\"uuid\", \"00000000-0000-0000-0000-0000000000a0\"]]]}],"
    " \"Port\": [{\"_uuid\": [\"uuid\", \"00000000-0000-0000-0000-0000000000a0\"],"
    "  \"name\": \"br0\", \"tag\": [\"set\", []], \"trunks\": [\"set\", []],"
    "  \"interfaces\": [\"uuid\", \"00000000-0000-0000-0000-0000000000c0\"]},"
    "  {\"_uuid\": [\"uuid\", \"00000000-0000-0000-0000-0000000000a1\"],"
    "  \"name\": \"p0\", \"tag\": 5, \"trunks\": [\"set\", [1, 2]],"
    "  \"interfaces\": [\"uuid\", \"00000000-0000-0000-0000-0000000000c1\"]}],"
    " \"Interface\": [{\"_uuid\": [\"uuid\", \"00000000-0000-0000-0000-0000000000c0\"],"
    "  \"name\": \"br0\", \"type\": \"internal\", \"options\": [\"map\", []],"
    "  \"ofport\": 65534, \"error\": [\"set\", []]},"
    "  {\"_uuid\": [\"uuid\", \"00000000-0000-0000-0000-0000000000c1\"],"
    "  \"name\": \"p0\", \"type\": \"\", \"options\": [\"map\", [[\"a\", \"1\"]]],"
    "  \"ofport\": 1, \"error\": \"boom\"}]}";

static json_t *snap(void)
{
	json_t *s = json_loads(SNAP, 0, NULL);

	assert_non_null(s);
	return s;
}

/* Parses 'line' (space-separated), builds the transaction; returns the compact JSON of the
 * operations (or "ERR <errno>: <message>"); caller frees. */
static char *txn(const char *line, bool bump)
{
	char *copy = strdup(line), *argv[64] = {"weftctl"}, *msg = NULL, *out;
	int argc = 1, ret;
	struct cli_opts opts;
	struct cli_cmd_list list;
	json_t *ops = NULL, *s = snap();

	for (char *t = strtok(copy, " "); t; t = strtok(NULL, " ")) {
		argv[argc++] = t;
	}
	assert_int_equal(cli_parse_argv(argc, argv, &opts, &list, &msg), 0);
	ret = cli_db_txn_build(s, &list, bump, &ops, &msg);
	if (ret < 0) {
		assert_null(ops);
		assert_int_not_equal(asprintf(&out, "ERR %d: %s", -ret, msg), -1);
	} else {
		out = json_dumps(ops, JSON_COMPACT | JSON_SORT_KEYS);
	}
	free(msg);
	json_decref(ops);
	json_decref(s);
	cli_cmd_list_free(&list);
	free(copy);
	return out;
}

static void check(const char *line, bool bump, const char *want)
{
	char *got = txn(line, bump);

	if (strcmp(got, want)) {
		fprintf(stderr, "%s\n  got:  %s\n  want: %s\n", line, got, want);
	}
	assert_string_equal(got, want);
	free(got);
}

static void test_writes(void **state)
{
	(void)state;
	check("add-br br1", true,
	      "[{\"op\":\"insert\",\"row\":{\"name\":\"br1\",\"type\":\"internal\"},\"table\":"
	      "\"Interface\",\"uuid-name\":\"weftctl_row1\"},{\"op\":\"insert\",\"row\":{"
	      "\"interfaces\":[\"named-uuid\",\"weftctl_row1\"],\"name\":\"br1\"},\"table\":"
	      "\"Port\",\"uuid-name\":\"weftctl_row2\"},{\"op\":\"insert\",\"row\":{\"name\":"
	      "\"br1\",\"other_config\":[\"map\",[]],\"ports\":[\"named-uuid\",\"weftctl_row2\"]},"
	      "\"table\":\"Bridge\",\"uuid-name\":\"weftctl_row3\"},{\"mutations\":[[\"bridges\","
	      "\"insert\",[\"set\",[[\"named-uuid\",\"weftctl_row3\"]]]]],\"op\":\"mutate\","
	      "\"table\":\"Open_vSwitch\",\"where\":[]},{\"mutations\":[[\"next_cfg\",\"+=\",1]],"
	      "\"op\":\"mutate\",\"table\":\"Open_vSwitch\",\"where\":[]},{\"columns\":[\"next_"
	      "cfg\"],\"op\":\"select\",\"table\":\"Open_vSwitch\",\"where\":[]}]");
	check(
	    "add-br br1 -- set Bridge br1 other_config:mac-aging-time=40 -- add-port br1 v1 -- set "
	    "Interface v1 type=dpdkvhostuser -- set Port v1 tag=10 trunks=1,2 vlan_mode=trunk",
	    true,
	    "[{\"op\":\"insert\",\"row\":{\"name\":\"br1\",\"type\":\"internal\"},\"table\":"
	    "\"Interface\",\"uuid-name\":\"weftctl_row1\"},{\"op\":\"insert\",\"row\":{"
	    "\"interfaces\":[\"named-uuid\",\"weftctl_row1\"],\"name\":\"br1\"},\"table\":\"Port\","
	    "\"uuid-name\":\"weftctl_row2\"},{\"op\":\"insert\",\"row\":{\"name\":\"br1\",\"other_"
	    "config\":[\"map\",[[\"mac-aging-time\",\"40\"]]],\"ports\":[\"named-uuid\",\"weftctl_"
	    "row2\"]},\"table\":\"Bridge\",\"uuid-name\":\"weftctl_row3\"},{\"mutations\":[["
	    "\"bridges\",\"insert\",[\"set\",[[\"named-uuid\",\"weftctl_row3\"]]]]],\"op\":"
	    "\"mutate\",\"table\":\"Open_vSwitch\",\"where\":[]},{\"op\":\"insert\",\"row\":{"
	    "\"name\":\"v1\",\"type\":\"dpdkvhostuser\"},\"table\":\"Interface\",\"uuid-name\":"
	    "\"weftctl_row4\"},{\"op\":\"insert\",\"row\":{\"interfaces\":[\"named-uuid\","
	    "\"weftctl_row4\"],\"name\":\"v1\",\"tag\":10,\"trunks\":[\"set\",[1,2]],\"vlan_mode\":"
	    "\"trunk\"},\"table\":\"Port\",\"uuid-name\":\"weftctl_row5\"},{\"mutations\":[["
	    "\"ports\",\"insert\",[\"set\",[[\"named-uuid\",\"weftctl_row5\"]]]]],\"op\":"
	    "\"mutate\",\"table\":\"Bridge\",\"where\":[[\"name\",\"==\",\"br1\"]]},{\"mutations\":"
	    "[[\"next_cfg\",\"+=\",1]],\"op\":\"mutate\",\"table\":\"Open_vSwitch\",\"where\":[]},{"
	    "\"columns\":[\"next_cfg\"],\"op\":\"select\",\"table\":\"Open_vSwitch\",\"where\":[]}"
	    "]");
	check("del-br br0", true,
	      "[{\"op\":\"delete\",\"table\":\"Interface\",\"where\":[[\"name\",\"==\",\"p0\"]]},{"
	      "\"op\":\"delete\",\"table\":\"Port\",\"where\":[[\"name\",\"==\",\"p0\"]]},{\"op\":"
	      "\"delete\",\"table\":\"Interface\",\"where\":[[\"name\",\"==\",\"br0\"]]},{\"op\":"
	      "\"delete\",\"table\":\"Port\",\"where\":[[\"name\",\"==\",\"br0\"]]},{\"mutations\":"
	      "[[\"bridges\",\"delete\",[\"set\",[[\"uuid\",\"00000000-0000-0000-0000-"
	      "0000000000b0\"]]]]],\"op\":\"mutate\",\"table\":\"Open_vSwitch\",\"where\":[]},{"
	      "\"op\":\"delete\",\"table\":\"Bridge\",\"where\":[[\"name\",\"==\",\"br0\"]]},{"
	      "\"mutations\":[[\"next_cfg\",\"+=\",1]],\"op\":\"mutate\",\"table\":\"Open_"
	      "vSwitch\",\"where\":[]},{\"columns\":[\"next_cfg\"],\"op\":\"select\",\"table\":"
	      "\"Open_vSwitch\",\"where\":[]}]");
	check("add-port br0 p1 -- set Interface p1 type=vxlan options:remote_ip=1.2.3.4", true,
	      "[{\"op\":\"insert\",\"row\":{\"name\":\"p1\",\"options\":[\"map\",[[\"remote_ip\","
	      "\"1.2.3.4\"]]],\"type\":\"vxlan\"},\"table\":\"Interface\",\"uuid-name\":\"weftctl_"
	      "row1\"},{\"op\":\"insert\",\"row\":{\"interfaces\":[\"named-uuid\",\"weftctl_row1\"]"
	      ",\"name\":\"p1\"},\"table\":\"Port\",\"uuid-name\":\"weftctl_row2\"},{\"mutations\":"
	      "[[\"ports\",\"insert\",[\"set\",[[\"named-uuid\",\"weftctl_row2\"]]]]],\"op\":"
	      "\"mutate\",\"table\":\"Bridge\",\"where\":[[\"name\",\"==\",\"br0\"]]},{"
	      "\"mutations\":[[\"next_cfg\",\"+=\",1]],\"op\":\"mutate\",\"table\":\"Open_"
	      "vSwitch\",\"where\":[]},{\"columns\":[\"next_cfg\"],\"op\":\"select\",\"table\":"
	      "\"Open_vSwitch\",\"where\":[]}]");
	check("del-port p0", true,
	      "[{\"mutations\":[[\"ports\",\"delete\",[\"set\",[[\"uuid\",\"00000000-0000-0000-"
	      "0000-0000000000a1\"]]]]],\"op\":\"mutate\",\"table\":\"Bridge\",\"where\":[["
	      "\"name\",\"==\",\"br0\"]]},{\"op\":\"delete\",\"table\":\"Interface\",\"where\":[["
	      "\"name\",\"==\",\"p0\"]]},{\"op\":\"delete\",\"table\":\"Port\",\"where\":[["
	      "\"name\",\"==\",\"p0\"]]},{\"mutations\":[[\"next_cfg\",\"+=\",1]],\"op\":"
	      "\"mutate\",\"table\":\"Open_vSwitch\",\"where\":[]},{\"columns\":[\"next_cfg\"],"
	      "\"op\":\"select\",\"table\":\"Open_vSwitch\",\"where\":[]}]");
	check("del-port br0 p0", true,
	      "[{\"mutations\":[[\"ports\",\"delete\",[\"set\",[[\"uuid\",\"00000000-0000-0000-"
	      "0000-0000000000a1\"]]]]],\"op\":\"mutate\",\"table\":\"Bridge\",\"where\":[["
	      "\"name\",\"==\",\"br0\"]]},{\"op\":\"delete\",\"table\":\"Interface\",\"where\":[["
	      "\"name\",\"==\",\"p0\"]]},{\"op\":\"delete\",\"table\":\"Port\",\"where\":[["
	      "\"name\",\"==\",\"p0\"]]},{\"mutations\":[[\"next_cfg\",\"+=\",1]],\"op\":"
	      "\"mutate\",\"table\":\"Open_vSwitch\",\"where\":[]},{\"columns\":[\"next_cfg\"],"
	      "\"op\":\"select\",\"table\":\"Open_vSwitch\",\"where\":[]}]");
	check("set Port p0 tag=[] trunks=[] vlan_mode=access", true,
	      "[{\"op\":\"update\",\"row\":{\"tag\":[\"set\",[]],\"trunks\":[\"set\",[]],\"vlan_"
	      "mode\":\"access\"},\"table\":\"Port\",\"where\":[[\"name\",\"==\",\"p0\"]]},{"
	      "\"mutations\":[[\"next_cfg\",\"+=\",1]],\"op\":\"mutate\",\"table\":\"Open_"
	      "vSwitch\",\"where\":[]},{\"columns\":[\"next_cfg\"],\"op\":\"select\",\"table\":"
	      "\"Open_vSwitch\",\"where\":[]}]");
	check("set Interface p0 options:b=2", true,
	      "[{\"op\":\"update\",\"row\":{\"options\":[\"map\",[[\"a\",\"1\"],[\"b\",\"2\"]]]},"
	      "\"table\":\"Interface\",\"where\":[[\"name\",\"==\",\"p0\"]]},{\"mutations\":[["
	      "\"next_cfg\",\"+=\",1]],\"op\":\"mutate\",\"table\":\"Open_vSwitch\",\"where\":[]},{"
	      "\"columns\":[\"next_cfg\"],\"op\":\"select\",\"table\":\"Open_vSwitch\",\"where\":[]"
	      "}]");
	check("set Bridge br0 other_config:mac-table-size=10", true,
	      "[{\"op\":\"update\",\"row\":{\"other_config\":[\"map\",[[\"mac-aging-time\",\"30\"],"
	      "[\"mac-table-size\",\"10\"]]]},\"table\":\"Bridge\",\"where\":[[\"name\",\"==\","
	      "\"br0\"]]},{\"mutations\":[[\"next_cfg\",\"+=\",1]],\"op\":\"mutate\",\"table\":"
	      "\"Open_vSwitch\",\"where\":[]},{\"columns\":[\"next_cfg\"],\"op\":\"select\","
	      "\"table\":\"Open_vSwitch\",\"where\":[]}]");
}

static void test_exist(void **state)
{
	(void)state;
	check("--may-exist add-br br0 -- set Bridge br0 other_config:x=y", true,
	      "[{\"op\":\"update\",\"row\":{\"other_config\":[\"map\",[[\"mac-aging-time\",\"30\"],"
	      "[\"x\",\"y\"]]]},\"table\":\"Bridge\",\"where\":[[\"name\",\"==\",\"br0\"]]},{"
	      "\"mutations\":[[\"next_cfg\",\"+=\",1]],\"op\":\"mutate\",\"table\":\"Open_"
	      "vSwitch\",\"where\":[]},{\"columns\":[\"next_cfg\"],\"op\":\"select\",\"table\":"
	      "\"Open_vSwitch\",\"where\":[]}]");
	check("--may-exist add-port br0 p0 -- set Port p0 tag=9", true,
	      "[{\"op\":\"update\",\"row\":{\"tag\":9},\"table\":\"Port\",\"where\":[[\"name\",\"=="
	      "\",\"p0\"]]},{\"mutations\":[[\"next_cfg\",\"+=\",1]],\"op\":\"mutate\",\"table\":"
	      "\"Open_vSwitch\",\"where\":[]},{\"columns\":[\"next_cfg\"],\"op\":\"select\","
	      "\"table\":\"Open_vSwitch\",\"where\":[]}]");
	check("--if-exists del-br nobr", true, "[]");
	check("--if-exists del-port nope", true, "[]");
	check("--if-exists del-port nobr p0", true, "[]");
	check("--may-exist add-br br0", true, "[]");
}

static void test_errors(void **state)
{
	(void)state;
	check("add-br br0", true,
	      "ERR 17: cannot create a bridge named br0 because a bridge named br0 already exists");
	check("add-port br0 p0", true,
	      "ERR 17: cannot create a port named p0 because a port named p0 already exists on "
	      "bridge br0");
	check("add-port nobr x", true, "ERR 2: no bridge named nobr");
	check("add-br p0", true,
	      "ERR 17: cannot create a bridge named p0 because a port named p0 already exists on "
	      "bridge br0");
	check("--may-exist add-port br1 p0", true, "ERR 2: no bridge named br1");
	check("del-br nobr", true, "ERR 2: no bridge named nobr");
	check("del-port nope", true, "ERR 2: no port named nope");
	check("del-port br0 br0", true,
	      "ERR 22: cannot delete port br0 because it is the local port for bridge br0 "
	      "(deleting this port requires deleting the entire bridge)");
	check("del-port nobr p0", true, "ERR 2: no bridge named nobr");
	check("set Port nope tag=1", true, "ERR 2: no row \"nope\" in table Port");
	check("set Interface nope options:a=b", true, "ERR 2: no row \"nope\" in table Interface");
	check("set Bridge nope other_config:a=b", true, "ERR 2: no row \"nope\" in table Bridge");
	check("add-br br1 -- add-port br1 x -- add-port br1 x", true,
	      "ERR 17: cannot create a port named x because a port named x already exists on "
	      "bridge br1");
	check("add-br br1 -- add-port br1 x -- del-port nope", true, "ERR 2: no port named nope");
	check("list-ports nobr", true, "ERR 2: no bridge named nobr");
}
/* --no-wait: the same operations without the next_cfg bump; a new database (no Open_vSwitch
 * row) gets one inserted first, as ovs-vsctl does. */
static void test_no_wait_and_empty_db(void **state)
{
	struct cli_cmd_list list;
	struct cli_opts opts;
	char *argv[] = {"weftctl", "del-port", "p0"}, *msg = NULL, *text;
	json_t *ops, *s = snap(), *empty = json_object();

	(void)state;
	check("del-port p0", false,
	      "[{\"mutations\":[[\"ports\",\"delete\",[\"set\",[[\"uuid\",\"00000000-0000-0000-"
	      "0000-0000000000a1\"]]]]],\"op\":\"mutate\",\"table\":\"Bridge\",\"where\":[["
	      "\"name\",\"==\",\"br0\"]]},{\"op\":\"delete\",\"table\":\"Interface\",\"where\":[["
	      "\"name\",\"==\",\"p0\"]]},{\"op\":\"delete\",\"table\":\"Port\",\"where\":[["
	      "\"name\",\"==\",\"p0\"]]}]");
	assert_int_equal(cli_parse_argv(3, argv, &opts, &list, &msg), 0);
	assert_int_equal(cli_db_txn_build(empty, &list, false, &ops, &msg), -ENOENT);
	assert_string_equal(msg, "no port named p0");
	free(msg);
	cli_cmd_list_free(&list);
	argv[1] = "add-br";
	argv[2] = "br9";
	assert_int_equal(cli_parse_argv(3, argv, &opts, &list, &msg), 0);
	assert_int_equal(cli_db_txn_build(empty, &list, false, &ops, &msg), 0);
	text = json_dumps(json_array_get(ops, 0), JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(text, "{\"op\":\"insert\",\"row\":{},\"table\":\"Open_vSwitch\"}");
	assert_int_equal(json_array_size(ops), 5);
	free(text);
	json_decref(ops);
	cli_cmd_list_free(&list);
	json_decref(empty);
	json_decref(s);
}

/* Renders a read-only command; returns stdout text or "ERR: msg". */
static char *render(const char *line)
{
	char *copy = strdup(line), *argv[16] = {"weftctl"}, *msg = NULL, *buf = NULL;
	size_t len = 0;
	int argc = 1;
	struct cli_opts opts;
	struct cli_cmd_list list;
	json_t *s = snap();
	FILE *f = open_memstream(&buf, &len);

	/* A slice of the schema (for list). */
	json_object_set_new(
	    s, "_schema",
	    json_loads("{\"tables\": {\"Port\": {\"columns\": {\"tag\": {\"type\": {\"key\": "
	               "\"integer\", \"min\": 0, \"max\": 1}}, \"name\": {\"type\": "
	               "\"string\"}, \"trunks\": {\"type\": {\"key\": \"integer\", \"min\": "
	               "0, \"max\": 4096}}, \"interfaces\": {\"type\": {\"key\": \"uuid\", "
	               "\"min\": 1, \"max\": \"unlimited\"}}}}}}",
	               0, NULL));

	for (char *t = strtok(copy, " "); t; t = strtok(NULL, " ")) {
		argv[argc++] = t;
	}
	assert_int_equal(cli_parse_argv(argc, argv, &opts, &list, &msg), 0);
	if (cli_db_show_cmd(f, s, &list.cmds[0], &msg) < 0) {
		fprintf(f, "ERR: %s", msg);
	}
	fclose(f);
	free(msg);
	json_decref(s);
	cli_cmd_list_free(&list);
	free(copy);
	return buf;
}

static void check_out(const char *line, const char *want)
{
	char *got = render(line);

	assert_string_equal(got, want);
	free(got);
}

static void test_clear(void **state)
{
	(void)state;
	check("clear Port p0 tag -- clear Interface p0 options -- set Interface p0 options:b=2",
	      false,
	      "[{\"op\":\"update\",\"row\":{\"tag\":[\"set\",[]]},\"table\":\"Port\",\"where\":[["
	      "\"name\",\"==\",\"p0\"]]},{\"op\":\"update\",\"row\":{\"options\":[\"map\",[]]},"
	      "\"table\":\"Interface\",\"where\":[[\"name\",\"==\",\"p0\"]]},{\"op\":\"update\","
	      "\"row\":{\"options\":[\"map\",[[\"b\",\"2\"]]]},\"table\":\"Interface\",\"where\":"
	      "[[\"name\",\"==\",\"p0\"]]}]");
	check("clear Bridge br0 other_config", false,
	      "[{\"op\":\"update\",\"row\":{\"other_config\":[\"map\",[]]},\"table\":\"Bridge\","
	      "\"where\":[[\"name\",\"==\",\"br0\"]]}]");
	check("clear Port nope trunks", false, "ERR 2: no row \"nope\" in table Port");
}

static void test_show(void **state)
{
	(void)state;
	/* Ports in UUID order (a0 before a1), as ovs-vsctl prints a set. */
	check_out("show", "00000000-0000-0000-0000-000000000001\n"
	                  "    Bridge br0\n"
	                  "        Port br0\n"
	                  "            Interface br0\n"
	                  "                type: internal\n"
	                  "        Port p0\n"
	                  "            tag: 5\n"
	                  "            trunks: [1, 2]\n"
	                  "            Interface p0\n"
	                  "                options: {a=\"1\"}\n"
	                  "                error: boom\n");
	check_out("list-br", "br0\n");
	check_out("list-ports br0", "p0\n");
	check_out("list-ports nobr", "ERR: no bridge named nobr");
}

static void test_get(void **state)
{
	(void)state;
	check_out("list Port p0", "_uuid               : 00000000-0000-0000-0000-0000000000a1\n"
	                          "interfaces          : [00000000-0000-0000-0000-0000000000c1]\n"
	                          "name                : p0\n"
	                          "tag                 : 5\n"
	                          "trunks              : [1, 2]\n");
	check_out("list Port nope", "ERR: no row \"nope\" in table Port");
	check_out("get Interface p0 ofport", "1\n");
	check_out("get Interface p0 options", "{a=\"1\"}\n");
	check_out("get Interface p0 options:a", "\"1\"\n");
	check_out("get Interface p0 options:zz",
	          "ERR: no key \"zz\" in Interface record \"p0\" column options");
	check_out("get Port p0 trunks", "[1, 2]\n");
	check_out("get Port br0 tag", "[]\n");
	check_out("get Bridge br0 other_config:mac-aging-time", "\"30\"\n");
	check_out("get Open_vSwitch . next_cfg", "7\n");
	check_out("get Port nope tag", "ERR: no row \"nope\" in table Port");
	check_out("get Port p0 nocol",
	          "ERR: Port does not contain a column whose name matches \"nocol\"");
	check_out("get Nope x y", "ERR: unknown table \"Nope\" (weftctl knows Open_vSwitch, "
	                          "Bridge, Port, Interface)");
}

/* --db, --direct, --no-wait (global options, also among a command's arguments). */
static void test_options(void **state)
{
	char *ok[] = {"weftctl", "--db=unix:/x/db.sock", "show", "--no-wait", "--direct"};
	char *bad[] = {"weftctl", "--db=tcp:1.2.3.4:6640", "show"};
	char *sep[] = {"weftctl", "--db", "unix:/y", "list-br"};
	struct cli_cmd_list list;
	struct cli_opts opts;
	char *msg = NULL;

	(void)state;
	assert_int_equal(cli_parse_argv(5, ok, &opts, &list, &msg), 0);
	assert_string_equal(opts.db, "unix:/x/db.sock");
	assert_true(opts.direct && opts.no_wait);
	cli_cmd_list_free(&list);
	assert_int_equal(cli_parse_argv(4, sep, &opts, &list, &msg), 0);
	assert_string_equal(opts.db, "unix:/y");
	assert_false(opts.direct || opts.no_wait);
	assert_int_equal(list.cmds[0].verb, CLI_CMD_LIST_BR);
	cli_cmd_list_free(&list);
	assert_int_equal(cli_parse_argv(3, bad, &opts, &list, &msg), -EINVAL);
	assert_string_equal(msg, "invalid --db 'tcp:1.2.3.4:6640' (expected unix:PATH)");
	free(msg);
	assert_true(cli_cmd_is_db_verb(CLI_CMD_SET_IFACE) && cli_cmd_is_db_verb(CLI_CMD_GET));
	assert_false(cli_cmd_is_db_verb(CLI_CMD_FDB_SHOW) || cli_cmd_is_db_verb(CLI_CMD_STATS));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_writes),  cmocka_unit_test(test_exist),
	    cmocka_unit_test(test_errors),  cmocka_unit_test(test_no_wait_and_empty_db),
	    cmocka_unit_test(test_show),    cmocka_unit_test(test_get),
	    cmocka_unit_test(test_options), cmocka_unit_test(test_clear),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
