/* Unit tests of cli/dp-request.c: commands built by hand -> dataplane requests; and every
 * request weftctl can build (every verb, every argument count, every column form, merged
 * adds, --may-exist follow-ups) passes the method table check (cli_dp_request_check()). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dp-request.h"
#include "parse.h"

static void check(const struct cli_cmd *cmd, const char *method, const char *params)
{
	const char *m;
	json_t *p;
	char *text;

	assert_int_equal(cli_dp_request(cmd, &m, &p), 0);
	assert_string_equal(m, method);
	text = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(text, params);
	free(text);
	json_decref(p);
}

/* get, list, clear, list-br, list-ports: database only (main.c refuses them with --direct). */
#define N_DB_ONLY 5
static bool db_only(int v)
{
	return cli_cmd_is_db_only((enum cli_cmd_verb)v);
}

static void test_methods(void **state)
{
	static const struct {
		enum cli_cmd_verb verb;
		const char *method;
	} map[] = {
	    {CLI_CMD_ADD_BR, "bridge-add"},
	    {CLI_CMD_DEL_BR, "bridge-del"},
	    {CLI_CMD_ADD_PORT, "port-add"},
	    {CLI_CMD_DEL_PORT, "port-del"},
	    {CLI_CMD_SET_PORT, "port-set"},
	    {CLI_CMD_SET_IFACE, "port-set"},
	    {CLI_CMD_SET_BRIDGE, "bridge-set"},
	    {CLI_CMD_SHOW, "show"},
	    {CLI_CMD_FDB_SHOW, "fdb-show"},
	    {CLI_CMD_FDB_FLUSH, "fdb-flush"},
	    {CLI_CMD_FDB_STATS, "fdb-stats"},
	    {CLI_CMD_FDB_ADD, "fdb-add"},
	    {CLI_CMD_FDB_DEL, "fdb-del"},
	    {CLI_CMD_DP_SHOW, "dp-show"},
	    {CLI_CMD_STATS, "stats"},
	    {CLI_CMD_REPLAY_RUN, "replay-run"},
	    {CLI_CMD_DP_EXIT, "exit"},
	    {CLI_CMD_TNL_NEIGH_SHOW, "tnl-neigh-show"},
	    {CLI_CMD_TNL_NEIGH_SET, "tnl-neigh-set"},
	    {CLI_CMD_TNL_NEIGH_FLUSH, "tnl-neigh-flush"},
	    {CLI_CMD_ADD_FLOW, "flow-add"},
	    {CLI_CMD_ADD_FLOWS, "flow-add"},
	    {CLI_CMD_DEL_FLOWS, "flow-del"},
	    {CLI_CMD_MOD_FLOWS, "flow-mod"},
	    {CLI_CMD_DUMP_FLOWS, "flow-dump"},
	    {CLI_CMD_REPLACE_FLOWS, "flow-replace"},
	};

	(void)state;
	assert_int_equal(sizeof(map) / sizeof(map[0]), CLI_CMD__COUNT - N_DB_ONLY);
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		struct cli_cmd cmd = {.verb = map[i].verb};
		const char *m;
		json_t *p;

		assert_int_equal(cli_dp_request(&cmd, &m, &p), 0);
		assert_string_equal(m, map[i].method);
		assert_true(json_is_object(p));
		/* Zeroed command: only vlan and mac of the fdb verbs, ip and mac of
		 * tnl-neigh-set are always sent. */
		assert_int_equal(json_object_size(p), map[i].verb == CLI_CMD_FDB_ADD ||
		                                              map[i].verb == CLI_CMD_FDB_DEL ||
		                                              map[i].verb == CLI_CMD_TNL_NEIGH_SET
		                                          ? 2
		                                          : 0);
		json_decref(p);
	}
}

static void test_port_columns(void **state)
{
	int trunks[] = {10, 20};
	struct cli_cmd cmd = {
	    .verb = CLI_CMD_ADD_PORT,
	    .bridge = "br0",
	    .name = "p1",
	    .cols =
	        {
	            .tag_state = CLI_COL_CLEAR,
	            .trunks_state = CLI_COL_SET,
	            .trunks = trunks,
	            .n_trunks = 2,
	            .vlan_mode_state = CLI_COL_CLEAR,
	            .type = "",
	        },
	};

	(void)state;
	/* port-add omits cleared columns and an empty type. */
	check(&cmd, "port-add", "{\"bridge\":\"br0\",\"name\":\"p1\",\"trunks\":[10,20]}");
	/* port-set sends them as null; trunks with no VLAN is []. */
	cmd.verb = CLI_CMD_SET_PORT;
	cmd.cols.n_trunks = 0;
	check(&cmd, "port-set", "{\"name\":\"p1\",\"tag\":null,\"trunks\":[],\"vlan_mode\":null}");
	cmd.cols = (struct cli_cols){.tag_state = CLI_COL_SET,
	                             .tag = 0,
	                             .vlan_mode_state = CLI_COL_SET,
	                             .vlan_mode = "access"};
	check(&cmd, "port-set", "{\"name\":\"p1\",\"tag\":0,\"vlan_mode\":\"access\"}");
}

