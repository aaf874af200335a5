/* weftctl dataplane client: JSON-RPC over a unix socket, one JSON object per line. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "command.h"
#include "dp-client.h"

struct cli_dpc {
	int fd;
	char *path;
	int timeout_s;
	long long next_id;
	char *buf; /* bytes received past the last complete line */
	size_t n_buf;
	size_t buf_size;
};

char *cli_dpc_socket_path(const char *rundir)
{
	char *path;

	if (asprintf(&path, "%s/dataplane.sock", rundir) < 0) {
		return NULL;
	}
	return path;
}

int cli_dpc_connect(const char *path, int timeout_s, struct cli_dpc **dpcp, char **errp)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct cli_dpc *dpc;
	int fd, err;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		return cli_fail(errp, ENAMETOOLONG, "cannot connect to %s: path too long (max %zu)",
		                path, sizeof(sun.sun_path) - 1);
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err = errno;
		return cli_fail(errp, err, "cannot create socket: %s", strerror(err));
	}
	if (timeout_s > 0) {
		/* Bounds a connect that blocks on a full listen backlog. */
		struct timeval tv = {.tv_sec = timeout_s};

		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		err = errno;
		close(fd);
		if (err == EAGAIN || err == EINPROGRESS) {
			return cli_fail(errp, ETIMEDOUT,
			                "cannot connect to %s: no answer within %d s", path,
			                timeout_s);
		}
		return cli_fail(errp, err, "cannot connect to %s: %s", path, strerror(err));
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
		err = errno;
		close(fd);
		return cli_fail(errp, err, "%s: %s", path, strerror(err));
	}
	dpc = calloc(1, sizeof(*dpc));
	if (!dpc || !(dpc->path = strdup(path))) {
		free(dpc);
		close(fd);
		return cli_fail(errp, ENOMEM, "out of memory");
	}
	dpc->fd = fd;
	dpc->timeout_s = timeout_s;
	dpc->next_id = 1;
	*dpcp = dpc;
	return 0;
}

