/* flow.h: OpenFlow-style flows for weft, in the ovs-ofctl dialect (OVS semantics).
 *
 * A plain C library with no DPDK dependency (prefix fl_): the flow representation (match +
 * actions), the ovs-ofctl flow-string parser and printer, and the packet key extractor.
 * The classifier is in fl_cls.h; the list of match fields in fl_fields.h. flow/README.md has
 * the grammar and the design.
 *
 * Conventions used by every function below:
 *  - IPv4 addresses are uint32_t in NETWORK byte order (as struct in_addr.s_addr, as in
 *    vxlan/); every other integer (ports, VLAN TCI, ethertype, tunnel id) is in host order;
 *    MAC addresses are 6 bytes in wire order.
 *  - There is no global state. Parsing and printing functions only read their inputs and
 *    write their outputs, so they are thread-safe on distinct outputs. fl_key_extract() does
 *    not allocate and may run on any thread (PMDs).
 *  - Control functions (parse) return 0 or -errno and, on failure, a malloc'd one-line
 *    message through 'errp' (if errp is not NULL; the caller frees it; *errp is left untouched
 *    on success). Printers return a malloc'd string the caller frees, or NULL on ENOMEM.
 */
#ifndef FL_FLOW_H
#define FL_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fl_fields.h"

/* ---------------------------------------------------------------------------------------------
 * Packet key and match.
 */

/* The fields of a packet that flows can match, as extracted from a frame (fl_key_extract()),
 * and, with the same layout, a match's values and masks. 48 bytes = FL_KEY_WORDS 64-bit words,
 * so the classifier masks and hashes it word by word. The padding is always zero (every
 * function here writes zero there, and fl_match_*() rely on it: initialise keys with
 * memset()/= {0} or fl_key_extract()). */
struct fl_key {
	union {
		struct {
			uint64_t tun_id;   /* tunnel id (VXLAN VNI), 0 if not from a tunnel */
			uint32_t in_port;  /* OpenFlow port number */
			uint16_t vlan_tci; /* PCP(3) CFI(1) VID(12); CFI set iff the frame had a
			                    * 802.1Q tag; 0 = untagged (as OVS) */
			uint16_t
			    dl_type; /* ethertype after the VLAN tag; 0x05ff for 802.3 frames */
			uint8_t dl_src[6];
			uint8_t dl_dst[6];
			uint32_t nw_src;  /* IPv4 source; ARP: sender protocol address (SPA) */
			uint32_t nw_dst;  /* IPv4 destination; ARP: target protocol address (TPA) */
			uint8_t nw_proto; /* IPv4 protocol; ARP: opcode (if <= 255) */
			uint8_t nw_tos;   /* IPv4 TOS with the two ECN bits cleared (DSCP << 2) */
			uint16_t tp_src;  /* TCP/UDP/SCTP source port; ICMP: type */
			uint16_t tp_dst;  /* TCP/UDP/SCTP destination port; ICMP: code */
			uint8_t pad_[6];
		};
		uint64_t u64[6];
	};
};
#define FL_KEY_WORDS 6
_Static_assert(sizeof(struct fl_key) == FL_KEY_WORDS * 8, "struct fl_key is 6 words");
/* fl_key_extract() writes the key word by word: the byte offsets it assumes. */
_Static_assert(offsetof(struct fl_key, in_port) == 8 && offsetof(struct fl_key, vlan_tci) == 12 &&
                   offsetof(struct fl_key, dl_type) == 14 &&
                   offsetof(struct fl_key, dl_src) == 16 && offsetof(struct fl_key, dl_dst) == 22 &&
                   offsetof(struct fl_key, nw_src) == 28 && offsetof(struct fl_key, nw_dst) == 32 &&
                   offsetof(struct fl_key, nw_proto) == 36 &&
                   offsetof(struct fl_key, nw_tos) == 37 && offsetof(struct fl_key, tp_src) == 38 &&
                   offsetof(struct fl_key, tp_dst) == 40,
               "struct fl_key's layout, as fl_key_extract() writes it");

