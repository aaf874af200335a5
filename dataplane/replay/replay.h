/* Replay engine of pcap test mode (main lcore). */
#ifndef WF_REPLAY_H
#define WF_REPLAY_H

#include "core/ctx.h"

/* Feeds every replay port's input file through the switch, merged by timestamp (ties by port
 * name, then file order), one frame at a time; the dataplane clock follows the frames and MAC
 * aging runs whenever it advances. Returns the number of frames, or -errno with a reason. */
long wf_replay_run(struct wf_ctx *, char *err, size_t errlen);

#endif
