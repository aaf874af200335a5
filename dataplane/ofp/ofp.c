/* The flow-table stage (see ofp.h). */
#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "core/output.h"
#include "core/trace.h"
#include "l2/switch.h"
#include "ofp/ofp.h"
#include "vtep/vtep.h"

/* An output action waiting for the next action (or the end): outputs copy the frame only when
 * something follows them, as OVS does. */
enum pend { PEND_NONE, PEND_PORT, PEND_NORMAL, PEND_FLOOD };

/* One frame's trip through the tables. */
struct exec {
	struct wf_thread *t;
	const struct wf_snap *s;
	const struct wf_snap_bridge *b;
	const struct wf_ofp_pipe *pipe;
	uint16_t in;        /* port index the frame arrived on */
	struct rte_mbuf *m; /* the frame; NULL once handed over or dropped */
	uint32_t len;       /* received length: what flows count */
	struct fl_key key;  /* the frame's key as the actions so far changed it */
	enum pend pend;
	uint16_t pend_port;
	bool sent;           /* some copy (or the frame) left or went to NORMAL */
	bool stopped;        /* depth exceeded or the frame was dropped */
	struct wf_trace *tr; /* the frame is traced (core/trace.h), else NULL */
	bool dry;            /* a dry trace: no counter changes */
	/* output_port_of()'s last port lookup: ofport -> port index in this snapshot */
	bool out_memo;
	uint32_t out_ofport;
	uint16_t out_idx;
};

uint16_t wf_ofp_port_index(const struct wf_snap_bridge *b, uint32_t ofport)
{
	const struct wf_ofp_portmap *m = b->ofports;
	uint32_t lo = 0, hi = b->n_ports;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (m[mid].ofport == ofport)
			return m[mid].index;
		if (m[mid].ofport < ofport)
			lo = mid + 1;
		else
			hi = mid;
	}
	return WF_PORT_NONE;
}

/* ---- output ---------------------------------------------------------------------------- */

static void flood(struct exec *x, struct rte_mbuf *m)
{
	uint16_t last = WF_PORT_NONE;
	for (uint16_t i = 0; i < x->b->n_ports; i++) {
		uint16_t out = x->b->ports[i];
		if (out == x->in)
			continue;
		if (last != WF_PORT_NONE) {
			struct rte_mbuf *c = rte_pktmbuf_copy(m, x->t->pool, 0, UINT32_MAX);
			if (c)
				wf_output_raw(x->t, x->s, last, c);
			else
				wf_drop_count(x->t, x->s->ports[last].port, WF_DROP_NO_MBUF);
		}
		last = out;
	}
	if (last == WF_PORT_NONE) {
		rte_pktmbuf_free(m); /* no other port: nothing left, as in OVS */
		return;
	}
	wf_output_raw(x->t, x->s, last, m);
	x->sent = true;
}

/* Runs the pending output with the frame itself ('final') or a copy of it. */
static void flush_pending(struct exec *x, bool final)
{
	struct rte_mbuf *m;
	enum pend p = x->pend;

	if (p == PEND_NONE)
		return;
	x->pend = PEND_NONE;
	if (final) {
		m = x->m;
		x->m = NULL;
	} else if (!(m = rte_pktmbuf_copy(x->m, x->t->pool, 0, UINT32_MAX))) {
		wf_drop_count(x->t, x->s->ports[x->in].port, WF_DROP_NO_MBUF);
		return;
	}
	if (unlikely(x->b->flow_tnl)) /* what a key=flow tunnel encapsulates with */
		*wf_tun_id(x->t, m) = (uint32_t)x->key.tun_id;
	switch (p) {
	case PEND_PORT:
		wf_output_raw(x->t, x->s, x->pend_port, m);
		x->sent = true;
		break;
	case PEND_NORMAL:
		wf_l2_normal(x->t, x->s, x->in, &m, 1);
		x->sent = true;
		break;
	case PEND_FLOOD:
		flood(x, m);
		break;
	case PEND_NONE:
		break;
	}
}

