/* weftctl command-line parsing: argv -> global options + list of commands. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util_num.h"

#include "columns.h"
#include "flows.h"
#include "parse.h"

int cli_parse_uint(const char *s, long long min, long long max, const char *what, long long *out,
                   char **errp)
{
	/* Unsigned: a sign is not part of the syntax here, so "-1" is invalid, not out of
	 * range. */
	int ret = s[0] == '-' ? -EINVAL : util_parse_int(s, min, max, out);

	if (ret == -ERANGE) {
		return cli_error(errp, "%s %s out of range %lld..%lld", what, s, min, max);
	}
	if (ret < 0) {
		return cli_error(errp, "invalid %s '%s' (expected an integer %lld..%lld)", what, s,
		                 min, max);
	}
	return 0;
}

int cli_parse_vlan(const char *s, const char *what, int *vlan, char **errp)
{
	long long v;
	int ret = cli_parse_uint(s, 0, 4095, what, &v, errp);

	if (ret == 0) {
		*vlan = (int)v;
	}
	return ret;
}

int cli_parse_mac(const char *s, char out[18], char **errp)
{
	unsigned int bytes[6];
	const char *p = s;

	for (int i = 0; i < 6; i++) {
		size_t n = strspn(p, "0123456789abcdefABCDEF");

		if (n < 1 || n > 2 || (i < 5 && p[n] != ':') || (i == 5 && p[n] != '\0')) {
			return cli_error(errp, "invalid MAC '%s' (expected xx:xx:xx:xx:xx:xx)", s);
		}
		bytes[i] = (unsigned int)strtoul(p, NULL, 16);
		p += n + 1;
	}
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", bytes[0], bytes[1], bytes[2], bytes[3],
	         bytes[4], bytes[5]);
	return 0;
}

int cli_parse_ipv4(const char *s, const char *what, char out[16], char **errp)
{
	unsigned int octets[4];
	const char *p = s;

	for (int i = 0; i < 4; i++) {
		size_t n = strspn(p, "0123456789");

		if (n < 1 || n > 3 || (n > 1 && p[0] == '0') || (i < 3 && p[n] != '.') ||
		    (i == 3 && p[n] != '\0')) {
			return cli_error(errp, "invalid %s '%s' (expected an IPv4 address A.B.C.D)",
			                 what, s);
		}
		octets[i] = (unsigned int)strtoul(p, NULL, 10);
		if (octets[i] > 255) {
			return cli_error(errp, "invalid %s '%s' (%u is not 0..255)", what, s,
			                 octets[i]);
		}
		p += n + 1;
	}
	if ((octets[0] | octets[1] | octets[2] | octets[3]) == 0 ||
	    (octets[0] & octets[1] & octets[2] & octets[3]) == 255 ||
	    (octets[0] >= 224 && octets[0] <= 239)) {
		return cli_error(errp, "%s '%s' is not a unicast IPv4 address", what, s);
	}
	snprintf(out, 16, "%u.%u.%u.%u", octets[0], octets[1], octets[2], octets[3]);
	return 0;
}

int cli_parse_unicast_mac(const char *s, char out[18], char **errp)
{
	int ret = cli_parse_mac(s, out, errp);

	if (ret < 0) {
		return ret;
	}
	if (strtoul(out, NULL, 16) & 1) {
		return cli_error(errp, "MAC '%s' is multicast or broadcast (expected unicast)", s);
	}
	if (!strcmp(out, "00:00:00:00:00:00")) {
		return cli_error(errp, "MAC '%s' is all zeros (expected unicast)", s);
	}
	return 0;
}

