/* fl_cls.c: tuple-space search classifier (see fl_cls.h and flow/README.md). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fl_cls.h"
#include "fl_priv.h"

/* One slot of a subtable's open-addressing (linear probing) hash table: the head of the list
 * of rules sharing one match, best first. head == NULL: empty. */
struct fl_slot {
	uint32_t hash;
	struct fl_cls_rule *head;
};

struct fl_subtable {
	struct fl_key mask;
	uint8_t words[FL_KEY_WORDS]; /* indices of the non-zero words of 'mask' */
	unsigned n_words;
	uint16_t max_pri; /* highest priority of the subtable's rules */
	uint64_t min_seq; /* lowest seq_ among the rules of priority max_pri */
	size_t n_rules;   /* rules (every list member) */
	size_t n_used;    /* occupied slots (distinct matches) */
	size_t cap;       /* power of two */
	struct fl_slot *slots;
	uint64_t pf_bit; /* its bit in the prefix filter's answers; 0: not filtered */
};

struct fl_cls {
	struct fl_subtable **subs; /* sorted by max_pri desc, then min_seq asc */
	size_t n_subs, cap_subs;
	size_t n_rules;
	uint64_t next_seq;
	struct fl_pfx *pf; /* nw_dst prefix filter (fl_cls_freeze()), or NULL */
};

/* Hash of 'key' masked by the subtable's mask (over its non-zero words only): CRC32-C where
 * the CPU has it (one instruction per word), else a multiply-xorshift per word. Not keyed,
 * unlike the MAC table's (l2/fdb.c): what fills a subtable is the controller's flows; a
 * packet only looks up, and finds its slot's chain as the rules made it. */
