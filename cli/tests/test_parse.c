/* Unit tests of cli/parse.c (with columns.c, verbs.c): argv -> commands -> the exact
 * dataplane requests, and the exact error of every kind of bad input. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dp-request.h"
#include "parse.h"

#define ARGV(...) ((const char *[]){"weftctl", __VA_ARGS__, NULL})

static int argc_of(const char **argv)
{
	int n = 0;

	while (argv[n]) {
		n++;
	}
	return n;
}

/* Parses 'argv' and returns the requests, one compact sorted-keys JSON per line, each
 * {"method": ..., "params": ...}. */
static char *requests_of(const char **argv, struct cli_opts *opts)
{
	struct cli_cmd_list list;
	char *err = NULL, *out = NULL;
	size_t size = 0;
	FILE *f;
	int ret = cli_parse_argv(argc_of(argv), (char **)argv, opts, &list, &err);

	if (ret < 0) {
		fail_msg("unexpected parse error: %s", err ? err : "(none)");
	}
	assert_null(err);
	f = open_memstream(&out, &size);
	assert_non_null(f);
	for (size_t i = 0; i < list.n_cmds; i++) {
		const char *method;
		json_t *params, *req;
		char *text;

		assert_int_equal(cli_dp_request(&list.cmds[i], &method, &params), 0);
		req = json_pack("{s:s, s:o}", "method", method, "params", params);
		text = json_dumps(req, JSON_COMPACT | JSON_SORT_KEYS);
		fprintf(f, "%s%s", i ? "\n" : "", text);
		free(text);
		json_decref(req);
	}
	fclose(f);
	cli_cmd_list_free(&list);
	return out;
}

static void check_req(const char **argv, const char *expected)
{
	struct cli_opts opts;
	char *got = requests_of(argv, &opts);

	assert_string_equal(got, expected);
	free(got);
}

static void check_err(const char **argv, const char *expected)
{
	struct cli_opts opts;
	struct cli_cmd_list list;
	char *err = NULL;

	assert_int_equal(cli_parse_argv(argc_of(argv), (char **)argv, &opts, &list, &err), -EINVAL);
	assert_non_null(err);
	assert_string_equal(err, expected);
	assert_int_equal(list.n_cmds, 0);
	assert_null(list.cmds);
	free(err);
}

static void test_bridge_verbs(void **state)
{
	(void)state;
	check_req(ARGV("add-br", "br0"),
	          "{\"method\":\"bridge-add\",\"params\":{\"name\":\"br0\"}}");
	check_req(ARGV("del-br", "br0"),
	          "{\"method\":\"bridge-del\",\"params\":{\"name\":\"br0\"}}");
	check_req(ARGV("set", "Bridge", "br0", "other_config:mac-aging-time=10",
	               "other_config:foo=\"a b\""),
	          "{\"method\":\"bridge-set\",\"params\":{\"name\":\"br0\",\"other_config\":"
	          "{\"foo\":\"a b\",\"mac-aging-time\":\"10\"}}}");
	check_req(ARGV("set", "bridge", "br0", "other_config:mac-table-size=4194304"),
	          "{\"method\":\"bridge-set\",\"params\":{\"name\":\"br0\",\"other_config\":"
	          "{\"mac-table-size\":\"4194304\"}}}");
}

static void test_port_verbs(void **state)
{
	(void)state;
	check_req(ARGV("add-port", "br0", "p1"),
	          "{\"method\":\"port-add\",\"params\":{\"bridge\":\"br0\",\"name\":\"p1\"}}");
	check_req(ARGV("del-port", "p1"), "{\"method\":\"port-del\",\"params\":{\"name\":\"p1\"}}");
	check_req(ARGV("del-port", "br0", "p1"),
	          "{\"method\":\"port-del\",\"params\":{\"bridge\":\"br0\",\"name\":\"p1\"}}");
	check_req(ARGV("set", "Port", "p1", "tag=10", "trunks=[3,1,2,1]", "vlan_mode=trunk"),
	          "{\"method\":\"port-set\",\"params\":{\"name\":\"p1\",\"tag\":10,"
	          "\"trunks\":[1,2,3],\"vlan_mode\":\"trunk\"}}");
	check_req(ARGV("set", "Port", "p1", "trunks=5, 4", "tag=[]", "vlan_mode=[]"),
	          "{\"method\":\"port-set\",\"params\":{\"name\":\"p1\",\"tag\":null,"
	          "\"trunks\":[4,5],\"vlan_mode\":null}}");
	check_req(ARGV("set", "Port", "p1", "trunks=[]", "vlan_mode=native-untagged"),
	          "{\"method\":\"port-set\",\"params\":{\"name\":\"p1\",\"trunks\":[],"
	          "\"vlan_mode\":\"native-untagged\"}}");
	check_req(ARGV("set", "Port", "p1", "tag=1", "tag=4095"),
	          "{\"method\":\"port-set\",\"params\":{\"name\":\"p1\",\"tag\":4095}}");
	check_req(ARGV("set", "Interface", "p1", "options:vhost-server-path=/tmp/x.sock"),
	          "{\"method\":\"port-set\",\"params\":{\"name\":\"p1\",\"options\":"
	          "{\"vhost-server-path\":\"/tmp/x.sock\"}}}");
}

