/* fl_extract.c: frame -> struct fl_key, for any frame (fast path: no allocation, no global
 * state); fl_key_extract() in flow.h reads the most common frame inline and calls this for
 * the others. */
#include <string.h>

#include "flow.h"

/* L4 of an IPv4 packet: 'p' .. 'end'. Returns 0, or 1 if truncated. */
static int extract_l4(const uint8_t *p, const uint8_t *end, struct fl_key *k)
{
	switch (k->nw_proto) {
	case 6:   /* TCP */
	case 17:  /* UDP */
	case 132: /* SCTP */
		if (end - p < 4)
			return 1;
		k->tp_src = fl_rd16_(p);
		k->tp_dst = fl_rd16_(p + 2);
		return 0;
	case 1: /* ICMP */
		if (end - p < 2)
			return 1;
		k->tp_src = p[0];
		k->tp_dst = p[1];
		return 0;
	default:
		return 0;
	}
}

static int extract_ipv4(const uint8_t *p, const uint8_t *end, struct fl_key *k)
{
	size_t ihl;
	uint16_t frag;

	if (end - p < 20 || p[0] >> 4 != 4 || (ihl = (size_t)(p[0] & 0xf) * 4) < 20 ||
	    (size_t)(end - p) < ihl)
		return 1;
	k->nw_tos = p[1] & 0xfc;
	k->nw_proto = p[9];
	memcpy(&k->nw_src, p + 12, 4);
	memcpy(&k->nw_dst, p + 16, 4);
	frag = fl_rd16_(p + 6) & 0x1fff;
	if (frag) /* not the first fragment: no L4 header here */
		return 0;
	return extract_l4(p + ihl, end, k);
}

static int extract_arp(const uint8_t *p, const uint8_t *end, struct fl_key *k)
{
	uint16_t op;

	/* htype 1 (Ethernet), ptype 0x0800, hlen 6, plen 4: 28 bytes. */
	if (end - p < 28 || fl_rd16_(p) != 1 || fl_rd16_(p + 2) != FL_ETH_IP || p[4] != 6 ||
	    p[5] != 4)
		return 1;
	op = fl_rd16_(p + 6);
	if (op <= 0xff)
		k->nw_proto = (uint8_t)op;
	memcpy(&k->nw_src, p + 14, 4);
	memcpy(&k->nw_dst, p + 24, 4);
	return 0;
}

int fl_key_extract_any(const uint8_t *frame, size_t len, uint32_t in_port, uint64_t tun_id,
                       struct fl_key *k)
{
	const uint8_t *p = frame, *end;
	uint16_t type;

	memset(k, 0, sizeof(*k));
	k->in_port = in_port;
	k->tun_id = tun_id;
	if (len < 14)
		return 1;
	end = frame + len; /* not before: 'frame' may be NULL when 'len' is 0 */
	memcpy(k->dl_dst, p, 6);
	memcpy(k->dl_src, p + 6, 6);
	type = fl_rd16_(p + 12);
	p += 14;
	if (type == FL_ETH_VLAN) {
		if (end - p < 4) /* a truncated tag: no dl_type, as OVS */
			return 1;
		k->vlan_tci = fl_rd16_(p) | FL_VLAN_CFI;
		type = fl_rd16_(p + 2);
		p += 4;
	}
	if (type < 0x600) {
		k->dl_type = FL_DL_TYPE_NONE;
		return 0;
	}
	k->dl_type = type;
	if (type == FL_ETH_IP)
		return extract_ipv4(p, end, k);
	if (type == FL_ETH_ARP)
		return extract_arp(p, end, k);
	return 0;
}
