/* Partial TCP/UDP checksums on mbufs (see csum.h). */
#include <string.h>

#include "core/csum.h"
#include "core/output.h"
#include "vxlan.h"

void wf_mbuf_write16(struct rte_mbuf *m, uint32_t off, uint16_t v)
{
	const uint8_t *b = (const uint8_t *)&v;
	for (unsigned i = 0; i < 2; i++, off++) {
		struct rte_mbuf *seg = m;
		uint32_t o = off;
		while (seg && o >= seg->data_len) {
			o -= seg->data_len;
			seg = seg->next;
		}
		if (seg)
			rte_pktmbuf_mtod(seg, uint8_t *)[o] = b[i];
	}
}

uint16_t wf_csum_complete_burst(struct wf_thread *t, struct wf_port *p, struct rte_mbuf **pkts,
                                uint16_t n)
{
	uint64_t done = 0;
	uint16_t kept = 0;
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct vx_l4_fix fix;
		uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
		switch (vx_l4_partial(d, rte_pktmbuf_data_len(m), &fix)) {
		case VX_L4_CSUM_PARTIAL:
			memcpy(d + fix.off, &fix.cksum, 2);
			done++;
			break;
		case VX_L4_CSUM_TRUNCATED:
			if (m->nb_segs == 1) {
				p->ctr[t->slot].rx_packets++;
				p->ctr[t->slot].rx_bytes += rte_pktmbuf_pkt_len(m);
				wf_drop(t, p, WF_DROP_RX_TRUNCATED, m);
				continue;
			}
			break; /* the rest is in the next segments: not looked at */
		default:
			break;
		}
		pkts[kept++] = m;
	}
	p->ctr[t->slot].rx_csum_completed += done;
	return kept;
}
