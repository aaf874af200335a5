/* Unit tests of neigh.c: the underlay neighbour table (learning, resolution, ARP request rate
 * limit, aging, static entries, flush, bounded gleaning). */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "vtep/neigh.h"
#include "vtep/neigh_cfg.h"

static const uint8_t mac1[6] = {0x02, 0, 0, 0, 0x99, 0x02};
static const uint8_t mac2[6] = {0x02, 0, 0, 0, 0x99, 0x22};

static uint32_t ip(const char *s)
{
	struct in_addr a;
	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

/* The MAC packed in a resolved value (bits 0..47). */
static void assert_mac(uint64_t v, const uint8_t mac[6])
{
	for (int i = 0; i < 6; i++)
		assert_int_equal((uint8_t)(v >> (8 * i)), mac[i]);
}

static void test_resolve_and_rate_limit(void **state)
{
	struct wf_neigh *n = wf_neigh_create(60);
	bool req;
	(void)state;
	struct wf_neigh_entry *e = wf_neigh_ensure(n, ip("192.168.99.2"));
	assert_non_null(e);
	assert_ptr_equal(wf_neigh_ensure(n, ip("192.168.99.2")), e); /* one entry per address */
	/* Unresolved: no MAC; one request per second at most. */
	assert_int_equal(wf_neigh_resolve(n, e, 10, &req), 0);
	assert_true(req);
	assert_int_equal(wf_neigh_resolve(n, e, 10, &req), 0);
	assert_false(req);
	assert_int_equal(wf_neigh_resolve(n, e, 11, &req), 0);
	assert_true(req);
	/* An ARP reply resolves it, on port 3. */
	wf_neigh_learn(n, ip("192.168.99.2"), mac1, 3, 12, false);
	uint64_t v = wf_neigh_resolve(n, e, 12, &req);
	assert_false(req);
	assert_mac(v, mac1);
	assert_int_equal(wf_neigh_port(v), 3);
	wf_neigh_destroy(n);
}

static void test_aging(void **state)
{
	struct wf_neigh *n = wf_neigh_create(60);
	bool req;
	(void)state;
	struct wf_neigh_entry *e = wf_neigh_ensure(n, ip("10.0.0.1"));
	wf_neigh_learn(n, ip("10.0.0.1"), mac1, 0, 100, false);
	/* Within the timeout: used, no request. */
	assert_int_not_equal(wf_neigh_resolve(n, e, 160, &req), 0);
	assert_false(req);
	/* Older than the timeout: still used while a request refreshes it. */
	assert_int_not_equal(wf_neigh_resolve(n, e, 161, &req), 0);
	assert_true(req);
	/* Older than three timeouts: unresolved again. */
	assert_int_equal(wf_neigh_resolve(n, e, 281, &req), 0);
	/* A new reply brings it back, with a new MAC (the remote changed NIC). */
	wf_neigh_learn(n, ip("10.0.0.1"), mac2, 1, 282, false);
	assert_mac(wf_neigh_resolve(n, e, 282, &req), mac2);
	wf_neigh_destroy(n);
}

static void test_static_and_flush(void **state)
{
	struct wf_neigh *n = wf_neigh_create(60);
	bool req;
	(void)state;
	assert_int_equal(wf_neigh_set_static(n, ip("10.0.0.5"), mac1, 2), 0);
	struct wf_neigh_entry *e = wf_neigh_ensure(n, ip("10.0.0.5"));
	/* ARP does not change a static entry, and it never ages. */
	wf_neigh_learn(n, ip("10.0.0.5"), mac2, 7, 1, true);
	uint64_t v = wf_neigh_resolve(n, e, 100000, &req);
	assert_mac(v, mac1);
	assert_int_equal(wf_neigh_port(v), 2);
	assert_false(req);
	/* A dynamic one next to it. */
	struct wf_neigh_entry *d = wf_neigh_ensure(n, ip("10.0.0.6"));
	wf_neigh_learn(n, ip("10.0.0.6"), mac2, 1, 5, false);
	assert_int_equal(wf_neigh_flush(n, false), 1); /* dynamic only */
	assert_int_equal(wf_neigh_resolve(n, d, 5, &req), 0);
	assert_int_not_equal(wf_neigh_resolve(n, e, 5, &req), 0);
	assert_int_equal(wf_neigh_flush(n, true), 1); /* the static one too */
	assert_int_equal(wf_neigh_resolve(n, e, 5, &req), 0);
	wf_neigh_destroy(n);
}

static void test_learn_create_and_probe(void **state)
{
	struct wf_neigh *n = wf_neigh_create(60);
	bool req;
	(void)state;
	/* Without 'create' an unknown sender is not added. */
	wf_neigh_learn(n, ip("10.0.0.7"), mac1, 0, 1, false);
	assert_int_equal(n->n_used, 0);
	/* With it (an ARP request to us) it is. */
	wf_neigh_learn(n, ip("10.0.0.7"), mac1, 0, 1, true);
	assert_int_equal(n->n_used, 1);
	assert_int_not_equal(wf_neigh_resolve(n, wf_neigh_ensure(n, ip("10.0.0.7")), 1, &req), 0);
	/* An ARP probe (sender 0.0.0.0) is never learned: 0 marks a free slot. */
	wf_neigh_learn(n, 0, mac2, 0, 1, true);
	assert_int_equal(n->n_used, 1);
	wf_neigh_destroy(n);
}

static void test_gleaning_is_bounded(void **state)
{
	struct wf_neigh *n = wf_neigh_create(60);
	(void)state;
	/* ARP from many senders fills at most half the table ... */
	for (unsigned i = 1; i <= WF_NEIGH_MAX; i++)
		wf_neigh_learn(n, htonl(0x0a000000 + i), mac1, 0, 1, true);
	assert_int_equal(n->n_used, WF_NEIGH_MAX / 2);
	/* ... so the next hops of tunnels still get theirs. */
	for (unsigned i = 0; i < WF_NEIGH_MAX / 2; i++)
		assert_non_null(wf_neigh_ensure(n, htonl(0xc0a86300 + 1 + i)));
	/* Only when the table is really full does ensure fail. */
	assert_null(wf_neigh_ensure(n, ip("172.16.0.1")));
	wf_neigh_destroy(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_resolve_and_rate_limit),
	    cmocka_unit_test(test_aging),
	    cmocka_unit_test(test_static_and_flush),
	    cmocka_unit_test(test_learn_create_and_probe),
	    cmocka_unit_test(test_gleaning_is_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
