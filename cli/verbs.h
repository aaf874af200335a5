/* weftctl verb table: names, argument counts and help text of every command.
 *
 * The table is constant data shared by the parser (argument counts, allowed options) and by
 * main.c (--help). 'set' is one verb name covering three commands (CMD_SET_PORT,
 * CMD_SET_IFACE, CMD_SET_BRIDGE); parse.c picks one from its TABLE argument.
 */
#ifndef WEFTCTL_VERBS_H
#define WEFTCTL_VERBS_H

#include <stdbool.h>
#include <stdio.h>

#include "command.h"

struct verb_info {
	const char *name;     /* as typed: "add-port", "fdb/show" */
	enum cmd_verb verb;   /* CMD_SET_PORT for "set" (the table decides) */
	const char *synopsis; /* arguments: "BR PORT" */
	int min_args;
	int max_args;        /* -1 = no limit */
	bool allow_all;      /* accepts --all */
	bool has_output;     /* prints a result (table or --format=json) */
	const char *summary; /* one line */
	const char *help;    /* details, '\n'-separated lines, may be NULL */
};

/* Returns the verb named 'name', or NULL if there is none. */
const struct verb_info *verb_find(const char *name);

/* Returns the verb of command 'verb' (for "set": the "set" entry). Never NULL. */
const struct verb_info *verb_of_cmd(enum cmd_verb verb);

/* Writes the global usage (every verb with its summary, global options) to 'f'. */
void verb_print_usage(FILE *f, const char *prog);

/* Writes the help of one verb to 'f'. */
void verb_print_help(FILE *f, const char *prog, const struct verb_info *vi);

#endif /* WEFTCTL_VERBS_H */