static void output_port(struct exec *x, uint32_t ofport)
{
	uint16_t idx = wf_ofp_port_index(x->b, ofport);
	/* OpenFlow: output to the input port is a no-op (IN_PORT does it); no such port too. */
	if (idx == WF_PORT_NONE || ofport == x->key.in_port)
		return;
	x->pend = PEND_PORT;
	x->pend_port = idx;
}

/* ---- frame rewriting --------------------------------------------------------------------- */

/* RFC 1624 incremental update of the ones' complement checksum at 'sum' for a 16-bit word
 * changing from 'old' to 'new' (all three as stored in the frame). */
static void csum16(uint8_t *sum, const uint8_t *old, const uint8_t *new)
{
	uint32_t s = (uint16_t) ~(sum[0] << 8 | sum[1]);
	s += (uint16_t) ~(old[0] << 8 | old[1]);
	s += (uint16_t)(new[0] << 8 | new[1]);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	s = (uint16_t)~s;
	sum[0] = s >> 8;
	sum[1] = s & 0xff;
}

/* Writes 'n' bytes (even) at 'dst', updating the checksums at sum1/sum2 (NULL: none). */
static void write_csum(uint8_t *dst, const void *src, size_t n, uint8_t *sum1, uint8_t *sum2)
{
	const uint8_t *v = src;
	for (size_t i = 0; i < n; i += 2) {
		if (sum1)
			csum16(sum1, dst + i, v + i);
		if (sum2)
			csum16(sum2, dst + i, v + i);
		dst[i] = v[i];
		dst[i + 1] = v[i + 1];
	}
}

static uint8_t *data(struct exec *x)
{
	return rte_pktmbuf_mtod(x->m, uint8_t *);
}

static bool tagged(struct exec *x)
{
	const uint8_t *d = data(x);
	return rte_pktmbuf_data_len(x->m) >= 18 && d[12] == 0x81 && d[13] == 0x00;
}

static bool push_tag(struct exec *x, uint16_t tci)
{
	struct wf_vlan_meta meta = {.vlan = tci & FL_VLAN_VID, .pcp = tci >> 13};
	if (wf_vlan_push(x->m, &meta) == 0)
		return true;
	wf_drop(x->t, x->s->ports[x->in].port, WF_DROP_NO_MBUF, x->m);
	x->m = NULL;
	x->stopped = true;
	return false;
}

/* Sets the VID and PCP bits of the frame's tag (pushing one if untagged) from 'tci'. */
static void set_tci(struct exec *x, uint16_t tci, uint16_t bits)
{
	if (!tagged(x)) {
		if (!push_tag(x, tci & bits))
			return;
	} else {
		uint8_t *d = data(x) + 14;
		uint16_t w = (uint16_t)(d[0] << 8 | d[1]);
		w = (w & ~bits) | (tci & bits);
		d[0] = w >> 8;
		d[1] = w & 0xff;
	}
	x->key.vlan_tci = (x->key.vlan_tci & ~bits) | (tci & bits) | FL_VLAN_CFI;
}

static void strip_tag(struct exec *x)
{
	if (tagged(x)) {
		uint8_t *d = data(x);
		memmove(d + 4, d, 12);
		rte_pktmbuf_adj(x->m, 4);
	}
	x->key.vlan_tci = 0;
}

