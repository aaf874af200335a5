/* weft-controld: the one context of the process and the functions of its parts.
 *
 *   main.c       options, pidfile, --detach, signals, the poll() loop and its timers
 *   conn.c       the two connections: ovsdb-lite (monitor -> replica) and the dataplane,
 *                each reconnected with back-off
 *   reconcile.c  one reconcile pass at a time: show -> diff -> apply -> show + stats ->
 *                write-back (+ cur_cfg)
 *   log.c        log lines to stderr or --log-file
 *   vtep_conn.c  VTEP mode (--vtep-db): the hardware_vtep connection and monitor, the mapping
 *                into each pass's desired state (vtep.c), and the MAC sync: static remote
 *                entries into the dataplane, learned local MACs into Ucast_Macs_Local
 * Pure parts, unit-tested: state.c, diff.c, desired.c, replica.c, writeback.c, vtep.c; the RFC 7047
 * client library (libctd_db): framer.c, rpc.c, dbclient.c.
 *
 * Everything runs on one thread; there is no mutable state outside 'struct ctd_ctx'.
 */
#ifndef CTD_CONTROLD_H
#define CTD_CONTROLD_H

#include <stdbool.h>
#include <stdio.h>

#include "dbclient.h"
#include "desired.h"
#include "diff.h"
#include "replica.h"
#include "rpc.h"
#include "state.h"
#include "vtep.h"

#define CTD_DB_NAME        "Open_vSwitch"
#define CTD_DP_RETRY_MS    100   /* dataplane reconnect interval */
#define CTD_DB_BACKOFF_MIN 100   /* database reconnect back-off, doubling ... */
#define CTD_DB_BACKOFF_MAX 2000  /* ... up to this */
#define CTD_PASS_TIMEOUT   30000 /* a peer that does not answer a pass is dropped */

enum ctd_pass_step {
	CTD_PASS_IDLE,
	CTD_PASS_SHOW,    /* waiting for `show`, then the bridges' `flow-dump` */
	CTD_PASS_APPLY,   /* waiting for the replies to the plan's operations */
	CTD_PASS_REFRESH, /* waiting for `show` and `stats` after applying */
	CTD_PASS_WRITE,   /* waiting for the write-back transaction */
};

/* Per-operation callback argument of a pass. */
struct ctd_op_cb {
	struct ctd_ctx *ctx;
	size_t i;
};

struct ctd_pass {
	enum ctd_pass_step step;
	long long started_ms;       /* monotonic start, for CTD_PASS_TIMEOUT */
	bool retry;                 /* retry operations that failed before */
	struct ctd_desired desired; /* snapshot of the database at the start */
	struct ctd_state actual;    /* the dataplane before the pass, then after it */
	struct ctd_plan plan;
	struct ctd_op_cb *dump_cbs; /* one per actual bridge (flow-dump) */
	size_t n_dumps, n_dumped;
	struct ctd_op_cb *cbs; /* one per operation */
	char **sigs;           /* one per operation: method + params, for failures */
	size_t n_sent, n_replied, n_failed;
	json_t *stats;       /* `stats` result of the refresh */
	bool refreshed_show; /* the refresh `show` has arrived */
	bool applied;        /* every operation got its reply */
};

/* Operations that failed, so timer passes do not retry them (a configuration change or a
 * dataplane reconnect does). sig = "method params-json". */
struct ctd_failure {
	char *sig;
	char *iface; /* interface whose error it is (NULL: none) */
	char *msg;
};

struct ctd_ctx {
	/* Options. */
	char *rundir;
	char *db_target;
	char *dp_path;
	char *pidfile;
	char *log_path;
	bool detach;
	int stats_ms;

	FILE *log;
	bool quit;
	int sig_fd;

	/* Database connection. */
	struct ctd_db *db;
	bool db_monitoring;    /* the monitor reply arrived: the replica is valid */
	long long db_retry_at; /* monotonic ms; 0 = now */
	int db_backoff_ms;
	bool db_was_down; /* for log lines */
	int db_failed;    /* -errno set by a callback: drop the connection */
	struct ctd_replica replica;

	/* Dataplane connection. */
	struct ctd_rpc *dp;
	char dp_refused[256]; /* why ctd_dp_call() last refused a request (-EINVAL) */
	long long dp_retry_at;
	bool dp_was_down;

	/* Reconcile. */
	struct ctd_pass pass;
	bool want_pass;
	bool want_retry;
	long long next_refresh_at;
	struct ctd_failure *failures;
	size_t n_failures;