static void test_maps(void **state)
{
	struct cli_cmd cmd = {.verb = CLI_CMD_ADD_PORT, .bridge = "br0", .name = "v1"};
	json_t *opts = json_pack("{s:s}", "vhost-server-path", "/tmp/v1.sock");

	(void)state;
	cmd.cols.type = "dpdkvhostuserclient";
	cmd.cols.options = opts;
	check(&cmd, "port-add",
	      "{\"bridge\":\"br0\",\"name\":\"v1\",\"options\":{\"vhost-server-path\":"
	      "\"/tmp/v1.sock\"},\"type\":\"dpdkvhostuserclient\"}");
	/* The request holds a copy: the command's map is untouched. */
	assert_int_equal(json_object_size(opts), 1);

	struct cli_cmd br = {.verb = CLI_CMD_ADD_BR, .bridge = "br0", .cols.other_config = opts};
	check(&br, "bridge-add",
	      "{\"name\":\"br0\",\"other_config\":{\"vhost-server-path\":\"/tmp/v1.sock\"}}");
	json_decref(opts);
}

static void test_fdb(void **state)
{
	struct cli_cmd cmd = {.verb = CLI_CMD_FDB_ADD,
	                      .bridge = "br0",
	                      .name = "p1",
	                      .vlan = 4095,
	                      .mac = "02:00:00:00:00:0a"};

	(void)state;
	check(&cmd, "fdb-add",
	      "{\"bridge\":\"br0\",\"mac\":\"02:00:00:00:00:0a\",\"port\":\"p1\",\"vlan\":4095}");
	cmd.verb = CLI_CMD_FDB_DEL;
	check(&cmd, "fdb-del", "{\"bridge\":\"br0\",\"mac\":\"02:00:00:00:00:0a\",\"vlan\":4095}");
	cmd.verb = CLI_CMD_DEL_PORT;
	check(&cmd, "port-del", "{\"bridge\":\"br0\",\"name\":\"p1\"}");
}

/* Sample value of one synopsis word. */
static const char *sample(const char *word)
{
	static const struct {
		const char *word, *value;
	} samples[] = {
	    {"BR", "br0"},
	    {"PORT", "p0"},
	    {"NAME", "p0"},
	    {"VLAN", "10"},
	    {"IP", "10.0.0.1"},
	    {"MAC", "02:00:00:00:00:01"},
	    {"FLOW", "priority=1,ip actions=drop"},
	    {"MATCH", "ip"},
	    {"FILE", "/dev/null"},
	};

	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		if (!strcmp(samples[i].word, word)) {
			return samples[i].value;
		}
	}
	fail_msg("no sample value for synopsis word '%s': add one", word);
	return NULL;
}

/* Parses 'argv' (NULL-terminated, without the program name), checks every resulting request
 * against the method table, and marks the verbs seen. For add-br/add-port also checks the
 * bridge-set/port-set that dp-run.c sends after an EEXIST under --may-exist (same columns). */
static void check_argv(const char **args, bool seen[CLI_CMD__COUNT])
{
	const char *argv[32] = {"weftctl"};
	struct cli_opts opts;
	struct cli_cmd_list list;
	char *err = NULL;
	int argc = 1;

	for (; args[argc - 1]; argc++) {
		assert_true(argc < 31);
		argv[argc] = args[argc - 1];
	}
	if (cli_parse_argv(argc, (char **)argv, &opts, &list, &err) < 0) {
		fail_msg("parse error: %s", err ? err : "?");
	}
	for (size_t i = 0; i < list.n_cmds; i++) {
		const struct cli_cmd *cmd = &list.cmds[i];
		struct cli_cmd follow[2] = {
		    {.verb = CLI_CMD_SET_BRIDGE, .bridge = cmd->bridge},
		    {.verb = CLI_CMD_SET_PORT, .name = cmd->name, .cols = cmd->cols}};
		follow[0].cols.other_config = cmd->cols.other_config;
		const struct cli_cmd *todo[3] = {cmd, NULL, NULL};

		if (cmd->verb == CLI_CMD_ADD_BR && cmd->cols.other_config) {
			todo[1] = &follow[0];
		} else if (cmd->verb == CLI_CMD_ADD_PORT) {
			todo[1] = &follow[1];
		}
		for (size_t t = 0; t < 3 && todo[t]; t++) {
			const char *method;
			json_t *params;

			assert_int_equal(cli_dp_request(todo[t], &method, &params), 0);
			if (cli_dp_request_check(method, params, &err) < 0) {
				char *text = json_dumps(params, JSON_COMPACT | JSON_SORT_KEYS);

				fail_msg("%s %s: %s", method, text, err);
			}
			seen[todo[t]->verb] = true;
			json_decref(params);
		}
	}
	cli_cmd_list_free(&list);
}

