/* Flow tables of a bridge, control side (see ofp_cfg.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>

#include "core/config.h"
#include "ofp/ofp_cfg.h"

static uint64_t mark_epoch;
static uint64_t pipe_gen; /* generations of pipelines (exact-match cache tags, ofp.h) */

uint64_t wf_ofp_now_ms(const struct wf_ctx *ctx)
{
	if (ctx->replay)
		return (uint64_t)ctx->threads[0].now * 1000;
	return (rte_rdtsc() - ctx->start_tsc) * 1000 / ctx->tsc_hz;
}

/* ---- flow counters ------------------------------------------------------------------------ */

/* A bridge's flow counters, thread-major in chunks (ofp.h: WF_OFP_CTR): chunk k holds slots
 * k * WF_OFP_CTR_STRIDE .. + WF_OFP_CTR_STRIDE - 1, thread t's counters of the chunk in one
 * page. Control thread only; chunks never move and are freed with the bridge (PMDs write the
 * counters of the flows their snapshot holds; a slot is reused only after its flow was freed,
 * i.e. after a grace period, and is zeroed then). */
struct wf_ofp_ctr_pool {
	struct wf_ofp_ctr **chunks;
	size_t n_chunks;
	uint32_t *free; /* free slots (a stack), room for every slot */
	size_t n_free;
};

#define CHUNK_BYTES (WF_MAX_THREADS * WF_OFP_CTR_STRIDE * sizeof(struct wf_ofp_ctr))

static void pool_free(struct wf_ofp_ctr_pool *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_chunks; i++)
		free(p->chunks[i]);
	free(p->chunks);
	free(p->free);
	free(p);
}

/* A zeroed slot: its thread-0 counter (*idx: the slot), or NULL (ENOMEM). */
static struct wf_ofp_ctr *pool_get(struct wf_ofp_ctr_pool *p, uint32_t *idx)
{
	if (!p->n_free) {
		size_t n = p->n_chunks + 1;
		struct wf_ofp_ctr **ch = realloc(p->chunks, n * sizeof(*ch));
		if (!ch)
			return NULL;
		p->chunks = ch;
		uint32_t *fr = realloc(p->free, n * WF_OFP_CTR_STRIDE * sizeof(*fr));
		if (!fr)
			return NULL;
		p->free = fr;
		if (!(ch[p->n_chunks] = aligned_alloc(4096, CHUNK_BYTES)))
			return NULL;
		for (uint32_t i = WF_OFP_CTR_STRIDE; i-- > 0;)
			p->free[p->n_free++] = (uint32_t)(p->n_chunks * WF_OFP_CTR_STRIDE + i);
		p->n_chunks++;
	}
	uint32_t i = p->free[--p->n_free];
	struct wf_ofp_ctr *c = &p->chunks[i / WF_OFP_CTR_STRIDE][i % WF_OFP_CTR_STRIDE];
	for (unsigned t = 0; t < WF_MAX_THREADS; t++)
		WF_OFP_CTR(c, t) = (struct wf_ofp_ctr){0, 0};
	*idx = i;
	return c;
}

static struct wf_ofp_ctrs *ctrs_new(struct wf_ofp_ctr_pool *pool)
{
	struct wf_ofp_ctrs *c = calloc(1, sizeof(*c));
	if (c && !(c->c = pool_get(pool, &c->idx))) {
		free(c);
		return NULL;
	}
	if (c) {
		c->refs = 1;
		c->pool = pool;
	}
	return c;
}

/* ---- flows --------------------------------------------------------------------------------- */

static void flow_free(struct wf_ofp_flow *f)
{
	if (!f)
		return;
	fl_flow_uninit(&f->fl);
	if (f->ctrs && --f->ctrs->refs == 0) {
		f->ctrs->pool->free[f->ctrs->pool->n_free++] = f->ctrs->idx;
		free(f->ctrs);
	}
	free(f);
}

