/* Unit tests of weft-controld's VTEP mapping (vtep.c): a hardware_vtep replica and a desired
 * state in, the changed desired state, static MAC entries, fdb operations and the
 * Ucast_Macs_Local transaction out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "desired.h"
#include "diff.h"
#include "vtep.h"

/* JSON written with ' for " (readability). */
static json_t *js(const char *text)
{
	char *s = strdup(text);
	json_error_t jerr;
	for (char *c = s; *c; c++)
		if (*c == '\'')
			*c = '"';
	json_t *j = json_loads(s, 0, &jerr);
	if (!j)
		fail_msg("bad test JSON: %s: %s", jerr.text, s);
	free(s);
	return j;
}

static void replica(struct ctd_replica *r, const char *text)
{
	json_t *u = js(text);
	assert_int_equal(ctd_replica_reset(r, u), 0);
	json_decref(u);
}

/* The VTEP database of the tests: ps0 with vm1 (VLAN 0 -> ls0, VNI 5000) and vm2 (VLAN 100 ->
 * ls1, VNI 5001); remote MACs behind 192.168.99.2 (L2); ls0's flood set {L2, L3}; a MAC
 * behind our own locator L1 and one over GRE (L4), both not configured. */
static const char *vtep_db =
    "{'Physical_Switch': {'s0': {'new': {'name': 'ps0', 'ports': ['set', [['uuid', 'pp1'], "
    "['uuid', 'pp2']]], 'tunnel_ips': ['set', []]}},"
    " 's1': {'new': {'name': 'other', 'ports': ['uuid', 'pp3'], 'tunnel_ips': '10.0.0.9'}}},"
    "'Physical_Port': {'pp1': {'new': {'name': 'vm1', 'vlan_bindings': ['map', [[0, ['uuid', "
    "'ls0']]]]}}, 'pp2': {'new': {'name': 'vm2', 'vlan_bindings': ['map', [[100, ['uuid', "
    "'ls1']]]]}}, 'pp3': {'new': {'name': 'vm3', 'vlan_bindings': ['map', [[0, ['uuid', "
    "'ls0']]]]}}},"
    "'Logical_Switch': {'ls0': {'new': {'name': 'ls0', 'tunnel_key': 5000}},"
    " 'ls1': {'new': {'name': 'ls1', 'tunnel_key': 5001}},"
    " 'ls2': {'new': {'name': 'nokey', 'tunnel_key': ['set', []]}}},"
    "'Physical_Locator': {'L1': {'new': {'dst_ip': '192.168.99.1', 'encapsulation_type': "
    "'vxlan_over_ipv4'}}, 'L2': {'new': {'dst_ip': '192.168.99.2', 'encapsulation_type': "
    "'vxlan_over_ipv4'}}, 'L3': {'new': {'dst_ip': '192.168.99.3', 'encapsulation_type': "
    "'vxlan_over_ipv4'}}, 'L4': {'new': {'dst_ip': '192.168.99.4', 'encapsulation_type': "
    "'gre'}}},"
    "'Physical_Locator_Set': {'S1': {'new': {'locators': ['set', [['uuid', 'L2'], ['uuid', "
    "'L3']]]}}},"
    "'Ucast_Macs_Remote': {'u1': {'new': {'MAC': '00:00:00:00:00:AA', 'logical_switch': "
    "['uuid', 'ls0'], 'locator': ['uuid', 'L2']}}, 'u2': {'new': {'MAC': '00:00:00:00:00:bb', "
    "'logical_switch': ['uuid', 'ls1'], 'locator': ['uuid', 'L2']}}, 'u3': {'new': {'MAC': "
    "'00:00:00:00:00:cc', 'logical_switch': ['uuid', 'ls0'], 'locator': ['uuid', 'L1']}}, "
    "'u4': {'new': {'MAC': '00:00:00:00:00:dd', 'logical_switch': ['uuid', 'ls0'], 'locator': "
    "['uuid', 'L4']}}},"
    "'Mcast_Macs_Remote': {'m1': {'new': {'MAC': 'unknown-dst', 'logical_switch': ['uuid', "
    "'ls0'], 'locator_set': ['uuid', 'S1']}}},"
    "'Ucast_Macs_Local': {'x1': {'new': {'MAC': '02:00:00:00:00:99', 'logical_switch': "
    "['uuid', 'ls0'], 'locator': ['uuid', 'L1'], 'ipaddr': ''}}, 'x2': {'new': {'MAC': "
    "'02:00:00:00:00:01', 'logical_switch': ['uuid', 'ls0'], 'locator': ['uuid', 'L1'], "
    "'ipaddr': ''}}, 'x3': {'new': {'MAC': '02:00:00:00:00:77', 'logical_switch': ['uuid', "
    "'ls0'], 'locator': ['uuid', 'L3'], 'ipaddr': ''}}}}";

