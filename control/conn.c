/* The database and dataplane connections, reconnected with back-off. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "controld.h"
#include "methods.h"

#define CTD_MONITOR_ID "weft-controld"

static void db_notify(void *arg, const char *method, const json_t *params, const json_t *id)
{
	struct ctd_ctx *ctx = arg;
	bool changed = false;
	(void)id;
	if (strcmp(method, "update2") || !ctx->db_monitoring)
		return;
	if (strcmp(json_string_value(json_array_get(params, 0)) ?: "", CTD_MONITOR_ID))
		return;
	int ret = ctd_replica_update(&ctx->replica, json_array_get(params, 1), &changed);
	if (ret < 0) {
		CTD_ERR(ctx, "database: bad update2 notification (%s)", strerror(-ret));
		ctx->db_failed = ret;
		return;
	}
	if (changed)
		ctd_reconcile_want(ctx, true);
}

static void monitor_reply(void *arg, const json_t *result, const json_t *error)
{
	struct ctd_ctx *ctx = arg;
	int ret;
	if (error) {
		char *s = json_dumps(error, JSON_COMPACT | JSON_ENCODE_ANY);
		CTD_ERR(ctx, "database: monitor_cond refused: %s", s ? s : "?");
		free(s);
		ctx->db_failed = -EPROTO;
		return;
	}
	if ((ret = ctd_replica_reset(&ctx->replica, result)) < 0) {
		CTD_ERR(ctx, "database: bad monitor reply (%s)", strerror(-ret));
		ctx->db_failed = ret;
		return;
	}
	ctx->db_monitoring = true;
	ctx->db_backoff_ms = CTD_DB_BACKOFF_MIN;
	CTD_INFO(ctx, "database: monitoring %s (%zu bridges, %zu ports, %zu interfaces)",
	         CTD_DB_NAME, json_object_size(ctd_replica_table(&ctx->replica, "Bridge")),
	         json_object_size(ctd_replica_table(&ctx->replica, "Port")),
	         json_object_size(ctd_replica_table(&ctx->replica, "Interface")));
	ctd_reconcile_want(ctx, true);
}

/* The schema is in: learn the monitored columns' types, then monitor them. */
static void schema_reply(void *arg, const json_t *result, const json_t *error)
{
	struct ctd_ctx *ctx = arg;
	json_t *req = ctd_replica_monitor_request(CTD_DB_NAME, CTD_MONITOR_ID);
	char *why = NULL;
	int ret = req ? ctd_replica_schema_reply(&ctx->replica, result, error, req, &why) : -ENOMEM;
	if (ret < 0) {
		CTD_ERR(ctx, "database: get_schema%s", why ? why : ": out of memory");
		free(why);
		json_decref(req);
		ctx->db_failed = ret;
		return;
	}
	long long id = ctd_rpc_call(ctd_db_rpc(ctx->db), "monitor_cond", req, monitor_reply, ctx);
	if (id < 0)
		ctx->db_failed = id;
}

static void db_connect(struct ctd_ctx *ctx, long long now)
{
	int ret = ctd_db_open(ctx->db_target, db_notify, ctx, &ctx->db);
	if (ret < 0) {
		ctx->db = NULL;
		if (!ctx->db_was_down)
			CTD_WARN(ctx, "database %s: %s (retrying with back-off up to %d ms)",
			         ctx->db_target, strerror(-ret), CTD_DB_BACKOFF_MAX);
		ctx->db_was_down = true;
		ctx->db_retry_at = now + ctx->db_backoff_ms;
		ctx->db_backoff_ms *= 2;
		if (ctx->db_backoff_ms > CTD_DB_BACKOFF_MAX)
			ctx->db_backoff_ms = CTD_DB_BACKOFF_MAX;
		return;
	}
	ctx->db_was_down = false;
	ctx->db_failed = 0;
	CTD_INFO(ctx, "database %s: connected", ctx->db_target);
	long long id = ctd_rpc_call(ctd_db_rpc(ctx->db), "get_schema",
	                            json_pack("[s]", CTD_DB_NAME), schema_reply, ctx);
	if (id < 0)
		ctx->db_failed = id;
}

