/* Unit tests of cli/trace-token.c: where the caret of a refused trace flow goes. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "trace.h"

static void check(const char *flow, const char *msg, int want_pos, int want_len)
{
	size_t pos = 99, len = 99;
	int ret = cli_trace_token(flow, msg, &pos, &len);
	if (want_pos < 0) {
		assert_int_equal(ret, -ENOENT);
		return;
	}
	assert_int_equal(ret, 0);
	assert_int_equal(pos, want_pos);
	assert_int_equal(len, want_len);
}

static void test_tokens(void **state)
{
	(void)state;
	/* A quoted token. */
	check("in_port=p1,ip,frobnicate=1", "unknown field 'frobnicate'", 14, 10);
	check("ip actions=foo", "unknown action 'foo'", 11, 3);
	/* FIELD: VALUE: problem -> VALUE. */
	check("in_port=p1,ip,nw_dst=10.0.0.300", "nw_dst: 10.0.0.300: invalid IP address", 21, 10);
	check("tcp,tp_dst=99999", "tp_dst: 99999: value out of range (max 65535)", 11, 5);
	check("in_port=nosuch,ip", "in_port: nosuch: unknown port", 8, 6);
	/* No VALUE in the flow: FIELD itself. */
	check("in_port=77,ip", "in_port=77: bridge br0 has no port 77", 0, 10);
	check("tp_dst=80", "tp_dst requires tcp or udp (or sctp)", -1, 0);
	check("table=3,ip", "table: describes a flow, not a packet", 0, 5);
	/* A quoted token absent from the flow: the next candidates. */
	check("ip", "no bridge named 'br9'", -1, 0);
	check("", "unknown field 'x'", -1, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_tokens)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
