/* fl_actions.c: the actions=... part of a flow: parser and printer. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fl_priv.h"

#define DELIMS ", \t\r\n"

/* Growable action array. */
struct acts {
	struct fl_action *a;
	size_t n, cap;
};

static struct fl_action *acts_add(struct acts *v, enum fl_act_type type)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 4;
		struct fl_action *a = realloc(v->a, cap * sizeof(*a));

		if (!a)
			return NULL;
		v->a = a;
		v->cap = cap;
	}
	memset(&v->a[v->n], 0, sizeof(v->a[0]));
	v->a[v->n].type = (uint16_t)type;
	return &v->a[v->n++];
}

static int num_arg(const char *name, const char *arg, uint64_t max, uint64_t *out, char **errp)
{
	int rc;

	if (!arg || !*arg)
		return fl_err(errp, "%s: missing argument", name);
	rc = fl_parse_u64(arg, max, out);
	if (rc == -ERANGE)
		return fl_err(errp, "%s: %s: value out of range (max %llu)", name, arg,
		              (unsigned long long)max);
	if (rc)
		return fl_err(errp, "%s: %s: invalid number", name, arg);
	return 0;
}

static int parse_set_field(char *arg, const struct fl_port_map *ports, const struct fl_match *m,
                           struct fl_action *a, char **errp)
{
	char *arrow = arg ? strstr(arg, "->") : NULL;
	const struct fl_field_desc *fd;
	int f;

	if (!arrow)
		return fl_err(errp, "set_field: %s: expected VALUE->FIELD", arg ? arg : "");
	*arrow = '\0';
	f = fl_field_by_name(arrow + 2);
	if (f < 0)
		return fl_err(errp, "set_field: unknown field '%s'", arrow + 2);
	/* As OVS: in set_field (an OXM field name), tp_src/tp_dst are tcp_src/tcp_dst; a UDP flow
	 * sets udp_src/udp_dst. (As a match field tp_* still means TCP, UDP or SCTP.) */
	if (f == FL_F_TP_SRC)
		f = FL_F_TCP_SRC;
	else if (f == FL_F_TP_DST)
		f = FL_F_TCP_DST;
	fd = &fl_fields[f];
	if (!fd->writable)
		return fl_err(errp, "set_field: field %s is read-only", fd->name);
	if (strchr(arg, '/'))
		return fl_err(errp, "set_field: %s: masked values are not supported", arg);
	if (fd->kind == FL_FK_VID && !strcmp(arg, "0xffff"))
		return fl_err(errp, "set_field: %s: invalid VLAN id (0..4095)", arg);
	if (!fl_prereq_ok(fd->prereq, m))
		return fl_err(errp, "set_field: %s %s", fd->name, fl_prereq_text(fd->prereq));
	a->set_field.field = (uint16_t)f;
	return fl_field_parse((enum fl_field)f, fd->name, arg, ports, &a->set_field.set, errp);
}

static int parse_resubmit(char *arg, bool paren, const struct fl_port_map *ports,
                          struct fl_action *a, char **errp)
{
	char *comma, *port = arg, *table = NULL;
	uint64_t t;
	int rc;

	a->resubmit.port = FL_PORT_IN_PORT;
	a->resubmit.table = FL_TABLE_NONE;
	if (!arg)
		return fl_err(errp, "resubmit: missing argument");
	if (paren) {
		comma = strchr(arg, ',');
		if (!comma)
			return fl_err(errp, "resubmit(%s): expected resubmit(PORT,TABLE)", arg);
		*comma = '\0';
		table = comma + 1;
		if (*table) {
			if ((rc = num_arg("resubmit", table, FL_TABLE_MAX, &t, errp)))
				return rc;
			a->resubmit.table = (uint8_t)t;
		}
	}
	if (*port && strcmp(port, "IN_PORT") &&
	    (rc = fl_parse_port(port, ports, "resubmit", &a->resubmit.port, errp)))
		return rc;
	if (a->resubmit.port == FL_PORT_IN_PORT && a->resubmit.table == FL_TABLE_NONE)
		return fl_err(errp, "resubmit: a port or a table is required");
	return 0;
}

