/* Control methods that only read: show, fdb-show, fdb-stats, stats, dp-show. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_ether.h>
#include <rte_mempool.h>

#include "core/config.h"
#include "ctl/ctl.h"
#include "ofp/ofp.h"
#include "ofp/ofp_cfg.h"
#include "vxlan.h"
#include "l2/fdb_cfg.h"

static json_t *port_json(const struct wf_ctx *ctx, const struct wf_port *p)
{
	const struct wf_port_conf *pc = p->conf;
	json_t *trunks = json_array();
	for (unsigned i = 0; i < pc->n_trunks; i++)
		json_array_append_new(trunks, json_integer(pc->trunks[i]));
	json_t *j = json_pack("{s:s,s:s,s:O,s:o,s:s,s:s,s:i}", "name", p->name, "type",
	                      p->cls->type, "options", pc->options, "trunks", trunks, "vlan_mode",
	                      wf_vlan_mode_name(p->vlan->mode), "link", p->link ? "up" : "down",
	                      "port_index", p->index);
	json_object_set_new(j, "tag", pc->tag >= 0 ? json_integer(pc->tag) : json_null());
	json_object_set_new(j, "ofport", json_integer(p->ofport));
	(void)ctx;
	return j;
}

static int show(struct wf_ctx *ctx, const json_t *p, json_t **res, char *err, size_t el)
{
	(void)p, (void)err, (void)el;
	json_t *brs = json_array();
	for (unsigned b = 0; b < WF_MAX_BRIDGES; b++) {
		const struct wf_bridge *br = ctx->bridges[b];
		if (!br)
			continue;
		json_t *ports = json_array();
		for (unsigned i = 0; i < WF_MAX_PORTS; i++)
			if (ctx->ports[i] && ctx->ports[i]->bridge == b)
				json_array_append_new(ports, port_json(ctx, ctx->ports[i]));
		json_array_append_new(brs,
		                      json_pack("{s:s,s:O,s:o}", "name", br->name, "other_config",
		                                br->conf->other_config, "ports", ports));
	}
	*res = json_pack("{s:o}", "bridges", brs);
	return 0;
}

static int fdb_collect(const struct wf_fdb_entry *e, void *arg)
{
	json_t *rows = arg;
	json_t *r = json_array();
	char mac[RTE_ETHER_ADDR_FMT_SIZE];
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", e->mac[0], e->mac[1], e->mac[2],
	         e->mac[3], e->mac[4], e->mac[5]);
	json_array_append_new(r, json_integer(e->port));
	json_array_append_new(r, json_integer(e->vlan));
	json_array_append_new(r, json_string(mac));
	json_array_append_new(r, json_integer(e->age_s));
	json_array_append_new(r, json_boolean(e->is_static));
	json_array_append_new(rows, r);
	return 0;
}

static int row_cmp(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	for (int i = 0; i < 2; i++) {
		json_int_t d = json_integer_value(json_array_get(x, i)) -
		               json_integer_value(json_array_get(y, i));
		if (d)
			return d < 0 ? -1 : 1;
	}
	return strcmp(json_string_value(json_array_get(x, 2)),
	              json_string_value(json_array_get(y, 2)));
}

/* The bridge named by the request's required 'bridge': 0, or -errno with 'err' set. */
static int bridge_param(struct wf_ctx *ctx, const json_t *p, const struct wf_bridge **br, char *err,
                        size_t el)
{
	const char *bname;
	int ret;
	if ((ret = wf_ctl_get_str(p, WF_RPC_KEY_BRIDGE, true, &bname, err, el)) < 0)
		return ret;
	if (!(*br = wf_bridge_find(ctx, bname))) {
		snprintf(err, el, "no bridge named '%s'", bname);
		return -ENOENT;
	}
	return 0;
}

static int fdb_show(struct wf_ctx *ctx, const json_t *p, json_t **res, char *err, size_t el)
{
	const struct wf_bridge *br;
	int ret;
	if ((ret = bridge_param(ctx, p, &br, err, el)) < 0)
		return ret;
	json_t *rows = json_array();
	wf_fdb_walk(br->fdb, wf_ctx_now(ctx), fdb_collect, rows);
	size_t n = json_array_size(rows);
	json_t **v = malloc((n ? n : 1) * sizeof(*v));
	if (!v) {
		json_decref(rows);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = json_array_get(rows, i);
	qsort(v, n, sizeof(*v), row_cmp);
	json_t *entries = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *r = v[i];
		int idx = json_integer_value(json_array_get(r, 0));
		const struct wf_port *port = idx < WF_MAX_PORTS ? ctx->ports[idx] : NULL;
		json_array_append_new(
		    entries,
		    json_pack("{s:s,s:O,s:O,s:O,s:O}", "port", port ? port->name : "?", "vlan",
		              json_array_get(r, 1), "mac", json_array_get(r, 2), "age",
		              json_array_get(r, 3), "static", json_array_get(r, 4)));
	}
	free(v);
	json_decref(rows);
	*res = json_pack("{s:o}", "entries", entries);
	return 0;
}

