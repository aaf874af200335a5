/* Drop reason names (see drop.h). */
#include "drop.h"

static const struct {
	const char *name;
	int ingress;
} reasons[] = {
#define WF_DROP_INFO(sym, name, descr, ingress) {#name, ingress},
    WF_DROP_REASONS(WF_DROP_INFO)
#undef WF_DROP_INFO
};

const char *wf_drop_name(enum wf_drop d)
{
	return d < WF_DROP_MAX ? reasons[d].name : "unknown";
}

int wf_drop_is_ingress(enum wf_drop d)
{
	return d < WF_DROP_MAX && reasons[d].ingress;
}
