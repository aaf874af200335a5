/* Control methods of port capture: capture-start, capture-stop, capture-show (see
 * capture/capture_cfg.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "capture/capture.h"
#include "capture/capture_cfg.h"
#include "ctl/ctl.h"
#include "methods_gen.h"

static int capture_start(struct wf_ctx *ctx, const json_t *p, json_t **res, char *err, size_t el)
{
	const char *port, *path, *dir, *filter;
	unsigned d = WF_CAP_IN | WF_CAP_OUT;
	long count = 0;
	int ret;
	(void)res;
	if ((ret = wf_ctl_get_str(p, WF_RPC_KEY_PORT, true, &port, err, el)) < 0 ||
	    (ret = wf_ctl_get_str(p, WF_RPC_KEY_PATH, true, &path, err, el)) < 0 ||
	    (ret = wf_ctl_get_str(p, WF_RPC_KEY_DIRECTION, false, &dir, err, el)) < 0 ||
	    (ret = wf_ctl_get_str(p, WF_RPC_KEY_FILTER, false, &filter, err, el)) < 0 ||
	    (ret = wf_ctl_get_int(p, WF_RPC_KEY_COUNT, false, 0, 1000000000000, &count, err, el)) <
	        0)
		return ret;
	if (dir && !strcmp(dir, "in"))
		d = WF_CAP_IN;
	else if (dir && !strcmp(dir, "out"))
		d = WF_CAP_OUT;
	else if (dir && strcmp(dir, "both")) {
		snprintf(err, el, "direction '%s': use in, out or both", dir);
		return -EINVAL;
	}
	if (path[0] != '/') {
		snprintf(err, el, "path '%s' must be absolute (the dataplane opens it)", path);
		return -EINVAL;
	}
	return wf_capture_start(ctx, port, d, path, count, filter, err, el);
}

static int capture_stop(struct wf_ctx *ctx, const json_t *p, json_t **res, char *err, size_t el)
{
	(void)p, (void)res;
	return wf_capture_stop(ctx, err, el);
}

static int capture_show(struct wf_ctx *ctx, const json_t *p, json_t **res, char *err, size_t el)
{
	(void)p, (void)err, (void)el;
	*res = wf_capture_status(ctx);
	return *res ? 0 : -ENOMEM;
}

const struct wf_ctl_method wf_ctl_capture_methods[] = {
    {WF_RPC_METHOD_CAPTURE_START, capture_start},
    {WF_RPC_METHOD_CAPTURE_STOP, capture_stop},
    {WF_RPC_METHOD_CAPTURE_SHOW, capture_show},
    {NULL, NULL},
};