#define FL_VLAN_CFI     0x1000
#define FL_VLAN_VID     0x0fff
#define FL_VLAN_PCP     0xe000
#define FL_DL_TYPE_NONE 0x05ff /* dl_type of a frame without an ethertype (802.3 length) */
#define FL_ETH_IP       0x0800
#define FL_ETH_ARP      0x0806
#define FL_ETH_VLAN     0x8100

/* A match: a packet key 'p' matches when (p & mask) == value, word by word. Invariant kept by
 * every function here: value == value & mask (bits outside the mask are zero). An all-zero
 * mask matches every packet. */
struct fl_match {
	struct fl_key value;
	struct fl_key mask;
};

/* The general parser behind fl_key_extract(): the same contract, for any frame. The two give
 * the same key for every frame (flow/tests/test_extract.c). */
int fl_key_extract_any(const uint8_t *frame, size_t len, uint32_t in_port, uint64_t tun_id,
                       struct fl_key *key);

static inline uint16_t fl_rd16_(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Unaligned loads in the CPU's byte order (fl_key_extract()). */
static inline uint64_t fl_ld64_(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint32_t fl_ld32_(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Extracts the key of an Ethernet frame: frame[0..len) (never read beyond), received on
 * OpenFlow port 'in_port' with tunnel id 'tun_id' (0 if none). Parses Ethernet (802.3 length
 * frames get dl_type FL_DL_TYPE_NONE), at most one 802.1Q tag (ethertype 0x8100; a second tag
 * or 0x88a8 is left as dl_type), IPv4 (options skipped; nw_tos without ECN; for non-first
 * fragments the L4 fields stay 0), TCP/UDP/SCTP ports, ICMP type/code and Ethernet/IPv4 ARP.
 * Returns 0 when every header it went for was complete, or 1 when the frame was truncated or
 * a header malformed (IPv4 version != 4 or IHL < 5, ARP not Ethernet/IPv4): then the key holds
 * what was parsed before the bad header (a truncated IPv4 or ARP header: L2 fields and dl_type;
 * a truncated L4 header: L2 and L3 fields; a truncated VLAN tag: the MACs only, vlan_tci and
 * dl_type 0) and zero for the rest, like OVS: the frame can still match flows on the fields it
 * has. A frame shorter than an Ethernet header yields a key with only in_port and tun_id set. Never
 * allocates; thread-safe.
 *
 * Inline: on a little-endian CPU the most common frame (untagged IPv4 without options, not a
 * fragment, TCP, UDP or SCTP, whole up to its ports) is read with a few loads and its key
 * written as six 64-bit words; every other frame goes to fl_key_extract_any(). */
static inline int fl_key_extract(const uint8_t *p, size_t len, uint32_t in_port, uint64_t tun_id,
                                 struct fl_key *k)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* Bytes 12..14: ethertype 0x0800, version 4 and IHL 5; 20..21: no fragment offset. */
	if (len >= 38 && (fl_ld32_(p + 12) & 0xffffff) == 0x450008 &&
	    !(fl_ld32_(p + 20) & 0xff1f) && (p[23] == 17 || p[23] == 6 || p[23] == 132)) {
		uint64_t dst = fl_ld64_(p) & 0xffffffffffffull,
		         src = fl_ld64_(p + 6) & 0xffffffffffffull;

		/* The words of struct fl_key, in its field order (checked below). */
		k->u64[0] = tun_id;
		k->u64[1] = in_port | (uint64_t)FL_ETH_IP << 48; /* vlan_tci 0 */
		k->u64[2] = src | dst << 48;
		k->u64[3] = dst >> 16 | (uint64_t)fl_ld32_(p + 26) << 32; /* nw_src */
		k->u64[4] = fl_ld32_(p + 30) | (uint64_t)p[23] << 32 |
		            (uint64_t)(p[15] & 0xfc) << 40 | (uint64_t)fl_rd16_(p + 34) << 48;
		k->u64[5] = fl_rd16_(p + 36); /* tp_dst; the padding 0 */
		return 0;
	}
#endif
	return fl_key_extract_any(p, len, in_port, tun_id, k);
}

/* Builds the frame a flow's match describes, as ovs-appctl ofproto/trace does with a flow:
 * Ethernet (dl_dst, dl_src; zero when not given), an 802.1Q tag when vlan_tci has the CFI bit
 * (dl_vlan/dl_vlan_pcp/vlan_tci), dl_type (0 when not given), and for dl_type 0x0800 an IPv4
 * header (nw_src, nw_dst, nw_proto, nw_tos, TTL 64, checksum) with a TCP SYN, a UDP datagram
 * (8 zero bytes of payload), an SCTP common header or an ICMP header (type, code) carrying
 * tp_src/tp_dst; for 0x0806 an Ethernet/IPv4 ARP packet (arp_op, default 1; sha = dl_src,
 * spa, tpa). Masked fields use their value bits (nw_dst=10.0.0.0/24 gives 10.0.0.0); in_port
 * is the caller's. Checksums are correct; the frame is zero-padded to 60 bytes.
 * fl_key_extract() of the result gives back every field the match pins fully. Writes at most
 * FL_FRAME_MAX bytes into 'buf' (cap >= FL_FRAME_MAX) and returns the length, or -EINVAL with
 * a message (tun_id given: frames get it from a tunnel port; 'cap' too small). */
#define FL_FRAME_MAX 128
int fl_frame_build(const struct fl_match *m, uint8_t *buf, size_t cap, char **errp);

/* The exact match of a packet key: every field meaningful for its dl_type (in_port, vlan_tci,
 * MACs, dl_type; IPv4/ARP addresses and protocol; nw_tos; L4 ports or ICMP type/code; tun_id
 * when non-zero) with a full mask, so that fl_match_to_string() prints the whole key. */
void fl_key_exact_match(const struct fl_key *k, struct fl_match *m);

/* true if 'key' matches 'm'. */
bool fl_match_matches(const struct fl_match *m, const struct fl_key *key);
bool fl_match_equal(const struct fl_match *a, const struct fl_match *b);

/* ---------------------------------------------------------------------------------------------
 * Ports.
 */

/* Reserved OpenFlow port numbers (OpenFlow 1.0 values, as ovs-ofctl prints them). Numbered
 * ports are 1..FL_PORT_MAX (0 is accepted too, as in OVS). */
#define FL_PORT_MAX     0xfeffu
#define FL_PORT_IN_PORT 0xfff8u
#define FL_PORT_LOCAL   0xfffeu
#define FL_PORT_NONE    0xffffu

/* Optional port naming, supplied by the caller (e.g. weftctl resolves names through the DB).
 * Either callback may be NULL: then only numbers are accepted/printed.
 *  - port_by_name: 0 and *ofport set if 'name' is a port, else non-zero. Called during
 *    fl_flow_parse() only.
 *  - port_name: the name of 'ofport', or NULL to print the number; the string must stay valid
 *    until the printer returns. Called during the fl_*_to_string() printers only. */
struct fl_port_map {
	int (*port_by_name)(void *arg, const char *name, uint32_t *ofport);
	const char *(*port_name)(void *arg, uint32_t ofport);
	void *arg;
};

/* ---------------------------------------------------------------------------------------------
 * Actions.
 */

enum fl_act_type {
	FL_ACT_OUTPUT,       /* output:PORT -> port */
	FL_ACT_NORMAL,       /* NORMAL: the learning switch */
	FL_ACT_FLOOD,        /* FLOOD */
	FL_ACT_ALL,          /* ALL */
	FL_ACT_IN_PORT,      /* IN_PORT: back out of the input port */
	FL_ACT_MOD_VLAN_VID, /* mod_vlan_vid:V -> vid (pushes a tag if none, as OVS) */
	FL_ACT_MOD_VLAN_PCP, /* mod_vlan_pcp:P -> pcp (pushes a tag if none, as OVS) */
	FL_ACT_STRIP_VLAN,   /* strip_vlan (= pop_vlan) */
	FL_ACT_PUSH_VLAN,    /* push_vlan:0x8100 -> ethertype */
	FL_ACT_MOD_DL_SRC,   /* mod_dl_src:MAC -> mac */
	FL_ACT_MOD_DL_DST,   /* mod_dl_dst:MAC -> mac */
	FL_ACT_SET_FIELD,    /* set_field:V->FIELD -> set_field */
	FL_ACT_SET_TUNNEL,   /* set_tunnel:V (V < 2^32) -> tun_id */
	FL_ACT_SET_TUNNEL64, /* set_tunnel64:V -> tun_id */
	FL_ACT_RESUBMIT,     /* resubmit:PORT, resubmit(PORT,T), resubmit(,T) -> resubmit */
	FL_ACT_GOTO_TABLE,   /* goto_table:T -> table (always the last action) */
	FL_ACT__COUNT
};

#define FL_TABLE_MAX  254 /* tables are 0..254 */
#define FL_TABLE_NONE 255 /* resubmit without a table: the current table; match-only: all */

/* One action. Unused bytes are zero (so actions compare with memcmp). */
struct fl_action {
	uint16_t type; /* enum fl_act_type */
	union {
		uint32_t port;      /* OUTPUT: a port number or FL_PORT_LOCAL */
		uint16_t vid;       /* MOD_VLAN_VID: 0..4095 */
		uint8_t pcp;        /* MOD_VLAN_PCP: 0..7 */
		uint16_t ethertype; /* PUSH_VLAN: 0x8100 */
		uint8_t mac[6];     /* MOD_DL_SRC, MOD_DL_DST */
		uint64_t tun_id;    /* SET_TUNNEL, SET_TUNNEL64 */
		uint8_t table;      /* GOTO_TABLE: 1..254, greater than the flow's table */
		struct {
			uint32_t port; /* FL_PORT_IN_PORT for "resubmit(,T)" */
			uint8_t table; /* FL_TABLE_NONE for "resubmit:PORT" */
		} resubmit;
		struct {
			uint16_t field; /* enum fl_field, a writable one */
			/* The value, stored where a struct fl_key stores the field (same byte order
			 * and encoding: dl_vlan 5 -> vlan_tci 0x1005 with mask 0x1fff), with the
			 * bits it writes in 'mask'. Applying it: key = (key & ~mask) | value. */
			struct fl_match set;
		} set_field;
	};
};

/* ---------------------------------------------------------------------------------------------
 * Flows.
 */

#define FL_PRIORITY_DEFAULT 32768
#define FL_PRIORITY_MAX     65535

/* A parsed flow (one ovs-ofctl line). Owns 'actions' (fl_flow_uninit() frees it). */
struct fl_flow {
	uint8_t table;         /* 0..254; FL_TABLE_NONE (all tables) in a match-only string
	                        * without table= */
	uint16_t priority;     /* default FL_PRIORITY_DEFAULT */
	uint64_t cookie;       /* default 0 */
	uint64_t cookie_mask;  /* match-only strings: cookie=V/M (default 0 = any cookie);
	                        * flows to add: 0 */
	uint16_t idle_timeout; /* seconds, 0 = none (the dataplane enforces it: fl_expiry_check) */
	uint16_t hard_timeout; /* seconds, 0 = none */
	bool has_priority;     /* priority= was given (del-flows --strict wants to know) */
	struct fl_match match;
	struct fl_action *actions; /* malloc'd array, NULL when n_actions == 0 ("drop") */
	size_t n_actions;
};

/* fl_flow_parse() flags. */
#define FL_PARSE_MATCH_ONLY 0x1u /* del-flows / dump-flows: no actions=, cookie=V/M allowed */

/* Parses one flow in the ovs-ofctl syntax (grammar in flow/README.md) into 'flow' (any prior
 * contents are overwritten, not freed). 'ports' may be NULL (numbers only).
 * Without FL_PARSE_MATCH_ONLY, "actions=" is required (it may be empty or "drop").
 * Returns 0, -EINVAL with a message naming the bad token ("unknown field 'foo'",
 * "nw_src: 10.0.0.300: invalid IP address", "tp_dst requires tcp or udp (or sctp)"), or
 * -ENOMEM. On failure 'flow' holds nothing to free. */
int fl_flow_parse(const char *s, unsigned flags, const struct fl_port_map *ports,
                  struct fl_flow *flow, char **errp);

/* Frees what 'flow' owns (its actions); the flow may be parsed into again. NULL is fine. */
void fl_flow_uninit(struct fl_flow *flow);

/* Deep copy of 'src' into 'dst'. 0 or -ENOMEM. */
int fl_flow_copy(struct fl_flow *dst, const struct fl_flow *src);

/* true if every attribute, the match and the actions of 'a' and 'b' are equal. */
bool fl_flow_equal(const struct fl_flow *a, const struct fl_flow *b);

/* Printers, ovs-ofctl formats; each returns a malloc'd string, NULL on ENOMEM.
 * fl_flow_to_string: a whole flow as "ovs-ofctl dump-flows --no-stats" prints it:
 *   "[cookie=0x10, ][table=3, ][idle_timeout=10, ][hard_timeout=20, ]priority=100,ip,
 *   in_port=1,nw_dst=10.0.0.0/24 actions=output:2": cookie if non-zero ("cookie=V/M" for a
 *   match-only flow with a partial cookie mask), table if not 0 (FL_TABLE_NONE is never printed;
 *   with 'match_only', table 0 is printed since the default there is all tables), priority if
 *   not the default or given explicitly (has_priority), the match in ovs-ofctl's order, then
 *   " actions=..." ("actions=drop" for none) unless 'match_only'.
 * fl_match_to_string: "priority=100,ip,in_port=1,nw_dst=10.0.0.0/24" (priority omitted when
 *   it is FL_PRIORITY_DEFAULT); "" for an empty match.
 * fl_actions_to_string: "output:2,mod_vlan_vid:5"; "drop" when n == 0.
 * Round trip: fl_flow_parse(fl_flow_to_string(f, mo)) with the same 'mo' (FL_PARSE_MATCH_ONLY)
 * and port map gives f back (fl_flow_equal) for every flow fl_flow_parse() produces. */
char *fl_flow_to_string(const struct fl_flow *flow, bool match_only,
                        const struct fl_port_map *ports);
char *fl_match_to_string(const struct fl_match *m, unsigned priority,
                         const struct fl_port_map *ports);
char *fl_actions_to_string(const struct fl_action *a, size_t n, const struct fl_port_map *ports);

/* Field metadata (from fl_fields.h): "nw_src" etc.; NULL out of range. */
const char *fl_field_name(enum fl_field f);

/* ---------------------------------------------------------------------------------------------
 * Timeouts (OVS semantics, ovs-ofctl(8)): idle_timeout = seconds without a packet,
 * hard_timeout = seconds since the flow was added or last modified (mod-flows restarts it
 * without zeroing the flow's duration), whatever the traffic; 0 = none. The owner samples the
 * flow's packet count (summed over threads) now and then; a count that changed since the last
 * sample means packets hit the flow, credited to 'hit_ms' (the caller's best bound of the last
 * packet's time: live, the sample time; replay, the time of the last frame processed). No
 * per-packet timestamp. Times in ms on one clock. Pure functions.
 */

struct fl_expiry_state {
	uint64_t modified_ms; /* added or last modified: the hard timer's start */
	uint64_t used_ms;     /* last packet seen (initially: when added) */
	uint64_t packets;     /* packet count at the last sample */
};

enum fl_expiry { FL_EXPIRY_NONE, FL_EXPIRY_IDLE, FL_EXPIRY_HARD };

/* A new flow's state at 'now_ms' with 'packets' packets counted so far. */
void fl_expiry_init(struct fl_expiry_state *st, uint64_t now_ms, uint64_t packets);

/* Samples 'packets' (the flow's count now) into 'st' (a change: used_ms = max(used_ms,
 * hit_ms)), then decides at 'now_ms': FL_EXPIRY_HARD if hard_timeout and now - modified >=
 * hard_timeout s (checked first, as OVS), FL_EXPIRY_IDLE if idle_timeout and now - used >=
 * idle_timeout s, else FL_EXPIRY_NONE. A clock behind a stamp counts as 0 s elapsed. */
enum fl_expiry fl_expiry_check(struct fl_expiry_state *st, uint16_t idle_timeout,
                               uint16_t hard_timeout, uint64_t packets, uint64_t now_ms,
                               uint64_t hit_ms);

/* The last-used time 'st' would have after sampling 'packets' credited to 'hit_ms', without
 * changing it (dump-flows' idle_age between samples). */
uint64_t fl_expiry_used(const struct fl_expiry_state *st, uint64_t packets, uint64_t hit_ms);

/* "idle" / "hard" / "none". */
const char *fl_expiry_name(enum fl_expiry);

/* ---------------------------------------------------------------------------------------------
 * Selection (del-flows, mod-flows, dump-flows; shared by the dataplane and weftctl).
 */

/* Does match-only flow 'm' (fl_flow_parse with FL_PARSE_MATCH_ONLY) select flow 'f'? OVS
 * semantics. Non-strict: f's match is at least as specific as m's and agrees on m's bits;
 * strict: same match and priority. Both: table (unless m's is FL_TABLE_NONE) and cookie/mask. */
bool fl_flow_selects(const struct fl_flow *f, const struct fl_flow *m, bool strict);

/* Same table, priority and match (the identity of a flow in a table: adding a flow with the
 * same identity replaces it). */
bool fl_flow_same_rule(const struct fl_flow *a, const struct fl_flow *b);

/* A total order on that identity (table, priority, then the match's bytes): 0 iff
 * fl_flow_same_rule(). For sorting and binary search (duplicate detection in O(n log n)). */
int fl_flow_rule_cmp(const struct fl_flow *a, const struct fl_flow *b);

/* ---------------------------------------------------------------------------------------------
 * Port names without a switch (fl_names): for programs that handle flows naming ports they
 * cannot resolve (weft-controld, weftctl's database backend). Known ports ('fl_names_add':
 * name -> OpenFlow number) resolve to their numbers; any other name is accepted and given a
 * private number counting down from FL_NAMES_PSEUDO_TOP, which prints back as the name. So
 * parse + print canonicalizes a flow and keeps the names it used; two strings naming the same
 * known port by name or by number print the same. A literal number in a flow that happens to
 * equal a private number (>= FL_NAMES_PSEUDO_TOP - names handed out) would print as that name:
 * such numbers are not valid switch ports in weft (ofports are 1..65279 but assigned from the
 * lowest free one).
 */
#define FL_NAMES_PSEUDO_TOP 0xfeffu

struct fl_names_ent {
	char *name;
	uint32_t ofport;
};

struct fl_names {
	struct fl_names_ent *v;
	size_t n;
	uint32_t next_pseudo;
};

void fl_names_init(struct fl_names *);
/* Adds (or updates) a known port. 0 or -ENOMEM. A name already known keeps its number. */
int fl_names_add(struct fl_names *, const char *name, uint32_t ofport);
/* A port map using 'names' (both callbacks). */
void fl_names_port_map(struct fl_names *, struct fl_port_map *pm);
void fl_names_free(struct fl_names *);

/* Parses 's' (a whole flow, or a match-only one with FL_PARSE_MATCH_ONLY) and prints it back
 * (fl_flow_to_string) with the same port map: the canonical form, malloc'd in *out. 0, -EINVAL
 * with a message, or -ENOMEM. */
int fl_flow_canonical(const char *s, unsigned flags, const struct fl_port_map *ports, char **out,
                      char **errp);

#endif
