/* Unit tests of cli/dp-request.c: commands built by hand -> dataplane requests; and every
 * request weftctl can build (every verb, every argument count, every column form, merged
 * adds, --may-exist follow-ups) passes the method table check (dp_request_check()). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dp-request.h"
#include "parse.h"

static void check(const struct cmd *cmd, const char *method, const char *params)
{
	const char *m;
	json_t *p;
	char *text;

	assert_int_equal(dp_request(cmd, &m, &p), 0);
	assert_string_equal(m, method);
	text = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(text, params);
	free(text);
	json_decref(p);
}

static void test_methods(void **state)
{
	static const struct {
		enum cmd_verb verb;
		const char *method;
	} map[] = {
	    {CMD_ADD_BR, "bridge-add"},
	    {CMD_DEL_BR, "bridge-del"},
	    {CMD_ADD_PORT, "port-add"},
	    {CMD_DEL_PORT, "port-del"},
	    {CMD_SET_PORT, "port-set"},
	    {CMD_SET_IFACE, "port-set"},
	    {CMD_SET_BRIDGE, "bridge-set"},
	    {CMD_SHOW, "show"},
	    {CMD_FDB_SHOW, "fdb-show"},
	    {CMD_FDB_FLUSH, "fdb-flush"},
	    {CMD_FDB_ADD, "fdb-add"},
	    {CMD_FDB_DEL, "fdb-del"},
	    {CMD_DP_SHOW, "dp-show"},
	    {CMD_STATS, "stats"},
	    {CMD_REPLAY_RUN, "replay-run"},
	    {CMD_DP_EXIT, "exit"},
	    {CMD_TNL_NEIGH_SHOW, "tnl-neigh-show"},
	    {CMD_TNL_NEIGH_SET, "tnl-neigh-set"},
	    {CMD_TNL_NEIGH_FLUSH, "tnl-neigh-flush"},
	};

	(void)state;
	assert_int_equal(sizeof(map) / sizeof(map[0]), CMD__COUNT);
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		struct cmd cmd = {.verb = map[i].verb};
		const char *m;
		json_t *p;

		assert_int_equal(dp_request(&cmd, &m, &p), 0);
		assert_string_equal(m, map[i].method);
		assert_true(json_is_object(p));
		/* Zeroed command: only vlan and mac of the fdb verbs, ip and mac of
		 * tnl-neigh-set are always sent. */
		assert_int_equal(json_object_size(p), map[i].verb == CMD_FDB_ADD ||
		                                              map[i].verb == CMD_FDB_DEL ||
		                                              map[i].verb == CMD_TNL_NEIGH_SET
		                                          ? 2
		                                          : 0);
		json_decref(p);
	}
}

static void test_port_columns(void **state)
{
	int trunks[] = {10, 20};
	struct cmd cmd = {
	    .verb = CMD_ADD_PORT,
	    .bridge = "br0",
	    .name = "p1",
	    .cols =
	        {
	            .tag_state = CMD_COL_CLEAR,
	            .trunks_state = CMD_COL_SET,
	            .trunks = trunks,
	            .n_trunks = 2,
	            .vlan_mode_state = CMD_COL_CLEAR,
	            .type = "",
	        },
	};

	(void)state;
	/* port-add omits cleared columns and an empty type. */
	check(&cmd, "port-add", "{\"bridge\":\"br0\",\"name\":\"p1\",\"trunks\":[10,20]}");
	/* port-set sends them as null; trunks with no VLAN is []. */
	cmd.verb = CMD_SET_PORT;
	cmd.cols.n_trunks = 0;
	check(&cmd, "port-set", "{\"name\":\"p1\",\"tag\":null,\"trunks\":[],\"vlan_mode\":null}");
	cmd.cols = (struct cmd_cols){.tag_state = CMD_COL_SET,
	                             .tag = 0,
	                             .vlan_mode_state = CMD_COL_SET,
	                             .vlan_mode = "access"};
	check(&cmd, "port-set", "{\"name\":\"p1\",\"tag\":0,\"vlan_mode\":\"access\"}");
}