/* A new flow: a copy of 'src'; counters, idle state and creation time shared with 'same' (a
 * new version of it: a modification, which restarts the hard timer, as OVS) or new (from
 * 'pool'). */
static struct wf_ofp_flow *flow_new(struct wf_ofp_ctr_pool *pool, const struct fl_flow *src,
                                    const struct wf_ofp_flow *same, uint64_t now_ms)
{
	struct wf_ofp_flow *f = calloc(1, sizeof(*f));
	if (!f || fl_flow_copy(&f->fl, src) < 0) {
		free(f);
		return NULL;
	}
	f->fl.cookie_mask = 0;
	f->fl.has_priority = true;
	f->modified_ms = now_ms; /* a new version is a modification: hard timer restarts */
	if (same) {
		f->ctrs = same->ctrs;
		f->ctrs->refs++;
		f->created_ms = same->created_ms;
	} else if (!(f->ctrs = ctrs_new(pool))) {
		flow_free(f);
		return NULL;
	} else {
		f->created_ms = now_ms;
		f->ctrs->used_ms = now_ms;
	}
	return f;
}

void wf_ofp_flow_stats(const struct wf_ofp_flow *f, uint64_t *packets, uint64_t *bytes)
{
	*packets = *bytes = 0;
	for (unsigned i = 0; i < WF_MAX_THREADS; i++) {
		*packets += WF_OFP_CTR(f->ctrs->c, i).packets;
		*bytes += WF_OFP_CTR(f->ctrs->c, i).bytes;
	}
}

void wf_ofp_table_stats(const struct wf_ofp_bridge *ob, unsigned table, uint64_t *lookups,
                        uint64_t *matched, uint64_t *cache_hits)
{
	uint64_t h = 0;
	*lookups = *matched = 0;
	for (unsigned i = 0; i < WF_MAX_THREADS; i++) {
		*lookups += ob->tctr[i].t[table].lookups;
		*matched += ob->tctr[i].t[table].matched;
		h += ob->tctr[i].cache_hits;
	}
	if (cache_hits)
		*cache_hits = table == 0 ? h : 0;
}

static bool same_rule(const struct fl_flow *a, const struct fl_flow *b)
{
	return a->table == b->table && a->priority == b->priority &&
	       fl_match_equal(&a->match, &b->match);
}

bool wf_ofp_selects(const struct fl_flow *f, const struct fl_flow *m, bool strict)
{
	return fl_flow_selects(f, m, strict);
}

/* ---- pipelines ------------------------------------------------------------------------------ */

static void pipe_free(struct wf_ofp_pipe *p)
{
	if (!p)
		return;
	for (unsigned t = 0; t < WF_OFP_N_TABLES; t++)
		fl_cls_destroy(p->tables[t]);
	free(p->rules);
	free(p);
}

static struct wf_ofp_pipe *pipe_build(struct wf_ofp_flow *const *flows, size_t n,
                                      struct wf_ofp_tctr *tctr)
{
	struct wf_ofp_pipe *p = calloc(1, sizeof(*p));
	if (!p || (n && !(p->rules = calloc(n, sizeof(*p->rules)))))
		goto nomem;
	p->n_rules = n;
	p->tctr = tctr;
	p->gen = ++pipe_gen;
	for (size_t i = 0; i < n; i++) {
		const struct fl_flow *fl = &flows[i]->fl;
		struct wf_ofp_rule *r = &p->rules[i];
		struct fl_cls_rule *replaced;
		r->rule.match = fl->match;
		r->rule.priority = fl->priority;
		r->actions = fl->actions;
		r->n_actions = fl->n_actions;
		r->ctr = flows[i]->ctrs->c;
		if (!p->tables[fl->table] && !(p->tables[fl->table] = fl_cls_create()))
			goto nomem;
		if (fl_cls_insert(p->tables[fl->table], &r->rule, &replaced) < 0)
			goto nomem;
	}
	/* Published tables never change: build their lookup accelerator (the nw_dst prefix
	 * filter). Without it (-ENOMEM) lookups are slower, not wrong. */
	for (unsigned t = 0; t < RTE_DIM(p->tables); t++)
		if (p->tables[t])
			fl_cls_freeze(p->tables[t]);
	if (n == 1) {
		const struct fl_flow *fl = &flows[0]->fl;
		static const struct fl_key zero;
		p->normal_only = fl->table == 0 && !memcmp(&fl->match.mask, &zero, sizeof(zero)) &&
		                 fl->n_actions == 1 && fl->actions[0].type == FL_ACT_NORMAL;
		p->normal_ctr = p->normal_only ? p->rules[0].ctr : NULL;
	}
	return p;
nomem:
	pipe_free(p);
	return NULL;
}

