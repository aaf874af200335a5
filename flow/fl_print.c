/* fl_print.c: the match printer, in ovs-ofctl's field order, and small print helpers. */
#include <string.h>

#include <arpa/inet.h>

#include "fl_priv.h"

void fl_print_port(FILE *f, uint32_t port, const struct fl_port_map *ports)
{
	const char *name = NULL;

	if (ports && ports->port_name)
		name = ports->port_name(ports->arg, port);
	if (name)
		fputs(name, f);
	else if (port == FL_PORT_LOCAL)
		fputs("LOCAL", f);
	else
		fprintf(f, "%u", port);
}

void fl_print_ip(FILE *f, uint32_t ip_be)
{
	const uint8_t *b = (const uint8_t *)&ip_be;

	fprintf(f, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
}

void fl_print_mac(FILE *f, const uint8_t mac[6])
{
	fprintf(f, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

/* Starts an item: a comma unless it is the first. */
static void item(FILE *f, bool *first)
{
	if (!*first)
		fputc(',', f);
	*first = false;
}

static void print_ip_field(FILE *f, bool *first, const char *name, uint32_t v, uint32_t m)
{
	uint32_t hm = ntohl(m);

	if (!m)
		return;
	item(f, first);
	fprintf(f, "%s=", name);
	fl_print_ip(f, v);
	if (m == UINT32_MAX)
		return;
	if ((~hm & (~hm + 1)) == 0) { /* hm is a prefix mask: its complement is 2^k - 1 */
		fprintf(f, "/%d", 32 - __builtin_ctz(hm));
	} else {
		fputc('/', f);
		fl_print_ip(f, m);
	}
}

static void print_mac_field(FILE *f, bool *first, const char *name, const uint8_t *v,
                            const uint8_t *m)
{
	static const uint8_t zero[6], ones[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

	if (!memcmp(m, zero, 6))
		return;
	item(f, first);
	fprintf(f, "%s=", name);
	fl_print_mac(f, v);
	if (memcmp(m, ones, 6)) {
		fputc('/', f);
		fl_print_mac(f, m);
	}
}

static void print_u16_field(FILE *f, bool *first, const char *name, uint16_t v, uint16_t m)
{
	if (!m)
		return;
	item(f, first);
	if (m == 0xffff)
		fprintf(f, "%s=%u", name, v);
	else
		fprintf(f, "%s=0x%x/0x%x", name, v, m);
}

static void print_vlan(FILE *f, bool *first, uint16_t v, uint16_t m)
{
	uint16_t vid_m = m & FL_VLAN_VID, pcp_m = m & FL_VLAN_PCP;

	if (!m)
		return;
	item(f, first);
	if ((m & FL_VLAN_CFI) && (v & FL_VLAN_CFI) && (!vid_m || vid_m == FL_VLAN_VID) &&
	    (!pcp_m || pcp_m == FL_VLAN_PCP) && (vid_m || pcp_m)) {
		if (vid_m)
			fprintf(f, "dl_vlan=%u", (unsigned)(v & FL_VLAN_VID));
		if (vid_m && pcp_m)
			fputc(',', f);
		if (pcp_m)
			fprintf(f, "dl_vlan_pcp=%u", (unsigned)(v >> 13));
	} else if (m == 0xffff) {
		fprintf(f, "vlan_tci=0x%04x", v);
	} else {
		fprintf(f, "vlan_tci=0x%04x/0x%04x", v, m);
	}
}

void fl_print_match(FILE *f, const struct fl_match *m, unsigned priority, bool force_priority,
                    const struct fl_port_map *ports)
{
	const struct fl_key *v = &m->value, *k = &m->mask;
	bool first = true, proto_done = false, is_arp = false, is_icmp = false;
	bool type_done = false;

	if (priority != FL_PRIORITY_DEFAULT || force_priority) {
		item(f, &first);
		fprintf(f, "priority=%u", priority);
	}
	if (k->dl_type == 0xffff && v->dl_type == FL_ETH_IP) {
		const char *sh = "ip";

		type_done = true;
		if (k->nw_proto == 0xff) {
			proto_done = true;
			switch (v->nw_proto) {
			case 1:
				sh = "icmp";
				is_icmp = true;
				break;
			case 6:
				sh = "tcp";
				break;
			case 17:
				sh = "udp";
				break;
			case 132:
				sh = "sctp";
				break;
			default:
				proto_done = false;
			}
		}
		item(f, &first);
		fputs(sh, f);
	} else if (k->dl_type == 0xffff && v->dl_type == FL_ETH_ARP) {
		is_arp = type_done = true;
		item(f, &first);
		fputs("arp", f);
	}
	if (k->tun_id) {
		item(f, &first);
		if (k->tun_id == UINT64_MAX)
			fprintf(f, "tun_id=0x%llx", (unsigned long long)v->tun_id);
		else
			fprintf(f, "tun_id=0x%llx/0x%llx", (unsigned long long)v->tun_id,
			        (unsigned long long)k->tun_id);
	}
	if (k->in_port) {
		item(f, &first);
		fputs("in_port=", f);
		fl_print_port(f, v->in_port, ports);
	}
	print_vlan(f, &first, v->vlan_tci, k->vlan_tci);
	print_mac_field(f, &first, "dl_src", v->dl_src, k->dl_src);
	print_mac_field(f, &first, "dl_dst", v->dl_dst, k->dl_dst);
	if (k->dl_type && !type_done) {
		item(f, &first);
		if (k->dl_type == 0xffff)
			fprintf(f, "dl_type=0x%04x", v->dl_type);
		else
			fprintf(f, "dl_type=0x%04x/0x%04x", v->dl_type, k->dl_type);
	}
	print_ip_field(f, &first, is_arp ? "arp_spa" : "nw_src", v->nw_src, k->nw_src);
	print_ip_field(f, &first, is_arp ? "arp_tpa" : "nw_dst", v->nw_dst, k->nw_dst);
	if (k->nw_proto && !proto_done) {
		item(f, &first);
		fprintf(f, "%s=%u", is_arp ? "arp_op" : "nw_proto", v->nw_proto);
	}
	if (k->nw_tos) {
		item(f, &first);
		fprintf(f, "nw_tos=%u", v->nw_tos);
	}
	if (is_icmp) {
		if (k->tp_src) {
			item(f, &first);
			fprintf(f, "icmp_type=%u", v->tp_src);
		}
		if (k->tp_dst) {
			item(f, &first);
			fprintf(f, "icmp_code=%u", v->tp_dst);
		}
	} else {
		print_u16_field(f, &first, "tp_src", v->tp_src, k->tp_src);
		print_u16_field(f, &first, "tp_dst", v->tp_dst, k->tp_dst);
	}
}