/* The figures of ovs-appctl fdb/stats-show (evicted: always 0, weft refuses instead), and the
 * longest displacement of an entry from its home slot (wf_fdb_scan(): one pass over the
 * table; keyed home slots keep it short whatever MACs the guests send). */
static int fdb_stats(struct wf_ctx *ctx, const json_t *p, json_t **res, char *err, size_t el)
{
	struct wf_fdb_params fp;
	struct wf_fdb_stats fs;
	const struct wf_bridge *br;
	struct wf_fdb_scan_result sc;
	int ret;

	if ((ret = bridge_param(ctx, p, &br, err, el)) < 0)
		return ret;
	wf_fdb_get_params(br->fdb, &fp);
	wf_fdb_get_stats(br->fdb, &fs);
	wf_fdb_scan(br->fdb, &sc);
	*res =
	    json_pack("{s:i,s:i,s:i,s:I,s:I,s:i,s:I,s:I,s:i,s:i}", "entries", wf_fdb_count(br->fdb),
	              "max_entries", (int)fp.max_entries, "static", (int)sc.n_static, "learned",
	              (json_int_t)fs.n_learned, "aged", (json_int_t)fs.n_aged, "evicted", 0,
	              "moved", (json_int_t)fs.n_moved, "full", (json_int_t)fs.n_full, "aging_s",
	              (int)fp.aging_s, "displacement_max", (int)sc.displacement_max);
	return *res ? 0 : -ENOMEM;
}

static void xstat_set(void *arg, const char *name, uint64_t value)
{
	json_object_set_new(arg, name, json_integer((json_int_t)value));
}

static json_t *port_stats(const struct wf_port *p)
{
	struct wf_port_ctr sum = {0};
	uint64_t rx_dropped = 0, tx_dropped = 0;
	for (unsigned t = 0; t < WF_MAX_THREADS; t++) {
		const struct wf_port_ctr *c = &p->ctr[t];
		sum.rx_packets += c->rx_packets;
		sum.rx_bytes += c->rx_bytes;
		sum.tx_packets += c->tx_packets;
		sum.tx_bytes += c->tx_bytes;
		sum.tx_retries += c->tx_retries;
		sum.rx_csum_completed += c->rx_csum_completed;
		for (unsigned d = 0; d < WF_DROP_MAX; d++)
			sum.drops[d] += c->drops[d];
	}
	json_t *j = json_pack("{s:I,s:I,s:I,s:I}", "rx_packets", (json_int_t)sum.rx_packets,
	                      "rx_bytes", (json_int_t)sum.rx_bytes, "tx_packets",
	                      (json_int_t)sum.tx_packets, "tx_bytes", (json_int_t)sum.tx_bytes);
	for (unsigned d = 0; d < WF_DROP_MAX; d++) {
		char name[64];
		if (!wf_drop_name(d))
			continue; /* not a reason: WF_DROP_NONE, WF_DROP_VX_OK */
		snprintf(name, sizeof(name), "drop_%s", wf_drop_name(d));
		json_object_set_new(j, name, json_integer(sum.drops[d]));
		if (wf_drop_is_ingress(d))
			rx_dropped += sum.drops[d];
		else
			tx_dropped += sum.drops[d];
	}
	json_object_set_new(j, "tx_retries", json_integer(sum.tx_retries));
	json_object_set_new(j, "rx_csum_completed", json_integer(sum.rx_csum_completed));
	uint64_t missed = p->cls->rx_missed ? p->cls->rx_missed((struct wf_port *)p) : 0;
	json_object_set_new(j, "rx_missed", json_integer(missed));
	rx_dropped += missed;
	uint64_t resets = p->cls->resets ? p->cls->resets((struct wf_port *)p) : 0;
	json_object_set_new(j, "resets", json_integer(resets));
	if (p->cls->xstats)
		p->cls->xstats((struct wf_port *)p, xstat_set, j);
	json_object_set_new(j, "rx_dropped", json_integer(rx_dropped));
	json_object_set_new(j, "tx_dropped", json_integer(tx_dropped));
	return j;
}

