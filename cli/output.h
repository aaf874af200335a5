/* weftctl output: renders the result of a command as a table or as JSON.
 *
 * Results come from the server; missing or mistyped fields are shown as "?" (or skipped) so
 * a newer server never crashes the client. Writes only to 'f'. No global state.
 */
#ifndef CLI_OUTPUT_H
#define CLI_OUTPUT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "command.h"
#include "parse.h"

/* Writes 'result' (borrowed) of 'cmd' to 'f': with CLI_FMT_JSON the JSON value (verbs
 * that print something only), else the verb's table. Verbs without output print nothing.
 * Returns 0 or -EIO when writing fails. */
int cli_output_result(FILE *f, const struct cli_cmd *cmd, const json_t *result,
                      enum cli_format fmt);

/* Individual renderers (exposed for the unit tests). stats: "name counter value" rows (zero
 * counters only with 'all'), then, when the result has them, a table of every bridge's flow
 * tables ("tables") and one of the PMDs ("pmds"). */
void cli_output_show(FILE *f, const json_t *result);
void cli_output_fdb(FILE *f, const json_t *result);
/* fdb/stats-show: ovs-appctl's lines for bridge 'bridge', then weft's own (refused learns,
 * aging time, longest entry displacement). */
void cli_output_fdb_stats(FILE *f, const char *bridge, const json_t *result);
void cli_output_stats(FILE *f, const json_t *result, bool all);
void cli_output_dp_show(FILE *f, const json_t *result);
/* tnl/neigh/show: rows sorted by bridge then IP; "-" for what an entry lacks. */
void cli_output_tnl_neigh(FILE *f, const json_t *result);

/* Writes 's' as an OVSDB string: bare when it is an identifier-like word
 * ([A-Za-z_][A-Za-z0-9_.-]*), else double-quoted with '"' and '\' escaped. */
void cli_output_ovs_string(FILE *f, const char *s);
/* 's' in double quotes, '"' and '\\' escaped (the quoted form of ovs-vsctl's strings). */
void cli_output_quoted(FILE *f, const char *s);

#endif /* CLI_OUTPUT_H */