/* Writes the L3/L4 fields of x->key that differ from 'old' into the frame. */
static void write_l3(struct exec *x, const struct fl_key *old)
{
	const struct fl_key *k = &x->key;
	uint32_t len = rte_pktmbuf_data_len(x->m);
	uint32_t l3 = tagged(x) ? 18 : 14;
	uint8_t *d = data(x);

	if (k->dl_type == FL_ETH_ARP) {
		if (len < l3 + 28)
			return;
		uint16_t op = rte_cpu_to_be_16(k->nw_proto);
		if (k->nw_proto != old->nw_proto)
			memcpy(d + l3 + 6, &op, 2);
		if (k->nw_src != old->nw_src)
			memcpy(d + l3 + 14, &k->nw_src, 4);
		if (k->nw_dst != old->nw_dst)
			memcpy(d + l3 + 24, &k->nw_dst, 4);
		return;
	}
	if (k->dl_type != FL_ETH_IP || len < l3 + 20)
		return;
	uint8_t *ip = d + l3, *l4 = NULL, *l4sum = NULL;
	uint32_t ihl = (ip[0] & 0xf) * 4;
	bool first_frag = ((ip[6] & 0x1f) | ip[7]) == 0;
	if (first_frag && len >= l3 + ihl + 8) {
		l4 = ip + ihl;
		if (ip[9] == 6 && len >= l3 + ihl + 18)
			l4sum = l4 + 16;
		else if (ip[9] == 17 && (l4[6] | l4[7]))
			l4sum = l4 + 6;
		else if (ip[9] == 1)
			l4sum = l4 + 2;
	}
	uint8_t *pseudo = ip[9] == 1 ? NULL : l4sum; /* ICMP has no pseudo-header */
	if (k->nw_src != old->nw_src)
		write_csum(ip + 12, &k->nw_src, 4, ip + 10, pseudo);
	if (k->nw_dst != old->nw_dst)
		write_csum(ip + 16, &k->nw_dst, 4, ip + 10, pseudo);
	if (k->nw_tos != old->nw_tos) {
		uint8_t w[2] = {ip[0], (uint8_t)(k->nw_tos | (ip[1] & 3))};
		write_csum(ip, w, 2, ip + 10, NULL);
	}
	if (!l4 || (k->tp_src == old->tp_src && k->tp_dst == old->tp_dst))
		return;
	if (ip[9] == 1) {
		uint8_t w[2] = {(uint8_t)k->tp_src, (uint8_t)k->tp_dst};
		write_csum(l4, w, 2, l4sum, NULL);
	} else if (ip[9] == 6 || ip[9] == 17 || ip[9] == 132) {
		uint16_t sp = rte_cpu_to_be_16(k->tp_src), dp = rte_cpu_to_be_16(k->tp_dst);
		write_csum(l4, &sp, 2, ip[9] == 132 ? NULL : l4sum, NULL);
		write_csum(l4 + 2, &dp, 2, ip[9] == 132 ? NULL : l4sum, NULL);
	}
}

/* set_field: key = (key & ~mask) | value, then the frame follows the key. */
static void set_field(struct exec *x, const struct fl_match *set)
{
	struct fl_key old = x->key;
	for (unsigned w = 0; w < FL_KEY_WORDS; w++)
		x->key.u64[w] = (x->key.u64[w] & ~set->mask.u64[w]) | set->value.u64[w];
	if (x->key.vlan_tci != old.vlan_tci) {
		uint16_t tci = x->key.vlan_tci;
		x->key.vlan_tci = old.vlan_tci;
		if (tci & FL_VLAN_CFI)
			set_tci(x, tci, FL_VLAN_VID | FL_VLAN_PCP);
		else
			strip_tag(x);
		if (x->stopped)
			return;
	}
	if (memcmp(x->key.dl_src, old.dl_src, 6))
		memcpy(data(x) + 6, x->key.dl_src, 6);
	if (memcmp(x->key.dl_dst, old.dl_dst, 6))
		memcpy(data(x), x->key.dl_dst, 6);
	write_l3(x, &old);
}

/* ---- tables and actions ------------------------------------------------------------------ */

static void run_table(struct exec *x, uint8_t table, unsigned depth);