static void test_maps(void **state)
{
	struct cmd cmd = {.verb = CMD_ADD_PORT, .bridge = "br0", .name = "v1"};
	json_t *opts = json_pack("{s:s}", "vhost-server-path", "/tmp/v1.sock");

	(void)state;
	cmd.cols.type = "dpdkvhostuserclient";
	cmd.cols.options = opts;
	check(&cmd, "port-add",
	      "{\"bridge\":\"br0\",\"name\":\"v1\",\"options\":{\"vhost-server-path\":"
	      "\"/tmp/v1.sock\"},\"type\":\"dpdkvhostuserclient\"}");
	/* The request holds a copy: the command's map is untouched. */
	assert_int_equal(json_object_size(opts), 1);

	struct cmd br = {.verb = CMD_ADD_BR, .bridge = "br0", .cols.other_config = opts};
	check(&br, "bridge-add",
	      "{\"name\":\"br0\",\"other_config\":{\"vhost-server-path\":\"/tmp/v1.sock\"}}");
	json_decref(opts);
}

static void test_fdb(void **state)
{
	struct cmd cmd = {.verb = CMD_FDB_ADD,
	                  .bridge = "br0",
	                  .name = "p1",
	                  .vlan = 4095,
	                  .mac = "02:00:00:00:00:0a"};

	(void)state;
	check(&cmd, "fdb-add",
	      "{\"bridge\":\"br0\",\"mac\":\"02:00:00:00:00:0a\",\"port\":\"p1\",\"vlan\":4095}");
	cmd.verb = CMD_FDB_DEL;
	check(&cmd, "fdb-del", "{\"bridge\":\"br0\",\"mac\":\"02:00:00:00:00:0a\",\"vlan\":4095}");
	cmd.verb = CMD_DEL_PORT;
	check(&cmd, "port-del", "{\"bridge\":\"br0\",\"name\":\"p1\"}");
}

/* Sample value of one synopsis word. */
static const char *sample(const char *word)
{
	static const struct {
		const char *word, *value;
	} samples[] = {
	    {"BR", "br0"},  {"PORT", "p0"},     {"NAME", "p0"},
	    {"VLAN", "10"}, {"IP", "10.0.0.1"}, {"MAC", "02:00:00:00:00:01"},
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
static void check_argv(const char **args, bool seen[CMD__COUNT])
{
	const char *argv[32] = {"weftctl"};
	struct weftctl_opts opts;
	struct cmd_list list;
	char *err = NULL;
	int argc = 1;

	for (; args[argc - 1]; argc++) {
		assert_true(argc < 31);
		argv[argc] = args[argc - 1];
	}
	if (parse_argv(argc, (char **)argv, &opts, &list, &err) < 0) {
		fail_msg("parse error: %s", err ? err : "?");
	}
	for (size_t i = 0; i < list.n_cmds; i++) {
		const struct cmd *cmd = &list.cmds[i];
		struct cmd follow[2] = {
		    {.verb = CMD_SET_BRIDGE, .bridge = cmd->bridge},
		    {.verb = CMD_SET_PORT, .name = cmd->name, .cols = cmd->cols}};
		follow[0].cols.other_config = cmd->cols.other_config;
		const struct cmd *todo[3] = {cmd, NULL, NULL};

		if (cmd->verb == CMD_ADD_BR && cmd->cols.other_config) {
			todo[1] = &follow[0];
		} else if (cmd->verb == CMD_ADD_PORT) {
			todo[1] = &follow[1];
		}
		for (size_t t = 0; t < 3 && todo[t]; t++) {
			const char *method;
			json_t *params;

			assert_int_equal(dp_request(todo[t], &method, &params), 0);
			if (dp_request_check(method, params, &err) < 0) {
				char *text = json_dumps(params, JSON_COMPACT | JSON_SORT_KEYS);

				fail_msg("%s %s: %s", method, text, err);
			}
			seen[todo[t]->verb] = true;
			json_decref(params);
		}
	}
	cmd_list_free(&list);
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
	};
	bool seen[CMD__COUNT] = {false};

	(void)state;
	/* Every verb with every argument count its synopsis allows ("set" aside). */
	for (int v = 0; v < CMD__COUNT; v++) {
		const struct verb_info *vi = verb_of_cmd((enum cmd_verb)v);
		char words[8][16];
		bool optional[8];
		int n_words = 0, n_required = 0;
		char syn[128];

		if (!strcmp(vi->name, "set")) {
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
	for (int v = 0; v < CMD__COUNT; v++) {
		if (!seen[v]) {
			fail_msg("verb %d (%s) was never built", v,
			         verb_of_cmd((enum cmd_verb)v)->name);
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
