/* weftctl capture: a port's frames to pcapng through the dataplane's capture-start /
 * capture-show / capture-stop methods (docs/control-rpc.md).
 *
 *   weftctl [--rundir=DIR] capture PORT [-w FILE|-] [-c N] [--direction in|out|both]
 *                                       [--filter EXPR]
 *
 * weftctl creates a FIFO in a private temporary directory, the dataplane writes the pcapng into
 * it (the only kind of path it accepts) and weftctl copies it to FILE (-w FILE, created with
 * the caller's rights once the dataplane accepted the request) or to stdout (-w -, the
 * default, so `weftctl capture vhu0 -w - | tshark -r -` works), until N frames are written or
 * SIGINT/SIGTERM (the capture is stopped, its last frames kept).
 * A summary goes to stderr. Not chainable with other commands. */
#ifndef CLI_CAPTURE_H
#define CLI_CAPTURE_H

#define CLI_CAPTURE_USAGE                                                                          \
	"capture PORT [-w FILE|-] [-c N] [--direction in|out|both] [--filter EXPR]"
#define CLI_CAPTURE_HELP                                                                           \
	"Captures the frames PORT receives (in), sends (out) or both (default) into a pcapng\n"    \
	"FILE, or to stdout with -w - (default), until N frames were written (-c) or until\n"      \
	"interrupted. --filter takes a tcpdump/libpcap filter expression.\n"

/* Runs `capture` (argv[at] is "capture"). Returns the exit status. */
int cli_capture_main(int argc, char **argv, int at);

#endif