/* Trace steps of the flow stage: a lookup's outcome, an action about to run. */
static void trace_table(struct exec *x, uint8_t table, unsigned depth, const struct wf_ofp_rule *fr)
{
	x->tr->depth = (uint8_t)RTE_MIN(depth, 255u);
	struct wf_trace_step *st = wf_trace_step(x->tr, WF_TR_TABLE);
	if (st) {
		st->u32 = table;
		st->u32b = fr ? fr->rule.priority : 0;
		st->aux = x->b->br->index;
		st->flow.rule = fr;
		st->flow.gen = x->pipe->gen;
	}
}

static struct wf_trace_step *trace_action(struct exec *x, const struct fl_action *a, unsigned depth)
{
	x->tr->depth = (uint8_t)RTE_MIN(depth, 255u);
	struct wf_trace_step *st = wf_trace_step(x->tr, WF_TR_ACTION);
	if (st) {
		st->aux = x->b->br->index;
		st->flow.rule = a;
		st->flow.gen = x->pipe->gen;
	}
	return st;
}

static void run_actions(struct exec *x, const struct fl_action *a, uint32_t n, uint8_t table,
                        unsigned depth)
{
	for (uint32_t i = 0; i < n && !x->stopped; i++, a++) {
		flush_pending(x, false);
		struct wf_trace_step *st =
		    unlikely(x->tr != NULL) ? trace_action(x, a, depth) : NULL;
		switch ((enum fl_act_type)a->type) {
		case FL_ACT_OUTPUT:
			output_port(x, a->port);
			break;
		case FL_ACT_IN_PORT: {
			uint16_t idx = wf_ofp_port_index(x->b, x->key.in_port);
			if (idx != WF_PORT_NONE) {
				x->pend = PEND_PORT;
				x->pend_port = idx;
			}
			break;
		}
		case FL_ACT_NORMAL:
			x->pend = PEND_NORMAL;
			break;
		case FL_ACT_FLOOD:
		case FL_ACT_ALL:
			x->pend = PEND_FLOOD;
			break;
		case FL_ACT_MOD_VLAN_VID:
			set_tci(x, a->vid, FL_VLAN_VID);
			break;
		case FL_ACT_MOD_VLAN_PCP:
			set_tci(x, (uint16_t)(a->pcp << 13), FL_VLAN_PCP);
			break;
		case FL_ACT_STRIP_VLAN:
			strip_tag(x);
			break;
		case FL_ACT_PUSH_VLAN: {
			uint16_t tci = x->key.vlan_tci & (FL_VLAN_VID | FL_VLAN_PCP);
			if (push_tag(x, tci)) {
				if (x->key.vlan_tci & FL_VLAN_CFI)
					x->key.dl_type = FL_ETH_VLAN;
				x->key.vlan_tci = tci | FL_VLAN_CFI;
			}
			break;
		}
		case FL_ACT_MOD_DL_SRC:
			memcpy(data(x) + 6, a->mac, 6);
			memcpy(x->key.dl_src, a->mac, 6);
			break;
		case FL_ACT_MOD_DL_DST:
			memcpy(data(x), a->mac, 6);
			memcpy(x->key.dl_dst, a->mac, 6);
			break;
		case FL_ACT_SET_FIELD:
			set_field(x, &a->set_field.set);
			break;
		case FL_ACT_SET_TUNNEL:
		case FL_ACT_SET_TUNNEL64:
			/* The VNI of a key=flow tunnel output (flush_pending); fixed-key tunnels
			 * keep their key, as in OVS. */
			x->key.tun_id = a->tun_id;
			break;
		case FL_ACT_RESUBMIT: {
			uint32_t saved = x->key.in_port;
			if (a->resubmit.port != FL_PORT_IN_PORT)
				x->key.in_port = a->resubmit.port;
			run_table(x, a->resubmit.table == FL_TABLE_NONE ? table : a->resubmit.table,
			          depth + 1);
			x->key.in_port = saved;
			break;
		}
		case FL_ACT_GOTO_TABLE:
			run_table(x, a->table, depth + 1);
			break;
		case FL_ACT__COUNT:
			break;
		}
		if (st)
			st->u32 = x->key.vlan_tci; /* the tag after the action */
	}
}

