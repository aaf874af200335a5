/* neigh: the IPv4 neighbour table of one underlay (VTEP) bridge: next-hop IP -> MAC and the
 * uplink port it was seen on. Used to fill the outer destination MAC of VXLAN frames.
 *
 * Concurrency (no locks): PMDs read entries through pointers the snapshot holds, learn from
 * ARP (wf_neigh_learn) and rate-limit their own ARP requests (wf_neigh_want_request); the main
 * lcore creates entries (wf_neigh_ensure), sets static ones, flushes and lists. Entries are
 * never freed while the table lives, so a pointer stays valid; a flushed entry just becomes
 * unresolved.
 *
 * Policy: a frame whose next hop is unresolved is dropped and counted (drop_neigh_unresolved),
 * and an ARP request goes out at most once a second per neighbour. A dynamic entry older than
 * the timeout is still used while it is refreshed by ARP; older than three timeouts it is
 * unresolved again.
 *
 * This header is the datapath side; vtep/neigh_cfg.h is the control side. */
#ifndef WF_NEIGH_H
#define WF_NEIGH_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define WF_NEIGH_MAX             256
#define WF_NEIGH_DEFAULT_TIMEOUT 300

struct wf_neigh_entry {
	_Atomic uint32_t ip;       /* network order; 0 = free slot */
	_Atomic uint64_t macport;  /* MAC in bits 0..47, port index + 1 in 48..63; 0 = unresolved */
	_Atomic uint32_t updated;  /* dataplane clock of the last ARP seen */
	_Atomic uint32_t last_req; /* dataplane clock of our last request + 1; 0 = never */
	_Atomic bool is_static;
};

struct wf_neigh {
	uint32_t timeout_s;
	_Atomic unsigned n_used; /* slots holding an address */
	struct wf_neigh_entry e[WF_NEIGH_MAX];
};

/* PMD side; the main lcore's side (create, ensure, static entries, flush) is vtep/neigh_cfg.h. */

/* PMD: records that 'ip' is at 'mac' behind 'port' (from an ARP packet). Updates an existing
 * dynamic entry, or creates one if 'create' and at most half the table is in use: the other
 * half stays for the next hops of tunnels (wf_neigh_ensure), so ARP from many senders cannot
 * starve them. Static entries are not changed. */
void wf_neigh_learn(struct wf_neigh *, uint32_t ip, const uint8_t mac[6], uint16_t port,
                    uint32_t now, bool create);

/* PMD: the usable MAC+port of 'e' (0 if unresolved or expired) and whether an ARP request
 * should be sent now (at most one per second per entry, also to refresh an aging entry). */
uint64_t wf_neigh_resolve(struct wf_neigh *, struct wf_neigh_entry *e, uint32_t now,
                          bool *send_request);

/* The usable MAC+port of 'e' as wf_neigh_resolve() says, without side effects (no request
 * accounting): for dry traces. */
uint64_t wf_neigh_peek(const struct wf_neigh *, struct wf_neigh_entry *e, uint32_t now);

static inline uint16_t wf_neigh_port(uint64_t macport)
{
	return (uint16_t)((macport >> 48) - 1);
}

#endif
