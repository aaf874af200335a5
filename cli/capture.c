/* weftctl capture: a port's frames to pcapng, through the dataplane (see capture.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "capture.h"
#include "dp-client.h"
#include "methods_gen.h"

#define PROG "weftctl"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

struct cap_args {
	const char *rundir, *port, *out, *direction, *filter;
	long long count;
};

static int usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: capture: ", PROG);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nusage: %s [--rundir=DIR] %s\n", PROG, CLI_CAPTURE_USAGE);
	return 2;
}

/* Options before "capture" (--rundir) and its own arguments. 0 or an exit status. */
static int parse(int argc, char **argv, int at, struct cap_args *a)
{
	const char *env = getenv("WEFT_RUNDIR");
	a->rundir = env && env[0] ? env : "/run/weft";
	a->out = "-";
	for (int i = 1; i < at; i++) {
		if (!strncmp(argv[i], "--rundir=", 9))
			a->rundir = argv[i] + 9;
		else if (!strcmp(argv[i], "--rundir") && i + 1 < at)
			a->rundir = argv[++i];
		else if (strcmp(argv[i], "--direct"))
			return usage("option '%s' does not apply", argv[i]);
	}
	for (int i = at + 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end;
		if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
			printf("usage: %s [--rundir=DIR] %s\n%s", PROG, CLI_CAPTURE_USAGE,
			       CLI_CAPTURE_HELP);
			return 1;
		} else if (o[0] != '-' && !a->port) {
			a->port = o;
			continue;
		} else if (!v) {
			return usage("%s needs a value", o);
		}
		if (!strcmp(o, "-w"))
			a->out = v;
		else if (!strcmp(o, "-c")) {
			errno = 0;
			a->count = strtoll(v, &end, 10);
			if (errno || *end || !*v || a->count < 1)
				return usage("-c '%s': a number of frames, 1 or more", v);
		} else if (!strcmp(o, "--direction")) {
			if (strcmp(v, "in") && strcmp(v, "out") && strcmp(v, "both"))
				return usage("--direction '%s': in, out or both", v);
			a->direction = v;
		} else if (!strcmp(o, "--filter"))
			a->filter = v;
		else
			return usage("unknown argument '%s'", o);
		i++;
	}
	if (!a->port)
		return usage("%s", "which port?");
	return 0;
}

/* One request; prints the error. 0 or -1. */
static int call(struct cli_dpc *c, const char *method, json_t *params, json_t **result)
{
	json_t *res = NULL, *err = NULL;
	char *msg = NULL;
	int ret = cli_dpc_call(c, method, params, &res, &err, &msg);
	json_decref(params);
	if (ret < 0 || err) {
		fprintf(stderr, "%s: capture: %s\n", PROG,
		        msg ? msg : json_string_value(json_object_get(err, "message")));
		free(msg);
		json_decref(err);
		json_decref(res);
		return -1;
	}
	if (result)
		*result = res;
	else
		json_decref(res);
	return 0;
}

/* Copies the FIFO to stdout until the dataplane closes it; a signal asks for a stop. */
static int pump(struct cli_dpc *c, int fd)
{
	char buf[65536];
	bool stop_sent = false;
	for (;;) {
		if (stop_requested && !stop_sent) {
			stop_sent = true;
			call(c, WF_RPC_METHOD_CAPTURE_STOP, json_object(), NULL);
		}
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n == 0)
			return 0;
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0 || fwrite(buf, 1, n, stdout) != (size_t)n || fflush(stdout)) {
			if (!stop_sent)
				call(c, WF_RPC_METHOD_CAPTURE_STOP, json_object(), NULL);
			return n < 0 ? -1 : 0; /* our reader went away: that ends it */
		}
	}
}

