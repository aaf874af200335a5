/* Unit tests of cli/db-flows.c: the flow verbs as Flow row operations (exact JSON) on
 * synthetic database contents: the default flow and the marker of a new bridge, OVS selection
 * (del-flows, --strict, mod-flows), add-flow replacing a flow, port names, del-br, and the
 * errors (bad flow string naming the token, unknown port, no bridge): nothing built. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "db-txn.h"
#include "parse.h"

#define U(x) "[\"uuid\", \"00000000-0000-0000-0000-0000000000" x "\"]"

/* br0 with port p0 (ofport 1); 'marked' adds the marker and two Flow rows. */
static json_t *snap(bool marked)
{
	char *s = NULL;
	json_t *j;
	assert_int_not_equal(
	    asprintf(&s,
	             "{\"Open_vSwitch\": [{\"_uuid\": " U("01") ", \"bridges\": " U(
	                 "b0") ","
	                       "  \"next_cfg\": 7, \"cur_cfg\": 7}],"
	                       " \"Bridge\": [{\"_uuid\": " U(
	                           "b0") ", \"name\": \"br0\","
	                                 "  \"other_config\": [\"map\", []], "
	                                 "\"external_ids\": [\"map\", [%s]],"
	                                 "  \"ports\": [\"set\", [" U(
	                                     "a1") "]]}],"
	                                           " \"Port\": [{\"_uuid\": " U(
	                                               "a1") ", \"name\": \"p0\", "
	                                                     "\"interfaces\": " U(
	                                                         "c1") "}],"
	                                                               " \"Interfa"
	                                                               "ce\": "
	                                                               "[{\"_"
	                                                               "uuid\":"
	                                                               " " U("c1") ", \"name\": "
	                                                                           "\"p0\", "
	                                                                           "\"type\": \"\","
	                                                                           "  \"options\": "
	                                                                           "[\"map\", []], "
	                                                                           "\"ofport\": "
	                                                                           "1}],"
	                                                                           " \"Flow\": "
	                                                                           "[%s]}",
	             marked ? "[\"weft-flows\", \"initialized\"]" : "",
	             marked
	                 ? "{\"_uuid\": " U("f0") ", \"bridge\": \"br0\", \"table\": 0,"
	                                          " \"priority\": 0, \"match\": \"\", "
	                                          "\"actions\": \"NORMAL\", \"cookie\": 0},"
	                                          "{\"_uuid\": " U(
	                                              "f1") ", \"bridge\": \"br0\", \"table\": 0,"
	                                                    " \"priority\": 100, \"match\": "
	                                                    "\"ip\", \"actions\": \"drop\","
	                                                    " \"cookie\": 0}"
	                 : ""),
	    -1);
	j = json_loads(s, 0, NULL);
	free(s);
	assert_non_null(j);
	return j;
}

