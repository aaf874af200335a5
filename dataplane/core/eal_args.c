/* EAL argument defaults (see eal_args.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/eal_args.h"

#define MAX_EAL_ARGS 256

int wf_eal_args_split(int argc, char **argv, struct wf_eal_args *ea)
{
	int i;
	memset(ea, 0, sizeof(*ea));
	ea->eal_argv = calloc(MAX_EAL_ARGS + 1, sizeof(char *));
	ea->owned = calloc(MAX_EAL_ARGS + 1, sizeof(char *));
	if (!ea->eal_argv || !ea->owned)
		return -ENOMEM;
	for (i = 0; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (ea->eal_argc == MAX_EAL_ARGS - 16) {
			fprintf(stderr, "weft-dataplane: too many EAL arguments\n");
			return -E2BIG;
		}
		ea->eal_argv[ea->eal_argc] = ea->owned[ea->eal_argc] = strdup(argv[i]);
		ea->eal_argc++;
	}
	/* app_argv[0] stands for the program name, then what follows "--". */
	ea->app_argv = i < argc ? &argv[i] : &argv[argc - 1];
	ea->app_argc = i < argc ? argc - i : 1;
	if (i >= argc) {
		/* No "--": no weft arguments. */
		static char *none[] = {"weft-dataplane", NULL};
		ea->app_argv = none;
		ea->app_argc = 1;
	}
	return 0;
}

/* True if any EAL argument starts with one of the NULL-terminated 'prefixes'. */
static bool has(const struct wf_eal_args *ea, const char *const *prefixes)
{
	for (int i = 1; i < ea->eal_argc; i++)
		for (const char *const *p = prefixes; *p; p++)
			if (strncmp(ea->eal_argv[i], *p, strlen(*p)) == 0)
				return true;
	return false;
}

static void add(struct wf_eal_args *ea, const char *arg)
{
	ea->eal_argv[ea->eal_argc] = ea->owned[ea->eal_argc] = strdup(arg);
	ea->eal_argc++;
}

int wf_eal_args_defaults(struct wf_eal_args *ea, unsigned n_pmds, bool replay)
{
	static const char *const mem[] = {"--no-huge",    "--in-memory",  "--huge-dir",
	                                  "--socket-mem", "--legacy-mem", NULL};
	static const char *const size[] = {"-m", "--socket-mem", NULL};
	static const char *const dev[] = {"--no-pci",        "-a", "-b", "--allow", "--block",
	                                  "--pci-whitelist", NULL};
	static const char *const prefix[] = {"--file-prefix", "--no-shconf", "--in-memory", NULL};
	static const char *const cores[] = {"-l", "-c", "--lcores", NULL};
	static const char *const log[] = {"--log-level", NULL};
	char buf[64];

	if (!has(ea, mem))
		add(ea, "--no-huge");
	if (!has(ea, size)) {
		add(ea, "-m");
		add(ea, replay ? "256" : "1024");
	}
	if (!has(ea, dev))
		add(ea, "--no-pci");
	if (!has(ea, prefix)) {
		snprintf(buf, sizeof(buf), "--file-prefix=weft-%d", (int)getpid());
		add(ea, buf);
	}
	if (!has(ea, cores)) {
		long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		if (n_pmds == 0)
			snprintf(buf, sizeof(buf), "-l0");
		else if ((long)n_pmds + 1 <= ncpu)
			snprintf(buf, sizeof(buf), "-l0-%u", n_pmds);
		else /* more threads than CPUs: let them share (testing only) */
			snprintf(buf, sizeof(buf), "--lcores=(0-%u)@(0-%ld)", n_pmds, ncpu - 1);
		add(ea, buf);
	}
	if (!has(ea, log))
		add(ea, "--log-level=*:notice");
	for (int i = 0; i < ea->eal_argc; i++)
		if (!ea->eal_argv[i])
			return -ENOMEM;
	return 0;
}

void wf_eal_args_free(struct wf_eal_args *ea)
{
	for (int i = 0; ea->owned && ea->owned[i]; i++)
		free(ea->owned[i]);
	free(ea->owned);
	free(ea->eal_argv);
}