/* Counters of the bridge's flow tables: per table in use (holding flows, or looked up since
 * the bridge was created) "tables": [{table, flows, masks, lookups, matched[, cache_hits]}]
 * (cache_hits: table 0 only), and the bridge-wide summary (table 0 lookups and cache hits,
 * what the current pipeline holds: flows, tables in use, classifier subtables = masks). */
static void flow_stats(const struct wf_ctx *ctx, const struct wf_bridge *br, json_t *j)
{
	const struct wf_snap *s = atomic_load_explicit(&ctx->snap, memory_order_acquire);
	const struct wf_ofp_pipe *pipe = s ? s->bridges[br->index].ofp : NULL;
	const struct wf_ofp_bridge *ob = &br->conf->ofp;
	uint64_t lookups, matched, hits, masks = 0, tables = 0;
	json_t *tbls = json_array();
	for (unsigned i = 0; i < WF_OFP_N_TABLES; i++) {
		const struct fl_cls *cls = pipe ? pipe->tables[i] : NULL;
		size_t n_masks = cls ? fl_cls_subtables(cls) : 0;
		wf_ofp_table_stats(ob, i, &lookups, &matched, &hits);
		if (cls) {
			tables++;
			masks += n_masks;
		} else if (!lookups) {
			continue;
		}
		json_t *t = json_pack("{s:i,s:I,s:I,s:I,s:I}", "table", (int)i, "flows",
		                      (json_int_t)(cls ? fl_cls_count(cls) : 0), "masks",
		                      (json_int_t)n_masks, "lookups", (json_int_t)lookups,
		                      "matched", (json_int_t)matched);
		if (i == 0)
			json_object_set_new(t, "cache_hits", json_integer(hits));
		json_array_append_new(tbls, t);
	}
	wf_ofp_table_stats(ob, 0, &lookups, &matched, &hits);
	json_object_set_new(j, "flow_lookups", json_integer(lookups));
	json_object_set_new(j, "flow_cache_hits", json_integer(hits));
	json_object_set_new(j, "flow_count", json_integer(pipe ? pipe->n_rules : 0));
	json_object_set_new(j, "flow_tables", json_integer(tables));
	json_object_set_new(j, "flow_masks", json_integer(masks));
	json_object_set_new(j, "tables", tbls);
}

static json_t *bridge_stats(const struct wf_ctx *ctx, const struct wf_bridge *br)
{
	struct wf_fdb_stats fs;
	uint64_t flooded = 0, forwarded = 0;
	for (unsigned t = 0; t < WF_MAX_THREADS; t++) {
		flooded += br->ctr[t].flooded;
		forwarded += br->ctr[t].forwarded;
	}
	wf_fdb_get_stats(br->fdb, &fs);
	json_t *j =
	    json_pack("{s:i,s:I,s:I,s:I,s:I,s:I,s:I}", "fdb_entries", wf_fdb_count(br->fdb),
	              "fdb_learned", (json_int_t)fs.n_learned, "fdb_moved", (json_int_t)fs.n_moved,
	              "fdb_aged", (json_int_t)fs.n_aged, "fdb_full", (json_int_t)fs.n_full,
	              "flooded", (json_int_t)flooded, "forwarded", (json_int_t)forwarded);
	if (!br->conf->vtep.enabled)
		flow_stats(ctx, br, j);
	if (br->conf->vtep.enabled) {
		static const char *const names[] = {
#define WF_VTEP_CTR_NAME(n) #n,
		    WF_VTEP_COUNTERS(WF_VTEP_CTR_NAME)
#undef WF_VTEP_CTR_NAME
		};
		for (unsigned c = 0; c < WF_VTEP_CTR_MAX; c++) {
			uint64_t sum = 0;
			for (unsigned t = 0; t < WF_MAX_THREADS; t++)
				sum += br->ctr[t].vtep[c];
			json_object_set_new(j, names[c], json_integer(sum));
		}
	}
	return j;
}

