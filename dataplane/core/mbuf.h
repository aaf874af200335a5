/* Freeing a port's transmitted (or received and refused) frames, a burst at a time.
 *
 * DPDK 22.11's rte_pktmbuf_free_bulk() is a function of librte_mbuf.so: each call finds the
 * lcore's mempool cache through the shared library's thread-local lcore id, a __tls_get_addr
 * call (about 1 cycle/packet at 32-frame bursts in bench/profile.sh). wf_mbuf_free_bulk() does
 * the same work inline, where the lcore id is the executable's own thread-local variable.
 *
 * Thread-safety: like rte_pktmbuf_free_bulk(): any thread, the frames its own. */
#ifndef WF_MBUF_H
#define WF_MBUF_H

#include <rte_mbuf.h>
#include <rte_mempool.h>

#define WF_MBUF_FREE_CHUNK 64

/* Frees every segment of pkts[0..n) (NULL entries skipped; shared segments only lose a
 * reference, as rte_pktmbuf_free() does), giving the segments back to their pools in runs of
 * one pool. */
static inline void wf_mbuf_free_bulk(struct rte_mbuf **pkts, unsigned n)
{
	void *run[WF_MBUF_FREE_CHUNK];
	struct rte_mempool *pool = NULL;
	unsigned k = 0;

	for (unsigned i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		while (m != NULL) {
			struct rte_mbuf *next = m->next;
			struct rte_mbuf *seg = rte_pktmbuf_prefree_seg(m);

			m = next;
			if (seg == NULL)
				continue; /* still referenced elsewhere */
			if (k == WF_MBUF_FREE_CHUNK || (k && seg->pool != pool)) {
				rte_mempool_put_bulk(pool, run, k);
				k = 0;
			}
			pool = seg->pool;
			run[k++] = seg;
		}
	}
	if (k)
		rte_mempool_put_bulk(pool, run, k);
}

#endif
