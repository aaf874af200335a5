/* Neighbour table (see neigh.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vtep/neigh.h"
#include "vtep/neigh_cfg.h"

struct wf_neigh *wf_neigh_create(uint32_t timeout_s)
{
	struct wf_neigh *n = calloc(1, sizeof(*n));
	if (n)
		n->timeout_s = timeout_s ? timeout_s : WF_NEIGH_DEFAULT_TIMEOUT;
	return n;
}

void wf_neigh_destroy(struct wf_neigh *n)
{
	free(n);
}

static uint64_t pack(const uint8_t mac[6], uint16_t port)
{
	uint64_t v = (uint64_t)(port + 1) << 48;
	for (int i = 0; i < 6; i++)
		v |= (uint64_t)mac[i] << (8 * i);
	return v;
}

static struct wf_neigh_entry *find(struct wf_neigh *n, uint32_t ip)
{
	for (unsigned i = 0; i < WF_NEIGH_MAX; i++)
		if (atomic_load_explicit(&n->e[i].ip, memory_order_acquire) == ip)
			return &n->e[i];
	return NULL;
}

/* Claims a free slot for 'ip' (any thread). */
static struct wf_neigh_entry *insert(struct wf_neigh *n, uint32_t ip)
{
	for (unsigned i = 0; i < WF_NEIGH_MAX; i++) {
		uint32_t zero = 0;
		if (atomic_compare_exchange_strong(&n->e[i].ip, &zero, ip)) {
			atomic_fetch_add(&n->n_used, 1);
			return &n->e[i];
		}
		if (zero == ip)
			return &n->e[i];
	}
	return NULL;
}

struct wf_neigh_entry *wf_neigh_ensure(struct wf_neigh *n, uint32_t ip)
{
	struct wf_neigh_entry *e = find(n, ip);
	return e ? e : insert(n, ip);
}

int wf_neigh_set_static(struct wf_neigh *n, uint32_t ip, const uint8_t mac[6], uint16_t port)
{
	struct wf_neigh_entry *e = wf_neigh_ensure(n, ip);
	if (!e)
		return -ENOSPC;
	atomic_store(&e->is_static, true);
	atomic_store(&e->macport, pack(mac, port));
	return 0;
}

unsigned wf_neigh_flush(struct wf_neigh *n, bool all)
{
	unsigned count = 0;
	for (unsigned i = 0; i < WF_NEIGH_MAX; i++) {
		struct wf_neigh_entry *e = &n->e[i];
		if (!atomic_load(&e->ip) || (atomic_load(&e->is_static) && !all))
			continue;
		atomic_store(&e->is_static, false);
		if (atomic_exchange(&e->macport, 0))
			count++;
	}
	return count;
}

void wf_neigh_learn(struct wf_neigh *n, uint32_t ip, const uint8_t mac[6], uint16_t port,
                    uint32_t now, bool create)
{
	if (!ip)
		return; /* 0 marks a free slot: find() would return one */
	struct wf_neigh_entry *e = find(n, ip);
	if (!e && create &&
	    atomic_load_explicit(&n->n_used, memory_order_relaxed) < WF_NEIGH_MAX / 2)
		e = insert(n, ip);
	if (!e || atomic_load_explicit(&e->is_static, memory_order_relaxed))
		return;
	uint64_t v = pack(mac, port);
	if (atomic_load_explicit(&e->macport, memory_order_relaxed) != v)
		atomic_store_explicit(&e->macport, v, memory_order_release);
	if (atomic_load_explicit(&e->updated, memory_order_relaxed) != now)
		atomic_store_explicit(&e->updated, now, memory_order_relaxed);
}

uint64_t wf_neigh_peek(const struct wf_neigh *n, struct wf_neigh_entry *e, uint32_t now)
{
	uint64_t v = atomic_load_explicit(&e->macport, memory_order_acquire);
	if (v && !atomic_load_explicit(&e->is_static, memory_order_relaxed) &&
	    now - atomic_load_explicit(&e->updated, memory_order_relaxed) > 3 * n->timeout_s)
		v = 0;
	return v;
}

uint64_t wf_neigh_resolve(struct wf_neigh *n, struct wf_neigh_entry *e, uint32_t now,
                          bool *send_request)
{
	uint64_t v = atomic_load_explicit(&e->macport, memory_order_acquire);
	bool want = v == 0;

	*send_request = false;
	if (v && !atomic_load_explicit(&e->is_static, memory_order_relaxed)) {
		uint32_t age = now - atomic_load_explicit(&e->updated, memory_order_relaxed);
		if (age > 3 * n->timeout_s)
			v = 0;
		want = age > n->timeout_s;
	}
	if (want) {
		uint32_t last = atomic_load_explicit(&e->last_req, memory_order_relaxed);
		if ((last == 0 || now - (last - 1) >= 1) &&
		    atomic_compare_exchange_strong(&e->last_req, &last, now + 1))
			*send_request = true;
	}
	return v;
}