static void test_appctl_verbs(void **state)
{
	(void)state;
	check_req(ARGV("show"), "{\"method\":\"show\",\"params\":{}}");
	check_req(ARGV("fdb/show", "br0"),
	          "{\"method\":\"fdb-show\",\"params\":{\"bridge\":\"br0\"}}");
	check_req(ARGV("fdb/stats-show", "br0"),
	          "{\"method\":\"fdb-stats\",\"params\":{\"bridge\":\"br0\"}}");
	check_req(ARGV("fdb/flush"), "{\"method\":\"fdb-flush\",\"params\":{}}");
	check_req(ARGV("fdb/flush", "br0"),
	          "{\"method\":\"fdb-flush\",\"params\":{\"bridge\":\"br0\"}}");
	check_req(ARGV("fdb/add", "br0", "p1", "10", "0A:0:00:de:Ad:bE"),
	          "{\"method\":\"fdb-add\",\"params\":{\"bridge\":\"br0\","
	          "\"mac\":\"0a:00:00:de:ad:be\",\"port\":\"p1\",\"vlan\":10}}");
	check_req(ARGV("fdb/del", "br0", "0", "02:00:00:00:00:01"),
	          "{\"method\":\"fdb-del\",\"params\":{\"bridge\":\"br0\","
	          "\"mac\":\"02:00:00:00:00:01\",\"vlan\":0}}");
	check_req(ARGV("dp/show"), "{\"method\":\"dp-show\",\"params\":{}}");
	check_req(ARGV("stats"), "{\"method\":\"stats\",\"params\":{}}");
	check_req(ARGV("stats", "--all", "p1"),
	          "{\"method\":\"stats\",\"params\":{\"name\":\"p1\"}}");
	check_req(ARGV("replay/run"), "{\"method\":\"replay-run\",\"params\":{}}");
	check_req(ARGV("dp/exit"), "{\"method\":\"exit\",\"params\":{}}");
}

static void test_merge_add_port(void **state)
{
	(void)state;
	/* add-port + set Interface + set Port on the same port: one port-add. */
	check_req(ARGV("add-port", "br0", "p1", "--", "set", "Interface", "p1", "type=dpdk",
	               "options:dpdk-devargs=net_null0", "--", "set", "Port", "p1", "tag=5",
	               "trunks=1,2", "vlan_mode=native-tagged"),
	          "{\"method\":\"port-add\",\"params\":{\"bridge\":\"br0\",\"name\":\"p1\","
	          "\"options\":{\"dpdk-devargs\":\"net_null0\"},\"tag\":5,\"trunks\":[1,2],"
	          "\"type\":\"dpdk\",\"vlan_mode\":\"native-tagged\"}}");
	/* A set on another port stays separate and keeps its place; a later set on p1
	 * still merges, and later values win. */
	check_req(ARGV("add-port", "br0", "p1", "--", "add-port", "br0", "p2", "--", "set", "Port",
	               "p2", "tag=7", "--", "set", "Interface", "p1", "type=dpdk", "options:a=1",
	               "--", "set", "Interface", "p1", "options:a=2", "options:b=3"),
	          "{\"method\":\"port-add\",\"params\":{\"bridge\":\"br0\",\"name\":\"p1\","
	          "\"options\":{\"a\":\"2\",\"b\":\"3\"},\"type\":\"dpdk\"}}\n"
	          "{\"method\":\"port-add\",\"params\":{\"bridge\":\"br0\",\"name\":\"p2\","
	          "\"tag\":7}}");
	/* A tag cleared after being set at creation: omitted from port-add. */
	check_req(ARGV("add-port", "br0", "p1", "--", "set", "Port", "p1", "tag=5", "--", "set",
	               "Port", "p1", "tag=[]"),
	          "{\"method\":\"port-add\",\"params\":{\"bridge\":\"br0\",\"name\":\"p1\"}}");
	/* Empty type: no type (replay port). */
	check_req(ARGV("add-port", "br0", "p1", "--", "set", "Interface", "p1", "type="),
	          "{\"method\":\"port-add\",\"params\":{\"bridge\":\"br0\",\"name\":\"p1\"}}");
	/* A set after del-port of that port does not merge into the earlier add. */
	check_req(ARGV("add-port", "br0", "p1", "--", "del-port", "p1", "--", "set", "Port", "p1",
	               "tag=3"),
	          "{\"method\":\"port-add\",\"params\":{\"bridge\":\"br0\",\"name\":\"p1\"}}\n"
	          "{\"method\":\"port-del\",\"params\":{\"name\":\"p1\"}}\n"
	          "{\"method\":\"port-set\",\"params\":{\"name\":\"p1\",\"tag\":3}}");
	/* ...nor after del-br of its bridge. */
	check_req(ARGV("add-port", "br0", "p1", "--", "del-br", "br0", "--", "set", "Port", "p1",
	               "tag=3"),
	          "{\"method\":\"port-add\",\"params\":{\"bridge\":\"br0\",\"name\":\"p1\"}}\n"
	          "{\"method\":\"bridge-del\",\"params\":{\"name\":\"br0\"}}\n"
	          "{\"method\":\"port-set\",\"params\":{\"name\":\"p1\",\"tag\":3}}");
	/* A set before the add is not merged. */
	check_req(ARGV("set", "Port", "p1", "tag=3", "--", "add-port", "br0", "p1"),
	          "{\"method\":\"port-set\",\"params\":{\"name\":\"p1\",\"tag\":3}}\n"
	          "{\"method\":\"port-add\",\"params\":{\"bridge\":\"br0\",\"name\":\"p1\"}}");
}

