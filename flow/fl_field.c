/* fl_field.c: the field table, number/address parsers, VALUE[/MASK] parsing per field, and
 * prerequisites. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "fl_priv.h"

const struct fl_field_desc fl_fields[FL_F__COUNT] = {
#define FL_FIELD_DESC(id, nm, al, kd, member, bt, mk, pre, wr)                                     \
	[FL_F_##id] = {.name = nm,                                                                 \
	               .alias = al,                                                                \
	               .kind = kd,                                                                 \
	               .off = offsetof(struct fl_key, member),                                     \
	               .size = sizeof(((struct fl_key *)0)->member),                               \
	               .bits = bt,                                                                 \
	               .maskable = mk,                                                             \
	               .prereq = pre,                                                              \
	               .writable = wr},
    FL_FIELDS(FL_FIELD_DESC)
#undef FL_FIELD_DESC
};

const char *fl_field_name(enum fl_field f)
{
	return (unsigned)f < FL_F__COUNT ? fl_fields[f].name : NULL;
}

int fl_field_by_name(const char *name)
{
	for (int i = 0; i < FL_F__COUNT; i++) {
		if (!strcmp(name, fl_fields[i].name) ||
		    (fl_fields[i].alias && !strcmp(name, fl_fields[i].alias)))
			return i;
	}
	return -1;
}

int fl_err(char **errp, const char *fmt, ...)
{
	va_list ap;

	if (errp) {
		va_start(ap, fmt);
		if (vasprintf(errp, fmt, ap) < 0)
			*errp = NULL;
		va_end(ap);
	}
	return -EINVAL;
}

int fl_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	bool range = false;
	int base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		unsigned d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return -EINVAL;
		if (v > (UINT64_MAX - d) / base)
			range = true;
		else
			v = v * base + d;
	}
	if (range || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int fl_parse_ip(const char *s, uint32_t *out)
{
	uint8_t b[4];

	for (int i = 0; i < 4; i++) {
		unsigned v = 0, nd = 0;

		while (*s >= '0' && *s <= '9' && nd < 4) {
			v = v * 10 + (unsigned)(*s++ - '0');
			nd++;
		}
		if (!nd || nd > 3 || v > 255 || (i < 3 && *s++ != '.'))
			return -EINVAL;
		b[i] = (uint8_t)v;
	}
	if (*s)
		return -EINVAL;
	memcpy(out, b, 4);
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int fl_parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		int hi = hexval(s[0]), lo;

		if (hi < 0)
			return -EINVAL;
		lo = hexval(s[1]);
		if (lo >= 0) {
			mac[i] = (uint8_t)(hi << 4 | lo);
			s += 2;
		} else {
			mac[i] = (uint8_t)hi;
			s++;
		}
		if (i < 5 && *s++ != ':')
			return -EINVAL;
	}
	return *s ? -EINVAL : 0;
}

int fl_parse_port(const char *s, const struct fl_port_map *ports, const char *what, uint32_t *out,
                  char **errp)
{
	uint64_t v;
	int rc = fl_parse_u64(s, FL_PORT_MAX, &v);

	if (!rc) {
		*out = (uint32_t)v;
		return 0;
	}
	if (rc == -ERANGE)
		return fl_err(errp, "%s: %s: port number out of range (max %u)", what, s,
		              FL_PORT_MAX);
	if (!strcmp(s, "LOCAL")) {
		*out = FL_PORT_LOCAL;
		return 0;
	}
	if (*s && ports && ports->port_by_name && !ports->port_by_name(ports->arg, s, out))
		return 0;
	return fl_err(errp, "%s: %s: unknown port", what, s);
}

static void put_int(struct fl_key *k, const struct fl_field_desc *fd, uint64_t v)
{
	uint8_t *p = (uint8_t *)k + fd->off;

	switch (fd->size) {
	case 1: {
		uint8_t x = (uint8_t)v;
		memcpy(p, &x, 1);
		break;
	}
	case 2: {
		uint16_t x = (uint16_t)v;
		memcpy(p, &x, 2);
		break;
	}
	case 4: {
		uint32_t x = (uint32_t)v;
		memcpy(p, &x, 4);
		break;
	}
	default:
		memcpy(p, &v, 8);
	}
}

uint64_t fl_key_get(const struct fl_key *k, const struct fl_field_desc *fd)
{
	const uint8_t *p = (const uint8_t *)k + fd->off;

	switch (fd->size) {
	case 1:
		return *p;
	case 2: {
		uint16_t x;
		memcpy(&x, p, 2);
		return x;
	}
	case 4: {
		uint32_t x;
		memcpy(&x, p, 4);
		return x;
	}
	default: {
		uint64_t x;
		memcpy(&x, p, 8);
		return x;
	}
	}
}

static int parse_int_part(const char *what, const char *s, uint64_t max, uint64_t *v, char **errp)
{
	int rc = fl_parse_u64(s, max, v);

	if (rc == -ERANGE)
		return fl_err(errp, "%s: %s: value out of range (max %llu)", what, s,
		              (unsigned long long)max);
	if (rc)
		return fl_err(errp, "%s: %s: invalid number", what, s);
	return 0;
}

static int parse_ip_mask(const char *what, const char *full, const char *ms, uint32_t *mask,
                         char **errp)
{
	uint64_t n;

	if (!strchr(ms, '.')) {
		if (fl_parse_u64(ms, 32, &n) || (ms[0] == '0' && ms[1] == 'x'))
			return fl_err(errp, "%s: %s: invalid prefix length (0..32)", what, full);
		*mask = n ? htonl(~0u << (32 - n)) : 0;
		return 0;
	}
	if (fl_parse_ip(ms, mask))
		return fl_err(errp, "%s: %s: invalid IP mask", what, full);
	return 0;
}

int fl_field_parse(enum fl_field f, const char *what, const char *s,
                   const struct fl_port_map *ports, struct fl_match *m, char **errp)
{
	const struct fl_field_desc *fd = &fl_fields[f];
	uint64_t max = fd->bits == 64 ? UINT64_MAX : (1ull << fd->bits) - 1;
	uint8_t *val = (uint8_t *)&m->value + fd->off, *msk = (uint8_t *)&m->mask + fd->off;
	char buf[128], *ms;
	uint64_t v, mv;
	int rc;

	if (strlen(s) >= sizeof(buf))
		return fl_err(errp, "%s: value too long", what);
	strcpy(buf, s);
	ms = strchr(buf, '/');
	if (ms) {
		*ms++ = '\0';
		if (!fd->maskable)
			return fl_err(errp, "%s: %s: masks are not supported for this field", what,
			              s);
	}
	if (!buf[0])
		return fl_err(errp, "%s: missing value", what);

	switch (fd->kind) {
	case FL_FK_INT:
		if ((rc = parse_int_part(what, buf, max, &v, errp)))
			return rc;
		mv = max;
		if (ms && (rc = parse_int_part(what, ms, max, &mv, errp)))
			return rc;
		put_int(&m->value, fd, v & mv);
		put_int(&m->mask, fd, mv);
		return 0;
	case FL_FK_PORT: {
		uint32_t port;

		if ((rc = fl_parse_port(buf, ports, what, &port, errp)))
			return rc;
		m->value.in_port = port;
		m->mask.in_port = UINT32_MAX;
		return 0;
	}
	case FL_FK_MAC: {
		uint8_t mac[6], mmac[6];

		if (fl_parse_mac(buf, mac))
			return fl_err(errp, "%s: %s: invalid Ethernet address", what, buf);
		memset(mmac, 0xff, 6);
		if (ms && fl_parse_mac(ms, mmac))
			return fl_err(errp, "%s: %s: invalid Ethernet mask", what, ms);
		for (int i = 0; i < 6; i++) {
			val[i] = mac[i] & mmac[i];
			msk[i] = mmac[i];
		}
		return 0;
	}
	case FL_FK_IP: {
		uint32_t ip, mask = UINT32_MAX;

		if (fl_parse_ip(buf, &ip))
			return fl_err(errp, "%s: %s: invalid IP address", what, buf);
		if (ms && (rc = parse_ip_mask(what, s, ms, &mask, errp)))
			return rc;
		ip &= mask;
		memcpy(val, &ip, 4);
		memcpy(msk, &mask, 4);
		return 0;
	}
	case FL_FK_VID:
		if (fl_parse_u64(buf, 0xffff, &v) || (v > FL_VLAN_VID && v != 0xffff))
			return fl_err(errp, "%s: %s: invalid VLAN id (0..4095, or 0xffff for none)",
			              what, buf);
		if (v == 0xffff) {
			m->value.vlan_tci = 0;
			m->mask.vlan_tci = 0xffff;
		} else {
			m->value.vlan_tci = (m->value.vlan_tci & FL_VLAN_PCP) | FL_VLAN_CFI | v;
			m->mask.vlan_tci |= FL_VLAN_CFI | FL_VLAN_VID;
		}
		return 0;
	case FL_FK_PCP:
		if ((rc = parse_int_part(what, buf, 7, &v, errp)))
			return rc;
		m->value.vlan_tci =
		    (uint16_t)((m->value.vlan_tci & FL_VLAN_VID) | FL_VLAN_CFI | v << 13);
		m->mask.vlan_tci |= FL_VLAN_CFI | FL_VLAN_PCP;
		return 0;
	case FL_FK_TOS:
	case FL_FK_DSCP:
		if ((rc = parse_int_part(what, buf, max, &v, errp)))
			return rc;
		m->value.nw_tos = (uint8_t)(fd->kind == FL_FK_DSCP ? v << 2 : v & 0xfc);
		m->mask.nw_tos = 0xfc;
		return 0;
	}
	return fl_err(errp, "%s: unsupported field", what);
}

static bool dl_type_is(const struct fl_match *m, uint16_t t)
{
	return m->mask.dl_type == 0xffff && m->value.dl_type == t;
}

static bool proto_is(const struct fl_match *m, uint8_t p)
{
	return dl_type_is(m, FL_ETH_IP) && m->mask.nw_proto == 0xff && m->value.nw_proto == p;
}

bool fl_prereq_ok(enum fl_prereq p, const struct fl_match *m)
{
	switch (p) {
	case FL_PRE_NONE:
		return true;
	case FL_PRE_IP_ARP:
		return dl_type_is(m, FL_ETH_IP) || dl_type_is(m, FL_ETH_ARP);
	case FL_PRE_IP:
		return dl_type_is(m, FL_ETH_IP);
	case FL_PRE_ARP:
		return dl_type_is(m, FL_ETH_ARP);
	case FL_PRE_L4:
		return proto_is(m, 6) || proto_is(m, 17) || proto_is(m, 132);
	case FL_PRE_ICMP:
		return proto_is(m, 1);
	case FL_PRE_TCP:
		return proto_is(m, 6);
	case FL_PRE_UDP:
		return proto_is(m, 17);
	}
	return false;
}

const char *fl_prereq_text(enum fl_prereq p)
{
	switch (p) {
	case FL_PRE_IP_ARP:
		return "requires ip or arp";
	case FL_PRE_IP:
		return "requires ip";
	case FL_PRE_ARP:
		return "requires arp";
	case FL_PRE_L4:
		return "requires tcp or udp (or sctp)";
	case FL_PRE_ICMP:
		return "requires icmp";
	case FL_PRE_TCP:
		return "requires tcp";
	case FL_PRE_UDP:
		return "requires udp";
	default:
		return "";
	}
}

bool fl_match_matches(const struct fl_match *m, const struct fl_key *key)
{
	for (int i = 0; i < FL_KEY_WORDS; i++) {
		if ((key->u64[i] & m->mask.u64[i]) != m->value.u64[i])
			return false;
	}
	return true;
}

bool fl_match_equal(const struct fl_match *a, const struct fl_match *b)
{
	return !memcmp(a, b, sizeof(*a));
}
