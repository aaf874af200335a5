/* One reconcile pass at a time (see controld.h):
 *   show -> diff (desired from the replica vs. actual) -> the plan's operations, pipelined ->
 *   show + stats -> write-back transaction (Interface columns, cur_cfg) -> idle.
 * A pass wanted while one runs starts when it ends. Failed operations are remembered so that
 * timer passes do not retry them (and flood the dataplane's log); a configuration change or a
 * dataplane reconnect retries them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "methods_gen.h"
#include "controld.h"
#include "flowdb.h"
#include "writeback.h"

static void pass_reset(struct ctd_pass *p)
{
	for (size_t i = 0; p->sigs && i < p->plan.n_ops; i++)
		free(p->sigs[i]);
	free(p->sigs);
	free(p->cbs);
	free(p->dump_cbs);
	ctd_plan_free(&p->plan);
	ctd_state_free(&p->actual);
	ctd_desired_free(&p->desired);
	json_decref(p->stats);
	memset(p, 0, sizeof(*p));
}

static void failures_free(struct ctd_failure *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(f[i].sig);
		free(f[i].iface);
		free(f[i].msg);
	}
	free(f);
}

static const struct ctd_failure *failure_find(struct ctd_ctx *ctx, const char *sig)
{
	for (size_t i = 0; i < ctx->n_failures; i++)
		if (!strcmp(ctx->failures[i].sig, sig))
			return &ctx->failures[i];
	return NULL;
}

static void failure_add(struct ctd_ctx *ctx, const char *sig, const char *iface, const char *msg)
{
	struct ctd_failure *v = realloc(ctx->failures, (ctx->n_failures + 1) * sizeof(*v));
	if (!v)
		return;
	ctx->failures = v;
	v[ctx->n_failures++] =
	    (struct ctd_failure){strdup(sig), iface ? strdup(iface) : NULL, strdup(msg)};
}

/* Keeps the failures whose operation is still in the plan (marked in 'keep'). */
static void failures_keep(struct ctd_ctx *ctx, const bool *keep)
{
	size_t k = 0;
	for (size_t i = 0; i < ctx->n_failures; i++) {
		if (keep[i]) {
			ctx->failures[k++] = ctx->failures[i];
			continue;
		}
		free(ctx->failures[i].sig);
		free(ctx->failures[i].iface);
		free(ctx->failures[i].msg);
	}
	ctx->n_failures = k;
}

static void finish(struct ctd_ctx *ctx)
{
	pass_reset(&ctx->pass);
	ctx->want_vsync = true; /* VTEP mode: the MAC sync follows every pass */
}

