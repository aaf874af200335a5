/* Unit tests for the flow parser/printer: round trips for every field and action, malformed
 * flows with their messages, prerequisites, port names, match-only strings. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "flow.h"

/* Port names: "p<N>" <-> N for N < 100; "uplink" <-> 100. */
static int by_name(void *arg, const char *name, uint32_t *ofport)
{
	(void)arg;
	if (!strcmp(name, "uplink")) {
		*ofport = 100;
		return 0;
	}
	if (name[0] == 'p' && name[1] >= '0' && name[1] <= '9' && strlen(name) <= 3) {
		*ofport = (uint32_t)atoi(name + 1);
		return 0;
	}
	return -1;
}

static const char *port_name(void *arg, uint32_t ofport)
{
	static const char *names[] = {"p0", "p1", "p2", "p3", "p4", "p5"};

	(void)arg;
	if (ofport == 100)
		return "uplink";
	return ofport < 6 ? names[ofport] : NULL;
}

static const struct fl_port_map names = {by_name, port_name, NULL};

/* parse -> print -> parse gives the same flow, and printing again the same string. */
static void roundtrip(const char *s, unsigned flags, const struct fl_port_map *ports,
                      const char *want)
{
	bool mo = flags & FL_PARSE_MATCH_ONLY;
	struct fl_flow a, b;
	char *err = NULL, *p1, *p2;
	int rc;

	rc = fl_flow_parse(s, flags, ports, &a, &err);
	if (rc)
		fail_msg("parse '%s': %s", s, err);
	p1 = fl_flow_to_string(&a, mo, ports);
	assert_non_null(p1);
	if (want && strcmp(p1, want))
		fail_msg("'%s' printed as '%s', expected '%s'", s, p1, want);
	rc = fl_flow_parse(p1, flags, ports, &b, &err);
	if (rc)
		fail_msg("reparse '%s' (from '%s'): %s", p1, s, err);
	if (!fl_flow_equal(&a, &b))
		fail_msg("round trip changed '%s' (printed '%s')", s, p1);
	p2 = fl_flow_to_string(&b, mo, ports);
	assert_string_equal(p1, p2);
	free(p1);
	free(p2);
	fl_flow_uninit(&a);
	fl_flow_uninit(&b);
}

