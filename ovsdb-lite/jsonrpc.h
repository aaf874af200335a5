/* ovsdb-lite JSON-RPC 1.0 stream framing and buffered connections.
 *
 * An OVSDB stream carries JSON values back to back with no delimiter. 'struct odb_jrpc_framer'
 * splits a byte stream into complete JSON texts: it scans incrementally (each byte is looked at
 * once, whatever the read sizes), tracks string/escape state and nesting depth, and hands each
 * complete text to jansson. It enforces a maximum message size and nesting depth, so a peer
 * cannot make it buffer without bound.
 *
 * 'struct odb_jrpc_conn' owns a non-blocking socket, one framer for input and one output buffer
 * with a hard cap. Nothing here blocks: reads and writes stop at EAGAIN.
 *
 * Threading: none; each object belongs to one thread (the server's event loop).
 */
#ifndef ODB_JSONRPC_H
#define ODB_JSONRPC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Largest nesting depth accepted; deeper texts are a framing error (protects jansson's
 * recursive parser and everything that walks the value later). */
#define ODB_JRPC_MAX_DEPTH 128

struct odb_jrpc_framer {
	char *buf;      /* bytes received and not yet consumed */
	size_t len;     /* valid bytes in 'buf' */
	size_t cap;     /* allocated size of 'buf' */
	size_t head;    /* bytes of 'buf' already consumed */
	size_t scan;    /* bytes of 'buf' already scanned */
	size_t start;   /* offset where the current text starts (valid when 'depth' > 0) */
	size_t max_msg; /* largest text accepted, in bytes */
	int depth;      /* current nesting depth, 0 between texts */
	char open[ODB_JRPC_MAX_DEPTH]; /* '{' or '[' for each open level */
	bool in_string;                /* scanner is inside a string literal */
	bool escape;                   /* previous byte was a backslash inside a string */
};

/* Initializes 'f' for texts up to 'max_msg' bytes. */
void odb_jrpc_framer_init(struct odb_jrpc_framer *f, size_t max_msg);
void odb_jrpc_framer_destroy(struct odb_jrpc_framer *f);

/* Appends 'n' bytes to the framer. Returns 0, or -ENOMEM. The caller should call
 * odb_jrpc_framer_next() until it returns 0 after each feed, so buffered data stays bounded. */
int odb_jrpc_framer_feed(struct odb_jrpc_framer *f, const void *data, size_t n);

/* Extracts the next complete JSON text.
 * Returns 1 and stores a new reference in *msgp; 0 if more bytes are needed; or a negative
 * errno on a framing error, with a malloc'd message in *errp (caller frees):
 *   -EPROTO   not JSON (leading garbage, unbalanced brackets, jansson parse error),
 *   -EMSGSIZE the text exceeds 'max_msg' bytes,
 *   -ELOOP    the text nests deeper than ODB_JRPC_MAX_DEPTH.
 * After an error the stream is unusable and the connection should be closed. */
int odb_jrpc_framer_next(struct odb_jrpc_framer *f, json_t **msgp, char **errp);

/* Bytes buffered and not yet returned as messages. */
size_t odb_jrpc_framer_pending(const struct odb_jrpc_framer *f);

struct odb_jrpc_conn {
	int fd;                    /* non-blocking stream socket, owned */
	struct odb_jrpc_framer in; /* input framing */
	char *out;                 /* serialized output not yet written */
	size_t out_off;            /* first unwritten byte of 'out' */
	size_t out_len;            /* bytes in 'out' */
	size_t out_cap;            /* allocated size of 'out' */
	size_t max_backlog;        /* 'out_len - out_off' never exceeds this */
	bool eof;                  /* peer closed its side */
	int error;                 /* first fatal error (negative errno), 0 if none */
	unsigned long long n_rx;   /* messages received */
	unsigned long long n_tx;   /* messages queued */
};

/* Takes ownership of 'fd' (made non-blocking). Returns NULL on ENOMEM (fd is then closed). */
struct odb_jrpc_conn *odb_jrpc_conn_create(int fd, size_t max_msg, size_t max_backlog);
/* Closes the socket and frees everything. NULL is allowed. */
void odb_jrpc_conn_destroy(struct odb_jrpc_conn *c);

/* Reads at most 'budget' bytes from the socket into the framer. Returns the number of bytes
 * read (0 also when the read would block), or a negative errno. Sets c->eof at end of stream. */
long odb_jrpc_conn_recv(struct odb_jrpc_conn *c, size_t budget);

/* Serializes 'msg' (borrowed) and queues it. Returns 0, or -ENOBUFS when the backlog would
 * exceed c->max_backlog (c->error is then set: the peer is too slow and must be dropped), or
 * -ENOMEM / -EINVAL (unserializable). Does not write: call odb_jrpc_conn_flush(). */
int odb_jrpc_conn_send(struct odb_jrpc_conn *c, const json_t *msg);

/* Writes queued output until done or EAGAIN. Returns 0 or a negative errno (c->error set). */
int odb_jrpc_conn_flush(struct odb_jrpc_conn *c);

/* Bytes queued and not yet written. */
size_t odb_jrpc_conn_backlog(const struct odb_jrpc_conn *c);

/* JSON-RPC 1.0 message constructors. Each returns a new reference; 'id', 'params', 'result'
 * and 'error' are borrowed (incref'ed as needed). A NULL 'id' means a notification. */
json_t *odb_jrpc_make_request(const char *method, json_t *params, json_t *id);
json_t *odb_jrpc_make_reply(json_t *result, json_t *id);
json_t *odb_jrpc_make_error(json_t *error, json_t *id);

#endif
