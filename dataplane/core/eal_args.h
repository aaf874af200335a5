/* Splitting "weft-dataplane [EAL args] -- [weft args]" and adding EAL defaults that work on a
 * machine without hugepages or NICs. */
#ifndef WF_EAL_ARGS_H
#define WF_EAL_ARGS_H

#include <stdbool.h>

struct wf_eal_args {
	int eal_argc;
	char **eal_argv; /* NULL-terminated; EAL may reorder it */
	char **owned;    /* the strings to free */
	int app_argc;
	char **app_argv; /* points into the original argv; [0] is the program name */
};

/* Splits argv at the first "--". 0 or -ENOMEM. */
int wf_eal_args_split(int argc, char **argv, struct wf_eal_args *);
/* Adds what the user did not give: --no-huge -m 1024 (unless a memory option is present),
 * --no-pci (unless a device allow/block list is), a unique --file-prefix, and lcores for
 * the main lcore plus 'n_pmds' PMDs. 0 or -ENOMEM. */
int wf_eal_args_defaults(struct wf_eal_args *, unsigned n_pmds, bool replay);
void wf_eal_args_free(struct wf_eal_args *);

#endif
