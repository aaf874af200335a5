/* weftctl dataplane backend: runs a command list against weft-dataplane's control socket.
 *
 * One connection, one request per command (dp-request.c), in order, stopping at the first
 * error. Results are printed with output.c; errors go to stderr as one line. Also implements
 * --may-exist (an EEXIST from bridge-add/port-add is accepted once `show` confirms the record
 * is the one asked for; settings merged into the add are then applied with bridge-set /
 * port-set) and --if-exists (ENOENT from bridge-del/port-del is accepted).
 */
#ifndef CLI_DP_RUN_H
#define CLI_DP_RUN_H

#include "command.h"
#include "parse.h"

/* Runs 'list' on the dataplane listening at 'sock_path'. Returns 0 when every command
 * succeeded, else -EIO. The runner is where errors reach the user: each failure (connection,
 * transport, server refusal, output) is printed on stderr as one line, so there is no *errp. */
int cli_dp_run(const char *sock_path, const struct cli_opts *opts, const struct cli_cmd_list *list);

#endif /* CLI_DP_RUN_H */