static void test_merge_add_br(void **state)
{
	(void)state;
	check_req(ARGV("add-br", "br0", "--", "set", "Bridge", "br0",
	               "other_config:mac-aging-time=30", "--", "add-port", "br0", "p1", "--", "set",
	               "Bridge", "br0", "other_config:mac-table-size=16"),
	          "{\"method\":\"bridge-add\",\"params\":{\"name\":\"br0\",\"other_config\":"
	          "{\"mac-aging-time\":\"30\",\"mac-table-size\":\"16\"}}}\n"
	          "{\"method\":\"port-add\",\"params\":{\"bridge\":\"br0\",\"name\":\"p1\"}}");
	check_req(ARGV("add-br", "br0", "--", "set", "Bridge", "br1", "other_config:x=y"),
	          "{\"method\":\"bridge-add\",\"params\":{\"name\":\"br0\"}}\n"
	          "{\"method\":\"bridge-set\",\"params\":{\"name\":\"br1\",\"other_config\":"
	          "{\"x\":\"y\"}}}");
	check_req(ARGV("add-br", "br0", "--", "del-br", "br0", "--", "set", "Bridge", "br0",
	               "other_config:x=y"),
	          "{\"method\":\"bridge-add\",\"params\":{\"name\":\"br0\"}}\n"
	          "{\"method\":\"bridge-del\",\"params\":{\"name\":\"br0\"}}\n"
	          "{\"method\":\"bridge-set\",\"params\":{\"name\":\"br0\",\"other_config\":"
	          "{\"x\":\"y\"}}}");
}

static void test_options(void **state)
{
	struct cli_opts opts;
	char *got;

	(void)state;
	got = requests_of(ARGV("show"), &opts);
	assert_null(opts.rundir);
	assert_int_equal(opts.timeout_s, 10);
	assert_int_equal(opts.format, CLI_FMT_TABLE);
	free(got);

	got =
	    requests_of(ARGV("--rundir", "/tmp/r", "--timeout=3", "--format=json", "show"), &opts);
	assert_string_equal(opts.rundir, "/tmp/r");
	assert_int_equal(opts.timeout_s, 3);
	assert_int_equal(opts.format, CLI_FMT_JSON);
	free(got);

	/* Global options are also accepted among a command's arguments. */
	got = requests_of(
	    ARGV("fdb/show", "--format", "json", "br0", "--rundir=/x", "--timeout", "0"), &opts);
	assert_string_equal(got, "{\"method\":\"fdb-show\",\"params\":{\"bridge\":\"br0\"}}");
	assert_string_equal(opts.rundir, "/x");
	assert_int_equal(opts.timeout_s, 0);
	assert_int_equal(opts.format, CLI_FMT_JSON);
	free(got);

	/* A leading "--" is allowed (getopt style). */
	check_req(ARGV("--", "show"), "{\"method\":\"show\",\"params\":{}}");
}

static void test_help(void **state)
{
	struct cli_opts opts;
	struct cli_cmd_list list;
	char *err = NULL;

	(void)state;
	assert_int_equal(cli_parse_argv(2, (char **)ARGV("--help"), &opts, &list, &err), 0);
	assert_true(opts.help);
	assert_int_equal(list.n_cmds, 0);

	/* Verb help wins over missing arguments. */
	assert_int_equal(cli_parse_argv(3, (char **)ARGV("add-port", "--help"), &opts, &list, &err),
	                 0);
	assert_false(opts.help);
	assert_non_null(opts.help_verb);
	assert_string_equal(opts.help_verb->name, "add-port");
	assert_int_equal(list.n_cmds, 0);

	assert_int_equal(
	    cli_parse_argv(5, (char **)ARGV("show", "--", "fdb/show", "-h"), &opts, &list, &err),
	    0);
	assert_string_equal(opts.help_verb->name, "fdb/show");
	assert_null(err);
}

static void test_exist_options(void **state)
{
	const char **argv =
	    ARGV("--may-exist", "add-br", "br0", "--", "set", "Bridge", "br0", "other_config:x=y",
	         "--", "add-port", "br0", "p1", "--may-exist", "--", "--if-exists", "del-port",
	         "p2", "--", "del-br", "b", "--if-exists", "--", "del-br", "c");
	struct cli_opts opts;
	struct cli_cmd_list list;
	char *err = NULL;

	(void)state;
	assert_int_equal(cli_parse_argv(argc_of(argv), (char **)argv, &opts, &list, &err), 0);
	assert_int_equal(list.n_cmds, 5);
	assert_int_equal(list.cmds[0].verb, CLI_CMD_ADD_BR);
	assert_true(list.cmds[0].may_exist);
	assert_non_null(list.cmds[0].cols.other_config); /* the set was merged */
	assert_int_equal(list.cmds[1].verb, CLI_CMD_ADD_PORT);
	assert_true(list.cmds[1].may_exist);
	assert_true(list.cmds[2].if_exists);
	assert_false(list.cmds[2].may_exist);
	assert_true(list.cmds[3].if_exists);
	assert_false(list.cmds[4].if_exists);
	assert_false(list.cmds[4].may_exist);
	cli_cmd_list_free(&list);

	check_err(ARGV("--may-exist", "del-br", "b"),
	          "option --may-exist is not valid for 'del-br' (only add-br, add-port)");
	check_err(ARGV("add-port", "b", "p", "--if-exists"),
	          "option --if-exists is not valid for 'add-port' (only del-br, del-port)");
	check_err(ARGV("--if-exists", "show"),
	          "option --if-exists is not valid for 'show' (only del-br, del-port)");
	check_err(ARGV("show", "--", "--may-exist"),
	          "option --may-exist must precede add-br, add-port, del-br or del-port");
}

