/* fdb: lock-free MAC learning table (see fdb.h for the API contract).
 *
 * Layout: open addressing with linear probing over a power-of-two array of 16-byte slots
 * {key, val}, both 64-bit atomics. The capacity is at least twice max_entries, so the load
 * factor of live entries stays <= 1/2.
 *
 *   key: EMPTY (0), TOMB (all ones) or (1 << 63) | vlan << 48 | mac (vlan <= 4095, so a real
 *        key is never 0 and never all ones).
 *   val: 0 while the slot's inserter has not published it yet (treated as absent), else
 *        bits 0-31 last-seen second, bits 32-47 port + 1, bit 48 static flag.
 *
 * Rules that keep it correct without locks:
 *  - A slot's key goes EMPTY -> key (CAS, by a learner or the control thread) -> TOMB (CAS, by
 *    the control thread only) and never changes again until the table is rebuilt. So a value
 *    read from a slot whose key matched always belongs to that key.
 *  - New keys are only ever placed in EMPTY slots, never in tombstones. Two threads inserting
 *    the same key both probe the same chain to its first EMPTY slot; the CAS loser re-reads the
 *    slot, finds its own key and updates it instead. Reusing tombstones would let two inserters
 *    pick different slots and store the key twice. Tombstones are reclaimed by a rebuild
 *    (wf_fdb_needs_rebuild, then create + copy).
 *  - Values change by CAS (learners) or exchange (static add by the control thread), so a
 *    learner never overwrites a static entry installed concurrently.
 *  - n_entries is reserved (fetch_add) before an insert and given back if the insert turns
 *    out not to be needed, so it never exceeds max_entries.
 *  - Refreshing an entry writes only when its second changed: a steady flow costs loads only.
 *
 * Known benign races (documented, not bugs): wf_fdb_age/flush may remove an entry a PMD is
 * refreshing or moving at the same instant; the next frame learns it again.
 */
#include "l2/fdb.h"
#include "l2/fdb_cfg.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define FDB_KEY_EMPTY  UINT64_C(0)
#define FDB_KEY_TOMB   UINT64_MAX
#define FDB_KEY_MARK   (UINT64_C(1) << 63)
#define FDB_VLAN_MAX   4095
#define FDB_MIN_SLOTS  64
#define FDB_VAL_STATIC (UINT64_C(1) << 48)
#define FDB_BULK_CHUNK 32

struct wf_fdb_slot {
	_Atomic uint64_t key;
	_Atomic uint64_t val;
};

struct wf_fdb {
	/* Read-mostly: shared by all PMDs. */
	struct wf_fdb_slot *slots;
	uint64_t mask;   /* number of slots - 1 */
	uint64_t secret; /* odd, random per table: see fdb_home() */
	uint32_t max_entries;
	_Atomic uint32_t aging_s;

	/* Written by learners when inserting or on non-refresh outcomes. */
	_Alignas(64) _Atomic uint32_t n_entries;
	_Atomic uint64_t n_learned;
	_Atomic uint64_t n_moved;
	_Atomic uint64_t n_full;

	/* Control thread only. */
	_Alignas(64) uint64_t n_aged;
	uint64_t n_tombs;
};

/* --- encoding ------------------------------------------------------------------------------ */

static inline uint64_t fdb_key(uint16_t vlan, const uint8_t mac[6])
{
	uint32_t hi;
	uint16_t lo;

	/* Two loads, not six: the MAC's first four bytes, then its last two, big-endian. */
	memcpy(&hi, mac, 4);
	memcpy(&lo, mac + 4, 2);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	hi = __builtin_bswap32(hi);
	lo = __builtin_bswap16(lo);
#endif
	return FDB_KEY_MARK | (uint64_t)vlan << 48 | (uint64_t)hi << 16 | lo;
}

static inline bool fdb_key_valid(uint64_t k)
{
	return k != FDB_KEY_EMPTY && k != FDB_KEY_TOMB;
}

static inline uint64_t fdb_val(uint16_t port, bool is_static, uint32_t seen)
{
	return (is_static ? FDB_VAL_STATIC : 0) | (uint64_t)(port + 1u) << 32 | seen;
}

