/* weftctl verb table: names, argument counts and help text of every command.
 *
 * The table is constant data shared by the parser (argument counts, allowed options) and by
 * main.c (--help). 'set' is one verb name covering three commands (CLI_CMD_SET_PORT,
 * CLI_CMD_SET_IFACE, CLI_CMD_SET_BRIDGE); parse.c picks one from its TABLE argument.
 */
#ifndef CLI_VERBS_H
#define CLI_VERBS_H

#include <stdbool.h>
#include <stdio.h>

#include "command.h"

struct cli_verb_info {
	const char *name;       /* as typed: "add-port", "fdb/show" */
	enum cli_cmd_verb verb; /* CLI_CMD_SET_PORT for "set" (the table decides) */
	const char *synopsis;   /* arguments: "BR PORT" */
	int min_args;
	int max_args;        /* -1 = no limit */
	bool allow_all;      /* accepts --all */
	bool has_output;     /* prints a result (table or --format=json) */
	const char *summary; /* one line */
	const char *help;    /* details, '\n'-separated lines, may be NULL */
};

/* Returns the verb named 'name', or NULL if there is none. */
const struct cli_verb_info *cli_verb_find(const char *name);

/* Returns the verb of command 'verb' (for "set": the "set" entry). Never NULL. */
const struct cli_verb_info *cli_verb_of_cmd(enum cli_cmd_verb verb);

/* Writes the global usage (every verb with its summary, global options) to 'f'. */
void cli_verb_print_usage(FILE *f, const char *prog);

/* Writes the help of one verb to 'f'. */
void cli_verb_print_help(FILE *f, const char *prog, const struct cli_verb_info *vi);

#endif /* CLI_VERBS_H */