/* Looks the key up in 'table' and runs the best flow's actions (a miss does nothing). */
static void run_table(struct exec *x, uint8_t table, unsigned depth)
{
	if (depth > WF_OFP_MAX_DEPTH) {
		x->stopped = true;
		x->pend = PEND_NONE;
		if (x->m) {
			wf_drop(x->t, x->s->ports[x->in].port, WF_DROP_RESUBMIT_DEPTH, x->m);
			x->m = NULL;
		}
		return;
	}
	const struct fl_cls *cls = x->pipe->tables[table];
	const struct fl_cls_rule *r = cls ? fl_cls_lookup(cls, &x->key) : NULL;
	const struct wf_ofp_rule *fr = r ? container_of(r, struct wf_ofp_rule, rule) : NULL;
	if (unlikely(x->tr != NULL))
		trace_table(x, table, depth, fr);
	if (likely(!x->dry)) {
		struct wf_ofp_tbl_ctr *tc = &x->pipe->tctr[x->t->slot].t[table];
		tc->lookups++;
		tc->matched += fr != NULL;
	}
	if (!fr)
		return;
	if (likely(!x->dry)) {
		WF_OFP_CTR(fr->ctr, x->t->slot).packets++;
		WF_OFP_CTR(fr->ctr, x->t->slot).bytes += x->len;
	}
	run_actions(x, fr->actions, fr->n_actions, table, depth);
}

/* Table 0's best rules for keys[0..n) (n <= FL_CLS_BATCH) from the classifier, all at once
 * (fl_cls_lookup_batch(): the misses of a large table overlap). */
static void table0_cls(struct exec *x, struct wf_ofp_tctr *tc, const struct fl_key *keys,
                       uint16_t n, const struct wf_ofp_rule **fr)
{
	const struct fl_cls *t0 = x->pipe->tables[0];
	const struct fl_cls_rule *r[FL_CLS_BATCH];

	if (t0)
		fl_cls_lookup_batch(t0, keys, n, r); /* writes r[0..n) */
	else
		memset(r, 0, n * sizeof(r[0]));
	for (uint16_t i = 0; i < n; i++) {
		fr[i] = r[i] ? container_of(r[i], struct wf_ofp_rule, rule) : NULL;
		tc->t[0].matched += fr[i] != NULL;
	}
}

/* The slot of the thread's exact-match cache that holds 'key' if anything does. */
static inline struct wf_ofp_emc_entry *emc_slot(struct wf_ofp_emc *emc, const struct fl_key *key)
{
	const uint64_t *w = key->u64;
	uint64_t h = 0;
	for (unsigned i = 0; i < FL_KEY_WORDS; i++)
		h = (h ^ w[i]) * 0x9e3779b97f4a7c15ull;
	return &emc->e[(h >> 40) & (WF_OFP_EMC_SIZE - 1)];
}

/* Probes the thread's exact-match cache (not bypassed: the caller checked, ofp.h) at 'e',
 * key's slot (emc_slot()): tells whether the entry holds key's answer under the current
 * pipeline, and counts the probe in the window that decides on the next bypass. */
static bool emc_probe(struct exec *x, const struct fl_key *key, const struct wf_ofp_emc_entry *e)
{
	struct wf_ofp_emc *emc = x->t->emc;
	if (++emc->n_probes == WF_OFP_EMC_WINDOW) {
		if (emc->n_hits < WF_OFP_EMC_MIN_HITS)
			emc->bypass = WF_OFP_EMC_BYPASS;
		emc->n_probes = emc->n_hits = 0;
	}
	if (e->gen == x->pipe->gen && memcmp(&e->key, key, sizeof(*key)) == 0) {
		emc->n_hits++;
		return true;
	}
	return false;
}