int wf_ofp_bridge_init(struct wf_ofp_bridge *ob, uint64_t now_ms)
{
	struct fl_flow def;
	int ret = fl_flow_parse("priority=0,actions=NORMAL", 0, NULL, &def, NULL);
	memset(ob, 0, sizeof(*ob));
	if (ret < 0)
		return ret;
	struct wf_ofp_flow *f = NULL;
	if ((ob->ctr_pool = calloc(1, sizeof(*ob->ctr_pool))))
		f = flow_new(ob->ctr_pool, &def, NULL, now_ms);
	fl_flow_uninit(&def);
	if (!f || !(ob->flows = malloc(sizeof(*ob->flows)))) {
		flow_free(f);
		pool_free(ob->ctr_pool);
		ob->ctr_pool = NULL;
		return -ENOMEM;
	}
	ob->flows[0] = f;
	ob->n = 1;
	ob->tctr = aligned_alloc(RTE_CACHE_LINE_SIZE, WF_MAX_THREADS * sizeof(*ob->tctr));
	if (ob->tctr)
		memset(ob->tctr, 0, WF_MAX_THREADS * sizeof(*ob->tctr));
	if (!ob->tctr || !(ob->pipe = pipe_build(ob->flows, 1, ob->tctr))) {
		wf_ofp_bridge_fini(ob);
		return -ENOMEM;
	}
	return 0;
}

void wf_ofp_bridge_fini(struct wf_ofp_bridge *ob)
{
	pipe_free(ob->pipe);
	for (size_t i = 0; i < ob->n; i++)
		flow_free(ob->flows[i]);
	free(ob->flows);
	free(ob->tctr);
	pool_free(ob->ctr_pool);
	memset(ob, 0, sizeof(*ob));
}

/* Makes 'flows[0..n)' (a new malloc'd array) the bridge's list: builds its pipeline,
 * publishes, then frees the old pipeline and the old flows not in the new list. On failure
 * the bridge is unchanged and the flows of 'flows' that are not in the current list are
 * freed, with the array. */
typedef void gone_fn(struct wf_ctx *, const struct wf_bridge *, const struct wf_ofp_flow *);

static int commit_gone(struct wf_ctx *ctx, struct wf_bridge *br, struct wf_ofp_flow **flows,
                       size_t n, gone_fn *gone, char *err, size_t errlen)
{
	struct wf_ofp_bridge *ob = &br->conf->ofp;
	struct wf_ofp_bridge old = *ob;
	uint64_t mark = ++mark_epoch;
	int ret = -ENOMEM;

	for (size_t i = 0; i < old.n; i++)
		old.flows[i]->mark_ = mark;
	struct wf_ofp_pipe *pipe = pipe_build(flows, n, ob->tctr);
	if (pipe) {
		ob->flows = flows;
		ob->n = n;
		ob->pipe = pipe;
		if ((ret = wf_config_publish(ctx)) < 0)
			*ob = old;
	}
	if (ret < 0) {
		pipe_free(pipe);
		for (size_t i = 0; i < n; i++)
			if (flows[i]->mark_ != mark)
				flow_free(flows[i]);
		free(flows);
		snprintf(err, errlen, "out of memory for the flow tables of %s", br->name);
		return ret;
	}
	/* Grace period over: no PMD sees the old pipeline or the flows that left. */
	pipe_free(old.pipe);
	mark = ++mark_epoch;
	for (size_t i = 0; i < n; i++)
		flows[i]->mark_ = mark;
	for (size_t i = 0; i < old.n; i++) {
		if (old.flows[i]->mark_ == mark)
			continue;
		if (gone) /* final counters: no PMD can count any more */
			gone(ctx, br, old.flows[i]);
		flow_free(old.flows[i]);
	}
	free(old.flows);
	return 0;
}