static int add_iface(struct ctd_desired *d, const char *name, const char *br)
{
	d->ifaces = realloc(d->ifaces, (d->n_ifaces + 1) * sizeof(*d->ifaces));
	d->ifaces[d->n_ifaces++] =
	    (struct ctd_iface){strdup(name), strdup(name), strdup(br), CTD_IFACE_PORT, NULL};
	return 0;
}

/* The Open_vSwitch side: br-phy (underlay 192.168.99.1/24, uplink up0) and br-local with the
 * VM ports vm1 (tag 5 in that database), vm2 and vm9 (not bound). */
static void ovs_desired(struct ctd_desired *d)
{
	memset(d, 0, sizeof(*d));
	struct ctd_bridge *b = ctd_state_add_bridge(&d->state, "br-phy");
	ctd_smap_set(&b->other_config, "tunnel-ip", "192.168.99.1/24");
	struct ctd_port *p = ctd_bridge_add_port(b, "up0", "dpdk");
	ctd_smap_set(&p->options, "dpdk-devargs", "net_null0");
	b = ctd_state_add_bridge(&d->state, "br-local");
	b->flows_managed = true;
	p = ctd_bridge_add_port(b, "vm1", "dpdk");
	ctd_smap_set(&p->options, "dpdk-devargs", "net_null1");
	p->tag = 5;
	p->ofport = 3;
	ctd_bridge_add_port(b, "vm2", "dpdkvhostuser");
	ctd_bridge_add_port(b, "vm9", "dpdkvhostuser");
	add_iface(d, "up0", "br-phy");
	add_iface(d, "vm1", "br-local");
	add_iface(d, "vm2", "br-local");
	add_iface(d, "vm9", "br-local");
}

static const struct ctd_bridge *bridge(const struct ctd_state *s, const char *name)
{
	for (size_t i = 0; i < s->n_bridges; i++)
		if (!strcmp(s->bridges[i].name, name))
			return &s->bridges[i];
	return NULL;
}

static const struct ctd_port *port(const struct ctd_bridge *b, const char *name)
{
	for (size_t i = 0; b && i < b->n_ports; i++)
		if (!strcmp(b->ports[i].name, name))
			return &b->ports[i];
	return NULL;
}

