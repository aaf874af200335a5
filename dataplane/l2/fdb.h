/* fdb: one bridge's MAC learning table, keyed by (VLAN, MAC). This header is the datapath
 * side (lookups and learning); l2/fdb_cfg.h is the control side.
 *
 * Concurrency contract (no locks anywhere):
 *  - PMD threads call wf_fdb_lookup(), wf_fdb_lookup_bulk() and wf_fdb_learn() at any time,
 *    from any number of threads at once, on the same table.
 *  - The main (control) thread alone calls everything else: create/destroy, static add/del,
 *    flush, age, walk, copy. Entries it removes may still be read by a PMD that is in the middle
 *    of a lookup; that is harmless (a stale port index is re-validated against the current
 *    config by the caller). wf_fdb_destroy() is called only after an RCU grace period.
 *  - Learning from several PMDs at once is correct: one (VLAN, MAC) is never stored twice.
 *
 * Time is a 32-bit count of seconds on the dataplane clock ('now'): monotonic seconds in live
 * mode, the frame timestamp in pcap replay mode. A dynamic entry not refreshed for more than
 * the aging time is treated as absent by lookups, even before wf_fdb_age() removes it.
 *
 * Port indexes are the dataplane's internal port indexes (0 .. WF_FDB_PORT_NONE-1), not
 * DPDK port ids.
 */
#ifndef WF_FDB_H
#define WF_FDB_H

#include <stdbool.h>
#include <stdint.h>

#define WF_FDB_PORT_NONE     UINT16_MAX
#define WF_FDB_DEFAULT_AGING 300
#define WF_FDB_DEFAULT_SIZE  65536
#define WF_FDB_MAX_SIZE      (4u << 20)

struct wf_fdb;

struct wf_fdb_params {
	uint32_t max_entries; /* table limit: learning stops (and is counted) beyond it */
	uint32_t aging_s;     /* dynamic entries expire after this many idle seconds */
};

/* Outcome of one wf_fdb_learn() call. */
enum wf_fdb_learn_result {
	WF_FDB_REFRESHED,   /* known at this port; timestamp refreshed */
	WF_FDB_LEARNED,     /* new entry */
	WF_FDB_MOVED,       /* known at another port; now at this one */
	WF_FDB_STATIC_KEPT, /* a static entry exists for another port: not changed */
	WF_FDB_FULL,        /* table limit reached: not learned */
	WF_FDB_INVALID,     /* vlan > 4095, port WF_FDB_PORT_NONE or a group (multicast) source
	                     * MAC: not learned, nothing changed */
};

/* One entry, as seen by wf_fdb_walk(). */
struct wf_fdb_entry {
	uint16_t vlan;
	uint8_t mac[6];
	uint16_t port;
	bool is_static;
	uint32_t age_s; /* seconds since last seen ('now' - last seen); 0 for static */
};

/* Counters, updated with relaxed atomics (only on learn outcomes other than REFRESHED, so no
 * per-frame atomic traffic), read by the control thread. */
struct wf_fdb_stats {
	uint64_t n_learned;
	uint64_t n_moved;
	uint64_t n_aged;
	uint64_t n_full; /* learns refused because the table was full */
};

/* PMD side (the control side, table creation included, is l2/fdb_cfg.h). */

/* Returns the port for (vlan, mac), or WF_FDB_PORT_NONE if absent or expired. */
uint16_t wf_fdb_lookup(const struct wf_fdb *, uint16_t vlan, const uint8_t mac[6], uint32_t now);

/* Looks up n keys at once (prefetching), writing ports[i] (WF_FDB_PORT_NONE on miss).
 * 'macs[i]' points at 6 bytes (e.g. straight into a frame). Returns the number of hits. */
unsigned wf_fdb_lookup_bulk(const struct wf_fdb *, const uint16_t *vlans,
                            const uint8_t *const *macs, unsigned n, uint32_t now, uint16_t *ports);

/* Learns that (vlan, mac) was seen on 'port' at 'now'. Never blocks; safe concurrently. */
enum wf_fdb_learn_result wf_fdb_learn(struct wf_fdb *, uint16_t vlan, const uint8_t mac[6],
                                      uint16_t port, uint32_t now);

#endif
