/* Snapshot building and RCU publication (see config.h: wf_config_publish). */
#include <errno.h>
#include <stdlib.h>

#include "capture/capture_cfg.h"
#include "trace/trace_cfg.h"
#include "core/config.h"
#include "l2/switch.h"
#include "ofp/ofp.h"
#include "vtep/vtep_cfg.h"

static void snap_free(struct wf_snap *s)
{
	if (!s)
		return;
	wf_vtep_snap_free(s);
	for (unsigned i = 0; i < s->n_bridge_slots; i++) {
		free(s->bridges[i].ports);
		free(s->bridges[i].ofports);
	}
	for (unsigned i = 0; i < WF_MAX_PMDS; i++)
		free(s->rxqs[i]);
	free(s);
}

static int ofport_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct wf_ofp_portmap *)a)->ofport;
	uint32_t y = ((const struct wf_ofp_portmap *)b)->ofport;
	return x < y ? -1 : x > y;
}

/* The bridge's ports by OpenFlow number (ofp/ofp.h: wf_ofp_port_index). */
static void ofports_build(struct wf_snap *s, struct wf_snap_bridge *sb)
{
	for (uint16_t i = 0; i < sb->n_ports; i++)
		sb->ofports[i] =
		    (struct wf_ofp_portmap){s->ports[sb->ports[i]].ofport, sb->ports[i]};
	if (sb->n_ports)
		qsort(sb->ofports, sb->n_ports, sizeof(*sb->ofports), ofport_cmp);
}

static struct wf_snap *snap_build(const struct wf_ctx *ctx)
{
	struct wf_snap *s = calloc(1, sizeof(*s));
	unsigned n_br_ports[WF_MAX_BRIDGES] = {0}, n_rxq = 0, next_pmd = 0;

	if (!s)
		return NULL;
	/* Slots from n_*_slots up are unused (core/ctx.h): calloc left them empty. */
	s->n_port_slots = ctx->n_port_slots;
	s->n_bridge_slots = ctx->n_bridge_slots;
	for (unsigned i = 0; i < s->n_port_slots; i++) {
		const struct wf_port *p = ctx->ports[i];
		if (!p)
			continue;
		s->ports[i].port = (struct wf_port *)p;
		s->ports[i].vlan = p->vlan;
		s->ports[i].bridge = p->bridge;
		s->ports[i].ofport = p->ofport;
		n_br_ports[p->bridge]++;
		n_rxq += p->n_rxq;
	}
	for (unsigned b = 0; b < s->n_bridge_slots; b++) {
		struct wf_snap_bridge *sb = &s->bridges[b];
		if (!ctx->bridges[b])
			continue;
		sb->br = ctx->bridges[b];
		sb->fdb = ctx->bridges[b]->fdb;
		/* The bridge's input stage: the learning switch when its only flow is the default
		 * NORMAL one (that flow counted by wf_l2_input), else the flow tables; an
		 * underlay bridge's VTEP overrides both (wf_vtep_snap_build()). */
		const struct wf_ofp_pipe *pipe = ctx->bridges[b]->conf->ofp.pipe;
		sb->ofp = pipe;
		sb->normal_ctr = pipe->normal_only ? pipe->normal_ctr : NULL;
		sb->normal_tctr = pipe->normal_only ? pipe->tctr : NULL;
		sb->input = pipe->normal_only ? wf_l2_input : wf_ofp_input;
		if (n_br_ports[b] &&
		    (!(sb->ports = malloc(n_br_ports[b] * sizeof(uint16_t))) ||
		     !(sb->ofports = malloc(n_br_ports[b] * sizeof(*sb->ofports)))))
			goto nomem;
	}
	for (unsigned i = 0; i < s->n_port_slots; i++) {
		if (s->ports[i].port) {
			struct wf_snap_bridge *sb = &s->bridges[s->ports[i].bridge];
			sb->ports[sb->n_ports++] = i;
		}
	}
	for (unsigned b = 0; b < s->n_bridge_slots; b++)
		ofports_build(s, &s->bridges[b]);
	/* Spread rx queues over PMDs round-robin, in port order. */
	for (unsigned p = 0; p < ctx->n_pmds; p++)
		if (n_rxq && !(s->rxqs[p] = malloc(n_rxq * sizeof(struct wf_rxq))))
			goto nomem;
	for (unsigned i = 0; i < s->n_port_slots && ctx->n_pmds; i++) {
		const struct wf_port *p = ctx->ports[i];
		for (uint16_t q = 0; p && q < p->n_rxq; q++) {
			unsigned pmd = next_pmd++ % ctx->n_pmds;
			s->rxqs[pmd][s->n_rxqs[pmd]++] = (struct wf_rxq){i, q};
		}
	}
	wf_capture_snap(ctx, s);
	wf_trace_snap(ctx, s);
	if (wf_vtep_snap_build(ctx, s) < 0)
		goto nomem;
	return s;
nomem:
	snap_free(s);
	return NULL;
}

int wf_config_publish(struct wf_ctx *ctx)
{
	struct wf_snap *s = snap_build(ctx);
	if (!s)
		return -ENOMEM;
	struct wf_snap *old = atomic_exchange_explicit(&ctx->snap, s, memory_order_acq_rel);
	/* Wait until every PMD has passed a quiescent point: none can still hold 'old'. */
	rte_rcu_qsbr_synchronize(ctx->qsbr, RTE_QSBR_THRID_INVALID);
	snap_free(old);
	return 0;
}
