/* fl_parse.c: one ovs-ofctl flow line -> struct fl_flow (the match part and the flow's
 * attributes; actions are in fl_actions.c), and the whole-flow helpers (copy, equal, print). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fl_priv.h"

#define DELIMS ", \t\r\n"

/* Keywords of ovs-ofctl flows that weft does not implement: refused by name. */
static const char *const unsupported[] = {
    "out_port",      "out_group",    "importance",       "send_flow_rem",
    "check_overlap", "reset_counts", "no_packet_counts", "no_byte_counts",
    "duration",      "n_packets",    "n_bytes",          "idle_age",
    "hard_age",      NULL,
};

/* Shorthands: name, dl_type, nw_proto (-1: none). */
static const struct {
	const char *name;
	uint16_t dl_type;
	int nw_proto;
} shorthands[] = {
    {"ip", FL_ETH_IP, -1},  {"arp", FL_ETH_ARP, -1}, {"tcp", FL_ETH_IP, 6},
    {"udp", FL_ETH_IP, 17}, {"icmp", FL_ETH_IP, 1},  {"sctp", FL_ETH_IP, 132},
};

static int parse_num(const char *key, const char *v, uint64_t max, uint64_t *out, char **errp)
{
	int rc;

	if (!v || !*v)
		return fl_err(errp, "%s: missing value", key);
	rc = fl_parse_u64(v, max, out);
	if (rc == -ERANGE)
		return fl_err(errp, "%s: %s: value out of range (max %llu)", key, v,
		              (unsigned long long)max);
	if (rc)
		return fl_err(errp, "%s: %s: invalid number", key, v);
	return 0;
}

static int parse_cookie(struct fl_flow *fl, char *v, bool match_only, char **errp)
{
	char *slash;
	uint64_t c, m = UINT64_MAX;
	int rc;

	if (!v)
		return fl_err(errp, "cookie: missing value");
	slash = strchr(v, '/');
	if (slash) {
		*slash++ = '\0';
		if (!match_only)
			return fl_err(errp, "cookie: flow additions cannot use a cookie mask");
		if ((rc = parse_num("cookie", slash, UINT64_MAX, &m, errp)))
			return rc;
	}
	if ((rc = parse_num("cookie", v, UINT64_MAX, &c, errp)))
		return rc;
	fl->cookie = c & (match_only ? m : UINT64_MAX);
	fl->cookie_mask = match_only ? m : 0;
	return 0;
}

/* Handles one KEY[=VALUE] token of the match part. 'set' collects the fields given. */
static int parse_token(struct fl_flow *fl, char *key, char *v, unsigned flags,
                       const struct fl_port_map *ports, uint32_t *set, char **errp)
{
	bool match_only = flags & FL_PARSE_MATCH_ONLY;
	uint64_t n;
	int rc, f;

	for (size_t i = 0; i < sizeof(shorthands) / sizeof(shorthands[0]); i++) {
		if (strcmp(key, shorthands[i].name))
			continue;
		if (v)
			return fl_err(errp, "%s: takes no value", key);
		fl->match.value.dl_type = shorthands[i].dl_type;
		fl->match.mask.dl_type = 0xffff;
		if (shorthands[i].nw_proto >= 0) {
			fl->match.value.nw_proto = (uint8_t)shorthands[i].nw_proto;
			fl->match.mask.nw_proto = 0xff;
		}
		return 0;
	}
	if (!strcmp(key, "table")) {
		if ((rc = parse_num(key, v, match_only ? FL_TABLE_NONE : FL_TABLE_MAX, &n, errp)))
			return rc;
		fl->table = (uint8_t)n;
		return 0;
	}
	if (!strcmp(key, "priority")) {
		if ((rc = parse_num(key, v, FL_PRIORITY_MAX, &n, errp)))
			return rc;
		fl->priority = (uint16_t)n;
		fl->has_priority = true;
		return 0;
	}
	if (!strcmp(key, "cookie"))
		return parse_cookie(fl, v, match_only, errp);
	if (!strcmp(key, "idle_timeout") || !strcmp(key, "hard_timeout")) {
		if ((rc = parse_num(key, v, UINT16_MAX, &n, errp)))
			return rc;
		*(key[0] == 'i' ? &fl->idle_timeout : &fl->hard_timeout) = (uint16_t)n;
		return 0;
	}
	for (int i = 0; unsupported[i]; i++) {
		if (!strcmp(key, unsupported[i]))
			return fl_err(errp, "'%s' is not supported by weft", key);
	}
	f = fl_field_by_name(key);
	if (f < 0)
		return fl_err(errp, "unknown field '%s'", key);
	if (!v)
		return fl_err(errp, "%s: missing value", key);
	*set |= 1u << f;
	return fl_field_parse((enum fl_field)f, key, v, ports, &fl->match, errp);
}