void cli_dpc_close(struct cli_dpc *dpc)
{
	if (dpc) {
		close(dpc->fd);
		free(dpc->path);
		free(dpc->buf);
		free(dpc);
	}
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for 'events' on the socket until 'deadline' (ms, -1 = none). */
static int wait_fd(struct cli_dpc *dpc, short events, long long deadline, const char *method,
                   char **errp)
{
	struct pollfd pfd = {.fd = dpc->fd, .events = events};

	for (;;) {
		int ms = -1, n;

		if (deadline >= 0) {
			long long left = deadline - now_ms();

			ms = left > 0 ? (int)left : 0;
		}
		n = poll(&pfd, 1, ms);
		if (n > 0) {
			return 0;
		}
		if (n == 0) {
			return cli_fail(errp, ETIMEDOUT, "%s: no reply from %s within %d s", method,
			                dpc->path, dpc->timeout_s);
		}
		if (errno != EINTR) {
			int err = errno;

			return cli_fail(errp, err, "%s: poll on %s: %s", method, dpc->path,
			                strerror(err));
		}
	}
}

static int send_all(struct cli_dpc *dpc, const char *data, size_t len, long long deadline,
                    const char *method, char **errp)
{
	while (len > 0) {
		ssize_t n = send(dpc->fd, data, len, MSG_NOSIGNAL);

		if (n > 0) {
			data += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			int ret = wait_fd(dpc, POLLOUT, deadline, method, errp);

			if (ret < 0) {
				return ret;
			}
			continue;
		}
		int err = n < 0 ? errno : EPIPE;
		return cli_fail(errp, err, "%s: cannot send to %s: %s", method, dpc->path,
		                strerror(err));
	}
	return 0;
}

/* Reads one '\n'-terminated line; *line is malloc'd without the '\n'. */
static int read_line(struct cli_dpc *dpc, long long deadline, const char *method, char **line,
                     char **errp)
{
	for (;;) {
		char *nl = dpc->n_buf ? memchr(dpc->buf, '\n', dpc->n_buf) : NULL;

		if (nl) {
			size_t len = (size_t)(nl - dpc->buf);

			*line = strndup(dpc->buf, len);
			if (!*line) {
				return cli_fail(errp, ENOMEM, "out of memory");
			}
			memmove(dpc->buf, nl + 1, dpc->n_buf - len - 1);
			dpc->n_buf -= len + 1;
			return 0;
		}
		if (dpc->buf_size - dpc->n_buf < 4096) {
			size_t size = dpc->buf_size ? dpc->buf_size * 2 : 8192;
			char *b = realloc(dpc->buf, size);

			if (!b) {
				return cli_fail(errp, ENOMEM, "out of memory");
			}
			dpc->buf = b;
			dpc->buf_size = size;
		}
		ssize_t n = recv(dpc->fd, dpc->buf + dpc->n_buf, dpc->buf_size - dpc->n_buf, 0);

		if (n > 0) {
			dpc->n_buf += (size_t)n;
		} else if (n == 0) {
			return cli_fail(errp, EPIPE, "%s: %s closed the connection before replying",
			                method, dpc->path);
		} else if (errno == EAGAIN || errno == EINTR) {
			int ret = wait_fd(dpc, POLLIN, deadline, method, errp);

			if (ret < 0) {
				return ret;
			}
		} else {
			int err = errno;

			return cli_fail(errp, err, "%s: cannot read from %s: %s", method, dpc->path,
			                strerror(err));
		}
	}
}

/* Checks the reply object and extracts result or error. */
static int parse_reply(struct cli_dpc *dpc, const char *method, const char *line, long long id,
                       json_t **result, json_t **error, char **errp)
{
	json_error_t jerr;
	json_t *reply = json_loads(line, 0, &jerr);
	json_t *jid, *res, *err;
	int ret = 0;

	if (!reply) {
		return cli_fail(errp, EPROTO, "%s: invalid JSON from %s: %s", method, dpc->path,
		                jerr.text);
	}
	jid = json_object_get(reply, "id");
	res = json_object_get(reply, "result");
	err = json_object_get(reply, "error");
	if (!json_is_object(reply) || !json_is_integer(jid) || json_integer_value(jid) != id) {
		ret = cli_fail(errp, EPROTO, "%s: reply from %s does not carry id %lld", method,
		               dpc->path, id);
	} else if (err && !json_is_null(err)) {
		if (!json_is_object(err)) {
			ret = cli_fail(errp, EPROTO, "%s: malformed error from %s", method,
			               dpc->path);
		} else {
			*error = json_incref(err);
		}
	} else if (!res) {
		ret = cli_fail(errp, EPROTO, "%s: reply from %s has neither result nor error",
		               method, dpc->path);
	} else {
		*result = json_incref(res);
	}
	json_decref(reply);
	return ret;
}

int cli_dpc_call(struct cli_dpc *dpc, const char *method, const json_t *params, json_t **result,
                 json_t **error, char **errp)
{
	long long id = dpc->next_id++;
	long long deadline = dpc->timeout_s > 0 ? now_ms() + dpc->timeout_s * 1000LL : -1;
	json_t *req;
	char *text, *line = NULL;
	int ret;

	*result = NULL;
	*error = NULL;
	req = json_pack("{s:I, s:s, s:O}", "id", (json_int_t)id, "method", method, "params",
	                (json_t *)params);
	text = req ? json_dumps(req, JSON_COMPACT) : NULL;
	json_decref(req);
	if (!text) {
		return cli_fail(errp, ENOMEM, "out of memory");
	}
	size_t len = strlen(text);
	char *msg = realloc(text, len + 2);

	if (!msg) {
		free(text);
		return cli_fail(errp, ENOMEM, "out of memory");
	}
	msg[len] = '\n';
	msg[len + 1] = '\0';
	ret = send_all(dpc, msg, len + 1, deadline, method, errp);
	free(msg);
	if (ret < 0) {
		return ret;
	}
	ret = read_line(dpc, deadline, method, &line, errp);
	if (ret < 0) {
		return ret;
	}
	ret = parse_reply(dpc, method, line, id, result, error, errp);
	free(line);
	return ret;
}