int cli_parse_name(const char *s, const char *what, char **errp)
{
	if (s[0] == '\0') {
		return cli_error(errp, "empty %s name", what);
	}
	for (const char *p = s; *p; p++) {
		if (*p == '/' || isspace((unsigned char)*p) || iscntrl((unsigned char)*p)) {
			return cli_error(errp,
			                 "invalid %s name '%s' (no '/', space or control "
			                 "character allowed)",
			                 what, s);
		}
	}
	if (strstr(s, "..")) {
		return cli_error(errp, "invalid %s name '%s' (no '..' allowed)", what, s);
	}
	if (strlen(s) > CLI_NAME_MAX) {
		return cli_error(errp, "invalid %s name '%.16s...' (%zu bytes, at most %d)", what,
		                 s, strlen(s), CLI_NAME_MAX);
	}
	return 0;
}

bool cli_valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned c = *p, n, min, cp;

		if (c < 0x80) {
			p++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			n = 1, min = 0x80, cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2, min = 0x800, cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3, min = 0x10000, cp = c & 0x07;
		} else {
			return false;
		}
		for (unsigned i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80) {
				return false;
			}
			cp = cp << 6 | (p[i] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
			return false;
		}
		p += n + 1;
	}
	return true;
}

/* One command as split from argv, before validation. */
struct raw_cmd {
	const struct cli_verb_info *vi;
	char **args; /* borrowed from argv */
	int n_args;
	bool help;
	bool all;
	bool may_exist;
	bool if_exists;
	bool strict;   /* flow verbs */
	bool no_stats; /* dump-flows */
};

/* Applies --may-exist / --if-exists ('opt') to the command 'cur'. */
static int apply_exist_option(struct raw_cmd *cur, const char *opt, char **errp)
{
	bool may = !strcmp(opt, "--may-exist");
	enum cli_cmd_verb v = cur->vi->verb;

	if (may ? (v != CLI_CMD_ADD_BR && v != CLI_CMD_ADD_PORT)
	        : (v != CLI_CMD_DEL_BR && v != CLI_CMD_DEL_PORT)) {
		return cli_error(errp, "option %s is not valid for '%s' (only %s)", opt,
		                 cur->vi->name, may ? "add-br, add-port" : "del-br, del-port");
	}
	if (may) {
		cur->may_exist = true;
	} else {
		cur->if_exists = true;
	}
	return 0;
}

/* Handles global option argv[*i] (advancing *i past a separate value). */
static int parse_global_option(int argc, char **argv, int *i, struct cli_opts *opts, char **errp)
{
	static const char *const names[] = {"--rundir", "--timeout", "--format", "--db"};
	const char *arg = argv[*i];
	const char *value = NULL;
	size_t k;

	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		size_t len = strlen(names[k]);

		if (!strncmp(arg, names[k], len) && (arg[len] == '=' || arg[len] == '\0')) {
			break;
		}
	}
	if (k == sizeof(names) / sizeof(names[0])) {
		return cli_error(errp, "unknown option '%s' (try --help)", arg);
	}
	value = strchr(arg, '=');
	if (value) {
		value++;
	} else if (*i + 1 < argc) {
		value = argv[++*i];
	} else {
		return cli_error(errp, "option %s needs a value", arg);
	}
	if (k == 0) {
		if (value[0] == '\0') {
			return cli_error(errp, "option --rundir: empty directory");
		}
		opts->rundir = value;
	} else if (k == 1) {
		long long t;
		int ret = cli_parse_uint(value, 0, 86400, "--timeout", &t, errp);

		if (ret < 0) {
			return ret;
		}
		opts->timeout_s = (int)t;
	} else if (k == 3) {
		if (strncmp(value, "unix:", 5) != 0 || value[5] == '\0') {
			return cli_error(errp, "invalid --db '%s' (expected unix:PATH)", value);
		}
		opts->db = value;
	} else if (!strcmp(value, "json")) {
		opts->format = CLI_FMT_JSON;
	} else if (!strcmp(value, "table")) {
		opts->format = CLI_FMT_TABLE;
	} else {
		return cli_error(errp, "invalid --format '%s' (expected table or json)", value);
	}
	return 0;
}

/* Splits argv into raw commands at "--" and handles options. 'raws' and 'argbuf' have room
 * for argc entries; each command's arguments are a contiguous slice of 'argbuf'. */
