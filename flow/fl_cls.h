/* fl_cls.h: the flow classifier: tuple-space search over struct fl_match rules.
 *
 * Rules with the same mask share a subtable, a hash table keyed by the masked packet key; a
 * lookup probes the subtables in order of their highest priority and stops as soon as no later
 * subtable can hold a better rule (design, costs and the tie rule: flow/README.md).
 *
 * Winner: the matching rule with the highest priority; among matching rules of EQUAL priority,
 * the one inserted first (OVS leaves this undefined; weft makes it deterministic). A rule that
 * replaces another (same match and priority, fl_cls_insert()) takes the replaced rule's place
 * in that order, as an OpenFlow modify does.
 *
 * Ownership: rules are owned by the caller, who embeds struct fl_cls_rule in its own flow object
 * (container_of) and keeps it alive and unchanged while it is inserted. The classifier owns only
 * its index (allocated on insert, freed on remove/destroy).
 *
 * Threads: all functions that change a classifier (insert, remove, destroy) must be called by
 * one thread at a time (the control thread). fl_cls_lookup(), fl_cls_lookup_batch(),
 * fl_cls_find_exact(),
 * fl_cls_count() and fl_cls_for_each() only read: any number of threads may call them at once
 * on a classifier that nobody modifies meanwhile. The dataplane builds a classifier on the
 * control thread, publishes it by RCU and never modifies a published one (it builds a new one
 * instead), so PMDs look up without locks. There is no global state.
 */
#ifndef FL_CLS_H
#define FL_CLS_H

#include <stddef.h>
#include <stdint.h>

#include "flow.h"

struct fl_subtable;

/* A rule, embedded in the caller's object. Set 'match' (normalised: value == value & mask, as
 * fl_flow_parse() produces) and 'priority' before fl_cls_insert(); the other members are
 * private to the classifier. */
struct fl_cls_rule {
	struct fl_match match;
	uint16_t priority; /* higher wins */
	/* private */
	uint64_t seq_;             /* insertion order, for ties */
	struct fl_cls_rule *next_; /* next rule with the same match (lower priority or later) */
	struct fl_subtable *st_;   /* subtable holding the rule; NULL when not inserted */
};

struct fl_cls;

/* A new empty classifier, or NULL (ENOMEM). */
struct fl_cls *fl_cls_create(void);

/* Frees the classifier's index. The rules are the caller's and are not touched (do not
 * fl_cls_remove() them afterwards). NULL is fine. */
void fl_cls_destroy(struct fl_cls *cls);

/* Inserts 'rule'. If a rule with the same match and priority is in, 'rule' replaces it (takes
 * its place in the tie order) and *replaced (if not NULL) is set to the old rule, now out of the
 * classifier and back to the caller; else *replaced = NULL.
 * Returns 0, -EINVAL (value outside the mask), -EBUSY (rule already inserted) or -ENOMEM (the
 * classifier is unchanged). */
int fl_cls_insert(struct fl_cls *cls, struct fl_cls_rule *rule, struct fl_cls_rule **replaced);

/* Removes 'rule' (inserted in 'cls'). Returns 0, or -ENOENT if it is not in 'cls'. Never
 * fails otherwise (no allocation). */
int fl_cls_remove(struct fl_cls *cls, struct fl_cls_rule *rule);

/* Builds the lookup accelerator of a classifier that will not change any more (the dataplane
 * calls it on each table before publishing it): an nw_dst prefix filter (fl_pfx.c) when two or
 * more of the first 64 subtables match nw_dst prefixes of /17../32, so that a lookup probes
 * only the subtables with a rule in the key's /24. Lookups give the same answers with or
 * without it. Any later insert or remove drops it. 0, or -ENOMEM (the classifier then works
 * as before, without the filter). */
int fl_cls_freeze(struct fl_cls *cls);

/* The best rule matching 'key' (see "Winner" above), or NULL. No allocation, no locks, no
 * writes: safe for concurrent readers (see Threads). */
const struct fl_cls_rule *fl_cls_lookup(const struct fl_cls *cls, const struct fl_key *key);

/* The most keys fl_cls_lookup_batch() takes at once. */
#define FL_CLS_BATCH 32

/* best[i] = fl_cls_lookup(cls, &keys[i]) for i < n: the same answers, FL_CLS_BATCH keys at
 * a time. Per subtable, the home slot of every key still in the race is prefetched before any
 * is read, then the rule a slot with the key's hash points to, so that the cache misses of a
 * large table overlap instead of following one another (a key whose slot was displaced by
 * linear probing is probed further without prefetch). With the prefix filter, each key is
 * first listed under its candidate subtables, so a filtered subtable visits only its keys (one
 * or two subtables per key instead of a test by each). Same thread rules as
 * fl_cls_lookup(). */
void fl_cls_lookup_batch(const struct fl_cls *cls, const struct fl_key *keys, size_t n,
                         const struct fl_cls_rule **best);

/* The rule with exactly this match and priority (ovs-ofctl --strict), or NULL. */
struct fl_cls_rule *fl_cls_find_exact(const struct fl_cls *cls, const struct fl_match *match,
                                      uint16_t priority);

/* Number of rules. */
size_t fl_cls_count(const struct fl_cls *cls);

/* Number of subtables (distinct masks), for statistics and tests. */
size_t fl_cls_subtables(const struct fl_cls *cls);

/* Number of subtables the prefix filter of fl_cls_freeze() covers (0: no filter). */
size_t fl_cls_filtered_subtables(const struct fl_cls *cls);

/* Calls fn(rule, arg) for every rule, in no particular order; stops at and returns the first
 * non-zero value fn returns, else 0. fn must not modify the classifier (collect the rules
 * first, then remove them). */
int fl_cls_for_each(const struct fl_cls *cls, int (*fn)(struct fl_cls_rule *rule, void *arg),
                    void *arg);

#endif