/* Parses one action token 'tok' (NUL-terminated, modified). */
static int parse_one(char *tok, const struct fl_port_map *ports, const struct fl_match *m,
                     uint8_t table, struct acts *v, char **errp)
{
	static const struct {
		const char *name;
		enum fl_act_type type;
	} bare[] = {{"NORMAL", FL_ACT_NORMAL},
	            {"FLOOD", FL_ACT_FLOOD},
	            {"ALL", FL_ACT_ALL},
	            {"IN_PORT", FL_ACT_IN_PORT},
	            {"strip_vlan", FL_ACT_STRIP_VLAN},
	            {"pop_vlan", FL_ACT_STRIP_VLAN}};
	size_t nlen = strcspn(tok, ":(");
	char *arg = NULL, *name = tok;
	bool paren = tok[nlen] == '(';
	struct fl_action *a;
	uint64_t n;
	int rc;

	if (tok[nlen]) {
		arg = tok + nlen + 1;
		tok[nlen] = '\0';
		if (paren) {
			size_t al = strlen(arg);

			if (!al || arg[al - 1] != ')')
				return fl_err(errp, "%s(%s: missing ')'", name, arg);
			arg[al - 1] = '\0';
		}
	}
	if (!strcmp(name, "drop"))
		return fl_err(errp, "\"drop\" must not be accompanied by any other action");
	for (size_t i = 0; i < sizeof(bare) / sizeof(bare[0]); i++) {
		if (strcmp(name, bare[i].name))
			continue;
		if (arg)
			return fl_err(errp, "%s: takes no argument", name);
		return acts_add(v, bare[i].type) ? 0 : -ENOMEM;
	}
	if (!strcmp(name, "resubmit")) {
		if (!(a = acts_add(v, FL_ACT_RESUBMIT)))
			return -ENOMEM;
		return parse_resubmit(arg, paren, ports, a, errp);
	}
	if (paren)
		return fl_err(errp, "unknown action '%s(...)'", name);
	if (!strcmp(name, "output")) {
		if (!arg || !*arg)
			return fl_err(errp, "output: missing port");
		if (!(a = acts_add(v, FL_ACT_OUTPUT)))
			return -ENOMEM;
		return fl_parse_port(arg, ports, "output", &a->port, errp);
	}
	if (!strcmp(name, "mod_vlan_vid") || !strcmp(name, "mod_vlan_pcp")) {
		bool vid = name[9] == 'v';

		if ((rc = num_arg(name, arg, vid ? FL_VLAN_VID : 7, &n, errp)))
			return rc;
		if (!(a = acts_add(v, vid ? FL_ACT_MOD_VLAN_VID : FL_ACT_MOD_VLAN_PCP)))
			return -ENOMEM;
		if (vid)
			a->vid = (uint16_t)n;
		else
			a->pcp = (uint8_t)n;
		return 0;
	}
	if (!strcmp(name, "push_vlan")) {
		if ((rc = num_arg(name, arg, 0xffff, &n, errp)))
			return rc;
		if (n != FL_ETH_VLAN)
			return fl_err(errp, "push_vlan: %s: only 0x8100 is supported", arg);
		if (!(a = acts_add(v, FL_ACT_PUSH_VLAN)))
			return -ENOMEM;
		a->ethertype = FL_ETH_VLAN;
		return 0;
	}
	if (!strcmp(name, "mod_dl_src") || !strcmp(name, "mod_dl_dst")) {
		if (!(a = acts_add(v, name[7] == 's' ? FL_ACT_MOD_DL_SRC : FL_ACT_MOD_DL_DST)))
			return -ENOMEM;
		if (!arg || fl_parse_mac(arg, a->mac))
			return fl_err(errp, "%s: %s: invalid Ethernet address", name,
			              arg ? arg : "");
		return 0;
	}
	if (!strcmp(name, "set_field")) {
		if (!(a = acts_add(v, FL_ACT_SET_FIELD)))
			return -ENOMEM;
		return parse_set_field(arg, ports, m, a, errp);
	}
	if (!strcmp(name, "set_tunnel") || !strcmp(name, "set_tunnel64")) {
		if ((rc = num_arg(name, arg, UINT64_MAX, &n, errp)))
			return rc;
		/* As OVS: set_tunnel with a value beyond 32 bits is set_tunnel64. */
		if (!(a = acts_add(v, name[10] || n > UINT32_MAX ? FL_ACT_SET_TUNNEL64
		                                                 : FL_ACT_SET_TUNNEL)))
			return -ENOMEM;
		a->tun_id = n;
		return 0;
	}
	if (!strcmp(name, "goto_table")) {
		if ((rc = num_arg(name, arg, FL_TABLE_MAX, &n, errp)))
			return rc;
		if (n <= table)
			return fl_err(errp,
			              "goto_table: %s: must be greater than the flow's table %u",
			              arg, table);
		if (!(a = acts_add(v, FL_ACT_GOTO_TABLE)))
			return -ENOMEM;
		a->table = (uint8_t)n;
		return 0;
	}
	if (arg)
		return fl_err(errp, "unknown action '%s'", name);
	/* A bare port number or name: output. */
	if (!(a = acts_add(v, FL_ACT_OUTPUT)))
		return -ENOMEM;
	if (fl_parse_port(name, ports, "output", &a->port, NULL))
		return fl_err(errp, "unknown action '%s'", name);
	return 0;
}