static int split_argv(int argc, char **argv, struct cli_opts *opts, struct raw_cmd *raws,
                      size_t *n_raws, char **argbuf, char **errp)
{
	struct raw_cmd *cur = NULL;
	const char *pending = NULL; /* --may-exist/--if-exists before its command */
	bool after_sep = false;
	size_t n_argbuf = 0;
	int ret;

	*n_raws = 0;
	for (int i = 1; i < argc; i++) {
		char *arg = argv[i];

		if (!strcmp(arg, "--")) {
			if (!cur && (*n_raws > 0 || after_sep)) {
				return cli_error(errp, "missing command between '--' separators");
			}
			cur = NULL;
			after_sep = true;
		} else if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
			if (cur) {
				cur->help = true;
			} else {
				opts->help = true;
			}
		} else if (!strcmp(arg, "--all")) {
			if (!cur || !cur->vi->allow_all) {
				return cli_error(errp, "option --all is only valid after 'stats'");
			}
			cur->all = true;
		} else if (cur && cli_flows_option(cur->vi->verb, arg)) {
			cur->strict |= !strcmp(arg, "--strict");
			cur->no_stats |= !strcmp(arg, "--no-stats");
		} else if (!strcmp(arg, "--direct")) {
			opts->direct = true;
		} else if (!strcmp(arg, "--no-wait")) {
			opts->no_wait = true;
		} else if (!strcmp(arg, "--may-exist") || !strcmp(arg, "--if-exists")) {
			if (cur) {
				ret = apply_exist_option(cur, arg, errp);
				if (ret < 0) {
					return ret;
				}
			} else {
				pending = arg;
			}
		} else if (!strncmp(arg, "--", 2) || (!cur && arg[0] == '-' && arg[1] != '\0')) {
			ret = parse_global_option(argc, argv, &i, opts, errp);
			if (ret < 0) {
				return ret;
			}
		} else if (!cur) {
			const struct cli_verb_info *vi = cli_verb_find(arg);

			if (!vi) {
				return cli_error(errp, "unknown command '%s' (try --help)", arg);
			}
			cur = &raws[(*n_raws)++];
			*cur = (struct raw_cmd){.vi = vi, .args = &argbuf[n_argbuf]};
			after_sep = false;
			if (pending) {
				ret = apply_exist_option(cur, pending, errp);
				pending = NULL;
				if (ret < 0) {
					return ret;
				}
			}
		} else {
			argbuf[n_argbuf++] = arg;
			cur->n_args++;
		}
	}
	if (pending && !opts->help) {
		return cli_error(
		    errp, "option %s must precede add-br, add-port, del-br or del-port", pending);
	}
	if (after_sep && !cur && !opts->help) {
		return cli_error(errp, "missing command after '--'");
	}
	return 0;
}

static int check_name(const struct raw_cmd *raw, const char *s, const char *what, char **dst,
                      char **errp)
{
	int ret = cli_parse_name(s, what, errp);

	if (ret < 0) {
		return ret;
	}
	*dst = strdup(s);
	return *dst ? 0 : cli_error(errp, "%s: out of memory", raw->vi->name);
}

static int build_set(const struct raw_cmd *raw, struct cli_cmd *cmd, char **errp)
{
	int ret = cli_columns_table(raw->args[0], &cmd->verb, errp);

	if (ret < 0) {
		return ret;
	}
	if (cmd->verb == CLI_CMD_SET_BRIDGE) {
		ret = check_name(raw, raw->args[1], "bridge", &cmd->bridge, errp);
	} else {
		ret = check_name(raw, raw->args[1], "port", &cmd->name, errp);
	}
	for (int i = 2; i < raw->n_args && ret == 0; i++) {
		ret = cli_columns_parse(cmd->verb, raw->args[i], &cmd->cols, errp);
	}
	return ret;
}

