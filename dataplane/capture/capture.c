/* Port capture, datapath side (see capture.h). */
#include <rte_cycles.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "capture/capture.h"

void wf_capture_copy(struct wf_thread *t, struct wf_capture *cap, uint16_t port, uint8_t dir,
                     struct rte_mbuf *const *pkts, uint16_t n)
{
	uint64_t now = rte_rdtsc();
	for (uint16_t i = 0; i < n; i++) {
		struct wf_cap_rec *r;
		if (rte_mempool_get(cap->pool, (void **)&r) < 0) {
			cap->n_lost[t->slot]++;
			continue;
		}
		r->tsc = now;
		r->len = rte_pktmbuf_pkt_len(pkts[i]);
		r->caplen = RTE_MIN(r->len, (uint32_t)WF_CAP_SNAPLEN);
		r->port = port;
		r->dir = dir;
		const void *d = rte_pktmbuf_read(pkts[i], 0, r->caplen, r->data);
		if (d != r->data)
			memcpy(r->data, d, r->caplen);
		if (rte_ring_mp_enqueue(cap->ring, r) < 0) {
			rte_mempool_put(cap->pool, r);
			cap->n_lost[t->slot]++;
		}
	}
}
