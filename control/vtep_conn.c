/* VTEP mode (--vtep-db URL --vtep-ps NAME), the I/O part; the mapping itself is vtep.c.
 *
 * - Connection: the hardware_vtep database: "get_schema" (the monitored columns' types), then
 *   one "monitor_cond" (ctd_vtep_monitor_request; "update2" notifications) into
 *   ctx->vtep_replica, reconnected with back-off; the replica is kept while it is down.
 * - Passes: no pass runs before the first monitor reply (the dataplane's VTEP bridges would
 *   look unwanted); each pass adds the mapping to its desired state (ctd_vtep_pass), so the
 *   ordinary diff creates and removes the LS bridges and tunnel ports.
 * - MAC sync, after every pass and every --stats-interval: `fdb-show` of each LS bridge and
 *   `stats`, then fdb-add/fdb-del of the static remote entries (ctd_vtep_fdb_ops) and one
 *   transaction of Ucast_Macs_Local rows (ctd_vtep_local_ops), fault status and binding
 *   statistics (ctd_vtep_status_ops). One sync at a time; the next one starts after
 *   the transaction's reply, so it sees the rows it wrote. A sync that a pass overtook
 *   (the answers arrive after a new pass has begun) is dropped, not applied: the new
 *   mapping's tunnel ports may not exist yet; the pass asks for a fresh sync.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "methods_gen.h"
#include "controld.h"

#define CTD_VTEP_MONITOR_ID "weft-controld-vtep"

static void vtep_notify(void *arg, const char *method, const json_t *params, const json_t *id)
{
	struct ctd_ctx *ctx = arg;
	bool changed = false;
	(void)id;
	if (strcmp(method, "update2") || !ctx->vtep_monitoring ||
	    strcmp(json_string_value(json_array_get(params, 0)) ?: "", CTD_VTEP_MONITOR_ID))
		return;
	const json_t *tu = json_array_get(params, 1);
	int ret = ctd_replica_update(&ctx->vtep_replica, tu, &changed);
	if (ret < 0) {
		CTD_ERR(ctx, "vtep database: bad update2 notification (%s)", strerror(-ret));
		ctx->vtep_failed = ret;
		return;
	}
	if (changed && ctd_vtep_update_is_config(tu))
		ctd_reconcile_want(ctx, true);
}

static void vtep_monitor_reply(void *arg, const json_t *result, const json_t *error)
{
	struct ctd_ctx *ctx = arg;
	int ret;
	if (error) {
		char *s = json_dumps(error, JSON_COMPACT | JSON_ENCODE_ANY);
		CTD_ERR(ctx, "vtep database: monitor_cond refused: %s", s ? s : "?");
		free(s);
		ctx->vtep_failed = -EPROTO;
		return;
	}
	if ((ret = ctd_replica_reset(&ctx->vtep_replica, result)) < 0) {
		CTD_ERR(ctx, "vtep database: bad monitor reply (%s)", strerror(-ret));
		ctx->vtep_failed = ret;
		return;
	}
	ctx->vtep_monitoring = true;
	ctx->vtep_backoff_ms = CTD_DB_BACKOFF_MIN;
	CTD_INFO(ctx, "vtep database: monitoring %s (%zu physical switches, %zu logical switches)",
	         CTD_VTEP_DB_NAME,
	         json_object_size(ctd_replica_table(&ctx->vtep_replica, "Physical_Switch")),
	         json_object_size(ctd_replica_table(&ctx->vtep_replica, "Logical_Switch")));
	ctd_reconcile_want(ctx, true);
}

/* The schema is in: learn the monitored columns' types, then monitor them. */
static void vtep_schema_reply(void *arg, const json_t *result, const json_t *error)
{
	struct ctd_ctx *ctx = arg;
	json_t *req = ctd_vtep_monitor_request(CTD_VTEP_MONITOR_ID);
	char *why = NULL;
	int ret =
	    req ? ctd_replica_schema_reply(&ctx->vtep_replica, result, error, req, &why) : -ENOMEM;
	if (ret < 0) {
		CTD_ERR(ctx, "vtep database: get_schema%s", why ? why : ": out of memory");
		free(why);
		json_decref(req);
		ctx->vtep_failed = ret;
		return;
	}
	long long id =
	    ctd_rpc_call(ctd_db_rpc(ctx->vtep_db), "monitor_cond", req, vtep_monitor_reply, ctx);
	if (id < 0)
		ctx->vtep_failed = id;
}