/* Validates 'raw' and fills 'cmd' (verb already set). */
static int build_cmd(const struct raw_cmd *raw, struct cli_cmd *cmd, char **errp)
{
	char **a = raw->args;
	int n = raw->n_args;
	enum cli_cmd_verb v;
	int ret = 0;

	cmd->all = raw->all;
	cmd->may_exist = raw->may_exist;
	cmd->if_exists = raw->if_exists;
	cmd->strict = raw->strict;
	cmd->no_stats = raw->no_stats;
	if (cli_flows_verb(cmd->verb)) {
		return cli_flows_build(cmd, a, n, errp);
	}
	switch (cmd->verb) {
	case CLI_CMD_ADD_BR:
	case CLI_CMD_DEL_BR:
	case CLI_CMD_FDB_SHOW:
	case CLI_CMD_FDB_STATS:
		return check_name(raw, a[0], "bridge", &cmd->bridge, errp);
	case CLI_CMD_FDB_FLUSH:
		return n ? check_name(raw, a[0], "bridge", &cmd->bridge, errp) : 0;
	case CLI_CMD_ADD_PORT:
		ret = check_name(raw, a[0], "bridge", &cmd->bridge, errp);
		return ret ? ret : check_name(raw, a[1], "port", &cmd->name, errp);
	case CLI_CMD_DEL_PORT:
		if (n == 2) {
			ret = check_name(raw, a[0], "bridge", &cmd->bridge, errp);
		}
		return ret ? ret : check_name(raw, a[n - 1], "port", &cmd->name, errp);
	case CLI_CMD_SET_PORT:
	case CLI_CMD_SET_IFACE:
	case CLI_CMD_SET_BRIDGE:
		return build_set(raw, cmd, errp);
	case CLI_CMD_FDB_ADD:
		ret = check_name(raw, a[0], "bridge", &cmd->bridge, errp);
		if (!ret) {
			ret = check_name(raw, a[1], "port", &cmd->name, errp);
		}
		if (!ret) {
			ret = cli_parse_vlan(a[2], "VLAN", &cmd->vlan, errp);
		}
		return ret ? ret : cli_parse_mac(a[3], cmd->mac, errp);
	case CLI_CMD_FDB_DEL:
		ret = check_name(raw, a[0], "bridge", &cmd->bridge, errp);
		if (!ret) {
			ret = cli_parse_vlan(a[1], "VLAN", &cmd->vlan, errp);
		}
		return ret ? ret : cli_parse_mac(a[2], cmd->mac, errp);
	case CLI_CMD_STATS:
		return n ? check_name(raw, a[0], "port or bridge", &cmd->name, errp) : 0;
	case CLI_CMD_TNL_NEIGH_SHOW:
	case CLI_CMD_TNL_NEIGH_FLUSH:
		return n ? check_name(raw, a[0], "bridge", &cmd->bridge, errp) : 0;
	case CLI_CMD_LIST_PORTS:
		return check_name(raw, a[0], "bridge", &cmd->bridge, errp);
	case CLI_CMD_LIST:
		cmd->table = strdup(a[0]);
		cmd->record = n > 1 ? strdup(a[1]) : NULL;
		return cmd->table && (n < 2 || cmd->record)
		           ? 0
		           : cli_error(errp, "%s: out of memory", raw->vi->name);
	case CLI_CMD_CLEAR:
		ret = cli_columns_table(a[0], &v, errp);
		if (ret < 0) {
			return ret;
		}
		ret = check_name(raw, a[1], v == CLI_CMD_SET_BRIDGE ? "bridge" : "port",
		                 &cmd->record, errp);
		if (ret < 0) {
			return ret;
		}
		cmd->table = strdup(cli_columns_table_name(v));
		cmd->column = strdup(a[2]);
		if (!cmd->table || !cmd->column) {
			return cli_error(errp, "%s: out of memory", raw->vi->name);
		}
		if (v == CLI_CMD_SET_PORT
		        ? strcmp(a[2], "tag") && strcmp(a[2], "trunks") && strcmp(a[2], "vlan_mode")
		        : strcmp(a[2], v == CLI_CMD_SET_IFACE ? "options" : "other_config")) {
			return cli_error(
			    errp,
			    "cannot clear column %s of table %s (weftctl clears Port tag, "
			    "trunks, vlan_mode, Interface options, Bridge other_config)",
			    a[2], cmd->table);
		}
		return 0;
	case CLI_CMD_GET: /* columns joined by newlines (db-show.c splits them) */
		cmd->table = strdup(a[0]);
		cmd->record = strdup(a[1]);
		cmd->column = strdup(a[2]);
		for (int i = 3; i < n && cmd->column; i++) {
			char *j = NULL;
			if (asprintf(&j, "%s\n%s", cmd->column, a[i]) < 0)
				j = NULL;
			free(cmd->column);
			cmd->column = j;
		}
		return cmd->table && cmd->record && cmd->column
		           ? 0
		           : cli_error(errp, "%s: out of memory", raw->vi->name);
	case CLI_CMD_TNL_NEIGH_SET:
		ret = check_name(raw, a[0], "bridge", &cmd->bridge, errp);
		if (!ret) {
			ret = cli_parse_ipv4(a[1], "IP", cmd->ip, errp);
		}
		if (!ret) {
			ret = cli_parse_unicast_mac(a[2], cmd->mac, errp);
		}
		return ret || n < 4 ? ret : check_name(raw, a[3], "port", &cmd->name, errp);
	default:
		return 0;
	}
}

