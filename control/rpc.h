/* ctd_rpc: a JSON-RPC 1.0 client stream over a unix socket, non-blocking, for one poll() loop.
 *
 * Used for both of weft-controld's peers: ovsdb-lite (RFC 7047: values back to back) and
 * weft-dataplane (docs/control-rpc.md: one JSON object per line, newline = true).
 *
 * Contract:
 * - ctd_rpc_call() queues {"id", "method", "params"} and returns at once; the reply (matched by
 *   id, in any order) is handed to the callback from ctd_rpc_run(). Ids are integers from 1.
 * - Messages from the peer that are not replies (notifications, or requests such as RFC 7047
 *   "echo") go to the notify callback; requests carry a non-NULL id, to be answered with
 *   ctd_rpc_reply().
 * - Callbacks get borrowed JSON (valid during the call). They may queue calls or replies but
 *   must not close the stream. Exactly one of 'result'/'error' passed to a reply callback is
 *   non-NULL (a JSON-RPC error that is JSON null counts as success).
 * - When the connection fails (EOF, socket error, malformed JSON) ctd_rpc_run() returns -errno
 *   (-EPIPE for EOF, -EPROTO, -EMSGSIZE, ...). The stream is then dead: the owner calls
 *   ctd_rpc_close(), which drops pending calls WITHOUT invoking their callbacks.
 * - Output is buffered without limit in memory; ctd_rpc_events() asks for POLLOUT while some is
 *   pending.
 * Functions return 0 or -errno. Not thread-safe: one thread owns a stream.
 */
#ifndef CTD_RPC_H
#define CTD_RPC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct ctd_rpc;

typedef void ctd_rpc_reply_fn(void *arg, const json_t *result, const json_t *error);
typedef void ctd_rpc_notify_fn(void *arg, const char *method, const json_t *params,
                               const json_t *id);

/* Connects to the unix socket at 'path'. -ENOENT / -ECONNREFUSED when nobody listens. */
int ctd_rpc_open_unix(const char *path, bool newline, struct ctd_rpc **rpcp);

/* Connects to TCP 'ip' (IPv4 dotted quad) : 'port' (a blocking connect). -EINVAL for a bad
 * address or port, else the connect error (-ECONNREFUSED, ...). */
int ctd_rpc_open_tcp(const char *ip, int port, bool newline, struct ctd_rpc **rpcp);

/* Wraps an already connected socket 'fd' (taken over: closed by ctd_rpc_close()). */
int ctd_rpc_open_fd(int fd, bool newline, struct ctd_rpc **rpcp);

void ctd_rpc_close(struct ctd_rpc *);

void ctd_rpc_set_notify(struct ctd_rpc *, ctd_rpc_notify_fn *, void *arg);

int ctd_rpc_fd(const struct ctd_rpc *);

/* poll() events to wait for: POLLIN, plus POLLOUT while output is pending. */
short ctd_rpc_events(const struct ctd_rpc *);

/* Reads what is available, dispatches complete messages, writes pending output. 'revents'
 * from poll() (0 = just try). Returns 0 while the connection is alive, else -errno. */
int ctd_rpc_run(struct ctd_rpc *, short revents);

/* Queues a request; 'params' is stolen (NULL = []). 'cb' may be NULL (reply ignored).
 * Returns the id (> 0) or -errno. */
long long ctd_rpc_call(struct ctd_rpc *, const char *method, json_t *params, ctd_rpc_reply_fn *cb,
                       void *arg);

/* Queues a reply to the peer's request 'id' (borrowed); 'result' is stolen. */
int ctd_rpc_reply(struct ctd_rpc *, const json_t *id, json_t *result);

/* Queues a notification (a request with id null); 'params' is stolen. */
int ctd_rpc_notify(struct ctd_rpc *, const char *method, json_t *params);

/* Blocking convenience for command-line tools: sends the request and runs the stream (other
 * messages are dispatched as usual) until its reply arrives or 'timeout_ms' (< 0: forever)
 * elapses. On 0 exactly one of *result / *error is a new reference. Returns -ETIMEDOUT, or the
 * stream's -errno if it failed. 'params' is stolen. */
int ctd_rpc_call_sync(struct ctd_rpc *, const char *method, json_t *params, int timeout_ms,
                      json_t **result, json_t **error);

/* Requests sent and not yet answered. */
size_t ctd_rpc_n_pending(const struct ctd_rpc *);

/* Bytes queued and not yet written. */
size_t ctd_rpc_backlog(const struct ctd_rpc *);

#endif /* CTD_RPC_H */
