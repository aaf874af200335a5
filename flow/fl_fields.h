/* fl_fields.h: the one list of match fields of the flow library (X-macro).
 *
 * Each entry is _(ID, "name", "alias", kind, member, bits, maskable, prereq, writable):
 *  - ID: enum fl_field value FL_F_<ID>, in list order (the list order is NOT the print order;
 *    fl_print.c prints in ovs-ofctl's order).
 *  - "name": the ovs-ofctl name, the one the printer uses; "alias": a second accepted spelling
 *    (OXM-style), or NULL.
 *  - kind: how the value is spelled (FL_FK_*, below); member: the struct fl_key member that
 *    stores it (several fields share one member, as in OVS: arp_spa is nw_src of an ARP frame,
 *    icmp_type is tp_src of an ICMP packet, dl_vlan is a part of vlan_tci).
 *  - bits: width of the value the user may write (the member may be wider).
 *  - maskable: VALUE/MASK accepted.
 *  - prereq: what the rest of the match must pin for the field to be meaningful (FL_PRE_*);
 *    a match or a set_field action violating it is refused, like OXM prerequisites in OVS.
 *  - writable: usable as the destination of set_field.
 *
 * Why an X-macro: the parser's name lookup, the prerequisite check, set_field and the tests all
 * walk the same table, so a field added here is parsed, checked and round-trip tested at once.
 */
#ifndef FL_FIELDS_H
#define FL_FIELDS_H

/* How a field's value is spelled and stored. */
enum fl_field_kind {
	FL_FK_INT,  /* decimal or 0x-hex unsigned integer of 'bits' bits, host order */
	FL_FK_PORT, /* OpenFlow port: number, LOCAL, or a name through fl_port_map */
	FL_FK_MAC,  /* xx:xx:xx:xx:xx:xx */
	FL_FK_IP,   /* dotted quad, mask as /N or dotted; network byte order in struct fl_key */
	FL_FK_VID,  /* dl_vlan: 0..4095 (a tag with that VID), or 0xffff (no tag) */
	FL_FK_PCP,  /* dl_vlan_pcp: 0..7 (a tag with that PCP) */
	FL_FK_TOS,  /* nw_tos: 0..255, the two ECN bits are ignored */
	FL_FK_DSCP, /* ip_dscp: 0..63, stored as nw_tos = dscp << 2 */
};

/* Prerequisites. */
enum fl_prereq {
	FL_PRE_NONE,
	FL_PRE_IP_ARP, /* dl_type=0x0800 or 0x0806 */
	FL_PRE_IP,     /* dl_type=0x0800 */
	FL_PRE_ARP,    /* dl_type=0x0806 */
	FL_PRE_L4,     /* ip and nw_proto 6, 17 or 132 (tcp, udp, sctp) */
	FL_PRE_ICMP,   /* ip and nw_proto 1 */
	FL_PRE_TCP,    /* ip and nw_proto 6 */
	FL_PRE_UDP,    /* ip and nw_proto 17 */
};

/* clang-format off */
#define FL_FIELDS(_)                                                                               \
	_(TUN_ID,    "tun_id",      "tunnel_id",   FL_FK_INT,  tun_id,   64, 1, FL_PRE_NONE,   1)   \
	_(IN_PORT,   "in_port",     NULL,          FL_FK_PORT, in_port,  32, 0, FL_PRE_NONE,   1)   \
	_(DL_VLAN,   "dl_vlan",     NULL,          FL_FK_VID,  vlan_tci, 16, 0, FL_PRE_NONE,   1)   \
	_(DL_VLAN_PCP, "dl_vlan_pcp", "vlan_pcp",  FL_FK_PCP,  vlan_tci, 3,  0, FL_PRE_NONE,   1)   \
	_(VLAN_TCI,  "vlan_tci",    NULL,          FL_FK_INT,  vlan_tci, 16, 1, FL_PRE_NONE,   1)   \
	_(DL_SRC,    "dl_src",      "eth_src",     FL_FK_MAC,  dl_src,   48, 1, FL_PRE_NONE,   1)   \
	_(DL_DST,    "dl_dst",      "eth_dst",     FL_FK_MAC,  dl_dst,   48, 1, FL_PRE_NONE,   1)   \
	_(DL_TYPE,   "dl_type",     "eth_type",    FL_FK_INT,  dl_type,  16, 0, FL_PRE_NONE,   0)   \
	_(NW_SRC,    "nw_src",      "ip_src",      FL_FK_IP,   nw_src,   32, 1, FL_PRE_IP_ARP, 1)   \
	_(NW_DST,    "nw_dst",      "ip_dst",      FL_FK_IP,   nw_dst,   32, 1, FL_PRE_IP_ARP, 1)   \
	_(NW_PROTO,  "nw_proto",    "ip_proto",    FL_FK_INT,  nw_proto, 8,  0, FL_PRE_IP_ARP, 0)   \
	_(NW_TOS,    "nw_tos",      NULL,          FL_FK_TOS,  nw_tos,   8,  0, FL_PRE_IP,     1)   \
	_(IP_DSCP,   "ip_dscp",     NULL,          FL_FK_DSCP, nw_tos,   6,  0, FL_PRE_IP,     1)   \
	_(TP_SRC,    "tp_src",      NULL,          FL_FK_INT,  tp_src,   16, 1, FL_PRE_L4,     1)   \
	_(TP_DST,    "tp_dst",      NULL,          FL_FK_INT,  tp_dst,   16, 1, FL_PRE_L4,     1)   \
	_(ARP_OP,    "arp_op",      NULL,          FL_FK_INT,  nw_proto, 8,  0, FL_PRE_ARP,    1)   \
	_(ARP_SPA,   "arp_spa",     NULL,          FL_FK_IP,   nw_src,   32, 1, FL_PRE_ARP,    1)   \
	_(ARP_TPA,   "arp_tpa",     NULL,          FL_FK_IP,   nw_dst,   32, 1, FL_PRE_ARP,    1)   \
	_(ICMP_TYPE, "icmp_type",   "icmpv4_type", FL_FK_INT,  tp_src,   8,  0, FL_PRE_ICMP,   1)   \
	_(ICMP_CODE, "icmp_code",   "icmpv4_code", FL_FK_INT,  tp_dst,   8,  0, FL_PRE_ICMP,   1)   \
	_(TCP_SRC,   "tcp_src",     NULL,          FL_FK_INT,  tp_src,   16, 1, FL_PRE_TCP,    1)   \
	_(TCP_DST,   "tcp_dst",     NULL,          FL_FK_INT,  tp_dst,   16, 1, FL_PRE_TCP,    1)   \
	_(UDP_SRC,   "udp_src",     NULL,          FL_FK_INT,  tp_src,   16, 1, FL_PRE_UDP,    1)   \
	_(UDP_DST,   "udp_dst",     NULL,          FL_FK_INT,  tp_dst,   16, 1, FL_PRE_UDP,    1)
/* clang-format on */

enum fl_field {
#define FL_FIELD_ENUM(id, name, alias, kind, member, bits, maskable, prereq, writable) FL_F_##id,
	FL_FIELDS(FL_FIELD_ENUM)
#undef FL_FIELD_ENUM
	    FL_F__COUNT
};

#endif
