/* flow_print: reads ovs-ofctl flows, one per line, from stdin (or the file argv[1]) and prints,
 * per line, the canonical form (fl_flow_to_string) or "error: MESSAGE". Used by
 * tests/ofctl_oracle.py and handy by hand. Ports named "p<N>" resolve to N. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"

static int by_name(void *arg, const char *name, uint32_t *ofport)
{
	(void)arg;
	if (name[0] != 'p' || !name[1] || strspn(name + 1, "0123456789") != strlen(name + 1))
		return -1;
	*ofport = (uint32_t)atoi(name + 1);
	return 0;
}

int main(int argc, char **argv)
{
	struct fl_port_map ports = {.port_by_name = by_name};
	FILE *in = argc > 1 ? fopen(argv[1], "r") : stdin;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!in) {
		perror(argv[1]);
		return 2;
	}
	while ((n = getline(&line, &cap, in)) > 0) {
		struct fl_flow fl;
		char *err = NULL, *s;

		line[strcspn(line, "\n")] = '\0';
		if (fl_flow_parse(line, 0, &ports, &fl, &err)) {
			printf("error: %s\n", err ? err : "?");
			free(err);
			continue;
		}
		s = fl_flow_to_string(&fl, false, NULL);
		printf("%s\n", s ? s : "(ENOMEM)");
		free(s);
		fl_flow_uninit(&fl);
	}
	free(line);
	return 0;
}