/* Waits for a capture into a file to end (count reached, or a signal: then stops it). */
static int wait_done(struct cli_dpc *c)
{
	for (;;) {
		json_t *st = NULL;
		if (stop_requested)
			return call(c, WF_RPC_METHOD_CAPTURE_STOP, json_object(), NULL);
		if (call(c, WF_RPC_METHOD_CAPTURE_SHOW, json_object(), &st) < 0)
			return -1;
		bool active = json_is_true(json_object_get(st, "active"));
		json_decref(st);
		if (!active)
			return 0;
		usleep(100000);
	}
}

static void summary(struct cli_dpc *c)
{
	json_t *st = NULL;
	if (call(c, WF_RPC_METHOD_CAPTURE_SHOW, json_object(), &st) == 0)
		fprintf(stderr,
		        "%s: captured %lld frames of %s (%s; %lld filtered out, %lld lost)\n", PROG,
		        json_integer_value(json_object_get(st, "written")),
		        json_string_value(json_object_get(st, "port")),
		        json_string_value(json_object_get(st, "direction")),
		        json_integer_value(json_object_get(st, "filtered")),
		        json_integer_value(json_object_get(st, "lost")));
	json_decref(st);
}

int cli_capture_main(int argc, char **argv, int at)
{
	struct cap_args a = {0};
	char dir[] = "/tmp/weftctl-capture.XXXXXX", fifo[64] = "", path[PATH_MAX];
	struct cli_dpc *c = NULL;
	char *msg = NULL, *sock;
	int ret, fd = -1, status = 1;

	if ((ret = parse(argc, argv, at, &a)) != 0)
		return ret == 1 ? 0 : ret;
	bool to_stdout = !strcmp(a.out, "-");
	if (to_stdout) {
		if (!mkdtemp(dir)) {
			fprintf(stderr, "%s: capture: %s: %s\n", PROG, dir, strerror(errno));
			goto out;
		}
		snprintf(fifo, sizeof(fifo), "%s/pcapng", dir);
		if (mkfifo(fifo, 0600) < 0 || (fd = open(fifo, O_RDONLY | O_NONBLOCK)) < 0) {
			fprintf(stderr, "%s: capture: FIFO in %s: %s\n", PROG, dir,
			        strerror(errno));
			goto out;
		}
		snprintf(path, sizeof(path), "%s", fifo);
	} else if (a.out[0] == '/') {
		snprintf(path, sizeof(path), "%s", a.out);
	} else if (!getcwd(path, sizeof(path)) || strlen(path) + strlen(a.out) + 2 > sizeof(path)) {
		fprintf(stderr, "%s: capture: path too long\n", PROG);
		goto out;
	} else {
		strcat(strcat(path, "/"), a.out);
	}
	if (!(sock = cli_dpc_socket_path(a.rundir)) || cli_dpc_connect(sock, 10, &c, &msg) < 0) {
		fprintf(stderr, "%s: %s\n", PROG, msg ? msg : "out of memory");
		free(sock);
		goto out;
	}
	free(sock);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	json_t *p = json_pack("{s:s,s:s}", WF_RPC_KEY_PORT, a.port, WF_RPC_KEY_PATH, path);
	if (a.direction)
		json_object_set_new(p, WF_RPC_KEY_DIRECTION, json_string(a.direction));
	if (a.filter)
		json_object_set_new(p, WF_RPC_KEY_FILTER, json_string(a.filter));
	if (a.count)
		json_object_set_new(p, WF_RPC_KEY_COUNT, json_integer(a.count));
	if (call(c, WF_RPC_METHOD_CAPTURE_START, p, NULL) < 0)
		goto out;
	if (to_stdout) {
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
		ret = pump(c, fd);
	} else {
		ret = wait_done(c);
	}
	summary(c);
	status = ret < 0;
out:
	if (fd >= 0)
		close(fd);
	if (fifo[0]) {
		unlink(fifo);
		rmdir(dir);
	}
	free(msg);
	if (c)
		cli_dpc_close(c);
	return status;
}
