/* JSON-RPC 1.0 client stream (see rpc.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "framer.h"
#include "rpc.h"

struct ctd_pending {
	long long id;
	ctd_rpc_reply_fn *cb;
	void *arg;
	int done;
};

struct ctd_rpc {
	int fd;
	bool newline;
	int err; /* sticky -errno once the stream failed */
	struct ctd_framer in;
	char *out;
	size_t out_off, out_len, out_cap;
	long long next_id;
	struct ctd_pending *pend; /* [head, n_pend) in id order */
	size_t head, n_pend, cap_pend;
	ctd_rpc_notify_fn *notify;
	void *notify_arg;
};

int ctd_rpc_open_fd(int fd, bool newline, struct ctd_rpc **rpcp)
{
	struct ctd_rpc *r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		int e = -errno;
		free(r);
		return e;
	}
	r->fd = fd;
	r->newline = newline;
	r->next_id = 1;
	ctd_framer_init(&r->in, 0);
	*rpcp = r;
	return 0;
}

/* A stream socket of 'domain' connected (blocking) to 'sa', wrapped by ctd_rpc_open_fd(); the
 * socket is closed on any failure. */
static int open_connected(int domain, const struct sockaddr *sa, socklen_t len, bool newline,
                          struct ctd_rpc **rpcp)
{
	int fd = socket(domain, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, sa, len) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	int ret = ctd_rpc_open_fd(fd, newline, rpcp);
	if (ret < 0)
		close(fd);
	return ret;
}

int ctd_rpc_open_unix(const char *path, bool newline, struct ctd_rpc **rpcp)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	/* A unix connect completes or fails at once (or EAGAIN on a full backlog). */
	return open_connected(AF_UNIX, (struct sockaddr *)&sa, sizeof(sa), newline, rpcp);
}

int ctd_rpc_open_tcp(const char *ip, int port, bool newline, struct ctd_rpc **rpcp)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
	if (port < 1 || port > 65535 || inet_pton(AF_INET, ip, &sa.sin_addr) != 1)
		return -EINVAL;
	/* Blocking connect: the database is local or near (a refused port fails at once). */
	return open_connected(AF_INET, (struct sockaddr *)&sa, sizeof(sa), newline, rpcp);
}

void ctd_rpc_close(struct ctd_rpc *r)
{
	if (!r)
		return;
	close(r->fd);
	ctd_framer_destroy(&r->in);
	free(r->out);
	free(r->pend);
	free(r);
}

void ctd_rpc_set_notify(struct ctd_rpc *r, ctd_rpc_notify_fn *fn, void *arg)
{
	r->notify = fn;
	r->notify_arg = arg;
}

int ctd_rpc_fd(const struct ctd_rpc *r)
{
	return r->fd;
}

short ctd_rpc_events(const struct ctd_rpc *r)
{
	return POLLIN | (r->out_len > r->out_off ? POLLOUT : 0);
}

size_t ctd_rpc_n_pending(const struct ctd_rpc *r)
{
	size_t n = 0;
	for (size_t i = r->head; i < r->n_pend; i++)
		n += !r->pend[i].done;
	return n;
}

size_t ctd_rpc_backlog(const struct ctd_rpc *r)
{
	return r->out_len - r->out_off;
}

static int flush_out(struct ctd_rpc *r)
{
	while (r->out_off < r->out_len) {
		ssize_t n = send(r->fd, r->out + r->out_off, r->out_len - r->out_off,
		                 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			if (errno == EINTR)
				continue;
			return r->err = -errno;
		}
		r->out_off += n;
	}
	r->out_off = r->out_len = 0;
	return 0;
}

/* Serializes 'msg' (stolen) into the output buffer and tries to write it. */
static int send_msg(struct ctd_rpc *r, json_t *msg)
{
	if (!msg)
		return -ENOMEM;
	char *s = json_dumps(msg, JSON_COMPACT);
	json_decref(msg);
	if (!s)
		return -ENOMEM;
	size_t n = strlen(s) + (r->newline ? 1 : 0);
	if (r->out_off && r->out_off == r->out_len)
		r->out_off = r->out_len = 0;
	if (r->out_len + n > r->out_cap) {
		size_t cap = r->out_cap ? r->out_cap : 4096;
		while (cap < r->out_len + n)
			cap *= 2;
		char *b = realloc(r->out, cap);
		if (!b) {
			free(s);
			return -ENOMEM;
		}
		r->out = b;
		r->out_cap = cap;
	}
	memcpy(r->out + r->out_len, s, strlen(s));
	if (r->newline)
		r->out[r->out_len + n - 1] = '\n';
	r->out_len += n;
	free(s);
	if (r->err)
		return 0; /* reported by ctd_rpc_run() */
	flush_out(r);
	return 0;
}

