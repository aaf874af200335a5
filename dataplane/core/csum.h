/* Partial TCP/UDP checksums on mbufs (datapath): frames a Linux stack sent with checksum
 * offload (CHECKSUM_PARTIAL) over a software device carry in the checksum field only the
 * pseudo-header sum; DPDK 22.11's net_af_packet and net_af_xdp do not report it (no
 * PACKET_AUXDATA / vnet header, no AF_XDP checksum metadata), so weft recognises it by value
 * (vxlan/vxlan.h: vx_l4_partial()) and completes it as the device would have. */
#ifndef WF_CSUM_H
#define WF_CSUM_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "core/ctx.h"

/* Writes the 2 bytes 'v' (already in network order) at offset 'off' of 'm', across segments
 * if need be. The caller knows off + 2 <= pkt_len. */
void wf_mbuf_write16(struct rte_mbuf *m, uint32_t off, uint16_t v);

/* Completes the partial TCP/UDP checksum of each frame of pkts[0..n) received on 'p' (a port
 * whose class set rx_csum_partial) and counts completions in the port's rx_csum_completed.
 * A one-segment frame whose IPv4/IPv6 length goes beyond it (the port cut it: a veth peer's
 * GSO super-frame through af_packet) is dropped as rx_truncated (counted as received, then
 * dropped, like any ingress drop); a multi-segment frame is left as is (only its first
 * segment is parsed). Returns how many frames remain; they are packed at the start of 'pkts'
 * in their order, otherwise untouched. */
uint16_t wf_csum_complete_burst(struct wf_thread *t, struct wf_port *p, struct rte_mbuf **pkts,
                                uint16_t n);

#endif
