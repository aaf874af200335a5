/* Unit tests of the reconciler's pure diff (diff.c) and of the desired state built from a
 * database replica (desired.c): synthetic desired/actual states in, exact operations out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "desired.h"
#include "diff.h"
#include "methods.h"
#include "state.h"

static struct ctd_port *port(struct ctd_bridge *br, const char *name, const char *type, int tag)
{
	struct ctd_port *p = ctd_bridge_add_port(br, name, type);
	assert_non_null(p);
	p->tag = tag;
	return p;
}

/* br0 (mac-aging-time=10) with vhu0 (server, tag 10) and vhc1 (client, trunks 20,30). */
static void full_state(struct ctd_state *s)
{
	struct ctd_bridge *br = ctd_state_add_bridge(s, "br0");
	assert_non_null(br);
	assert_int_equal(ctd_smap_set(&br->other_config, "mac-aging-time", "10"), 0);
	port(br, "vhu0", "dpdkvhostuser", 10);
	struct ctd_port *p = port(br, "vhc1", "dpdkvhostuserclient", -1);
	assert_int_equal(ctd_smap_set(&p->options, "vhost-server-path", "/tmp/vm1.sock"), 0);
	int trunks[] = {30, 20, 30};
	assert_int_equal(ctd_port_set_trunks(p, trunks, 3), 0);
}

/* Checks op 'i' of 'plan': method and params (compared as JSON), and that the request matches
 * the dataplane's method table (what ctd_dp_call() checks before sending). */
static void check_op(const struct ctd_plan *plan, size_t i, const char *method, const char *params)
{
	json_error_t jerr;
	json_t *want = json_loads(params, 0, &jerr);
	assert_non_null(want);
	assert_true(i < plan->n_ops);
	json_t *got = ctd_op_params(&plan->ops[i]);
	char *gs = json_dumps(got, JSON_SORT_KEYS | JSON_COMPACT);
	if (strcmp(ctd_op_method(&plan->ops[i]), method) || !json_equal(want, got))
		fail_msg("op %zu: got %s %s, want %s %s", i, ctd_op_method(&plan->ops[i]), gs,
		         method, params);
	char err[256];
	if (wf_rpc_check_request(ctd_op_method(&plan->ops[i]), got, err, sizeof(err)) < 0)
		fail_msg("op %zu: %s %s does not match methods.json: %s", i,
		         ctd_op_method(&plan->ops[i]), gs, err);
	free(gs);
	json_decref(got);
	json_decref(want);
}

static void test_empty_to_full(void **state)
{
	struct ctd_state want = {0}, have = {0};
	struct ctd_plan plan;
	(void)state;
	full_state(&want);
	assert_int_equal(ctd_diff(&want, &have, &plan), 0);
	assert_int_equal(plan.n_ops, 3);
	check_op(&plan, 0, "bridge-add",
	         "{\"name\":\"br0\",\"other_config\":{\"mac-aging-time\":\"10\"}}");
	check_op(&plan, 1, "port-add",
	         "{\"bridge\":\"br0\",\"name\":\"vhc1\",\"type\":\"dpdkvhostuserclient\","
	         "\"options\":{\"vhost-server-path\":\"/tmp/vm1.sock\"},\"trunks\":[20,30]}");
	check_op(&plan, 2, "port-add",
	         "{\"bridge\":\"br0\",\"name\":\"vhu0\",\"type\":\"dpdkvhostuser\","
	         "\"options\":{},\"tag\":10}");
	ctd_plan_free(&plan);
	ctd_state_free(&want);
}

static void test_full_to_empty(void **state)
{
	struct ctd_state want = {0}, have = {0};
	struct ctd_plan plan;
	(void)state;
	full_state(&have);
	assert_int_equal(ctd_diff(&want, &have, &plan), 0);
	assert_int_equal(plan.n_ops, 1); /* the ports go with their bridge */
	check_op(&plan, 0, "bridge-del", "{\"name\":\"br0\"}");
	ctd_plan_free(&plan);
	ctd_state_free(&have);
}

/* Adoption: the actual state equals the desired one: nothing to do. The actual state comes
 * from a `show` result, which states the effective vlan_mode and carries link/port_index. */