static int commit(struct wf_ctx *ctx, struct wf_bridge *br, struct wf_ofp_flow **flows, size_t n,
                  char *err, size_t errlen)
{
	return commit_gone(ctx, br, flows, n, NULL, err, errlen);
}

/* A copy of the bridge's list with room for 'extra' more. */
static struct wf_ofp_flow **list_dup(const struct wf_ofp_bridge *ob, size_t extra)
{
	struct wf_ofp_flow **l = malloc((ob->n + extra + 1) * sizeof(*l));
	if (l && ob->n)
		memcpy(l, ob->flows, ob->n * sizeof(*l));
	return l;
}

static int nomem(char *err, size_t errlen)
{
	snprintf(err, errlen, "out of memory");
	return -ENOMEM;
}

static int check_flow(const struct fl_flow *f, char *err, size_t errlen)
{
	if (f->table > FL_TABLE_MAX) {
		snprintf(err, errlen, "table %u: flows go in tables 0..%u", f->table, FL_TABLE_MAX);
		return -EINVAL;
	}
	return 0;
}

int wf_ofp_add(struct wf_ctx *ctx, struct wf_bridge *br, const struct fl_flow *flows, size_t n,
               char *err, size_t errlen)
{
	struct wf_ofp_bridge *ob = &br->conf->ofp;
	uint64_t now = wf_ofp_now_ms(ctx), mark = ++mark_epoch;
	int ret = 0;
	for (size_t i = 0; i < n && ret == 0; i++)
		ret = check_flow(&flows[i], err, errlen);
	if (ret < 0)
		return ret;
	struct wf_ofp_flow **l = list_dup(ob, n);
	size_t k = ob->n;
	if (!l)
		return nomem(err, errlen);
	for (size_t i = 0; i < ob->n; i++)
		ob->flows[i]->mark_ = mark;
	for (size_t i = 0; i < n; i++) {
		struct wf_ofp_flow *nf = flow_new(ob->ctr_pool, &flows[i], NULL, now);
		if (!nf) {
			for (size_t j = 0; j < k; j++)
				if (l[j]->mark_ != mark)
					flow_free(l[j]);
			free(l);
			return nomem(err, errlen);
		}
		size_t j;
		for (j = 0; j < k && !same_rule(&l[j]->fl, &flows[i]); j++)
			;
		if (j < k && l[j]->mark_ != mark)
			flow_free(l[j]); /* added earlier in this same request */
		l[j] = nf;               /* replaces in place, or appends */
		if (j == k)
			k++;
	}
	return commit(ctx, br, l, k, err, errlen);
}

int wf_ofp_del(struct wf_ctx *ctx, struct wf_bridge *br, const struct fl_flow *m, bool strict,
               unsigned *n_del, char *err, size_t errlen)
{
	struct wf_ofp_bridge *ob = &br->conf->ofp;
	struct wf_ofp_flow **l = list_dup(ob, 0);
	size_t n = 0;
	if (!l)
		return nomem(err, errlen);
	for (size_t i = 0; i < ob->n; i++)
		if (m && !wf_ofp_selects(&ob->flows[i]->fl, m, strict))
			l[n++] = ob->flows[i];
	if (n_del)
		*n_del = ob->n - n;
	if (n == ob->n) {
		free(l);
		return 0;
	}
	return commit(ctx, br, l, n, err, errlen);
}