/* Table 0's best rule (NULL: a miss) for each of keys[0..n) (n <= FL_CLS_BATCH): the
 * thread's exact-match cache first (unless bypassed), then the classifier for every key it
 * did not answer, in one batch; the cache learns those answers. Counted as one frame at a
 * time would be: a key repeated within the batch, whose first occurrence missed and would
 * have filled the entry, is a cache hit and takes that answer. */
static void table0(struct exec *x, const struct fl_key *keys, uint16_t n,
                   const struct wf_ofp_rule **fr)
{
	struct wf_ofp_tctr *tc = &x->pipe->tctr[x->t->slot];
	struct wf_ofp_emc *emc = x->t->emc;
	struct wf_ofp_emc_entry *ent[FL_CLS_BATCH], *slot[FL_CLS_BATCH];
	struct fl_key miss_key[FL_CLS_BATCH];
	const struct wf_ofp_rule *miss_fr[FL_CLS_BATCH];
	uint8_t miss[FL_CLS_BATCH], rep[FL_CLS_BATCH], rep_of[FL_CLS_BATCH];
	uint16_t n_miss = 0, n_rep = 0;

	tc->t[0].lookups += n;
	if (emc->bypass >= n) { /* the whole batch skips the cache (many keys: the usual case) */
		emc->bypass -= n;
		table0_cls(x, tc, keys, n, fr);
		return;
	}
	/* The slot of every key that will be probed (all but the first emc->bypass) first,
	 * prefetched: the cache (128 KiB) is mostly out of L1/L2 when it is probed only in the
	 * windows between bypasses, so the misses overlap. */
	for (uint16_t i = (uint16_t)emc->bypass; i < n; i++) {
		slot[i] = emc_slot(emc, &keys[i]);
		rte_prefetch0(slot[i]);
	}
	for (uint16_t i = 0; i < n; i++) {
		struct wf_ofp_emc_entry *e = NULL;
		bool hit = false;
		if (emc->bypass) {
			emc->bypass--;
		} else {
			e = slot[i];
			hit = emc_probe(x, &keys[i], e);
		}
		if (hit) {
			tc->cache_hits++;
			tc->t[0].matched += e->rule != NULL;
			fr[i] = e->rule;
			continue;
		}
		int j = n_miss - 1; /* the miss that wrote e last, if any */
		while (e && j >= 0 && ent[j] != e)
			j--;
		if (e && j >= 0 && memcmp(&keys[miss[j]], &keys[i], sizeof(keys[i])) == 0) {
			emc->n_hits++;
			tc->cache_hits++;
			rep[n_rep] = (uint8_t)i;
			rep_of[n_rep++] = (uint8_t)j;
			continue;
		}
		ent[n_miss] = e;
		miss[n_miss++] = (uint8_t)i;
	}
	if (!n_miss)
		return;
	/* The classifier's keys: all of them as they are when none was answered (a bypassed
	 * cache: the usual case with many keys), else the misses gathered. */
	const struct fl_key *in = keys;
	if (n_miss < n) {
		for (uint16_t j = 0; j < n_miss; j++)
			miss_key[j] = keys[miss[j]];
		in = miss_key;
	}
	table0_cls(x, tc, in, n_miss, miss_fr);
	for (uint16_t j = 0; j < n_miss; j++) {
		fr[miss[j]] = miss_fr[j];
		if (ent[j]) {
			ent[j]->rule = miss_fr[j];
			ent[j]->key = keys[miss[j]];
			ent[j]->gen = x->pipe->gen;
		}
	}
	for (uint16_t r = 0; r < n_rep; r++) {
		fr[rep[r]] = miss_fr[rep_of[r]];
		tc->t[0].matched += fr[rep[r]] != NULL;
	}
}

/* The keys of frames pkts[0..n), all received on x->in, into keys[0..n): the input port's
 * number and tunnel are read once for them all. */
