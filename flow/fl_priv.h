/* fl_priv.h: internals shared by the flow library's .c files (not installed, not for users). */
#ifndef FL_PRIV_H
#define FL_PRIV_H

#include <stdio.h>

#include "flow.h"

/* One row of FL_FIELDS, as data. */
struct fl_field_desc {
	const char *name;
	const char *alias;
	enum fl_field_kind kind;
	unsigned short off; /* offsetof(struct fl_key, member) */
	unsigned char size; /* sizeof that member */
	unsigned char bits; /* width of the user's value */
	bool maskable;
	enum fl_prereq prereq;
	bool writable;
};

extern const struct fl_field_desc fl_fields[FL_F__COUNT];

/* The field called 'name' (name or alias), or -1. */
int fl_field_by_name(const char *name);

/* Stores a malloc'd message in *errp (if errp) and returns -EINVAL. */
int fl_err(char **errp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Whole unsigned number, decimal or 0x-hex, <= max. 0, or -EINVAL (not a number) / -ERANGE. */
int fl_parse_u64(const char *s, uint64_t max, uint64_t *out);
/* Dotted quad (strict: 4 decimal parts 0..255) into network order. 0 or -EINVAL. */
int fl_parse_ip(const char *s, uint32_t *out);
/* xx:xx:xx:xx:xx:xx, 1 or 2 hex digits per byte. 0 or -EINVAL. */
int fl_parse_mac(const char *s, uint8_t mac[6]);

/* Port: a number <= FL_PORT_MAX, "LOCAL", or a name through 'ports'. 'what' names the field
 * or action in the message. */
int fl_parse_port(const char *s, const struct fl_port_map *ports, const char *what, uint32_t *out,
                  char **errp);

/* Parses VALUE[/MASK] of field 'f' into 'm' (value and mask of the field's member only, other
 * members untouched), following OVS's rules for the partial fields (dl_vlan, dl_vlan_pcp,
 * nw_tos, ip_dscp). 'what' is the spelling used, for messages. */
int fl_field_parse(enum fl_field f, const char *what, const char *s,
                   const struct fl_port_map *ports, struct fl_match *m, char **errp);

/* The prerequisite of field 'f' holds for match 'm'? */
bool fl_prereq_ok(enum fl_prereq p, const struct fl_match *m);
/* "requires ip or arp" etc. */
const char *fl_prereq_text(enum fl_prereq p);

/* Actions: parses the text after "actions=" into a malloc'd array; checks set_field
 * prerequisites against 'm' and goto_table against 'table'. */
int fl_actions_parse(const char *s, const struct fl_port_map *ports, const struct fl_match *m,
                     uint8_t table, struct fl_action **acts, size_t *n, char **errp);

/* Printing helpers writing to a memstream. */
void fl_print_port(FILE *f, uint32_t port, const struct fl_port_map *ports);
void fl_print_ip(FILE *f, uint32_t ip_be);
void fl_print_mac(FILE *f, const uint8_t mac[6]);
/* Prints the match in ovs-ofctl's order, "priority=N" first unless N is the default (and
 * 'force_priority' is false); nothing at all for an empty match with the default priority. */
void fl_print_match(FILE *f, const struct fl_match *m, unsigned priority, bool force_priority,
                    const struct fl_port_map *ports);
void fl_print_actions(FILE *f, const struct fl_action *a, size_t n,
                      const struct fl_port_map *ports);
/* Value of field 'fd' taken from key 'k' (integers only), host order. */
uint64_t fl_key_get(const struct fl_key *k, const struct fl_field_desc *fd);

/* The nw_dst prefix filter of a frozen classifier (fl_pfx.c). Addresses in host order.
 * fl_pfx_add(): rules of prefix length 'plen' (17..32) at 'addr' are in the subtable of bit
 * 'bit'; 0, -EINVAL, -ENOMEM or -E2BIG (over 1,024 /16 blocks: build no filter).
 * fl_pfx_candidates(): the bits of the subtables that may hold a rule matching 'addr' (a
 * superset of those that do). */
struct fl_pfx;
struct fl_pfx *fl_pfx_create(void);
void fl_pfx_destroy(struct fl_pfx *p);
int fl_pfx_add(struct fl_pfx *p, uint32_t addr, unsigned plen, uint64_t bit);
uint64_t fl_pfx_candidates(const struct fl_pfx *p, uint32_t addr);

#endif
