/* Unit tests of flows in the pure diff (diff.c, flows.c) and in the desired state and the
 * write-back (desired.c, writeback.c): canonical comparison, adoption, flow-replace, the
 * default flow and the marker. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "desired.h"
#include "diff.h"
#include "flowdb.h"
#include "state.h"

static struct ctd_bridge *bridge(struct ctd_state *s, const char *name)
{
	struct ctd_bridge *br = ctd_state_add_bridge(s, name);
	assert_non_null(br);
	br->flows_managed = true;
	struct ctd_port *p = ctd_bridge_add_port(br, "vm1", "dpdkvhostuser");
	assert_non_null(p);
	p->ofport = 3;
	p->tag = -1;
	return br;
}

static void add_flows(struct ctd_bridge *br, const char *const *flows)
{
	for (; *flows; flows++) {
		br->flows = realloc(br->flows, (br->n_flows + 1) * sizeof(char *));
		assert_non_null(br->flows);
		br->flows[br->n_flows++] = strdup(*flows);
	}
}

/* The actual flows, through the flow-dump result parser. */
static void dump(struct ctd_bridge *br, const char *json)
{
	json_t *res = json_loads(json, 0, NULL);
	assert_non_null(res);
	assert_int_equal(ctd_flows_from_dump(br, res), 0);
	json_decref(res);
}

static const char *const want_flows[] = {
    "table=0,priority=100,nw_src=10.0.0.1,ip,actions=drop",
    "table=0,priority=200,in_port=3,actions=output:vm1",
    "table=0,priority=0,actions=NORMAL",
    NULL,
};

static const char *dump_same =
    "{\"flows\":[{\"cookie\":\"0x0\",\"table\":0,\"priority\":200,\"match\":\"in_port=vm1\","
    "\"actions\":\"output:vm1\",\"n_packets\":5},"
    "{\"cookie\":\"0x0\",\"table\":0,\"priority\":100,\"match\":\"ip,nw_src=10.0.0.1\","
    "\"actions\":\"drop\"},"
    "{\"cookie\":\"0x0\",\"table\":0,\"priority\":0,\"match\":\"\",\"actions\":\"NORMAL\"}]}";

static void test_adoption_equal(void **state)
{
	struct ctd_state want = {0}, have = {0};
	struct ctd_plan plan;
	(void)state;
	add_flows(bridge(&want, "br0"), want_flows);
	dump(bridge(&have, "br0"), dump_same);
	assert_int_equal(ctd_diff(&want, &have, &plan), 0);
	assert_int_equal(plan.n_ops, 0); /* port names vs numbers, field order: no change */
	ctd_plan_free(&plan);
	ctd_state_free(&want);
	ctd_state_free(&have);
}

static void test_changed_replace(void **state)
{
	struct ctd_state want = {0}, have = {0};
	struct ctd_plan plan;
	static const char *const more[] = {"table=1,priority=5,cookie=0x10,tcp,actions=drop", NULL};
	(void)state;
	struct ctd_bridge *wb = bridge(&want, "br0");
	add_flows(wb, want_flows);
	add_flows(wb, more);
	dump(bridge(&have, "br0"), dump_same);
	assert_int_equal(ctd_diff(&want, &have, &plan), 0);
	assert_int_equal(plan.n_ops, 1);
	assert_string_equal(ctd_op_method(&plan.ops[0]), "flow-replace");
	json_t *p = ctd_op_params(&plan.ops[0]);
	json_t *exp = json_loads(
	    "{\"bridge\":\"br0\",\"flows\":[\"cookie=0x10, table=1, priority=5,tcp actions=drop\","
	    "\"priority=0 actions=NORMAL\",\"priority=100,ip,nw_src=10.0.0.1 actions=drop\","
	    "\"priority=200,in_port=vm1 actions=output:vm1\"]}",
	    0, NULL);
	char *s = json_dumps(p, JSON_COMPACT);
	if (!json_equal(p, exp))
		fail_msg("got %s", s);
	free(s);
	json_decref(p);
	json_decref(exp);
	ctd_plan_free(&plan);
	ctd_state_free(&want);
	ctd_state_free(&have);
}

static void test_new_bridge_and_unknown(void **state)
{
	struct ctd_state want = {0}, have = {0};
	struct ctd_plan plan;
	static const char *const dflt[] = {"table=0,priority=0,actions=NORMAL", NULL};
	static const char *const none[] = {NULL};
	(void)state;
	add_flows(bridge(&want, "br0"), dflt); /* new, default flow only: just bridge-add */
	add_flows(bridge(&want, "br1"), none); /* new, no flow: bridge-add then flow-replace [] */
	add_flows(bridge(&want, "br2"), want_flows);
	bridge(&have, "br2"); /* flow-dump did not answer: skipped */
	assert_int_equal(ctd_diff(&want, &have, &plan), 0);
	assert_int_equal(plan.n_ops, 5); /* 2 bridge-add, 2 port-add, 1 flow-replace */
	assert_string_equal(ctd_op_method(&plan.ops[4]), "flow-replace");
	assert_string_equal(plan.ops[4].bridge, "br1");
	assert_int_equal(plan.ops[4].n_flows, 0);
	ctd_plan_free(&plan);
	ctd_state_free(&want);
	ctd_state_free(&have);
}

