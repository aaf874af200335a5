/* Incremental JSON framing (see framer.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "framer.h"

#define CTD_FRAMER_DEFAULT_MAX (64u << 20)

void ctd_framer_init(struct ctd_framer *f, size_t max_msg)
{
	memset(f, 0, sizeof(*f));
	f->max_msg = max_msg ? max_msg : CTD_FRAMER_DEFAULT_MAX;
}

void ctd_framer_destroy(struct ctd_framer *f)
{
	free(f->buf);
	memset(f, 0, sizeof(*f));
}

/* Drops the bytes before 'start' once they are a good part of the buffer. */
static void compact(struct ctd_framer *f)
{
	if (f->start == 0 || f->start < f->len / 2)
		return;
	memmove(f->buf, f->buf + f->start, f->len - f->start);
	f->len -= f->start;
	f->pos -= f->start;
	f->start = 0;
}

int ctd_framer_feed(struct ctd_framer *f, const void *data, size_t n)
{
	compact(f);
	if (f->len + n > f->cap) {
		size_t cap = f->cap ? f->cap : 4096;
		while (cap < f->len + n)
			cap *= 2;
		char *b = realloc(f->buf, cap);
		if (!b)
			return -ENOMEM;
		f->buf = b;
		f->cap = cap;
	}
	memcpy(f->buf + f->len, data, n);
	f->len += n;
	return 0;
}

static int fail(struct ctd_framer *f, int err, const char *why, const char **errp)
{
	f->bad = err;
	if (errp)
		*errp = why;
	return err;
}

int ctd_framer_next(struct ctd_framer *f, json_t **msg, const char **errp)
{
	if (f->bad)
		return fail(f, f->bad, "connection already failed", errp);
	while (f->pos < f->len) {
		char c = f->buf[f->pos++];
		if (f->depth == 0) {
			/* Between values: skip whitespace, a value must open here. */
			if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
				f->start = f->pos;
				continue;
			}
			if (c != '{' && c != '[')
				return fail(f, -EPROTO, "expected '{' or '[' between messages",
				            errp);
			f->start = f->pos - 1;
			f->depth = 1;
			continue;
		}
		if (f->in_str) {
			if (f->esc)
				f->esc = 0;
			else if (c == '\\')
				f->esc = 1;
			else if (c == '"')
				f->in_str = 0;
		} else if (c == '"') {
			f->in_str = 1;
		} else if (c == '{' || c == '[') {
			f->depth++;
		} else if (c == '}' || c == ']') {
			if (--f->depth == 0) {
				json_error_t jerr;
				json_t *j = json_loadb(f->buf + f->start, f->pos - f->start,
				                       JSON_ALLOW_NUL, &jerr);
				f->start = f->pos;
				if (!j)
					return fail(f, -EPROTO, "invalid JSON", errp);
				*msg = j;
				return 1;
			}
		}
		if (f->pos - f->start > f->max_msg)
			return fail(f, -EMSGSIZE, "message too large", errp);
	}
	if (f->depth == 0)
		f->start = f->pos;
	return 0;
}
