/* A weftctl session with the dataplane for the long-running verbs (capture, trace): one
 * connection to <rundir>/dataplane.sock, SIGINT/SIGTERM turned into a stop request the verb
 * polls, and one call that prints the dataplane's refusal under the verb's name.
 *
 * Errors: cli_dps_open() and cli_dps_call() print their message on stderr
 * ("weftctl: VERB: message") and return -1; 0 on success. One session per process (the stop
 * flag is the process's signal state). */
#ifndef CLI_DP_SESSION_H
#define CLI_DP_SESSION_H

#include <stdbool.h>

#include <jansson.h>

#include "dp-client.h"

struct cli_dps {
	struct cli_dpc *dpc;
	const char *verb; /* "capture", "trace": prefixes the messages (borrowed) */
};

/* $WEFT_RUNDIR when set and non-empty, else /run/weft. */
const char *cli_dps_default_rundir(void);

/* Connects to 'rundir''s dataplane ('timeout_s' bounds each call) and installs the stop
 * handlers (SIGINT, SIGTERM). */
int cli_dps_open(struct cli_dps *, const char *verb, const char *rundir, int timeout_s);

/* One request. 'params' is stolen. On success *result (when 'result' is not NULL) is a new
 * reference. On failure, when 'msgp' is not NULL, *msgp is the printed message (malloc'd). */
int cli_dps_call(struct cli_dps *, const char *method, json_t *params, json_t **result,
                 char **msgp);

/* True once SIGINT or SIGTERM arrived. */
bool cli_dps_stop_requested(void);

void cli_dps_close(struct cli_dps *);

#endif /* CLI_DP_SESSION_H */