int fl_actions_parse(const char *s, const struct fl_port_map *ports, const struct fl_match *m,
                     uint8_t table, struct fl_action **acts, size_t *n, char **errp)
{
	struct acts v = {0};
	char buf[256];
	int rc = 0;

	*acts = NULL;
	*n = 0;
	s += strspn(s, DELIMS);
	if (!strncmp(s, "drop", 4) && !s[4 + strspn(s + 4, DELIMS)])
		return 0;
	while (*s) {
		size_t len = 0;
		int depth = 0;

		while (s[len] && (depth || !strchr(DELIMS, s[len]))) {
			depth += s[len] == '(' ? 1 : s[len] == ')' ? -1 : 0;
			len++;
		}
		if (len >= sizeof(buf)) {
			rc = fl_err(errp, "%.20s...: action too long", s);
			break;
		}
		memcpy(buf, s, len);
		buf[len] = '\0';
		if (v.n && v.a[v.n - 1].type == FL_ACT_GOTO_TABLE) {
			rc = fl_err(errp, "%s: no action may follow goto_table", buf);
			break;
		}
		if ((rc = parse_one(buf, ports, m, table, &v, errp)))
			break;
		s += len;
		s += strspn(s, DELIMS);
	}
	if (rc) {
		free(v.a);
		return rc;
	}
	*acts = v.a;
	*n = v.n;
	return 0;
}

static void print_set_field(FILE *f, const struct fl_action *a, const struct fl_port_map *ports)
{
	const struct fl_field_desc *fd = &fl_fields[a->set_field.field];
	const struct fl_key *k = &a->set_field.set.value;
	uint64_t v;

	fputs("set_field:", f);
	switch (fd->kind) {
	case FL_FK_PORT:
		fl_print_port(f, k->in_port, ports);
		break;
	case FL_FK_MAC:
		fl_print_mac(f, (const uint8_t *)k + fd->off);
		break;
	case FL_FK_IP: {
		uint32_t ip;

		memcpy(&ip, (const uint8_t *)k + fd->off, 4);
		fl_print_ip(f, ip);
		break;
	}
	case FL_FK_VID:
		fprintf(f, "%u", (unsigned)(k->vlan_tci & FL_VLAN_VID));
		break;
	case FL_FK_PCP:
		fprintf(f, "%u", (unsigned)(k->vlan_tci >> 13));
		break;
	case FL_FK_DSCP:
		fprintf(f, "%u", (unsigned)(k->nw_tos >> 2));
		break;
	default:
		v = fl_key_get(k, fd);
		if (a->set_field.field == FL_F_TUN_ID || a->set_field.field == FL_F_VLAN_TCI)
			fprintf(f, "0x%llx", (unsigned long long)v);
		else
			fprintf(f, "%llu", (unsigned long long)v);
	}
	fprintf(f, "->%s", fd->name);
}

void fl_print_actions(FILE *f, const struct fl_action *acts, size_t n,
                      const struct fl_port_map *ports)
{
	if (!n)
		fputs("drop", f);
	for (size_t i = 0; i < n; i++) {
		const struct fl_action *a = &acts[i];

		if (i)
			fputc(',', f);
		switch ((enum fl_act_type)a->type) {
		case FL_ACT_OUTPUT:
			if (a->port != FL_PORT_LOCAL)
				fputs("output:", f);
			fl_print_port(f, a->port, ports);
			break;
		case FL_ACT_NORMAL:
			fputs("NORMAL", f);
			break;
		case FL_ACT_FLOOD:
			fputs("FLOOD", f);
			break;
		case FL_ACT_ALL:
			fputs("ALL", f);
			break;
		case FL_ACT_IN_PORT:
			fputs("IN_PORT", f);
			break;
		case FL_ACT_MOD_VLAN_VID:
			fprintf(f, "mod_vlan_vid:%u", a->vid);
			break;
		case FL_ACT_MOD_VLAN_PCP:
			fprintf(f, "mod_vlan_pcp:%u", a->pcp);
			break;
		case FL_ACT_STRIP_VLAN:
			fputs("strip_vlan", f);
			break;
		case FL_ACT_PUSH_VLAN:
			fprintf(f, "push_vlan:0x%04x", a->ethertype);
			break;
		case FL_ACT_MOD_DL_SRC:
		case FL_ACT_MOD_DL_DST:
			fputs(a->type == FL_ACT_MOD_DL_SRC ? "mod_dl_src:" : "mod_dl_dst:", f);
			fl_print_mac(f, a->mac);
			break;
		case FL_ACT_SET_FIELD:
			print_set_field(f, a, ports);
			break;
		case FL_ACT_SET_TUNNEL:
		case FL_ACT_SET_TUNNEL64:
			fprintf(f, "%s:0x%llx",
			        a->type == FL_ACT_SET_TUNNEL ? "set_tunnel" : "set_tunnel64",
			        (unsigned long long)a->tun_id);
			break;
		case FL_ACT_RESUBMIT:
			if (a->resubmit.table == FL_TABLE_NONE) {
				fputs("resubmit:", f);
				fl_print_port(f, a->resubmit.port, ports);
				break;
			}
			fputs("resubmit(", f);
			if (a->resubmit.port != FL_PORT_IN_PORT)
				fl_print_port(f, a->resubmit.port, ports);
			fprintf(f, ",%u)", a->resubmit.table);
			break;
		case FL_ACT_GOTO_TABLE:
			fprintf(f, "goto_table:%u", a->table);
			break;
		case FL_ACT__COUNT:
			break;
		}
	}
}