static inline uint32_t hash_masked(const struct fl_subtable *st, const struct fl_key *key)
{
#if defined(__SSE4_2__) && defined(__x86_64__)
	uint64_t h = 0;

	for (unsigned i = 0; i < st->n_words; i++) {
		unsigned w = st->words[i];

		h = __builtin_ia32_crc32di(h, key->u64[w] & st->mask.u64[w]);
	}
	return (uint32_t)h;
#else
	uint64_t h = 0x9e3779b97f4a7c15ull;

	for (unsigned i = 0; i < st->n_words; i++) {
		unsigned w = st->words[i];

		h ^= key->u64[w] & st->mask.u64[w];
		h *= 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	h *= 0xc4ceb9fe1a85ec53ull;
	return (uint32_t)(h ^ (h >> 29));
#endif
}

static inline bool eq_masked(const struct fl_subtable *st, const struct fl_key *key,
                             const struct fl_key *value)
{
	for (unsigned i = 0; i < st->n_words; i++) {
		unsigned w = st->words[i];

		if ((key->u64[w] & st->mask.u64[w]) != value->u64[w])
			return false;
	}
	return true;
}

/* Do keys a and b agree on every bit of the subtable's mask (so a probe gives both the same
 * slot)? */
static inline bool same_masked(const struct fl_subtable *st, const struct fl_key *a,
                               const struct fl_key *b)
{
	for (unsigned i = 0; i < st->n_words; i++) {
		unsigned w = st->words[i];

		if ((a->u64[w] ^ b->u64[w]) & st->mask.u64[w])
			return false;
	}
	return true;
}

/* Slot holding the rules whose value matches 'key', or the empty slot where they would go. */
static struct fl_slot *probe(const struct fl_subtable *st, const struct fl_key *key, uint32_t h)
{
	size_t m = st->cap - 1;

	for (size_t i = h & m;; i = (i + 1) & m) {
		struct fl_slot *s = &st->slots[i];

		if (!s->head || (s->hash == h && eq_masked(st, key, &s->head->match.value)))
			return s;
	}
}

static inline bool better(const struct fl_cls_rule *a, const struct fl_cls_rule *b)
{
	return a->priority > b->priority || (a->priority == b->priority && a->seq_ < b->seq_);
}

/* Subtable order: could 'a' hold a better rule than 'b' can? */
static inline bool sub_before(const struct fl_subtable *a, const struct fl_subtable *b)
{
	return a->max_pri > b->max_pri || (a->max_pri == b->max_pri && a->min_seq < b->min_seq);
}

/* Restores the order after subtable 'i' changed (insertion sort step, both directions). */
static void resort(struct fl_cls *cls, size_t i)
{
	struct fl_subtable *st = cls->subs[i];

	while (i > 0 && sub_before(st, cls->subs[i - 1])) {
		cls->subs[i] = cls->subs[i - 1];
		i--;
	}
	while (i + 1 < cls->n_subs && sub_before(cls->subs[i + 1], st)) {
		cls->subs[i] = cls->subs[i + 1];
		i++;
	}
	cls->subs[i] = st;
}

static size_t sub_index(const struct fl_cls *cls, const struct fl_subtable *st)
{
	for (size_t i = 0;; i++) {
		if (cls->subs[i] == st)
			return i;
	}
}

static bool sub_owned(const struct fl_cls *cls, const struct fl_subtable *st)
{
	for (size_t i = 0; i < cls->n_subs; i++) {
		if (cls->subs[i] == st)
			return true;
	}
	return false;
}

struct fl_cls *fl_cls_create(void)
{
	return calloc(1, sizeof(struct fl_cls));
}

/* Drops what fl_cls_freeze() built: the classifier is about to change. */
static void thaw(struct fl_cls *cls)
{
	if (!cls->pf)
		return;
	fl_pfx_destroy(cls->pf);
	cls->pf = NULL;
	for (size_t i = 0; i < cls->n_subs; i++)
		cls->subs[i]->pf_bit = 0;
}

/* The length of the nw_dst prefix subtable 'st' matches, or 0 if its nw_dst mask is not a
 * prefix (or empty). */
static unsigned dst_plen(const struct fl_subtable *st)
{
	uint32_t m = ntohl(st->mask.nw_dst);
	unsigned n = (unsigned)__builtin_popcount(m);
	return n && m == ~0u << (32 - n) ? n : 0;
}

int fl_cls_freeze(struct fl_cls *cls)
{
	size_t n = 0;
	int ret = 0;

	thaw(cls);
	for (size_t i = 0; i < cls->n_subs && i < 64; i++)
		n += dst_plen(cls->subs[i]) >= 17;
	if (n < 2)
		return 0; /* nothing to choose between */
	if (!(cls->pf = fl_pfx_create()))
		return -ENOMEM;
	for (size_t i = 0; i < cls->n_subs && i < 64 && !ret; i++) {
		struct fl_subtable *st = cls->subs[i];
		unsigned plen = dst_plen(st);
		if (plen >= 17)
			st->pf_bit = 1ull << i;
		for (size_t j = 0; st->pf_bit && j < st->cap && !ret; j++)
			if (st->slots[j].head)
				ret = fl_pfx_add(cls->pf,
				                 ntohl(st->slots[j].head->match.value.nw_dst), plen,
				                 st->pf_bit);
	}
	if (ret < 0) {
		thaw(cls);                      /* also clears the bits set so far */
		return ret == -E2BIG ? 0 : ret; /* too many /16 blocks: no filter */
	}
	return 0;
}

void fl_cls_destroy(struct fl_cls *cls)
{
	if (!cls)
		return;
	fl_pfx_destroy(cls->pf);
	for (size_t i = 0; i < cls->n_subs; i++) {
		free(cls->subs[i]->slots);
		free(cls->subs[i]);
	}
	free(cls->subs);
	free(cls);
}

static struct fl_subtable *sub_find(const struct fl_cls *cls, const struct fl_key *mask)
{
	for (size_t i = 0; i < cls->n_subs; i++) {
		if (!memcmp(&cls->subs[i]->mask, mask, sizeof(*mask)))
			return cls->subs[i];
	}
	return NULL;
}

static struct fl_subtable *sub_create(struct fl_cls *cls, const struct fl_key *mask)
{
	struct fl_subtable *st;

	if (cls->n_subs == cls->cap_subs) {
		size_t cap = cls->cap_subs ? 2 * cls->cap_subs : 8;
		struct fl_subtable **subs = realloc(cls->subs, cap * sizeof(*subs));

		if (!subs)
			return NULL;
		cls->subs = subs;
		cls->cap_subs = cap;
	}
	st = calloc(1, sizeof(*st));
	if (!st)
		return NULL;
	st->cap = 8;
	st->slots = calloc(st->cap, sizeof(*st->slots));
	if (!st->slots) {
		free(st);
		return NULL;
	}
	st->mask = *mask;
	for (unsigned w = 0; w < FL_KEY_WORDS; w++) {
		if (mask->u64[w])
			st->words[st->n_words++] = (uint8_t)w;
	}
	/* Appended empty; placed by resort() once it holds a rule. */
	cls->subs[cls->n_subs++] = st;
	return st;
}

static void sub_free(struct fl_cls *cls, struct fl_subtable *st)
{
	size_t i = sub_index(cls, st);

	memmove(&cls->subs[i], &cls->subs[i + 1], (cls->n_subs - i - 1) * sizeof(cls->subs[0]));
	cls->n_subs--;
	free(st->slots);
	free(st);
}

/* Doubles the slot array. 0 or -ENOMEM (unchanged). */
static int sub_grow(struct fl_subtable *st)
{
	size_t cap = st->cap * 2;
	struct fl_slot *slots = calloc(cap, sizeof(*slots)), *old = st->slots;

	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < st->cap; i++) {
		size_t j;

		if (!old[i].head)
			continue;
		for (j = old[i].hash & (cap - 1); slots[j].head; j = (j + 1) & (cap - 1))
			;
		slots[j] = old[i];
	}
	st->slots = slots;
	st->cap = cap;
	free(old);
	return 0;
}