static void test_build(void **state)
{
	struct ctd_replica r = {0};
	struct ctd_desired d;
	struct ctd_vtep v;
	(void)state;
	replica(&r, vtep_db);
	ovs_desired(&d);
	assert_int_equal(ctd_vtep_build(&v, &r, "ps0", &d), 0);

	assert_string_equal(v.local_ip, "192.168.99.1");
	assert_true(v.write_tunnel_ips);
	assert_int_equal(v.n_ls, 2);
	/* br-local keeps only the unbound port; vm1 and vm2 moved. */
	const struct ctd_bridge *bl = bridge(&d.state, "br-local");
	assert_int_equal(bl->n_ports, 1);
	assert_string_equal(bl->ports[0].name, "vm9");
	const struct ctd_bridge *b0 = bridge(&d.state, "vtep5000");
	const struct ctd_bridge *b1 = bridge(&d.state, "vtep5001");
	assert_non_null(b0);
	assert_non_null(b1);
	assert_false(b0->flows_managed);
	/* vm1: VLAN 0 binding = access tag 0; type, options and ofport kept. */
	const struct ctd_port *p = port(b0, "vm1");
	assert_non_null(p);
	assert_string_equal(p->type, "dpdk");
	assert_string_equal(ctd_smap_get(&p->options, "dpdk-devargs"), "net_null1");
	assert_int_equal(p->tag, 0);
	assert_int_equal(p->ofport, 3);
	/* vm2: VLAN 100 = trunk of 100. */
	p = port(b1, "vm2");
	assert_non_null(p);
	assert_int_equal(p->tag, -1);
	assert_int_equal(p->n_trunks, 1);
	assert_int_equal(p->trunks[0], 100);
	assert_string_equal(ctd_port_vlan_mode(p), "trunk");
	/* The interfaces follow their ports (write-back looks them up by bridge). */
	assert_string_equal(ctd_desired_iface(&d, "vm1")->bridge, "vtep5000");
	assert_string_equal(ctd_desired_iface(&d, "vm9")->bridge, "br-local");
	/* Tunnels: ls0 to .2 (ucast + flood) and .3 (flood), ls1 to .2; none to ourselves
	 * (L1) nor over GRE (L4). */
	assert_int_equal(b0->n_ports, 3);
	p = port(b0, "vx5000-192.168.99.2");
	assert_non_null(p);
	assert_string_equal(p->type, "vxlan");
	assert_string_equal(ctd_smap_get(&p->options, "remote_ip"), "192.168.99.2");
	assert_string_equal(ctd_smap_get(&p->options, "key"), "5000");
	assert_int_equal(p->tag, 0);
	assert_non_null(port(b0, "vx5000-192.168.99.3"));
	assert_null(ctd_smap_get(&port(b0, "vx5000-192.168.99.2")->options, "flood"));
	p = port(b1, "vx5001-192.168.99.2");
	assert_non_null(p);
	assert_string_equal(ctd_smap_get(&p->options, "key"), "5001");
	/* ls1 has no unknown-dst set: its unicast-only tunnel floods nothing. */
	assert_string_equal(ctd_smap_get(&p->options, "flood"), "false");
	assert_int_equal(p->tag, 100);
	assert_int_equal(b1->n_ports, 2);
	/* Static entries: MACs lower case, on the LS's VLAN. */
	assert_int_equal(v.n_fdb, 2);
	assert_string_equal(v.fdb[0].bridge, "vtep5000");
	assert_string_equal(v.fdb[0].mac, "00:00:00:00:00:aa");
	assert_string_equal(v.fdb[0].port, "vx5000-192.168.99.2");
	assert_int_equal(v.fdb[0].vlan, 0);
	assert_string_equal(v.fdb[1].bridge, "vtep5001");
	assert_int_equal(v.fdb[1].vlan, 100);
	assert_string_equal(ctd_smap_get(&v.local_ports, "vm1"), "ls0");
	/* The GRE locator is reported. */
	assert_non_null(ctd_smap_get(&v.errors, "Physical_Locator 192.168.99.4"));
	assert_int_equal(v.errors.n_kv, 1);

	/* The ordinary diff against an empty dataplane creates all of it. */
	struct ctd_state empty = {0};
	struct ctd_plan plan;
	assert_int_equal(ctd_diff(&d.state, &empty, &plan), 0);
	size_t n_tnl = 0;
	for (size_t i = 0; i < plan.n_ops; i++)
		n_tnl += plan.ops[i].kind == CTD_OP_PORT_ADD && !strncmp(plan.ops[i].port, "vx", 2);
	assert_int_equal(n_tnl, 3);
	ctd_plan_free(&plan);
	ctd_vtep_free(&v);
	ctd_desired_free(&d);
	ctd_replica_clear(&r);
}