static void test_duplicates_last_wins(void **state)
{
	static char *const in[] = {"priority=5,ip,actions=drop", "priority=5,ip,actions=NORMAL",
	                           "priority=5,ip,actions=drop"};
	char **out;
	size_t n;
	(void)state;
	assert_int_equal(ctd_flows_canon(in, 3, NULL, NULL, &out, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(out[0], "priority=5,ip actions=drop");
	ctd_flows_free_list(out, n);
}

/* Bridge br0 unmarked without rows, br1 marked without rows, br2 unmarked with a good and a
 * bad row. */
static const char *replica_json =
    "{\"Open_vSwitch\":{\"o1\":{\"bridges\":[\"set\",[[\"uuid\",\"b0\"],[\"uuid\",\"b1\"],"
    "[\"uuid\",\"b2\"]]],\"next_cfg\":1,\"cur_cfg\":0}},"
    "\"Bridge\":{\"b0\":{\"name\":\"br0\",\"ports\":[\"set\",[]],\"other_config\":[\"map\",[]],"
    "\"external_ids\":[\"map\",[]]},"
    "\"b1\":{\"name\":\"br1\",\"ports\":[\"set\",[]],\"other_config\":[\"map\",[]],"
    "\"external_ids\":[\"map\",[[\"weft-flows\",\"initialized\"]]]},"
    "\"b2\":{\"name\":\"br2\",\"ports\":[\"set\",[]],\"other_config\":[\"map\",[]],"
    "\"external_ids\":[\"map\",[]]}},"
    "\"Flow\":{\"f1\":{\"bridge\":\"br2\",\"table\":0,\"priority\":10,\"match\":\"ip\","
    "\"actions\":\"drop\",\"cookie\":0},"
    "\"f2\":{\"bridge\":\"br2\",\"table\":0,\"priority\":10,\"match\":\"nw_src=1.2.3.4.5\","
    "\"actions\":\"drop\",\"cookie\":0}}}";

static void test_desired_and_init(void **state)
{
	struct ctd_replica r = {0};
	struct ctd_desired d;
	(void)state;
	r.tables = json_loads(replica_json, 0, NULL);
	assert_non_null(r.tables);
	assert_int_equal(ctd_desired_build(&d, &r), 0);
	assert_int_equal(d.state.n_bridges, 3);
	assert_int_equal(d.state.bridges[0].n_flows, 1);
	assert_string_equal(d.state.bridges[0].flows[0], CTD_FLOW_DEFAULT);
	assert_int_equal(d.state.bridges[1].n_flows, 0);
	assert_int_equal(d.state.bridges[2].n_flows, 1);
	assert_string_equal(d.state.bridges[2].flows[0], "table=0,priority=10,ip,actions=drop");
	assert_int_equal(d.bad_flows.n_kv, 1);
	assert_string_equal(d.bad_flows.kv[0].key, "f2");
	assert_non_null(strstr(d.bad_flows.kv[0].value, "1.2.3.4.5"));
	ctd_desired_free(&d);

	json_t *ops = json_array();
	assert_int_equal(ctd_flows_init_ops(&r, ops), 0);
	/* br0: insert default, wait, mutate; br2 (has rows): wait, mutate. */
	assert_int_equal(json_array_size(ops), 5);
	assert_string_equal(json_string_value(json_object_get(json_array_get(ops, 0), "op")),
	                    "insert");
	assert_string_equal(json_string_value(json_object_get(json_array_get(ops, 1), "op")),
	                    "wait");
	assert_string_equal(json_string_value(json_object_get(json_array_get(ops, 2), "op")),
	                    "mutate");
	assert_string_equal(json_string_value(json_object_get(json_array_get(ops, 3), "op")),
	                    "wait");
	json_decref(ops);

	/* A Flow row of a bridge that is gone is deleted; the others stay. */
	ops = json_array();
	assert_int_equal(ctd_flows_gc_ops(&r, ops), 0);
	assert_int_equal(json_array_size(ops), 0);
	json_object_set_new(json_object_get(r.tables, "Flow"), "f9",
	                    json_pack("{s:s,s:i,s:i,s:s,s:s}", "bridge", "gone", "table", 0,
	                              "priority", 1, "match", "", "actions", "drop"));
	assert_int_equal(ctd_flows_gc_ops(&r, ops), 0);
	assert_int_equal(json_array_size(ops), 1);
	char *s = json_dumps(json_array_get(ops, 0), JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(s, "{\"op\":\"delete\",\"table\":\"Flow\",\"where\":[[\"_uuid\",\"==\","
	                       "[\"uuid\",\"f9\"]]]}");
	free(s);
	json_decref(ops);
	json_decref(r.tables);
}

/* Flows the dataplane removed by their timeouts: left out of the desired flows (no
 * flow-replace puts them back before the rows are gone), their rows deleted; rows with other
 * timeouts, rules or bridges stay. */
static void test_expired(void **state)
{
	(void)state;
	struct ctd_state want = {0}, have = {0};
	struct ctd_bridge *w = bridge(&want, "br0"), *h = bridge(&have, "br0");
	static const char *const rows[] = {
	    "table=0,priority=100,idle_timeout=2,in_port=vm1,dl_src=02:00:00:00:00:01,actions=drop",
	    "table=0,priority=100,hard_timeout=2,dl_src=02:00:00:00:00:02,actions=drop",
	    "table=0,priority=0,actions=NORMAL",
	    NULL,
	};
	add_flows(w, rows);
	/* The dataplane: the idle flow expired (the port by number in its entry: names and
	 * numbers resolve alike), so it is missing from the dump. */
	dump(h, "{\"flows\":[{\"cookie\":\"0x0\",\"table\":0,\"priority\":100,"
	        "\"match\":\"dl_src=02:00:00:00:00:02\",\"actions\":\"drop\",\"hard_timeout\":2},"
	        "{\"cookie\":\"0x0\",\"table\":0,\"priority\":0,\"match\":\"\","
	        "\"actions\":\"NORMAL\"}]}");
	json_t *removed = json_loads(
	    "[{\"seq\":1,\"bridge\":\"br0\",\"table\":0,\"priority\":100,\"match\":"
	    "\"in_port=3,dl_src=02:00:00:00:00:01\",\"idle_timeout\":2,\"hard_timeout\":0,"
	    "\"reason\":\"idle\"}]",
	    0, NULL);
	assert_non_null(removed);
	/* Without the entry the diff would put the flow back. */
	struct ctd_plan plan;
	assert_int_equal(ctd_diff(&want, &have, &plan), 0);
	assert_int_equal(plan.n_ops, 1);
	assert_int_equal(plan.ops[0].kind, CTD_OP_FLOW_REPLACE);
	ctd_plan_free(&plan);
	/* Same rule, other timeouts (re-added without idle_timeout): not the expired flow. */
	assert_false(ctd_flow_expired("table=0,priority=100,in_port=vm1,dl_src=02:00:00:00:00:01,"
	                              "actions=drop",
	                              "br0", removed, w, h));
	assert_false(ctd_flow_expired(rows[0], "br1", removed, w, h));
	assert_false(ctd_flow_expired(rows[1], "br0", removed, w, h));
	assert_true(ctd_flow_expired(rows[0], "br0", removed, w, h));
	assert_int_equal(ctd_flows_drop_expired(w, h, removed), 1);
	assert_int_equal(w->n_flows, 2);
	assert_int_equal(ctd_diff(&want, &have, &plan), 0);
	assert_int_equal(plan.n_ops, 0); /* nothing to fight over */
	ctd_plan_free(&plan);

	/* The rows: the expired flow's is deleted, the others (another bridge, other timeouts)
	 * stay. */
	struct ctd_replica r = {0};
	r.tables = json_loads(
	    "{\"Flow\":{\"f1\":{\"bridge\":\"br0\",\"table\":0,\"priority\":100,\"match\":"
	    "\"in_port=vm1,dl_src=02:00:00:00:00:01\",\"actions\":\"drop\",\"cookie\":0,"
	    "\"idle_timeout\":2,\"hard_timeout\":0},"
	    "\"f2\":{\"bridge\":\"br1\",\"table\":0,\"priority\":100,\"match\":"
	    "\"dl_src=02:00:00:00:00:01\",\"actions\":\"drop\",\"cookie\":0,\"idle_timeout\":2},"
	    "\"f3\":{\"bridge\":\"br0\",\"table\":0,\"priority\":100,\"match\":"
	    "\"dl_src=02:00:00:00:00:02\",\"actions\":\"drop\",\"cookie\":0,\"hard_timeout\":2},"
	    "\"f4\":{\"bridge\":\"br0\",\"table\":0,\"priority\":0,\"match\":\"\","
	    "\"actions\":\"NORMAL\",\"cookie\":0}}}",
	    0, NULL);
	assert_non_null(r.tables);
	json_t *ops = json_array();
	assert_int_equal(ctd_flows_expired_ops(&r, removed, &have, ops), 0);
	char *js = json_dumps(ops, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(js, "[{\"op\":\"delete\",\"table\":\"Flow\",\"where\":[[\"_uuid\","
	                        "\"==\",[\"uuid\",\"f1\"]]]}]");
	free(js);
	json_decref(ops);
	json_decref(r.tables);
	json_decref(removed);
	ctd_state_free(&want);
	ctd_state_free(&have);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_adoption_equal),
	    cmocka_unit_test(test_changed_replace),
	    cmocka_unit_test(test_new_bridge_and_unknown),
	    cmocka_unit_test(test_duplicates_last_wins),
	    cmocka_unit_test(test_desired_and_init),
	    cmocka_unit_test(test_expired),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
