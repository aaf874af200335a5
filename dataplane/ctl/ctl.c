/* Control socket server and request dispatch (see ctl.h): requests are checked against the
 * method table (methods.h) before their handler runs. */
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

#include "ctl/ctl.h"
#include "core/log.h"
#include "sock.h"

#define WF_CTL_MAX_CLIENTS 64
#define WF_CTL_MAX_LINE    (16 << 20)

/* A client: requests come in 'in', replies wait in 'out' until the socket takes them. While
 * 'out' holds more than WF_CTL_OUT_HIGH bytes no more requests are read from this client
 * (back-pressure), so a client that pipelines without reading never blocks the dataplane. */
struct wf_ctl_client {
	struct wf_ctl_client *next;
	int fd;
	char *in;
	size_t in_len, in_cap;
	char *out;
	size_t out_off, out_len, out_cap;
};

#define WF_CTL_OUT_HIGH (1 << 20)

static int out_flush(struct wf_ctl_client *c);

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

static const struct wf_ctl_method *const handler_tables[] = {
    wf_ctl_config_methods, wf_ctl_query_methods,   wf_ctl_tnl_methods,
    wf_ctl_flow_methods,   wf_ctl_capture_methods, wf_ctl_trace_methods};

/* The handler bound to 'name', or NULL; *count: how many bindings 'name' has. */
static wf_ctl_method_fn *handler_of(const char *name, unsigned *count)
{
	wf_ctl_method_fn *fn = NULL;
	*count = 0;
	for (unsigned t = 0; t < RTE_DIM(handler_tables); t++)
		for (const struct wf_ctl_method *m = handler_tables[t]; m->name; m++)
			if (strcmp(m->name, name) == 0) {
				fn = m->fn;
				++*count;
			}
	return fn;
}

/* Every method of the table has exactly one handler, every handler a method. 0 or -EINVAL. */
static int check_handlers(void)
{
	unsigned count;
	for (unsigned i = 0; i < WF_RPC_N_METHODS; i++) {
		if (!handler_of(wf_rpc_methods[i].name, &count) || count != 1) {
			WF_LOG(ERR, "control method '%s' has %u handlers (want 1)",
			       wf_rpc_methods[i].name, count);
			return -EINVAL;
		}
	}
	for (unsigned t = 0; t < RTE_DIM(handler_tables); t++)
		for (const struct wf_ctl_method *m = handler_tables[t]; m->name; m++)
			if (!wf_rpc_find(m->name)) {
				WF_LOG(ERR, "handler of '%s': no such method in methods.json",
				       m->name);
				return -EINVAL;
			}
	return 0;
}