static void test_problems(void **state)
{
	struct ctd_replica r = {0};
	struct ctd_desired d;
	struct ctd_vtep v;
	(void)state;
	/* No such switch: nothing changes. */
	replica(&r, vtep_db);
	ovs_desired(&d);
	assert_int_equal(ctd_vtep_build(&v, &r, "nope", &d), 0);
	assert_null(v.ps_uuid);
	assert_int_equal(v.n_ls, 0);
	assert_int_equal(d.state.n_bridges, 2);
	assert_int_equal(bridge(&d.state, "br-local")->n_ports, 3);
	assert_non_null(strstr(ctd_smap_get(&v.errors, "nope"), "no Physical_Switch"));
	ctd_vtep_free(&v);
	ctd_desired_free(&d);
	ctd_replica_clear(&r);

	/* vm1 bound to an LS without key and to ls0; vm2 to ls0 with another VLAN; vm3 has
	 * no weft port; tunnel_ips disagree with the underlay. */
	replica(&r,
	        "{'Physical_Switch': {'s0': {'new': {'name': 'ps0', 'ports': ['set', [['uuid', "
	        "'pp1'], ['uuid', 'pp2'], ['uuid', 'pp3']]], 'tunnel_ips': '10.9.9.9'}}},"
	        "'Physical_Port': {'pp1': {'new': {'name': 'vm1', 'vlan_bindings': ['map', [[0, "
	        "['uuid', 'ls0']], [7, ['uuid', 'ls2']]]]}}, 'pp2': {'new': {'name': 'vm2', "
	        "'vlan_bindings': ['map', [[100, ['uuid', 'ls0']]]]}}, 'pp3': {'new': {'name': "
	        "'vm3', 'vlan_bindings': ['map', [[0, ['uuid', 'ls2']]]]}}},"
	        "'Logical_Switch': {'ls0': {'new': {'name': 'ls0', 'tunnel_key': 5000}}, 'ls2': "
	        "{'new': {'name': 'nokey', 'tunnel_key': ['set', []]}}}}");
	ovs_desired(&d);
	assert_int_equal(ctd_vtep_build(&v, &r, "ps0", &d), 0);
	assert_false(v.write_tunnel_ips);
	assert_non_null(strstr(ctd_smap_get(&v.errors, "ps0"), "10.9.9.9"));
	assert_non_null(strstr(ctd_smap_get(&v.errors, "vm1"), "2 VLAN bindings"));
	assert_non_null(strstr(ctd_smap_get(&v.errors, "vm2"), "one VLAN per logical switch"));
	assert_non_null(strstr(ctd_smap_get(&v.errors, "vm3"), "no tunnel_key"));
	assert_int_equal(v.n_ls, 1);
	assert_non_null(port(bridge(&d.state, "vtep5000"), "vm1"));
	assert_non_null(port(bridge(&d.state, "br-local"), "vm2")); /* left where it was */
	ctd_vtep_free(&v);
	ctd_desired_free(&d);
	ctd_replica_clear(&r);

	/* An uplink of the underlay bridge is not taken; one MAC behind two locators: one
	 * entry (the lower tunnel name). */
	replica(&r,
	        "{'Physical_Switch': {'s0': {'new': {'name': 'ps0', 'ports': ['set', [['uuid', "
	        "'pp1']]], 'tunnel_ips': ['set', []]}}},"
	        "'Physical_Port': {'pp1': {'new': {'name': 'up0', 'vlan_bindings': ['map', [[0, "
	        "['uuid', 'ls0']]]]}}},"
	        "'Logical_Switch': {'ls0': {'new': {'name': 'ls0', 'tunnel_key': 5000}}},"
	        "'Physical_Locator': {'L2': {'new': {'dst_ip': '192.168.99.2', "
	        "'encapsulation_type': 'vxlan_over_ipv4'}}, 'L3': {'new': {'dst_ip': "
	        "'192.168.99.3', 'encapsulation_type': 'vxlan_over_ipv4'}}},"
	        "'Ucast_Macs_Remote': {'u1': {'new': {'MAC': '00:00:00:00:00:01', "
	        "'logical_switch': ['uuid', 'ls0'], 'locator': ['uuid', 'L3']}}, 'u2': {'new': "
	        "{'MAC': '00:00:00:00:00:01', 'logical_switch': ['uuid', 'ls0'], 'locator': "
	        "['uuid', 'L2']}}}}");
	ovs_desired(&d);
	assert_int_equal(ctd_vtep_build(&v, &r, "ps0", &d), 0);
	assert_non_null(strstr(ctd_smap_get(&v.errors, "up0"), "uplink of the underlay"));
	assert_non_null(port(bridge(&d.state, "br-phy"), "up0"));
	assert_int_equal(v.n_fdb, 1);
	assert_string_equal(v.fdb[0].port, "vx5000-192.168.99.2");
	ctd_vtep_free(&v);
	ctd_desired_free(&d);
	ctd_replica_clear(&r);

	/* A bound port the Open_vSwitch database lacks. */
	replica(&r, vtep_db);
	ovs_desired(&d);
	free(d.state.bridges[1].ports[0].name);
	d.state.bridges[1].ports[0].name = strdup("renamed");
	assert_int_equal(ctd_vtep_build(&v, &r, "ps0", &d), 0);
	assert_non_null(strstr(ctd_smap_get(&v.errors, "vm1"), "no port vm1"));
	assert_int_equal(bridge(&d.state, "vtep5000")->n_ports, 2); /* the tunnels only */
	ctd_vtep_free(&v);
	ctd_desired_free(&d);
	ctd_replica_clear(&r);
}

