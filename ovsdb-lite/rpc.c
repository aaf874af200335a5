/* ovsdb-lite JSON-RPC method dispatch (RFC 7047 §4 plus the OVS extensions OVS clients need).
 *
 * Every request gets exactly one reply: unknown methods get the error "unknown method", like
 * ovsdb-server. Error replies use ovsdb-server's error objects ("syntax error", "unknown
 * database", ...) so clients print the same messages. There is no "_Server" database:
 * get_schema/transact/monitor on it get the "unknown database" error, and monitor_cond_since
 * gets "unknown method", which make ovs-vsctl fall back to monitor_cond (see
 * /work/shared/ovsdb-traces). A malformed JSON-RPC message (not an object, method without
 * params array, ...) gets an error reply and the connection is closed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

#define RPC_MAX_PENDING        4096 /* blocked transactions, all clients together */
#define RPC_MAX_PENDING_CLIENT 256  /* blocked transactions of one client */

static json_t *rpc_error(const char *error, const json_t *syntax, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* An RFC 7047 error object {"error", "details"[, "syntax"]}; new ref. */
static json_t *rpc_error(const char *error, const json_t *syntax, const char *fmt, ...)
{
	char details[512];
	va_list ap;
	json_t *e;

	va_start(ap, fmt);
	vsnprintf(details, sizeof(details), fmt, ap);
	va_end(ap);
	e = json_pack("{s:s, s:s}", "error", error, "details", details);
	if (syntax) {
		char *s = json_dumps(syntax, JSON_COMPACT | JSON_ENCODE_ANY);

		if (s)
			json_object_set_new(e, "syntax", json_string(s));
		free(s);
	}
	return e;
}

static bool is_notification(const json_t *id)
{
	return !id || json_is_null(id);
}

/* Sends a reply with 'result' (stolen) unless the request was a notification. */
static void reply_result(struct odb_server *srv, struct odb_client *c, json_t *id, json_t *result)
{
	if (!is_notification(id)) {
		json_t *msg = odb_jrpc_make_reply(result, id);

		odb_server_send(srv, c, msg);
		json_decref(msg);
	}
	json_decref(result);
}

/* Sends an error reply with 'error' (stolen) unless the request was a notification. */
static void reply_error(struct odb_server *srv, struct odb_client *c, json_t *id, json_t *error)
{
	if (!is_notification(id)) {
		json_t *msg = odb_jrpc_make_error(error, id);

		odb_server_send(srv, c, msg);
		json_decref(msg);
	}
	json_decref(error);
}

/* The served database params begin with; replies with ovsdb-server's error and returns NULL
 * if there is none. */
static struct odb *check_db(struct odb_server *srv, struct odb_client *c, const char *method,
                            const json_t *params, json_t *id)
{
	const char *name = json_string_value(json_array_get(params, 0));
	struct odb *db;

	if (!name) {
		reply_error(srv, c, id,
		            rpc_error("syntax error", params,
		                      "%s request params must begin with <db-name>", method));
		return NULL;
	}
	if (!(db = odb_server_find_db(srv, name))) {
		reply_error(srv, c, id,
		            rpc_error("unknown database", params,
		                      "%s request specifies unknown database %s", method, name));
		return NULL;
	}
	return db;
}

struct lock_ctx {
	struct odb_server *srv;
	struct odb_client *c;
};

static bool rpc_lock_held(const char *name, void *aux)
{
	struct lock_ctx *lc = aux;

	return odb_lock_is_owner(&lc->srv->locks, name, lc->c);
}

bool odb_rpc_run_txn(struct odb_server *srv, struct odb_pending_txn *p, bool *changedp)
{
	struct lock_ctx lc = {srv, p->client};
	json_t *result = NULL, *changes = NULL;
	long long deadline = -1;
	enum odb_txn_status st;

	*changedp = false;
	st = odb_transact_locked(p->db, p->ops, p->started_ms, odb_server_now_ms(), rpc_lock_held,
	                         &lc, &result, &changes, &deadline);
	if (st == ODB_TXN_BLOCKED) {
		p->deadline_ms = deadline;
		return false;
	}
	srv->stats.n_transactions++;
	if (changes) {
		/* Written, not yet fsync'ed: server.c syncs before anything is sent. */
		srv->unsynced = true;
		/* Monitors hear about the commit before the committer gets its reply, as with
		 * ovsdb-server. */
		odb_server_broadcast_changes(srv, p->db, changes);
		json_decref(changes);
		*changedp = true;
	}
	if (!result)
		result = json_array();
	reply_result(srv, p->client, p->id, result);
	return true;
}

static void do_transact(struct odb_server *srv, struct odb_client *c, json_t *params, json_t *id)
{
	struct odb *db = check_db(srv, c, "transact", params, id);
	struct odb_pending_txn *p, **pp;
	size_t n_pending = 0, n_mine = 0;
	bool changed;

	if (!db)
		return;
	p = calloc(1, sizeof(*p));
	if (!p) {
		reply_error(srv, c, id, rpc_error("internal error", NULL, "out of memory"));
		return;
	}
	p->client = c;
	p->db = db;
	p->id = json_incref(id ? id : json_null());
	p->ops = json_array();
	for (size_t i = 1; i < json_array_size(params); i++)
		json_array_append(p->ops, json_array_get(params, i));
	p->started_ms = odb_server_now_ms();
	p->deadline_ms = -1;
	if (odb_rpc_run_txn(srv, p, &changed)) {
		json_decref(p->id);
		json_decref(p->ops);
		free(p);
		if (changed && srv->pending)
			odb_server_retry_pending(srv, false);
		return;
	}
	for (pp = &srv->pending; *pp; pp = &(*pp)->next) {
		n_pending++;
		n_mine += (*pp)->client == c;
	}
	if (n_pending >= RPC_MAX_PENDING || n_mine >= RPC_MAX_PENDING_CLIENT) {
		reply_error(srv, c, id,
		            rpc_error("resources exhausted", NULL,
		                      "too many blocked transactions (at most %d per client, %d in "
		                      "all)",
		                      RPC_MAX_PENDING_CLIENT, RPC_MAX_PENDING));
		json_decref(p->id);
		json_decref(p->ops);
		free(p);
		return;
	}
	srv->stats.n_blocked++;
	*pp = p; /* FIFO: retried in arrival order */
}

/* "cancel" (RFC 7047 §4.1.4) is a notification: no reply of its own; the canceled
 * transaction gets the "canceled" error. */
static void do_cancel(struct odb_server *srv, struct odb_client *c, json_t *params)
{
	json_t *target = json_array_get(params, 0);
	struct odb_pending_txn **pp;

	for (pp = &srv->pending; *pp; pp = &(*pp)->next) {
		struct odb_pending_txn *p = *pp;

		if (p->client != c || !target || !json_equal(p->id, target))
			continue;
		*pp = p->next;
		reply_error(srv, c, p->id, json_pack("{s:s}", "error", "canceled"));
		json_decref(p->id);
		json_decref(p->ops);
		free(p);
		break;
	}
}

static struct odb_monitor *find_monitor(struct odb_client *c, const json_t *monid,
                                        struct odb_monitor ***prevp)
{
	struct odb_monitor **mp;

	for (mp = &c->monitors; *mp; mp = &(*mp)->next) {
		if (json_equal((*mp)->id, (json_t *)monid)) {
			if (prevp)
				*prevp = mp;
			return *mp;
		}
	}
	return NULL;
}

static void do_monitor(struct odb_server *srv, struct odb_client *c, const char *method,
                       json_t *params, json_t *id, enum odb_monitor_version v)
{
	json_t *monid = json_array_get(params, 1), *err = NULL;
	struct odb *db = check_db(srv, c, method, params, id);
	struct odb_monitor *m;

	if (!db)
		return;
	if (json_array_size(params) != 3) {
		reply_error(srv, c, id,
		            rpc_error("syntax error", params,
		                      "%s request params must be [<db-name>, <monitor-id>, "
		                      "<monitor-requests>]",
		                      method));
		return;
	}
	if (find_monitor(c, monid, NULL)) {
		reply_error(srv, c, id, rpc_error("syntax error", monid, "duplicate monitor ID"));
		return;
	}
	if (odb_monitor_create(db, v, monid, json_array_get(params, 2), &m, &err)) {
		reply_error(srv, c, id, err);
		return;
	}
	reply_result(srv, c, id, odb_monitor_initial(m, db));
	m->next = c->monitors;
	c->monitors = m;
}

static void do_monitor_cancel(struct odb_server *srv, struct odb_client *c, json_t *params,
                              json_t *id)
{
	struct odb_monitor **prev, *m = find_monitor(c, json_array_get(params, 0), &prev);

	if (json_array_size(params) != 1 || !m) {
		reply_error(srv, c, id, json_string("unknown monitor"));
		return;
	}
	*prev = m->next;
	odb_monitor_destroy(m);
	reply_result(srv, c, id, json_object());
}

static void do_monitor_cond_change(struct odb_server *srv, struct odb_client *c, json_t *params,
                                   json_t *id)
{
	json_t *old_id = json_array_get(params, 0), *new_id = json_array_get(params, 1);
	json_t *delta = NULL, *err = NULL;
	struct odb_monitor *m;

	if (json_array_size(params) != 3) {
		reply_error(srv, c, id,
		            rpc_error("syntax error", params,
		                      "monitor_cond_change request params must be [<monitor-id>, "
		                      "<new-monitor-id>, <monitor-cond-update-requests>]"));
		return;
	}
	m = find_monitor(c, old_id, NULL);
	if (!m) {
		reply_error(srv, c, id,
		            rpc_error("syntax error", old_id, "unknown monitor session"));
		return;
	}
	if (!json_equal(old_id, new_id) && find_monitor(c, new_id, NULL)) {
		reply_error(srv, c, id, rpc_error("syntax error", new_id, "duplicate monitor ID"));
		return;
	}
	if (odb_monitor_change_conditions(m, m->db, json_array_get(params, 2), &delta, &err)) {
		reply_error(srv, c, id, err);
		return;
	}
	json_decref(m->id);
	m->id = json_incref(new_id);
	/* Like ovsdb-server: the reply first, then the rows that entered or left. */
	reply_result(srv, c, id, json_object());
	if (delta) {
		json_t *p = json_pack("[O, o]", m->id, delta);
		json_t *msg = odb_jrpc_make_request(odb_monitor_method(m), p, NULL);

		odb_server_send(srv, c, msg);
		json_decref(msg);
		json_decref(p);
	}
}

static void do_lock(struct odb_server *srv, struct odb_client *c, const char *method,
                    json_t *params, json_t *id)
{
	const char *name = json_string_value(json_array_get(params, 0));
	int r;

	if (json_array_size(params) != 1 || !name) {
		reply_error(srv, c, id,
		            rpc_error("syntax error", params,
		                      "%s request params must be [<lock-id>]", method));
		return;
	}
	if (!strcmp(method, "unlock")) {
		if (odb_lock_unlock(&srv->locks, name, c))
			reply_error(srv, c, id,
			            rpc_error("syntax error", params,
			                      "unlock: \"unlock\" without \"lock\" or \"steal\""));
		else
			reply_result(srv, c, id, json_object());
		return;
	}
	r = !strcmp(method, "steal") ? odb_lock_steal(&srv->locks, name, c)
	                             : odb_lock_lock(&srv->locks, name, c);
	if (r == -EEXIST)
		reply_error(srv, c, id,
		            rpc_error("syntax error", params,
		                      "must issue \"unlock\" before new \"%s\"", method));
	else if (r < 0)
		reply_error(srv, c, id, rpc_error("internal error", NULL, "%s", strerror(-r)));
	else
		reply_result(srv, c, id, json_pack("{s:b}", "locked", r == 1));
}

void odb_rpc_lock_notify(void *aux, void *owner, const char *method, const char *name)
{
	struct odb_server *srv = aux;
	json_t *params = json_pack("[s]", name);
	json_t *msg = odb_jrpc_make_request(method, params, NULL);

	odb_server_send(srv, owner, msg);
	json_decref(msg);
	json_decref(params);
}

/* Closes 'c' after telling it why. */
static void protocol_error(struct odb_server *srv, struct odb_client *c, json_t *id,
                           const char *why)
{
	json_t *e = json_pack("{s:s, s:s}", "error", "syntax error", "details", why);
	json_t *msg = odb_jrpc_make_error(e, id);

	odb_server_log(srv, "%s: %s, disconnecting", c->name, why);
	srv->stats.n_protocol_errors++;
	odb_server_send(srv, c, msg);
	json_decref(msg);
	json_decref(e);
	c->dead = true;
}

/* Every served database, in the order given on the command line. */
static void list_dbs(struct odb_server *srv, struct odb_client *c, json_t *id)
{
	json_t *names = json_array();

	for (size_t i = 0; i < srv->n_dbs; i++)
		json_array_append_new(names, json_string(odb_name(srv->dbs[i])));
	reply_result(srv, c, id, names);
}

void odb_rpc_handle(struct odb_server *srv, struct odb_client *c, json_t *msg)
{
	json_t *method_j = json_object_get(msg, "method");
	json_t *params = json_object_get(msg, "params");
	json_t *id = json_object_get(msg, "id");
	const char *method;

	if (!json_is_object(msg)) {
		protocol_error(srv, c, NULL, "JSON-RPC message is not an object");
		return;
	}
	if (!method_j) {
		/* A reply: only our echo probes expect one, and arrival already reset the
		 * probe timer. */
		if (json_object_get(msg, "result") || json_object_get(msg, "error"))
			return;
		protocol_error(srv, c, id,
		               "JSON-RPC message has neither \"method\" nor \"result\"");
		return;
	}
	method = json_string_value(method_j);
	if (!method || !json_is_array(params)) {
		protocol_error(
		    srv, c, id,
		    "JSON-RPC request needs a string \"method\" and an array \"params\"");
		return;
	}
	srv->stats.n_requests++;
	if (!strcmp(method, "echo"))
		reply_result(srv, c, id, json_incref(params));
	else if (!strcmp(method, "list_dbs"))
		list_dbs(srv, c, id);
	else if (!strcmp(method, "get_schema")) {
		struct odb *db = check_db(srv, c, method, params, id);

		if (db)
			reply_result(srv, c, id, json_incref((json_t *)odb_schema(db)));
	} else if (!strcmp(method, "transact"))
		do_transact(srv, c, params, id);
	else if (!strcmp(method, "cancel") && is_notification(id))
		do_cancel(srv, c, params);
	else if (!strcmp(method, "monitor"))
		do_monitor(srv, c, method, params, id, ODB_MONITOR_V1);
	else if (!strcmp(method, "monitor_cond"))
		do_monitor(srv, c, method, params, id, ODB_MONITOR_V2);
	else if (!strcmp(method, "monitor_cond_change"))
		do_monitor_cond_change(srv, c, params, id);
	else if (!strcmp(method, "monitor_cancel"))
		do_monitor_cancel(srv, c, params, id);
	else if (!strcmp(method, "lock") || !strcmp(method, "steal") || !strcmp(method, "unlock"))
		do_lock(srv, c, method, params, id);
	else if (!strcmp(method, "set_db_change_aware"))
		/* The database never changes schema or goes away, so being "aware" of that
		 * changes nothing; accept like ovsdb-server does. */
		reply_result(srv, c, id, json_object());
	else
		reply_error(srv, c, id, json_string("unknown method"));
}