static void test_errors_commands(void **state)
{
	(void)state;
	check_err(ARGV("frobnicate"), "unknown command 'frobnicate' (try --help)");
	check_err((const char *[]){"weftctl", NULL}, "missing command (try --help)");
	check_err(ARGV("show", "--"), "missing command after '--'");
	check_err(ARGV("show", "--", "--", "show"), "missing command between '--' separators");
	check_err(ARGV("add-br"), "add-br: expected 1 argument (BR), got 0");
	check_err(ARGV("add-br", "a", "b"), "add-br: expected 1 argument (BR), got 2");
	check_err(ARGV("add-port", "br0"), "add-port: expected 2 arguments (BR PORT), got 1");
	check_err(ARGV("del-port"), "del-port: expected at least 1 argument ([BR] PORT), got 0");
	check_err(ARGV("del-port", "a", "b", "c"),
	          "del-port: expected at most 2 arguments ([BR] PORT), got 3");
	check_err(ARGV("set", "Port", "p1"),
	          "set: expected at least 3 arguments (TABLE RECORD COLUMN[:KEY]=VALUE...), got 2");
	check_err(ARGV("show", "x"), "show: expected 0 arguments (), got 1");
	check_err(ARGV("fdb/stats-show"), "fdb/stats-show: expected 1 argument (BR), got 0");
	check_err(ARGV("fdb/stats-show", "br0", "br1"),
	          "fdb/stats-show: expected 1 argument (BR), got 2");
	check_err(ARGV("fdb/add", "br0", "p1", "1"),
	          "fdb/add: expected 4 arguments (BR PORT VLAN MAC), got 3");
	check_err(ARGV("fdb/del", "br0", "1"),
	          "fdb/del: expected 3 arguments (BR VLAN MAC), got 2");
	check_err(ARGV("stats", "a", "b"),
	          "stats: expected at most 1 argument ([--all] [NAME]), got 2");
	/* The first error stops parsing: the second command is never looked at. */
	check_err(ARGV("add-br", "", "--", "nope"), "unknown command 'nope' (try --help)");
	check_err(ARGV("add-br", "", "--", "show"), "add-br: empty bridge name");
}

static void test_errors_options(void **state)
{
	(void)state;
	check_err(ARGV("--bogus", "show"), "unknown option '--bogus' (try --help)");
	check_err(ARGV("-x", "show"), "unknown option '-x' (try --help)");
	check_err(ARGV("--timeout=abc", "show"),
	          "invalid --timeout 'abc' (expected an integer 0..86400)");
	check_err(ARGV("--timeout=-1", "show"),
	          "invalid --timeout '-1' (expected an integer 0..86400)");
	check_err(ARGV("--format=xml", "show"), "invalid --format 'xml' (expected table or json)");
	check_err(ARGV("show", "--rundir"), "option --rundir needs a value");
	check_err(ARGV("--rundir=", "show"), "option --rundir: empty directory");
	check_err(ARGV("show", "--all"), "option --all is only valid after 'stats'");
	check_err(ARGV("--all", "stats"), "option --all is only valid after 'stats'");
}