static void check_json(json_t *got, const char *want_text)
{
	json_t *want = js(want_text);
	char *g = json_dumps(got, JSON_SORT_KEYS | JSON_COMPACT);
	char *w = json_dumps(want, JSON_SORT_KEYS | JSON_COMPACT);
	if (!json_equal(got, want))
		fail_msg("got  %s\nwant %s", g, w);
	free(g);
	free(w);
	json_decref(want);
}

static void test_fdb_ops(void **state)
{
	struct ctd_replica r = {0};
	struct ctd_desired d;
	struct ctd_vtep v;
	(void)state;
	replica(&r, vtep_db);
	ovs_desired(&d);
	assert_int_equal(ctd_vtep_build(&v, &r, "ps0", &d), 0);
	/* vtep5000: a stale static entry, a dynamic one for the remote MAC, a learned one. */
	json_t *show = js("{'entries': [{'port': 'vm1', 'vlan': 0, 'mac': '02:00:00:00:00:01', "
	                  "'age': 1, 'static': false}, {'port': 'vx5000-192.168.99.3', 'vlan': "
	                  "0, 'mac': '00:00:00:00:00:aa', 'age': 1, 'static': false}, {'port': "
	                  "'vx5000-192.168.99.3', 'vlan': 0, 'mac': '00:00:00:00:00:ee', 'age': "
	                  "0, 'static': true}]}");
	json_t *ops = ctd_vtep_fdb_ops(&v, "vtep5000", show);
	check_json(ops, "[{'method': 'fdb-del', 'params': {'bridge': 'vtep5000', 'vlan': 0, "
	                "'mac': '00:00:00:00:00:ee'}}, {'method': 'fdb-add', 'params': {'bridge': "
	                "'vtep5000', 'vlan': 0, 'mac': '00:00:00:00:00:aa', 'port': "
	                "'vx5000-192.168.99.2'}}]");
	json_decref(ops);
	json_decref(show);
	/* Already right: nothing. */
	show = js("{'entries': [{'port': 'vx5001-192.168.99.2', 'vlan': 100, 'mac': "
	          "'00:00:00:00:00:BB', 'age': 0, 'static': true}]}");
	ops = ctd_vtep_fdb_ops(&v, "vtep5001", show);
	check_json(ops, "[]");
	json_decref(ops);
	json_decref(show);
	ctd_vtep_free(&v);
	ctd_desired_free(&d);
	ctd_replica_clear(&r);
}

