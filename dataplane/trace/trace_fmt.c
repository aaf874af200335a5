/* Packet tracing, control side: a trace record (core/trace.h) -> JSON with its text, as
 * ovs-appctl ofproto/trace prints it (see trace_cfg.h: wf_trace_json). Main lcore only. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/trace.h"
#include "ofp/ofp_cfg.h"
#include "trace/trace_cfg.h"

/* A growing text buffer (open_memstream). */
struct text {
	char *buf;
	size_t len;
	FILE *f;
};

static const char *port_name(const struct wf_ctx *ctx, uint16_t idx, char *tmp, size_t n)
{
	if (idx < WF_MAX_PORTS && ctx->ports[idx])
		return ctx->ports[idx]->name;
	snprintf(tmp, n, "port#%u", idx);
	return tmp;
}

static bool is_tunnel(const struct wf_ctx *ctx, uint16_t idx)
{
	return idx < WF_MAX_PORTS && ctx->ports[idx] &&
	       !strcmp(ctx->ports[idx]->cls->type, "vxlan");
}

static void mac_str(const uint8_t *m, char *out)
{
	sprintf(out, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void ip_str(uint32_t be, char *out)
{
	const uint8_t *b = (const uint8_t *)&be;
	sprintf(out, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* One line about the headers of h[0..n) (a frame's first bytes): Ethernet, 802.1Q, IPv4 with
 * TCP/UDP/ICMP, ARP, and the inner frame of VXLAN. */
static void headers(FILE *f, const uint8_t *h, uint32_t n)
{
	char a[20], b[20];
	if (n < 14) {
		fprintf(f, "(%u bytes: no Ethernet header)", n);
		return;
	}
	mac_str(h + 6, a);
	mac_str(h, b);
	fprintf(f, "%s > %s", a, b);
	uint32_t off = 12;
	uint16_t type = rd16(h + off);
	if (type == 0x8100 && n >= 18) {
		uint16_t tci = rd16(h + 14);
		fprintf(f, ", 802.1Q vlan %u pcp %u", tci & 0xfff, tci >> 13);
		off += 4;
		type = rd16(h + off);
	}
	off += 2;
	const uint8_t *p = h + off;
	uint32_t left = n - off;
	if (type == 0x0806 && left >= 28) {
		uint32_t tpa, spa;
		memcpy(&tpa, p + 24, 4);
		memcpy(&spa, p + 14, 4);
		ip_str(tpa, a);
		ip_str(spa, b);
		if (rd16(p + 6) == 1)
			fprintf(f, ", ARP request who-has %s tell %s", a, b);
		else
			fprintf(f, ", ARP op %u %s is-at %02x:%02x:%02x:%02x:%02x:%02x",
			        rd16(p + 6), b, p[8], p[9], p[10], p[11], p[12], p[13]);
		return;
	}
	if (type != 0x0800 || left < 20) {
		fprintf(f, ", ethertype 0x%04x", type);
		return;
	}
	uint32_t src, dst, ihl = (p[0] & 0xf) * 4u;
	memcpy(&src, p + 12, 4);
	memcpy(&dst, p + 16, 4);
	ip_str(src, a);
	ip_str(dst, b);
	fprintf(f, ", IPv4 %s > %s ttl %u", a, b, p[8]);
	if (ihl < 20 || left < ihl + 4 || ((p[6] & 0x1f) | p[7])) {
		fprintf(f, " proto %u", p[9]);
		return;
	}
	const uint8_t *l4 = p + ihl;
	switch (p[9]) {
	case 1:
		fprintf(f, ", ICMP type %u code %u", l4[0], l4[1]);
		return;
	case 6:
		fprintf(f, ", TCP %u > %u", rd16(l4), rd16(l4 + 2));
		return;
	case 17:
		fprintf(f, ", UDP %u > %u", rd16(l4), rd16(l4 + 2));
		if (left >= ihl + 16 && (l4[8] & 0x08)) {
			uint32_t vni = (uint32_t)(l4[12] << 16 | l4[13] << 8 | l4[14]);
			fprintf(f, ", VXLAN vni %u: ", vni);
			headers(f, l4 + 16, left - ihl - 16);
		}
		return;
	default:
		fprintf(f, " proto %u", p[9]);
	}
}

/* The rule of a TABLE step or the action of an ACTION step, if its pipeline is still the
 * bridge's current one (else the flows changed since it was recorded: not readable). */
static const void *flow_ptr(const struct wf_ctx *ctx, const struct wf_trace_step *st)
{
	const struct wf_bridge *br = st->aux < WF_MAX_BRIDGES ? ctx->bridges[st->aux] : NULL;
	if (!br || !br->conf->ofp.pipe || br->conf->ofp.pipe->gen != st->flow.gen)
		return NULL;
	return st->flow.rule;
}

static const char *learn_result(uint32_t r)
{
	switch (r) {
	case WF_FDB_REFRESHED:
		return "refreshed";
	case WF_FDB_LEARNED:
		return "learned";
	case WF_FDB_MOVED:
		return "moved (learned on this port now)";
	case WF_FDB_STATIC_KEPT:
		return "not learned: a static entry points elsewhere";
	case WF_FDB_FULL:
		return "not learned: the MAC table is full";
	default:
		return "not learned: invalid";
	}
}

/* Writes one step's text (no newline); *is_out tells OUTPUT/ENCAP/DROP steps apart. */
static void step_text(const struct wf_ctx *ctx, const struct wf_trace_step *st,
                      const struct fl_port_map *pm, FILE *f)
{
	char a[24], b[24], pn[24];
	switch ((enum wf_trace_kind)st->kind) {
	case WF_TR_TABLE: {
		const struct wf_ofp_rule *r = flow_ptr(ctx, st);
		if (!st->flow.rule) {
			fprintf(f, "%u. No match.", st->u32);
		} else if (!r) {
			fprintf(f, "%u. priority %u (the flows changed since: match not shown)",
			        st->u32, st->u32b);
		} else {
			char *m = fl_match_to_string(&r->rule.match, FL_PRIORITY_DEFAULT, pm);
			char *acts = fl_actions_to_string(r->actions, r->n_actions, pm);
			fprintf(f, "%u. %s%spriority %u, actions=%s", st->u32, m && m[0] ? m : "",
			        m && m[0] ? ", " : "", r->rule.priority, acts ? acts : "?");
			free(m);
			free(acts);
		}
		break;
	}
	case WF_TR_ACTION: {
		const struct fl_action *act = flow_ptr(ctx, st);
		char *s = act ? fl_actions_to_string(act, 1, pm) : NULL;
		fputs(s ? s : "(an action of a flow changed since)", f);
		if (act && (act->type == FL_ACT_MOD_VLAN_VID || act->type == FL_ACT_MOD_VLAN_PCP ||
		            act->type == FL_ACT_STRIP_VLAN || act->type == FL_ACT_PUSH_VLAN ||
		            (act->type == FL_ACT_SET_FIELD && act->set_field.set.mask.vlan_tci))) {
			if (st->u32 & FL_VLAN_CFI)
				fprintf(f, " -> vlan %u pcp %u", st->u32 & FL_VLAN_VID,
				        st->u32 >> 13);
			else
				fputs(" -> untagged", f);
		}
		free(s);
		break;
	}
	case WF_TR_INGRESS:
		fprintf(f, " -> ingress on %s: VLAN %u (%s)", port_name(ctx, st->port, pn, 24),
		        st->vlan, st->u32 ? "from the frame's tag" : "untagged: the port's VLAN");
		break;
	case WF_TR_LEARN:
		mac_str(st->mac, a);
		if (st->u32 == UINT32_MAX)
			fprintf(f, " -> source %s, VLAN %u, on %s: not learned (dry run)", a,
			        st->vlan, port_name(ctx, st->port, pn, 24));
		else
			fprintf(f, " -> source %s, VLAN %u, on %s: %s", a, st->vlan,
			        port_name(ctx, st->port, pn, 24), learn_result(st->u32));
		break;
	case WF_TR_LOOKUP:
		mac_str(st->mac, a);
		if (st->u32 == WF_TRL_HIT)
			fprintf(f, " -> destination %s, VLAN %u: learned on %s", a, st->vlan,
			        port_name(ctx, st->port, pn, 24));
		else if (st->u32 == WF_TRL_MULTICAST)
			fprintf(f, " -> destination %s is broadcast/multicast: flooding", a);
		else if (st->u32 == WF_TRL_STALE)
			fprintf(f, " -> destination %s, VLAN %u: stale entry: flooding", a,
			        st->vlan);
		else
			fprintf(f, " -> destination %s, VLAN %u: not learned: flooding", a,
			        st->vlan);
		break;
	case WF_TR_FLOOD:
		fprintf(f, " -> flood in VLAN %u to", st->vlan);
		for (uint32_t i = 0; i < st->u32 && i < WF_TRACE_FLOOD; i++)
			fprintf(f, "%s %s", i ? "," : "", port_name(ctx, st->ports[i], pn, 24));
		if (st->u32 > WF_TRACE_FLOOD)
			fprintf(f, " and %u more", st->u32 - WF_TRACE_FLOOD);
		if (!st->u32)
			fputs(" no port", f);
		break;
	case WF_TR_DECAP:
		ip_str(st->u32b, a);
		fprintf(f, "underlay %s: VXLAN from %s, VNI %u: tunnel port %s",
		        port_name(ctx, st->port, pn, 24), a, st->u32,
		        port_name(ctx, st->aux, b, 24));
		break;
	case WF_TR_VTEP:
		if (st->u32 == 1) {
			ip_str(st->u32b, a);
			fprintf(f, "underlay %s: ARP request from %s for the VTEP: answered",
			        port_name(ctx, st->port, pn, 24), a);
		} else {
			fprintf(f, "underlay %s: ICMP echo request to the VTEP: answered",
			        port_name(ctx, st->port, pn, 24));
		}
		break;
	case WF_TR_ENCAP:
		ip_str(st->u32b, a);
		mac_str(st->mac, b);
		fprintf(f, "%s: VXLAN encapsulation, VNI %u, remote %s, next hop %s via %s",
		        port_name(ctx, st->port, pn, 24), st->u32, a, b,
		        port_name(ctx, st->aux, a, 24));
		break;
	case WF_TR_OUTPUT:
		fprintf(f, "%s: %u bytes: ", port_name(ctx, st->port, pn, 24), st->u32);
		headers(f, st->head, st->u32 < WF_TRACE_HEAD ? st->u32 : WF_TRACE_HEAD);
		break;
	case WF_TR_DROP:
		fprintf(f, "drop on %s: %s: %s", port_name(ctx, st->port, pn, 24),
		        wf_drop_name(st->u32), wf_drop_descr(st->u32));
		break;
	}
}

static const char *kind_name(enum wf_trace_kind k)
{
	static const char *const names[] = {
	    [WF_TR_TABLE] = "table",   [WF_TR_ACTION] = "action", [WF_TR_INGRESS] = "ingress",
	    [WF_TR_LEARN] = "learn",   [WF_TR_LOOKUP] = "lookup", [WF_TR_FLOOD] = "flood",
	    [WF_TR_DECAP] = "decap",   [WF_TR_VTEP] = "vtep",     [WF_TR_ENCAP] = "encap",
	    [WF_TR_OUTPUT] = "output", [WF_TR_DROP] = "drop",
	};
	return k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

/* 'bridge("NAME")' underlined, as ofproto/trace. */
static void bridge_header(FILE *f, const char *name)
{
	int n = fprintf(f, "\nbridge(\"%s\")\n", name) - 2;
	for (int i = 0; i < n; i++)
		fputc('-', f);
	fputc('\n', f);
}

/* The key of a frame's first bytes, printed as an exact match with the bridge's port names. */
static char *flow_of(const struct wf_ctx *ctx, const struct wf_trace *tr,
                     const struct fl_port_map *pm, bool final)
{
	struct fl_key k;
	struct fl_match m;
	const struct wf_port *p = ctx->ports[tr->in_port];
	if (final) {
		memcpy(&k, tr->final_key, sizeof(k));
	} else {
		fl_key_extract(tr->head, tr->len < WF_TRACE_HEAD ? tr->len : WF_TRACE_HEAD,
		               p ? p->ofport : 0, 0, &k);
	}
	fl_key_exact_match(&k, &m);
	return fl_match_to_string(&m, FL_PRIORITY_DEFAULT, pm);
}

json_t *wf_trace_json(const struct wf_ctx *ctx, const struct wf_trace *tr, const char *title)
{
	const struct wf_port *in = ctx->ports[tr->in_port];
	const struct wf_bridge *br = in ? ctx->bridges[in->bridge] : NULL;
	struct wf_ofp_names names;
	struct fl_port_map pm = {0};
	json_t *steps = json_array(), *res = json_array();
	struct text t = {0};
	char pn[24], *flow = NULL, *final = NULL, *line = NULL;
	size_t line_len = 0;

	if (br)
		wf_ofp_port_map(ctx, br, &names, &pm);
	flow = flow_of(ctx, tr, &pm, false);
	if (tr->final_set)
		final = flow_of(ctx, tr, &pm, true);
	if (!steps || !res || !flow || !(t.f = open_memstream(&t.buf, &t.len)))
		goto nomem;
	fprintf(t.f, "%s\nFlow: %s\n", title, flow);
	if (tr->dry)
		fputs("Dry run: nothing is sent, no MAC or neighbour is learned, no counter "
		      "changes.\n",
		      t.f);
	bridge_header(t.f, br ? br->name : "?");
	bool outputs = false;
	for (uint16_t i = 0; i < tr->n; i++) {
		const struct wf_trace_step *st = &tr->steps[i];
		FILE *lf = open_memstream(&line, &line_len);
		if (!lf)
			goto nomem;
		step_text(ctx, st, &pm, lf);
		fclose(lf);
		bool out = st->kind == WF_TR_OUTPUT || st->kind == WF_TR_ENCAP;
		if (out && !outputs) {
			fputs("\nOutput:\n", t.f);
			outputs = true;
		}
		bool head =
		    st->kind == WF_TR_TABLE || st->kind == WF_TR_DECAP || st->kind == WF_TR_VTEP;
		int depth = st->depth < 16 ? st->depth : 16; /* a resubmit loop: 64 levels */
		fprintf(t.f, "%*s%s\n", out ? 4 : (head ? 1 : 4) + 4 * depth, "", line);
		if (st->kind == WF_TR_DECAP && st->aux < WF_MAX_PORTS && ctx->ports[st->aux]) {
			const struct wf_bridge *ob = ctx->bridges[ctx->ports[st->aux]->bridge];
			bridge_header(t.f, ob->name);
			wf_ofp_port_map(ctx, ob, &names, &pm);
		}
		json_array_append_new(steps, json_pack("{s:s,s:i,s:s}", "kind", kind_name(st->kind),
		                                       "depth", st->depth, "text", line));
		/* Datapath actions: outputs on non-tunnel ports, encapsulations, drops. */
		if (st->kind == WF_TR_OUTPUT && !is_tunnel(ctx, st->port)) {
			char *s = NULL;
			if (asprintf(&s, "output:%s", port_name(ctx, st->port, pn, 24)) > 0)
				json_array_append_new(res, json_string(s));
			free(s);
		} else if (st->kind == WF_TR_ENCAP) {
			char ip[20], *s = NULL;
			ip_str(st->u32b, ip);
			if (asprintf(&s, "encap(%s: vxlan vni %u to %s)",
			             port_name(ctx, st->port, pn, 24), st->u32, ip) > 0)
				json_array_append_new(res, json_string(s));
			free(s);
		} else if (st->kind == WF_TR_DROP) {
			char *s = NULL;
			if (asprintf(&s, "drop:%s", wf_drop_name(st->u32)) > 0)
				json_array_append_new(res, json_string(s));
			free(s);
		}
		free(line);
		line = NULL;
	}
	if (tr->lost)
		fprintf(t.f, "(%u more steps not recorded)\n", tr->lost);
	fprintf(t.f, "\nFinal flow: %s\nDatapath actions: ",
	        !final || !strcmp(final, flow) ? "unchanged" : final);
	for (size_t i = 0; i < json_array_size(res); i++)
		fprintf(t.f, "%s%s", i ? "," : "", json_string_value(json_array_get(res, i)));
	fputs(json_array_size(res) ? "\n" : "none\n", t.f);
	fclose(t.f);
	t.f = NULL;
	json_t *j = json_pack("{s:s,s:s,s:i,s:s,s:b,s:o,s:s,s:o,s:s}", "bridge",
	                      br ? br->name : "?", "in_port", port_name(ctx, tr->in_port, pn, 24),
	                      "len", tr->len, "flow", flow, "dry_run", tr->dry, "steps", steps,
	                      "final_flow", final ? final : flow, "actions", res, "text", t.buf);
	free(t.buf);
	free(flow);
	free(final);
	return j;
nomem:
	if (t.f)
		fclose(t.f);
	free(t.buf);
	free(flow);
	free(final);
	json_decref(steps);
	json_decref(res);
	return NULL;
}
