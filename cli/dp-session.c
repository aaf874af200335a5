/* weftctl's dataplane session for long-running verbs (see dp-session.h). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp-session.h"

#define PROG "weftctl"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

const char *cli_dps_default_rundir(void)
{
	const char *env = getenv("WEFT_RUNDIR");
	return env && env[0] ? env : "/run/weft";
}

int cli_dps_open(struct cli_dps *s, const char *verb, const char *rundir, int timeout_s)
{
	char *msg = NULL, *sock = cli_dpc_socket_path(rundir);

	s->verb = verb;
	s->dpc = NULL;
	if (!sock || cli_dpc_connect(sock, timeout_s, &s->dpc, &msg) < 0) {
		fprintf(stderr, "%s: %s\n", PROG, msg ? msg : "out of memory");
		free(msg);
		free(sock);
		return -1;
	}
	free(sock);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	return 0;
}

int cli_dps_call(struct cli_dps *s, const char *method, json_t *params, json_t **result,
                 char **msgp)
{
	json_t *res = NULL, *err = NULL;
	char *msg = NULL;
	int ret = cli_dpc_call(s->dpc, method, params, &res, &err, &msg);

	json_decref(params);
	if (ret == 0 && !err) {
		if (result)
			*result = res;
		else
			json_decref(res);
		return 0;
	}
	if (!msg) {
		const char *m = json_string_value(json_object_get(err, "message"));
		msg = strdup(m ? m : "error");
	}
	fprintf(stderr, "%s: %s: %s\n", PROG, s->verb, msg ? msg : "out of memory");
	if (msgp)
		*msgp = msg;
	else
		free(msg);
	json_decref(err);
	json_decref(res);
	return -1;
}

bool cli_dps_stop_requested(void)
{
	return stop_requested;
}

void cli_dps_close(struct cli_dps *s)
{
	if (s->dpc)
		cli_dpc_close(s->dpc);
	s->dpc = NULL;
}