/* Per PMD: lcore, rx queues, loop counters and what they give per packet / burst. */
static json_t *pmds_json(const struct wf_ctx *ctx, const struct wf_snap *s)
{
	json_t *pmds = json_array();
	for (unsigned i = 0; i < ctx->n_pmds; i++) {
		const struct wf_thread *t = &ctx->threads[i + 1];
		json_t *rxqs = json_array();
		for (unsigned q = 0; s && q < s->n_rxqs[i]; q++) {
			char buf[WF_NAME_MAX + 16];
			snprintf(buf, sizeof(buf), "%s/%u", s->ports[s->rxqs[i][q].port].port->name,
			         s->rxqs[i][q].queue);
			json_array_append_new(rxqs, json_string(buf));
		}
		json_array_append_new(
		    pmds, json_pack("{s:i,s:o,s:I,s:I,s:I,s:I,s:f,s:f}", "lcore", t->lcore, "rxqs",
		                    rxqs, "busy_cycles", (json_int_t)t->busy_cycles, "idle_cycles",
		                    (json_int_t)t->idle_cycles, "packets", (json_int_t)t->n_packets,
		                    "bursts", (json_int_t)t->n_bursts, "packets_per_burst",
		                    t->n_bursts ? (double)t->n_packets / t->n_bursts : 0.0,
		                    "cycles_per_packet",
		                    t->n_packets ? (double)t->busy_cycles / t->n_packets : 0.0));
	}
	return pmds;
}

static int stats(struct wf_ctx *ctx, const json_t *p, json_t **res, char *err, size_t el)
{
	const char *name;
	int ret;
	if ((ret = wf_ctl_get_str(p, WF_RPC_KEY_NAME, false, &name, err, el)) < 0)
		return ret;
	if (name && !wf_port_find(ctx, name) && !wf_bridge_find(ctx, name)) {
		snprintf(err, el, "no port or bridge named '%s'", name);
		return -ENOENT;
	}
	json_t *ports = json_object(), *brs = json_object();
	for (unsigned i = 0; i < WF_MAX_PORTS; i++) {
		const struct wf_port *pt = ctx->ports[i];
		if (pt && (!name || strcmp(name, pt->name) == 0))
			json_object_set_new(ports, pt->name, port_stats(pt));
	}
	for (unsigned b = 0; b < WF_MAX_BRIDGES; b++) {
		const struct wf_bridge *br = ctx->bridges[b];
		if (br && (!name || strcmp(name, br->name) == 0))
			json_object_set_new(brs, br->name, bridge_stats(ctx, br));
	}
	*res = json_pack("{s:o,s:o}", "ports", ports, "bridges", brs);
	if (!name)
		json_object_set_new(
		    *res, "pmds",
		    pmds_json(ctx, atomic_load_explicit(&ctx->snap, memory_order_acquire)));
	return 0;
}

static int dp_show(struct wf_ctx *ctx, const json_t *p, json_t **res, char *err, size_t el)
{
	unsigned n_ports = 0, n_bridges = 0;
	(void)p, (void)err, (void)el;
	const struct wf_snap *s = atomic_load(&ctx->snap);
	json_t *pmds = pmds_json(ctx, s);
	for (unsigned i = 0; i < WF_MAX_PORTS; i++)
		n_ports += ctx->ports[i] != NULL;
	for (unsigned b = 0; b < WF_MAX_BRIDGES; b++)
		n_bridges += ctx->bridges[b] != NULL;
	*res = json_pack("{s:i,s:s,s:s,s:o,s:i,s:i,s:i,s:I}", "pid", (int)getpid(), "rundir",
	                 ctx->rundir, "mode", ctx->replay ? "replay" : "live", "pmds", pmds,
	                 "n_ports", n_ports, "n_bridges", n_bridges, "pmd_sleep_max_us",
	                 (int)ctx->pmd_sleep_max_us, "tsc_hz", (json_int_t)ctx->tsc_hz);
	/* The mbuf pool: what is not in the ring or a per-lcore cache is in use (rx rings of
	 * ethdevs, frames in flight, leaks). The cache lengths are read without a lock: a figure
	 * may be one burst off while PMDs forward. */
	unsigned avail = rte_mempool_avail_count(ctx->pool);
	json_object_set_new(*res, "mbufs",
	                    json_pack("{s:i,s:i,s:i}", "size", (int)ctx->pool->size, "in_use",
	                              (int)(ctx->pool->size - avail), "avail", (int)avail));
	return 0;
}

/* clang-format off */
const struct wf_ctl_method wf_ctl_query_methods[] = {
    {WF_RPC_METHOD_SHOW, show},
    {WF_RPC_METHOD_FDB_SHOW, fdb_show},
    {WF_RPC_METHOD_FDB_STATS, fdb_stats},
    {WF_RPC_METHOD_STATS, stats},
    {WF_RPC_METHOD_DP_SHOW, dp_show},
    {NULL, NULL},
};
/* clang-format on */
