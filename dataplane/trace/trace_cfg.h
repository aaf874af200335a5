/* Packet tracing, control side (main lcore): dry runs of made-up or recorded frames, the live
 * trace session, and the formatter. The datapath side is core/trace.h.
 *
 *   trace {bridge, flow | pcap, in_port}
 *     flow: fl_flow_parse (match only, ports by name) -> fl_frame_build -> one mbuf
 *     pcap: every frame of the file, numbered
 *       -> wf_trace_frame: threads[0] (the main lcore's slot) with a dry recorder runs the
 *          frame through its port's bridge input stage in the current snapshot -> JSON
 *   trace-live-start {port, count, lease}
 *     -> records (pre-allocated), snapshot published with the port marked
 *   PMD: wf_trace_burst (core/trace.c) fills records, frames forwarded as usual
 *   trace-live-poll -> finished records formatted and returned once; renews the lease
 *   count reached and returned, trace-live-stop, the lease expired (the client is gone), the
 *     port removed -> snapshot without the mark, grace period; records kept for a last poll */
#ifndef WF_TRACE_CFG_H
#define WF_TRACE_CFG_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/ctx.h"

#define WF_TRACE_PCAP_MAX 10000 /* frames of a pcap traced at most */

/* Dry run of 'frame' (len bytes) received on port 'in' (a port of a bridge): the trace as
 * JSON (wf_trace_json) with 'title' in its text, in *out. 0, -EINVAL (frame bigger than a
 * buffer) or -ENOMEM with a reason. Nothing changes in the dataplane. */
int wf_trace_frame(struct wf_ctx *, uint16_t in, const uint8_t *frame, uint32_t len,
                   const char *title, json_t **out, char *err, size_t errlen);

/* trace BR FLOW: 'flow' in the ovs-ofctl match syntax (in_port by name or number; without it
 * the bridge's lowest-numbered port). {"traces": [one]} in *out. -ENOENT no bridge, -EINVAL a
 * bad flow (the flow library's message naming the token), a bridge without ports. */
int wf_trace_flow(struct wf_ctx *, const char *bridge, const char *flow, json_t **out, char *err,
                  size_t errlen);
/* trace BR --pcap FILE [--in-port P]: every frame of the pcap file at 'path' (absolute), at
 * most WF_TRACE_PCAP_MAX, received on 'in_port' (name or OpenFlow number; NULL: the bridge's
 * lowest-numbered port). {"traces": [...]} in *out. */
int wf_trace_pcap(struct wf_ctx *, const char *bridge, const char *path, const char *in_port,
                  json_t **out, char *err, size_t errlen);

/* Live trace of the next 'count' (1..WF_TRACE_LIVE_MAX) frames received on 'port'; the session
 * ends by itself unless polled at least every 'lease_ms'. -EBUSY if one runs, -ENOENT no such
 * port, -EINVAL a port that receives nothing itself (tunnel ports: trace their uplink). */
int wf_trace_live_start(struct wf_ctx *, const char *port, unsigned count, unsigned lease_ms,
                        char *err, size_t errlen);
/* {"active", "port", "count", "traced", "ended", "traces": [records finished since the last
 * poll]}; renews the lease. -ENOENT if no live trace was ever started. */
int wf_trace_live_poll(struct wf_ctx *, json_t **out, char *err, size_t errlen);
/* Ends the running live trace. 0, or -ENOENT if none runs. */
int wf_trace_live_stop(struct wf_ctx *, char *err, size_t errlen);
/* Main loop: ends a session whose lease expired, whose count was reached or whose port was
 * removed. Returns the poll timeout the main loop should use (ms). */
int wf_trace_tick(struct wf_ctx *);
/* Snapshot building (core/snap.c): marks the traced port. */
void wf_trace_snap(const struct wf_ctx *, struct wf_snap *s);
/* Shutdown: ends a live trace and frees it. */
void wf_trace_fini(struct wf_ctx *);

/* One record as JSON: bridge, in_port, len, flow (the received frame's key), dry_run, steps
 * [{kind, depth, text}], final_flow, actions (["output:vhu1", "encap(...)", "drop:no_flow"]),
 * and "text": the whole trace as ofproto/trace prints it, starting with 'title'. NULL on
 * ENOMEM. trace_fmt.c. */
json_t *wf_trace_json(const struct wf_ctx *, const struct wf_trace *, const char *title);

#endif