static void test_roundtrip_fields(void **state)
{
	static const struct {
		const char *in, *out;
	} t[] = {
	    {"tun_id=5,actions=1", "tun_id=0x5 actions=output:1"},
	    {"tun_id=0x5/0xff,actions=1", "tun_id=0x5/0xff actions=output:1"},
	    {"tunnel_id=0xffffffffffffffff,actions=1",
	     "tun_id=0xffffffffffffffff actions=output:1"},
	    {"in_port=7,actions=1", "in_port=7 actions=output:1"},
	    {"in_port=LOCAL,actions=1", "in_port=LOCAL actions=output:1"},
	    {"dl_vlan=10,actions=1", "dl_vlan=10 actions=output:1"},
	    {"dl_vlan=0xffff,actions=1", "vlan_tci=0x0000 actions=output:1"},
	    {"dl_vlan_pcp=5,actions=1", "dl_vlan_pcp=5 actions=output:1"},
	    {"vlan_pcp=5,dl_vlan=3,actions=1", "dl_vlan=3,dl_vlan_pcp=5 actions=output:1"},
	    {"vlan_tci=0x1005/0x1fff,actions=1", "dl_vlan=5 actions=output:1"},
	    {"vlan_tci=0x0005,actions=1", "vlan_tci=0x0005 actions=output:1"},
	    {"vlan_tci=0x1000/0x1000,actions=1", "vlan_tci=0x1000/0x1000 actions=output:1"},
	    {"dl_src=00:11:22:33:44:55,actions=1", "dl_src=00:11:22:33:44:55 actions=output:1"},
	    {"eth_src=0:1:2:3:4:5/ff:ff:ff:00:00:00,actions=1",
	     "dl_src=00:01:02:00:00:00/ff:ff:ff:00:00:00 actions=output:1"},
	    {"dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,actions=1",
	     "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00 actions=output:1"},
	    {"eth_dst=AA:BB:CC:DD:EE:FF,actions=1", "dl_dst=aa:bb:cc:dd:ee:ff actions=output:1"},
	    {"dl_type=0x88cc,actions=1", "dl_type=0x88cc actions=output:1"},
	    {"dl_type=0x0800,actions=1", "ip actions=output:1"},
	    {"eth_type=2054,actions=1", "arp actions=output:1"},
	    {"ip,nw_src=10.1.2.3,actions=1", "ip,nw_src=10.1.2.3 actions=output:1"},
	    {"ip,ip_src=10.1.2.3/8,actions=1", "ip,nw_src=10.0.0.0/8 actions=output:1"},
	    {"ip,nw_dst=10.1.2.3/255.255.0.255,actions=1",
	     "ip,nw_dst=10.1.0.3/255.255.0.255 actions=output:1"},
	    {"ip,ip_dst=0.0.0.0/0,actions=1", "ip actions=output:1"},
	    {"ip,nw_dst=1.2.3.4/32,actions=1", "ip,nw_dst=1.2.3.4 actions=output:1"},
	    {"ip,nw_proto=47,actions=1", "ip,nw_proto=47 actions=output:1"},
	    {"ip,ip_proto=17,actions=1", "udp actions=output:1"},
	    {"ip,nw_tos=0xff,actions=1", "ip,nw_tos=252 actions=output:1"},
	    {"ip,ip_dscp=46,actions=1", "ip,nw_tos=184 actions=output:1"},
	    {"tcp,tp_src=80,actions=1", "tcp,tp_src=80 actions=output:1"},
	    {"udp,tp_dst=0x1000/0xf000,actions=1", "udp,tp_dst=0x1000/0xf000 actions=output:1"},
	    {"sctp,tp_dst=65535,actions=1", "sctp,tp_dst=65535 actions=output:1"},
	    {"arp,arp_op=2,actions=1", "arp,arp_op=2 actions=output:1"},
	    {"arp,arp_spa=10.0.0.1,arp_tpa=10.0.0.0/24,actions=1",
	     "arp,arp_spa=10.0.0.1,arp_tpa=10.0.0.0/24 actions=output:1"},
	    {"arp,nw_src=10.0.0.1,nw_proto=1,actions=1",
	     "arp,arp_spa=10.0.0.1,arp_op=1 actions=output:1"},
	    {"icmp,icmp_type=8,icmp_code=0,actions=1",
	     "icmp,icmp_type=8,icmp_code=0 actions=output:1"},
	    {"icmp,icmpv4_code=3,actions=1", "icmp,icmp_code=3 actions=output:1"},
	    {"table=7,priority=10,cookie=0xabc,idle_timeout=5,hard_timeout=60,actions=1",
	     "cookie=0xabc, table=7, idle_timeout=5, hard_timeout=60, priority=10 "
	     "actions=output:1"},
	    {"priority=32768,actions=1", "priority=32768 actions=output:1"},
	    {"priority=0 actions=1", "priority=0 actions=output:1"},
	    {"  ip  in_port=1\tactions=1", "ip,in_port=1 actions=output:1"},
	    {"actions=", "actions=drop"},
	    {"actions=drop", "actions=drop"},
	    /* everything at once, in the wrong order */
	    {"tp_dst=2,tp_src=1,nw_tos=8,nw_dst=2.2.2.2,nw_src=1.1.1.1,dl_dst=00:11:22:33:44:66,"
	     "dl_src=00:11:22:33:44:55,dl_vlan_pcp=3,dl_vlan=10,in_port=1,tun_id=5,tcp,priority=9,"
	     "actions=1",
	     "priority=9,tcp,tun_id=0x5,in_port=1,dl_vlan=10,dl_vlan_pcp=3,dl_src=00:11:22:33:44:"
	     "55,"
	     "dl_dst=00:11:22:33:44:66,nw_src=1.1.1.1,nw_dst=2.2.2.2,nw_tos=8,tp_src=1,tp_dst=2 "
	     "actions=output:1"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		roundtrip(t[i].in, 0, NULL, t[i].out);
}

static void test_roundtrip_actions(void **state)
{
	static const struct {
		const char *in, *out;
	} t[] = {
	    {"actions=output:3", "actions=output:3"},
	    {"actions=3,LOCAL,output:LOCAL", "actions=output:3,LOCAL,LOCAL"},
	    {"actions=NORMAL,FLOOD,ALL,IN_PORT", "actions=NORMAL,FLOOD,ALL,IN_PORT"},
	    {"actions=mod_vlan_vid:4095,mod_vlan_pcp:7",
	     "actions=mod_vlan_vid:4095,mod_vlan_pcp:7"},
	    {"actions=strip_vlan,pop_vlan,push_vlan:0x8100",
	     "actions=strip_vlan,strip_vlan,push_vlan:0x8100"},
	    {"actions=push_vlan:33024", "actions=push_vlan:0x8100"},
	    {"actions=mod_dl_src:00:00:00:00:00:01,mod_dl_dst:2:0:0:0:0:ff",
	     "actions=mod_dl_src:00:00:00:00:00:01,mod_dl_dst:02:00:00:00:00:ff"},
	    {"actions=set_tunnel:5,set_tunnel:0x100000000,set_tunnel64:7",
	     "actions=set_tunnel:0x5,set_tunnel64:0x100000000,set_tunnel64:0x7"},
	    {"actions=resubmit(,3),resubmit(2,3),resubmit:4,resubmit(5,),resubmit(IN_PORT,1)",
	     "actions=resubmit(,3),resubmit(2,3),resubmit:4,resubmit:5,resubmit(,1)"},
	    {"table=1,actions=goto_table:2", "table=1, actions=goto_table:2"},
	    {"actions=output:1 , output:2, NORMAL", "actions=output:1,output:2,NORMAL"},
	    {"actions=set_field:1->in_port", "actions=set_field:1->in_port"},
	    {"actions=set_field:00:11:22:33:44:55->eth_src,set_field:0:1:2:3:4:5->dl_dst",
	     "actions=set_field:00:11:22:33:44:55->dl_src,set_field:00:01:02:03:04:05->dl_dst"},
	    {"actions=set_field:10->dl_vlan,set_field:3->vlan_pcp,set_field:0x1005->vlan_tci",
	     "actions=set_field:10->dl_vlan,set_field:3->dl_vlan_pcp,set_field:0x1005->vlan_tci"},
	    {"actions=set_field:0x5->tunnel_id", "actions=set_field:0x5->tun_id"},
	    {"ip,actions=set_field:1.2.3.4->ip_src,set_field:5.6.7.8->nw_dst,set_field:8->nw_tos,"
	     "set_field:46->ip_dscp",
	     "ip actions=set_field:1.2.3.4->nw_src,set_field:5.6.7.8->nw_dst,set_field:8->nw_tos,"
	     "set_field:46->ip_dscp"},
	    {"udp,actions=set_field:53->udp_src,set_field:0x35->udp_dst",
	     "udp actions=set_field:53->udp_src,set_field:53->udp_dst"},
	    {"tcp,actions=set_field:80->tp_dst", "tcp actions=set_field:80->tcp_dst"},
	    {"udp,udp_dst=53,actions=drop", "udp,tp_dst=53 actions=drop"},
	    {"arp,actions=set_field:2->arp_op,set_field:1.1.1.1->arp_spa,set_field:2.2.2.2->arp_"
	     "tpa",
	     "arp "
	     "actions=set_field:2->arp_op,set_field:1.1.1.1->arp_spa,set_field:2.2.2.2->arp_tpa"},
	    {"icmp,actions=set_field:0->icmp_type,set_field:1->icmp_code",
	     "icmp actions=set_field:0->icmp_type,set_field:1->icmp_code"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		roundtrip(t[i].in, 0, NULL, t[i].out);
}

/* Every field of FL_FIELDS parses, prints, and is writable by set_field where declared. */
static void test_every_field(void **state)
{
	/* A valid value and the prerequisite shorthand, per field. */
	static const char *const sample[FL_F__COUNT][2] = {
	    [FL_F_TUN_ID] = {"", "0x1234"},
	    [FL_F_IN_PORT] = {"", "9"},
	    [FL_F_DL_VLAN] = {"", "100"},
	    [FL_F_DL_VLAN_PCP] = {"", "6"},
	    [FL_F_VLAN_TCI] = {"", "0x2064"},
	    [FL_F_DL_SRC] = {"", "02:00:00:00:00:01"},
	    [FL_F_DL_DST] = {"", "02:00:00:00:00:02"},
	    [FL_F_DL_TYPE] = {"", "0x86dd"},
	    [FL_F_NW_SRC] = {"ip,", "192.0.2.1"},
	    [FL_F_NW_DST] = {"arp,", "192.0.2.2"},
	    [FL_F_NW_PROTO] = {"ip,", "89"},
	    [FL_F_NW_TOS] = {"ip,", "32"},
	    [FL_F_IP_DSCP] = {"ip,", "10"},
	    [FL_F_TP_SRC] = {"tcp,", "1000"},
	    [FL_F_TP_DST] = {"tcp,", "4789"}, /* set_field:V->tp_dst is tcp_dst, as in OVS */
	    [FL_F_ARP_OP] = {"arp,", "2"},
	    [FL_F_ARP_SPA] = {"arp,", "10.9.8.7"},
	    [FL_F_ARP_TPA] = {"arp,", "10.9.8.6"},
	    [FL_F_ICMP_TYPE] = {"icmp,", "11"},
	    [FL_F_ICMP_CODE] = {"icmp,", "1"},
	    [FL_F_TCP_SRC] = {"tcp,", "1000"},
	    [FL_F_TCP_DST] = {"tcp,", "80"},
	    [FL_F_UDP_SRC] = {"udp,", "53"},
	    [FL_F_UDP_DST] = {"udp,", "4789"},
	};
	char buf[256];

	(void)state;
	for (int f = 0; f < FL_F__COUNT; f++) {
		const char *name = fl_field_name((enum fl_field)f);
		struct fl_flow fl;
		char *err = NULL;

		assert_non_null(sample[f][1]);
		snprintf(buf, sizeof(buf), "%s%s=%s,actions=1", sample[f][0], name, sample[f][1]);
		roundtrip(buf, 0, NULL, NULL);
		/* Without the prerequisite shorthand: refused iff the field has one. */
		snprintf(buf, sizeof(buf), "%s=%s,actions=1", name, sample[f][1]);
		if (sample[f][0][0]) {
			assert_int_equal(fl_flow_parse(buf, 0, NULL, &fl, &err), -EINVAL);
			assert_non_null(strstr(err, "requires"));
			free(err);
			err = NULL;
		} else {
			roundtrip(buf, 0, NULL, NULL);
		}
		/* set_field */
		snprintf(buf, sizeof(buf), "%sactions=set_field:%s->%s", sample[f][0], sample[f][1],
		         name);
		if (f == FL_F_DL_TYPE || f == FL_F_NW_PROTO) {
			assert_int_equal(fl_flow_parse(buf, 0, NULL, &fl, &err), -EINVAL);
			assert_non_null(strstr(err, "read-only"));
			free(err);
		} else {
			roundtrip(buf, 0, NULL, NULL);
		}
	}
	assert_null(fl_field_name(FL_F__COUNT));
}

static void test_errors(void **state)
{
	static const struct {
		const char *in, *msg;
	} t[] = {
	    {"foo=1,actions=1", "unknown field 'foo'"},
	    {"ip,nw_src=10.0.0.300,actions=1", "nw_src: 10.0.0.300: invalid IP address"},
	    {"ip,nw_src=10.0.0,actions=1", "nw_src: 10.0.0: invalid IP address"},
	    {"ip,nw_src=10.0.0.1/33,actions=1", "invalid prefix length"},
	    {"ip,nw_dst=10.0.0.1/255.0.x.0,actions=1", "invalid IP mask"},
	    {"tcp,tp_dst=70000,actions=1", "tp_dst: 70000: value out of range (max 65535)"},
	    {"tcp,tp_dst=8o,actions=1", "tp_dst: 8o: invalid number"},
	    {"tcp,tp_dst=,actions=1", "tp_dst: missing value"},
	    {"tcp,tp_dst,actions=1", "tp_dst: missing value"},
	    {"icmp,icmp_type=300,actions=1", "icmp_type: 300: value out of range (max 255)"},
	    {"icmp,icmp_type=3/0xf,actions=1", "masks are not supported"},
	    {"in_port=1/1,actions=1", "masks are not supported"},
	    {"in_port=70000,actions=1", "port number out of range"},
	    {"in_port=eth0,actions=1", "in_port: eth0: unknown port"},
	    {"dl_vlan=4096,actions=1", "dl_vlan: 4096: invalid VLAN id"},
	    {"dl_vlan_pcp=8,actions=1", "dl_vlan_pcp: 8: value out of range (max 7)"},
	    {"dl_src=00:11:22:33:44,actions=1", "dl_src: 00:11:22:33:44: invalid Ethernet address"},
	    {"dl_src=00:11:22:33:44:555,actions=1", "invalid Ethernet address"},
	    {"dl_dst=01:00:00:00:00:00/zz,actions=1", "invalid Ethernet mask"},
	    {"ip,ip_dscp=64,actions=1", "ip_dscp: 64: value out of range (max 63)"},
	    {"ip=1,actions=1", "ip: takes no value"},
	    {"priority=65536,actions=1", "priority: 65536: value out of range"},
	    {"priority=-1,actions=1", "priority: -1: invalid number"},
	    {"table=255,actions=1", "table: 255: value out of range (max 254)"},
	    {"cookie=0x10/0xff,actions=1", "flow additions cannot use a cookie mask"},
	    {"idle_timeout=65536,actions=1", "idle_timeout: 65536: value out of range"},
	    {"out_port=1,actions=1", "'out_port' is not supported"},
	    {"=5,actions=1", "missing field name"},
	    {"in_port=1", "must specify an action"},
	    {"tp_dst=80,actions=1", "tp_dst requires tcp or udp (or sctp)"},
	    {"ip,tp_src=80,actions=1", "tp_src requires tcp or udp (or sctp)"},
	    {"udp,actions=set_field:53->tp_dst", "set_field: tcp_dst requires tcp"},
	    {"tcp,udp_dst=53,actions=1", "udp_dst requires udp"},
	    {"udp,tcp_src=53,actions=1", "tcp_src requires tcp"},
	    {"nw_src=1.2.3.4,actions=1", "nw_src requires ip or arp"},
	    {"arp,nw_tos=4,actions=1", "nw_tos requires ip"},
	    {"arp,icmp_type=1,actions=1", "icmp_type requires icmp"},
	    {"ip,arp_op=1,actions=1", "arp_op requires arp"},
	    {"tcp,arp_spa=1.1.1.1,actions=1", "arp_spa requires arp"},
	    {"in_port=1,actions=foo", "unknown action 'foo'"},
	    {"actions=foo:1", "unknown action 'foo'"},
	    {"actions=foo(1)", "unknown action 'foo(...)'"},
	    {"actions=output:", "output: missing port"},
	    {"actions=output:99999", "port number out of range"},
	    {"actions=output:eth9", "output: eth9: unknown port"},
	    {"actions=output:2,drop", "\"drop\" must not be accompanied"},
	    {"actions=drop,2", "\"drop\" must not be accompanied"},
	    {"actions=NORMAL:1", "NORMAL: takes no argument"},
	    {"actions=mod_vlan_vid:4096", "mod_vlan_vid: 4096: value out of range (max 4095)"},
	    {"actions=mod_vlan_vid", "mod_vlan_vid: missing argument"},
	    {"actions=mod_vlan_pcp:8", "mod_vlan_pcp: 8: value out of range (max 7)"},
	    {"actions=push_vlan:0x88a8", "only 0x8100 is supported"},
	    {"actions=mod_dl_src:1:2:3", "mod_dl_src: 1:2:3: invalid Ethernet address"},
	    {"actions=set_field:1.2.3.4->nw_src", "set_field: nw_src requires ip or arp"},
	    {"udp,actions=set_field:1->icmp_type", "set_field: icmp_type requires icmp"},
	    {"actions=set_field:0x800->dl_type", "set_field: field dl_type is read-only"},
	    {"actions=set_field:1->bogus", "set_field: unknown field 'bogus'"},
	    {"actions=set_field:1", "expected VALUE->FIELD"},
	    {"ip,actions=set_field:1.2.3.4/8->nw_src", "masked values are not supported"},
	    {"actions=set_field:0xffff->dl_vlan", "invalid VLAN id"},
	    {"actions=set_field:1.2.3->tun_id", "tun_id: 1.2.3: invalid number"},
	    {"actions=set_tunnel:0x10000000000000000", "value out of range"},
	    {"actions=resubmit(,)", "a port or a table is required"},
	    {"actions=resubmit(,255)", "resubmit: 255: value out of range (max 254)"},
	    {"actions=resubmit(1,2", "missing ')'"},
	    {"actions=resubmit(1)", "expected resubmit(PORT,TABLE)"},
	    {"actions=resubmit:nope", "resubmit: nope: unknown port"},
	    {"table=5,actions=goto_table:3", "must be greater than the flow's table 5"},
	    {"actions=goto_table:3,output:1", "output:1: no action may follow goto_table"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct fl_flow fl;
		char *err = NULL;
		int rc = fl_flow_parse(t[i].in, 0, NULL, &fl, &err);

		if (rc != -EINVAL)
			fail_msg("'%s' gave %d, expected -EINVAL", t[i].in, rc);
		assert_non_null(err);
		if (!strstr(err, t[i].msg))
			fail_msg("'%s': message '%s' lacks '%s'", t[i].in, err, t[i].msg);
		free(err);
	}
	/* errp may be NULL. */
	{
		struct fl_flow fl;

		assert_int_equal(fl_flow_parse("foo", 0, NULL, &fl, NULL), -EINVAL);
	}
}

static void test_port_names(void **state)
{
	struct fl_flow fl;
	char *err = NULL, *s;

	(void)state;
	roundtrip(
	    "in_port=p1,actions=output:p2,uplink,resubmit(p3,1),set_field:p4->in_port", 0, &names,
	    "in_port=p1 actions=output:p2,output:uplink,resubmit(p3,1),set_field:p4->in_port");
	/* Numbers still work with names; unnamed numbers print as numbers. */
	roundtrip("in_port=7,actions=8,output:1", 0, &names,
	          "in_port=7 actions=output:8,output:p1");
	/* Names resolve to numbers. */
	assert_int_equal(fl_flow_parse("in_port=uplink,actions=p5", 0, &names, &fl, &err), 0);
	assert_int_equal(fl.match.value.in_port, 100);
	assert_int_equal(fl.match.mask.in_port, UINT32_MAX);
	assert_int_equal(fl.n_actions, 1);
	assert_int_equal(fl.actions[0].type, FL_ACT_OUTPUT);
	assert_int_equal(fl.actions[0].port, 5);
	/* Without a port map the same flow prints numbers. */
	s = fl_flow_to_string(&fl, false, NULL);
	assert_string_equal(s, "in_port=100 actions=output:5");
	free(s);
	fl_flow_uninit(&fl);
	/* Unknown names. */
	assert_int_equal(fl_flow_parse("in_port=p1000,actions=1", 0, &names, &fl, &err), -EINVAL);
	assert_string_equal(err, "in_port: p1000: unknown port");
	free(err);
	assert_int_equal(fl_flow_parse("actions=eth0", 0, &names, &fl, &err), -EINVAL);
	assert_string_equal(err, "unknown action 'eth0'");
	free(err);
}

static void test_match_only(void **state)
{
	struct fl_flow fl;
	char *err = NULL;

	(void)state;
	assert_int_equal(fl_flow_parse("cookie=0x10/0xf0,ip", FL_PARSE_MATCH_ONLY, NULL, &fl, &err),
	                 0);
	assert_int_equal(fl.cookie, 0x10);
	assert_int_equal(fl.cookie_mask, 0xf0);
	assert_int_equal(fl.table, FL_TABLE_NONE);
	assert_false(fl.has_priority);
	assert_int_equal(fl.n_actions, 0);
	roundtrip("cookie=0x10/0xf0,ip", FL_PARSE_MATCH_ONLY, NULL, "cookie=0x10/0xf0, ip");
	roundtrip("cookie=0x13/0xf0,table=0", FL_PARSE_MATCH_ONLY, NULL,
	          "cookie=0x10/0xf0, table=0, ");
	roundtrip("cookie=0x5,table=255,priority=7,in_port=1", FL_PARSE_MATCH_ONLY, NULL,
	          "cookie=0x5, priority=7,in_port=1");
	roundtrip("", FL_PARSE_MATCH_ONLY, NULL, "");
	roundtrip("priority=32768", FL_PARSE_MATCH_ONLY, NULL, "priority=32768");
	assert_int_equal(fl_flow_parse("in_port=1,actions=1", FL_PARSE_MATCH_ONLY, NULL, &fl, &err),
	                 -EINVAL);
	assert_non_null(strstr(err, "actions: not allowed"));
	free(err);
	/* Prerequisites apply to match-only strings too. */
	assert_int_equal(fl_flow_parse("tp_dst=80", FL_PARSE_MATCH_ONLY, NULL, &fl, &err), -EINVAL);
	free(err);
}

static void test_semantics(void **state)
{
	struct fl_flow fl, copy;
	char *err = NULL;

	(void)state;
	/* Later settings win, in order, as in ovs-ofctl. */
	assert_int_equal(fl_flow_parse("udp,nw_proto=6,tp_dst=1,actions=1", 0, NULL, &fl, &err), 0);
	assert_int_equal(fl.match.value.nw_proto, 6);
	fl_flow_uninit(&fl);
	assert_int_equal(
	    fl_flow_parse("dl_vlan=0xffff,dl_vlan_pcp=3,actions=1", 0, NULL, &fl, &err), 0);
	assert_int_equal(fl.match.value.vlan_tci, 0x7000);
	assert_int_equal(fl.match.mask.vlan_tci, 0xffff);
	/* Defaults. */
	assert_int_equal(fl.table, 0);
	assert_int_equal(fl.priority, FL_PRIORITY_DEFAULT);
	assert_int_equal(fl.cookie, 0);
	/* Values are masked; byte orders. */
	fl_flow_uninit(&fl);
	assert_int_equal(fl_flow_parse("ip,nw_src=10.1.2.3/16,tcp,tp_dst=0x1234/0xff00,actions=1",
	                               0, NULL, &fl, &err),
	                 0);
	assert_memory_equal(&fl.match.value.nw_src, "\x0a\x01\x00\x00", 4);
	assert_memory_equal(&fl.match.mask.nw_src, "\xff\xff\x00\x00", 4);
	assert_int_equal(fl.match.value.tp_dst, 0x1200);
	assert_int_equal(fl.match.mask.tp_dst, 0xff00);
	/* Copy and equality. */
	assert_int_equal(fl_flow_copy(&copy, &fl), 0);
	assert_true(fl_flow_equal(&copy, &fl));
	copy.priority++;
	assert_false(fl_flow_equal(&copy, &fl));
	fl_flow_uninit(&copy);
	fl_flow_uninit(&fl);
	fl_flow_uninit(NULL);
	/* set_field stores value and mask where struct fl_key keeps the field. */
	assert_int_equal(fl_flow_parse("actions=set_field:5->dl_vlan,set_field:0x10->tun_id", 0,
	                               NULL, &fl, &err),
	                 0);
	assert_int_equal(fl.actions[0].set_field.set.value.vlan_tci, 0x1005);
	assert_int_equal(fl.actions[0].set_field.set.mask.vlan_tci, 0x1fff);
	assert_int_equal(fl.actions[1].set_field.set.value.tun_id, 0x10);
	assert_int_equal(fl.actions[1].set_field.set.mask.tun_id, UINT64_MAX);
	fl_flow_uninit(&fl);
	/* Match printer alone. */
	assert_int_equal(
	    fl_flow_parse("priority=100,ip,in_port=1,nw_dst=10.0.0.0/24,actions=output:2", 0, NULL,
	                  &fl, &err),
	    0);
	{
		char *m = fl_match_to_string(&fl.match, fl.priority, NULL);
		char *a = fl_actions_to_string(fl.actions, fl.n_actions, NULL);

		assert_string_equal(m, "priority=100,ip,in_port=1,nw_dst=10.0.0.0/24");
		assert_string_equal(a, "output:2");
		free(m);
		free(a);
	}
	fl_flow_uninit(&fl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_roundtrip_fields), cmocka_unit_test(test_roundtrip_actions),
	    cmocka_unit_test(test_every_field),      cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_port_names),       cmocka_unit_test(test_match_only),
	    cmocka_unit_test(test_semantics),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