int wf_ofp_mod(struct wf_ctx *ctx, struct wf_bridge *br, const struct fl_flow *m,
               const struct fl_action *acts, size_t n_acts, bool strict, unsigned *n_mod, char *err,
               size_t errlen)
{
	struct wf_ofp_bridge *ob = &br->conf->ofp;
	unsigned k = 0;
	struct wf_ofp_flow **l = list_dup(ob, 0);
	if (!l)
		return nomem(err, errlen);
	uint64_t mark = ++mark_epoch;
	for (size_t i = 0; i < ob->n; i++)
		ob->flows[i]->mark_ = mark;
	for (size_t i = 0; i < ob->n; i++) {
		const struct wf_ofp_flow *o = ob->flows[i];
		if (!wf_ofp_selects(&o->fl, m, strict))
			continue;
		struct fl_flow v = o->fl;
		v.actions = (struct fl_action *)acts;
		v.n_actions = n_acts;
		struct wf_ofp_flow *nf = flow_new(ob->ctr_pool, &v, o, wf_ofp_now_ms(ctx));
		if (!nf) {
			for (size_t j = 0; j < i; j++)
				if (l[j]->mark_ != mark)
					flow_free(l[j]);
			free(l);
			return nomem(err, errlen);
		}
		nf->fl.cookie = o->fl.cookie;
		l[i] = nf;
		k++;
	}
	if (n_mod)
		*n_mod = k;
	if (!k) {
		free(l);
		return 0;
	}
	return commit(ctx, br, l, ob->n, err, errlen);
}

/* A flow and its position, ordered by rule (fl_flow_rule_cmp) then position: duplicate and
 * old-flow lookups of wf_ofp_replace in O((n + m) log(n + m)) (weft-controld replaces the
 * whole list on every change). */
struct rule_ref {
	const struct fl_flow *f;
	size_t i;
};

