/* weftctl commands: the backend-neutral result of parsing the command line.
 *
 * parse.c turns argv into a list of 'struct cli_cmd'; a backend (today dp-request.c + dp-client.c,
 * talking to weft-dataplane's control socket; later an RFC 7047 backend talking to ovsdb-lite)
 * turns each command into requests. Nothing here knows about sockets or request formats.
 *
 * Ownership: a 'struct cli_cmd_list' owns its commands, and every command owns its strings, arrays
 * and JSON objects. Free with cli_cmd_list_free(). Not thread-safe (weftctl is single-threaded).
 */
#ifndef CLI_COMMAND_H
#define CLI_COMMAND_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum cli_cmd_verb {
	CLI_CMD_ADD_BR,          /* add-br BR [+ merged set Bridge BR ...] */
	CLI_CMD_DEL_BR,          /* del-br BR */
	CLI_CMD_ADD_PORT,        /* add-port BR PORT [+ merged set Interface/Port PORT ...] */
	CLI_CMD_DEL_PORT,        /* del-port [BR] PORT */
	CLI_CMD_SET_PORT,        /* set Port PORT col=val... */
	CLI_CMD_SET_IFACE,       /* set Interface PORT col=val... */
	CLI_CMD_SET_BRIDGE,      /* set Bridge BR col=val... */
	CLI_CMD_SHOW,            /* show */
	CLI_CMD_FDB_SHOW,        /* fdb/show BR */
	CLI_CMD_FDB_FLUSH,       /* fdb/flush [BR] */
	CLI_CMD_FDB_STATS,       /* fdb/stats-show BR */
	CLI_CMD_FDB_ADD,         /* fdb/add BR PORT VLAN MAC */
	CLI_CMD_FDB_DEL,         /* fdb/del BR VLAN MAC */
	CLI_CMD_DP_SHOW,         /* dp/show */
	CLI_CMD_STATS,           /* stats [--all] [NAME] */
	CLI_CMD_REPLAY_RUN,      /* replay/run */
	CLI_CMD_DP_EXIT,         /* dp/exit */
	CLI_CMD_TNL_NEIGH_SHOW,  /* tnl/neigh/show [BR] */
	CLI_CMD_TNL_NEIGH_SET,   /* tnl/neigh/set BR IP MAC [PORT] */
	CLI_CMD_TNL_NEIGH_FLUSH, /* tnl/neigh/flush [BR] */
	/* ovs-ofctl flow verbs (flows.h) */
	CLI_CMD_ADD_FLOW,      /* add-flow BR FLOW */
	CLI_CMD_ADD_FLOWS,     /* add-flows BR FILE */
	CLI_CMD_DEL_FLOWS,     /* del-flows BR [--strict] [MATCH] */
	CLI_CMD_MOD_FLOWS,     /* mod-flows BR [--strict] FLOW */
	CLI_CMD_DUMP_FLOWS,    /* dump-flows BR [MATCH] [--no-stats] */
	CLI_CMD_REPLACE_FLOWS, /* replace-flows BR FILE */
	CLI_CMD_GET,           /* get TABLE RECORD COLUMN[:KEY] (database only) */
	CLI_CMD_LIST_BR,       /* list-br (database only) */
	CLI_CMD_LIST_PORTS,    /* list-ports BR (database only) */
	CLI_CMD_LIST,          /* list TABLE [RECORD] (database only) */
	CLI_CMD_CLEAR,         /* clear TABLE RECORD COLUMN (database only) */
	CLI_CMD__COUNT,
};

/* State of one scalar column given on the command line ("set" or merged into an add). */
enum cli_col_state {
	CLI_COL_UNSET = 0, /* not mentioned */
	CLI_COL_SET,       /* given a value */
	CLI_COL_CLEAR,     /* given the empty set "[]": remove the value */
};

/* Columns of Port, Interface and Bridge that weftctl knows. A command carries only the
 * columns its table allows (parse.c enforces it); add-br/add-port carry the union of the
 * settings merged into them. */
struct cli_cols {
	/* Port */
	enum cli_col_state tag_state;
	int tag; /* 0..4095 when CLI_COL_SET */
	enum cli_col_state trunks_state;
	int *trunks; /* sorted, unique, 0..4095; n_trunks == 0 with CLI_COL_SET = all VLANs */
	size_t n_trunks;
	enum cli_col_state vlan_mode_state;
	char *vlan_mode; /* access | trunk | native-tagged | native-untagged */
	/* Interface */
	char *type;      /* NULL = not given; "" = no type */
	json_t *options; /* {key: string}, NULL = none given */
	/* Bridge */
	json_t *other_config; /* {key: string}, NULL = none given */
};

struct cli_cmd {
	enum cli_cmd_verb verb;
	char *bridge;   /* BR argument, NULL when absent (del-port/fdb-flush without BR) */
	char *name;     /* PORT argument, or NAME of stats; NULL when absent */
	char ip[16];    /* tnl/neigh/set: dotted quad, canonical (no leading zeros) */
	int vlan;       /* fdb/add, fdb/del: 0..4095 */
	char mac[18];   /* fdb/add, fdb/del, tnl/neigh/set: "xx:xx:xx:xx:xx:xx", lower case */
	bool all;       /* stats --all: show zero counters too */
	bool may_exist; /* --may-exist add-br/add-port: an existing record is not an error */
	bool if_exists; /* --if-exists del-br/del-port: a missing record is not an error */
	char *table;    /* get, list: TABLE as typed */
	char *record;   /* get, list: RECORD (a name, or "." for Open_vSwitch); list: NULL = all */
	char *column;   /* get: COLUMN[:KEY]; clear: COLUMN */
	struct cli_cols cols;
	/* Flow verbs (flows.h) */
	char *flow;    /* FLOW (add-flow, mod-flows) or MATCH (del-flows, dump-flows), or NULL */
	json_t *flows; /* add-flows, replace-flows: the FILE's flows, [string] */
	bool strict;   /* --strict */
	bool no_stats; /* --no-stats */
};

struct cli_cmd_list {
	struct cli_cmd *cmds;
	size_t n_cmds;
};

/* Is 'verb' a configuration verb (ovs-vsctl dialect: written to / read from the database
 * unless --direct) rather than an appctl-style one that always goes to the dataplane? */
bool cli_cmd_is_db_verb(enum cli_cmd_verb verb);

/* Is 'verb' a database-only verb (get, list, clear, list-br, list-ports: no --direct form)? */
bool cli_cmd_is_db_only(enum cli_cmd_verb verb);

/* Frees everything 'list' owns and empties it. Safe on an empty or zeroed list. */
void cli_cmd_list_free(struct cli_cmd_list *list);

/* Frees what 'cmd' owns (not 'cmd' itself). */
void cli_cmd_free(struct cli_cmd *cmd);

/* Frees what 'cols' owns and zeroes it. */
void cli_cols_free(struct cli_cols *cols);

/* Moves every column given in 'src' into 'dst', 'src' winning over 'dst' (as a later
 * "set" overrides an earlier one); map columns are merged key by key. 'src' is left empty.
 * Returns 0 or -ENOMEM. */
int cli_cols_merge(struct cli_cols *dst, struct cli_cols *src);

/* The cli/ error convention (cli/README.md): stores a malloc'd one-line message built from
 * 'fmt' in *errp (if 'errp' is non-NULL; NULL when even that allocation fails) and returns
 * -err, for "return cli_fail(errp, ETIMEDOUT, ...);". */
int cli_fail(char **errp, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* cli_fail() with EINVAL (bad input), for "return cli_error(errp, ...);". */
int cli_error(char **errp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* CLI_COMMAND_H */
