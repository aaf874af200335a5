/* Control channel: JSON-RPC over the unix socket <rundir>/dataplane.sock, one JSON object per
 * line each way (docs/control-rpc.md). Runs on the main lcore only. */
#ifndef WF_CTL_H
#define WF_CTL_H

#include <jansson.h>

#include "core/ctx.h"
#include "ctl/methods.h"

/* Creates and listens on the socket (mode 0660). 0 or -errno; -EINVAL (logged) when the
 * handler tables do not bind every method of the table exactly once. */
int wf_ctl_init(struct wf_ctx *);
/* Serves clients for up to 'timeout_ms'. */
void wf_ctl_poll(struct wf_ctx *, int timeout_ms);
void wf_ctl_fini(struct wf_ctx *);

/* Handles one request line ('len' bytes, no newline needed): parses it, checks it against the
 * method table, runs the handler. Returns the reply object (new reference; never NULL but on
 * ENOMEM): {"id", "result", "error"} as on the socket. Main lcore only. wf_ctl_poll() calls it
 * per line; tests/fuzz calls it directly, without the socket. */
json_t *wf_ctl_dispatch(struct wf_ctx *, const char *line, size_t len);

/* A method's handler: reads 'params' (borrowed, may be NULL), stores a new reference in
 * *result on success. Returns 0, or -errno with a one-line reason in 'err'. The dispatcher
 * calls it only after 'params' passed wf_rpc_check() against the method's entry in the method
 * table (ctl/methods.h, from methods.json): no unknown key, every required key present, every
 * value of its type and range. Handlers check the rest (names exist, MAC syntax, ...). */
typedef int wf_ctl_method_fn(struct wf_ctx *, const json_t *params, json_t **result, char *err,
                             size_t errlen);

/* Binds a handler to a method of the table: 'name' is a WF_RPC_METHOD_* constant. */
struct wf_ctl_method {
	const char *name;
	wf_ctl_method_fn *fn;
};

/* Handlers of ctl_config.c, ctl_query.c, ctl_tnl.c and ctl_flow.c, NULL-name terminated. Together
 * they bind every method of the table exactly once (wf_ctl_init() refuses to start otherwise). */
extern const struct wf_ctl_method wf_ctl_config_methods[];
extern const struct wf_ctl_method wf_ctl_query_methods[];
extern const struct wf_ctl_method wf_ctl_tnl_methods[];
extern const struct wf_ctl_method wf_ctl_flow_methods[];
extern const struct wf_ctl_method wf_ctl_capture_methods[];
extern const struct wf_ctl_method wf_ctl_trace_methods[];

/* Helpers for handlers: fetch a typed member of 'params', with an error naming it (a string
 * that is null counts as absent). After wf_rpc_check() they fail only on a handler asking for
 * something its table entry does not promise. */
int wf_ctl_get_str(const json_t *params, const char *key, bool required, const char **out,
                   char *err, size_t errlen);
int wf_ctl_get_int(const json_t *params, const char *key, bool required, long min, long max,
                   long *out, char *err, size_t errlen);

#endif