static inline uint16_t fdb_val_port(uint64_t v)
{
	return (uint16_t)((v >> 32) & 0xffff) - 1;
}

static inline bool fdb_val_static(uint64_t v)
{
	return (v & FDB_VAL_STATIC) != 0;
}

static inline uint32_t fdb_val_seen(uint64_t v)
{
	return (uint32_t)v;
}

/* Seconds since 'seen'; 0 if 'seen' is ahead of 'now' (another PMD's clock read later). */
static inline uint32_t fdb_idle(uint64_t v, uint32_t now)
{
	uint32_t d = now - fdb_val_seen(v);

	return d > INT32_MAX ? 0 : d;
}

static inline bool fdb_val_expired(uint64_t v, uint32_t now, uint32_t aging_s)
{
	return !fdb_val_static(v) && fdb_idle(v, now) > aging_s;
}

/* Visible to lookups: published, and static or not expired. */
static inline bool fdb_val_live(uint64_t v, uint32_t now, uint32_t aging_s)
{
	return v != 0 && !fdb_val_expired(v, now, aging_s);
}

/* Home slot of 'key': CRC32-C (one instruction where the CPU has it, else the Murmur3 64-bit
 * finalizer) of the key multiplied by the table's secret, an odd number drawn at random when
 * the table is created. Without the secret the hash is public, and a guest choosing its
 * source MACs could give them all one home slot: CRC32-C is linear, so such a set is a few
 * lines of algebra away, and each of its MACs then costs a walk as long as the set. Multiplying
 * by an odd number the guest does not know (a bijection, so distinct keys stay distinct) hides
 * the home slots; on the key sets tested (sequential, strided, one MAC on every VLAN, and that
 * algebraic set: dataplane/tests/test_fdb_hash.c, tests/system/mac-collide.sh) probe lengths
 * measure as with a random function. Open vSwitch's MAC table and Linux's bridge also hash
 * with a per-table random secret. */
static inline uint64_t fdb_home(const struct wf_fdb *fdb, uint64_t key)
{
	uint64_t k = key * fdb->secret;

#if defined(__SSE4_2__) && defined(__x86_64__)
	k = __builtin_ia32_crc32di(0, k);
#else
	k ^= k >> 33;
	k *= UINT64_C(0xff51afd7ed558ccd);
	k ^= k >> 33;
	k *= UINT64_C(0xc4ceb9fe1a85ec53);
	k ^= k >> 33;
#endif
	return k & fdb->mask;
}

/* An odd 64-bit number from the kernel's random source, without waiting for it; should that
 * fail (a pool not yet ready early at boot, no getrandom(2) in a sandbox), one from the clock
 * and the table's address: weaker, and unlikely to repeat. */
static uint64_t fdb_secret(const struct wf_fdb *fdb)
{
	struct timespec ts;
	uint64_t s;

	if (getrandom(&s, sizeof(s), GRND_NONBLOCK) != (ssize_t)sizeof(s)) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		s = (uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec << 32 ^ (uint64_t)(uintptr_t)fdb;
		s *= UINT64_C(0x9e3779b97f4a7c15);
	}
	return s | 1;
}

/* --- life cycle ---------------------------------------------------------------------------- */

struct wf_fdb *wf_fdb_create(const struct wf_fdb_params *params)
{
	struct wf_fdb *fdb;
	uint64_t n_slots;

	if (params == NULL || params->max_entries == 0 || params->max_entries > WF_FDB_MAX_SIZE ||
	    params->aging_s == 0) {
		errno = EINVAL;
		return NULL;
	}
	n_slots = FDB_MIN_SLOTS;
	while (n_slots < 2 * (uint64_t)params->max_entries)
		n_slots <<= 1;

