/* libFuzzer harness for the flow parser (flow/fl_parse.c, fl_field.c, fl_actions.c) and printer
 * (fl_print.c). Input: one flag byte, then the flow string (NUL-terminated copy, exact-size heap
 * buffer so ASan flags reads past it).
 *   flag bit 0: FL_PARSE_MATCH_ONLY (del-flows / dump-flows strings)
 *   flag bit 1: with a port map (p1..p4 <-> 1..4, LOCAL-like names refused)
 * Property (flow/flow.h): when fl_flow_parse() succeeds, fl_flow_to_string() in the same mode
 * and with the same port map parses back to an equal flow (fl_flow_equal), and printing that
 * flow gives the same string. A failure must set a message and leave nothing to free. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {"p1", "p2", "p3", "p4"};

static int by_name(void *arg, const char *name, uint32_t *ofport)
{
	(void)arg;
	for (unsigned i = 0; i < 4; i++)
		if (!strcmp(name, names[i])) {
			*ofport = i + 1;
			return 0;
		}
	return -ENOENT;
}

static const char *port_name(void *arg, uint32_t ofport)
{
	(void)arg;
	return ofport >= 1 && ofport <= 4 ? names[ofport - 1] : NULL;
}

static const struct fl_port_map pmap = {by_name, port_name, NULL};

static void fail(const char *what, const char *in, const char *a, const char *b)
{
	fprintf(stderr, "flow-parse: %s\n  input: '%s'\n  printed: '%s'\n  %s\n", what, in,
	        a ? a : "(null)", b ? b : "");
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fl_flow f, g;
	char *s, *p1, *p2, *err = NULL;
	unsigned flags;
	const struct fl_port_map *pm;
	int r;

	if (size < 1 || size > 4096)
		return 0;
	flags = data[0] & 1 ? FL_PARSE_MATCH_ONLY : 0;
	pm = data[0] & 2 ? &pmap : NULL;
	s = malloc(size);
	if (!s)
		abort();
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';

	r = fl_flow_parse(s, flags, pm, &f, &err);
	if (r) {
		if ((r != -EINVAL && r != -ENOMEM) || !err)
			fail("failure without -EINVAL and a message", s, NULL, NULL);
		free(err);
		free(s);
		return 0;
	}
	if (err)
		fail("success with a message", s, NULL, err);
	p1 = fl_flow_to_string(&f, flags & FL_PARSE_MATCH_ONLY, pm);
	if (!p1)
		abort();
	r = fl_flow_parse(p1, flags, pm, &g, &err);
	if (r)
		fail("printed flow does not parse", s, p1, err);
	if (!fl_flow_equal(&f, &g))
		fail("round trip changed the flow", s, p1, NULL);
	p2 = fl_flow_to_string(&g, flags & FL_PARSE_MATCH_ONLY, pm);
	if (!p2 || strcmp(p1, p2))
		fail("printing is not stable", s, p1, p2);
	/* The other printers on the same flow. */
	free(fl_match_to_string(&f.match, f.priority, pm));
	free(fl_actions_to_string(f.actions, f.n_actions, pm));
	free(p1);
	free(p2);
	fl_flow_uninit(&f);
	fl_flow_uninit(&g);
	free(s);
	return 0;
}