/* Empties slot 's' keeping every probe sequence intact (backward-shift deletion). */
static void slot_delete(struct fl_subtable *st, struct fl_slot *s)
{
	size_t m = st->cap - 1, i = (size_t)(s - st->slots), j = i;

	for (;;) {
		size_t home;

		j = (j + 1) & m;
		if (!st->slots[j].head)
			break;
		home = st->slots[j].hash & m;
		/* Slot j may move to i if its home is not cyclically in (i, j]. */
		if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
			st->slots[i] = st->slots[j];
			i = j;
		}
	}
	st->slots[i].head = NULL;
	st->slots[i].hash = 0;
}

/* Recomputes max_pri / min_seq from the list heads (each head is its list's best). */
static void sub_rescan(struct fl_subtable *st)
{
	const struct fl_cls_rule *best = NULL;

	for (size_t i = 0; i < st->cap; i++) {
		if (st->slots[i].head && (!best || better(st->slots[i].head, best)))
			best = st->slots[i].head;
	}
	st->max_pri = best ? best->priority : 0;
	st->min_seq = best ? best->seq_ : 0;
}

int fl_cls_insert(struct fl_cls *cls, struct fl_cls_rule *rule, struct fl_cls_rule **replaced)
{
	struct fl_subtable *st;
	struct fl_cls_rule **pp;
	struct fl_slot *s;
	uint32_t h;

	if (replaced)
		*replaced = NULL;
	if (rule->st_)
		return -EBUSY;
	thaw(cls);
	for (int w = 0; w < FL_KEY_WORDS; w++) {
		if (rule->match.value.u64[w] & ~rule->match.mask.u64[w])
			return -EINVAL;
	}
	st = sub_find(cls, &rule->match.mask);
	if (!st && !(st = sub_create(cls, &rule->match.mask)))
		return -ENOMEM;
	if ((st->n_used + 1) * 2 > st->cap && sub_grow(st)) {
		if (!st->n_rules)
			sub_free(cls, st);
		return -ENOMEM;
	}
	h = hash_masked(st, &rule->match.value);
	s = probe(st, &rule->match.value, h);
	rule->next_ = NULL;
	rule->st_ = st;
	if (!s->head) {
		s->hash = h;
		s->head = rule;
		st->n_used++;
		rule->seq_ = cls->next_seq++;
	} else {
		for (pp = &s->head; *pp && (*pp)->priority > rule->priority; pp = &(*pp)->next_)
			;
		if (*pp && (*pp)->priority == rule->priority) {
			struct fl_cls_rule *old = *pp;

			rule->seq_ = old->seq_;
			rule->next_ = old->next_;
			*pp = rule;
			old->st_ = NULL;
			old->next_ = NULL;
			if (replaced)
				*replaced = old;
			return 0; /* same priority and seq: the order does not change */
		}
		rule->seq_ = cls->next_seq++;
		rule->next_ = *pp;
		*pp = rule;
	}
	if (!st->n_rules || rule->priority > st->max_pri) {
		st->max_pri = rule->priority;
		st->min_seq = rule->seq_;
	}
	st->n_rules++;
	cls->n_rules++;
	resort(cls, sub_index(cls, st));
	return 0;
}

