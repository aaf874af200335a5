/* weftctl dataplane backend: commands -> weft-dataplane control requests
 * (docs/control-rpc.md). Pure translation, no I/O; dp-client.c sends the requests.
 */
#ifndef CLI_DP_REQUEST_H
#define CLI_DP_REQUEST_H

#include <jansson.h>

#include "command.h"

/* Translates 'cmd' into one request: *method is a static string (a WF_RPC_METHOD_* constant
 * of the method table, dataplane/ctl/methods.json), *params a new JSON object (caller owns).
 * Only the columns given on the command line are sent; a cleared tag or vlan_mode is sent as
 * null to port-set and omitted from port-add. Pure translation: the result is not checked
 * (a zeroed command gives a request without its required keys); see cli_dp_request_check().
 * Returns 0 or -ENOMEM. */
int cli_dp_request(const struct cli_cmd *cmd, const char **method, json_t **params);

/* Checks a request against the method table with the dataplane's own code
 * (wf_rpc_check_request(), dataplane/ctl/methods.h). dp-run.c calls it on every request before
 * sending; a failure is a weftctl bug (the parser guarantees what the table requires).
 * Returns 0, or -EINVAL with a malloc'd message in *errp. */
int cli_dp_request_check(const char *method, const json_t *params, char **errp);

#endif /* CLI_DP_REQUEST_H */