static void test_local_ops(void **state)
{
	struct ctd_replica r = {0};
	struct ctd_desired d;
	struct ctd_vtep v;
	(void)state;
	replica(&r, vtep_db);
	ovs_desired(&d);
	assert_int_equal(ctd_vtep_build(&v, &r, "ps0", &d), 0);
	/* Learned: 02..01 on vm1 (already a row), 02..02 on vm1 (new), a remote one on a tunnel
	 * and a static one (not local); 02..99's row is stale; x3 is another locator's. */
	json_t *learned =
	    js("{'vtep5000': {'entries': [{'port': 'vm1', 'vlan': 0, 'mac': '02:00:00:00:00:01', "
	       "'static': false}, {'port': 'vm1', 'vlan': 0, 'mac': '02:00:00:00:00:02', 'static': "
	       "false}, {'port': 'vx5000-192.168.99.3', 'vlan': 0, 'mac': '02:00:00:00:00:03', "
	       "'static': false}, {'port': 'vx5000-192.168.99.2', 'vlan': 0, 'mac': "
	       "'00:00:00:00:00:aa', 'static': true}]}, 'vtep5001': {'entries': [{'port': 'vm2', "
	       "'vlan': 100, 'mac': '02:00:00:00:00:04', 'static': false}]}}");
	json_t *ops = ctd_vtep_local_ops(&v, &r, learned);
	check_json(ops,
	           "[{'op': 'delete', 'table': 'Ucast_Macs_Local', 'where': [['_uuid', '==', "
	           "['uuid', 'x1']]]}, {'op': 'insert', 'table': 'Ucast_Macs_Local', 'row': "
	           "{'MAC': '02:00:00:00:00:02', 'logical_switch': ['uuid', 'ls0'], 'locator': "
	           "['uuid', 'L1'], 'ipaddr': ''}}, {'op': 'insert', 'table': "
	           "'Ucast_Macs_Local', 'row': {'MAC': '02:00:00:00:00:04', 'logical_switch': "
	           "['uuid', 'ls1'], 'locator': ['uuid', 'L1'], 'ipaddr': ''}}, {'op': "
	           "'update', 'table': 'Physical_Switch', 'where': [['_uuid', '==', ['uuid', "
	           "'s0']]], 'row': {'tunnel_ips': '192.168.99.1'}}]");
	json_decref(ops);
	json_decref(learned);
	/* vtep5000's MAC table unknown (fdb-show failed): its rows stay. */
	learned = js("{'vtep5001': {'entries': []}}");
	ops = ctd_vtep_local_ops(&v, &r, learned);
	check_json(ops, "[{'op': 'update', 'table': 'Physical_Switch', 'where': [['_uuid', '==', "
	                "['uuid', 's0']]], 'row': {'tunnel_ips': '192.168.99.1'}}]");
	json_decref(ops);
	json_decref(learned);
	ctd_vtep_free(&v);
	ctd_desired_free(&d);
	ctd_replica_clear(&r);

	/* No locator of ours yet: inserted with the first row; nothing learned: no ops. */
	replica(&r, "{'Physical_Switch': {'s0': {'new': {'name': 'ps0', 'ports': ['uuid', "
	            "'pp1'], 'tunnel_ips': '192.168.99.1'}}}, 'Physical_Port': {'pp1': {'new': "
	            "{'name': 'vm1', 'vlan_bindings': ['map', [[0, ['uuid', 'ls0']]]]}}}, "
	            "'Logical_Switch': {'ls0': {'new': {'name': 'ls0', 'tunnel_key': 7}}}}");
	ovs_desired(&d);
	assert_int_equal(ctd_vtep_build(&v, &r, "ps0", &d), 0);
	learned = js("{'vtep7': {'entries': []}}");
	ops = ctd_vtep_local_ops(&v, &r, learned);
	check_json(ops, "[]");
	json_decref(ops);
	json_decref(learned);
	learned = js("{'vtep7': {'entries': [{'port': 'vm1', 'vlan': 0, 'mac': "
	             "'02:00:00:00:00:0A', 'static': false}]}}");
	ops = ctd_vtep_local_ops(&v, &r, learned);
	check_json(ops, "[{'op': 'insert', 'table': 'Physical_Locator', 'uuid-name': 'weftloc', "
	                "'row': {'dst_ip': '192.168.99.1', 'encapsulation_type': "
	                "'vxlan_over_ipv4'}}, {'op': 'insert', 'table': 'Ucast_Macs_Local', "
	                "'row': {'MAC': '02:00:00:00:00:0a', 'logical_switch': ['uuid', 'ls0'], "
	                "'locator': ['named-uuid', 'weftloc'], 'ipaddr': ''}}]");
	json_decref(ops);
	json_decref(learned);
	ctd_vtep_free(&v);
	ctd_desired_free(&d);
	ctd_replica_clear(&r);
}