	fdb = aligned_alloc(64, sizeof(*fdb));
	if (fdb == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	memset(fdb, 0, sizeof(*fdb));
	/* calloc: zero pages come lazily from the kernel; all-zero slots are EMPTY. 16-byte
	 * alignment is enough: a slot then never straddles two cache lines. */
	fdb->slots = calloc(n_slots, sizeof(*fdb->slots));
	if (fdb->slots == NULL) {
		free(fdb);
		errno = ENOMEM;
		return NULL;
	}
	fdb->mask = n_slots - 1;
	fdb->secret = fdb_secret(fdb);
	fdb->max_entries = params->max_entries;
	atomic_init(&fdb->aging_s, params->aging_s);
	return fdb;
}

void wf_fdb_destroy(struct wf_fdb *fdb)
{
	if (fdb == NULL)
		return;
	free(fdb->slots);
	free(fdb);
}

void wf_fdb_get_params(const struct wf_fdb *fdb, struct wf_fdb_params *params)
{
	params->max_entries = fdb->max_entries;
	params->aging_s = atomic_load_explicit(&fdb->aging_s, memory_order_relaxed);
}

void wf_fdb_set_aging(struct wf_fdb *fdb, uint32_t aging_s)
{
	if (aging_s == 0)
		return; /* out of range: the table keeps its aging time */
	atomic_store_explicit(&fdb->aging_s, aging_s, memory_order_relaxed);
}

/* --- PMD side ------------------------------------------------------------------------------ */

/* Returns the value stored for 'key' probing from slot 'i', 0 if absent. */
static inline uint64_t fdb_probe(const struct wf_fdb *fdb, uint64_t key, uint64_t i)
{
	for (uint64_t n = 0; n <= fdb->mask; n++, i = (i + 1) & fdb->mask) {
		struct wf_fdb_slot *s = &fdb->slots[i];
		uint64_t k = atomic_load_explicit(&s->key, memory_order_acquire);

		if (k == key)
			return atomic_load_explicit(&s->val, memory_order_acquire);
		if (k == FDB_KEY_EMPTY)
			return 0;
	}
	return 0;
}

uint16_t wf_fdb_lookup(const struct wf_fdb *fdb, uint16_t vlan, const uint8_t mac[6], uint32_t now)
{
	uint64_t key, v;

	if (vlan > FDB_VLAN_MAX)
		return WF_FDB_PORT_NONE;
	key = fdb_key(vlan, mac);
	v = fdb_probe(fdb, key, fdb_home(fdb, key));
	if (!fdb_val_live(v, now, atomic_load_explicit(&fdb->aging_s, memory_order_relaxed)))
		return WF_FDB_PORT_NONE;
	return fdb_val_port(v);
}

unsigned wf_fdb_lookup_bulk(const struct wf_fdb *fdb, const uint16_t *vlans,
                            const uint8_t *const *macs, unsigned n, uint32_t now, uint16_t *ports)
{
	uint32_t aging_s = atomic_load_explicit(&fdb->aging_s, memory_order_relaxed);
	uint64_t keys[FDB_BULK_CHUNK], idx[FDB_BULK_CHUNK];
	unsigned hits = 0;

	for (unsigned base = 0; base < n; base += FDB_BULK_CHUNK) {
		unsigned m = n - base < FDB_BULK_CHUNK ? n - base : FDB_BULK_CHUNK;

		/* Pass 1: hash every key and start fetching its home slot. */
		for (unsigned j = 0; j < m; j++) {
			keys[j] = fdb_key(vlans[base + j], macs[base + j]);
			idx[j] = fdb_home(fdb, keys[j]);
			__builtin_prefetch(&fdb->slots[idx[j]], 0, 3);
		}
		/* Pass 2: probe; the home slots are (mostly) in cache by now. */
		for (unsigned j = 0; j < m; j++) {
			uint64_t v = 0;

			if (vlans[base + j] <= FDB_VLAN_MAX)
				v = fdb_probe(fdb, keys[j], idx[j]);
			if (fdb_val_live(v, now, aging_s)) {
				ports[base + j] = fdb_val_port(v);
				hits++;
			} else {
				ports[base + j] = WF_FDB_PORT_NONE;
			}
		}
	}
	return hits;
}

static inline void fdb_stat_inc(_Atomic uint64_t *c)
{
	atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

/* Reserves room for one new entry: false if the table is at its limit. */
static bool fdb_reserve(struct wf_fdb *fdb)
{
	uint32_t n = atomic_load_explicit(&fdb->n_entries, memory_order_relaxed);

	do {
		if (n >= fdb->max_entries)
			return false;
	} while (!atomic_compare_exchange_weak_explicit(
	    &fdb->n_entries, &n, n + 1, memory_order_relaxed, memory_order_relaxed));
	return true;
}

static void fdb_unreserve(struct wf_fdb *fdb)
{
	atomic_fetch_sub_explicit(&fdb->n_entries, 1, memory_order_relaxed);
}

/* Finds the slot holding 'key', inserting it into the first EMPTY slot of its chain if absent.
 * On return *inserted tells whether this call inserted it (its val is then still 0 and the
 * caller must publish it). NULL if absent and there is no room (limit reached, or no EMPTY
 * slot left in the chain). */
static struct wf_fdb_slot *fdb_find_or_insert(struct wf_fdb *fdb, uint64_t key, bool *inserted)
{
	uint64_t i = fdb_home(fdb, key);
	bool reserved = false;

	*inserted = false;
	for (uint64_t n = 0; n <= fdb->mask; n++, i = (i + 1) & fdb->mask) {
		struct wf_fdb_slot *s = &fdb->slots[i];
		uint64_t k = atomic_load_explicit(&s->key, memory_order_acquire);

		if (k == FDB_KEY_EMPTY) {
			if (!reserved && !fdb_reserve(fdb))
				return NULL;
			reserved = true;
			if (atomic_compare_exchange_strong_explicit(
			        &s->key, &k, key, memory_order_acq_rel, memory_order_acquire)) {
				*inserted = true;
				return s;
			}
			/* Lost the race for this slot: k now holds the winner's key. */
		}
		if (k == key) {
			if (reserved)
				fdb_unreserve(fdb);
			return s;
		}
	}
	if (reserved)
		fdb_unreserve(fdb); /* no EMPTY slot left: only a rebuild helps */
	return NULL;
}

/* Learner update of an existing slot. */
static enum wf_fdb_learn_result fdb_update(struct wf_fdb *fdb, struct wf_fdb_slot *s, uint16_t port,
                                           uint32_t now)
{
	uint32_t aging_s = atomic_load_explicit(&fdb->aging_s, memory_order_relaxed);
	uint64_t v = atomic_load_explicit(&s->val, memory_order_acquire);
	enum wf_fdb_learn_result res;
	uint64_t nv;

	do {
		if (v == 0)
			return WF_FDB_REFRESHED; /* another learner is publishing it right now */
		if (fdb_val_static(v))
			return fdb_val_port(v) == port ? WF_FDB_REFRESHED : WF_FDB_STATIC_KEPT;
		if (fdb_val_expired(v, now, aging_s)) {
			res = WF_FDB_LEARNED; /* was invisible: it is new again */
		} else if (fdb_val_port(v) != port) {
			res = WF_FDB_MOVED;
		} else {
			if (fdb_idle(v, now) == 0)
				return WF_FDB_REFRESHED; /* same second (or older clock): no store
				                          */
			res = WF_FDB_REFRESHED;
		}
		nv = fdb_val(port, false, now);
	} while (!atomic_compare_exchange_weak_explicit(&s->val, &v, nv, memory_order_acq_rel,
	                                                memory_order_acquire));

	if (res == WF_FDB_LEARNED)
		fdb_stat_inc(&fdb->n_learned);
	else if (res == WF_FDB_MOVED)
		fdb_stat_inc(&fdb->n_moved);
	return res;
}

enum wf_fdb_learn_result wf_fdb_learn(struct wf_fdb *fdb, uint16_t vlan, const uint8_t mac[6],
                                      uint16_t port, uint32_t now)
{
	struct wf_fdb_slot *s;
	bool inserted;

	if (vlan > FDB_VLAN_MAX || port == WF_FDB_PORT_NONE || (mac[0] & 1))
		return WF_FDB_INVALID;

	s = fdb_find_or_insert(fdb, fdb_key(vlan, mac), &inserted);
	if (s == NULL) {
		fdb_stat_inc(&fdb->n_full);
		return WF_FDB_FULL;
	}
	if (inserted) {
		uint64_t zero = 0;

		/* Fails only if the control thread made it static meanwhile: that one wins. */
		atomic_compare_exchange_strong_explicit(&s->val, &zero, fdb_val(port, false, now),
		                                        memory_order_acq_rel, memory_order_relaxed);
		fdb_stat_inc(&fdb->n_learned);
		return WF_FDB_LEARNED;
	}
	return fdb_update(fdb, s, port, now);
}

/* --- control side -------------------------------------------------------------------------- */

int wf_fdb_add_static(struct wf_fdb *fdb, uint16_t vlan, const uint8_t mac[6], uint16_t port)
{
	struct wf_fdb_slot *s;
	bool inserted;

	/* Never a group address: multicast and broadcast always flood, and the learning
	 * switch relies on the table holding none (l2/switch.c, runs of one verdict). */
	if (vlan > FDB_VLAN_MAX || port == WF_FDB_PORT_NONE || (mac[0] & 1))
		return -EINVAL;
	s = fdb_find_or_insert(fdb, fdb_key(vlan, mac), &inserted);
	if (s == NULL)
		return -ENOSPC;
	/* Exchange, not CAS: replaces whatever a learner stored; their CAS then fails. */
	atomic_exchange_explicit(&s->val, fdb_val(port, true, 0), memory_order_acq_rel);
	return 0;
}

/* Tombstones slot 's' if it still holds 'key'. True if this call removed it. */
static bool fdb_remove_slot(struct wf_fdb *fdb, struct wf_fdb_slot *s, uint64_t key)
{
	if (!atomic_compare_exchange_strong_explicit(&s->key, &key, FDB_KEY_TOMB,
	                                             memory_order_acq_rel, memory_order_relaxed))
		return false;
	atomic_fetch_sub_explicit(&fdb->n_entries, 1, memory_order_relaxed);
	fdb->n_tombs++;
	return true;
}

int wf_fdb_del(struct wf_fdb *fdb, uint16_t vlan, const uint8_t mac[6])
{
	uint64_t key, i;

	if (vlan > FDB_VLAN_MAX)
		return -ENOENT;
	key = fdb_key(vlan, mac);
	i = fdb_home(fdb, key);
	for (uint64_t n = 0; n <= fdb->mask; n++, i = (i + 1) & fdb->mask) {
		struct wf_fdb_slot *s = &fdb->slots[i];
		uint64_t k = atomic_load_explicit(&s->key, memory_order_acquire);

		if (k == key)
			return fdb_remove_slot(fdb, s, key) ? 0 : -ENOENT;
		if (k == FDB_KEY_EMPTY)
			break;
	}
	return -ENOENT;
}

unsigned wf_fdb_flush(struct wf_fdb *fdb, uint16_t port, bool include_static)
{
	unsigned n_removed = 0;

	for (uint64_t i = 0; i <= fdb->mask; i++) {
		struct wf_fdb_slot *s = &fdb->slots[i];
		uint64_t k = atomic_load_explicit(&s->key, memory_order_acquire);
		uint64_t v;

		if (!fdb_key_valid(k))
			continue;
		v = atomic_load_explicit(&s->val, memory_order_acquire);
		if (fdb_val_static(v) && !include_static)
			continue;
		/* An unpublished entry (v == 0) has no port yet: only a flush of all ports takes
		 * it. */
		if (port != WF_FDB_PORT_NONE && (v == 0 || fdb_val_port(v) != port))
			continue;
		if (fdb_remove_slot(fdb, s, k))
			n_removed++;
	}
	return n_removed;
}

unsigned wf_fdb_age(struct wf_fdb *fdb, uint32_t now)
{
	uint32_t aging_s = atomic_load_explicit(&fdb->aging_s, memory_order_relaxed);
	unsigned n_removed = 0;

	for (uint64_t i = 0; i <= fdb->mask; i++) {
		struct wf_fdb_slot *s = &fdb->slots[i];
		uint64_t k = atomic_load_explicit(&s->key, memory_order_acquire);
		uint64_t v;

		if (!fdb_key_valid(k))
			continue;
		v = atomic_load_explicit(&s->val, memory_order_acquire);
		if (v != 0 && fdb_val_expired(v, now, aging_s) && fdb_remove_slot(fdb, s, k))
			n_removed++;
	}
	fdb->n_aged += n_removed;
	return n_removed;
}

unsigned wf_fdb_count(const struct wf_fdb *fdb)
{
	return atomic_load_explicit(&fdb->n_entries, memory_order_relaxed);
}

void wf_fdb_get_stats(const struct wf_fdb *fdb, struct wf_fdb_stats *stats)
{
	stats->n_learned = atomic_load_explicit(&fdb->n_learned, memory_order_relaxed);
	stats->n_moved = atomic_load_explicit(&fdb->n_moved, memory_order_relaxed);
	stats->n_aged = fdb->n_aged;
	stats->n_full = atomic_load_explicit(&fdb->n_full, memory_order_relaxed);
}

void wf_fdb_walk(const struct wf_fdb *fdb, uint32_t now,
                 int (*cb)(const struct wf_fdb_entry *, void *arg), void *arg)
{
	uint32_t aging_s = atomic_load_explicit(&fdb->aging_s, memory_order_relaxed);

	for (uint64_t i = 0; i <= fdb->mask; i++) {
		struct wf_fdb_slot *s = &fdb->slots[i];
		uint64_t k = atomic_load_explicit(&s->key, memory_order_acquire);
		struct wf_fdb_entry e;
		uint64_t v;

		if (!fdb_key_valid(k))
			continue;
		v = atomic_load_explicit(&s->val, memory_order_acquire);
		if (!fdb_val_live(v, now, aging_s))
			continue;
		memset(&e, 0, sizeof(e));
		e.vlan = (k >> 48) & 0x7fff;
		for (int b = 0; b < 6; b++)
			e.mac[b] = (uint8_t)(k >> (40 - 8 * b));
		e.port = fdb_val_port(v);
		e.is_static = fdb_val_static(v);
		e.age_s = e.is_static ? 0 : fdb_idle(v, now);
		if (cb(&e, arg) != 0)
			return;
	}
}

unsigned wf_fdb_copy(struct wf_fdb *dst, const struct wf_fdb *src, uint32_t now)
{
	uint32_t aging_s = atomic_load_explicit(&src->aging_s, memory_order_relaxed);
	unsigned n_copied = 0;

	for (uint64_t i = 0; i <= src->mask; i++) {
		struct wf_fdb_slot *s = &src->slots[i], *d;
		uint64_t k = atomic_load_explicit(&s->key, memory_order_acquire);
		bool inserted;
		uint64_t v;

		if (!fdb_key_valid(k))
			continue;
		v = atomic_load_explicit(&s->val, memory_order_acquire);
		if (!fdb_val_live(v, now, aging_s))
			continue;
		d = fdb_find_or_insert(dst, k, &inserted);
		if (d == NULL)
			continue; /* beyond dst's limit: dropped */
		atomic_store_explicit(&d->val, v, memory_order_release);
		n_copied++;
	}
	/* The replacement table carries the history: counters do not restart at a rebuild. */
	atomic_fetch_add(&dst->n_learned, atomic_load(&src->n_learned));
	atomic_fetch_add(&dst->n_moved, atomic_load(&src->n_moved));
	atomic_fetch_add(&dst->n_full, atomic_load(&src->n_full));
	dst->n_aged += src->n_aged;
	return n_copied;
}

void wf_fdb_scan(const struct wf_fdb *fdb, struct wf_fdb_scan_result *res)
{
	uint64_t longest = 0;

	res->n_static = 0;
	for (uint64_t i = 0; i <= fdb->mask; i++) {
		uint64_t k = atomic_load_explicit(&fdb->slots[i].key, memory_order_acquire);

		if (fdb_key_valid(k)) {
			uint64_t d = (i - fdb_home(fdb, k)) & fdb->mask;
			uint64_t v = atomic_load_explicit(&fdb->slots[i].val, memory_order_acquire);

			longest = d > longest ? d : longest;
			res->n_static += fdb_val_static(v);
		}
	}
	res->displacement_max = (unsigned)longest;
}

bool wf_fdb_needs_rebuild(const struct wf_fdb *fdb)
{
	return fdb->n_tombs > (fdb->mask + 1) / 4;
}