int fl_cls_remove(struct fl_cls *cls, struct fl_cls_rule *rule)
{
	struct fl_subtable *st = rule->st_;
	struct fl_cls_rule **pp;
	struct fl_slot *s;

	if (!st || !sub_owned(cls, st))
		return -ENOENT;
	thaw(cls);
	s = probe(st, &rule->match.value, hash_masked(st, &rule->match.value));
	for (pp = &s->head; *pp && *pp != rule; pp = &(*pp)->next_)
		;
	if (!*pp)
		return -ENOENT;
	*pp = rule->next_;
	rule->next_ = NULL;
	rule->st_ = NULL;
	if (!s->head) {
		slot_delete(st, s);
		st->n_used--;
	}
	st->n_rules--;
	cls->n_rules--;
	if (!st->n_rules) {
		sub_free(cls, st);
		return 0;
	}
	if (rule->priority == st->max_pri)
		sub_rescan(st);
	resort(cls, sub_index(cls, st));
	return 0;
}

/* Does 'best' beat every rule subtable 'st' can hold? (fl_cls_lookup()'s stopping rule.) */
static inline bool beaten(const struct fl_cls_rule *best, const struct fl_subtable *st)
{
	return best && (best->priority > st->max_pri ||
	                (best->priority == st->max_pri && best->seq_ < st->min_seq));
}

const struct fl_cls_rule *fl_cls_lookup(const struct fl_cls *cls, const struct fl_key *key)
{
	const struct fl_cls_rule *best = NULL;
	uint64_t cand = cls->pf ? fl_pfx_candidates(cls->pf, ntohl(key->nw_dst)) : 0;

	for (size_t i = 0; i < cls->n_subs; i++) {
		const struct fl_subtable *st = cls->subs[i];
		const struct fl_slot *s;

		if (beaten(best, st))
			break;
		if (st->pf_bit & ~cand)
			continue; /* the filter: no rule of it covers key's nw_dst */
		s = probe(st, key, hash_masked(st, key));
		if (s->head && (!best || better(s->head, best)))
			best = s->head;
	}
	return best;
}

/* The prefix filter's answers for a batch of keys, by runs: keys[start[r] .. start[r + 1])
 * share the candidates c[r] (fl_pfx_candidates()) since their nw_dst share a /24 (the filter
 * answers per /24, fl_pfx.c). Frames of one flow, or of neighbouring addresses, arrive
 * together: a burst is usually a few runs, so most keys cost one comparison here. */
struct batch_runs {
	size_t n;
	uint8_t start[FL_CLS_BATCH + 1];
	uint64_t c[FL_CLS_BATCH];
};

static void batch_filter(const struct fl_cls *cls, const struct fl_key *keys, size_t n,
                         struct batch_runs *br)
{
	uint32_t prev24 = 0;
	br->n = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t a = ntohl(keys[i].nw_dst);
		if (i && a >> 8 == prev24)
			continue;
		prev24 = a >> 8;
		br->start[br->n] = (uint8_t)i;
		br->c[br->n++] = fl_pfx_candidates(cls->pf, a);
	}
	br->start[br->n] = (uint8_t)n;
}

/* The keys (indices into keys[0..n)) subtable 'st' must be probed for, into ks: those whose
 * candidates name it. Returns their number. */
static size_t batch_select(const struct batch_runs *br, const struct fl_subtable *st, uint8_t *ks)
{
	size_t nk = 0;
	for (size_t r = 0; r < br->n; r++)
		if (br->c[r] & st->pf_bit)
			for (size_t i = br->start[r]; i < br->start[r + 1]; i++)
				ks[nk++] = (uint8_t)i;
	return nk;
}

