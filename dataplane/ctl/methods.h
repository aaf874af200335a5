/* The control method table: every method of docs/control-rpc.md with its parameters, and the
 * generic validation of a request against it.
 *
 * Source of truth: methods.json beside this file. gen_methods.py turns it, at build time,
 * into methods_gen.c (the wf_rpc_methods[] table) and methods_gen.h (WF_RPC_METHOD_* and
 * WF_RPC_KEY_* string constants); ctl_methods.py reads the same file for the Python tools.
 * The library (weft_rpc: this file, methods.c, the generated ones) needs only jansson, so
 * weftctl checks the requests it builds with the same code the dataplane runs.
 *
 * Types (methods.json "types" says the same):
 *   STRING                     a string; null is the same as absent
 *   STRING_OR_NULL             a string, or null (a value: clears)
 *   INTEGER                    an integer in min..max
 *   INTEGER_OR_NULL            an integer in min..max, or null (a value: clears)
 *   OBJECT_OF_STRINGS          an object of string values; null is the same as absent
 *   OBJECT_OF_STRINGS_OR_NULLS an object of string or null values (null removes a key)
 *   ARRAY_OF_INTEGERS          at most max_items integers, each in min..max
 *   BOOLEAN                    true or false; null is the same as absent
 *   ARRAY_OF_STRINGS           at most max_items strings
 */
#ifndef WF_RPC_METHODS_H
#define WF_RPC_METHODS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "methods_gen.h"

enum wf_rpc_type {
	WF_RPC_STRING,
	WF_RPC_STRING_OR_NULL,
	WF_RPC_INTEGER,
	WF_RPC_INTEGER_OR_NULL,
	WF_RPC_OBJECT_OF_STRINGS,
	WF_RPC_OBJECT_OF_STRINGS_OR_NULLS,
	WF_RPC_ARRAY_OF_INTEGERS,
	WF_RPC_BOOLEAN,
	WF_RPC_ARRAY_OF_STRINGS,
};

struct wf_rpc_param {
	const char *key;
	enum wf_rpc_type type;
	bool required;
	long long min, max; /* integer types; array elements */
	size_t max_items;   /* arrays */
	const char *item;   /* arrays: what one element is called in messages ("VLAN") */
};

struct wf_rpc_method {
	const char *name;
	const char *doc; /* one line */
	const struct wf_rpc_param *params;
	size_t n_params;
};

/* Every method, in the order of methods.json (generated). */
extern const struct wf_rpc_method wf_rpc_methods[WF_RPC_N_METHODS];

/* The method named 'name', or NULL. */
const struct wf_rpc_method *wf_rpc_find(const char *name);

/* The parameter 'key' of 'm', or NULL. */
const struct wf_rpc_param *wf_rpc_param(const struct wf_rpc_method *m, const char *key);

/* Validates 'params' (borrowed; NULL = none, else must be an object) against 'm': no key
 * outside the table, every required key present, every value of its type and range. Checks
 * unknown keys first (in request order), then the table's keys in table order.
 * Returns 0, or -EINVAL with a one-line message in 'err' ("unknown parameter 'x'",
 * "missing parameter 'name'", "parameter 'tag' must be an integer in 0..4095", ...). */
int wf_rpc_check(const struct wf_rpc_method *m, const json_t *params, char *err, size_t errlen);

/* wf_rpc_find() then wf_rpc_check(): -EINVAL with "unknown method '...'" for a name not in
 * the table. */
int wf_rpc_check_request(const char *method, const json_t *params, char *err, size_t errlen);

#endif /* WF_RPC_METHODS_H */
