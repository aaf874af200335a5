/* weftctl dataplane backend: commands -> weft-dataplane control requests
 * (docs/control-rpc.md). Pure translation, no I/O; dp-client.c sends the requests.
 */
#ifndef WEFTCTL_DP_REQUEST_H
#define WEFTCTL_DP_REQUEST_H

#include <jansson.h>

#include "command.h"

/* Translates 'cmd' into one request: *method is a static string ("port-add"), *params a new
 * JSON object (caller owns). Only the columns given on the command line are sent; a cleared
 * tag or vlan_mode is sent as null to port-set and omitted from port-add.
 * Returns 0 or -ENOMEM. */
int dp_request(const struct cmd *cmd, const char **method, json_t **params);

#endif /* WEFTCTL_DP_REQUEST_H */