static int rule_ref_cmp(const void *a, const void *b)
{
	const struct rule_ref *x = a, *y = b;
	int c = fl_flow_rule_cmp(x->f, y->f);
	if (c)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* The old flow with the rule of 'f' (olds sorted, n_old of them), or NULL. */
static const struct wf_ofp_flow *old_flow(const struct wf_ofp_bridge *ob,
                                          const struct rule_ref *olds, size_t n_old,
                                          const struct fl_flow *f)
{
	size_t lo = 0, hi = n_old;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (fl_flow_rule_cmp(olds[mid].f, f) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n_old && same_rule(olds[lo].f, f) ? ob->flows[olds[lo].i] : NULL;
}

int wf_ofp_replace(struct wf_ctx *ctx, struct wf_bridge *br, const struct fl_flow *flows, size_t n,
                   char *err, size_t errlen)
{
	struct wf_ofp_bridge *ob = &br->conf->ofp;
	struct wf_ofp_flow **l = malloc((n + 1) * sizeof(*l));
	struct rule_ref *news = malloc((n + 1) * sizeof(*news));
	struct rule_ref *olds = malloc((ob->n + 1) * sizeof(*olds));
	bool *dup = calloc(n + 1, sizeof(*dup));
	uint64_t now = wf_ofp_now_ms(ctx), mark = ++mark_epoch;
	size_t k = 0;
	int ret = 0;

	if (!l || !news || !olds || !dup) {
		free(l);
		free(news);
		free(olds);
		free(dup);
		return nomem(err, errlen);
	}
	for (size_t i = 0; i < n; i++)
		news[i] = (struct rule_ref){&flows[i], i};
	for (size_t i = 0; i < ob->n; i++)
		olds[i] = (struct rule_ref){&ob->flows[i]->fl, i};
	qsort(news, n, sizeof(*news), rule_ref_cmp);
	qsort(olds, ob->n, sizeof(*olds), rule_ref_cmp);
	for (size_t r = 0; r + 1 < n; r++)
		dup[news[r].i] = same_rule(news[r].f, news[r + 1].f); /* the last one wins */
	free(news);
	for (size_t i = 0; i < ob->n; i++)
		ob->flows[i]->mark_ = mark;
	for (size_t i = 0; i < n && ret == 0; i++) {
		if ((ret = check_flow(&flows[i], err, errlen)) < 0)
			break;
		if (dup[i])
			continue;
		const struct wf_ofp_flow *o = old_flow(ob, olds, ob->n, &flows[i]);
		struct fl_flow want = flows[i];
		want.cookie_mask = 0;
		want.has_priority = true;
		if (o && fl_flow_equal(&o->fl, &want)) {
			l[k++] = (struct wf_ofp_flow *)o;
			continue;
		}
		struct wf_ofp_flow *nf = flow_new(ob->ctr_pool, &flows[i], o, now);
		if (!nf)
			ret = nomem(err, errlen);
		else
			l[k++] = nf;
	}
	free(olds);
	free(dup);
	if (ret < 0) {
		for (size_t i = 0; i < k; i++)
			if (l[i]->mark_ != mark)
				flow_free(l[i]);
		free(l);
		return ret;
	}
	return commit(ctx, br, l, k, err, errlen);
}

/* ---- timeouts ------------------------------------------------------------------------------ */

static struct fl_expiry_state exp_state(const struct wf_ofp_flow *f)
{
	return (struct fl_expiry_state){f->modified_ms, f->ctrs->used_ms, f->ctrs->seen_packets};
}

void wf_ofp_flow_ages(const struct wf_ofp_flow *f, uint64_t now_ms, uint64_t *idle_age,
                      uint64_t *hard_age)
{
	uint64_t packets, bytes;
	struct fl_expiry_state st = exp_state(f);
	wf_ofp_flow_stats(f, &packets, &bytes);
	uint64_t used = fl_expiry_used(&st, packets, now_ms);
	*idle_age = now_ms > used ? (now_ms - used) / 1000 : 0;
	*hard_age = now_ms > f->modified_ms ? (now_ms - f->modified_ms) / 1000 : 0;
}

static void removed_entry_free(struct wf_ofp_removed_entry *e)
{
	free(e->match);
	free(e->actions);
	memset(e, 0, sizeof(*e));
}

/* Records flow 'f' of 'br', expired (f->expired_), with its final counters. */
static void record_removed(struct wf_ctx *ctx, const struct wf_bridge *br,
                           const struct wf_ofp_flow *f)
{
	struct wf_ofp_removed *log = ctx->flow_removed;
	struct wf_ofp_names names;
	struct fl_port_map pm;
	if (!log)
		return;
	if (log->n == WF_OFP_REMOVED_MAX) { /* full: the oldest goes */
		removed_entry_free(&log->e[log->head]);
		log->head = (log->head + 1) % WF_OFP_REMOVED_MAX;
		log->n--;
		log->lost++;
	}
	struct wf_ofp_removed_entry *e = &log->e[(log->head + log->n) % WF_OFP_REMOVED_MAX];
	wf_ofp_port_map(ctx, br, &names, &pm);
	e->seq = ++log->last_seq;
	snprintf(e->bridge, sizeof(e->bridge), "%s", br->name);
	e->table = f->fl.table;
	e->priority = f->fl.priority;
	e->cookie = f->fl.cookie;
	e->match = fl_match_to_string(&f->fl.match, FL_PRIORITY_DEFAULT, &pm);
	e->actions = fl_actions_to_string(f->fl.actions, f->fl.n_actions, &pm);
	e->idle_timeout = f->fl.idle_timeout;
	e->hard_timeout = f->fl.hard_timeout;
	e->reason = f->expired_;
	e->duration_ms = wf_ofp_now_ms(ctx) - f->created_ms;
	wf_ofp_flow_stats(f, &e->packets, &e->bytes);
	log->n++;
}

/* One bridge: the expiry check of its flows (the idle sample of each); the expired ones
 * leave. */
static int expire_bridge(struct wf_ctx *ctx, struct wf_bridge *br, uint64_t now_ms, uint64_t hit_ms)
{
	struct wf_ofp_bridge *ob = &br->conf->ofp;
	size_t n_exp = 0;
	char err[128];
	for (size_t i = 0; i < ob->n; i++) {
		struct wf_ofp_flow *f = ob->flows[i];
		uint64_t packets, bytes;
		/* Every flow is sampled (idle_age of dump-flows); only flows with a timeout
		 * can expire (fl_expiry_check: 0 = none). */
		struct fl_expiry_state st = exp_state(f);
		wf_ofp_flow_stats(f, &packets, &bytes);
		f->expired_ = (uint8_t)fl_expiry_check(&st, f->fl.idle_timeout, f->fl.hard_timeout,
		                                       packets, now_ms, hit_ms);
		f->ctrs->used_ms = st.used_ms;
		f->ctrs->seen_packets = st.packets;
		n_exp += f->expired_ != FL_EXPIRY_NONE;
	}
	if (!n_exp)
		return 0;
	struct wf_ofp_flow **l = list_dup(ob, 0);
	size_t k = 0;
	if (!l ||
	    (!ctx->flow_removed && !(ctx->flow_removed = calloc(1, sizeof(*ctx->flow_removed))))) {
		free(l);
		return -ENOMEM;
	}
	for (size_t i = 0; i < ob->n; i++)
		if (ob->flows[i]->expired_ == FL_EXPIRY_NONE)
			l[k++] = ob->flows[i];
	int ret = commit_gone(ctx, br, l, k, record_removed, err, sizeof(err));
	return ret < 0 ? ret : (int)n_exp;
}

int wf_ofp_expire(struct wf_ctx *ctx, uint64_t now_ms, uint64_t hit_ms)
{
	int total = 0, ret = 0;
	for (unsigned b = 0; b < WF_MAX_BRIDGES; b++) {
		struct wf_bridge *br = ctx->bridges[b];
		if (!br || br->conf->vtep.enabled)
			continue;
		int r = expire_bridge(ctx, br, now_ms, hit_ms);
		if (r < 0)
			ret = r;
		else
			total += r;
	}
	return ret < 0 && !total ? ret : total;
}

void wf_ofp_removed_ack(struct wf_ctx *ctx, uint64_t ack)
{
	struct wf_ofp_removed *log = ctx->flow_removed;
	while (log && log->n && log->e[log->head].seq <= ack) {
		removed_entry_free(&log->e[log->head]);
		log->head = (log->head + 1) % WF_OFP_REMOVED_MAX;
		log->n--;
	}
}

void wf_ofp_removed_free(struct wf_ctx *ctx)
{
	struct wf_ofp_removed *log = ctx->flow_removed;
	for (size_t i = 0; log && i < log->n; i++)
		removed_entry_free(&log->e[(log->head + i) % WF_OFP_REMOVED_MAX]);
	free(log);
	ctx->flow_removed = NULL;
}

/* ---- port names ---------------------------------------------------------------------------- */

static int by_name(void *arg, const char *name, uint32_t *ofport)
{
	const struct wf_ofp_names *nm = arg;
	const struct wf_port *p = wf_port_find(nm->ctx, name);
	if (!p || p->bridge != nm->bridge)
		return -1;
	*ofport = p->ofport;
	return 0;
}

static const char *name_of(void *arg, uint32_t ofport)
{
	const struct wf_ofp_names *nm = arg;
	for (unsigned i = 0; i < WF_MAX_PORTS; i++) {
		const struct wf_port *p = nm->ctx->ports[i];
		if (p && p->bridge == nm->bridge && p->ofport == ofport)
			return p->name;
	}
	return NULL;
}

void wf_ofp_port_map(const struct wf_ctx *ctx, const struct wf_bridge *br,
                     struct wf_ofp_names *names, struct fl_port_map *pm)
{
	names->ctx = ctx;
	names->bridge = br->index;
	pm->port_by_name = by_name;
	pm->port_name = name_of;
	pm->arg = names;
}
