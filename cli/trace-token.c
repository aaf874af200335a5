/* weftctl trace: locating the token of a flow parser message (see trace.h). */
#include <errno.h>
#include <string.h>

#include "trace.h"

/* Finds tok[0..n) in 'flow'. */
static int find(const char *flow, const char *tok, size_t n, size_t *pos, size_t *len)
{
	if (n == 0)
		return -ENOENT;
	for (const char *p = flow; *p; p++) {
		if (!strncmp(p, tok, n)) {
			*pos = (size_t)(p - flow);
			*len = n;
			return 0;
		}
	}
	return -ENOENT;
}

int cli_trace_token(const char *flow, const char *msg, size_t *pos, size_t *len)
{
	const char *q = strchr(msg, '\'');
	if (q) {
		const char *e = strchr(q + 1, '\'');
		if (e && find(flow, q + 1, (size_t)(e - q - 1), pos, len) == 0)
			return 0;
	}
	const char *c1 = strstr(msg, ": ");
	if (c1) {
		const char *v = c1 + 2, *c2 = strstr(v, ": ");
		if (c2 && find(flow, v, (size_t)(c2 - v), pos, len) == 0)
			return 0;
		if (find(flow, msg, (size_t)(c1 - msg), pos, len) == 0)
			return 0;
	}
	return -ENOENT;
}