static void backoff(struct ctd_ctx *ctx)
{
	ctx->vtep_retry_at = ctd_now_ms() + ctx->vtep_backoff_ms;
	ctx->vtep_backoff_ms *= 2;
	if (ctx->vtep_backoff_ms > CTD_DB_BACKOFF_MAX)
		ctx->vtep_backoff_ms = CTD_DB_BACKOFF_MAX;
}

void ctd_vtep_conn_run(struct ctd_ctx *ctx)
{
	if (!ctx->vtep_target || ctx->vtep_db || ctd_now_ms() < ctx->vtep_retry_at)
		return;
	int ret = ctd_db_open(ctx->vtep_target, vtep_notify, ctx, &ctx->vtep_db);
	if (ret < 0) {
		ctx->vtep_db = NULL;
		if (!ctx->vtep_was_down)
			CTD_WARN(ctx, "vtep database %s: %s (retrying with back-off up to %d ms)",
			         ctx->vtep_target, strerror(-ret), CTD_DB_BACKOFF_MAX);
		ctx->vtep_was_down = true;
		backoff(ctx);
		return;
	}
	ctx->vtep_was_down = false;
	ctx->vtep_failed = 0;
	CTD_INFO(ctx, "vtep database %s: connected", ctx->vtep_target);
	long long id = ctd_rpc_call(ctd_db_rpc(ctx->vtep_db), "get_schema",
	                            json_pack("[s]", CTD_VTEP_DB_NAME), vtep_schema_reply, ctx);
	if (id < 0)
		ctx->vtep_failed = id;
}

void ctd_vtep_conn_lost(struct ctd_ctx *ctx, int err)
{
	CTD_WARN(ctx, "vtep database %s: connection lost (%s); keeping the last configuration",
	         ctx->vtep_target, err == -EPIPE ? "closed by the server" : strerror(-err));
	/* A write in flight never gets its reply: the sync is over. */
	if (ctx->vsync_busy && !ctx->vsync_wait)
		ctx->vsync_busy = false;
	ctd_db_close(ctx->vtep_db);
	ctx->vtep_db = NULL;
	ctx->vtep_monitoring = false;
	ctx->vtep_failed = 0;
	ctx->vtep_was_down = true;
	backoff(ctx);
}

bool ctd_vtep_ready(const struct ctd_ctx *ctx)
{
	return !ctx->vtep_target || ctd_replica_valid(&ctx->vtep_replica);
}