long long ctd_rpc_call(struct ctd_rpc *r, const char *method, json_t *params, ctd_rpc_reply_fn *cb,
                       void *arg)
{
	if (!params)
		params = json_array();
	if (r->n_pend == r->cap_pend) {
		if (r->head) {
			memmove(r->pend, r->pend + r->head,
			        (r->n_pend - r->head) * sizeof(*r->pend));
			r->n_pend -= r->head;
			r->head = 0;
		}
		if (r->n_pend == r->cap_pend) {
			size_t cap = r->cap_pend ? 2 * r->cap_pend : 16;
			struct ctd_pending *p = realloc(r->pend, cap * sizeof(*p));
			if (!p) {
				json_decref(params);
				return -ENOMEM;
			}
			r->pend = p;
			r->cap_pend = cap;
		}
	}
	long long id = r->next_id++;
	int ret = send_msg(r, json_pack("{s:I,s:s,s:o}", "id", (json_int_t)id, "method", method,
	                                "params", params));
	if (ret < 0)
		return ret;
	r->pend[r->n_pend++] = (struct ctd_pending){.id = id, .cb = cb, .arg = arg};
	return id;
}

int ctd_rpc_reply(struct ctd_rpc *r, const json_t *id, json_t *result)
{
	return send_msg(r, json_pack("{s:O,s:o,s:n}", "id", id, "result",
	                             result ? result : json_null(), "error"));
}

int ctd_rpc_notify(struct ctd_rpc *r, const char *method, json_t *params)
{
	return send_msg(r, json_pack("{s:n,s:s,s:o}", "id", "method", method, "params",
	                             params ? params : json_array()));
}

/* Finds the pending call 'id' (usually the oldest), marks it done. */
static struct ctd_pending *take_pending(struct ctd_rpc *r, long long id, struct ctd_pending *out)
{
	for (size_t i = r->head; i < r->n_pend; i++) {
		if (r->pend[i].done || r->pend[i].id != id)
			continue;
		*out = r->pend[i];
		r->pend[i].done = 1;
		while (r->head < r->n_pend && r->pend[r->head].done)
			r->head++;
		if (r->head == r->n_pend)
			r->head = r->n_pend = 0;
		return out;
	}
	return NULL;
}

static int dispatch(struct ctd_rpc *r, json_t *msg)
{
	json_t *method = json_object_get(msg, "method");
	json_t *id = json_object_get(msg, "id");
	if (!json_is_object(msg))
		return -EPROTO;
	if (json_is_string(method)) {
		if (r->notify)
			r->notify(r->notify_arg, json_string_value(method),
			          json_object_get(msg, "params"), json_is_null(id) ? NULL : id);
		return 0;
	}
	if (!json_is_integer(id))
		return -EPROTO;
	struct ctd_pending p;
	if (!take_pending(r, json_integer_value(id), &p))
		return 0; /* a reply nobody waits for (e.g. to a cancelled call): ignore */
	json_t *error = json_object_get(msg, "error");
	json_t *result = json_object_get(msg, "result");
	if (error && !json_is_null(error)) {
		if (p.cb)
			p.cb(p.arg, NULL, error);
	} else if (p.cb) {
		json_t *null = json_null();
		p.cb(p.arg, result ? result : null, NULL);
	}
	return 0;
}

int ctd_rpc_run(struct ctd_rpc *r, short revents)
{
	char buf[65536];
	(void)revents;
	if (r->err)
		return r->err;
	for (int rounds = 0; rounds < 64; rounds++) {
		ssize_t n = recv(r->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n == 0)
			return r->err = -EPIPE;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			return r->err = -errno;
		}
		if (ctd_framer_feed(&r->in, buf, n) < 0)
			return r->err = -ENOMEM;
		json_t *msg;
		int ret;
		while ((ret = ctd_framer_next(&r->in, &msg, NULL)) == 1) {
			ret = dispatch(r, msg);
			json_decref(msg);
			if (ret < 0)
				return r->err = ret;
		}
		if (ret < 0)
			return r->err = ret;
		if ((size_t)n < sizeof(buf))
			break;
	}
	if (r->err)
		return r->err;
	return flush_out(r);
}

struct sync_reply {
	int done;
	json_t *result, *error;
};

static void sync_cb(void *arg, const json_t *result, const json_t *error)
{
	struct sync_reply *s = arg;
	s->done = 1;
	s->result = result ? json_incref((json_t *)result) : NULL;
	s->error = error ? json_incref((json_t *)error) : NULL;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int ctd_rpc_call_sync(struct ctd_rpc *r, const char *method, json_t *params, int timeout_ms,
                      json_t **result, json_t **error)
{
	struct sync_reply s = {0};
	long long id = ctd_rpc_call(r, method, params, sync_cb, &s);
	long long end = now_ms() + timeout_ms;
	struct ctd_pending dummy;
	*result = *error = NULL;
	if (id < 0)
		return id;
	while (!s.done) {
		int wait = -1;
		if (timeout_ms >= 0) {
			long long left = end - now_ms();
			if (left <= 0) {
				take_pending(r, id, &dummy); /* a late reply is ignored */
				return -ETIMEDOUT;
			}
			wait = left;
		}
		struct pollfd pfd = {.fd = r->fd, .events = ctd_rpc_events(r)};
		int n = poll(&pfd, 1, wait);
		if (n < 0 && errno != EINTR)
			return -errno;
		int ret = ctd_rpc_run(r, n > 0 ? pfd.revents : 0);
		if (ret < 0 && !s.done)
			return ret;
	}
	*result = s.result;
	*error = s.error;
	return 0;
}