static void frame_keys(struct exec *x, struct rte_mbuf **pkts, uint16_t n, struct fl_key *keys)
{
	const struct wf_snap_port *sp = &x->s->ports[x->in];
	const struct wf_tnl *tnl = sp->tnl;
	bool tun_of_frame = tnl && tnl->cfg->key_flow; /* else the port's own VNI, or none */
	uint32_t tun = tnl && !tnl->cfg->key_flow ? tnl->cfg->vni : 0, ofport = sp->ofport;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint32_t len = RTE_MIN(rte_pktmbuf_pkt_len(m), (uint32_t)WF_OFP_EXTRACT_MAX);
		const uint8_t *d = rte_pktmbuf_read(m, 0, len, x->t->scratch);
		fl_key_extract(d, d ? len : 0, ofport, tun_of_frame ? *wf_tun_id(x->t, m) : tun,
		               &keys[i]);
	}
}

/* Runs frame m, whose key is x->key and table 0's answer 'fr', through the flow's actions. */
static void one_frame(struct exec *x, struct rte_mbuf *m, const struct wf_ofp_rule *fr)
{
	struct wf_port *ip = x->s->ports[x->in].port;

	x->m = m;
	x->len = rte_pktmbuf_pkt_len(m);
	x->pend = PEND_NONE;
	x->sent = x->stopped = false;
	if (!fr) {
		wf_drop(x->t, ip, WF_DROP_NO_FLOW, m);
		return;
	}
	if (likely(!x->dry)) {
		WF_OFP_CTR(fr->ctr, x->t->slot).packets++;
		WF_OFP_CTR(fr->ctr, x->t->slot).bytes += x->len;
	}
	run_actions(x, fr->actions, fr->n_actions, 0, 0);
	if (x->pend != PEND_NONE && x->m)
		flush_pending(x, true);
	if (unlikely(x->tr != NULL)) {
		_Static_assert(sizeof(x->key) == sizeof(x->tr->final_key), "final key size");
		memcpy(x->tr->final_key, &x->key, sizeof(x->key));
		x->tr->final_set = true;
	}
	if (x->m) {
		if (x->sent)
			rte_pktmbuf_free(x->m); /* copies left; the last actions sent nothing */
		else
			wf_drop(x->t, ip, WF_DROP_FLOW_DROP, x->m);
	}
}

/* A run of frames of flow 'fr' (NULL: none) that output_port_of() sent on: 'n_packets' frames
 * of 'n_bytes' in all, added to the flow's counter at once. */
struct run {
	const struct wf_ofp_rule *fr;
	uint32_t n_packets;
	uint64_t n_bytes;
};

static void run_count(struct exec *x, const struct run *r)
{
	if (r->fr) {
		WF_OFP_CTR(r->fr->ctr, x->t->slot).packets += r->n_packets;
		WF_OFP_CTR(r->fr->ctr, x->t->slot).bytes += r->n_bytes;
	}
}

/* The port index flow 'fr' (NULL: a miss) sends a frame received on ofport in_port to, if its
 * only action is an output to another port of the bridge (the common "match, output:N" flow):
 * frames() then queues the frame there and counts it in its run, as run_actions() and
 * flush_pending() would, without their per-frame machinery. WF_PORT_NONE otherwise: one_frame()
 * runs it. Untraced frames only. */
static uint16_t output_port_of(struct exec *x, const struct wf_ofp_rule *fr, uint32_t in_port)
{
	/* A traced frame (a dry one too) goes through one_frame(), which traces each step. */
	if (!fr || fr->n_actions != 1 || fr->actions[0].type != FL_ACT_OUTPUT || x->b->flow_tnl ||
	    x->tr)
		return WF_PORT_NONE;
	uint32_t ofport = fr->actions[0].port;
	if (!x->out_memo || x->out_ofport != ofport) { /* frames of a burst share their ports */
		x->out_idx = wf_ofp_port_index(x->b, ofport);
		x->out_ofport = ofport;
		x->out_memo = true;
	}
	/* A no-op output (no such port, or the input port): one_frame() drops and counts it. */
	return ofport == in_port ? WF_PORT_NONE : x->out_idx;
}