static void test_status_ops(void **state)
{
	struct ctd_replica r = {0};
	struct ctd_desired d;
	struct ctd_vtep v;
	(void)state;
	replica(&r, vtep_db);
	ovs_desired(&d);
	assert_int_equal(ctd_vtep_build(&v, &r, "ps0", &d), 0);
	json_t *stats = js("{'ports': {'vm1': {'rx_packets': 5, 'rx_bytes': 500, 'tx_packets': "
	                   "7, 'tx_bytes': 700}, 'vm2': {'rx_packets': 1, 'rx_bytes': 60, "
	                   "'tx_packets': 0, 'tx_bytes': 0}}}");
	json_t *ops = ctd_vtep_status_ops(&v, &r, stats);
	check_json(ops,
	           "[{'op': 'insert', 'table': 'Logical_Binding_Stats', 'uuid-name': "
	           "'weftstats0', 'row': {'packets_from_local': 5, 'bytes_from_local': 500, "
	           "'packets_to_local': 7, 'bytes_to_local': 700}}, {'op': 'update', 'table': "
	           "'Physical_Port', 'where': [['_uuid', '==', ['uuid', 'pp1']]], 'row': "
	           "{'vlan_stats': ['map', [[0, ['named-uuid', 'weftstats0']]]]}}, {'op': "
	           "'insert', 'table': 'Logical_Binding_Stats', 'uuid-name': 'weftstats1', 'row': "
	           "{'packets_from_local': 1, 'bytes_from_local': 60, 'packets_to_local': 0, "
	           "'bytes_to_local': 0}}, {'op': 'update', 'table': 'Physical_Port', 'where': "
	           "[['_uuid', '==', ['uuid', 'pp2']]], 'row': {'vlan_stats': ['map', [[100, "
	           "['named-uuid', 'weftstats1']]]]}}, {'op': 'update', 'table': "
	           "'Physical_Switch', 'where': [['_uuid', '==', ['uuid', 's0']]], 'row': "
	           "{'switch_fault_status': ['set', ['Physical_Locator 192.168.99.4: "
	           "encapsulation_type gre is not supported (vxlan_over_ipv4 is)']]}}]");
	json_decref(ops);
	ctd_vtep_free(&v);
	ctd_desired_free(&d);
	ctd_replica_clear(&r);

	/* Written before: equal statistics and faults are not written again, changed ones
	 * are updated in place; a port's own problem goes to its port_fault_status. */
	replica(&r, "{'Physical_Switch': {'s0': {'new': {'name': 'ps0', 'ports': ['set', [['uuid', "
	            "'pp1'], ['uuid', 'pp2']]], 'tunnel_ips': '192.168.99.1', "
	            "'switch_fault_status': ['set', []]}}}, 'Physical_Port': {'pp1': {'new': "
	            "{'name': 'vm1', 'vlan_bindings': ['map', [[0, ['uuid', 'ls0']]]], "
	            "'vlan_stats': ['map', [[0, ['uuid', 'st1']]]], 'port_fault_status': ['set', "
	            "[]]}}, 'pp2': {'new': {'name': 'vmX', 'vlan_bindings': ['map', [[0, ['uuid', "
	            "'ls0']]]], 'vlan_stats': ['map', []], 'port_fault_status': 'old'}}}, "
	            "'Logical_Switch': {'ls0': {'new': {'name': 'ls0', 'tunnel_key': 7}}}, "
	            "'Logical_Binding_Stats': {'st1': {'new': {'packets_from_local': 5, "
	            "'bytes_from_local': 500, 'packets_to_local': 7, 'bytes_to_local': 700}}}}");
	ovs_desired(&d);
	assert_int_equal(ctd_vtep_build(&v, &r, "ps0", &d), 0);
	ops = ctd_vtep_status_ops(&v, &r, stats);
	check_json(ops, "[{'op': 'update', 'table': 'Physical_Port', 'where': [['_uuid', '==', "
	                "['uuid', 'pp2']]], 'row': {'port_fault_status': ['set', ['Physical_Port "
	                "vmX: no port vmX in the Open_vSwitch database (add it there with its "
	                "type)']]}}]");
	json_decref(ops);
	json_decref(stats);
	stats = js("{'ports': {'vm1': {'rx_packets': 6, 'rx_bytes': 600, 'tx_packets': 7, "
	           "'tx_bytes': 700}}}");
	ops = ctd_vtep_status_ops(&v, &r, stats);
	check_json(json_array_get(ops, 0),
	           "{'op': 'update', 'table': 'Logical_Binding_Stats', 'where': [['_uuid', '==', "
	           "['uuid', 'st1']]], 'row': {'packets_from_local': 6, 'bytes_from_local': 600, "
	           "'packets_to_local': 7, 'bytes_to_local': 700}}");
	json_decref(ops);
	json_decref(stats);
	ctd_vtep_free(&v);
	ctd_desired_free(&d);
	ctd_replica_clear(&r);
}