/* Does 'cmd' (between an add and a later set) end the life of the added record? */
static bool ends_record(const struct cli_cmd *add, const struct cli_cmd *cmd)
{
	if (cmd->verb == CLI_CMD_DEL_BR && add->bridge && !strcmp(cmd->bridge, add->bridge)) {
		return true;
	}
	if (add->verb == CLI_CMD_ADD_PORT &&
	    (cmd->verb == CLI_CMD_DEL_PORT || cmd->verb == CLI_CMD_ADD_PORT) &&
	    !strcmp(cmd->name, add->name)) {
		return true;
	}
	return add->verb == CLI_CMD_ADD_BR && cmd->verb == CLI_CMD_ADD_BR &&
	       !strcmp(cmd->bridge, add->bridge);
}

/* Index of the add-port/add-br that set command 'i' can be merged into, or -1. */
static long merge_target(const struct cli_cmd_list *list, size_t i)
{
	const struct cli_cmd *set = &list->cmds[i];
	enum cli_cmd_verb want =
	    set->verb == CLI_CMD_SET_BRIDGE ? CLI_CMD_ADD_BR : CLI_CMD_ADD_PORT;

	for (size_t j = i; j-- > 0;) {
		const struct cli_cmd *add = &list->cmds[j];

		if (add->verb != want) {
			continue;
		}
		if (want == CLI_CMD_ADD_BR ? strcmp(add->bridge, set->bridge)
		                           : strcmp(add->name, set->name)) {
			continue;
		}
		for (size_t k = j + 1; k < i; k++) {
			if (ends_record(add, &list->cmds[k])) {
				return -1;
			}
		}
		return (long)j;
	}
	return -1;
}

/* Folds "set" commands into the add-br/add-port that created their record, then checks the
 * sets that remain. */
static int merge_sets(struct cli_cmd_list *list, char **errp)
{
	bool *merged = calloc(list->n_cmds + 1, sizeof(*merged));
	size_t out = 0;

	if (!merged) {
		return cli_error(errp, "out of memory");
	}
	for (size_t i = 0; i < list->n_cmds; i++) {
		struct cli_cmd *cmd = &list->cmds[i];
		long j;

		if (cmd->verb != CLI_CMD_SET_PORT && cmd->verb != CLI_CMD_SET_IFACE &&
		    cmd->verb != CLI_CMD_SET_BRIDGE) {
			continue;
		}
		j = merge_target(list, i);
		if (j >= 0) {
			/* 'cmd' keeps its verb and names, its columns move to the add. */
			if (cli_cols_merge(&list->cmds[j].cols, &cmd->cols) < 0) {
				free(merged);
				return cli_error(errp, "out of memory");
			}
			merged[i] = true;
		}
	}
	for (size_t i = 0; i < list->n_cmds; i++) {
		if (merged[i]) {
			cli_cmd_free(&list->cmds[i]);
		} else {
			list->cmds[out++] = list->cmds[i];
		}
	}
	list->n_cmds = out;
	free(merged);
	for (size_t i = 0; i < list->n_cmds; i++) {
		const struct cli_cmd *cmd = &list->cmds[i];

		if (cmd->verb == CLI_CMD_SET_IFACE && cmd->cols.type) {
			return cli_error(errp,
			                 "set Interface %s: type can only be set when the port is "
			                 "added (add-port BR %s -- set Interface %s type=%s)",
			                 cmd->name, cmd->name, cmd->name, cmd->cols.type);
		}
	}
	return 0;
}

