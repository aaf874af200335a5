/* libFuzzer harness for ovsdb-lite's server side of one client connection: the JSON-RPC framer
 * (jsonrpc.c) and request handling (rpc.c: transact, monitor/monitor_cond/_change/_cancel,
 * lock/steal/unlock, echo, cancel, get_schema, ...; monitor.c, lock.c, the database core) on
 * an empty database of ovsdb-lite/vswitch.ovsschema, fresh for every input.
 *
 * The server core runs as server.c runs it, without sockets: a 'struct odb_server' with no
 * listener, one client whose connection writes to /dev/null, the input fed to the client's
 * framer in chunks, each complete message handled by odb_rpc_handle(), then group commit
 * (odb_sync) and the output flushed, as server.c's loop does; blocked transactions are retried
 * at the end. A framing error ends the stream, like the server closing the connection.
 *
 * Input: one byte of settings, then the byte stream.
 *   bits 0-6: chunk size - 1 for feeding the framer (1..128 bytes per read)
 *   bit 7:    largest message 512 bytes instead of 1 MiB (the "message too large" path) */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/fuzz_tmp.h"
#include "db.h"
#include "jsonrpc.h"
#include "server.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char db_path[300];
static char *tmpl; /* the freshly created database file */
static size_t tmpl_len;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[300], *err = NULL;

	(void)argc;
	(void)argv;
	snprintf(path, sizeof(path), "%s/template.db", fuzz_tmp_dir("ovsdb-stream"));
	if (odb_create_file(path, WEFT_SCHEMA, &err)) {
		fprintf(stderr, "ovsdb-stream: %s\n", err ? err : "cannot create the database");
		abort();
	}
	tmpl = fuzz_read_file(path, &tmpl_len);
	snprintf(db_path, sizeof(db_path), "%s/conf.db", fuzz_dir);
	return 0;
}

/* server_sync() + client_flush() of server.c. */
static void sync_and_flush(struct odb_server *srv, struct odb_client *c)
{
	if (srv->unsynced) {
		char *err = NULL;

		if (odb_sync(srv->dbs[0], &err)) {
			fprintf(stderr, "ovsdb-stream: odb_sync: %s\n", err ? err : "?");
			abort();
		}
		srv->unsynced = false;
	}
	if (odb_jrpc_conn_backlog(c->conn) && odb_jrpc_conn_flush(c->conn))
		c->dead = true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct odb_server srv;
	struct odb_client *c;
	struct odb *db;
	char *err = NULL;
	size_t chunk, off;
	int fd;

	if (size < 1 || size > (1u << 20))
		return 0;
	chunk = (data[0] & 0x7f) + 1u;

	fuzz_write_file(db_path, tmpl, tmpl_len);
	if (odb_open(db_path, &db, &err)) {
		fprintf(stderr, "ovsdb-stream: odb_open: %s\n", err ? err : "?");
		abort();
	}
	/* odb_server_init() without listeners and without its signalfd. */
	memset(&srv, 0, sizeof(srv));
	srv.dbs[0] = db;
	srv.n_dbs = 1;
	srv.cfg.max_msg = data[0] & 0x80 ? 512 : 1u << 20;
	srv.cfg.max_backlog = 4u << 20;
	srv.sigfd = -1;
	odb_lock_table_init(&srv.locks, odb_rpc_lock_notify, &srv);
	odb_set_deferred_sync(db, true);

	fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	c = calloc(1, sizeof(*c));
	if (fd < 0 || !c ||
	    !(c->conn = odb_jrpc_conn_create(fd, srv.cfg.max_msg, srv.cfg.max_backlog)))
		abort();
	snprintf(c->name, sizeof(c->name), "fuzz");
	srv.clients = c;
	srv.n_clients = 1;

	for (off = 1; off < size && !c->dead;) {
		size_t n = size - off < chunk ? size - off : chunk;

		if (odb_jrpc_framer_feed(&c->conn->in, data + off, n))
			abort();
		off += n;
		/* client_process() of server.c, without its per-iteration budget. */
		while (!c->dead) {
			json_t *msg;
			int r = odb_jrpc_framer_next(&c->conn->in, &msg, &err);

			if (r == 0)
				break;
			if (r < 0) {
				if (!err)
					abort(); /* a framing error always says why */
				free(err);
				err = NULL;
				c->dead = true;
				break;
			}
			c->conn->n_rx++;
			odb_rpc_handle(&srv, c, msg);
			json_decref(msg);
			sync_and_flush(&srv, c);
		}
	}
	if (srv.pending)
		odb_server_retry_pending(&srv, true);
	sync_and_flush(&srv, c);
	odb_server_destroy(&srv); /* frees the client, its monitors, locks, blocked txns */
	odb_close(db);
	return 0;
}
