/* fdb, control side (main lcore only): creating, sizing, static entries, flush, aging, walks
 * and rebuilds of the MAC learning tables whose datapath side (and contract) is l2/fdb.h. */
#ifndef WF_FDB_CFG_H
#define WF_FDB_CFG_H

#include <stdbool.h>
#include <stdint.h>

#include "l2/fdb.h"

/* Returns a new empty table, or NULL (errno set: EINVAL if 'params' is out of range — max_entries
 * 1..WF_FDB_MAX_SIZE, aging_s >= 1 — or ENOMEM). Memory is sized from max_entries. */
struct wf_fdb *wf_fdb_create(const struct wf_fdb_params *params);
void wf_fdb_destroy(struct wf_fdb *);
void wf_fdb_get_params(const struct wf_fdb *, struct wf_fdb_params *);
/* Changes the aging time in place (control thread). 0 is out of range and ignored. */
void wf_fdb_set_aging(struct wf_fdb *, uint32_t aging_s);

/* Adds or replaces a static entry (never ages, never moves). 0, -ENOSPC when full, -EINVAL if
 * vlan > 4095, port is WF_FDB_PORT_NONE or mac is a group (multicast, broadcast) address. */
int wf_fdb_add_static(struct wf_fdb *, uint16_t vlan, const uint8_t mac[6], uint16_t port);
/* Removes one entry (static or dynamic). 0 or -ENOENT. */
int wf_fdb_del(struct wf_fdb *, uint16_t vlan, const uint8_t mac[6]);
/* Removes dynamic entries (and static ones if 'include_static') of 'port', or of every port
 * if 'port' is WF_FDB_PORT_NONE. Returns the number removed. */
unsigned wf_fdb_flush(struct wf_fdb *, uint16_t port, bool include_static);
/* Removes dynamic entries idle for more than the aging time. Returns the number removed. */
unsigned wf_fdb_age(struct wf_fdb *, uint32_t now);
/* Number of entries currently stored (static included). */
unsigned wf_fdb_count(const struct wf_fdb *);
void wf_fdb_get_stats(const struct wf_fdb *, struct wf_fdb_stats *);
/* Calls cb for every live entry, in no particular order. Stops early if cb returns non-zero. */
void wf_fdb_walk(const struct wf_fdb *, uint32_t now,
                 int (*cb)(const struct wf_fdb_entry *, void *arg), void *arg);
/* Copies every live entry of 'src' into 'dst' (used to resize a table: build the new one,
 * copy, publish by RCU, free the old after a grace period), and adds src's counters to dst's.
 * Returns the number copied; entries beyond dst's limit are dropped. */
unsigned wf_fdb_copy(struct wf_fdb *dst, const struct wf_fdb *src, uint32_t now);

/* One pass over the table (16 bytes a slot, two slots per entry of the limit: 128 MiB at the
 * largest size; control thread): the static entries, and the longest displacement of a stored
 * entry from its home slot, which is the most slots a lookup that finds its key walks past the
 * first. A lookup that misses walks on to the end of its run of occupied slots (tombstones
 * included), which can be longer. Both small (tens) at any size unless keys collide. */
struct wf_fdb_scan_result {
	unsigned n_static;
	unsigned displacement_max;
};
void wf_fdb_scan(const struct wf_fdb *, struct wf_fdb_scan_result *);

/* True when removals have left enough dead slots that lookups slow down; the control thread
 * then rebuilds: wf_fdb_create() + wf_fdb_copy() + RCU publish + wf_fdb_destroy(old). */
bool wf_fdb_needs_rebuild(const struct wf_fdb *);

#endif
