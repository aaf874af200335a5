/* fl_pfx.c: the IPv4 destination prefix filter of a classifier (fl_cls_freeze(), fl_cls.h).
 *
 * Which subtables of nw_dst prefixes (/17../32) can hold a rule matching an address? The
 * filter answers with a bitmap of subtable bits, from two loads:
 *
 *   addr  a.b.c.d --(a.b: open-addressing table of the /16 blocks rules fall in)--> block
 *         block->bits[c]  = OR of the bits of the subtables with a rule whose prefix covers
 *                           a.b.c.0/24 (a /23 rule covers 2 such entries, a /17 one 128)
 *
 * No block for a.b: no filtered subtable can match. The answer may include a subtable whose
 * rules in that /24 do not match the address (same /24, other bits): it is then probed as
 * without the filter; it never leaves out a subtable that holds a match. Addresses are in host
 * order here. */
#include <errno.h>
#include <stdlib.h>

#include "fl_priv.h"

#define PFX_MAX_BLOCKS 1024 /* 2 KiB each: at most 2 MiB per table */

struct pfx_slot {
	uint32_t hi1;   /* the /16 (a.b) + 1; 0: empty */
	uint64_t *bits; /* 256 entries, by the third byte */
};

struct fl_pfx {
	size_t n, cap; /* blocks used, slots (a power of two) */
	struct pfx_slot *slots;
};

static size_t pfx_home(uint32_t hi, size_t cap)
{
	return (hi * 0x9e3779b1u >> 8) & (cap - 1);
}

static struct pfx_slot *pfx_find(const struct fl_pfx *p, uint32_t hi)
{
	for (size_t i = pfx_home(hi, p->cap);; i = (i + 1) & (p->cap - 1))
		if (!p->slots[i].hi1 || p->slots[i].hi1 == hi + 1)
			return &p->slots[i];
}

struct fl_pfx *fl_pfx_create(void)
{
	struct fl_pfx *p = calloc(1, sizeof(*p));
	if (p && !(p->slots = calloc(p->cap = 16, sizeof(*p->slots)))) {
		free(p);
		return NULL;
	}
	return p;
}

void fl_pfx_destroy(struct fl_pfx *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->cap; i++)
		free(p->slots[i].bits);
	free(p->slots);
	free(p);
}

static int pfx_grow(struct fl_pfx *p)
{
	struct fl_pfx bigger = {.n = p->n, .cap = p->cap * 2};
	if (!(bigger.slots = calloc(bigger.cap, sizeof(*bigger.slots))))
		return -ENOMEM;
	for (size_t i = 0; i < p->cap; i++)
		if (p->slots[i].hi1)
			*pfx_find(&bigger, p->slots[i].hi1 - 1) = p->slots[i];
	free(p->slots);
	*p = bigger;
	return 0;
}

int fl_pfx_add(struct fl_pfx *p, uint32_t addr, unsigned plen, uint64_t bit)
{
	uint32_t hi = addr >> 16;
	struct pfx_slot *s = pfx_find(p, hi);

	if (plen < 17 || plen > 32)
		return -EINVAL;
	if (!s->hi1) {
		if (p->n == PFX_MAX_BLOCKS)
			return -E2BIG;
		if ((p->n + 1) * 2 > p->cap) {
			if (pfx_grow(p) < 0)
				return -ENOMEM;
			s = pfx_find(p, hi);
		}
		if (!(s->bits = calloc(256, sizeof(*s->bits))))
			return -ENOMEM;
		s->hi1 = hi + 1;
		p->n++;
	}
	unsigned first = (addr >> 8) & 0xff, span = plen >= 24 ? 1 : 1u << (24 - plen);
	for (unsigned i = first & ~(span - 1); i < (first & ~(span - 1)) + span; i++)
		s->bits[i] |= bit;
	return 0;
}

uint64_t fl_pfx_candidates(const struct fl_pfx *p, uint32_t addr)
{
	const struct pfx_slot *s = pfx_find(p, addr >> 16);
	return s->hi1 ? s->bits[(addr >> 8) & 0xff] : 0;
}