static bool member_masked(const struct fl_match *m, const struct fl_field_desc *fd)
{
	const uint8_t *p = (const uint8_t *)&m->mask + fd->off;

	for (unsigned i = 0; i < fd->size; i++) {
		if (p[i])
			return true;
	}
	return false;
}

/* As OVS normalizes a match: a field a shorthand set (tcp's nw_proto) whose prerequisite a
 * later field undid ("tcp,dl_type=0x88cc") is dropped, unless another field stored in the same
 * member still holds (nw_proto is arp_op under arp). Named fields were checked before. */
static void drop_orphans(struct fl_match *m)
{
	for (int f = 0; f < FL_F__COUNT; f++) {
		const struct fl_field_desc *fd = &fl_fields[f];
		bool held = false;

		if (!member_masked(m, fd) || fl_prereq_ok(fd->prereq, m))
			continue;
		for (int g = 0; g < FL_F__COUNT && !held; g++)
			held = fl_fields[g].off == fd->off && fl_prereq_ok(fl_fields[g].prereq, m);
		if (!held) {
			memset((uint8_t *)&m->mask + fd->off, 0, fd->size);
			memset((uint8_t *)&m->value + fd->off, 0, fd->size);
		}
	}
}

int fl_flow_parse(const char *s, unsigned flags, const struct fl_port_map *ports,
                  struct fl_flow *fl, char **errp)
{
	bool match_only = flags & FL_PARSE_MATCH_ONLY;
	const char *p = s, *actions = NULL;
	uint32_t set = 0;
	char buf[256];
	int rc;

	memset(fl, 0, sizeof(*fl));
	fl->priority = FL_PRIORITY_DEFAULT;
	fl->table = match_only ? FL_TABLE_NONE : 0;
	for (;;) {
		size_t len;
		char *v;

		p += strspn(p, DELIMS);
		if (!*p)
			break;
		len = strcspn(p, DELIMS);
		if (!strncmp(p, "actions=", 8)) {
			actions = p + 8;
			break;
		}
		if (len >= sizeof(buf))
			return fl_err(errp, "%.20s...: token too long", p);
		memcpy(buf, p, len);
		buf[len] = '\0';
		v = strchr(buf, '=');
		if (v)
			*v++ = '\0';
		if (!buf[0])
			return fl_err(errp, "%s: missing field name", p);
		if ((rc = parse_token(fl, buf, v, flags, ports, &set, errp)))
			return rc;
		p += len;
	}
	for (int f = 0; f < FL_F__COUNT; f++) {
		const struct fl_field_desc *fd = &fl_fields[f];

		if ((set & (1u << f)) && member_masked(&fl->match, fd) &&
		    !fl_prereq_ok(fd->prereq, &fl->match))
			return fl_err(errp, "%s %s", fd->name, fl_prereq_text(fd->prereq));
	}
	drop_orphans(&fl->match);
	if (match_only) {
		if (actions)
			return fl_err(errp,
			              "actions: not allowed in a match (del-flows, dump-flows)");
		return 0;
	}
	if (!actions)
		return fl_err(errp, "must specify an action (actions=...)");
	return fl_actions_parse(actions, ports, &fl->match, fl->table, &fl->actions, &fl->n_actions,
	                        errp);
}