static void test_errors_values(void **state)
{
	(void)state;
	check_err(ARGV("fdb/add", "br0", "p1", "4096", "02:00:00:00:00:01"),
	          "fdb/add: VLAN 4096 out of range 0..4095");
	check_err(ARGV("fdb/add", "br0", "p1", "x1", "02:00:00:00:00:01"),
	          "fdb/add: invalid VLAN 'x1' (expected an integer 0..4095)");
	check_err(ARGV("fdb/add", "br0", "p1", "99999999999999999999999", "02:00:00:00:00:01"),
	          "fdb/add: VLAN 99999999999999999999999 out of range 0..4095");
	check_err(ARGV("fdb/add", "br0", "p1", "1", "02:00:00:00:00"),
	          "fdb/add: invalid MAC '02:00:00:00:00' (expected xx:xx:xx:xx:xx:xx)");
	check_err(ARGV("fdb/del", "br0", "1", "02:00:00:00:00:01:02"),
	          "fdb/del: invalid MAC '02:00:00:00:00:01:02' (expected xx:xx:xx:xx:xx:xx)");
	check_err(ARGV("fdb/del", "br0", "1", "02:00:00:00:00:g1"),
	          "fdb/del: invalid MAC '02:00:00:00:00:g1' (expected xx:xx:xx:xx:xx:xx)");
	check_err(ARGV("fdb/del", "br0", "1", "002:00:00:00:00:01"),
	          "fdb/del: invalid MAC '002:00:00:00:00:01' (expected xx:xx:xx:xx:xx:xx)");
	check_err(ARGV("fdb/del", "br0", "-1", "02:00:00:00:00:01"),
	          "fdb/del: invalid VLAN '-1' (expected an integer 0..4095)");
	check_err(ARGV("add-port", "br0", "a/b"),
	          "add-port: invalid port name 'a/b' (no '/', space or control character "
	          "allowed)");
	check_err(ARGV("del-br", "b r"),
	          "del-br: invalid bridge name 'b r' (no '/', space or control character "
	          "allowed)");
	check_err(ARGV("stats", ""), "stats: empty port or bridge name");
	check_err(ARGV("add-port", "br0", ".."),
	          "add-port: invalid port name '..' (no '..' allowed)");
	check_err(ARGV("add-br", "a..b"), "add-br: invalid bridge name 'a..b' (no '..' allowed)");
	check_err(ARGV("add-port", "br0", "p\tq"),
	          "add-port: invalid port name 'p\tq' (no '/', space or control character "
	          "allowed)");
	check_err(ARGV("add-port", "br0", "p\x01"),
	          "add-port: invalid port name 'p\x01' (no '/', space or control character "
	          "allowed)");
	check_err(ARGV("add-port", "br0",
	               "p234567890123456789012345678901234567890123456789012345678901234"),
	          "add-port: invalid port name 'p234567890123456...' (64 bytes, at most 63)");
	check_req(ARGV("add-port", "br0",
	               "p23456789012345678901234567890123456789012345678901234567890123"),
	          "{\"method\":\"port-add\",\"params\":{\"bridge\":\"br0\",\"name\":"
	          "\"p23456789012345678901234567890123456789012345678901234567890123\"}}");
}

static void test_errors_set(void **state)
{
	(void)state;
	check_err(ARGV("set", "Mirror", "m", "x=1"),
	          "set: unknown table 'Mirror' (known: Bridge, Port, Interface)");
	check_err(ARGV("set", "Port", "p1", "mtu=1500"),
	          "set: unknown column 'mtu' in table Port (known: tag, trunks, vlan_mode)");
	check_err(ARGV("set", "Interface", "p1", "tag=1"),
	          "set: unknown column 'tag' in table Interface (known: type, options)");
	check_err(ARGV("set", "Bridge", "br0", "options:x=1"),
	          "set: unknown column 'options' in table Bridge (known: other_config)");
	check_err(ARGV("set", "Port", "p1", "tag"),
	          "set: 'tag' is not COLUMN=VALUE or COLUMN:KEY=VALUE (table Port)");
	check_err(ARGV("set", "Port", "p1", "=5"),
	          "set: '=5' is not COLUMN=VALUE or COLUMN:KEY=VALUE (table Port)");
	check_err(ARGV("set", "Port", "p1", "tag=4096"), "set: tag 4096 out of range 0..4095");
	check_err(ARGV("set", "Port", "p1", "tag=ten"),
	          "set: invalid tag 'ten' (expected an integer 0..4095)");
	check_err(ARGV("set", "Port", "p1", "tag:x=1"),
	          "set: column 'tag' of table Port is not a map: 'tag:x=1' is invalid");
	check_err(ARGV("set", "Port", "p1", "trunks=1,5000"),
	          "set: trunks VLAN 5000 out of range 0..4095");
	check_err(ARGV("set", "Port", "p1", "trunks=1,,2"), "set: empty VLAN in trunks '1,,2'");
	check_err(ARGV("set", "Port", "p1", "trunks=[1,]"), "set: empty VLAN in trunks '1,'");
	check_err(ARGV("set", "Port", "p1", "trunks=[,]"), "set: invalid trunks ','");
	check_err(ARGV("set", "Port", "p1", "trunks="),
	          "set: empty trunks value (use trunks=[] to allow every VLAN)");
	check_err(ARGV("set", "Port", "p1", "vlan_mode=dot1q"),
	          "set: invalid vlan_mode 'dot1q' (expected access, trunk, native-tagged or "
	          "native-untagged)");
	check_err(ARGV("set", "Interface", "p1", "options=x"),
	          "set: column 'options' of table Interface is a map: use options:KEY=VALUE");
	check_err(ARGV("set", "Interface", "p1", "options:=x"),
	          "set: empty key in 'options:=x' (table Interface)");
	check_err(ARGV("set", "Interface", "p1", "options:a=\"x"),
	          "set: options: unterminated quoted string '\"x'");
	check_err(ARGV("add-port", "b", "p1", "--", "set", "Interface", "p1", "type=internal"),
	          "set: unknown interface type 'internal' (expected dpdk, dpdkvhostuser, "
	          "dpdkvhostuserclient, system, vxlan or \"\")");
	check_err(ARGV("set", "Interface", "p1", "type=dpdk"),
	          "set Interface p1: type can only be set when the port is added (add-port BR p1 "
	          "-- set Interface p1 type=dpdk)");
	check_err(ARGV("set", "Bridge", "br0", "other_config:mac-aging-time=0"),
	          "set: other_config:mac-aging-time 0 out of range 1..86400");
	check_err(
	    ARGV("add-br", "br0", "--", "set", "Bridge", "br0", "other_config:mac-table-size=big"),
	    "set: invalid other_config:mac-table-size 'big' (expected an integer "
	    "1..4194304)");
	check_err(ARGV("set", "Bridge", "br0", "other_config:mac-table-size=4194305"),
	          "set: other_config:mac-table-size 4194305 out of range 1..4194304");
	check_err(ARGV("set", "Port", "", "tag=1"), "set: empty port name");
}

