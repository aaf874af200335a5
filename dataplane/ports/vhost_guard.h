/* The SIGBUS guard: guest memory that a vhost-user front-end takes away must not kill the
 * dataplane.
 *
 * A front-end shares its memory as files (memfd, hugetlbfs, tmpfs). DPDK 22.11 maps each
 * region without comparing it with the file's size, and a file may shrink after any check:
 * touching a page past the end of the file raises SIGBUS (si_code BUS_ADRERR), by default
 * fatal — in the library's vhost-events thread (rings translated while it handles messages,
 * before any callback of weft) or on a PMD (dequeue or enqueue copies).
 *
 * The guard handles exactly that case: it maps a private zero page over the faulting page
 * (MAP_FIXED: 4 KiB, else 2 MiB or 1 GiB for hugetlbfs mappings) so the access completes
 * (reads give zeros, writes go nowhere), counts the fault and remembers its address in 'rec',
 * sets the faulting thread's flag, and returns. Any other SIGBUS, or a page it cannot
 * replace, gets the default action (the process dies as before).
 *
 * What follows is the port's business (port_vhost.c): a PMD clears its flag before a burst
 * and, when it is set after, drops the burst's frames and asks for a reset of the device;
 * housekeeping resets the device whose memory holds a recorded fault address. The library
 * unmaps the region (zero pages included) when the device goes.
 *
 * Threads: wf_vguard_install() once, main lcore. The flag is thread-local; 'rec' is written
 * by the handler (lock-free atomics) and read by the main lcore. */
#ifndef WF_VHOST_GUARD_H
#define WF_VHOST_GUARD_H

#include <stdbool.h>
#include <stdint.h>

struct wf_vguard_rec {
	_Atomic uint64_t n_faults;   /* pages replaced since start */
	_Atomic uintptr_t last_addr; /* the last faulting address */
};

/* Installs the handler (idempotent); 'rec' must live until the process ends. 0 or -errno. */
int wf_vguard_install(struct wf_vguard_rec *rec);

/* This thread's flag: set by the handler when it replaced a page for this thread. */
extern __thread bool wf_vguard_hit;

#endif /* WF_VHOST_GUARD_H */
