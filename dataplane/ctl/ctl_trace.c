/* Control methods of packet tracing: trace (dry runs of a flow's frame or a pcap's frames),
 * trace-live-start, trace-live-poll, trace-live-stop (see trace/trace_cfg.h). */
#include <errno.h>
#include <stdio.h>

#include "ctl/ctl.h"
#include "methods_gen.h"
#include "trace/trace_cfg.h"

#define LEASE_DEFAULT_MS 5000

static int trace(struct wf_ctx *ctx, const json_t *p, json_t **res, char *err, size_t el)
{
	const char *bridge, *flow, *pcap, *in_port;
	int ret;
	if ((ret = wf_ctl_get_str(p, WF_RPC_KEY_BRIDGE, true, &bridge, err, el)) < 0 ||
	    (ret = wf_ctl_get_str(p, WF_RPC_KEY_FLOW, false, &flow, err, el)) < 0 ||
	    (ret = wf_ctl_get_str(p, WF_RPC_KEY_PCAP, false, &pcap, err, el)) < 0 ||
	    (ret = wf_ctl_get_str(p, WF_RPC_KEY_IN_PORT, false, &in_port, err, el)) < 0)
		return ret;
	if (!flow == !pcap) {
		snprintf(err, el, "give one of 'flow' and 'pcap'");
		return -EINVAL;
	}
	if (flow && in_port) {
		snprintf(err, el, "'in_port' goes with 'pcap' (a flow names its in_port itself)");
		return -EINVAL;
	}
	if (flow)
		return wf_trace_flow(ctx, bridge, flow, res, err, el);
	return wf_trace_pcap(ctx, bridge, pcap, in_port, res, err, el);
}

static int live_start(struct wf_ctx *ctx, const json_t *p, json_t **res, char *err, size_t el)
{
	const char *port;
	long count = 1, lease = LEASE_DEFAULT_MS;
	int ret;
	(void)res;
	if ((ret = wf_ctl_get_str(p, WF_RPC_KEY_PORT, true, &port, err, el)) < 0 ||
	    (ret = wf_ctl_get_int(p, WF_RPC_KEY_COUNT, false, 1, 1000, &count, err, el)) < 0 ||
	    (ret = wf_ctl_get_int(p, WF_RPC_KEY_LEASE, false, 100, 600000, &lease, err, el)) < 0)
		return ret;
	return wf_trace_live_start(ctx, port, (unsigned)count, (unsigned)lease, err, el);
}

static int live_poll(struct wf_ctx *ctx, const json_t *p, json_t **res, char *err, size_t el)
{
	(void)p;
	return wf_trace_live_poll(ctx, res, err, el);
}

static int live_stop(struct wf_ctx *ctx, const json_t *p, json_t **res, char *err, size_t el)
{
	(void)p, (void)res;
	return wf_trace_live_stop(ctx, err, el);
}

const struct wf_ctl_method wf_ctl_trace_methods[] = {
    {WF_RPC_METHOD_TRACE, trace},
    {WF_RPC_METHOD_TRACE_LIVE_START, live_start},
    {WF_RPC_METHOD_TRACE_LIVE_POLL, live_poll},
    {WF_RPC_METHOD_TRACE_LIVE_STOP, live_stop},
    {NULL, NULL},
};
