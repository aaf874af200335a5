/* ovsdb-lite server: one single-threaded poll() event loop serving many JSON-RPC clients.
 *
 * 'struct odb_server' is the process's only mutable context. Listeners are "punix:PATH" and
 * "ptcp:PORT[:IP]" remotes. Every client has a non-blocking socket, an input framer capped at
 * 'max_msg' bytes per message and an output backlog capped at 'max_backlog' bytes: a client that
 * exceeds either is disconnected, and a client whose backlog is above a soft limit is not read
 * from until it drains (backpressure), so a slow or stuck client never blocks the others.
 * Clients are served round-robin with a per-iteration message budget.
 *
 * Group commit: the database is opened with deferred sync; every transaction that is ready in
 * one loop iteration is executed, then one fsync makes them all durable before any byte is
 * written to any client (replies, monitor updates, everything). A failed fsync ends the server.
 *
 * Transactions that odb_transact() reports ODB_TXN_BLOCKED ("wait" not yet satisfied) are kept
 * in arrival order and retried after every commit that changed something and at their deadline.
 * Monitor updates of a commit are queued to every client before the committer's reply.
 *
 * Probes: a client silent for 'probe_ms' gets an "echo" request; if it stays silent another
 * 'probe_ms' it is disconnected. 0 disables probes (the default for unix sockets).
 *
 * Threading: everything runs on the thread that calls odb_server_run().
 */
#ifndef ODB_SERVER_H
#define ODB_SERVER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "db.h"
#include "jsonrpc.h"
#include "lock.h"
#include "monitor.h"

#define ODB_SERVER_MAX_REMOTES 16
#define ODB_SERVER_MAX_DBS     8

struct odb_server_config {
	const char *remotes[ODB_SERVER_MAX_REMOTES];
	size_t n_remotes;
	size_t max_msg;     /* largest request accepted, bytes */
	size_t max_backlog; /* largest output backlog per client, bytes */
	int probe_ms;       /* -1: default (5000 for tcp, off for unix); 0: off */
	/* punix: sockets are mode 0660 (util/sock.h); with 'set_sock_group', group 'sock_gid'. */
	bool set_sock_group;
	gid_t sock_gid;
};

struct odb_listener {
	int fd;
	bool is_unix;
	char *path; /* unix socket path to unlink at exit, or NULL */
	char *name; /* the remote as given */
};

struct odb_client {
	struct odb_client *next;
	struct odb_jrpc_conn *conn;
	char name[96];
	struct odb_monitor *monitors;
	int probe_ms;         /* 0: no probes */
	long long last_rx_ms; /* last time anything arrived */
	bool probe_sent;
	bool dead; /* to be destroyed at the end of the loop iteration */
};

struct odb_pending_txn {
	struct odb_pending_txn *next;
	struct odb_client *client;
	struct odb *db; /* the database it is on */
	json_t *id;     /* request id */
	json_t *ops;    /* operations (params without the db name) */
	long long started_ms;
	long long deadline_ms; /* -1: none */
};

struct odb_server_stats {
	unsigned long long n_connections;
	unsigned long long n_requests;
	unsigned long long n_transactions;
	unsigned long long n_blocked;
	unsigned long long n_protocol_errors;
	unsigned long long n_dropped_slow;
	unsigned long long n_syncs; /* group commits (fsyncs covering >= 1 transaction) */
};

struct odb_server {
	struct odb *dbs[ODB_SERVER_MAX_DBS]; /* served databases, distinct names */
	size_t n_dbs;
	struct odb_server_config cfg;
	struct odb_listener listeners[ODB_SERVER_MAX_REMOTES];
	size_t n_listeners;
	struct odb_client *clients;
	size_t n_clients;
	struct odb_pending_txn *pending; /* FIFO of blocked transactions */
	struct odb_lock_table locks;
	int sigfd;
	bool exiting;
	bool unsynced; /* a commit is written but not yet fsync'ed: hold all output */
	int fatal;     /* -errno of a failed journal fsync, 0 if none */
	FILE *log;
	struct odb_server_stats stats;
};

/* Opens every listener of 'cfg' (copied) for the 'n_dbs' databases 'dbs' (borrowed, must
 * outlive the server; 1..ODB_SERVER_MAX_DBS of them, with distinct names: -EINVAL else), all
 * served on every remote as ovsdb-server does with several DB files. Returns 0 or -errno with
 * *errp set if 'errp' is non-NULL. */
int odb_server_init(struct odb_server *, struct odb *const *dbs, size_t n_dbs,
                    const struct odb_server_config *cfg, FILE *log, char **errp);
/* The served database named 'name', or NULL. */
struct odb *odb_server_find_db(const struct odb_server *, const char *name);
/* Serves until SIGTERM/SIGINT/SIGHUP. Returns 0, or -errno (e.g. a failed journal fsync). */
int odb_server_run(struct odb_server *);
/* Closes clients and listeners, unlinks unix sockets. */
void odb_server_destroy(struct odb_server *);

/* Monotonic time in milliseconds. */
long long odb_server_now_ms(void);

/* Queues 'msg' (borrowed) to 'c'. A client whose backlog overflows is marked dead. */
void odb_server_send(struct odb_server *, struct odb_client *c, json_t *msg);
/* Logs a line with a timestamp to the server's log. */
void odb_server_log(struct odb_server *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Sends every client's monitor updates of database 'db' for change set 'changes' (borrowed). */
void odb_server_broadcast_changes(struct odb_server *, const struct odb *db, const json_t *changes);
/* Retries blocked transactions until none makes progress. */
void odb_server_retry_pending(struct odb_server *, bool only_expired);

/* rpc.c: handles one message received from 'c' (borrowed). */
void odb_rpc_handle(struct odb_server *, struct odb_client *c, json_t *msg);
/* rpc.c: runs transaction 'p' once; returns true if it completed (replied), false if still
 * blocked (p->deadline_ms updated). Sets *changedp when it committed changes. */
bool odb_rpc_run_txn(struct odb_server *, struct odb_pending_txn *p, bool *changedp);
/* rpc.c: sends a lock notification ("locked"/"stolen"); odb_lock_notify_fn for the lock table. */
void odb_rpc_lock_notify(void *srv, void *client, const char *method, const char *name);

#endif