int ctd_vtep_pass(struct ctd_ctx *ctx, struct ctd_desired *d, bool log_errors)
{
	if (!ctx->vtep_target)
		return 0;
	ctx->vtep_gen++; /* a MAC sync started before this must not apply the new mapping */
	ctd_vtep_free(&ctx->vtep);
	int ret = ctd_vtep_build(&ctx->vtep, &ctx->vtep_replica, ctx->vtep_ps, d);
	if (ret < 0)
		return ret;
	json_t *e = ctd_smap_to_json(&ctx->vtep.errors);
	char *s = e ? json_dumps(e, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(e);
	if (s && (log_errors || !ctx->vtep_errors_seen || strcmp(s, ctx->vtep_errors_seen)))
		for (size_t i = 0; i < ctx->vtep.errors.n_kv; i++)
			CTD_WARN(ctx, "vtep: %s: %s", ctx->vtep.errors.kv[i].key,
			         ctx->vtep.errors.kv[i].value);
	free(ctx->vtep_errors_seen);
	ctx->vtep_errors_seen = s;
	ctx->want_vsync = true;
	return 0;
}

static void fdb_op_reply(void *arg, const json_t *result, const json_t *error)
{
	struct ctd_ctx *ctx = arg;
	(void)result;
	if (error) {
		char *s = json_dumps(error, JSON_COMPACT | JSON_ENCODE_ANY);
		CTD_WARN(ctx, "vtep: MAC table update failed: %s", s ? s : "?");
		free(s);
	}
}

static void write_reply(void *arg, const json_t *result, const json_t *error)
{
	struct ctd_ctx *ctx = arg;
	char *msg = NULL;
	if (error || ctd_db_check_results(result, &msg) < 0) {
		char *e = error ? json_dumps(error, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
		CTD_WARN(ctx, "vtep database: write failed: %s", e ? e : msg ? msg : "?");
		free(e);
		free(msg);
	}
	ctx->vsync_busy = false;
}

static void sync_reset(struct ctd_ctx *ctx)
{
	json_decref(ctx->vsync_learned);
	json_decref(ctx->vsync_bridges);
	json_decref(ctx->vsync_stats);
	ctx->vsync_stats = NULL;
	free(ctx->vsync_cbs);
	ctx->vsync_learned = ctx->vsync_bridges = NULL;
	ctx->vsync_cbs = NULL;
	ctx->vsync_wait = 0;
}

/* Every fdb-show answered: fix the static entries, write the local MACs. */
static void sync_apply(struct ctd_ctx *ctx)
{
	const char *bridge;
	json_t *res, *ops;
	size_t i;
	json_t *op;

	/* A pass began since the fdb-show calls (every pass rebuilds ctx->vtep first, and a
	 * sync starts only between passes): ctx->vtep is its mapping now (or half of one, if
	 * building it failed), whose tunnel ports may not be in the dataplane yet (fdb-add would
	 * be refused, "no port"), and the answers may predate its port removals. Drop this
	 * sync; the pass asks for a new one. */
	if (ctx->vtep_gen != ctx->vsync_gen) {
		sync_reset(ctx);
		ctx->vsync_busy = false;
		ctx->want_vsync = true;
		return;
	}
	json_object_foreach(ctx->vsync_learned, bridge, res)
	{
		if (!ctd_vtep_ls_by_bridge(&ctx->vtep, bridge) ||
		    !(ops = ctd_vtep_fdb_ops(&ctx->vtep, bridge, res)))
			continue;
		json_array_foreach(ops, i, op)
		{
			const json_t *pa = json_object_get(op, "params");
			CTD_INFO(ctx, "vtep: %s %s vlan %lld on %s%s%s",
			         json_string_value(json_object_get(op, "method")),
			         json_string_value(json_object_get(pa, "mac")),
			         json_integer_value(json_object_get(pa, "vlan")), bridge,
			         json_object_get(pa, "port") ? " -> " : "",
			         json_string_value(json_object_get(pa, "port")) ?: "");
			ctd_dp_call(ctx, json_string_value(json_object_get(op, "method")),
			            json_incref(json_object_get(op, "params")), fdb_op_reply, ctx);
		}
		json_decref(ops);
	}
	ops = ctx->vtep_db && ctx->vtep_monitoring
	          ? ctd_vtep_local_ops(&ctx->vtep, &ctx->vtep_replica, ctx->vsync_learned)
	          : NULL;
	json_t *st =
	    ops ? ctd_vtep_status_ops(&ctx->vtep, &ctx->vtep_replica, ctx->vsync_stats) : NULL;
	json_array_extend(ops, st);
	json_decref(st);
	sync_reset(ctx);
	if (!ops || !json_array_size(ops)) {
		json_decref(ops);
		ctx->vsync_busy = false;
		return;
	}
	size_t n_ins = 0, n_del = 0;
	json_array_foreach(ops, i, op)
	{
		const char *o = json_string_value(json_object_get(op, "op")) ?: "";
		const char *t = json_string_value(json_object_get(op, "table")) ?: "";
		n_ins += !strcmp(o, "insert") && !strcmp(t, "Ucast_Macs_Local");
		n_del += !strcmp(o, "delete");
	}
	if (n_ins || n_del)
		CTD_INFO(ctx, "vtep database: Ucast_Macs_Local +%zu -%zu", n_ins, n_del);
	json_t *params = json_pack("[s]", CTD_VTEP_DB_NAME);
	json_array_extend(params, ops);
	json_decref(ops);
	ctx->n_db_writes++;
	if (ctd_rpc_call(ctd_db_rpc(ctx->vtep_db), "transact", params, write_reply, ctx) < 0)
		ctx->vsync_busy = false;
}

static void show_reply(void *arg, const json_t *result, const json_t *error)
{
	struct ctd_op_cb *cb = arg;
	struct ctd_ctx *ctx = cb->ctx;
	const char *bridge = json_string_value(json_array_get(ctx->vsync_bridges, cb->i));
	/* An error (a bridge not there yet): its entries are unknown this time. */
	if (!error && bridge)
		json_object_set(ctx->vsync_learned, bridge, (json_t *)result);
	else if (!error && cb->i == json_array_size(ctx->vsync_bridges)) /* the `stats` call */
		ctx->vsync_stats = json_incref((json_t *)result);
	if (--ctx->vsync_wait == 0)
		sync_apply(ctx);
}

void ctd_vtep_sync_run(struct ctd_ctx *ctx)
{
	long long now = ctd_now_ms();
	size_t n = ctx->vtep.n_ls;
	if (!ctx->vtep_target || ctx->vsync_busy || !ctx->dp || ctx->pass.step != CTD_PASS_IDLE ||
	    !ctx->vtep.ps_uuid || (!ctx->want_vsync && now < ctx->next_vsync_at))
		return;
	ctx->want_vsync = false;
	ctx->next_vsync_at = now + ctx->stats_ms;
	sync_reset(ctx);
	ctx->vsync_learned = json_object();
	ctx->vsync_bridges = json_array();
	ctx->vsync_cbs = calloc(n + 1, sizeof(*ctx->vsync_cbs));
	if (!ctx->vsync_learned || !ctx->vsync_bridges || !ctx->vsync_cbs) {
		sync_reset(ctx);
		return;
	}
	ctx->vsync_busy = true;
	ctx->vsync_gen = ctx->vtep_gen;
	/* Every LS bridge's MAC table, then the counters (index n). */
	for (size_t i = 0; i <= n; i++) {
		if (i == n) {
			ctx->vsync_cbs[n] = (struct ctd_op_cb){ctx, n};
			if (ctd_dp_call(ctx, WF_RPC_METHOD_STATS, json_object(), show_reply,
			                &ctx->vsync_cbs[n]) >= 0)
				ctx->vsync_wait++;
			break;
		}
		const char *br = ctx->vtep.ls[i].bridge;
		json_array_append_new(ctx->vsync_bridges, json_string(br));
		ctx->vsync_cbs[i] = (struct ctd_op_cb){ctx, i};
		if (ctd_dp_call(ctx, WF_RPC_METHOD_FDB_SHOW,
		                json_pack("{s:s}", WF_RPC_KEY_BRIDGE, br), show_reply,
		                &ctx->vsync_cbs[i]) < 0)
			break; /* the connection is failing: ctd_conn_dp_lost() follows */
		ctx->vsync_wait++;
	}
	if (!ctx->vsync_wait) {
		sync_reset(ctx);
		ctx->vsync_busy = false;
	}
}

void ctd_vtep_sync_abort(struct ctd_ctx *ctx)
{
	/* The dataplane stream is closed: its callbacks never run. A write to the database
	 * still gets its reply. */
	if (ctx->vsync_wait) {
		sync_reset(ctx);
		ctx->vsync_busy = false;
	}
}

void ctd_vtep_close(struct ctd_ctx *ctx)
{
	ctd_db_close(ctx->vtep_db);
	ctx->vtep_db = NULL;
	ctd_replica_clear(&ctx->vtep_replica);
	ctd_vtep_free(&ctx->vtep);
	free(ctx->vtep_errors_seen);
	ctx->vtep_errors_seen = NULL;
	sync_reset(ctx);
}
