/* Generic validation of control requests against the method table (see methods.h). The
 * messages are those the handlers produced before the table existed; ctl_methods.py mirrors
 * this file for the Python tools. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "methods.h"

const struct wf_rpc_method *wf_rpc_find(const char *name)
{
	for (size_t i = 0; name && i < WF_RPC_N_METHODS; i++)
		if (strcmp(wf_rpc_methods[i].name, name) == 0)
			return &wf_rpc_methods[i];
	return NULL;
}

const struct wf_rpc_param *wf_rpc_param(const struct wf_rpc_method *m, const char *key)
{
	for (size_t i = 0; i < m->n_params; i++)
		if (strcmp(m->params[i].key, key) == 0)
			return &m->params[i];
	return NULL;
}

static bool int_in(const json_t *v, const struct wf_rpc_param *p)
{
	return json_is_integer(v) && json_integer_value(v) >= p->min &&
	       json_integer_value(v) <= p->max;
}

/* Checks the present value 'v' of 'p'. 0 or -EINVAL with 'err'. */
static int check_value(const struct wf_rpc_param *p, const json_t *v, char *err, size_t el)
{
	const char *k;
	json_t *x;
	size_t i;

	switch (p->type) {
	case WF_RPC_STRING:
	case WF_RPC_STRING_OR_NULL:
		if (json_is_string(v) || (json_is_null(v) && p->type == WF_RPC_STRING_OR_NULL))
			return 0;
		snprintf(err, el, "parameter '%s' must be a string", p->key);
		return -EINVAL;
	case WF_RPC_INTEGER:
	case WF_RPC_INTEGER_OR_NULL:
		if (int_in(v, p) || (json_is_null(v) && p->type == WF_RPC_INTEGER_OR_NULL))
			return 0;
		snprintf(err, el, "parameter '%s' must be an integer in %lld..%lld", p->key, p->min,
		         p->max);
		return -EINVAL;
	case WF_RPC_OBJECT_OF_STRINGS:
	case WF_RPC_OBJECT_OF_STRINGS_OR_NULLS:
		if (!json_is_object(v)) {
			snprintf(err, el, "%s must be an object of strings", p->key);
			return -EINVAL;
		}
		json_object_foreach((json_t *)v, k, x)
		{
			if (!json_is_string(x) &&
			    !(json_is_null(x) && p->type == WF_RPC_OBJECT_OF_STRINGS_OR_NULLS)) {
				snprintf(err, el, "%s:%s must be a string", p->key, k);
				return -EINVAL;
			}
		}
		return 0;
	case WF_RPC_ARRAY_OF_INTEGERS:
		if (!json_is_array(v) || json_array_size(v) > p->max_items) {
			snprintf(err, el, "parameter '%s' must be an array of %ss", p->key,
			         p->item);
			return -EINVAL;
		}
		json_array_foreach(v, i, x)
		{
			if (!int_in(x, p)) {
				snprintf(err, el, "%s: each %s must be an integer in %lld..%lld",
				         p->key, p->item, p->min, p->max);
				return -EINVAL;
			}
		}
		return 0;
	case WF_RPC_BOOLEAN:
		if (json_is_boolean(v))
			return 0;
		snprintf(err, el, "parameter '%s' must be true or false", p->key);
		return -EINVAL;
	case WF_RPC_ARRAY_OF_STRINGS:
		if (!json_is_array(v) || json_array_size(v) > p->max_items) {
			snprintf(err, el, "parameter '%s' must be an array of %ss", p->key,
			         p->item);
			return -EINVAL;
		}
		json_array_foreach(v, i, x)
		{
			if (!json_is_string(x)) {
				snprintf(err, el, "%s: each %s must be a string", p->key, p->item);
				return -EINVAL;
			}
		}
		return 0;
	}
	snprintf(err, el, "parameter '%s' has an unknown type", p->key);
	return -EINVAL;
}

int wf_rpc_check(const struct wf_rpc_method *m, const json_t *params, char *err, size_t errlen)
{
	const char *k;
	json_t *v;

	if (params && !json_is_object(params)) {
		snprintf(err, errlen, "params must be an object");
		return -EINVAL;
	}
	json_object_foreach((json_t *)params, k, v)
	{
		if (!wf_rpc_param(m, k)) {
			snprintf(err, errlen, "unknown parameter '%s'", k);
			return -EINVAL;
		}
	}
	for (size_t i = 0; i < m->n_params; i++) {
		const struct wf_rpc_param *p = &m->params[i];
		v = params ? json_object_get(params, p->key) : NULL;
		/* For these two types null has always meant "not given". */
		if (json_is_null(v) &&
		    (p->type == WF_RPC_STRING || p->type == WF_RPC_OBJECT_OF_STRINGS ||
		     p->type == WF_RPC_BOOLEAN))
			v = NULL;
		if (!v) {
			if (!p->required)
				continue;
			snprintf(err, errlen, "missing parameter '%s'", p->key);
			return -EINVAL;
		}
		int ret = check_value(p, v, err, errlen);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int wf_rpc_check_request(const char *method, const json_t *params, char *err, size_t errlen)
{
	const struct wf_rpc_method *m = wf_rpc_find(method);

	if (!m) {
		snprintf(err, errlen, "unknown method '%s'", method ? method : "");
		return -EINVAL;
	}
	return wf_rpc_check(m, params, err, errlen);
}
