/* Port capture, control side (main lcore): one capture session at a time, on one port, to a
 * FIFO the client made (weftctl copies it to a file or stdout).
 *
 *   capture-start {port, path, direction, count, filter}
 *     -> pool + ring (capture.h), BPF filter compiled by libpcap, path opened only if it
 *        is a FIFO with a reader (non-blocking; never created, truncated or followed), pcapng
 * section + interface written, snapshot published with the port marked main loop: wf_capture_poll
 * -> records -> filter -> pcapng blocks -> buffered writes (a slow reader never blocks the main
 * lcore: past 4 MiB of backlog records are dropped, counted) count reached, capture-stop, the port
 * removed, or the reader gone -> snapshot without the mark, grace period, last records written,
 * file closed, objects freed
 *
 * DPDK 22.11's rte_pcapng describes ethdevs only (vhost-user ports are not ethdevs here), so
 * the pcapng blocks are written by capture_cfg.c: one interface per session, named after the
 * port, nanosecond timestamps, the direction in each packet's epb_flags. */
#ifndef WF_CAPTURE_CFG_H
#define WF_CAPTURE_CFG_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/ctx.h"

/* Starts capturing 'port' ('dir': WF_CAP_IN, WF_CAP_OUT or both) into 'path', which must
 * be a FIFO with a reader (a regular file, device, symlink or missing path: -EINVAL/-ENOENT,
 * nothing touched). 'count' > 0 stops after that many frames written;
 * 'filter' (may be NULL) is a libpcap filter expression. 0 or -errno with a reason: -EBUSY if
 * a capture runs, -ENOENT no such port, -EINVAL bad filter, -errno of open(). */
int wf_capture_start(struct wf_ctx *, const char *port, unsigned dir, const char *path,
                     uint64_t count, const char *filter, char *err, size_t errlen);
/* Stops the running capture (its last frames are written). 0, or -ENOENT if none runs. */
int wf_capture_stop(struct wf_ctx *, char *err, size_t errlen);
/* Main loop: writes what was captured; ends the session when done. Returns the poll timeout
 * the main loop should use (ms): short while a capture runs. */
int wf_capture_poll(struct wf_ctx *);
/* {"active", "port", "direction", "path", "written", "filtered", "lost"}: the running session,
 * else the last one (active false), else {"active": false}. */
json_t *wf_capture_status(const struct wf_ctx *);
/* Snapshot building (core/snap.c): marks the captured port in 's'. */
void wf_capture_snap(const struct wf_ctx *, struct wf_snap *s);
/* Shutdown: stops a running capture. */
void wf_capture_fini(struct wf_ctx *);

#endif