static void test_tnl_verbs(void **state)
{
	(void)state;
	check_req(ARGV("tnl/neigh/show"), "{\"method\":\"tnl-neigh-show\",\"params\":{}}");
	check_req(ARGV("tnl/neigh/show", "br-phy", "--format=json"),
	          "{\"method\":\"tnl-neigh-show\",\"params\":{\"bridge\":\"br-phy\"}}");
	check_req(ARGV("tnl/neigh/flush"), "{\"method\":\"tnl-neigh-flush\",\"params\":{}}");
	check_req(ARGV("tnl/neigh/flush", "br-phy"),
	          "{\"method\":\"tnl-neigh-flush\",\"params\":{\"bridge\":\"br-phy\"}}");
	check_req(ARGV("tnl/neigh/set", "br-phy", "192.168.99.2", "02:0:0:0:0:AB"),
	          "{\"method\":\"tnl-neigh-set\",\"params\":{\"bridge\":\"br-phy\","
	          "\"ip\":\"192.168.99.2\",\"mac\":\"02:00:00:00:00:ab\"}}");
	check_req(ARGV("tnl/neigh/set", "br-phy", "10.0.0.1", "02:00:00:00:00:01", "up0"),
	          "{\"method\":\"tnl-neigh-set\",\"params\":{\"bridge\":\"br-phy\","
	          "\"ip\":\"10.0.0.1\",\"mac\":\"02:00:00:00:00:01\",\"port\":\"up0\"}}");
	/* Chained with the VTEP configuration, the way a case's setup does it. */
	check_req(ARGV("add-br", "br-phy", "--", "set", "Bridge", "br-phy",
	               "other_config:tunnel-ip=192.168.99.1/24",
	               "other_config:tunnel-mac=02:00:00:00:99:01", "--", "add-port", "br-phy",
	               "up0", "--", "tnl/neigh/set", "br-phy", "192.168.99.2", "02:00:00:00:99:02"),
	          "{\"method\":\"bridge-add\",\"params\":{\"name\":\"br-phy\",\"other_config\":"
	          "{\"tunnel-ip\":\"192.168.99.1/24\",\"tunnel-mac\":\"02:00:00:00:99:01\"}}}\n"
	          "{\"method\":\"port-add\",\"params\":{\"bridge\":\"br-phy\",\"name\":\"up0\"}}\n"
	          "{\"method\":\"tnl-neigh-set\",\"params\":{\"bridge\":\"br-phy\","
	          "\"ip\":\"192.168.99.2\",\"mac\":\"02:00:00:00:99:02\"}}");
	check_req(ARGV("set", "Bridge", "b", "other_config:tunnel-ip=10.0.0.1",
	               "other_config:tunnel-gateway=10.0.0.254", "other_config:tunnel-mtu=9600",
	               "other_config:tunnel-udp-port=8472", "other_config:neigh-timeout=1",
	               "other_config:vxlan-udp-csum=ignore"),
	          "{\"method\":\"bridge-set\",\"params\":{\"name\":\"b\",\"other_config\":"
	          "{\"neigh-timeout\":\"1\",\"tunnel-gateway\":\"10.0.0.254\",\"tunnel-ip\":"
	          "\"10.0.0.1\",\"tunnel-mtu\":\"9600\",\"tunnel-udp-port\":\"8472\","
	          "\"vxlan-udp-csum\":\"ignore\"}}}");
	check_req(ARGV("add-port", "br0", "vx1", "--", "set", "Interface", "vx1", "type=vxlan",
	               "options:remote_ip=192.168.99.2", "options:key=100"),
	          "{\"method\":\"port-add\",\"params\":{\"bridge\":\"br0\",\"name\":\"vx1\","
	          "\"options\":{\"key\":\"100\",\"remote_ip\":\"192.168.99.2\"},"
	          "\"type\":\"vxlan\"}}");
}