/* Operations of 'line' (space-separated arguments; --no-wait added) or "ERR <message>". */
static char *txn(const char *line, bool marked)
{
	char *copy = strdup(line), *argv[64] = {"weftctl", "--no-wait"}, *msg = NULL, *out;
	int argc = 2, ret;
	struct cli_opts opts;
	struct cli_cmd_list list;
	json_t *ops = NULL, *s = snap(marked);

	for (char *t = strtok(copy, " "); t; t = strtok(NULL, " "))
		argv[argc++] = t;
	assert_int_equal(cli_parse_argv(argc, argv, &opts, &list, &msg), 0);
	ret = cli_db_txn_build(s, &list, false, &ops, &msg);
	if (ret < 0) {
		assert_null(ops);
		assert_int_not_equal(asprintf(&out, "ERR %s", msg), -1);
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

static void check(const char *line, bool marked, const char *want)
{
	char *got = txn(line, marked);
	if (strcmp(got, want))
		fail_msg("%s\n got: %s\nwant: %s", line, got, want);
	free(got);
}

#define UUID(x)  "[\"uuid\",\"00000000-0000-0000-0000-0000000000" x "\"]"
#define WHERE(x) "\"where\":[[\"_uuid\",\"==\"," UUID(x) "]]"
#define MARK                                                                                       \
	"{\"mutations\":[[\"external_ids\",\"insert\",[\"map\",[[\"weft-flows\","                  \
	"\"initialized\"]]]]],\"op\":\"mutate\",\"table\":\"Bridge\",\"where\":[[\"name\","        \
	"\"==\",\"br0\"]]}"
#define WAIT                                                                                       \
	"{\"columns\":[\"external_ids\"],\"op\":\"wait\",\"rows\":[{\"external_ids\":[\"map\","    \
	"[]]}],\"table\":\"Bridge\",\"timeout\":0,\"until\":\"==\",\"where\":[[\"name\",\"==\","   \
	"\"br0\"]]},"
#define ROW(pri, match, acts)                                                                      \
	"{\"actions\":\"" acts "\",\"bridge\":\"br0\",\"cookie\":0,\"match\":\"" match             \
	"\",\"priority\":" #pri ",\"table\":0}"
/* An update writes the timeouts too (a flow without them replacing one with them). */
#define UROW(pri, match, acts)                                                                     \
	"{\"actions\":\"" acts "\",\"bridge\":\"br0\",\"cookie\":0,\"hard_timeout\":0,"            \
	"\"idle_timeout\":0,\"match\":\"" match "\",\"priority\":" #pri ",\"table\":0}"

static void test_new_bridge(void **state)
{
	(void)state;
	/* Unmarked, no rows: the default flow, the new one, the marker. */
	check("add-flow br0 priority=100,in_port=1,actions=drop", false,
	      "[{\"op\":\"insert\",\"row\":" ROW(
	          0, "", "NORMAL") ",\"table\":\"Flow\"},"
	                           "{\"op\":\"insert\",\"row\":" ROW(
	                               100, "in_port=p0", "drop") ",\"table\":\"Flow\"}," WAIT MARK
	                                                          "]");
	/* del-flows: the default row is never written; the marker, guarded (still unmarked). */
	check("del-flows br0", false, "[" WAIT MARK "]");
}

static void test_verbs(void **state)
{
	(void)state;
	check("add-flow br0 priority=100,ip,actions=NORMAL", true,
	      "[{\"op\":\"update\",\"row\":" UROW(100, "ip", "NORMAL") ",\"table\":\"Flow\"," WHERE(
	          "f1") "}]");
	check("del-flows br0 ip", true, "[{\"op\":\"delete\",\"table\":\"Flow\"," WHERE("f1") "}]");
	check("del-flows br0 --strict priority=0", true,
	      "[{\"op\":\"delete\",\"table\":\"Flow\"," WHERE("f0") "}]");
	check("del-flows br0 --strict ip", true, "[]"); /* priority 32768: none */
	check("mod-flows br0 ip,actions=output:1", true,
	      "[{\"op\":\"update\",\"row\":" UROW(
	          100, "ip", "output:p0") ",\"table\":\"Flow\"," WHERE("f1") "}]");
	check("del-flows br0 -- add-flow br0 priority=1,actions=drop", true,
	      "[{\"op\":\"delete\",\"table\":\"Flow\"," WHERE(
	          "f0") "},"
	                "{\"op\":\"delete\",\"table\":\"Flow\"," WHERE(
	                    "f1") "},"
	                          "{\"op\":\"insert\",\"row\":" ROW(
	                              1, "", "drop") ",\"table\":\"Flow\"}]");
	/* del-br: the bridge's Flow rows go with it. */
	check("del-br br0", true,
	      "[{\"op\":\"delete\",\"table\":\"Interface\",\"where\":[[\"name\",\"==\",\"p0\"]]},"
	      "{\"op\":\"delete\",\"table\":\"Port\",\"where\":[[\"name\",\"==\",\"p0\"]]},"
	      "{\"mutations\":[[\"bridges\",\"delete\",[\"set\",[" UUID(
	          "b0") "]]]],"
	                "\"op\":\"mutate\",\"table\":\"Open_vSwitch\",\"where\":[]},"
	                "{\"op\":\"delete\",\"table\":\"Bridge\",\"where\":[[\"name\",\"==\","
	                "\"br0\"]]},"
	                "{\"op\":\"delete\",\"table\":\"Flow\"," WHERE(
	                    "f0") "},"
	                          "{\"op\":\"delete\",\"table\":\"Flow\"," WHERE("f1") "}]");
}

static void test_add_flows_file(void **state)
{
	char path[] = "/tmp/test_db_flows.XXXXXX", line[128];
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	(void)state;
	assert_non_null(f);
	/* Replaces f1 (same rule); of the two priority=7 flows the last one wins. */
	fputs("priority=100,ip,actions=output:1\npriority=7,actions=drop\n# c\n"
	      "priority=7,actions=NORMAL\n",
	      f);
	fclose(f);
	snprintf(line, sizeof(line), "add-flows br0 %s", path);
	check(line, true,
	      "[{\"op\":\"update\",\"row\":" UROW(
	          100, "ip",
	          "output:p0") ",\"table\":\"Flow\"," WHERE("f1") "},{\"op\":\"insert\","
	                                                          "\"row\":" ROW(7, "",
	                                                                         "NORMAL") ",\"tabl"
	                                                                                   "e\":"
	                                                                                   "\"Flow"
	                                                                                   "\"}]");
	snprintf(line, sizeof(line), "replace-flows br0 %s", path);
	check(line, true,
	      "[{\"op\":\"delete\",\"table\":\"Flow\"," WHERE(
	          "f0") "},"
	                "{\"op\":\"delete\",\"table\":\"Flow\"," WHERE(
	                    "f1") "},"
	                          "{\"op\":\"insert\",\"row\":" ROW(
	                              7, "", "NORMAL") ",\"table\":\"Flow\"},"
	                                               "{\"op\":\"insert\",\"row\":" ROW(
	                                                   100, "ip",
	                                                   "output:p0") ",\"table\":\"Flow\"}]");
	unlink(path);
}

static void test_errors(void **state)
{
	(void)state;
	check("add-flow br0 priority=5,ip,nw_src=10.0.0.300,actions=drop", true,
	      "ERR add-flow: nw_src: 10.0.0.300: invalid IP address");
	check("add-flow br0 in_port=nosuch,actions=drop", true,
	      "ERR add-flow: no port named nosuch on bridge br0");
	check("add-flow br9 actions=drop", true, "ERR add-flow: no bridge named br9");
	/* A bare word is a port (ovs-ofctl: output to it). */
	check("mod-flows br0 ip,actions=bogus", true,
	      "ERR mod-flows: no port named bogus on bridge br0");
	/* A port added in the same invocation can be named. */
	check("add-port br0 p9 -- add-flow br0 in_port=p9,actions=drop", true,
	      "[{\"op\":\"insert\",\"row\":{\"name\":\"p9\"},\"table\":\"Interface\","
	      "\"uuid-name\":\"weftctl_row1\"},{\"op\":\"insert\",\"row\":{\"interfaces\":["
	      "\"named-uuid\",\"weftctl_row1\"],\"name\":\"p9\"},\"table\":\"Port\","
	      "\"uuid-name\":\"weftctl_row2\"},{\"mutations\":[[\"ports\",\"insert\",[\"set\",[["
	      "\"named-uuid\",\"weftctl_row2\"]]]]],\"op\":\"mutate\",\"table\":\"Bridge\","
	      "\"where\":[[\"name\",\"==\",\"br0\"]]},{\"op\":\"insert\",\"row\":"
	      "{\"actions\":\"drop\",\"bridge\":\"br0\",\"cookie\":0,\"match\":\"in_port=p9\","
	      "\"priority\":32768,\"table\":0},\"table\":\"Flow\"}]");
	/* Timeouts are stored in their columns. */
	check("add-flow br0 idle_timeout=5,hard_timeout=60,priority=9,actions=drop", true,
	      "[{\"op\":\"insert\",\"row\":{\"actions\":\"drop\",\"bridge\":\"br0\","
	      "\"cookie\":0,\"hard_timeout\":60,\"idle_timeout\":5,\"match\":\"\","
	      "\"priority\":9,\"table\":0},\"table\":\"Flow\"}]");
	check("add-flow br0 idle_timeout=65536,actions=drop", true,
	      "ERR add-flow: idle_timeout: 65536: value out of range (max 65535)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_new_bridge),
	    cmocka_unit_test(test_verbs),
	    cmocka_unit_test(test_add_flows_file),
	    cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
