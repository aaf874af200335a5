/* Unit tests of cli/output.c: exact table and JSON renderings of server results. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "output.h"

/* Renders 'result_text' (JSON) for a command of verb 'verb' and compares with 'expected'. */
static void check(enum cli_cmd_verb verb, bool all, enum cli_format fmt, const char *result_text,
                  const char *expected)
{
	struct cli_cmd cmd = {.verb = verb, .all = all};
	json_error_t jerr;
	json_t *result = json_loads(result_text, JSON_DECODE_ANY, &jerr);
	char *out = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&out, &size);

	if (!result) {
		fail_msg("bad test JSON: %s", jerr.text);
	}
	assert_int_equal(cli_output_result(f, &cmd, result, fmt), 0);
	fclose(f);
	assert_string_equal(out, expected);
	free(out);
	json_decref(result);
}

static const char show_result[] =
    "{\"bridges\": ["
    " {\"name\": \"br1\", \"other_config\": {}, \"ports\": []},"
    " {\"name\": \"br0\", \"other_config\": {\"mac-aging-time\": \"10\", \"x\": \"a b\"},"
    "  \"ports\": ["
    "   {\"name\": \"vh0\", \"type\": \"dpdkvhostuser\", \"options\": {}, \"tag\": 10,"
    "    \"trunks\": [], \"vlan_mode\": \"access\", \"link\": \"down\", \"port_index\": 1},"
    "   {\"name\": \"p0\", \"type\": \"dpdk\","
    "    \"options\": {\"dpdk-devargs\": \"net_pcap0,iface=lo\"}, \"tag\": null,"
    "    \"trunks\": [1, 2], \"vlan_mode\": null, \"link\": \"up\", \"port_index\": 0},"
    "   {\"name\": \"r0\", \"type\": \"\", \"options\": {}, \"tag\": null,"
    "    \"trunks\": [], \"vlan_mode\": null, \"link\": \"up\", \"port_index\": 2}"
    "  ]}"
    "]}";

static void test_show(void **state)
{
	(void)state;
	check(CLI_CMD_SHOW, false, CLI_FMT_TABLE, show_result,
	      "    Bridge br0\n"
	      "        other_config: {mac-aging-time=\"10\", x=\"a b\"}\n"
	      "        Port p0\n"
	      "            trunks: [1, 2]\n"
	      "            Interface p0\n"
	      "                type: dpdk\n"
	      "                options: {dpdk-devargs=\"net_pcap0,iface=lo\"}\n"
	      "                link_state: up\n"
	      "        Port r0\n"
	      "            Interface r0\n"
	      "                link_state: up\n"
	      "        Port vh0\n"
	      "            tag: 10\n"
	      "            vlan_mode: access\n"
	      "            Interface vh0\n"
	      "                type: dpdkvhostuser\n"
	      "                link_state: down\n"
	      "    Bridge br1\n");
	check(CLI_CMD_SHOW, false, CLI_FMT_TABLE, "{\"bridges\": []}", "");
	/* A malformed result does not crash: unknown fields are shown as "?". */
	check(CLI_CMD_SHOW, false, CLI_FMT_TABLE, "{\"bridges\": [{\"ports\": [{}]}]}",
	      "    Bridge \"?\"\n        Port \"?\"\n            Interface \"?\"\n");
}

static void test_fdb(void **state)
{
	(void)state;
	check(CLI_CMD_FDB_SHOW, false, CLI_FMT_TABLE,
	      "{\"entries\": ["
	      "{\"port\": \"p1\", \"vlan\": 0, \"mac\": \"02:00:00:00:00:01\", \"age\": 5,"
	      " \"static\": false},"
	      "{\"port\": \"p2\", \"vlan\": 4095, \"mac\": \"02:00:00:00:00:AB\", \"age\": 0,"
	      " \"static\": true}]}",
	      " port  VLAN  MAC                Age\n"
	      "   p1     0  02:00:00:00:00:01    5\n"
	      "   p2  4095  02:00:00:00:00:ab  static\n");
	/* Long port names widen the first column. */
	check(CLI_CMD_FDB_SHOW, false, CLI_FMT_TABLE,
	      "{\"entries\": [{\"port\": \"vhost-user-1\", \"vlan\": 10,"
	      " \"mac\": \"02:00:00:00:00:01\", \"age\": 300, \"static\": false}]}",
	      "        port  VLAN  MAC                Age\n"
	      "vhost-user-1    10  02:00:00:00:00:01  300\n");
	check(CLI_CMD_FDB_SHOW, false, CLI_FMT_TABLE, "{\"entries\": []}",
	      " port  VLAN  MAC                Age\n");
}