int wf_ctl_init(struct wf_ctx *ctx)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (check_handlers() < 0)
		return -EINVAL;
	int n = snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/dataplane.sock", ctx->rundir);
	if (n >= (int)sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	unlink(sa.sun_path);
	/* Mode 0660 and the configured group before listen(): nobody connects before. */
	int e = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? -errno : 0;
	if (!e)
		e = util_sock_restrict(sa.sun_path, ctx->sock_gid);
	if (!e && listen(fd, 16) < 0)
		e = -errno;
	if (e) {
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
	free(c->in);
	free(c->out);
	free(c);
}

void wf_ctl_fini(struct wf_ctx *ctx)
{
	char path[PATH_MAX + 32];
	/* Replies already made (the one to "exit" among them) still go out, within a second. */
	for (struct wf_ctl_client *c = ctx->clients; c; c = c->next) {
		for (int i = 0; i < 100 && c->out_off < c->out_len && out_flush(c) == 0; i++) {
			struct pollfd pfd = {.fd = c->fd, .events = POLLOUT};
			poll(&pfd, 1, 10);
		}
	}
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

json_t *wf_ctl_dispatch(struct wf_ctx *ctx, const char *line, size_t len)
{
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
	/* Unknown method, unknown or missing key, wrong type or range: refused here, from the
	 * table, before any handler runs. */
	if ((ret = wf_rpc_check_request(method, params, err, sizeof(err))) < 0)
		goto reply;
	unsigned count;
	ret = handler_of(method, &count)(ctx, params, &result, err, sizeof(err));
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

/* Appends 'len' bytes to the client's output. 0 or -ENOMEM. */
static int out_append(struct wf_ctl_client *c, const char *p, size_t len)
{
	if (c->out_off && c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
	if (c->out_len + len > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 8192;
		while (cap < c->out_len + len)
			cap *= 2;
		char *b = realloc(c->out, cap);
		if (!b)
			return -ENOMEM;
		c->out = b;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, p, len);
	c->out_len += len;
	return 0;
}

/* Sends what the socket takes now. -1 when the client is gone. */
static int out_flush(struct wf_ctl_client *c)
{
	while (c->out_off < c->out_len) {
		ssize_t w = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
		                 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (w <= 0)
			return -1;
		c->out_off += w;
	}
	c->out_off = c->out_len = 0;
	return 0;
}

/* Handles the complete request lines buffered for 'c', while its output is not backed up. */
static int client_process(struct wf_ctx *ctx, struct wf_ctl_client *c)
{
	size_t start = 0;
	char *nl;
	int ret = 0;

	while (c->out_len - c->out_off < WF_CTL_OUT_HIGH && !atomic_load(&ctx->quit) &&
	       (nl = memchr(c->in + start, '\n', c->in_len - start))) {
		size_t ll = nl - (c->in + start);
		json_t *r = wf_ctl_dispatch(ctx, c->in + start, ll);
		char *s = json_dumps(r, JSON_COMPACT);
		json_decref(r);
		start += ll + 1;
		if (!s || out_append(c, s, strlen(s)) < 0 || out_append(c, "\n", 1) < 0)
			ret = -1;
		free(s);
		if (ret < 0)
			break;
	}
	memmove(c->in, c->in + start, c->in_len - start);
	c->in_len -= start;
	return ret < 0 ? ret : out_flush(c);
}

/* Reads what is available. -1 when the client is gone or sent a line too long. */
static int client_read(struct wf_ctx *ctx, struct wf_ctl_client *c)
{
	if (c->in_cap - c->in_len < 4096) {
		size_t cap = c->in_cap ? c->in_cap * 2 : 8192;
		if (cap > WF_CTL_MAX_LINE + 8192)
			return -1; /* a line too long to be a request */
		char *b = realloc(c->in, cap);
		if (!b)
			return -1;
		c->in = b;
		c->in_cap = cap;
	}
	ssize_t n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		return -1;
	if (n > 0)
		c->in_len += n;
	return client_process(ctx, c);
}

void wf_ctl_poll(struct wf_ctx *ctx, int timeout_ms)
{
	struct pollfd pfds[WF_CTL_MAX_CLIENTS + 1];
	struct wf_ctl_client *cl[WF_CTL_MAX_CLIENTS + 1];
	unsigned n = 0;

	pfds[n++] = (struct pollfd){.fd = ctx->ctl_fd, .events = POLLIN};
	for (struct wf_ctl_client *c = ctx->clients; c && n <= WF_CTL_MAX_CLIENTS; c = c->next) {
		size_t pending = c->out_len - c->out_off;
		cl[n] = c;
		pfds[n++] = (struct pollfd){
		    .fd = c->fd,
		    .events = (pending < WF_CTL_OUT_HIGH ? POLLIN : 0) | (pending ? POLLOUT : 0),
		};
	}
	if (poll(pfds, n, timeout_ms) <= 0)
		return;
	for (unsigned i = 1; i < n; i++) {
		struct wf_ctl_client *c = cl[i];
		int ret = 0;
		if (pfds[i].revents & (POLLERR | POLLNVAL))
			ret = -1;
		else if (pfds[i].revents & POLLIN)
			ret = client_read(ctx, c);
		else if (pfds[i].revents & POLLHUP)
			ret = -1;
		else if (pfds[i].revents & POLLOUT)
			ret = out_flush(c) < 0 ? -1 : client_process(ctx, c);
		if (ret < 0)
			client_close(ctx, c);
	}
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
