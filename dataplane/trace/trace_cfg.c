/* Packet tracing, control side (see trace_cfg.h): dry runs and the live trace session. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <pcap/pcap.h>
#include <rte_cycles.h>
#include <rte_mbuf.h>

#include "core/config.h"
#include "core/log.h"
#include "core/trace.h"
#include "ofp/ofp_cfg.h"
#include "trace/trace_cfg.h"
#include "util_num.h"

/* The live trace session (ctx->trace). */
struct wf_trace_session {
	struct wf_trace_live live; /* what PMDs see through the snapshot */
	bool active;
	const struct wf_port *port;
	uint16_t port_index;
	char port_name[WF_NAME_MAX];
	uint32_t reported; /* records returned by polls so far */
	uint64_t lease_tsc, lease_end;
	char ended[64]; /* why the session ended ("" while active) */
};

/* ---- dry runs ----------------------------------------------------------------------------- */

int wf_trace_frame(struct wf_ctx *ctx, uint16_t in, const uint8_t *frame, uint32_t len,
                   const char *title, json_t **out, char *err, size_t errlen)
{
	const struct wf_snap *s = atomic_load_explicit(&ctx->snap, memory_order_acquire);
	struct wf_thread *t = &ctx->threads[0];
	struct wf_trace *tr = malloc(sizeof(*tr));
	struct rte_mbuf *m = rte_pktmbuf_alloc(ctx->pool);
	char *d;

	if (!tr || !m) {
		free(tr);
		rte_pktmbuf_free(m);
		snprintf(err, errlen, "out of memory for the traced frame");
		return -ENOMEM;
	}
	if (len > rte_pktmbuf_tailroom(m) || !(d = rte_pktmbuf_append(m, len))) {
		snprintf(err, errlen, "a frame of %u bytes: more than one buffer holds (%u)", len,
		         rte_pktmbuf_tailroom(m));
		free(tr);
		rte_pktmbuf_free(m);
		return -EINVAL;
	}
	memcpy(d, frame, len);
	if (!ctx->replay)
		t->now = wf_ctx_now(ctx);
	wf_trace_begin(tr, true, in, frame, len, len);
	t->trace = tr;
	s->bridges[s->ports[in].bridge].input(t, s, in, &m, 1);
	t->trace = NULL;
	*out = wf_trace_json(ctx, tr, title);
	free(tr);
	if (!*out) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

static struct wf_bridge *find_bridge(struct wf_ctx *ctx, const char *name, char *err, size_t errlen)
{
	struct wf_bridge *br = wf_bridge_find(ctx, name);
	if (!br)
		snprintf(err, errlen, "no bridge named '%s'", name);
	return br;
}

/* The port index of OpenFlow port 'ofport' of 'br', or of its lowest-numbered port when
 * 'given' is false. -EINVAL with a reason when there is none. */
static int in_port_index(struct wf_ctx *ctx, const struct wf_bridge *br, bool given,
                         uint32_t ofport, uint16_t *idx, char *err, size_t errlen)
{
	const struct wf_snap *s = atomic_load_explicit(&ctx->snap, memory_order_acquire);
	const struct wf_snap_bridge *sb = &s->bridges[br->index];
	if (!sb->n_ports) {
		snprintf(err, errlen, "bridge %s has no port to receive the frame", br->name);
		return -EINVAL;
	}
	*idx = given ? wf_ofp_port_index(sb, ofport) : sb->ofports[0].index;
	if (*idx == WF_PORT_NONE) {
		snprintf(err, errlen, "in_port=%u: bridge %s has no port %u", ofport, br->name,
		         ofport);
		return -EINVAL;
	}
	return 0;
}

static json_t *traces_result(json_t *one)
{
	json_t *a = json_array();
	if (!a || json_array_append_new(a, one) < 0) {
		json_decref(a);
		return NULL;
	}
	return json_pack("{s:o}", "traces", a);
}

int wf_trace_flow(struct wf_ctx *ctx, const char *bridge, const char *flow, json_t **out, char *err,
                  size_t errlen)
{
	struct wf_bridge *br = find_bridge(ctx, bridge, err, errlen);
	struct wf_ofp_names names;
	struct fl_port_map pm;
	struct fl_flow f;
	uint8_t frame[FL_FRAME_MAX];
	char *msg = NULL, title[WF_NAME_MAX + 32];
	uint16_t in;
	int ret, len;

	if (!br)
		return -ENOENT;
	wf_ofp_port_map(ctx, br, &names, &pm);
	if ((ret = fl_flow_parse(flow, FL_PARSE_MATCH_ONLY, &pm, &f, &msg)) < 0) {
		snprintf(err, errlen, "%s", msg ? msg : strerror(-ret));
		free(msg);
		return ret;
	}
	if (f.table != FL_TABLE_NONE || f.has_priority || f.cookie_mask) {
		snprintf(err, errlen, "%s: describes a flow, not a packet",
		         f.table != FL_TABLE_NONE ? "table"
		         : f.has_priority         ? "priority"
		                                  : "cookie");
		fl_flow_uninit(&f);
		return -EINVAL;
	}
	len = fl_frame_build(&f.match, frame, sizeof(frame), &msg);
	bool given = f.match.mask.in_port != 0;
	uint32_t ofport = f.match.value.in_port;
	fl_flow_uninit(&f);
	if (len < 0) {
		snprintf(err, errlen, "%s", msg ? msg : strerror(-len));
		free(msg);
		return len;
	}
	if ((ret = in_port_index(ctx, br, given, ofport, &in, err, errlen)) < 0)
		return ret;
	json_t *one;
	snprintf(title, sizeof(title), "Trace on bridge %s", br->name);
	if ((ret = wf_trace_frame(ctx, in, frame, (uint32_t)len, title, &one, err, errlen)) < 0)
		return ret;
	if (!(*out = traces_result(one))) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

int wf_trace_pcap(struct wf_ctx *ctx, const char *bridge, const char *path, const char *in_port,
                  json_t **out, char *err, size_t errlen)
{
	struct wf_bridge *br = find_bridge(ctx, bridge, err, errlen);
	char perr[PCAP_ERRBUF_SIZE] = "", title[WF_NAME_MAX + 64];
	uint32_t ofport = 0;
	uint16_t in;
	int ret;

	if (!br)
		return -ENOENT;
	if (in_port) {
		const struct wf_port *p = wf_port_find(ctx, in_port);
		long long n;
		if (p && p->bridge == br->index)
			ofport = p->ofport;
		else if (util_parse_int(in_port, 1, FL_PORT_MAX, &n) == 0)
			ofport = (uint32_t)n;
		else {
			snprintf(err, errlen, "in_port %s: no port of bridge %s has that name",
			         in_port, br->name);
			return -EINVAL;
		}
	}
	if ((ret = in_port_index(ctx, br, in_port != NULL, ofport, &in, err, errlen)) < 0)
		return ret;
	if (path[0] != '/') {
		snprintf(err, errlen, "pcap path '%s' must be absolute (the dataplane opens it)",
		         path);
		return -EINVAL;
	}
	struct stat sb;
	if (stat(path, &sb) < 0) {
		snprintf(err, errlen, "cannot read pcap '%s': %s", path, strerror(errno));
		return -EINVAL;
	}
	if (!S_ISREG(sb.st_mode)) { /* never block the main lcore on a FIFO or a device */
		snprintf(err, errlen, "cannot read pcap '%s': not a regular file", path);
		return -EINVAL;
	}
	pcap_t *pc = pcap_open_offline(path, perr);
	if (!pc) {
		snprintf(err, errlen, "cannot read pcap '%s': %s", path, perr);
		return -EINVAL;
	}
	if (pcap_datalink(pc) != DLT_EN10MB) {
		snprintf(err, errlen, "pcap '%s': link type %d, not Ethernet", path,
		         pcap_datalink(pc));
		pcap_close(pc);
		return -EINVAL;
	}
	json_t *a = json_array();
	struct pcap_pkthdr *h;
	const u_char *data;
	unsigned n = 0;
	ret = 0;
	while (a && ret == 0 && (ret = pcap_next_ex(pc, &h, &data)) == 1) {
		json_t *one;
		ret = 0;
		if (++n > WF_TRACE_PCAP_MAX) {
			snprintf(err, errlen, "pcap '%s': more than %u frames", path,
			         WF_TRACE_PCAP_MAX);
			ret = -E2BIG;
			break;
		}
		if (h->caplen < h->len) {
			snprintf(err, errlen, "pcap '%s': frame %u truncated (%u of %u bytes)",
			         path, n, h->caplen, h->len);
			ret = -EINVAL;
			break;
		}
		snprintf(title, sizeof(title), "Frame %u: trace on bridge %s", n, br->name);
		if ((ret = wf_trace_frame(ctx, in, data, h->caplen, title, &one, err, errlen)) == 0)
			json_array_append_new(a, one);
	}
	if (ret == -2 && n == 0)
		ret = 0; /* an empty file: no trace */
	else if (ret == -1) {
		snprintf(err, errlen, "pcap '%s': %s", path, pcap_geterr(pc));
		ret = -EINVAL;
	} else if (ret == -2)
		ret = 0;
	pcap_close(pc);
	if (!a) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (ret < 0 || !(*out = json_pack("{s:o}", "traces", a))) {
		if (ret >= 0) {
			snprintf(err, errlen, "out of memory");
			ret = -ENOMEM;
		} else {
			json_decref(a);
		}
		return ret;
	}
	return 0;
}

/* ---- live traces -------------------------------------------------------------------------- */

static void session_end(struct wf_ctx *ctx, const char *why)
{
	struct wf_trace_session *ts = ctx->trace;
	ts->active = false;
	if (wf_config_publish(ctx) < 0) { /* out of memory: PMDs may still record; keep it */
		ts->active = true;
		return;
	}
	/* After the grace period no PMD is inside a record: claimed records are all done. */
	snprintf(ts->ended, sizeof(ts->ended), "%s", why);
	WF_LOG(NOTICE, "live trace of %s ended (%s): %u frames traced", ts->port_name, why,
	       RTE_MIN(atomic_load(&ts->live.next), ts->live.n_max));
}

int wf_trace_live_start(struct wf_ctx *ctx, const char *port, unsigned count, unsigned lease_ms,
                        char *err, size_t errlen)
{
	struct wf_trace_session *ts = ctx->trace;
	const struct wf_port *p = wf_port_find(ctx, port);

	if (ts && ts->active) {
		snprintf(err, errlen, "a live trace of %s is running (trace-live-stop ends it)",
		         ts->port_name);
		return -EBUSY;
	}
	if (!p) {
		snprintf(err, errlen, "no port named '%s'", port);
		return -ENOENT;
	}
	if (!p->n_rxq && !(ctx->replay && !p->cls->type[0])) {
		snprintf(err, errlen,
		         "%s receives no frames itself (a tunnel port: trace its underlay uplink)",
		         port);
		return -EINVAL;
	}
	if (count < 1 || count > WF_TRACE_LIVE_MAX || lease_ms < 100) {
		snprintf(err, errlen, "count must be 1..%u, lease 100 ms or more",
		         WF_TRACE_LIVE_MAX);
		return -EINVAL;
	}
	struct wf_trace_rec *recs = calloc(count, sizeof(*recs));
	if (!recs || (!ts && !(ts = ctx->trace = calloc(1, sizeof(*ts))))) {
		free(recs);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	free(ts->live.recs);
	memset(ts, 0, sizeof(*ts));
	ts->live.recs = recs;
	ts->live.n_max = count;
	ts->port = p;
	ts->port_index = p->index;
	snprintf(ts->port_name, sizeof(ts->port_name), "%s", p->name);
	ts->lease_tsc = (uint64_t)lease_ms * ctx->tsc_hz / 1000;
	ts->lease_end = rte_rdtsc() + ts->lease_tsc;
	ts->active = true;
	if (wf_config_publish(ctx) < 0) {
		ts->active = false;
		snprintf(err, errlen, "out of memory publishing the configuration");
		return -ENOMEM;
	}
	WF_LOG(NOTICE, "live trace of %s started: %u frames", ts->port_name, count);
	return 0;
}

int wf_trace_live_poll(struct wf_ctx *ctx, json_t **out, char *err, size_t errlen)
{
	struct wf_trace_session *ts = ctx->trace;
	char title[WF_NAME_MAX + 96];

	if (!ts || !ts->live.recs) {
		snprintf(err, errlen, "no live trace was started");
		return -ENOENT;
	}
	ts->lease_end = rte_rdtsc() + ts->lease_tsc;
	json_t *a = json_array();
	if (!a) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	while (ts->reported < ts->live.n_max) {
		struct wf_trace_rec *r = &ts->live.recs[ts->reported];
		if (!atomic_load_explicit(&r->done, memory_order_acquire))
			break;
		snprintf(title, sizeof(title), "Frame %u of %u received on %s (lcore %u)",
		         ts->reported + 1, ts->live.n_max, ts->port_name, r->lcore);
		json_t *one = wf_trace_json(ctx, &r->tr, title);
		if (!one) {
			json_decref(a);
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
		json_array_append_new(a, one);
		ts->reported++;
	}
	if (ts->active && ts->reported == ts->live.n_max)
		session_end(ctx, "count reached");
	*out = json_pack("{s:b,s:s,s:i,s:i,s:s,s:o}", "active", ts->active, "port", ts->port_name,
	                 "count", ts->live.n_max, "traced", ts->reported, "ended", ts->ended,
	                 "traces", a);
	if (!*out) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

int wf_trace_live_stop(struct wf_ctx *ctx, char *err, size_t errlen)
{
	if (!ctx->trace || !ctx->trace->active) {
		snprintf(err, errlen, "no live trace is running");
		return -ENOENT;
	}
	session_end(ctx, "stopped");
	return 0;
}

int wf_trace_tick(struct wf_ctx *ctx)
{
	struct wf_trace_session *ts = ctx->trace;
	if (!ts || !ts->active)
		return 100;
	if (ctx->ports[ts->port_index] != ts->port)
		session_end(ctx, "port removed");
	else if (rte_rdtsc() > ts->lease_end)
		session_end(ctx, "lease expired: no poll from the client");
	return 50;
}

void wf_trace_snap(const struct wf_ctx *ctx, struct wf_snap *s)
{
	const struct wf_trace_session *ts = ctx->trace;
	if (!ts || !ts->active || ctx->ports[ts->port_index] != ts->port)
		return;
	s->trace = (struct wf_trace_live *)&ts->live;
	s->ports[ts->port_index].trace = 1;
}

void wf_trace_fini(struct wf_ctx *ctx)
{
	if (!ctx->trace)
		return;
	if (ctx->trace->active)
		session_end(ctx, "dataplane stopping");
	free(ctx->trace->live.recs);
	free(ctx->trace);
	ctx->trace = NULL;
}
