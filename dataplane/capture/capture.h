/* Port capture, datapath side: copies of the frames a port receives or sends, handed to the
 * main lcore (capture_cfg.h writes them to pcapng).
 *
 *   PMD rx burst of port P --(snapshot says P is captured "in")--> wf_capture_burst
 *   tx burst of port P (core/output.c) --("out")-------------------> wf_capture_burst
 *      copy (up to WF_CAP_SNAPLEN bytes) into a record from a mempool -> MP/SC ring
 *   main lcore: wf_capture_poll (capture_cfg.c): ring -> BPF filter -> pcapng -> file/FIFO
 *
 * Cost when no capture runs: one test of s->ports[P].capture per burst (the snapshot port
 * entry the burst already reads). While a capture runs, a full pool or ring drops the copy (the
 * frame itself is untouched) and counts it. Thread-safety: any forwarding thread; the capture
 * object lives as long as a snapshot points to it (freed after a grace period). */
#ifndef WF_CAPTURE_H
#define WF_CAPTURE_H

#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_mbuf.h>

#include "core/ctx.h"

#define WF_CAP_IN      1 /* frames received by the port */
#define WF_CAP_OUT     2 /* frames the port sends */
#define WF_CAP_SNAPLEN 9216

/* One captured frame (a mempool element). */
struct wf_cap_rec {
	uint64_t tsc;
	uint32_t len, caplen; /* original length, bytes kept in data[] */
	uint16_t port;
	uint8_t dir; /* WF_CAP_IN or WF_CAP_OUT */
	uint8_t data[WF_CAP_SNAPLEN];
};

struct wf_capture {
	struct rte_mempool *pool;        /* of struct wf_cap_rec */
	struct rte_ring *ring;           /* multi-producer (forwarding threads), single consumer */
	uint64_t n_lost[WF_MAX_THREADS]; /* copies lost: no record or ring full, per thread */
};

/* Copies pkts[0..n) (which the caller keeps) if port 'port' is captured in direction 'dir'. */
void wf_capture_copy(struct wf_thread *t, struct wf_capture *cap, uint16_t port, uint8_t dir,
                     struct rte_mbuf *const *pkts, uint16_t n);

static inline void wf_capture_burst(struct wf_thread *t, const struct wf_snap *s, uint16_t port,
                                    uint8_t dir, struct rte_mbuf *const *pkts, uint16_t n)
{
	if (unlikely(s->ports[port].capture & dir))
		wf_capture_copy(t, s->capture, port, dir, pkts, n);
}

#endif
