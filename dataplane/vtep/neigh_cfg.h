/* neigh, control side (main lcore only): the neighbour tables whose datapath side (and
 * contract) is vtep/neigh.h. */
#ifndef WF_NEIGH_CFG_H
#define WF_NEIGH_CFG_H

#include <stdbool.h>
#include <stdint.h>

#include "vtep/neigh.h"

/* A new table (entries unresolved after 'timeout_s' x 3 without ARP), or NULL. */
struct wf_neigh *wf_neigh_create(uint32_t timeout_s);
void wf_neigh_destroy(struct wf_neigh *);

/* Main lcore: the entry for 'ip' (created unresolved if absent), NULL if the table is full. */
struct wf_neigh_entry *wf_neigh_ensure(struct wf_neigh *, uint32_t ip);
/* Main lcore: static entry. 0 or -ENOSPC. */
int wf_neigh_set_static(struct wf_neigh *, uint32_t ip, const uint8_t mac[6], uint16_t port);
/* Main lcore: makes dynamic entries (and static ones if 'all') unresolved. Returns how many. */
unsigned wf_neigh_flush(struct wf_neigh *, bool all);

#endif