static void test_adoption(void **state)
{
	struct ctd_state want = {0}, have = {0};
	struct ctd_plan plan;
	json_error_t jerr;
	(void)state;
	full_state(&want);
	json_t *show = json_loads(
	    "{\"bridges\":[{\"name\":\"br0\",\"other_config\":{\"mac-aging-time\":\"10\"},"
	    "\"ports\":[{\"name\":\"vhu0\",\"type\":\"dpdkvhostuser\",\"options\":{},\"tag\":10,"
	    "\"trunks\":[],\"vlan_mode\":\"access\",\"link\":\"up\",\"port_index\":0},"
	    "{\"name\":\"vhc1\",\"type\":\"dpdkvhostuserclient\",\"options\":"
	    "{\"vhost-server-path\":\"/tmp/vm1.sock\"},\"tag\":null,\"trunks\":[30,20],"
	    "\"vlan_mode\":\"trunk\",\"link\":\"down\",\"port_index\":1}]}]}",
	    0, &jerr);
	assert_non_null(show);
	assert_int_equal(ctd_state_from_show(&have, show), 0);
	json_decref(show);
	assert_int_equal(have.bridges[0].ports[0].port_index, 0);
	assert_true(have.bridges[0].ports[0].link_up);
	assert_false(have.bridges[0].ports[1].link_up);
	assert_int_equal(ctd_diff(&want, &have, &plan), 0);
	assert_int_equal(plan.n_ops, 0);
	ctd_plan_free(&plan);
	/* And a state built the same way twice. */
	ctd_state_free(&have);
	full_state(&have);
	assert_int_equal(ctd_diff(&want, &have, &plan), 0);
	assert_int_equal(plan.n_ops, 0);
	ctd_plan_free(&plan);
	ctd_state_free(&want);
	ctd_state_free(&have);
}

static void test_tag_change(void **state)
{
	struct ctd_state want = {0}, have = {0};
	struct ctd_plan plan;
	(void)state;
	full_state(&want);
	full_state(&have);
	want.bridges[0].ports[0].tag = 20; /* vhu0: 10 -> 20 */
	want.bridges[0].ports[1].tag = 5;  /* vhc1: a tag, native-untagged */
	assert_int_equal(ctd_port_set_vlan_mode(&want.bridges[0].ports[1], "native-untagged"), 0);
	assert_int_equal(ctd_diff(&want, &have, &plan), 0);
	assert_int_equal(plan.n_ops, 2);
	check_op(
	    &plan, 0, "port-set",
	    "{\"name\":\"vhc1\",\"tag\":5,\"trunks\":[20,30],\"vlan_mode\":\"native-untagged\"}");
	check_op(&plan, 1, "port-set",
	         "{\"name\":\"vhu0\",\"tag\":20,\"trunks\":[],\"vlan_mode\":null}");
	ctd_plan_free(&plan);
	/* Removing the tag: tag null. */
	want.bridges[0].ports[0].tag = -1;
	want.bridges[0].ports[1].tag = -1;
	assert_int_equal(ctd_port_set_vlan_mode(&want.bridges[0].ports[1], NULL), 0);
	assert_int_equal(ctd_diff(&want, &have, &plan), 0);
	assert_int_equal(plan.n_ops, 1);
	check_op(&plan, 0, "port-set",
	         "{\"name\":\"vhu0\",\"tag\":null,\"trunks\":[],\"vlan_mode\":null}");
	ctd_plan_free(&plan);
	ctd_state_free(&want);
	ctd_state_free(&have);
}

static void test_options_change(void **state)
{
	struct ctd_state want = {0}, have = {0};
	struct ctd_plan plan;
	(void)state;
	full_state(&want);
	full_state(&have);
	assert_int_equal(
	    ctd_smap_set(&want.bridges[0].ports[1].options, "vhost-server-path", "/tmp/vm2.sock"),
	    0);
	assert_int_equal(ctd_diff(&want, &have, &plan), 0);
	assert_int_equal(plan.n_ops, 2);
	check_op(&plan, 0, "port-del", "{\"name\":\"vhc1\",\"bridge\":\"br0\"}");
	check_op(&plan, 1, "port-add",
	         "{\"bridge\":\"br0\",\"name\":\"vhc1\",\"type\":\"dpdkvhostuserclient\","
	         "\"options\":{\"vhost-server-path\":\"/tmp/vm2.sock\"},\"trunks\":[20,30]}");
	assert_string_equal(plan.ops[0].why, "options changed");
	ctd_plan_free(&plan);
	/* An added option key counts too. */
	ctd_state_free(&want);
	full_state(&want);
	assert_int_equal(ctd_smap_set(&want.bridges[0].ports[0].options, "n_rxq", "2"), 0);
	assert_int_equal(ctd_diff(&want, &have, &plan), 0);
	assert_int_equal(plan.n_ops, 2);
	check_op(&plan, 0, "port-del", "{\"name\":\"vhu0\",\"bridge\":\"br0\"}");
	check_op(&plan, 1, "port-add",
	         "{\"bridge\":\"br0\",\"name\":\"vhu0\",\"type\":\"dpdkvhostuser\","
	         "\"options\":{\"n_rxq\":\"2\"},\"tag\":10}");
	ctd_plan_free(&plan);
	ctd_state_free(&want);
	ctd_state_free(&have);
}