static void test_update_is_config(void **state)
{
	(void)state;
	json_t *u = js("{'Ucast_Macs_Local': {'x': {'new': {}}}}");
	assert_false(ctd_vtep_update_is_config(u));
	json_decref(u);
	/* Our own status writes. */
	u = js("{'Logical_Binding_Stats': {'s': {'new': {}}}, 'Physical_Port': {'p': {'old': "
	       "{'vlan_stats': 1, 'port_fault_status': 2}, 'new': {}}}, 'Physical_Switch': "
	       "{'w': {'old': {'switch_fault_status': 1}, 'new': {}}}}");
	assert_false(ctd_vtep_update_is_config(u));
	json_decref(u);
	u = js("{'Physical_Port': {'p': {'old': {'vlan_bindings': 1}, 'new': {}}}}");
	assert_true(ctd_vtep_update_is_config(u));
	json_decref(u);
	u = js("{'Physical_Port': {'p': {'old': {}}}}"); /* deleted */
	assert_true(ctd_vtep_update_is_config(u));
	json_decref(u);
	u = js("{'Ucast_Macs_Local': {'x': {'new': {}}}, 'Ucast_Macs_Remote': {'y': {}}}");
	assert_true(ctd_vtep_update_is_config(u));
	json_decref(u);
	/* The same in update2's notation. */
	u = js("{'Logical_Binding_Stats': {'s': {'insert': {}}}, 'Physical_Port': {'p': {'modify': "
	       "{'vlan_stats': 1, 'port_fault_status': 'x'}}}, 'Physical_Switch': {'w': {'modify': "
	       "{'switch_fault_status': 'y'}}}}");
	assert_false(ctd_vtep_update_is_config(u));
	json_decref(u);
	u = js("{'Physical_Port': {'p': {'modify': {'vlan_bindings': ['map', [[0, ['uuid', "
	       "'ls0']]]]}}}}");
	assert_true(ctd_vtep_update_is_config(u));
	json_decref(u);
	u = js("{'Physical_Port': {'p': {'delete': null}}}");
	assert_true(ctd_vtep_update_is_config(u));
	json_decref(u);
	u = js("{'Ucast_Macs_Remote': {'y': {'insert': {'MAC': '00:00:00:00:00:01'}}}}");
	assert_true(ctd_vtep_update_is_config(u));
	json_decref(u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_build),      cmocka_unit_test(test_problems),
	    cmocka_unit_test(test_fdb_ops),    cmocka_unit_test(test_local_ops),
	    cmocka_unit_test(test_status_ops), cmocka_unit_test(test_update_is_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
