/* ovsdb-lite JSON-RPC stream framing and buffered connections. See jsonrpc.h. */
#include "jsonrpc.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

void odb_jrpc_framer_init(struct odb_jrpc_framer *f, size_t max_msg)
{
	memset(f, 0, sizeof(*f));
	f->max_msg = max_msg;
}

void odb_jrpc_framer_destroy(struct odb_jrpc_framer *f)
{
	free(f->buf);
	memset(f, 0, sizeof(*f));
}

size_t odb_jrpc_framer_pending(const struct odb_jrpc_framer *f)
{
	return f->len - f->head;
}

/* Moves the unconsumed bytes to the front of the buffer; gives memory back after a big
 * message. Called once per feed, so consuming many small messages costs no copying. */
static void framer_compact(struct odb_jrpc_framer *f)
{
	size_t h = f->head;

	if (h) {
		memmove(f->buf, f->buf + h, f->len - h);
		f->len -= h;
		f->scan -= h;
		f->start = f->start >= h ? f->start - h : 0;
		f->head = 0;
	}
	if (f->cap > 65536 && f->len < f->cap / 4) {
		size_t cap = f->len > 4096 ? f->len : 4096;
		char *b = realloc(f->buf, cap);

		if (b) {
			f->buf = b;
			f->cap = cap;
		}
	}
}

int odb_jrpc_framer_feed(struct odb_jrpc_framer *f, const void *data, size_t n)
{
	if (n == 0)
		return 0;
	framer_compact(f);
	if (f->len + n > f->cap) {
		size_t cap = f->cap ? f->cap : 4096;
		char *b;

		while (cap < f->len + n)
			cap *= 2;
		b = realloc(f->buf, cap);
		if (!b)
			return -ENOMEM;
		f->buf = b;
		f->cap = cap;
	}
	memcpy(f->buf + f->len, data, n);
	f->len += n;
	return 0;
}

/* Marks everything before offset 'pos' as consumed (returned text or whitespace). */
static void framer_consume(struct odb_jrpc_framer *f, size_t pos)
{
	f->head = pos;
	if (f->head == f->len) {
		f->head = f->len = f->scan = f->start = 0;
		framer_compact(f);
	}
}

int odb_jrpc_framer_next(struct odb_jrpc_framer *f, json_t **msgp, char **errp)
{
	*msgp = NULL;
	while (f->scan < f->len) {
		char ch = f->buf[f->scan];

		if (f->depth == 0) {
			if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
				f->scan++;
				continue;
			}
			if (ch != '{' && ch != '[') {
				if (errp)
					*errp = odb_xasprintf(
					    "syntax error: a JSON-RPC message must be a "
					    "JSON object, got byte 0x%02x",
					    (unsigned char)ch);
				return -EPROTO;
			}
			framer_consume(f, f->scan); /* whitespace before the text */
			f->start = f->scan;
			f->depth = 1;
			f->open[0] = ch;
			f->scan++;
			continue;
		}
		f->scan++;
		if (f->in_string) {
			if (f->escape)
				f->escape = false;
			else if (ch == '\\')
				f->escape = true;
			else if (ch == '"')
				f->in_string = false;
		} else if (ch == '"') {
			f->in_string = true;
		} else if (ch == '{' || ch == '[') {
			if (++f->depth > ODB_JRPC_MAX_DEPTH) {
				if (errp)
					*errp = odb_xasprintf("message nests deeper than %d levels",
					                      ODB_JRPC_MAX_DEPTH);
				return -ELOOP;
			}
			f->open[f->depth - 1] = ch;
		} else if (ch == '}' || ch == ']') {
			/* Catch "[}" at once: waiting for balance would stall on it. */
			if (f->open[f->depth - 1] != (ch == '}' ? '{' : '[')) {
				if (errp)
					*errp = odb_xasprintf(
					    "syntax error: '%c' closes '%c' (at byte %zu)", ch,
					    f->open[f->depth - 1], f->scan - f->start - 1);
				return -EPROTO;
			}
			if (--f->depth == 0) {
				json_error_t jerr;
				size_t n = f->scan - f->start;
				json_t *v = json_loadb(f->buf + f->start, n, 0, &jerr);

				if (!v) {
					if (errp)
						*errp =
						    odb_xasprintf("syntax error: %s (at byte %d)",
						                  jerr.text, jerr.position);
					return -EPROTO;
				}
				framer_consume(f, f->scan);
				*msgp = v;
				return 1;
			}
		}
		if (f->scan - f->start > f->max_msg) {
			if (errp)
				*errp = odb_xasprintf("message exceeds %zu bytes", f->max_msg);
			return -EMSGSIZE;
		}
	}
	if (f->depth == 0)
		framer_consume(f, f->scan); /* only whitespace was left */
	if (f->depth > 0 && f->scan - f->start > f->max_msg) {
		if (errp)
			*errp = odb_xasprintf("message exceeds %zu bytes", f->max_msg);
		return -EMSGSIZE;
	}
	return 0;
}