void fl_cls_lookup_batch(const struct fl_cls *cls, const struct fl_key *keys, size_t n,
                         const struct fl_cls_rule **best)
{
	for (; n > FL_CLS_BATCH; n -= FL_CLS_BATCH, keys += FL_CLS_BATCH, best += FL_CLS_BATCH)
		fl_cls_lookup_batch(cls, keys, FL_CLS_BATCH, best);
	struct batch_runs br; /* only br.n is read before it is written */
	uint8_t all[FL_CLS_BATCH], sel[FL_CLS_BATCH];
	uint32_t h[FL_CLS_BATCH];
	uint8_t live[FL_CLS_BATCH], twin[FL_CLS_BATCH], twin_of[FL_CLS_BATCH];
	const struct fl_slot *found[FL_CLS_BATCH];

	for (size_t i = 0; i < n; i++) {
		best[i] = NULL;
		all[i] = (uint8_t)i;
	}
	br.n = 0;
	if (cls->pf)
		batch_filter(cls, keys, n, &br);
	for (size_t si = 0; si < cls->n_subs; si++) {
		const struct fl_subtable *st = cls->subs[si];
		size_t m = st->cap - 1, n_live = 0, n_twins = 0, n_beaten = 0, nk = n;
		const uint8_t *ks = all;

		if (st->pf_bit) { /* a subtable of the prefix filter: its candidate keys only */
			nk = batch_select(&br, st, sel);
			ks = sel;
		}
		/* 1: hash every key still in the race, prefetch its home slot. A key equal to the
		 * previous one under this subtable's mask (frames of one flow, or of one prefix,
		 * arrive together) is its twin: it will get the same slot, unprobed. */
		for (size_t k = 0; k < nk; k++) {
			size_t i = ks[k];
			if (beaten(best[i], st)) {
				n_beaten++;
				continue;
			}
			if (n_live && same_masked(st, &keys[i], &keys[live[n_live - 1]])) {
				twin[n_twins] = (uint8_t)i;
				twin_of[n_twins++] = (uint8_t)(n_live - 1);
				continue;
			}
			h[i] = hash_masked(st, &keys[i]);
			__builtin_prefetch(&st->slots[h[i] & m]);
			live[n_live++] = (uint8_t)i;
		}
		if (!st->pf_bit && n_beaten == n)
			break; /* subtables are in order: no later one can do better either */
		/* 2: the slots are (being) loaded: prefetch the rule a matching hash points to. */
		for (size_t j = 0; j < n_live; j++) {
			const struct fl_slot *s = &st->slots[h[live[j]] & m];
			if (s->head && s->hash == h[live[j]])
				__builtin_prefetch(&s->head->match.value);
		}
		/* 3: probe and compare, as fl_cls_lookup(); then the twins, with their slots. */
		for (size_t j = 0; j < n_live; j++) {
			size_t i = live[j];
			const struct fl_slot *s = found[j] = probe(st, &keys[i], h[i]);
			if (s->head && (!best[i] || better(s->head, best[i])))
				best[i] = s->head;
		}
		for (size_t t = 0; t < n_twins; t++) {
			size_t i = twin[t];
			const struct fl_slot *s = found[twin_of[t]];
			if (s->head && (!best[i] || better(s->head, best[i])))
				best[i] = s->head;
		}
	}
}

struct fl_cls_rule *fl_cls_find_exact(const struct fl_cls *cls, const struct fl_match *match,
                                      uint16_t priority)
{
	struct fl_subtable *st = sub_find(cls, &match->mask);
	struct fl_cls_rule *r;

	if (!st)
		return NULL;
	r = probe(st, &match->value, hash_masked(st, &match->value))->head;
	for (; r && r->priority >= priority; r = r->next_) {
		if (r->priority == priority)
			return fl_match_equal(&r->match, match) ? r : NULL;
	}
	return NULL;
}

size_t fl_cls_count(const struct fl_cls *cls)
{
	return cls->n_rules;
}

size_t fl_cls_subtables(const struct fl_cls *cls)
{
	return cls->n_subs;
}

size_t fl_cls_filtered_subtables(const struct fl_cls *cls)
{
	size_t n = 0;
	for (size_t i = 0; i < cls->n_subs; i++)
		n += cls->subs[i]->pf_bit != 0;
	return n;
}

int fl_cls_for_each(const struct fl_cls *cls, int (*fn)(struct fl_cls_rule *rule, void *arg),
                    void *arg)
{
	for (size_t i = 0; i < cls->n_subs; i++) {
		const struct fl_subtable *st = cls->subs[i];

		for (size_t j = 0; j < st->cap; j++) {
			for (struct fl_cls_rule *r = st->slots[j].head, *next; r; r = next) {
				int rc;

				next = r->next_;
				if ((rc = fn(r, arg)))
					return rc;
			}
		}
	}
	return 0;
}