static void test_type_change(void **state)
{
	struct ctd_state want = {0}, have = {0};
	struct ctd_plan plan;
	(void)state;
	full_state(&want);
	full_state(&have);
	free(want.bridges[0].ports[0].type);
	want.bridges[0].ports[0].type = strdup("dpdk");
	assert_int_equal(
	    ctd_smap_set(&want.bridges[0].ports[0].options, "dpdk-devargs", "net_null0"), 0);
	assert_int_equal(ctd_diff(&want, &have, &plan), 0);
	assert_int_equal(plan.n_ops, 2);
	check_op(&plan, 0, "port-del", "{\"name\":\"vhu0\",\"bridge\":\"br0\"}");
	check_op(&plan, 1, "port-add",
	         "{\"bridge\":\"br0\",\"name\":\"vhu0\",\"type\":\"dpdk\","
	         "\"options\":{\"dpdk-devargs\":\"net_null0\"},\"tag\":10}");
	assert_string_equal(plan.ops[0].why, "type changed");
	ctd_plan_free(&plan);
	ctd_state_free(&want);
	ctd_state_free(&have);
}

static void test_bridge_other_config(void **state)
{
	struct ctd_state want = {0}, have = {0};
	struct ctd_plan plan;
	(void)state;
	full_state(&want);
	full_state(&have);
	struct ctd_smap *oc = &want.bridges[0].other_config;
	ctd_smap_free(oc);
	assert_int_equal(ctd_smap_set(oc, "mac-table-size", "1024"), 0);
	assert_int_equal(ctd_smap_set(oc, "tunnel-ip", "192.168.99.1/24"), 0);
	assert_int_equal(ctd_diff(&want, &have, &plan), 0);
	assert_int_equal(plan.n_ops, 1);
	check_op(&plan, 0, "bridge-set",
	         "{\"name\":\"br0\",\"other_config\":{\"mac-aging-time\":null,"
	         "\"mac-table-size\":\"1024\",\"tunnel-ip\":\"192.168.99.1/24\"}}");
	ctd_plan_free(&plan);
	/* A changed value only. */
	ctd_state_free(&want);
	full_state(&want);
	assert_int_equal(ctd_smap_set(&want.bridges[0].other_config, "mac-aging-time", "20"), 0);
	assert_int_equal(ctd_diff(&want, &have, &plan), 0);
	assert_int_equal(plan.n_ops, 1);
	check_op(&plan, 0, "bridge-set",
	         "{\"name\":\"br0\",\"other_config\":{\"mac-aging-time\":\"20\"}}");
	ctd_plan_free(&plan);
	ctd_state_free(&want);
	ctd_state_free(&have);
}

/* Ports moving: to another bridge (del + add), out of a deleted bridge (add only), and a name
 * that changes from port to bridge (port-del before bridge-add). */