static void test_fdb_stats(void **state)
{
	struct cli_cmd cmd = {.verb = CLI_CMD_FDB_STATS, .bridge = "br0"};
	json_t *result =
	    json_pack("{s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i}", "entries", 3, "max_entries",
	              8192, "static", 1, "learned", 7, "aged", 2, "evicted", 0, "moved", 1, "full",
	              4, "aging_s", 300, "displacement_max", 2);
	char *out = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&out, &size);

	(void)state;
	assert_int_equal(cli_output_result(f, &cmd, result, CLI_FMT_TABLE), 0);
	fclose(f);
	assert_string_equal(out, "Statistics for bridge \"br0\":\n"
	                         "  Current/maximum MAC entries in the table: 3/8192\n"
	                         "  Current static MAC entries in the table : 1\n"
	                         "  Total number of learned MAC entries     : 7\n"
	                         "  Total number of expired MAC entries     : 2\n"
	                         "  Total number of evicted MAC entries     : 0\n"
	                         "  Total number of port moved MAC entries  : 1\n"
	                         "  Total number of refused MAC entries     : 4 (table full)\n"
	                         "  MAC aging time (seconds)                : 300\n"
	                         "  Longest entry displacement (slots)      : 2\n");
	free(out);
	json_decref(result);
}

static const char stats_result[] =
    "{\"ports\": {"
    " \"p2\": {\"rx_packets\": 0, \"tx_packets\": 7},"
    " \"p1\": {\"rx_packets\": 12, \"rx_bytes\": 1234567890123, \"drop_runt\": 0}},"
    " \"bridges\": {\"br0\": {\"fdb_entries\": 2, \"flooded\": 0}}}";

static void test_stats(void **state)
{
	(void)state;
	check(CLI_CMD_STATS, false, CLI_FMT_TABLE, stats_result,
	      "name  counter              value\n"
	      "p1    rx_packets              12\n"
	      "p1    rx_bytes     1234567890123\n"
	      "p2    tx_packets               7\n"
	      "br0   fdb_entries              2\n");
	check(CLI_CMD_STATS, true, CLI_FMT_TABLE, stats_result,
	      "name  counter              value\n"
	      "p1    rx_packets              12\n"
	      "p1    rx_bytes     1234567890123\n"
	      "p1    drop_runt                0\n"
	      "p2    rx_packets               0\n"
	      "p2    tx_packets               7\n"
	      "br0   fdb_entries              2\n"
	      "br0   flooded                  0\n");
	check(CLI_CMD_STATS, false, CLI_FMT_TABLE, "{\"ports\": {}, \"bridges\": {}}",
	      "name  counter  value\n");
}

/* Flow tables of each bridge (names sorted; an underlay bridge has none), then the PMDs. */
static const char stats_tables_result[] =
    "{\"ports\": {\"p1\": {\"rx_packets\": 7}},"
    " \"bridges\": {"
    "  \"br1\": {\"flow_lookups\": 2, \"tables\": ["
    "   {\"table\": 0, \"flows\": 1, \"masks\": 1, \"lookups\": 2, \"matched\": 2,"
    "    \"cache_hits\": 0}]},"
    "  \"br-phy\": {\"decapsulated\": 3},"
    "  \"br0\": {\"flow_lookups\": 7, \"tables\": ["
    "   {\"table\": 0, \"flows\": 2, \"masks\": 2, \"lookups\": 7, \"matched\": 7,"
    "    \"cache_hits\": 3},"
    "   {\"table\": 1, \"flows\": 2, \"masks\": 2, \"lookups\": 6, \"matched\": 5},"
    "   {\"table\": 200, \"flows\": 0, \"masks\": 0, \"lookups\": 1234567, \"matched\": 0}]}},"
    " \"pmds\": [{\"lcore\": 1, \"rxqs\": [\"p1/0\"], \"busy_cycles\": 3000,"
    "  \"idle_cycles\": 1000, \"packets\": 100, \"bursts\": 8,"
    "  \"packets_per_burst\": 12.5, \"cycles_per_packet\": 30.0}]}";