static void test_errors_tnl(void **state)
{
	(void)state;
	check_err(ARGV("tnl/neigh/show", "a", "b"),
	          "tnl/neigh/show: expected at most 1 argument ([BR]), got 2");
	check_err(ARGV("tnl/neigh/flush", "a", "b"),
	          "tnl/neigh/flush: expected at most 1 argument ([BR]), got 2");
	check_err(ARGV("tnl/neigh/set", "br", "10.0.0.1"),
	          "tnl/neigh/set: expected at least 3 arguments (BR IP MAC [PORT]), got 2");
	check_err(ARGV("tnl/neigh/set", "br", "10.0.0.1", "02:00:00:00:00:01", "p", "x"),
	          "tnl/neigh/set: expected at most 4 arguments (BR IP MAC [PORT]), got 5");
	check_err(ARGV("tnl/neigh/show", "a/b"),
	          "tnl/neigh/show: invalid bridge name 'a/b' (no '/', space or control "
	          "character allowed)");
	check_err(ARGV("tnl/neigh/flush", ""), "tnl/neigh/flush: empty bridge name");
	check_err(ARGV("tnl/neigh/set", "br", "10.0.0", "02:00:00:00:00:01"),
	          "tnl/neigh/set: invalid IP '10.0.0' (expected an IPv4 address A.B.C.D)");
	check_err(ARGV("tnl/neigh/set", "br", "10.0.0.256", "02:00:00:00:00:01"),
	          "tnl/neigh/set: invalid IP '10.0.0.256' (256 is not 0..255)");
	check_err(ARGV("tnl/neigh/set", "br", "10.0.0.01", "02:00:00:00:00:01"),
	          "tnl/neigh/set: invalid IP '10.0.0.01' (expected an IPv4 address A.B.C.D)");
	check_err(ARGV("tnl/neigh/set", "br", "0.0.0.0", "02:00:00:00:00:01"),
	          "tnl/neigh/set: IP '0.0.0.0' is not a unicast IPv4 address");
	check_err(ARGV("tnl/neigh/set", "br", "224.0.0.1", "02:00:00:00:00:01"),
	          "tnl/neigh/set: IP '224.0.0.1' is not a unicast IPv4 address");
	check_err(ARGV("tnl/neigh/set", "br", "255.255.255.255", "02:00:00:00:00:01"),
	          "tnl/neigh/set: IP '255.255.255.255' is not a unicast IPv4 address");
	check_err(ARGV("tnl/neigh/set", "br", "10.0.0.1", "02:00:00:00:01"),
	          "tnl/neigh/set: invalid MAC '02:00:00:00:01' (expected xx:xx:xx:xx:xx:xx)");
	check_err(ARGV("tnl/neigh/set", "br", "10.0.0.1", "01:00:5e:00:00:01"),
	          "tnl/neigh/set: MAC '01:00:5e:00:00:01' is multicast or broadcast (expected "
	          "unicast)");
	check_err(ARGV("tnl/neigh/set", "br", "10.0.0.1", "ff:ff:ff:ff:ff:ff"),
	          "tnl/neigh/set: MAC 'ff:ff:ff:ff:ff:ff' is multicast or broadcast (expected "
	          "unicast)");
	check_err(ARGV("tnl/neigh/set", "br", "10.0.0.1", "0:0:0:0:0:0"),
	          "tnl/neigh/set: MAC '0:0:0:0:0:0' is all zeros (expected unicast)");
	check_err(ARGV("tnl/neigh/set", "br", "10.0.0.1", "02:00:00:00:00:01", "a b"),
	          "tnl/neigh/set: invalid port name 'a b' (no '/', space or control character "
	          "allowed)");
	check_err(ARGV("tnl/neigh/show", "--all"), "option --all is only valid after 'stats'");
	/* Underlay keys of set Bridge are checked like the dataplane does. */
	check_err(ARGV("set", "Bridge", "b", "other_config:tunnel-ip=192.168.99.1/33"),
	          "set: other_config:tunnel-ip prefix length 33 out of range 1..32");
	check_err(ARGV("set", "Bridge", "b", "other_config:tunnel-ip=192.168.99/24"),
	          "set: invalid other_config:tunnel-ip '192.168.99' (expected an IPv4 address "
	          "A.B.C.D)");
	check_err(ARGV("set", "Bridge", "b", "other_config:tunnel-ip=224.0.0.1/24"),
	          "set: other_config:tunnel-ip '224.0.0.1' is not a unicast IPv4 address");
	check_err(ARGV("set", "Bridge", "b", "other_config:tunnel-gateway=1.2.3"),
	          "set: invalid other_config:tunnel-gateway '1.2.3' (expected an IPv4 address "
	          "A.B.C.D)");
	check_err(ARGV("set", "Bridge", "b", "other_config:tunnel-mac=2:0:0:0:0:1"),
	          "set: invalid other_config:tunnel-mac '2:0:0:0:0:1' (expected "
	          "xx:xx:xx:xx:xx:xx)");
	check_err(ARGV("set", "Bridge", "b", "other_config:tunnel-mac=01:00:00:00:00:01"),
	          "set: MAC '01:00:00:00:00:01' is multicast or broadcast (expected unicast)");
	check_err(ARGV("set", "Bridge", "b", "other_config:tunnel-mtu=81"),
	          "set: other_config:tunnel-mtu 81 out of range 82..9600");
	check_err(ARGV("set", "Bridge", "b", "other_config:tunnel-udp-port=0"),
	          "set: other_config:tunnel-udp-port 0 out of range 1..65535");
	check_err(ARGV("set", "Bridge", "b", "other_config:vxlan-udp-csum=off"),
	          "set: invalid other_config:vxlan-udp-csum 'off' (expected verify or ignore)");
	check_err(ARGV("add-br", "b", "--", "set", "Bridge", "b", "other_config:neigh-timeout=x"),
	          "set: invalid other_config:neigh-timeout 'x' (expected an integer 1..86400)");
}