static void test_moves_and_order(void **state)
{
	struct ctd_state want = {0}, have = {0};
	struct ctd_plan plan;
	(void)state;
	struct ctd_bridge *h0 = ctd_state_add_bridge(&have, "br0");
	port(h0, "p1", "dpdkvhostuser", -1);
	port(h0, "x", "dpdkvhostuser", -1);
	struct ctd_bridge *h1 = ctd_state_add_bridge(&have, "brold");
	h0 = &have.bridges[0];
	port(h1, "p2", "dpdkvhostuser", -1);
	struct ctd_bridge *w1 = ctd_state_add_bridge(&want, "br1");
	port(w1, "p1", "dpdkvhostuser", -1);
	port(w1, "p2", "dpdkvhostuser", -1);
	ctd_state_add_bridge(&want, "x");
	struct ctd_bridge *w0 = ctd_state_add_bridge(&want, "br0");
	(void)w0;
	assert_int_equal(ctd_diff(&want, &have, &plan), 0);
	assert_int_equal(plan.n_ops, 7);
	check_op(&plan, 0, "port-del", "{\"name\":\"p1\",\"bridge\":\"br0\"}");
	check_op(&plan, 1, "port-del", "{\"name\":\"x\",\"bridge\":\"br0\"}");
	check_op(&plan, 2, "bridge-del", "{\"name\":\"brold\"}");
	check_op(&plan, 3, "bridge-add", "{\"name\":\"br1\",\"other_config\":{}}");
	check_op(&plan, 4, "bridge-add", "{\"name\":\"x\",\"other_config\":{}}");
	check_op(&plan, 5, "port-add",
	         "{\"bridge\":\"br1\",\"name\":\"p1\",\"type\":\"dpdkvhostuser\",\"options\":{}}");
	check_op(&plan, 6, "port-add",
	         "{\"bridge\":\"br1\",\"name\":\"p2\",\"type\":\"dpdkvhostuser\",\"options\":{}}");
	assert_string_equal(plan.ops[0].why, "moved to another bridge");
	ctd_plan_free(&plan);
	ctd_state_free(&want);
	ctd_state_free(&have);
}

/* A replica as ovs-vsctl leaves it after `add-br br0; add-port br0 vhu0 -- set Interface vhu0
 * type=dpdkvhostuser; set Port vhu0 tag=7` plus a bond port. */
static const char *replica_json =
    "{\"Open_vSwitch\":{\"o1\":{\"initial\":null,\"new\":{\"bridges\":[\"uuid\",\"b1\"],"
    "\"next_cfg\":4,\"cur_cfg\":3}}},"
    "\"Bridge\":{\"b1\":{\"new\":{\"name\":\"br0\",\"ports\":[\"set\",[[\"uuid\",\"p0\"],"
    "[\"uuid\",\"p1\"],[\"uuid\",\"p2\"]]],\"other_config\":[\"map\",[[\"mac-aging-time\","
    "\"30\"]]]}}},"
    "\"Port\":{\"p0\":{\"new\":{\"name\":\"br0\",\"interfaces\":[\"uuid\",\"i0\"],\"tag\":"
    "[\"set\",[]],\"trunks\":[\"set\",[]],\"vlan_mode\":[\"set\",[]]}},"
    "\"p1\":{\"new\":{\"name\":\"vhu0\",\"interfaces\":[\"uuid\",\"i1\"],\"tag\":7,"
    "\"trunks\":[\"set\",[]],\"vlan_mode\":[\"set\",[]]}},"
    "\"p2\":{\"new\":{\"name\":\"bond0\",\"interfaces\":[\"set\",[[\"uuid\",\"i2\"],"
    "[\"uuid\",\"i3\"]]],\"tag\":[\"set\",[]],\"trunks\":[\"set\",[10,20]],"
    "\"vlan_mode\":\"trunk\"}}},"
    "\"Interface\":{\"i0\":{\"new\":{\"name\":\"br0\",\"type\":\"internal\",\"options\":"
    "[\"map\",[]]}},\"i1\":{\"new\":{\"name\":\"vhu0\",\"type\":\"dpdkvhostuser\","
    "\"options\":[\"map\",[]]}},\"i2\":{\"new\":{\"name\":\"e1\",\"type\":\"dpdk\","
    "\"options\":[\"map\",[[\"dpdk-devargs\",\"net_null0\"]]]}},\"i3\":{\"new\":{\"name\":"
    "\"e2\",\"type\":\"dpdk\",\"options\":[\"map\",[[\"dpdk-devargs\",\"net_null1\"]]]}}}}";

