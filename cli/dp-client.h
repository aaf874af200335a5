/* weftctl dataplane client: JSON-RPC 1.0 over the dataplane's unix control socket, one JSON
 * object per line (docs/control-rpc.md).
 *
 * Thread-safety: a 'struct dpc' is used by one thread. Errors: functions return 0 or -errno
 * and store a malloc'd one-line message naming the socket in *errp (caller frees).
 */
#ifndef WEFTCTL_DP_CLIENT_H
#define WEFTCTL_DP_CLIENT_H

#include <jansson.h>

struct dpc;

/* Connects to the unix socket 'path'. 'timeout_s' bounds every later dpc_call() (0 = wait
 * forever). On success *dpcp is owned by the caller (dpc_close()). */
int dpc_connect(const char *path, int timeout_s, struct dpc **dpcp, char **errp);

/* Sends {"id", "method", "params"} ('params' borrowed) and waits for the reply with that id.
 * Returns 0 once a well-formed reply arrived: then exactly one of *result (success) and
 * *error (the server's error object, with "errno" and "message") is set, as a new reference.
 * Returns -ETIMEDOUT, -EPIPE (connection closed), -EPROTO (malformed reply) or another -errno
 * when no reply could be read. */
int dpc_call(struct dpc *, const char *method, const json_t *params, json_t **result,
             json_t **error, char **errp);

void dpc_close(struct dpc *);

/* The socket path of 'rundir' ("<rundir>/dataplane.sock"), malloc'd; NULL on no memory. */
char *dpc_socket_path(const char *rundir);

#endif /* WEFTCTL_DP_CLIENT_H */