/* Sets the "wrong number of arguments" error for 'raw'. */
static int arg_count_error(const struct raw_cmd *raw, char **errp)
{
	const struct cli_verb_info *vi = raw->vi;
	const char *bound = "";
	int want = vi->min_args;

	if (vi->min_args != vi->max_args) {
		if (raw->n_args < vi->min_args) {
			bound = "at least ";
		} else {
			bound = "at most ";
			want = vi->max_args;
		}
	}
	return cli_error(errp, "%s: expected %s%d argument%s (%s), got %d", vi->name, bound, want,
	                 want == 1 ? "" : "s", vi->synopsis, raw->n_args);
}

int cli_parse_argv(int argc, char **argv, struct cli_opts *opts, struct cli_cmd_list *list,
                   char **errp)
{
	struct raw_cmd *raws;
	char **argbuf;
	size_t n_raws;
	int ret;

	*opts = (struct cli_opts){.timeout_s = 10, .format = CLI_FMT_TABLE};
	*list = (struct cli_cmd_list){0};
	raws = calloc((size_t)argc + 1, sizeof(*raws));
	argbuf = calloc((size_t)argc + 1, sizeof(*argbuf));
	if (!raws || !argbuf) {
		free(raws);
		free(argbuf);
		return cli_error(errp, "out of memory");
	}
	ret = split_argv(argc, argv, opts, raws, &n_raws, argbuf, errp);
	if (ret < 0 || opts->help) {
		goto out;
	}
	for (size_t i = 0; i < n_raws; i++) {
		if (raws[i].help) {
			opts->help_verb = raws[i].vi;
			goto out;
		}
	}
	if (n_raws == 0) {
		ret = cli_error(errp, "missing command (try --help)");
		goto out;
	}
	/* Every argument ends up in a JSON string (a database transaction or a dataplane
	 * request), which cannot hold bytes that are not UTF-8. */
	for (size_t i = 0; i < n_raws; i++) {
		for (int j = 0; j < raws[i].n_args; j++) {
			if (!cli_valid_utf8(raws[i].args[j])) {
				ret = cli_error(errp, "%s: argument %d is not valid UTF-8",
				                raws[i].vi->name, j + 1);
				goto out;
			}
		}
	}
	list->cmds = calloc(n_raws, sizeof(*list->cmds));
	if (!list->cmds) {
		ret = cli_error(errp, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n_raws; i++) {
		const struct raw_cmd *raw = &raws[i];
		const struct cli_verb_info *vi = raw->vi;
		struct cli_cmd *cmd = &list->cmds[list->n_cmds++];
		char *msg = NULL;

		cmd->verb = vi->verb;
		if (raw->n_args < vi->min_args ||
		    (vi->max_args >= 0 && raw->n_args > vi->max_args)) {
			ret = arg_count_error(raw, errp);
			goto out;
		}
		ret = build_cmd(raw, cmd, &msg);
		if (ret < 0) {
			cli_error(errp, "%s: %s", vi->name, msg ? msg : "invalid argument");
			free(msg);
			goto out;
		}
	}
	ret = merge_sets(list, errp);
out:
	if (ret < 0) {
		cli_cmd_list_free(list);
	}
	free(raws);
	free(argbuf);
	return ret;
}