static void test_internal_skipped(void **state)
{
	struct ctd_replica r = {0};
	struct ctd_desired d;
	struct ctd_plan plan;
	struct ctd_state empty = {0};
	json_error_t jerr;
	(void)state;
	json_t *u = json_loads(replica_json, 0, &jerr);
	assert_non_null(u);
	assert_int_equal(ctd_replica_reset(&r, u), 0);
	json_decref(u);
	assert_int_equal(ctd_desired_build(&d, &r), 0);
	assert_int_equal(d.next_cfg, 4);
	assert_int_equal(d.cur_cfg, 3);
	assert_string_equal(d.ovs_uuid, "o1");
	/* Only vhu0 is a dataplane port: br0 is the bridge's local port, bond0 a bond. */
	assert_int_equal(d.state.n_bridges, 1);
	assert_int_equal(d.state.bridges[0].n_ports, 1);
	assert_string_equal(d.state.bridges[0].ports[0].name, "vhu0");
	assert_int_equal(d.state.bridges[0].ports[0].tag, 7);
	assert_int_equal(d.n_ifaces, 4);
	assert_int_equal(ctd_desired_iface(&d, "br0")->kind, CTD_IFACE_LOCAL);
	assert_int_equal(ctd_desired_iface(&d, "vhu0")->kind, CTD_IFACE_PORT);
	assert_int_equal(ctd_desired_iface(&d, "e1")->kind, CTD_IFACE_BAD);
	assert_string_equal(ctd_desired_iface(&d, "e2")->error,
	                    "port bond0 has 2 interfaces: bonds are not supported");
	assert_int_equal(ctd_diff(&d.state, &empty, &plan), 0);
	assert_int_equal(plan.n_ops, 2);
	check_op(&plan, 0, "bridge-add",
	         "{\"name\":\"br0\",\"other_config\":{\"mac-aging-time\":\"30\"}}");
	check_op(&plan, 1, "port-add",
	         "{\"bridge\":\"br0\",\"name\":\"vhu0\",\"type\":\"dpdkvhostuser\","
	         "\"options\":{},\"tag\":7}");
	ctd_plan_free(&plan);
	ctd_desired_free(&d);
	ctd_replica_clear(&r);
}

/* Only configuration changes ask for a reconcile pass; write-back columns do not. */
static void test_replica_changes(void **state)
{
	struct ctd_replica r = {0};
	json_error_t jerr;
	bool changed = false;
	(void)state;
	json_t *u = json_loads(replica_json, 0, &jerr);
	assert_int_equal(ctd_replica_reset(&r, u), 0);
	json_decref(u);
	u = json_loads("{\"Interface\":{\"i1\":{\"old\":{\"ofport\":[\"set\",[]],\"statistics\":"
	               "[\"map\",[]]},\"new\":{\"name\":\"vhu0\",\"type\":\"dpdkvhostuser\","
	               "\"options\":[\"map\",[]],\"ofport\":1}}},\"Open_vSwitch\":{\"o1\":{"
	               "\"old\":{\"cur_cfg\":3},\"new\":{\"bridges\":[\"uuid\",\"b1\"],"
	               "\"next_cfg\":4,\"cur_cfg\":4}}}}",
	               0, &jerr);
	assert_non_null(u);
	assert_int_equal(ctd_replica_update(&r, u, &changed), 0);
	json_decref(u);
	assert_false(changed);
	assert_int_equal(
	    json_integer_value(json_object_get(ctd_replica_row(&r, "Interface", "i1"), "ofport")),
	    1);
	u = json_loads("{\"Port\":{\"p1\":{\"old\":{\"tag\":7},\"new\":{\"name\":\"vhu0\","
	               "\"interfaces\":[\"uuid\",\"i1\"],\"tag\":8}}}}",
	               0, &jerr);
	assert_int_equal(ctd_replica_update(&r, u, &changed), 0);
	json_decref(u);
	assert_true(changed);
	changed = false;
	u = json_loads("{\"Interface\":{\"i9\":{\"new\":{\"name\":\"z\"}}}}", 0, &jerr);
	assert_int_equal(ctd_replica_update(&r, u, &changed), 0);
	json_decref(u);
	assert_true(changed);
	ctd_replica_clear(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty_to_full),
	    cmocka_unit_test(test_full_to_empty),
	    cmocka_unit_test(test_adoption),
	    cmocka_unit_test(test_tag_change),
	    cmocka_unit_test(test_options_change),
	    cmocka_unit_test(test_type_change),
	    cmocka_unit_test(test_bridge_other_config),
	    cmocka_unit_test(test_moves_and_order),
	    cmocka_unit_test(test_internal_skipped),
	    cmocka_unit_test(test_replica_changes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
