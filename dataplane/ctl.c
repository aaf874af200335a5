/* Control socket server and request dispatch (see ctl.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl.h"
#include "log.h"

#define WF_CTL_MAX_CLIENTS 64
#define WF_CTL_MAX_LINE    (16 << 20)

struct wf_ctl_client {
	struct wf_ctl_client *next;
	int fd;
	char *buf;
	size_t len, cap;
};

int wf_ctl_get_str(const json_t *params, const char *key, bool required, const char **out,
                   char *err, size_t errlen)
{
	json_t *v = json_object_get(params, key);
	if (!v || json_is_null(v)) {
		*out = NULL;
		if (!required)
			return 0;
		snprintf(err, errlen, "missing parameter '%s'", key);
		return -EINVAL;
	}
	if (!json_is_string(v)) {
		snprintf(err, errlen, "parameter '%s' must be a string", key);
		return -EINVAL;
	}
	*out = json_string_value(v);
	return 0;
}

int wf_ctl_get_int(const json_t *params, const char *key, bool required, long min, long max,
                   long *out, char *err, size_t errlen)
{
	json_t *v = json_object_get(params, key);
	if (!v) {
		if (!required)
			return 1;
		snprintf(err, errlen, "missing parameter '%s'", key);
		return -EINVAL;
	}
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
		snprintf(err, errlen, "parameter '%s' must be an integer in %ld..%ld", key, min,
		         max);
		return -EINVAL;
	}
	*out = json_integer_value(v);
	return 0;
}

int wf_ctl_check_keys(const json_t *params, const char *const *allowed, char *err, size_t errlen)
{
	const char *k;
	json_t *v;
	if (!params)
		return 0;
	if (!json_is_object(params)) {
		snprintf(err, errlen, "params must be an object");
		return -EINVAL;
	}
	json_object_foreach((json_t *)params, k, v)
	{
		unsigned i;
		for (i = 0; allowed[i] && strcmp(allowed[i], k); i++)
			;
		if (!allowed[i]) {
			snprintf(err, errlen, "unknown parameter '%s'", k);
			return -EINVAL;
		}
	}
	return 0;
}

int wf_ctl_init(struct wf_ctx *ctx)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int n = snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/dataplane.sock", ctx->rundir);
	if (n >= (int)sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	unlink(sa.sun_path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(sa.sun_path, 0660) < 0 ||
	    listen(fd, 16) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	ctx->ctl_fd = fd;
	return 0;
}

static void client_close(struct wf_ctx *ctx, struct wf_ctl_client *c)
{
	struct wf_ctl_client **pp = &ctx->clients;
	while (*pp != c)
		pp = &(*pp)->next;
	*pp = c->next;
	close(c->fd);
	free(c->buf);
	free(c);
}

void wf_ctl_fini(struct wf_ctx *ctx)
{
	char path[PATH_MAX + 32];
	while (ctx->clients)
		client_close(ctx, ctx->clients);
	if (ctx->ctl_fd >= 0) {
		close(ctx->ctl_fd);
		snprintf(path, sizeof(path), "%s/dataplane.sock", ctx->rundir);
		unlink(path);
		ctx->ctl_fd = -1;
	}
}

static const char *errno_name(int e)
{
	switch (e) {
	case EINVAL:
		return "EINVAL";
	case ENOENT:
		return "ENOENT";
	case EEXIST:
		return "EEXIST";
	case ENOSPC:
		return "ENOSPC";
	case EBUSY:
		return "EBUSY";
	case ENODEV:
		return "ENODEV";
	case ENOTSUP:
		return "ENOTSUP";
	case ENOMEM:
		return "ENOMEM";
	case EIO:
		return "EIO";
	case ENAMETOOLONG:
		return "ENAMETOOLONG";
	default:
		return "EIO";
	}
}

/* Handles one request line; returns the reply object. */
static json_t *dispatch(struct wf_ctx *ctx, const char *line, size_t len)
{
	static const struct wf_ctl_method *const tables[] = {
	    wf_ctl_config_methods, wf_ctl_query_methods, wf_ctl_tnl_methods};
	char err[512] = "";
	json_error_t jerr;
	json_t *req = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	json_t *id = json_null(), *result = NULL;
	int ret = -EINVAL;

	if (!req) {
		snprintf(err, sizeof(err), "invalid JSON: %s", jerr.text);
		goto reply;
	}
	if (!json_is_object(req)) {
		snprintf(err, sizeof(err), "request must be a JSON object");
		goto reply;
	}
	if (json_object_get(req, "id"))
		id = json_object_get(req, "id");
	const char *method = json_string_value(json_object_get(req, "method"));
	json_t *params = json_object_get(req, "params");
	if (!method) {
		snprintf(err, sizeof(err), "request has no string 'method'");
		goto reply;
	}
	if (params && !json_is_object(params) && !json_is_null(params)) {
		snprintf(err, sizeof(err), "params must be an object");
		goto reply;
	}
	if (json_is_null(params))
		params = NULL;
	for (unsigned t = 0; t < RTE_DIM(tables); t++)
		for (const struct wf_ctl_method *m = tables[t]; m->name; m++)
			if (strcmp(m->name, method) == 0) {
				ret = m->fn(ctx, params, &result, err, sizeof(err));
				goto reply;
			}
	snprintf(err, sizeof(err), "unknown method '%s'", method);
reply:;
	json_t *r = json_object();
	json_object_set(r, "id", id);
	if (ret == 0) {
		json_object_set_new(r, "result", result ? result : json_object());
		json_object_set_new(r, "error", json_null());
	} else {
		if (result)
			json_decref(result);
		json_object_set_new(r, "result", json_null());
		json_object_set_new(r, "error",
		                    json_pack("{s:s,s:s}", "errno", errno_name(-ret), "message",
		                              err[0] ? err : strerror(-ret)));
		WF_LOG(NOTICE, "control request failed: %s", err);
	}
	json_decref(req);
	return r;
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EAGAIN) {
			struct pollfd pfd = {.fd = fd, .events = POLLOUT};
			if (poll(&pfd, 1, 5000) <= 0)
				return -ETIMEDOUT;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -EIO;
		p += w;
		n -= w;
	}
	return 0;
}

