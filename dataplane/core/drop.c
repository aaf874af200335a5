/* Drop reason names and directions (see drop.h). */
#include <stddef.h>

#include "core/drop.h"

static const struct {
	const char *name;
	int ingress;
	const char *descr;
} reasons[WF_DROP_MAX] = {
#define WF_DROP_INFO(sym, name, descr, ingress) [WF_DROP_##sym] = {name, ingress, descr},
    WF_DROP_REASONS(WF_DROP_INFO)
#undef WF_DROP_INFO
/* VX_R_OK is not a drop; TOO_BIG is found when encapsulating, so it is an egress drop. */
#define WF_DROP_VX_INFO(sym, name, descr)                                                          \
	[WF_DROP_VX_##                                                                             \
	    sym] = {VX_R_##sym == VX_R_OK ? NULL : "vx_" name, VX_R_##sym != VX_R_TOO_BIG, descr},
        VX_REASONS(WF_DROP_VX_INFO)
#undef WF_DROP_VX_INFO
};

const char *wf_drop_name(enum wf_drop d)
{
	return d < WF_DROP_MAX ? reasons[d].name : NULL;
}

int wf_drop_is_ingress(enum wf_drop d)
{
	return d < WF_DROP_MAX && reasons[d].ingress;
}

const char *wf_drop_descr(enum wf_drop d)
{
	return d < WF_DROP_MAX && reasons[d].descr ? reasons[d].descr : "";
}
