/* Unit tests of ctl/methods.c (the generic request check against methods.json): every case
 * of methods_cases.json ([method, params, expected message or null]) gives that message.
 * tests/test_methods.py runs the same cases through ctl_methods.py (the Python mirror). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ctl/methods.h"

static const char *cases_path;

static void test_cases(void **state)
{
	json_error_t jerr;
	json_t *cases = json_load_file(cases_path, 0, &jerr);
	json_t *c;
	size_t i;

	(void)state;
	if (!cases)
		fail_msg("%s: %s", cases_path, jerr.text);
	assert_true(json_array_size(cases) > 10);
	json_array_foreach(cases, i, c)
	{
		const char *method = json_string_value(json_array_get(c, 0));
		json_t *params = json_array_get(c, 1);
		const char *want = json_string_value(json_array_get(c, 2));
		char err[256] = "";
		int ret = wf_rpc_check_request(method, json_is_null(params) ? NULL : params, err,
		                               sizeof(err));

		if (want) {
			assert_int_equal(ret, -EINVAL);
			assert_string_equal(err, want);
		} else if (ret != 0) {
			fail_msg("case %zu (%s): unexpected error '%s'", i, method, err);
		}
	}
	json_decref(cases);
}

/* The generated table: names unique, constants match, every array has its bounds. */
static void test_table(void **state)
{
	(void)state;
	assert_string_equal(wf_rpc_find(WF_RPC_METHOD_PORT_ADD)->name, "port-add");
	assert_null(wf_rpc_find("nope"));
	assert_null(wf_rpc_find(NULL));
	for (size_t i = 0; i < WF_RPC_N_METHODS; i++) {
		const struct wf_rpc_method *m = &wf_rpc_methods[i];

		assert_ptr_equal(wf_rpc_find(m->name), m);
		assert_true(m->doc && m->doc[0]);
		for (size_t j = 0; j < m->n_params; j++) {
			const struct wf_rpc_param *p = &m->params[j];

			assert_ptr_equal(wf_rpc_param(m, p->key), p);
			if (p->type == WF_RPC_ARRAY_OF_INTEGERS)
				assert_true(p->max_items > 0 && p->min <= p->max);
		}
	}
	const struct wf_rpc_param *tag =
	    wf_rpc_param(wf_rpc_find(WF_RPC_METHOD_PORT_SET), WF_RPC_KEY_TAG);
	assert_non_null(tag);
	assert_int_equal(tag->min, 0);
	assert_int_equal(tag->max, 4095);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cases),
	    cmocka_unit_test(test_table),
	};
	if (argc != 2)
		return 2;
	cases_path = argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