/* A traced frame: the classifier itself, no cache entry; counted unless dry. */
static void traced_frame(struct exec *x, struct rte_mbuf *m)
{
	frame_keys(x, &m, 1, &x->key);
	const struct fl_cls *t0 = x->pipe->tables[0];
	const struct fl_cls_rule *r = t0 ? fl_cls_lookup(t0, &x->key) : NULL;
	const struct wf_ofp_rule *fr = r ? container_of(r, struct wf_ofp_rule, rule) : NULL;
	trace_table(x, 0, 0, fr);
	if (likely(!x->dry)) {
		struct wf_ofp_tbl_ctr *tc = &x->pipe->tctr[x->t->slot].t[0];
		tc->lookups++;
		tc->matched += fr != NULL;
	}
	one_frame(x, m, fr);
}

/* Frames pkts[0..n) (n <= FL_CLS_BATCH): keys, table 0 for all of them, then each frame's
 * actions in order (queued straight to output_port_of()'s port, or one_frame()), its flow's
 * counter and actions prefetched meanwhile. Frames of one flow usually follow one another:
 * what depends only on the flow is done once per such run. */
static void frames(struct exec *x, struct rte_mbuf **pkts, uint16_t n)
{
	struct fl_key keys[FL_CLS_BATCH];
	const struct wf_ofp_rule *fr[FL_CLS_BATCH];

	frame_keys(x, pkts, n, keys);
	table0(x, keys, n, fr);
	for (uint16_t i = 0; i < n; i++) {
		if (fr[i] && (i == 0 || fr[i] != fr[i - 1])) {
			rte_prefetch0(&WF_OFP_CTR(fr[i]->ctr, x->t->slot));
			rte_prefetch0(fr[i]->actions);
		}
	}
	struct run run = {.fr = NULL}; /* one counter update per run of a flow's frames */
	uint16_t out = WF_PORT_NONE;
	for (uint16_t i = 0; i < n; i++) {
		if (i == 0 || fr[i] != fr[i - 1]) /* all frames came in on x->in */
			out = output_port_of(x, fr[i], keys[i].in_port);
		if (out == WF_PORT_NONE) {
			x->key = keys[i];
			one_frame(x, pkts[i], fr[i]);
			continue;
		}
		if (fr[i] != run.fr) {
			run_count(x, &run);
			run = (struct run){.fr = fr[i]};
		}
		run.n_packets++;
		run.n_bytes += rte_pktmbuf_pkt_len(pkts[i]);
		wf_output_raw(x->t, x->s, out, pkts[i]);
	}
	run_count(x, &run);
}

void wf_ofp_input(struct wf_thread *t, const struct wf_snap *s, uint16_t in, struct rte_mbuf **pkts,
                  uint16_t n)
{
	const struct wf_snap_port *sp = &s->ports[in];
	struct wf_port_ctr *ic = &sp->port->ctr[t->slot];
	struct exec x = {.t = t, .s = s, .b = &s->bridges[sp->bridge], .in = in, .tr = t->trace};

	x.pipe = x.b->ofp;
	x.dry = wf_trace_dry(t);
	for (uint16_t i = 0; likely(!x.dry) && i < n; i++) {
		ic->rx_packets++;
		ic->rx_bytes += rte_pktmbuf_pkt_len(pkts[i]);
	}
	if (unlikely(x.tr != NULL)) {
		for (uint16_t i = 0; i < n; i++)
			traced_frame(&x, pkts[i]);
	} else {
		for (uint16_t i = 0; i < n; i += FL_CLS_BATCH)
			frames(&x, pkts + i, RTE_MIN((uint16_t)(n - i), (uint16_t)FL_CLS_BATCH));
	}
	wf_flush(t, s);
}
