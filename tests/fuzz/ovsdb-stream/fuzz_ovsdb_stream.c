/* libFuzzer harness for ovsdb-lite's server side of one client connection: the JSON-RPC framer
 * (jsonrpc.c) and request handling (rpc.c: transact, monitor/monitor_cond/_change/_cancel,
 * lock/steal/unlock, echo, cancel, get_schema, ...; monitor.c, lock.c, the database core) on
 * an empty database of ovsdb-lite/vswitch.ovsschema.
 *
 * Speed: the database is opened once (LLVMFuzzerInitialize); parsing the schema per input made
 * this target run at ~250 exec/s. After each input that committed something, one transaction
 * deletes every row of every table (the harness checks that every table is then empty) and
 * the journal is compacted when it passes 256 KiB, so each input starts from an empty
 * database as before; only the UUID generator's state (random anyway) and the journal's
 * length carry over. An input that committed nothing (odb_stats.n_commits, which counts
 * every commit that changed a row, did not move: about 4 inputs in 5) left the database
 * empty, and the wipe, a sixth of the time per input, is skipped. (The wipe commits without
 * deferred sync, so the journal's fdatasync-per-commit path stays reached; an fdatasync on
 * /dev/shm costs nothing.) The server state (client, monitors, locks, blocked transactions) is
 * built and destroyed per input.
 *
 * The server core runs as server.c runs it, without sockets: a 'struct odb_server' with no
 * listener, one client whose connection is one end of a socketpair (the harness reads and
 * discards what arrives at the other end), the input fed to the client's
 * framer in chunks, each complete message handled by odb_rpc_handle(), then group commit
 * (odb_sync) and the output flushed, as server.c's loop does; blocked transactions are retried
 * at the end. A framing error ends the stream, like the server closing the connection.
 *
 * Input: one byte of settings, then the byte stream.
 *   bits 0-6: chunk size - 1 for feeding the framer (1..128 bytes per read)
 *   bit 7:    largest message 512 bytes instead of 1 MiB (the "message too large" path) */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../common/fuzz_tmp.h"
#include "db.h"
#include "jsonrpc.h"
#include "server.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define COMPACT_AT (256u << 10) /* journal bytes */

static struct odb *db;   /* opened once, emptied after every input */
static json_t *wipe_ops; /* one "delete" of every row per table */
static json_t *tables;   /* the schema's table names */
static int sock[2];      /* [0]: the client's connection (dup'ed per input), [1]: drained */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[300], *err = NULL;
	const char *name;
	json_t *t;

	(void)argc;
	(void)argv;
	snprintf(path, sizeof(path), "%s/conf.db", fuzz_tmp_dir("ovsdb-stream"));
	if (odb_create_file(path, WEFT_SCHEMA, &err) || odb_open(path, &db, &err)) {
		fprintf(stderr, "ovsdb-stream: %s\n", err ? err : "cannot create the database");
		abort();
	}
	wipe_ops = json_array();
	tables = json_array();
	json_object_foreach(json_object_get(odb_schema(db), "tables"), name, t)
	{
		json_array_append_new(
		    wipe_ops, json_pack("{s:s,s:s,s:[]}", "op", "delete", "table", name, "where"));
		json_array_append_new(tables, json_string(name));
	}
	if (!json_array_size(tables))
		abort();
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sock) < 0) {
		perror("ovsdb-stream: socketpair");
		abort();
	}
	return 0;
}

/* Unless no commit changed a row since 'n_commits' (the database is still empty), deletes
 * every row (one transaction, as a client could), checks every table is empty and compacts a
 * long journal: the next input starts from an empty database. */
static void wipe(unsigned long long n_commits)
{
	json_t *result = NULL, *changes = NULL, *rows, *name;
	struct odb_stats st;
	long long deadline;
	char *err = NULL;
	size_t i;

	odb_get_stats(db, &st);
	if (st.n_commits == n_commits)
		return;
	odb_set_deferred_sync(db, false);
	if (odb_transact(db, wipe_ops, 0, 0, &result, &changes, &deadline) != ODB_TXN_DONE ||
	    json_array_size(result) != json_array_size(wipe_ops)) {
		char *s = result ? json_dumps(result, 0) : NULL;

		fprintf(stderr, "ovsdb-stream: deleting every row failed: %s\n", s ? s : "?");
		abort();
	}
	json_decref(result);
	json_decref(changes);
	json_array_foreach(tables, i, name)
	{
		rows = odb_table_rows(db, json_string_value(name));
		if (!rows || json_object_size(rows)) {
			fprintf(stderr,
			        "ovsdb-stream: table %s not empty after deleting every row\n",
			        json_string_value(name));
			abort();
		}
		json_decref(rows);
	}
	odb_get_stats(db, &st);
	if (st.journal_bytes > COMPACT_AT && odb_compact(db, &err)) {
		fprintf(stderr, "ovsdb-stream: odb_compact: %s\n", err ? err : "?");
		abort();
	}
}

/* Reads and discards everything the client was sent. (The connection used to write to
 * /dev/null: send() there fails with ENOTSOCK, so the client died at its first reply and only
 * the first message of every input ran.) */
static void drain(void)
{
	static char buf[65536];

	while (read(sock[1], buf, sizeof(buf)) > 0)
		;
	if (errno != EAGAIN && errno != EWOULDBLOCK)
		abort();
}

/* server_sync() + client_flush() of server.c, the peer reading everything. */
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
	while (!c->dead && odb_jrpc_conn_backlog(c->conn)) {
		if (odb_jrpc_conn_flush(c->conn)) {
			fprintf(stderr, "ovsdb-stream: the connection failed: %s\n",
			        strerror(-c->conn->error));
			abort(); /* the peer reads everything: sending cannot fail */
		}
		drain();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct odb_server srv;
	struct odb_client *c;
	struct odb_stats st;
	char *err = NULL;
	size_t chunk, off;
	int fd;

	if (size < 1 || size > (1u << 20))
		return 0;
	chunk = (data[0] & 0x7f) + 1u;

	/* odb_server_init() without listeners and without its signalfd. */
	memset(&srv, 0, sizeof(srv));
	srv.dbs[0] = db;
	srv.n_dbs = 1;
	srv.cfg.max_msg = data[0] & 0x80 ? 512 : 1u << 20;
	srv.cfg.max_backlog = 4u << 20;
	srv.sigfd = -1;
	odb_lock_table_init(&srv.locks, odb_rpc_lock_notify, &srv);
	odb_set_deferred_sync(db, true);
	odb_get_stats(db, &st);

	fd = fcntl(sock[0], F_DUPFD_CLOEXEC, 0); /* the connection closes its fd */
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
	drain();
	wipe(st.n_commits);
	return 0;
}