static void test_stats_tables(void **state)
{
	(void)state;
	check(
	    CLI_CMD_STATS, false, CLI_FMT_TABLE, stats_tables_result,
	    "name    counter       value\n"
	    "p1      rx_packets        7\n"
	    "br-phy  decapsulated      3\n"
	    "br0     flow_lookups      7\n"
	    "br1     flow_lookups      2\n"
	    "\n"
	    "bridge  table  flows  masks  lookups  matched  cache_hits\n"
	    "br0         0      2      2        7        7           3\n"
	    "br0         1      2      2        6        5           -\n"
	    "br0       200      0      0  1234567        0           -\n"
	    "br1         0      1      1        2        2           0\n"
	    "\n"
	    "pmd lcore  packets  bursts  pkts/burst  busy_cycles  idle_cycles  busy%  cycles/pkt\n"
	    "1              100       8        12.5         3000         1000   75.0          "
	    "30\n");
	/* JSON: the result as it is, tables and PMDs included. */
	check(CLI_CMD_STATS, false, CLI_FMT_JSON,
	      "{\"ports\": {}, \"bridges\": {\"br0\": {\"tables\": [{\"table\": 1, \"lookups\": "
	      "6}]}},"
	      " \"pmds\": []}",
	      "{\n"
	      "  \"ports\": {},\n"
	      "  \"bridges\": {\n"
	      "    \"br0\": {\n"
	      "      \"tables\": [\n"
	      "        {\n"
	      "          \"table\": 1,\n"
	      "          \"lookups\": 6\n"
	      "        }\n"
	      "      ]\n"
	      "    }\n"
	      "  },\n"
	      "  \"pmds\": []\n"
	      "}\n");
}

static void test_dp_show(void **state)
{
	(void)state;
	check(CLI_CMD_DP_SHOW, false, CLI_FMT_TABLE,
	      "{\"pid\": 42, \"rundir\": \"/run/weft\", \"mode\": \"live\","
	      " \"pmds\": [{\"lcore\": 1, \"rxqs\": [\"p0/0\", \"p1/0\"], \"busy_cycles\": 25,"
	      " \"idle_cycles\": 75, \"packets\": 9, \"bursts\": 2, \"packets_per_burst\": 4.5,"
	      " \"cycles_per_packet\": 2.78},"
	      " {\"lcore\": 2, \"rxqs\": [], \"busy_cycles\": 0, \"idle_cycles\": 0,"
	      " \"packets\": 0, \"bursts\": 0, \"packets_per_burst\": 0.0,"
	      " \"cycles_per_packet\": 0.0}],"
	      " \"n_ports\": 2, \"n_bridges\": 1, \"pmd_sleep_max_us\": 1000}",
	      "pid: 42\n"
	      "rundir: /run/weft\n"
	      "mode: live\n"
	      "bridges: 1\n"
	      "ports: 2\n"
	      "pmd_sleep_max_us: 1000\n"
	      "pmd thread lcore 1:\n"
	      "  rx queues: p0/0 p1/0\n"
	      "  packets: 9\n"
	      "  busy cycles: 25 (25.0%)\n"
	      "  idle cycles: 75\n"
	      "  bursts: 2 (4.5 packets/burst, 3 busy cycles/packet)\n"
	      "pmd thread lcore 2:\n"
	      "  rx queues: (none)\n"
	      "  packets: 0\n"
	      "  busy cycles: 0 (0.0%)\n"
	      "  idle cycles: 0\n"
	      "  bursts: 0 (0.0 packets/burst, 0 busy cycles/packet)\n");
}

static void test_misc_and_json(void **state)
{
	(void)state;
	check(CLI_CMD_FDB_FLUSH, false, CLI_FMT_TABLE, "{\"flushed\": 3}", "flushed 3 entries\n");
	check(CLI_CMD_REPLAY_RUN, false, CLI_FMT_TABLE, "{\"frames\": 12}",
	      "processed 12 frames\n");
	/* Verbs without output print nothing, in either format. */
	check(CLI_CMD_ADD_BR, false, CLI_FMT_TABLE, "{}", "");
	check(CLI_CMD_ADD_PORT, false, CLI_FMT_JSON, "{}", "");
	check(CLI_CMD_DP_EXIT, false, CLI_FMT_JSON, "{}", "");
	/* JSON: the result as is, keys in server order. */
	check(CLI_CMD_FDB_SHOW, false, CLI_FMT_JSON,
	      "{\"entries\": [{\"port\": \"p1\", \"vlan\": 1}]}",
	      "{\n  \"entries\": [\n    {\n      \"port\": \"p1\",\n      \"vlan\": 1\n    }\n"
	      "  ]\n}\n");
	check(CLI_CMD_STATS, false, CLI_FMT_JSON, "{\"ports\": {}, \"bridges\": {}}",
	      "{\n  \"ports\": {},\n  \"bridges\": {}\n}\n");
}

