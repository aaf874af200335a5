/* vx_priv.h: helpers shared by the vxlan library's source files. Not part of the API. */
#ifndef VX_PRIV_H
#define VX_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "vxlan.h"

/* Checks the outer Ethernet + IPv4 header of 'frame' (len bytes) up to and including the
 * destination address (reasons TRUNC_ETH .. FOREIGN_DST, in the vx_decap() order). The IPv4
 * checksum is verified only if 'check_cksum'. On VX_R_OK, *ip points at the IPv4 header, whose
 * total length is known to fit in the frame. */
enum vx_reason vx_ipv4_check(const struct vx_vtep *v, const uint8_t *frame, uint32_t len,
                             bool check_cksum, const struct vx_ipv4_hdr **ip);

static inline bool vx_mac_is_zero(const uint8_t *m)
{
	return (m[0] | m[1] | m[2] | m[3] | m[4] | m[5]) == 0;
}

static inline bool vx_mac_is_bcast(const uint8_t *m)
{
	return (m[0] & m[1] & m[2] & m[3] & m[4] & m[5]) == 0xff;
}

/* 224.0.0.0/4; 'ip' in network order. */
static inline bool vx_ip_is_multicast(uint32_t ip)
{
	const uint8_t *b = (const uint8_t *)&ip;

	return (b[0] & 0xf0) == 0xe0;
}

/* Big-endian 16-bit load. */
static inline uint16_t vx_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Skips an Ethernet header and up to two VLAN tags (802.1Q, 802.1ad) at f[*off]: the ethertype
 * after them, *off moved past them; 0 if the frame ends first (*off unchanged). */
static inline uint16_t vx_eth_skip(const uint8_t *f, uint32_t len, uint32_t *off)
{
	uint32_t o = *off;
	if (len < o + VX_ETH_HLEN)
		return 0;
	uint16_t et = vx_rd16(f + o + 12);
	o += VX_ETH_HLEN;
	for (int tags = 0; tags < 2 && (et == VX_ETHERTYPE_VLAN || et == VX_ETHERTYPE_QINQ);
	     tags++) {
		if (len < o + 4)
			return 0;
		et = vx_rd16(f + o + 2);
		o += 4;
	}
	*off = o;
	return et;
}

#endif