static void write_reply(void *arg, const json_t *result, const json_t *error)
{
	struct ctd_ctx *ctx = arg;
	char *msg = NULL;
	if (error || ctd_db_check_results(result, &msg) < 0) {
		char *e = error ? json_dumps(error, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
		CTD_WARN(ctx, "database: write-back failed: %s", e ? e : msg ? msg : "?");
		free(e);
		free(msg);
		ctd_reconcile_want(ctx, false); /* try again with what the database has now */
	}
	finish(ctx);
}

/* The deletes of the Flow rows of flows the dataplane removed by their timeouts. An entry
 * that no row matches any more is settled: dropped, and acknowledged to the dataplane with the
 * next flow-removed (when it came by this connection). 0 or -ENOMEM. */
static int expired_ops(struct ctd_ctx *ctx, json_t *ops)
{
	json_t *keep = json_array(), *e;
	size_t i;
	if (!keep)
		return -ENOMEM;
	json_array_foreach(ctx->expired, i, e)
	{
		json_t *one = json_pack("[O]", e);
		size_t before = json_array_size(ops);
		if (!one || ctd_flows_expired_ops(&ctx->replica, one, &ctx->pass.actual, ops) < 0) {
			json_decref(one);
			json_decref(keep);
			return -ENOMEM;
		}
		json_decref(one);
		if (json_array_size(ops) > before) {
			CTD_INFO(ctx, "deleting the Flow row of %s's expired flow %s",
			         json_string_value(json_object_get(e, "bridge")),
			         json_string_value(json_object_get(e, "text")));
			json_array_append(keep, e);
			continue;
		}
		unsigned long long seq =
		    (unsigned long long)json_integer_value(json_object_get(e, "seq"));
		if ((unsigned long long)json_integer_value(json_object_get(e, "gen")) ==
		        ctx->dp_gen &&
		    seq > ctx->removed_ack)
			ctx->removed_ack = seq;
	}
	json_decref(ctx->expired);
	ctx->expired = keep;
	return 0;
}

static void write_back(struct ctd_ctx *ctx)
{
	struct ctd_pass *p = &ctx->pass;
	struct ctd_smap errors = {0};

	if (!ctx->db || !ctx->db_monitoring) {
		finish(ctx); /* applied; written back after the database reconnects */
		return;
	}
	for (size_t i = 0; i < ctx->n_failures; i++)
		if (ctx->failures[i].iface)
			ctd_smap_set(&errors, ctx->failures[i].iface, ctx->failures[i].msg);
	struct ctd_wb_input in = {
	    .replica = &ctx->replica,
	    .desired = &p->desired,
	    .actual = &p->actual,
	    .stats = p->stats,
	    .errors = &errors,
	    .rundir = ctx->rundir,
	    .set_cur_cfg = p->applied,
	};
	json_t *ops = ctd_writeback_ops(&in);
	ctd_smap_free(&errors);
	if (ops && expired_ops(ctx, ops) < 0) {
		json_decref(ops);
		ops = NULL;
	}
	if (!ops || !json_array_size(ops)) {
		json_decref(ops);
		finish(ctx);
		return;
	}
	json_t *params = json_pack("[s]", CTD_DB_NAME);
	json_array_extend(params, ops);
	json_decref(ops);
	ctx->n_db_writes++;
	p->step = CTD_PASS_WRITE;
	p->started_ms = ctd_now_ms();
	if (ctd_rpc_call(ctd_db_rpc(ctx->db), "transact", params, write_reply, ctx) < 0)
		finish(ctx);
}

static void refresh_show_reply(void *arg, const json_t *result, const json_t *error)
{
	struct ctd_ctx *ctx = arg;
	struct ctd_pass *p = &ctx->pass;
	ctd_state_free(&p->actual);
	if (error || ctd_state_from_show(&p->actual, result) < 0)
		CTD_WARN(ctx, "dataplane: show failed after applying");
	p->refreshed_show = true;
	if (p->stats)
		write_back(ctx);
}

static void stats_reply(void *arg, const json_t *result, const json_t *error)
{
	struct ctd_ctx *ctx = arg;
	struct ctd_pass *p = &ctx->pass;
	p->stats = error ? json_object() : json_incref((json_t *)result);
	if (p->refreshed_show)
		write_back(ctx);
}

static void refresh(struct ctd_ctx *ctx, bool need_show)
{
	struct ctd_pass *p = &ctx->pass;
	p->step = CTD_PASS_REFRESH;
	p->applied = true;
	p->refreshed_show = !need_show;
	if (need_show)
		ctd_dp_call(ctx, WF_RPC_METHOD_SHOW, json_object(), refresh_show_reply, ctx);
	ctd_dp_call(ctx, WF_RPC_METHOD_STATS, json_object(), stats_reply, ctx);
}

static const char *error_text(const json_t *error, char *buf, size_t n)
{
	const char *e = json_string_value(json_object_get(error, "errno"));
	const char *m = json_string_value(json_object_get(error, "message"));
	if (m)
		snprintf(buf, n, "%s%s%s", e ? e : "", e ? ": " : "", m);
	else
		snprintf(buf, n, "dataplane error");
	return buf;
}

/* The failure of this pass's bridge-add or bridge-set of 'bridge', if any. */
static const char *bridge_failure(struct ctd_ctx *ctx, const char *bridge)
{
	struct ctd_pass *p = &ctx->pass;
	for (size_t i = 0; i < p->plan.n_ops; i++) {
		const struct ctd_op *op = &p->plan.ops[i];
		const struct ctd_failure *f;
		if (op->kind == CTD_OP_BRIDGE_ADD && !strcmp(op->bridge, bridge) && p->sigs[i] &&
		    (f = failure_find(ctx, p->sigs[i])))
			return f->msg;
	}
	return NULL;
}

/* Operation 'i' of the pass failed with 'why' (the dataplane's message): logged and kept as a
 * failure (an interface's error column) until its inputs change. */
static void op_failed(struct ctd_ctx *ctx, size_t i, const char *why)
{
	struct ctd_pass *p = &ctx->pass;
	const struct ctd_op *op = &p->plan.ops[i];
	const char *bf = op->kind == CTD_OP_PORT_ADD ? bridge_failure(ctx, op->bridge) : NULL;
	char msg[700];

	if (bf)
		snprintf(msg, sizeof(msg), "bridge %s: %s", op->bridge, bf);
	else
		snprintf(msg, sizeof(msg), "%s", why);
	CTD_WARN(ctx, "%s %s failed: %s", ctd_op_method(op), op->port ? op->port : op->bridge, msg);
	failure_add(ctx, p->sigs[i],
	            op->kind == CTD_OP_PORT_ADD || op->kind == CTD_OP_PORT_SET ? op->port : NULL,
	            msg);
	p->n_failed++;
}

static void op_reply(void *arg, const json_t *result, const json_t *error)
{
	struct ctd_op_cb *cb = arg;
	struct ctd_ctx *ctx = cb->ctx;
	struct ctd_pass *p = &ctx->pass;
	char buf[512];
	(void)result;

	p->n_replied++;
	if (error)
		op_failed(ctx, cb->i, error_text(error, buf, sizeof(buf)));
	if (p->n_replied == p->n_sent) {
		CTD_INFO(ctx, "pass %llu: %zu operations applied, %zu failed", ctx->n_passes,
		         p->n_sent, p->n_failed);
		refresh(ctx, true);
	}
}

static char *op_sig(const struct ctd_op *op)
{
	json_t *params = ctd_op_params(op);
	char *js = params ? json_dumps(params, JSON_COMPACT | JSON_SORT_KEYS) : NULL, *s = NULL;
	json_decref(params);
	if (js && asprintf(&s, "%s %s", ctd_op_method(op), js) < 0)
		s = NULL;
	free(js);
	return s;
}

/* Sends the plan's operations, skipping (on a timer pass) those that failed before. */
static void apply_plan(struct ctd_ctx *ctx)
{
	struct ctd_pass *p = &ctx->pass;
	size_t n = p->plan.n_ops, n_skipped = 0;
	bool *keep = calloc(ctx->n_failures + 1, sizeof(*keep));
	bool *skip = calloc(n + 1, sizeof(*skip));

	p->cbs = calloc(n + 1, sizeof(*p->cbs));
	p->sigs = calloc(n + 1, sizeof(*p->sigs));
	if (!keep || !skip || !p->cbs || !p->sigs) {
		free(keep);
		free(skip);
		CTD_ERR(ctx, "out of memory");
		finish(ctx);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		p->sigs[i] = op_sig(&p->plan.ops[i]);
		const struct ctd_failure *f = p->sigs[i] ? failure_find(ctx, p->sigs[i]) : NULL;
		if (f && !p->retry) {
			keep[f - ctx->failures] = true;
			skip[i] = true;
			n_skipped++;
		}
	}
	failures_keep(ctx, keep);
	free(keep);
	if (n > n_skipped)
		CTD_INFO(ctx, "pass %llu: %zu operations to apply%s", ctx->n_passes, n - n_skipped,
		         p->retry ? "" : " (found by a refresh)");
	for (size_t i = 0; i < n; i++) {
		const struct ctd_op *op = &p->plan.ops[i];
		if (skip[i])
			continue;
		p->cbs[i] = (struct ctd_op_cb){ctx, i};
		if (op->kind == CTD_OP_FLOW_REPLACE)
			CTD_INFO(ctx, "flow-replace %s (%s): %zu flows", op->bridge, op->why,
			         op->n_flows);
		else
			CTD_INFO(ctx, "%s %s%s%s (%s)", ctd_op_method(op),
			         op->port ? op->port : op->bridge, op->port ? " on " : "",
			         op->port ? op->bridge : "", op->why);
		long long id =
		    ctd_dp_call(ctx, ctd_op_method(op), ctd_op_params(op), op_reply, &p->cbs[i]);
		if (id == -EINVAL) { /* what the dataplane would answer, without asking it */
			char why[300];
			snprintf(why, sizeof(why), "EINVAL: %s", ctx->dp_refused);
			op_failed(ctx, i, why);
			continue;
		}
		if (id < 0)
			break; /* the connection is failing: ctd_conn_dp_lost() follows */
		p->n_sent++;
		ctx->n_dp_ops++;
	}
	free(skip);
	if (p->n_sent) {
		p->step = CTD_PASS_APPLY;
		return;
	}
	refresh(ctx, false);
}

/* Every flow-dump answered (or none needed): diff and apply. */
static void diff_and_apply(struct ctd_ctx *ctx)
{
	struct ctd_pass *p = &ctx->pass;
	/* Flows the dataplane removed by their timeouts whose rows are not deleted yet: not put
	 * back (the write-back of this pass deletes the rows). */
	for (size_t i = 0; json_array_size(ctx->expired) && i < p->desired.state.n_bridges; i++) {
		struct ctd_bridge *want = &p->desired.state.bridges[i], *have = NULL;
		for (size_t j = 0; j < p->actual.n_bridges; j++)
			if (!strcmp(p->actual.bridges[j].name, want->name))
				have = &p->actual.bridges[j];
		if (want->flows_managed)
			ctd_flows_drop_expired(want, have, ctx->expired);
	}
	int ret = ctd_diff(&p->desired.state, &p->actual, &p->plan);
	if (ret < 0) {
		CTD_ERR(ctx, "pass %llu: cannot compute the plan: %s", ctx->n_passes,
		        strerror(-ret));
		finish(ctx);
		return;
	}
	if (p->plan.n_ops == 0 && p->retry)
		CTD_INFO(ctx, "pass %llu: the dataplane matches the database (0 operations)",
		         ctx->n_passes);
	apply_plan(ctx);
}

static void dump_reply(void *arg, const json_t *result, const json_t *error)
{
	struct ctd_op_cb *cb = arg;
	struct ctd_ctx *ctx = cb->ctx;
	struct ctd_pass *p = &ctx->pass;
	struct ctd_bridge *br = &p->actual.bridges[cb->i];
	char buf[512];

	if (error)
		CTD_WARN(ctx, "pass %llu: flow-dump %s failed: %s", ctx->n_passes, br->name,
		         error_text(error, buf, sizeof(buf)));
	else if (ctd_flows_from_dump(br, result) < 0)
		CTD_WARN(ctx, "pass %llu: flow-dump %s: bad result", ctx->n_passes, br->name);
	if (++p->n_dumped == p->n_dumps)
		diff_and_apply(ctx);
}

/* flow-removed (asked after the flow-dumps, so a flow missing from a dump that expired is in
 * this reply or an earlier one): new entries join ctx->expired. */
static void removed_reply(void *arg, const json_t *result, const json_t *error)
{
	struct ctd_ctx *ctx = arg;
	struct ctd_pass *p = &ctx->pass;
	const json_t *list = json_object_get(result, "removed"), *e;
	size_t i;
	if (!ctx->expired)
		ctx->expired = json_array();
	json_array_foreach(error ? NULL : list, i, e)
	{
		const json_t *sq = json_object_get(e, "seq");
		unsigned long long seq =
		    json_is_integer(sq) ? (unsigned long long)json_integer_value(sq) : 0;
		json_t *c = json_deep_copy(e);
		if (seq <= ctx->removed_seen || !c || !ctx->expired)
			goto next;
		ctx->removed_seen = seq;
		char *text = NULL;
		const char *m = json_string_value(json_object_get(e, "match"));
		if (asprintf(&text, "table=%lld,priority=%lld%s%s",
		             (long long)json_integer_value(json_object_get(e, "table")),
		             (long long)json_integer_value(json_object_get(e, "priority")),
		             m && *m ? "," : "", m ? m : "") < 0)
			text = NULL;
		CTD_INFO(ctx, "flow removed on %s (%s timeout, %lld packets): %s",
		         json_string_value(json_object_get(e, "bridge")),
		         json_string_value(json_object_get(e, "reason")),
		         (long long)json_integer_value(json_object_get(e, "n_packets")),
		         text ? text : "?");
		json_object_set_new(c, "text", json_string(text ? text : "?"));
		json_object_set_new(c, "gen", json_integer((json_int_t)ctx->dp_gen));
		free(text);
		json_array_append(ctx->expired, c);
	next:
		json_decref(c);
	}
	if (++p->n_dumped == p->n_dumps)
		diff_and_apply(ctx);
}

static void show_reply(void *arg, const json_t *result, const json_t *error)
{
	struct ctd_ctx *ctx = arg;
	struct ctd_pass *p = &ctx->pass;
	int ret = 0;
	char buf[512];

	if (error || (ret = ctd_state_from_show(&p->actual, result)) < 0) {
		CTD_ERR(ctx, "pass %llu: cannot read the dataplane's state: %s", ctx->n_passes,
		        error ? error_text(error, buf, sizeof(buf)) : strerror(-ret));
		finish(ctx);
		return;
	}
	/* The actual flows of the bridges the database also has (flow-replace candidates). */
	size_t n = p->actual.n_bridges;
	if (!(p->dump_cbs = calloc(n + 1, sizeof(*p->dump_cbs)))) {
		CTD_ERR(ctx, "out of memory");
		finish(ctx);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct ctd_bridge *br = &p->actual.bridges[i];
		bool wanted = false;
		for (size_t j = 0; j < p->desired.state.n_bridges; j++)
			wanted = wanted || (!strcmp(p->desired.state.bridges[j].name, br->name) &&
			                    p->desired.state.bridges[j].flows_managed);
		br->flows_managed = ctd_flows_managed(&br->other_config);
		if (!wanted || !br->flows_managed)
			continue;
		p->dump_cbs[i] = (struct ctd_op_cb){ctx, i};
		if (ctd_dp_call(ctx, WF_RPC_METHOD_FLOW_DUMP,
		                json_pack("{s:s}", WF_RPC_KEY_BRIDGE, br->name), dump_reply,
		                &p->dump_cbs[i]) < 0)
			return; /* the connection is failing: ctd_conn_dp_lost() follows */
		p->n_dumps++;
	}
	if (ctd_dp_call(ctx, WF_RPC_METHOD_FLOW_REMOVED,
	                json_pack("{s:I}", WF_RPC_KEY_ACK, (json_int_t)ctx->removed_ack),
	                removed_reply, ctx) < 0)
		return;
	p->n_dumps++;
}

void ctd_reconcile_want(struct ctd_ctx *ctx, bool retry)
{
	ctx->want_pass = true;
	ctx->want_retry = ctx->want_retry || retry;
}

void ctd_reconcile_run(struct ctd_ctx *ctx)
{
	struct ctd_pass *p = &ctx->pass;
	if (p->step != CTD_PASS_IDLE || !ctx->want_pass || !ctx->dp ||
	    !ctd_replica_valid(&ctx->replica) || !ctd_vtep_ready(ctx))
		return;
	pass_reset(p);
	p->retry = ctx->want_retry;
	ctx->want_pass = ctx->want_retry = false;
	if (ctd_desired_build(&p->desired, &ctx->replica) < 0 ||
	    ctd_vtep_pass(ctx, &p->desired, p->retry) < 0) {
		CTD_ERR(ctx, "out of memory building the desired state");
		pass_reset(p);
		return;
	}
	ctx->n_passes++;
	for (size_t i = 0; p->retry && i < p->desired.bad_flows.n_kv; i++)
		CTD_WARN(ctx, "Flow row %s ignored: %s", p->desired.bad_flows.kv[i].key,
		         p->desired.bad_flows.kv[i].value);
	p->step = CTD_PASS_SHOW;
	p->started_ms = ctd_now_ms();
	ctd_dp_call(ctx, WF_RPC_METHOD_SHOW, json_object(), show_reply, ctx);
}

void ctd_reconcile_abort(struct ctd_ctx *ctx)
{
	/* The dataplane stream is closed right after: its callbacks never run. */
	if (ctx->pass.step == CTD_PASS_WRITE)
		return; /* only the database reply is outstanding */
	pass_reset(&ctx->pass);
}

void ctd_reconcile_db_lost(struct ctd_ctx *ctx)
{
	if (ctx->pass.step == CTD_PASS_WRITE)
		pass_reset(&ctx->pass);
}

void ctd_reconcile_destroy(struct ctd_ctx *ctx)
{
	pass_reset(&ctx->pass);
	json_decref(ctx->expired);
	ctx->expired = NULL;
	failures_free(ctx->failures, ctx->n_failures);
	ctx->failures = NULL;
	ctx->n_failures = 0;
}

void ctd_reconcile_check_timeout(struct ctd_ctx *ctx)
{
	struct ctd_pass *p = &ctx->pass;
	if (p->step == CTD_PASS_IDLE || ctd_now_ms() - p->started_ms < CTD_PASS_TIMEOUT)
		return;
	CTD_ERR(ctx, "pass %llu: no answer from the %s for %d ms", ctx->n_passes,
	        p->step == CTD_PASS_WRITE ? "database" : "dataplane", CTD_PASS_TIMEOUT);
	if (p->step == CTD_PASS_WRITE)
		ctd_conn_db_lost(ctx, -ETIMEDOUT);
	else
		ctd_conn_dp_lost(ctx, -ETIMEDOUT);
}