	/* Flows the dataplane removed by their timeouts (reconcile.c): `flow-removed` entries
	 * (each with "gen": the dataplane connection it came by) kept until no Flow row is their
	 * flow any more (flowdb.h); meanwhile the passes leave them out of the desired flows. */
	json_t *expired;
	unsigned long long dp_gen;       /* dataplane connections so far */
	unsigned long long removed_seen; /* highest seq received on this connection */
	unsigned long long removed_ack;  /* highest seq settled (sent as flow-removed's ack) */

	/* VTEP mode (vtep_conn.c): off unless vtep_target is set. */
	char *vtep_target; /* --vtep-db */
	char *vtep_ps;     /* --vtep-ps: our Physical_Switch */
	struct ctd_db *vtep_db;
	bool vtep_monitoring;
	long long vtep_retry_at;
	int vtep_backoff_ms;
	bool vtep_was_down;
	int vtep_failed;
	struct ctd_replica vtep_replica;
	struct ctd_vtep vtep;   /* the mapping of the last pass */
	char *vtep_errors_seen; /* the problems last logged (logged again when they change) */
	bool vsync_busy;        /* a MAC sync runs: fdb-show replies or its write outstanding */
	size_t vsync_wait;      /* fdb-show replies still expected */
	json_t *vsync_learned;  /* {bridge: fdb-show result} */
	json_t *vsync_bridges;  /* [bridge]: the LS bridges asked, by callback index */
	json_t *vsync_stats;    /* the `stats` result (callback index n_bridges) */
	struct ctd_op_cb *vsync_cbs;
	unsigned long long vtep_gen;  /* rebuilds of ctx->vtep (ctd_vtep_pass) */
	unsigned long long vsync_gen; /* vtep_gen when the running MAC sync started */
	bool want_vsync;
	long long next_vsync_at;

	/* Counters for logs. */
	unsigned long long n_passes, n_dp_ops, n_db_writes;
};

/* log.c */
void ctd_log(struct ctd_ctx *, const char *level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define CTD_INFO(ctx, ...) ctd_log(ctx, "INFO", __VA_ARGS__)
#define CTD_WARN(ctx, ...) ctd_log(ctx, "WARN", __VA_ARGS__)
#define CTD_ERR(ctx, ...)  ctd_log(ctx, "ERR", __VA_ARGS__)
long long ctd_now_ms(void);

/* conn.c: (re)connects what is down and due; closes a failed connection. */
void ctd_conn_run(struct ctd_ctx *);
void ctd_conn_db_lost(struct ctd_ctx *, int err);
void ctd_conn_dp_lost(struct ctd_ctx *, int err);
void ctd_conn_close_all(struct ctd_ctx *);
/* Queues a request to the dataplane after checking it against the method table
 * (dataplane/ctl/methods.json, as weftctl does and as the dataplane will): 'params' is stolen.
 * Returns the id, or -errno: -EINVAL when the request does not match the table (the reason,
 * the dataplane's own wording, in ctx->dp_refused; nothing sent), -ENOTCONN without a
 * dataplane, another -errno when the connection fails. */
long long ctd_dp_call(struct ctd_ctx *, const char *method, json_t *params, ctd_rpc_reply_fn *cb,
                      void *arg);

/* reconcile.c */
void ctd_reconcile_run(struct ctd_ctx *);     /* starts a pass when wanted and possible */
void ctd_reconcile_abort(struct ctd_ctx *);   /* the dataplane connection is gone */
void ctd_reconcile_db_lost(struct ctd_ctx *); /* the database connection is gone */
void ctd_reconcile_destroy(struct ctd_ctx *);
/* Drops the connection of a peer that left a pass unanswered for CTD_PASS_TIMEOUT. */
void ctd_reconcile_check_timeout(struct ctd_ctx *);
/* Asks for a pass; 'retry': also retry operations that failed before. */
void ctd_reconcile_want(struct ctd_ctx *, bool retry);

/* vtep_conn.c (VTEP mode; every function does nothing when it is off) */
void ctd_vtep_conn_run(struct ctd_ctx *);           /* (re)connects when due */
void ctd_vtep_conn_lost(struct ctd_ctx *, int err); /* drops the VTEP database connection */
bool ctd_vtep_ready(const struct ctd_ctx *);        /* a pass may run (mapping known) */
/* Adds the VTEP mapping to a pass's desired state (ctx->vtep is rebuilt); 0 or -ENOMEM. */
int ctd_vtep_pass(struct ctd_ctx *, struct ctd_desired *, bool log_errors);
void ctd_vtep_sync_run(struct ctd_ctx *);   /* starts a MAC sync when due */
void ctd_vtep_sync_abort(struct ctd_ctx *); /* the dataplane connection is gone */
void ctd_vtep_close(struct ctd_ctx *);

#endif /* CTD_CONTROLD_H */