/* Reads what is available; handles complete lines. Returns -1 when the client is gone. */
static int client_read(struct wf_ctx *ctx, struct wf_ctl_client *c)
{
	if (c->cap - c->len < 4096) {
		size_t cap = c->cap ? c->cap * 2 : 8192;
		if (cap > WF_CTL_MAX_LINE + 8192)
			return -1; /* a line too long to be a request */
		char *b = realloc(c->buf, cap);
		if (!b)
			return -1;
		c->buf = b;
		c->cap = cap;
	}
	ssize_t n = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		return -1;
	if (n < 0)
		return 0;
	c->len += n;
	char *nl;
	while ((nl = memchr(c->buf, '\n', c->len))) {
		size_t ll = nl - c->buf;
		json_t *r = dispatch(ctx, c->buf, ll);
		char *s = json_dumps(r, JSON_COMPACT);
		json_decref(r);
		int ret = -1;
		if (s) {
			size_t sl = strlen(s);
			s[sl] = '\n';
			ret = send_all(c->fd, s, sl + 1);
			free(s);
		}
		memmove(c->buf, nl + 1, c->len - ll - 1);
		c->len -= ll + 1;
		if (ret < 0)
			return -1;
		if (atomic_load(&ctx->quit))
			break;
	}
	return 0;
}

void wf_ctl_poll(struct wf_ctx *ctx, int timeout_ms)
{
	struct pollfd pfds[WF_CTL_MAX_CLIENTS + 1];
	struct wf_ctl_client *cl[WF_CTL_MAX_CLIENTS + 1];
	unsigned n = 0;

	pfds[n++] = (struct pollfd){.fd = ctx->ctl_fd, .events = POLLIN};
	for (struct wf_ctl_client *c = ctx->clients; c && n <= WF_CTL_MAX_CLIENTS; c = c->next) {
		cl[n] = c;
		pfds[n++] = (struct pollfd){.fd = c->fd, .events = POLLIN};
	}
	if (poll(pfds, n, timeout_ms) <= 0)
		return;
	for (unsigned i = 1; i < n; i++)
		if (pfds[i].revents && client_read(ctx, cl[i]) < 0)
			client_close(ctx, cl[i]);
	if (pfds[0].revents & POLLIN) {
		int fd = accept4(ctx->ctl_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		if (n > WF_CTL_MAX_CLIENTS) {
			close(fd);
			return;
		}
		struct wf_ctl_client *c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			return;
		}
		c->fd = fd;
		c->next = ctx->clients;
		ctx->clients = c;
	}
}
