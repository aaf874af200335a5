/* weftctl command-line parsing: argv -> global options + list of commands.
 *
 * Everything is validated here, before any backend is contacted: known verbs, argument
 * counts, names, VLANs (0..4095), MAC syntax, integers, table and column names, values of
 * known columns and keys. "add-br"/"add-port" absorb later "set Bridge/Interface/Port" commands
 * on the same record (see cli_parse_argv()).
 *
 * Errors: functions return 0 or -errno (-EINVAL for bad input) and store a malloc'd one-line
 * message in *errp (caller frees) naming the offending argument.
 */
#ifndef CLI_PARSE_H
#define CLI_PARSE_H

#include "command.h"
#include "verbs.h"

enum cli_format {
	CLI_FMT_TABLE = 0,
	CLI_FMT_JSON,
};

struct cli_opts {
	const char *rundir; /* borrowed from argv; NULL = not given */
	const char *db;     /* --db=unix:PATH, borrowed; NULL = unix:<rundir>/db.sock */
	bool direct;        /* --direct: configuration verbs go to the dataplane, no database */
	bool no_wait;       /* --no-wait: do not wait for cur_cfg to reach next_cfg */
	int timeout_s;      /* seconds per request, 0 = no limit; default 10 */
	enum cli_format format;
	bool help;                             /* global --help: print usage, run nothing */
	const struct cli_verb_info *help_verb; /* VERB --help: print its help, run nothing */
};

/* Parses 'argv[1..argc-1]'. Global options (--rundir, --db, --direct, --no-wait, --timeout,
 * --format, --help) may appear
 * before the first command or among a command's arguments; "--all" only with "stats";
 * "--help" after a verb asks for that verb's help. Commands are separated by "--".
 *
 * On success fills '*opts' and '*list' (which the caller frees with cli_cmd_list_free()). When
 * help is requested, '*list' is empty and the remaining arguments are not validated.
 * On error '*list' is left empty. */
int cli_parse_argv(int argc, char **argv, struct cli_opts *opts, struct cli_cmd_list *list,
                   char **errp);

/* Value parsers, exposed for the unit tests. Each returns 0 or -EINVAL with *errp set;
 * 'what' names the value in the message ("VLAN", "tag", ...).
 * cli_parse_uint: a decimal in [min, max] (util_parse_int(); a leading '-' is invalid here). */
int cli_parse_uint(const char *s, long long min, long long max, const char *what, long long *out,
                   char **errp);
int cli_parse_vlan(const char *s, const char *what, int *vlan, char **errp);
/* Accepts 6 groups of 1 or 2 hex digits separated by ':'; writes the lower-case, two digits
 * per byte form to 'out' (18 bytes). */
int cli_parse_mac(const char *s, char out[18], char **errp);
/* A unicast IPv4 address: dotted quad of decimal 0..255 without leading zeros, not 0.0.0.0,
 * 255.255.255.255 or multicast (224.0.0.0/4); copied to 'out' (16 bytes). */
int cli_parse_ipv4(const char *s, const char *what, char out[16], char **errp);
/* cli_parse_mac(), then rejects multicast/broadcast and all-zero MACs. */
int cli_parse_unicast_mac(const char *s, char out[18], char **errp);
/* true if 's' is valid UTF-8 (RFC 3629: no overlong forms, no surrogates, at most U+10FFFF),
 * i.e. a string JSON (the database and the dataplane protocols) can carry. cli_parse_argv()
 * refuses command arguments that are not. */
bool cli_valid_utf8(const char *s);
/* Longest bridge or port name in bytes: the dataplane's (WF_NAME_MAX - 1, dataplane/core/ctx.h).
 * A name becomes a file name (a dpdkvhostuser port's socket <rundir>/<name>.sock), never a
 * kernel interface name. */
#define CLI_NAME_MAX 63
/* Bridge and port names: 1..CLI_NAME_MAX bytes, no '/', no "..", no space or control
 * character. */
int cli_parse_name(const char *s, const char *what, char **errp);

#endif /* CLI_PARSE_H */