void fl_flow_uninit(struct fl_flow *fl)
{
	if (!fl)
		return;
	free(fl->actions);
	fl->actions = NULL;
	fl->n_actions = 0;
}

int fl_flow_copy(struct fl_flow *dst, const struct fl_flow *src)
{
	*dst = *src;
	dst->actions = NULL;
	if (src->n_actions) {
		dst->actions = malloc(src->n_actions * sizeof(*src->actions));
		if (!dst->actions) {
			dst->n_actions = 0;
			return -ENOMEM;
		}
		memcpy(dst->actions, src->actions, src->n_actions * sizeof(*src->actions));
	}
	return 0;
}

bool fl_flow_equal(const struct fl_flow *a, const struct fl_flow *b)
{
	return a->table == b->table && a->priority == b->priority && a->cookie == b->cookie &&
	       a->cookie_mask == b->cookie_mask && a->idle_timeout == b->idle_timeout &&
	       a->hard_timeout == b->hard_timeout && a->has_priority == b->has_priority &&
	       fl_match_equal(&a->match, &b->match) && a->n_actions == b->n_actions &&
	       (!a->n_actions ||
	        !memcmp(a->actions, b->actions, a->n_actions * sizeof(*a->actions)));
}

/* Closes the memstream and returns its buffer, or NULL if any write failed. */
static char *finish(FILE *f, char **bufp)
{
	bool bad = ferror(f);

	/* fclose() writes the final buffer address into *bufp. */
	if (fclose(f) || bad) {
		free(*bufp);
		return NULL;
	}
	return *bufp;
}

char *fl_flow_to_string(const struct fl_flow *fl, bool match_only, const struct fl_port_map *ports)
{
	char *buf = NULL;
	size_t size;
	FILE *f = open_memstream(&buf, &size);

	if (!f)
		return NULL;
	if (fl->cookie_mask && fl->cookie_mask != UINT64_MAX)
		fprintf(f, "cookie=0x%llx/0x%llx, ", (unsigned long long)fl->cookie,
		        (unsigned long long)fl->cookie_mask);
	else if (fl->cookie || fl->cookie_mask)
		fprintf(f, "cookie=0x%llx, ", (unsigned long long)fl->cookie);
	if (fl->table && fl->table != FL_TABLE_NONE)
		fprintf(f, "table=%u, ", fl->table);
	else if (fl->table == 0 && match_only)
		fprintf(f, "table=0, ");
	if (fl->idle_timeout)
		fprintf(f, "idle_timeout=%u, ", fl->idle_timeout);
	if (fl->hard_timeout)
		fprintf(f, "hard_timeout=%u, ", fl->hard_timeout);
	fl_print_match(f, &fl->match, fl->priority, fl->has_priority, ports);
	if (!match_only) {
		fflush(f);
		if (size && buf[size - 1] != ' ')
			fputc(' ', f);
		fputs("actions=", f);
		fl_print_actions(f, fl->actions, fl->n_actions, ports);
	}
	return finish(f, &buf);
}

char *fl_match_to_string(const struct fl_match *m, unsigned priority,
                         const struct fl_port_map *ports)
{
	char *buf = NULL;
	size_t size;
	FILE *f = open_memstream(&buf, &size);

	if (!f)
		return NULL;
	fl_print_match(f, m, priority, false, ports);
	return finish(f, &buf);
}

char *fl_actions_to_string(const struct fl_action *a, size_t n, const struct fl_port_map *ports)
{
	char *buf = NULL;
	size_t size;
	FILE *f = open_memstream(&buf, &size);

	if (!f)
		return NULL;
	fl_print_actions(f, a, n, ports);
	return finish(f, &buf);
}
