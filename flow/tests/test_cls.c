/* Unit tests for the classifier: API contracts, the tie rule, and a randomized comparison with a
 * linear scan (10,000 rules of 16 mask shapes x 100,000 keys, then insert/remove churn). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fl_cls.h"

static struct fl_cls_rule *mkrule(const char *match, uint16_t priority)
{
	struct fl_cls_rule *r = calloc(1, sizeof(*r));
	struct fl_flow fl;
	char *err = NULL;

	assert_non_null(r);
	if (fl_flow_parse(match, FL_PARSE_MATCH_ONLY, NULL, &fl, &err))
		fail_msg("%s: %s", match, err);
	r->match = fl.match;
	r->priority = priority;
	return r;
}

static int count_cb(struct fl_cls_rule *r, void *arg)
{
	(void)r;
	++*(int *)arg;
	return 0;
}

static int stop_cb(struct fl_cls_rule *r, void *arg)
{
	(void)r;
	(void)arg;
	return 7;
}

static void test_basic(void **state)
{
	struct fl_cls *cls = fl_cls_create();
	struct fl_cls_rule *a = mkrule("ip,nw_dst=10.0.0.0/8", 10);
	struct fl_cls_rule *b = mkrule("ip,nw_dst=10.1.0.0/16", 20);
	struct fl_cls_rule *c = mkrule("in_port=1", 5);
	struct fl_cls_rule *a2 = mkrule("ip,nw_dst=10.0.0.0/8", 10);
	struct fl_cls_rule *bad = mkrule("in_port=1", 1), *old;
	struct fl_key k = {0};
	int n = 0;

	(void)state;
	assert_non_null(cls);
	assert_null(fl_cls_lookup(cls, &k));
	assert_int_equal(fl_cls_insert(cls, a, &old), 0);
	assert_null(old);
	assert_int_equal(fl_cls_insert(cls, b, NULL), 0);
	assert_int_equal(fl_cls_insert(cls, c, &old), 0);
	assert_int_equal(fl_cls_insert(cls, c, &old), -EBUSY);
	assert_int_equal(fl_cls_count(cls), 3);
	assert_int_equal(fl_cls_subtables(cls), 3);

	k.dl_type = FL_ETH_IP;
	k.in_port = 1;
	memcpy(&k.nw_dst, "\x0a\x01\x02\x03", 4);
	assert_ptr_equal(fl_cls_lookup(cls, &k), b);
	memcpy(&k.nw_dst, "\x0a\x02\x02\x03", 4);
	assert_ptr_equal(fl_cls_lookup(cls, &k), a);
	memcpy(&k.nw_dst, "\x0b\x02\x02\x03", 4);
	assert_ptr_equal(fl_cls_lookup(cls, &k), c);
	k.in_port = 2;
	assert_null(fl_cls_lookup(cls, &k));

	/* Same match and priority: replaced, the old one comes back. */
	assert_int_equal(fl_cls_insert(cls, a2, &old), 0);
	assert_ptr_equal(old, a);
	assert_int_equal(fl_cls_count(cls), 3);
	assert_int_equal(fl_cls_remove(cls, a), -ENOENT);
	memcpy(&k.nw_dst, "\x0a\x02\x02\x03", 4);
	assert_ptr_equal(fl_cls_lookup(cls, &k), a2);
	assert_ptr_equal(fl_cls_find_exact(cls, &a->match, 10), a2);
	assert_null(fl_cls_find_exact(cls, &a->match, 11));
	assert_null(fl_cls_find_exact(cls, &bad->match, 1));
	assert_ptr_equal(fl_cls_find_exact(cls, &bad->match, 5), c);

	/* Value outside its mask. */
	bad->match.value.in_port = 1;
	bad->match.mask.in_port = 0;
	assert_int_equal(fl_cls_insert(cls, bad, NULL), -EINVAL);

	assert_int_equal(fl_cls_for_each(cls, count_cb, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(fl_cls_for_each(cls, stop_cb, NULL), 7);

	assert_int_equal(fl_cls_remove(cls, b), 0);
	assert_int_equal(fl_cls_remove(cls, b), -ENOENT);
	assert_int_equal(fl_cls_subtables(cls), 2);
	memcpy(&k.nw_dst, "\x0a\x01\x02\x03", 4);
	assert_ptr_equal(fl_cls_lookup(cls, &k), a2);
	assert_int_equal(fl_cls_remove(cls, a2), 0);
	assert_int_equal(fl_cls_remove(cls, c), 0);
	assert_int_equal(fl_cls_count(cls), 0);
	assert_int_equal(fl_cls_subtables(cls), 0);
	assert_null(fl_cls_lookup(cls, &k));
	/* Removed rules can go back in. */
	assert_int_equal(fl_cls_insert(cls, c, NULL), 0);
	fl_cls_destroy(cls);
	fl_cls_destroy(NULL);
	free(a);
	free(b);
	free(c);
	free(a2);
	free(bad);
}

/* Equal priorities: the rule inserted first wins, within a match list and across subtables;
 * a replacement keeps its predecessor's place. */
static void test_ties(void **state)
{
	struct fl_cls *cls = fl_cls_create();
	struct fl_cls_rule *wide = mkrule("in_port=1", 100);
	struct fl_cls_rule *narrow = mkrule("in_port=1,dl_type=0x0800", 100);
	struct fl_cls_rule *narrow_lo = mkrule("in_port=1,dl_type=0x0800", 50);
	struct fl_cls_rule *wide2 = mkrule("in_port=1", 100), *old;
	struct fl_key k = {0};

	(void)state;
	k.in_port = 1;
	k.dl_type = FL_ETH_IP;
	assert_int_equal(fl_cls_insert(cls, narrow_lo, NULL), 0);
	assert_int_equal(fl_cls_insert(cls, wide, NULL), 0);
	assert_int_equal(fl_cls_insert(cls, narrow, NULL), 0);
	assert_ptr_equal(fl_cls_lookup(cls, &k), wide); /* first of the two at 100 */
	assert_int_equal(fl_cls_insert(cls, wide2, &old), 0);
	assert_ptr_equal(old, wide);
	assert_ptr_equal(fl_cls_lookup(cls, &k), wide2); /* took wide's place */
	assert_int_equal(fl_cls_remove(cls, wide2), 0);
	assert_ptr_equal(fl_cls_lookup(cls, &k), narrow);
	assert_int_equal(fl_cls_remove(cls, narrow), 0);
	assert_ptr_equal(fl_cls_lookup(cls, &k), narrow_lo);
	fl_cls_destroy(cls);
	free(wide);
	free(narrow);
	free(narrow_lo);
	free(wide2);
}

/* ---- randomized comparison with a linear scan ---- */

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* A random key from small domains, so that random keys often match. */
static void rand_key(struct fl_key *k)
{
	static const uint16_t types[] = {FL_ETH_IP, FL_ETH_ARP, 0x86dd};
	static const uint8_t protos[] = {1, 6, 17};

	memset(k, 0, sizeof(*k));
	k->tun_id = rnd() % 4;
	k->in_port = 1 + rnd() % 8;
	k->vlan_tci = rnd() % 2 ? (uint16_t)(FL_VLAN_CFI | (rnd() % 4) | (rnd() % 8) << 13) : 0;
	k->dl_type = types[rnd() % 3];
	for (int i = 0; i < 6; i++) {
		k->dl_src[i] = (uint8_t)(i == 5 ? rnd() % 16 : 0);
		k->dl_dst[i] = (uint8_t)(i == 5 ? rnd() % 16 : i == 0 ? (rnd() % 2) : 0);
	}
	k->nw_src = (uint32_t)(10 | (rnd() % 4) << 8 | (rnd() % 4) << 16 | (rnd() % 8) << 24);
	k->nw_dst = (uint32_t)(10 | (rnd() % 4) << 8 | (rnd() % 4) << 16 | (rnd() % 8) << 24);
	k->nw_proto = protos[rnd() % 3];
	k->nw_tos = (uint8_t)((rnd() % 4) << 2);
	k->tp_src = (uint16_t)(rnd() % 32);
	k->tp_dst = (uint16_t)(rnd() % 32);
}

#define N_SHAPES 16

/* The mask shapes. */
static void shape_mask(int s, struct fl_key *m)
{
	memset(m, 0, sizeof(*m));
	switch (s) {
	case 0: /* the catch-all shape (see rand_rule()) */
		break;
	case 1:
		m->in_port = UINT32_MAX;
		break;
	case 2:
		m->in_port = UINT32_MAX;
		m->dl_type = 0xffff;
		break;
	case 3:
		m->dl_type = 0xffff;
		m->nw_proto = 0xff;
		m->tp_dst = 0xffff;
		break;
	case 4:
		memset(m->dl_dst, 0xff, 6);
		break;
	case 5:
		m->dl_dst[0] = 0x01;
		break;
	case 6:
		m->vlan_tci = 0x1fff;
		break;
	case 7:
		m->dl_type = 0xffff;
		memcpy(&m->nw_dst, "\xff\xff\xff\x00", 4);
		break;
	case 8:
		m->dl_type = 0xffff;
		memcpy(&m->nw_src, "\xff\xff\x00\x00", 4);
		m->nw_dst = UINT32_MAX;
		break;
	case 9:
		m->tun_id = UINT64_MAX;
		break;
	case 10:
		m->tun_id = 0x1;
		m->in_port = UINT32_MAX;
		break;
	case 11:
		m->dl_type = 0xffff;
		m->nw_proto = 0xff;
		m->tp_src = 0xfff0;
		break;
	case 12: /* 5-tuple */
		m->dl_type = 0xffff;
		m->nw_proto = 0xff;
		m->nw_src = m->nw_dst = UINT32_MAX;
		m->tp_src = m->tp_dst = 0xffff;
		break;
	case 13:
		m->in_port = UINT32_MAX;
		m->vlan_tci = 0x1fff;
		memset(m->dl_dst, 0xff, 6);
		break;
	case 14:
		m->dl_type = 0xffff;
		m->nw_tos = 0xfc;
		break;
	default:
		memset(m->dl_src, 0xff, 6);
		m->vlan_tci = 0xe000;
		break;
	}
}

#define N_RULES 10000
#define N_KEYS  100000

struct model {
	struct fl_cls_rule **order; /* insertion order (replacements take the old slot); NULL:
	                             * removed */
	size_t n;
};

/* The linear scan: the live rules sorted by priority (descending), ties by insertion order
 * (qsort on (priority, index in md->order)); the first match wins. */
struct lin {
	const struct fl_cls_rule *r;
	size_t idx;
};

static int lin_cmp(const void *a, const void *b)
{
	const struct lin *x = a, *y = b;

	if (x->r->priority != y->r->priority)
		return x->r->priority > y->r->priority ? -1 : 1;
	return x->idx < y->idx ? -1 : 1;
}

static size_t lin_build(const struct model *md, struct lin *out)
{
	size_t n = 0;

	for (size_t i = 0; i < md->n; i++) {
		if (md->order[i])
			out[n++] = (struct lin){md->order[i], i};
	}
	qsort(out, n, sizeof(*out), lin_cmp);
	return n;
}

/* Sets *tie when another matching rule has the winner's priority. */
static const struct fl_cls_rule *linear(const struct lin *l, size_t n, const struct fl_key *k,
                                        bool *tie)
{
	*tie = false;
	for (size_t i = 0; i < n; i++) {
		if (!fl_match_matches(&l[i].r->match, k))
			continue;
		for (size_t j = i + 1; j < n && l[j].r->priority == l[i].r->priority; j++) {
			if (fl_match_matches(&l[j].r->match, k)) {
				*tie = true;
				break;
			}
		}
		return l[i].r;
	}
	return NULL;
}

static struct fl_cls_rule *rand_rule(void)
{
	struct fl_cls_rule *r = calloc(1, sizeof(*r));
	struct fl_key k;

	assert_non_null(r);
	/* Catch-all rules are rare (1 in 2000) so that some keys match nothing. */
	shape_mask((int)(rnd() % 2000 ? 1 + rnd() % (N_SHAPES - 1) : 0), &r->match.mask);
	rand_key(&k);
	for (int w = 0; w < FL_KEY_WORDS; w++)
		r->match.value.u64[w] = k.u64[w] & r->match.mask.u64[w];
	/* Catch-all rules low, the others over 0..511: ~20 rules per priority, so equal-priority
	 * overlaps (ties) happen often. */
	r->priority =
	    (uint16_t)(r->match.mask.u64[0] | r->match.mask.u64[1] | r->match.mask.u64[2] |
	                       r->match.mask.u64[3] | r->match.mask.u64[4]
	                   ? rnd() % 512
	                   : rnd() % 8);
	return r;
}

static void model_insert(struct fl_cls *cls, struct model *md, struct fl_cls_rule *r)
{
	struct fl_cls_rule *old;

	assert_int_equal(fl_cls_insert(cls, r, &old), 0);
	if (old) {
		for (size_t i = 0; i < md->n; i++) {
			if (md->order[i] == old) {
				md->order[i] = r;
				break;
			}
		}
		free(old);
	} else {
		md->order[md->n++] = r;
	}
}

/* Batches of keys for fl_cls_lookup_batch(), of random sizes 1..2 * FL_CLS_BATCH (it takes
 * FL_CLS_BATCH at a time), each key with the answer fl_cls_lookup() must give (the linear
 * scan's). */
#define BATCH_MAX (2 * FL_CLS_BATCH)
struct batch {
	struct fl_key keys[BATCH_MAX];
	const struct fl_cls_rule *want[BATCH_MAX];
	size_t n, size;
};

/* Runs the batch and checks every answer. */
static void batch_flush(const struct fl_cls *cls, struct batch *b)
{
	const struct fl_cls_rule *got[BATCH_MAX];

	fl_cls_lookup_batch(cls, b->keys, b->n, got);
	for (size_t i = 0; i < b->n; i++) {
		if (got[i] != b->want[i])
			fail_msg("batch of %zu, key %zu: batch lookup pri %d, linear scan pri %d",
			         b->n, i, got[i] ? got[i]->priority : -1,
			         b->want[i] ? b->want[i]->priority : -1);
	}
	b->n = 0;
	b->size = 1 + rnd() % BATCH_MAX;
}

static void batch_add(const struct fl_cls *cls, struct batch *b, const struct fl_key *k,
                      const struct fl_cls_rule *want)
{
	b->keys[b->n] = *k;
	b->want[b->n++] = want;
	if (b->n >= b->size)
		batch_flush(cls, b);
}

static void compare(const struct fl_cls *cls, const struct model *md, int n_keys)
{
	struct lin *l = malloc(md->n * sizeof(*l));
	size_t live, hits = 0, ties = 0;

	struct batch b = {.size = BATCH_MAX};

	assert_non_null(l);
	live = lin_build(md, l);
	assert_int_equal(fl_cls_count(cls), live);
	for (int i = 0; i < n_keys; i++) {
		struct fl_key k;
		const struct fl_cls_rule *want, *got;
		bool tie;

		rand_key(&k);
		if (i % 2) { /* built to hit a random live rule: its value, random elsewhere */
			const struct fl_cls_rule *r = NULL;

			while (!r)
				r = md->order[rnd() % md->n];
			for (int w = 0; w < FL_KEY_WORDS; w++)
				k.u64[w] =
				    (k.u64[w] & ~r->match.mask.u64[w]) | r->match.value.u64[w];
		}
		want = linear(l, live, &k, &tie);
		ties += tie;
		got = fl_cls_lookup(cls, &k);
		if (want != got)
			fail_msg("key %d: classifier %p (pri %d), linear scan %p (pri %d)", i,
			         (void *)got, got ? got->priority : -1, (void *)want,
			         want ? want->priority : -1);
		hits += got != NULL;
		batch_add(cls, &b, &k, want);
	}
	batch_flush(cls, &b);
	print_message("%d keys, %zu rules: %zu hits, %zu decided by the tie rule\n", n_keys, live,
	              hits, ties);
	/* The test exercises matches and the tie rule (misses: test_basic). */
	assert_true(hits > (size_t)n_keys / 2);
	assert_true(ties > (size_t)n_keys / 100);
	free(l);
}

static void test_random_vs_linear(void **state)
{
	struct fl_cls *cls = fl_cls_create();
	struct model md = {calloc(3 * N_RULES, sizeof(*md.order)), 0};

	(void)state;
	assert_non_null(md.order);
	for (int i = 0; i < N_RULES; i++)
		model_insert(cls, &md, rand_rule());
	assert_int_equal(fl_cls_subtables(cls), N_SHAPES);
	compare(cls, &md, N_KEYS);
	/* Frozen: the nw_dst prefix filter covers the /24 shape and the two /32 ones. */
	assert_int_equal(fl_cls_freeze(cls), 0);
	assert_int_equal(fl_cls_filtered_subtables(cls), 3);
	compare(cls, &md, N_KEYS);

	/* Churn: remove about half, insert new ones, three rounds. */
	for (int round = 0; round < 3; round++) {
		for (size_t i = 0; i < md.n; i++) {
			if (md.order[i] && rnd() % 2) {
				assert_int_equal(fl_cls_remove(cls, md.order[i]), 0);
				free(md.order[i]);
				md.order[i] = NULL;
			}
		}
		compare(cls, &md, N_KEYS / 10);
		assert_int_equal(fl_cls_freeze(cls), 0);
		compare(cls, &md, N_KEYS / 10);
		for (int i = 0; i < N_RULES / 2 && md.n < 3 * N_RULES; i++)
			model_insert(cls, &md, rand_rule());
		assert_int_equal(fl_cls_filtered_subtables(cls), 0); /* a change drops the filter */
		compare(cls, &md, N_KEYS / 10);
	}
	/* Remove everything. */
	for (size_t i = 0; i < md.n; i++) {
		if (md.order[i]) {
			assert_int_equal(fl_cls_remove(cls, md.order[i]), 0);
			free(md.order[i]);
		}
	}
	assert_int_equal(fl_cls_count(cls), 0);
	assert_int_equal(fl_cls_subtables(cls), 0);
	free(md.order);
	fl_cls_destroy(cls);
}

/* A random address in 10.0.0.0/14 (the rules of the prefix tests live there). */
static uint32_t rand_net4(void)
{
	return 0x0a000000u | (uint32_t)(rnd() % 4) << 16 | (uint32_t)(rnd() & 0xffff);
}

/* Frees the model's rules (NULL: removed) and the classifier. */
static void model_destroy(struct fl_cls *cls, struct model *md)
{
	for (size_t i = 0; i < md->n; i++)
		free(md->order[i]);
	free(md->order);
	fl_cls_destroy(cls);
}

static const struct fl_cls_rule *pf_rule(struct fl_cls *cls, struct model *md, unsigned plen,
                                         uint32_t addr, uint32_t mask_override)
{
	struct fl_cls_rule *r = calloc(1, sizeof(*r));
	uint32_t m = mask_override ? mask_override : plen ? ~0u << (32 - plen) : 0;

	assert_non_null(r);
	r->match.mask.dl_type = 0xffff;
	r->match.value.dl_type = rnd() % 8 ? FL_ETH_IP : FL_ETH_ARP;
	r->match.mask.nw_dst = htonl(m);
	r->match.value.nw_dst = htonl(addr & m);
	if (rnd() % 5 == 0) {
		r->match.mask.nw_proto = 0xff;
		r->match.value.nw_proto = 6;
	}
	r->priority = (uint16_t)(100 + plen + rnd() % 3);
	model_insert(cls, md, r);
	return r;
}

static void pf_compare(const struct fl_cls *cls, const struct model *md, int n_keys)
{
	struct lin *l = malloc(md->n * sizeof(*l));
	size_t live, hits = 0;
	struct batch b = {.size = 1};
	bool tie;

	assert_non_null(l);
	live = lin_build(md, l);
	for (int i = 0; i < n_keys; i++) {
		struct fl_key k = {0};
		uint32_t a = 0x0a000000u | (uint32_t)(rnd() % 8) << 16 | (uint32_t)(rnd() & 0xffff);
		if (i % 2) { /* inside a random rule's prefix */
			const struct fl_cls_rule *r = NULL;
			while (!r)
				r = md->order[rnd() % md->n];
			uint32_t m = ntohl(r->match.mask.nw_dst);
			a = (ntohl(r->match.value.nw_dst) & m) | ((uint32_t)rnd() & ~m);
		}
		k.dl_type = rnd() % 8 ? FL_ETH_IP : FL_ETH_ARP;
		k.nw_proto = rnd() % 2 ? 6 : 17;
		k.nw_dst = htonl(a);
		const struct fl_cls_rule *want = linear(l, live, &k, &tie),
		                         *got = fl_cls_lookup(cls, &k);
		if (want != got)
			fail_msg("key %d (nw_dst %08x): classifier pri %d, linear scan pri %d", i,
			         a, got ? got->priority : -1, want ? want->priority : -1);
		hits += got != NULL;
		batch_add(cls, &b, &k, want);
	}
	batch_flush(cls, &b);
	assert_true(hits > (size_t)n_keys / 4);
	free(l);
}

/* nw_dst prefixes of many lengths (overlapping, some ARP, some with a second field, one
 * subtable with a mask that is not a prefix), keys near the rules and elsewhere: the frozen
 * classifier (prefix filter) gives the linear scan's answer; then too many /16 blocks for a
 * filter: none is built and the answers stay right. */
static void test_prefix_filter(void **state)
{
	static const unsigned lens[] = {0, 8, 16, 17, 20, 23, 24, 25, 28, 31, 32};
	struct fl_cls *cls = fl_cls_create();
	struct model md = {calloc(8000, sizeof(*md.order)), 0};

	(void)state;
	assert_non_null(md.order);
	for (int i = 0; i < 3000; i++)
		pf_rule(cls, &md, lens[rnd() % 11], rand_net4(), 0);
	pf_rule(cls, &md, 0, 0x0a010203, 0xff00ff00); /* not a prefix: never filtered */
	pf_compare(cls, &md, 100000);
	assert_int_equal(fl_cls_freeze(cls), 0);
	/* /17 /20 /23 /24 /25 /28 /31 /32, each with and without nw_proto */
	assert_int_equal(fl_cls_filtered_subtables(cls), 16);
	pf_compare(cls, &md, 200000);
	assert_int_equal(fl_cls_freeze(cls), 0); /* again: the same */
	pf_compare(cls, &md, 20000);

	/* 1,100 more /16 blocks than the filter takes (1,024): no filter, same answers. */
	for (uint32_t b = 0; b < 1100; b++)
		pf_rule(cls, &md, 32, 0x20000000u | b << 16 | 7, 0);
	assert_int_equal(fl_cls_freeze(cls), 0);
	assert_int_equal(fl_cls_filtered_subtables(cls), 0);
	pf_compare(cls, &md, 20000);

	model_destroy(cls, &md);
}

/* Keys that come in runs, as a switch's frames do: consecutive nw_dst addresses (so many keys
 * of a batch agree under a prefix subtable's mask: fl_cls_lookup_batch() probes the first of
 * each run and gives the others its slot), now and then another nw_proto or dl_type, or a jump
 * elsewhere. Every answer is the linear scan's, before and after the prefix filter. */
static void twin_compare(const struct fl_cls *cls, const struct model *md, int n_keys)
{
	struct lin *l = malloc(md->n * sizeof(*l));
	size_t live, hits = 0;
	struct batch b = {.size = BATCH_MAX};
	struct fl_key k = {.dl_type = FL_ETH_IP, .nw_proto = 6};
	uint32_t a = 0x0a000000u;
	bool tie;

	assert_non_null(l);
	live = lin_build(md, l);
	for (int i = 0; i < n_keys; i++) {
		unsigned r = (unsigned)rnd() % 64;
		if (r == 0)
			a = rand_net4();
		else if (r == 1)
			k.nw_proto = k.nw_proto == 6 ? 17 : 6;
		else if (r == 2)
			k.dl_type = k.dl_type == FL_ETH_IP ? FL_ETH_ARP : FL_ETH_IP;
		k.nw_dst = htonl(a++);
		const struct fl_cls_rule *want = linear(l, live, &k, &tie);
		hits += want != NULL;
		batch_add(cls, &b, &k, want);
	}
	batch_flush(cls, &b);
	assert_true(hits > (size_t)n_keys / 4);
	free(l);
}

static void test_batch_twins(void **state)
{
	static const unsigned lens[] = {0, 16, 20, 23, 24, 25, 28, 32};
	struct fl_cls *cls = fl_cls_create();
	struct model md = {calloc(2000, sizeof(*md.order)), 0};

	(void)state;
	assert_non_null(md.order);
	for (int i = 0; i < 1500; i++)
		pf_rule(cls, &md, lens[rnd() % 8], rand_net4(), 0);
	twin_compare(cls, &md, 100000);
	assert_int_equal(fl_cls_freeze(cls), 0);
	assert_true(fl_cls_filtered_subtables(cls) > 0);
	twin_compare(cls, &md, 100000);
	model_destroy(cls, &md);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_basic),
	    cmocka_unit_test(test_ties),
	    cmocka_unit_test(test_random_vs_linear),
	    cmocka_unit_test(test_prefix_filter),
	    cmocka_unit_test(test_batch_twins),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
