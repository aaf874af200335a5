/* weftctl capture: a port's frames to pcapng, through the dataplane (see capture.h). */
#include <errno.h>
#include <fcntl.h>
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
#include "dp-session.h"
#include "methods_gen.h"
#include "util_num.h"

#define PROG "weftctl"

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
	a->rundir = cli_dps_default_rundir();
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
			if (util_parse_int(v, 1, 1000000000000LL, &a->count) < 0)
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

static int write_all(int fd, const char *buf, size_t n)
{
	while (n) {
		ssize_t w = write(fd, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		n -= w;
	}
	return 0;
}

/* Copies the FIFO 'in' to 'out' until the dataplane closes it (count reached, or stopped); a
 * signal asks for a stop. A failed write (our reader went away, disk full) stops the capture:
 * -1 when it was a file. */
static int pump(struct cli_dps *s, int in, int out, bool out_is_file)
{
	char buf[65536];
	bool stop_sent = false;
	for (;;) {
		if (cli_dps_stop_requested() && !stop_sent) {
			stop_sent = true;
			cli_dps_call(s, WF_RPC_METHOD_CAPTURE_STOP, json_object(), NULL, NULL);
		}
		struct pollfd pfd = {.fd = in, .events = POLLIN};
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		ssize_t n = read(in, buf, sizeof(buf));
		if (n == 0)
			return 0;
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0 || write_all(out, buf, n) < 0) {
			int e = errno;
			if (!stop_sent)
				cli_dps_call(s, WF_RPC_METHOD_CAPTURE_STOP, json_object(), NULL,
				             NULL);
			if (n < 0 || out_is_file)
				fprintf(stderr, "%s: capture: %s: %s\n", PROG,
				        n < 0 ? "reading the FIFO" : "writing", strerror(e));
			return n < 0 || out_is_file ? -1 : 0;
		}
	}
}

static void summary(struct cli_dps *s)
{
	json_t *st = NULL;
	if (cli_dps_call(s, WF_RPC_METHOD_CAPTURE_SHOW, json_object(), &st, NULL) == 0)
		fprintf(stderr,
		        "%s: captured %lld frames of %s (%s; %lld filtered out, %lld lost)\n", PROG,
		        json_integer_value(json_object_get(st, "written")),
		        json_string_value(json_object_get(st, "port")),
		        json_string_value(json_object_get(st, "direction")),
		        json_integer_value(json_object_get(st, "filtered")),
		        json_integer_value(json_object_get(st, "lost")));
	json_decref(st);
}

static json_t *start_params(const struct cap_args *a, const char *fifo)
{
	json_t *p = json_pack("{s:s,s:s}", WF_RPC_KEY_PORT, a->port, WF_RPC_KEY_PATH, fifo);
	if (a->direction)
		json_object_set_new(p, WF_RPC_KEY_DIRECTION, json_string(a->direction));
	if (a->filter)
		json_object_set_new(p, WF_RPC_KEY_FILTER, json_string(a->filter));
	if (a->count)
		json_object_set_new(p, WF_RPC_KEY_COUNT, json_integer(a->count));
	return p;
}

/* The dataplane only ever writes into a FIFO that weftctl made; weftctl writes the file (with
 * its user's rights) or stdout. */
int cli_capture_main(int argc, char **argv, int at)
{
	struct cap_args a = {0};
	char dir[] = "/tmp/weftctl-capture.XXXXXX", fifo[64] = "";
	struct cli_dps s = {0};
	int ret, in = -1, out = -1, status = 1;

	if ((ret = parse(argc, argv, at, &a)) != 0)
		return ret == 1 ? 0 : ret;
	signal(SIGPIPE, SIG_IGN); /* a reader of stdout that goes away ends the capture */
	bool to_file = strcmp(a.out, "-") != 0;
	if (!mkdtemp(dir)) {
		fprintf(stderr, "%s: capture: %s: %s\n", PROG, dir, strerror(errno));
		goto out;
	}
	snprintf(fifo, sizeof(fifo), "%s/pcapng", dir);
	if (mkfifo(fifo, 0600) < 0 || (in = open(fifo, O_RDONLY | O_NONBLOCK)) < 0) {
		fprintf(stderr, "%s: capture: FIFO in %s: %s\n", PROG, dir, strerror(errno));
		goto out;
	}
	if (cli_dps_open(&s, "capture", a.rundir, 10) < 0 ||
	    cli_dps_call(&s, WF_RPC_METHOD_CAPTURE_START, start_params(&a, fifo), NULL, NULL) < 0)
		goto out;
	/* The file only once the dataplane took the request (a refused one leaves no file). */
	if (!to_file)
		out = STDOUT_FILENO;
	else if ((out = open(a.out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) < 0) {
		fprintf(stderr, "%s: capture: %s: %s\n", PROG, a.out, strerror(errno));
		cli_dps_call(&s, WF_RPC_METHOD_CAPTURE_STOP, json_object(), NULL, NULL);
		goto out;
	}
	fcntl(in, F_SETFL, fcntl(in, F_GETFL) & ~O_NONBLOCK);
	ret = pump(&s, in, out, to_file);
	summary(&s);
	status = ret < 0;
out:
	if (in >= 0)
		close(in);
	if (to_file && out >= 0 && close(out) < 0 && status == 0) {
		fprintf(stderr, "%s: capture: %s: %s\n", PROG, a.out, strerror(errno));
		status = 1;
	}
	if (fifo[0]) {
		unlink(fifo);
		rmdir(dir);
	}
	cli_dps_close(&s);
	return status;
}