struct odb_jrpc_conn *odb_jrpc_conn_create(int fd, size_t max_msg, size_t max_backlog)
{
	struct odb_jrpc_conn *c = calloc(1, sizeof(*c));
	int flags;

	if (!c) {
		close(fd);
		return NULL;
	}
	flags = fcntl(fd, F_GETFL);
	if (flags >= 0)
		fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	c->fd = fd;
	c->max_backlog = max_backlog;
	odb_jrpc_framer_init(&c->in, max_msg);
	return c;
}

void odb_jrpc_conn_destroy(struct odb_jrpc_conn *c)
{
	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	odb_jrpc_framer_destroy(&c->in);
	free(c->out);
	free(c);
}

long odb_jrpc_conn_recv(struct odb_jrpc_conn *c, size_t budget)
{
	char buf[65536];
	size_t total = 0;

	while (total < budget && !c->eof) {
		size_t want = budget - total < sizeof(buf) ? budget - total : sizeof(buf);
		ssize_t n = recv(c->fd, buf, want, MSG_DONTWAIT);
		int err;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			err = -errno;
			if (!c->error)
				c->error = err;
			return err;
		}
		if (n == 0) {
			c->eof = true;
			break;
		}
		err = odb_jrpc_framer_feed(&c->in, buf, n);
		if (err) {
			c->error = err;
			return err;
		}
		total += n;
		if ((size_t)n < want)
			break;
	}
	return total;
}

size_t odb_jrpc_conn_backlog(const struct odb_jrpc_conn *c)
{
	return c->out_len - c->out_off;
}

struct dump_ctx {
	struct odb_jrpc_conn *c;
	int err;
};

static int dump_cb(const char *buf, size_t size, void *data)
{
	struct dump_ctx *d = data;
	struct odb_jrpc_conn *c = d->c;

	if (c->out_len + size - c->out_off > c->max_backlog) {
		d->err = -ENOBUFS;
		return -1;
	}
	if (c->out_len + size > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 4096;
		char *b;

		while (cap < c->out_len + size)
			cap *= 2;
		b = realloc(c->out, cap);
		if (!b) {
			d->err = -ENOMEM;
			return -1;
		}
		c->out = b;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, buf, size);
	c->out_len += size;
	return 0;
}

int odb_jrpc_conn_send(struct odb_jrpc_conn *c, const json_t *msg)
{
	struct dump_ctx d = {.c = c};
	size_t saved;

	if (c->error)
		return c->error;
	if (c->out_off == c->out_len) {
		c->out_off = c->out_len = 0;
	} else if (c->out_off > c->out_cap / 2) {
		memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
		c->out_len -= c->out_off;
		c->out_off = 0;
	}
	saved = c->out_len;
	if (json_dump_callback(msg, dump_cb, &d, JSON_COMPACT) < 0) {
		c->out_len = saved;
		if (!d.err)
			d.err = -EINVAL;
		if (d.err == -ENOBUFS || d.err == -ENOMEM)
			c->error = d.err;
		return d.err;
	}
	c->n_tx++;
	return 0;
}

int odb_jrpc_conn_flush(struct odb_jrpc_conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
		                 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			if (!c->error)
				c->error = -errno;
			return c->error;
		}
		c->out_off += n;
	}
	c->out_off = c->out_len = 0;
	if (c->out_cap > 1 << 20) {
		free(c->out);
		c->out = NULL;
		c->out_cap = 0;
	}
	return 0;
}

json_t *odb_jrpc_make_request(const char *method, json_t *params, json_t *id)
{
	return json_pack("{s:s, s:O, s:O}", "method", method, "params", params, "id",
	                 id ? id : json_null());
}

json_t *odb_jrpc_make_reply(json_t *result, json_t *id)
{
	return json_pack("{s:O, s:O, s:n}", "id", id ? id : json_null(), "result", result, "error");
}

json_t *odb_jrpc_make_error(json_t *error, json_t *id)
{
	return json_pack("{s:O, s:n, s:O}", "id", id ? id : json_null(), "result", "error", error);
}
