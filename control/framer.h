/* ctd_framer: splits a byte stream into JSON texts (objects or arrays), incrementally.
 *
 * Contract: bytes go in with ctd_framer_feed() in any chunking; ctd_framer_next() returns each
 * complete top-level value exactly once, in order, parsed by jansson. Scanning is linear: each
 * byte is looked at once (string- and escape-aware brace/bracket counting), so a large message
 * arriving in many small reads costs O(size), not O(size^2). Whitespace between values is
 * skipped; anything else outside a value ("garbage", a bare scalar) is a protocol error.
 *
 * Errors: ctd_framer_next() returns -EPROTO for malformed input (the framer is then unusable:
 * the caller drops the connection) and -EMSGSIZE when one value exceeds 'max_msg' bytes.
 * Not thread-safe; one framer per connection.
 */
#ifndef CTD_FRAMER_H
#define CTD_FRAMER_H

#include <jansson.h>
#include <stddef.h>

struct ctd_framer {
	char *buf;       /* received bytes not yet returned */
	size_t len, cap; /* bytes in buf, allocated size */
	size_t start;    /* offset of the value being scanned */
	size_t pos;      /* next byte to scan */
	size_t max_msg;  /* limit on one value's size */
	int depth;       /* open braces/brackets */
	int in_str;      /* inside a string */
	int esc;         /* previous byte was a backslash inside a string */
	int bad;         /* sticky error (-errno) */
};

/* Initializes an empty framer; 'max_msg' 0 means 64 MiB. */
void ctd_framer_init(struct ctd_framer *, size_t max_msg);
void ctd_framer_destroy(struct ctd_framer *);

/* Appends 'n' bytes. Returns 0 or -ENOMEM. */
int ctd_framer_feed(struct ctd_framer *, const void *data, size_t n);

/* Returns 1 and a new reference in *msg when a complete value is available, 0 when more bytes
 * are needed, or -EPROTO / -EMSGSIZE (sticky). On error *errp (if not NULL) points to a static
 * or framer-owned description valid until the next call. */
int ctd_framer_next(struct ctd_framer *, json_t **msg, const char **errp);

#endif /* CTD_FRAMER_H */