static void dp_connect(struct ctd_ctx *ctx, long long now)
{
	int ret = ctd_rpc_open_unix(ctx->dp_path, true, &ctx->dp);
	if (ret < 0) {
		ctx->dp = NULL;
		if (!ctx->dp_was_down)
			CTD_WARN(ctx, "dataplane %s: %s (retrying every %d ms)", ctx->dp_path,
			         strerror(-ret), CTD_DP_RETRY_MS);
		ctx->dp_was_down = true;
		ctx->dp_retry_at = now + CTD_DP_RETRY_MS;
		return;
	}
	ctx->dp_was_down = false;
	ctx->dp_gen++; /* flow-removed sequence numbers are per dataplane (connection) */
	ctx->removed_seen = ctx->removed_ack = 0;
	CTD_INFO(ctx, "dataplane %s: connected", ctx->dp_path);
	ctd_reconcile_want(ctx, true);
}

long long ctd_dp_call(struct ctd_ctx *ctx, const char *method, json_t *params, ctd_rpc_reply_fn *cb,
                      void *arg)
{
	if (!ctx->dp) {
		json_decref(params);
		return -ENOTCONN;
	}
	if (!params && !(params = json_object()))
		return -ENOMEM;
	if (wf_rpc_check_request(method, params, ctx->dp_refused, sizeof(ctx->dp_refused)) < 0) {
		json_decref(params);
		return -EINVAL;
	}
	return ctd_rpc_call(ctx->dp, method, params, cb, arg);
}

void ctd_conn_run(struct ctd_ctx *ctx)
{
	long long now = ctd_now_ms();
	if (!ctx->db && now >= ctx->db_retry_at)
		db_connect(ctx, now);
	if (!ctx->dp && now >= ctx->dp_retry_at)
		dp_connect(ctx, now);
	ctd_vtep_conn_run(ctx);
}

void ctd_conn_db_lost(struct ctd_ctx *ctx, int err)
{
	CTD_WARN(ctx, "database %s: connection lost (%s); keeping the last configuration",
	         ctx->db_target, err == -EPIPE ? "closed by the server" : strerror(-err));
	ctd_reconcile_db_lost(ctx);
	ctd_db_close(ctx->db);
	ctx->db = NULL;
	ctx->db_monitoring = false;
	ctx->db_failed = 0;
	ctx->db_was_down = true;
	ctx->db_retry_at = ctd_now_ms() + ctx->db_backoff_ms;
	ctx->db_backoff_ms *= 2;
	if (ctx->db_backoff_ms > CTD_DB_BACKOFF_MAX)
		ctx->db_backoff_ms = CTD_DB_BACKOFF_MAX;
}

void ctd_conn_dp_lost(struct ctd_ctx *ctx, int err)
{
	CTD_WARN(ctx, "dataplane %s: connection lost (%s)", ctx->dp_path,
	         err == -EPIPE ? "closed by the dataplane" : strerror(-err));
	ctd_reconcile_abort(ctx);
	ctd_vtep_sync_abort(ctx);
	ctd_rpc_close(ctx->dp);
	ctx->dp = NULL;
	ctx->dp_was_down = true;
	ctx->dp_retry_at = ctd_now_ms() + CTD_DP_RETRY_MS;
}

void ctd_conn_close_all(struct ctd_ctx *ctx)
{
	ctd_reconcile_destroy(ctx);
	ctd_db_close(ctx->db);
	ctx->db = NULL;
	ctd_rpc_close(ctx->dp);
	ctx->dp = NULL;
	ctd_replica_clear(&ctx->replica);
	ctd_vtep_close(ctx);
}