static void test_tnl_neigh(void **state)
{
	(void)state;
	/* Sorted by bridge, then IP numerically; "-" for what incomplete entries lack; static
	 * entries show no age. */
	check(CLI_CMD_TNL_NEIGH_SHOW, false, CLI_FMT_TABLE,
	      "{\"entries\": ["
	      " {\"bridge\": \"br-phy\", \"ip\": \"192.168.99.10\", \"static\": false,"
	      "  \"state\": \"incomplete\"},"
	      " {\"bridge\": \"br-phy\", \"ip\": \"192.168.99.9\", \"mac\": \"02:00:00:00:99:0A\","
	      "  \"port\": \"uplink0\", \"age\": 12, \"static\": false, \"state\": \"reachable\"},"
	      " {\"bridge\": \"br-a\", \"ip\": \"10.0.0.2\", \"mac\": \"02:00:00:00:00:02\","
	      "  \"port\": \"u\", \"age\": 4294967, \"static\": true, \"state\": \"static\"}"
	      "]}",
	      "bridge  IP             MAC                port     age  state\n"
	      "br-a    10.0.0.2       02:00:00:00:00:02  u          -  static\n"
	      "br-phy  192.168.99.9   02:00:00:00:99:0a  uplink0   12  reachable\n"
	      "br-phy  192.168.99.10  -                  -          -  incomplete\n");
	check(CLI_CMD_TNL_NEIGH_SHOW, false, CLI_FMT_TABLE, "{\"entries\": []}",
	      "bridge  IP  MAC                port  age  state\n");
	/* Malformed rows do not crash. */
	check(CLI_CMD_TNL_NEIGH_SHOW, false, CLI_FMT_TABLE, "{\"entries\": [{\"mac\": 5}]}",
	      "bridge  IP  MAC                port  age  state\n"
	      "?       ?   ?                  -       -  ?\n");
	check(CLI_CMD_TNL_NEIGH_SHOW, false, CLI_FMT_JSON,
	      "{\"entries\": [{\"bridge\": \"b\", \"ip\": \"1.2.3.4\"}]}",
	      "{\n  \"entries\": [\n    {\n      \"bridge\": \"b\",\n      \"ip\": \"1.2.3.4\"\n"
	      "    }\n  ]\n}\n");
	check(CLI_CMD_TNL_NEIGH_FLUSH, false, CLI_FMT_TABLE, "{\"flushed\": 2}",
	      "flushed 2 entries\n");
	check(CLI_CMD_TNL_NEIGH_FLUSH, false, CLI_FMT_JSON, "{\"flushed\": 2}",
	      "{\n  \"flushed\": 2\n}\n");
	check(CLI_CMD_TNL_NEIGH_SET, false, CLI_FMT_TABLE, "{}", "");
}

static void test_ovs_string(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"net_null0", "net_null0"}, {"a-b.c_d", "a-b.c_d"},
	    {"10", "\"10\""},           {"", "\"\""},
	    {"/tmp/x", "\"/tmp/x\""},   {"a\"b\\c", "\"a\\\"b\\\\c\""},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out = NULL;
		size_t size = 0;
		FILE *f = open_memstream(&out, &size);

		cli_output_ovs_string(f, cases[i].in);
		fclose(f);
		assert_string_equal(out, cases[i].out);
		free(out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_show),          cmocka_unit_test(test_fdb),
	    cmocka_unit_test(test_fdb_stats),     cmocka_unit_test(test_stats),
	    cmocka_unit_test(test_stats_tables),  cmocka_unit_test(test_dp_show),
	    cmocka_unit_test(test_misc_and_json), cmocka_unit_test(test_ovs_string),
	    cmocka_unit_test(test_tnl_neigh),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
