/* weftctl flow verbs (ovs-ofctl dialect): add-flow, add-flows, del-flows, mod-flows,
 * dump-flows, replace-flows. Argument checking, request parameters and the dump-flows table,
 * kept apart from the vsctl-style verbs. With --direct, flow strings are checked by the
 * dataplane (the flow library's messages name the bad token) and weftctl only joins and
 * forwards them; with the database (default), the writing verbs are db-flows.h's.
 */
#ifndef CLI_FLOWS_H
#define CLI_FLOWS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "command.h"

/* Is 'verb' one of the flow verbs? */
bool cli_flows_verb(enum cli_cmd_verb verb);

/* Does flow verb 'verb' take option 'opt' ("--strict": del-flows, mod-flows; "--no-stats":
 * dump-flows)? */
bool cli_flows_option(enum cli_cmd_verb verb, const char *opt);

/* Fills cmd->bridge, cmd->flow / cmd->flows from args[0..n) (argument counts already
 * checked): BR, then the FLOW or MATCH (one argument: quote it), or FILE
 * (add-flows, replace-flows: one flow per line, '#' comments and blank lines skipped; "-" is
 * standard input). 0 or -errno with a message. */
int cli_flows_build(struct cli_cmd *cmd, char **args, int n, char **errp);

/* Adds the request parameters of flow command 'cmd' to 'p'; *ok = 0 on ENOMEM. */
void cli_flows_params(const struct cli_cmd *cmd, json_t *p, int *ok);

/* dump-flows, as ovs-ofctl prints it:
 *  " cookie=0x0, duration=1.5s, table=0, n_packets=3, n_bytes=180, priority=100,ip actions=drop"
 * or, with --no-stats, " priority=100,ip actions=drop" (cookie and table only when not 0). */
void cli_output_flows(FILE *f, const json_t *result, bool no_stats);

#endif /* CLI_FLOWS_H */
