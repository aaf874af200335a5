/* fl_frame.c: a flow's match -> an Ethernet frame (what `weftctl trace BR FLOW` injects), and
 * a packet key -> the exact match that prints it. */
#include <errno.h>
#include <string.h>

#include "fl_priv.h"

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* Ones' complement sum of 'n' bytes (n even or odd) added to 'sum'. */
static uint32_t sum16(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)(p[n - 1] << 8);
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

int fl_frame_build(const struct fl_match *m, uint8_t *buf, size_t cap, char **errp)
{
	const struct fl_key *v = &m->value;
	uint8_t *p = buf;

	if (m->mask.tun_id) {
		return fl_err(errp, "tun_id: a traced frame gets it from the tunnel port it "
		                    "arrives by (trace the underlay frame instead)");
	}
	if (cap < FL_FRAME_MAX)
		return fl_err(errp, "frame buffer of %zu bytes: %u needed", cap, FL_FRAME_MAX);
	memset(buf, 0, FL_FRAME_MAX);
	memcpy(p, v->dl_dst, 6);
	memcpy(p + 6, v->dl_src, 6);
	p += 12;
	if (v->vlan_tci & FL_VLAN_CFI) {
		wr16(p, FL_ETH_VLAN);
		wr16(p + 2, v->vlan_tci & (FL_VLAN_VID | FL_VLAN_PCP));
		p += 4;
	}
	uint16_t type = m->mask.dl_type ? v->dl_type : 0;
	if (type == FL_DL_TYPE_NONE)
		type = 0; /* an 802.3 length field: 0 (no payload described) */
	wr16(p, type);
	p += 2;
	if (type == FL_ETH_ARP) {
		wr16(p, 1);
		wr16(p + 2, FL_ETH_IP);
		p[4] = 6;
		p[5] = 4;
		wr16(p + 6, v->nw_proto ? v->nw_proto : 1); /* request unless arp_op says */
		memcpy(p + 8, v->dl_src, 6);
		memcpy(p + 14, &v->nw_src, 4);
		memcpy(p + 24, &v->nw_dst, 4);
		p += 28;
	} else if (type == FL_ETH_IP) {
		uint8_t *l4 = p + 20;
		size_t l4len = 0;
		switch (v->nw_proto) {
		case 6: /* TCP: a SYN */
			wr16(l4, v->tp_src);
			wr16(l4 + 2, v->tp_dst);
			l4[12] = 5 << 4;
			l4[13] = 0x02;
			wr16(l4 + 14, 65535);
			l4len = 20;
			break;
		case 17: /* UDP: 8 bytes of zero payload */
		case 132:
			wr16(l4, v->tp_src);
			wr16(l4 + 2, v->tp_dst);
			l4len = v->nw_proto == 17 ? 16 : 12;
			if (v->nw_proto == 17)
				wr16(l4 + 4, (uint16_t)l4len);
			break;
		case 1: /* ICMP: type, code, id 0, sequence 0 */
			l4[0] = (uint8_t)v->tp_src;
			l4[1] = (uint8_t)v->tp_dst;
			l4len = 8;
			break;
		default:
			break;
		}
		p[0] = 0x45;
		p[1] = v->nw_tos;
		wr16(p + 2, (uint16_t)(20 + l4len));
		p[8] = 64;
		p[9] = v->nw_proto;
		memcpy(p + 12, &v->nw_src, 4);
		memcpy(p + 16, &v->nw_dst, 4);
		wr16(p + 10, fold(sum16(p, 20, 0)));
		if (v->nw_proto == 1) {
			wr16(l4 + 2, fold(sum16(l4, l4len, 0)));
		} else if (v->nw_proto == 6 || v->nw_proto == 17) {
			/* pseudo-header: addresses, protocol, L4 length */
			uint32_t s = sum16(p + 12, 8, 0) + v->nw_proto + (uint32_t)l4len;
			uint16_t c = fold(sum16(l4, l4len, s));
			wr16(l4 + (v->nw_proto == 6 ? 16 : 6),
			     c == 0 && v->nw_proto == 17 ? 0xffff : c);
		}
		p += 20 + l4len;
	}
	size_t len = (size_t)(p - buf);
	return (int)(len < 60 ? 60 : len); /* padded to the Ethernet minimum with zeros */
}

void fl_key_exact_match(const struct fl_key *k, struct fl_match *m)
{
	memset(m, 0, sizeof(*m));
	m->value = *k;
	struct fl_key *x = &m->mask;
	x->in_port = UINT32_MAX;
	if (k->tun_id)
		x->tun_id = UINT64_MAX;
	x->vlan_tci = 0xffff;
	memset(x->dl_src, 0xff, 6);
	memset(x->dl_dst, 0xff, 6);
	x->dl_type = 0xffff;
	if (k->dl_type == FL_ETH_IP || k->dl_type == FL_ETH_ARP) {
		x->nw_src = x->nw_dst = UINT32_MAX;
		x->nw_proto = 0xff;
	}
	if (k->dl_type == FL_ETH_IP) {
		x->nw_tos = 0xfc;
		if (k->nw_proto == 6 || k->nw_proto == 17 || k->nw_proto == 132 || k->nw_proto == 1)
			x->tp_src = x->tp_dst = 0xffff;
		if (k->nw_proto == 1)
			x->tp_src = x->tp_dst = 0xff;
	}
	for (unsigned w = 0; w < FL_KEY_WORDS; w++)
		m->value.u64[w] &= m->mask.u64[w];
}
