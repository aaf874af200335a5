/* Unit tests of cli/dp-request.c: commands built by hand -> dataplane requests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dp-request.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_methods),
	    cmocka_unit_test(test_port_columns),
	    cmocka_unit_test(test_maps),
	    cmocka_unit_test(test_fdb),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