static void test_every_request_validates(void **state)
{
	/* set: every column of every table, given and cleared. */
	static const char *const sets[][20] = {
	    {"set", "Port", "p0", "tag=10", "trunks=[1,2]", "vlan_mode=trunk", NULL},
	    {"set", "Port", "p0", "tag=[]", "trunks=[]", "vlan_mode=[]", NULL},
	    {"set", "Port", "p0", "trunks=3,4", NULL},
	    {"set", "Interface", "p0", "options:n_rxq=2", NULL},
	    {"add-port", "br0", "p2", "--", "set", "Interface", "p2", "type=dpdk",
	     "options:dpdk-devargs=net_null0", NULL},
	    {"add-port", "br0", "p3", "--", "set", "Interface", "p3", "type=\"\"", NULL},
	    {"set", "Bridge", "br0", "other_config:mac-aging-time=30",
	     "other_config:tunnel-ip=10.0.0.1/24", NULL},
	    /* merged into the adds, also as --may-exist */
	    {"add-br", "br1", "--", "set", "Bridge", "br1", "other_config:x=y", NULL},
	    {"--may-exist", "add-br", "br1", "--", "set", "Bridge", "br1", "other_config:x=y",
	     NULL},
	    {"add-port", "br0", "p1", "--", "set", "Interface", "p1", "type=dpdkvhostuser", "--",
	     "set", "Port", "p1", "tag=[]", NULL},
	    {"--may-exist", "add-port", "br0", "p1", "--", "set", "Interface", "p1", "type=vxlan",
	     "options:remote_ip=10.0.0.2", "--", "set", "Port", "p1", "tag=5", "trunks=[]",
	     "vlan_mode=access", NULL},
	    {"--if-exists", "del-port", "br0", "p1", NULL},
	    {"stats", "--all", NULL},
	    {"del-flows", "br0", "--strict", "priority=5,ip", NULL},
	    {"dump-flows", "br0", "--no-stats", NULL},
	};
	bool seen[CLI_CMD__COUNT] = {false};

	(void)state;
	/* Every verb with every argument count its synopsis allows ("set" aside). */
	for (int v = 0; v < CLI_CMD__COUNT; v++) {
		const struct cli_verb_info *vi = cli_verb_of_cmd((enum cli_cmd_verb)v);
		char words[8][16];
		bool optional[8];
		int n_words = 0, n_required = 0;
		char syn[128];

		if (!strcmp(vi->name, "set") || db_only(v)) {
			continue;
		}
		snprintf(syn, sizeof(syn), "%s", vi->synopsis);
		for (char *w = strtok(syn, " "); w; w = strtok(NULL, " ")) {
			bool opt = w[0] == '[';
			size_t len = strcspn(w + opt, "]");

			if (w[opt] == '-') {
				continue; /* an option ("[--all]"), not an argument */
			}
			assert_true(n_words < 8 && len < 16);
			snprintf(words[n_words], sizeof(words[0]), "%.*s", (int)len, w + opt);
			optional[n_words] = opt;
			n_required += !opt;
			n_words++;
		}
		assert_int_equal(vi->min_args, n_required);
		assert_int_equal(vi->max_args, n_words);
		for (int n = vi->min_args; n <= vi->max_args; n++) {
			const char *args[12] = {vi->name};
			int extra = n - n_required, k = 1;

			/* optional words fill from the left */
			for (int w = 0; w < n_words; w++) {
				if (!optional[w] || extra-- > 0) {
					args[k++] = sample(words[w]);
				}
			}
			check_argv(args, seen);
		}
	}
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		check_argv((const char **)sets[i], seen);
	}
	for (int v = 0; v < CLI_CMD__COUNT; v++) {
		if (!seen[v] && !db_only(v)) {
			fail_msg("verb %d (%s) was never built", v,
			         cli_verb_of_cmd((enum cli_cmd_verb)v)->name);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_methods),
	    cmocka_unit_test(test_port_columns),
	    cmocka_unit_test(test_maps),
	    cmocka_unit_test(test_fdb),
	    cmocka_unit_test(test_every_request_validates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
