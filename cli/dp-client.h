/* weftctl dataplane client: JSON-RPC 1.0 over the dataplane's unix control socket, one JSON
 * object per line (docs/control-rpc.md).
 *
 * Thread-safety: a 'struct cli_dpc' is used by one thread. Errors: functions return 0 or -errno
 * and store a malloc'd one-line message naming the socket in *errp (caller frees).
 */
#ifndef CLI_DP_CLIENT_H
#define CLI_DP_CLIENT_H

#include <jansson.h>

struct cli_dpc;

/* Connects to the unix socket 'path'. 'timeout_s' bounds every later cli_dpc_call() (0 = wait
 * forever). On success *dpcp is owned by the caller (cli_dpc_close()). */
int cli_dpc_connect(const char *path, int timeout_s, struct cli_dpc **dpcp, char **errp);

/* Sends {"id", "method", "params"} ('params' borrowed) and waits for the reply with that id.
 * Returns 0 once a well-formed reply arrived: then exactly one of *result (success) and
 * *error (the server's error object, with "errno" and "message") is set, as a new reference.
 * Returns -ETIMEDOUT, -EPIPE (connection closed), -EPROTO (malformed reply) or another -errno
 * when no reply could be read. */
int cli_dpc_call(struct cli_dpc *, const char *method, const json_t *params, json_t **result,
                 json_t **error, char **errp);

void cli_dpc_close(struct cli_dpc *);

/* The socket path of 'rundir' ("<rundir>/dataplane.sock"), malloc'd; NULL on no memory. */
char *cli_dpc_socket_path(const char *rundir);

#endif /* CLI_DP_CLIENT_H */
