/* Helpers shared by the fdb unit tests. */
#ifndef WF_TEST_FDB_UTIL_H
#define WF_TEST_FDB_UTIL_H

#include "l2/fdb_cfg.h"

#define AGING 300

static inline struct wf_fdb *new_fdb(uint32_t max_entries, uint32_t aging_s)
{
	struct wf_fdb_params p = {.max_entries = max_entries, .aging_s = aging_s};
	struct wf_fdb *fdb = wf_fdb_create(&p);

	assert_non_null(fdb);
	return fdb;
}

/* Maps i to a distinct unicast MAC: a bijection on 47 bits (odd multiplies and xor-shifts),
 * with a zero inserted at the group bit (bit 0 of the first byte). */
static inline void mac_of(uint64_t i, uint8_t mac[6])
{
	const uint64_t m47 = (UINT64_C(1) << 47) - 1;
	uint64_t x = i & m47, v;

	x = (x * UINT64_C(0x9e3779b97f4a7c15)) & m47;
	x ^= x >> 23;
	x = (x * UINT64_C(0xbf58476d1ce4e5b9)) & m47;
	x ^= x >> 20;
	v = (x >> 40) << 41 | (x & ((UINT64_C(1) << 40) - 1));
	for (int b = 0; b < 6; b++)
		mac[b] = (uint8_t)(v >> (40 - 8 * b));
}

#endif
