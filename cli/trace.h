/* weftctl trace: packet traces through the dataplane, like ovs-appctl ofproto/trace (dry runs)
 * and grout's trace (live), with the methods trace, trace-live-start, trace-live-poll and
 * trace-live-stop (docs/control-rpc.md).
 *
 *   weftctl [--rundir=DIR] trace BR FLOW [--format=json]
 *   weftctl [--rundir=DIR] trace BR --pcap FILE [--in-port PORT] [--format=json]
 *   weftctl [--rundir=DIR] trace --live PORT [-c N] [--format=json]
 *
 * Dry runs print each trace's text (the dataplane formats it); --format=json prints the reply.
 * A flow the dataplane refuses is shown with a caret line under the token its message names.
 * --live polls every 100 ms (renewing the session's lease: if weftctl dies the dataplane ends
 * the trace after 5 s) and prints traces as they come, until N frames (default 1) were traced
 * or SIGINT/SIGTERM (the trace is stopped). Not chainable with other commands. */
#ifndef CLI_TRACE_H
#define CLI_TRACE_H

#include <stddef.h>

#define CLI_TRACE_USAGE                                                                            \
	"trace BR FLOW | trace BR --pcap FILE [--in-port PORT] | trace --live PORT [-c N]"
#define CLI_TRACE_HELP                                                                             \
	"Traces a frame through bridge BR without side effects (nothing sent, learned or\n"        \
	"counted): the frame FLOW describes (ovs-ofctl match syntax: in_port, dl_*, dl_vlan,\n"    \
	"nw_*, tp_*, ...; without in_port the bridge's lowest-numbered port), or every frame\n"    \
	"of a pcap FILE received on PORT. Prints each flow table visited with the flow that\n"     \
	"matched, the actions, NORMAL's MAC learning and lookup or flood set, VLAN changes,\n"     \
	"tunnel encapsulation with its outer headers, and the outputs or the drop reason.\n"       \
	"--live traces the next N frames (default 1, at most 1000) PORT receives as the\n"         \
	"dataplane forwards them. --format=json prints the dataplane's JSON.\n"

/* Runs `trace` (argv[at] is "trace"). Returns the exit status. */
int cli_trace_main(int argc, char **argv, int at);

/* Where the token that a flow parser message names is in 'flow': the first of its
 * quoted token, or, for "FIELD: VALUE: problem", VALUE then FIELD, found in 'flow'.
 * 0 with *pos and *len set, or -ENOENT. */
int cli_trace_token(const char *flow, const char *msg, size_t *pos, size_t *len);

#endif