static void test_value_parsers(void **state)
{
	char mac[18], *err = NULL;
	long long v;
	int vlan;

	(void)state;
	assert_int_equal(cli_parse_uint("0", 0, 5, "n", &v, &err), 0);
	assert_int_equal(v, 0);
	assert_int_equal(cli_parse_uint("007", 0, 7, "n", &v, &err), 0);
	assert_int_equal(v, 7);
	assert_int_equal(cli_parse_uint("", 0, 7, "n", &v, &err), -EINVAL);
	assert_string_equal(err, "invalid n '' (expected an integer 0..7)");
	free(err);
	err = NULL;
	assert_int_equal(cli_parse_uint("+1", 0, 7, "n", &v, &err), -EINVAL);
	free(err);
	err = NULL;
	assert_int_equal(cli_parse_uint(" 1", 0, 7, "n", &v, &err), -EINVAL);
	free(err);
	err = NULL;
	assert_int_equal(cli_parse_vlan("4095", "VLAN", &vlan, &err), 0);
	assert_int_equal(vlan, 4095);
	assert_int_equal(cli_parse_mac("ff:FF:0:1:a:B", mac, &err), 0);
	assert_string_equal(mac, "ff:ff:00:01:0a:0b");
	assert_int_equal(cli_parse_mac("ff-ff-00-01-0a-0b", mac, &err), -EINVAL);
	free(err);
	err = NULL;
	assert_int_equal(cli_parse_mac("", mac, &err), -EINVAL);
	free(err);
	err = NULL;
	char ip[16];
	assert_int_equal(cli_parse_ipv4("0.0.0.1", "IP", ip, &err), 0);
	assert_string_equal(ip, "0.0.0.1");
	assert_int_equal(cli_parse_ipv4("223.255.255.254", "IP", ip, &err), 0);
	assert_string_equal(ip, "223.255.255.254");
	assert_int_equal(cli_parse_ipv4("240.0.0.1", "IP", ip, &err), 0); /* class E: unicast */
	static const char *const bad_ips[] = {"",         "1.2.3",      "1.2.3.4.",  "1.2.3.4.5",
	                                      " 1.2.3.4", "1.2.3.4 ",   "1..3.4",    "1.2.3.0x4",
	                                      "-1.2.3.4", "1.2.3.1000", "239.1.1.1", "a.b.c.d"};
	for (size_t i = 0; i < sizeof(bad_ips) / sizeof(bad_ips[0]); i++) {
		assert_int_equal(cli_parse_ipv4(bad_ips[i], "IP", ip, &err), -EINVAL);
		assert_non_null(err);
		free(err);
		err = NULL;
	}
	assert_int_equal(cli_parse_unicast_mac("2:0:0:0:0:1", mac, &err), 0);
	assert_string_equal(mac, "02:00:00:00:00:01");
	assert_int_equal(cli_parse_unicast_mac("03:00:00:00:00:01", mac, &err), -EINVAL);
	free(err);
	err = NULL;
	assert_int_equal(cli_parse_name("vhost-1.a_b", "port", &err), 0);
	assert_null(err);
}

/* Arguments travel as JSON strings: bytes that are not UTF-8 are refused by the parser, not
 * turned into an "out of memory" by the request builder (found by tests/fuzz/vsctl-argv). */
static void test_errors_utf8(void **state)
{
	char path[] = "/tmp/weft-test-parse-XXXXXX";
	int fd;

	(void)state;
	check_err(ARGV("tnl/neigh/flush", "br-p\xcby"),
	          "tnl/neigh/flush: argument 1 is not valid UTF-8");
	check_err(ARGV("add-br", "br\xc0\xae"), "add-br: argument 1 is not valid UTF-8");
	check_err(
	    ARGV("add-br", "br0", "--", "set", "Bridge", "br0", "other_config:k=\xed\xa0\x80"),
	    "set: argument 3 is not valid UTF-8");
	check_err(ARGV("add-flow", "br0", "priority=1,actions=\xf4\x90\x80\x80"),
	          "add-flow: argument 2 is not valid UTF-8");
	check_req(ARGV("add-br", "br\xc3\xa9"),
	          "{\"method\":\"bridge-add\",\"params\":{\"name\":\"br\u00e9\"}}");
	assert_true(cli_valid_utf8("a\xf0\x9f\x98\x80z"));
	assert_false(cli_valid_utf8("\xe0\x80\xaf")); /* overlong */
	assert_false(cli_valid_utf8("\xe2\x82"));     /* truncated */

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "# c\npriority=1 actions=drop\nip actions=\xff\n", 41), 41);
	close(fd);
	char expected[128];
	snprintf(expected, sizeof(expected), "add-flows: %s: line 3 is not valid UTF-8 text", path);
	check_err(ARGV("add-flows", "br0", path), expected);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bridge_verbs),
	    cmocka_unit_test(test_port_verbs),
	    cmocka_unit_test(test_appctl_verbs),
	    cmocka_unit_test(test_merge_add_port),
	    cmocka_unit_test(test_merge_add_br),
	    cmocka_unit_test(test_options),
	    cmocka_unit_test(test_help),
	    cmocka_unit_test(test_exist_options),
	    cmocka_unit_test(test_errors_commands),
	    cmocka_unit_test(test_errors_options),
	    cmocka_unit_test(test_errors_values),
	    cmocka_unit_test(test_errors_set),
	    cmocka_unit_test(test_tnl_verbs),
	    cmocka_unit_test(test_errors_tnl),
	    cmocka_unit_test(test_value_parsers),
	    cmocka_unit_test(test_errors_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
