/* Control channel: JSON-RPC over the unix socket <rundir>/dataplane.sock, one JSON object per
 * line each way (docs/control-rpc.md). Runs on the main lcore only. */
#ifndef WF_CTL_H
#define WF_CTL_H

#include <jansson.h>

#include "core/ctx.h"

/* Creates and listens on the socket (mode 0660). 0 or -errno. */
int wf_ctl_init(struct wf_ctx *);
/* Serves clients for up to 'timeout_ms'. */
void wf_ctl_poll(struct wf_ctx *, int timeout_ms);
void wf_ctl_fini(struct wf_ctx *);

/* A method: reads 'params' (borrowed, may be NULL), stores a new reference in *result on
 * success. Returns 0, or -errno with a one-line reason in 'err'. */
typedef int wf_ctl_method_fn(struct wf_ctx *, const json_t *params, json_t **result, char *err,
                             size_t errlen);

struct wf_ctl_method {
	const char *name;
	wf_ctl_method_fn *fn;
};

/* Method tables of ctl_config.c, ctl_query.c and ctl_tnl.c, NULL-name terminated. */
extern const struct wf_ctl_method wf_ctl_config_methods[];
extern const struct wf_ctl_method wf_ctl_query_methods[];
extern const struct wf_ctl_method wf_ctl_tnl_methods[];

/* Helpers for methods: fetch a typed member of 'params', with an error naming it. */
int wf_ctl_get_str(const json_t *params, const char *key, bool required, const char **out,
                   char *err, size_t errlen);
int wf_ctl_get_int(const json_t *params, const char *key, bool required, long min, long max,
                   long *out, char *err, size_t errlen);
/* Rejects members of 'params' not in the NULL-terminated 'allowed' list. */
int wf_ctl_check_keys(const json_t *params, const char *const *allowed, char *err, size_t errlen);

#endif
