/* ovsdb-lite core utilities. See util.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include "util.h"

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		abort();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		abort();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		abort();
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);
	if (!p)
		abort();
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	return s;
}

void hmap_init(struct hmap *m)
{
	m->mask = 7;
	m->n = 0;
	m->buckets = xcalloc(m->mask + 1, sizeof *m->buckets);
}

void hmap_destroy(struct hmap *m)
{
	free(m->buckets);
	m->buckets = NULL;
	m->n = 0;
}

static void hmap_resize(struct hmap *m, size_t n_buckets)
{
	struct hmap_node **b = xcalloc(n_buckets, sizeof *b);

	for (size_t i = 0; i <= m->mask; i++) {
		struct hmap_node *node = m->buckets[i];
		while (node) {
			struct hmap_node *next = node->next;
			size_t j = node->hash & (n_buckets - 1);
			node->next = b[j];
			b[j] = node;
			node = next;
		}
	}
	free(m->buckets);
	m->buckets = b;
	m->mask = n_buckets - 1;
}

void hmap_insert(struct hmap *m, struct hmap_node *node, uint32_t hash)
{
	node->hash = hash;
	node->next = m->buckets[hash & m->mask];
	m->buckets[hash & m->mask] = node;
	if (++m->n > 2 * (m->mask + 1))
		hmap_resize(m, 4 * (m->mask + 1));
}

void hmap_remove(struct hmap *m, struct hmap_node *node)
{
	struct hmap_node **p = &m->buckets[node->hash & m->mask];

	while (*p != node)
		p = &(*p)->next;
	*p = node->next;
	m->n--;
}

struct hmap_node *hmap_first_with_hash(const struct hmap *m, uint32_t hash)
{
	struct hmap_node *node = m->buckets[hash & m->mask];

	while (node && node->hash != hash)
		node = node->next;
	return node;
}

struct hmap_node *hmap_next_with_hash(const struct hmap_node *prev)
{
	struct hmap_node *node = prev->next;

	while (node && node->hash != prev->hash)
		node = node->next;
	return node;
}

static struct hmap_node *hmap_iter_advance(const struct hmap *m, struct hmap_iter *it,
                                           struct hmap_node *cur)
{
	if (!cur)
		return NULL;
	if (cur->next) {
		it->next = cur->next;
		return cur;
	}
	it->next = NULL;
	for (it->bucket++; it->bucket <= m->mask; it->bucket++) {
		if (m->buckets[it->bucket]) {
			it->next = m->buckets[it->bucket];
			break;
		}
	}
	return cur;
}

struct hmap_node *hmap_iter_first(const struct hmap *m, struct hmap_iter *it)
{
	for (it->bucket = 0; it->bucket <= m->mask; it->bucket++)
		if (m->buckets[it->bucket])
			return hmap_iter_advance(m, it, m->buckets[it->bucket]);
	it->next = NULL;
	return NULL;
}

struct hmap_node *hmap_iter_next(const struct hmap *m, struct hmap_iter *it)
{
	return hmap_iter_advance(m, it, it->next);
}

/* FNV-1a then a final avalanche. */
uint32_t hash_bytes(const void *p_, size_t n, uint32_t basis)
{
	const uint8_t *p = p_;
	uint32_t h = 2166136261u ^ basis;

	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	return h;
}

uint32_t hash_add64(uint32_t hash, uint64_t v)
{
	uint64_t x = (v ^ hash) * 0x9e3779b97f4a7c15ull;
	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ull;
	return (uint32_t)(x ^ (x >> 32));
}

uint32_t crc32_update(uint32_t crc, const void *p_, size_t n)
{
	const uint8_t *p = p_;

	crc = ~crc;
	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool uuid_from_string(struct odb_uuid *u, const char *s)
{
	size_t j = 0;

	if (strlen(s) != UUID_LEN)
		return false;
	for (size_t i = 0; i < UUID_LEN;) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i++] != '-')
				return false;
			continue;
		}
		int hi = hexval(s[i]), lo = hexval(s[i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		u->b[j++] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}
	return true;
}

void uuid_to_string(const struct odb_uuid *u, char out[UUID_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (size_t i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[u->b[i] >> 4];
		out[o++] = hex[u->b[i] & 15];
	}
	out[o] = '\0';
}

uint32_t uuid_hash(const struct odb_uuid *u)
{
	uint32_t h;

	/* Random UUIDs: the first bytes are already well distributed. */
	memcpy(&h, u->b, sizeof h);
	return h;
}

bool uuid_equals(const struct odb_uuid *a, const struct odb_uuid *b)
{
	return !memcmp(a->b, b->b, 16);
}

int uuid_compare(const struct odb_uuid *a, const struct odb_uuid *b)
{
	return memcmp(a->b, b->b, 16);
}

bool uuid_is_zero(const struct odb_uuid *u)
{
	static const struct odb_uuid zero;
	return uuid_equals(u, &zero);
}

void uuid_gen_init(struct uuid_gen *g)
{
	if (getrandom(g->s, sizeof g->s, 0) != sizeof g->s) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		g->s[0] = (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 32);
		g->s[1] = (uint64_t)ts.tv_sec * 0x9e3779b97f4a7c15ull;
	}
	if (!g->s[0] && !g->s[1])
		g->s[0] = 1;
}

/* xorshift128+ */
static uint64_t gen_next(struct uuid_gen *g)
{
	uint64_t s1 = g->s[0];
	const uint64_t s0 = g->s[1];
	g->s[0] = s0;
	s1 ^= s1 << 23;
	g->s[1] = s1 ^ s0 ^ (s1 >> 17) ^ (s0 >> 26);
	return g->s[1] + s0;
}

void uuid_generate(struct uuid_gen *g, struct odb_uuid *u)
{
	uint64_t a = gen_next(g), b = gen_next(g);

	memcpy(u->b, &a, 8);
	memcpy(u->b + 8, &b, 8);
	u->b[6] = (u->b[6] & 0x0f) | 0x40;
	u->b[8] = (u->b[8] & 0x3f) | 0x80;
}

json_t *odb_error(const char *error, const json_t *syntax, const char *fmt, ...)
{
	json_t *e = json_object();

	json_object_set_new(e, "error", json_string(error));
	if (fmt) {
		va_list ap;
		char *s;
		va_start(ap, fmt);
		if (vasprintf(&s, fmt, ap) < 0)
			abort();
		va_end(ap);
		json_object_set_new(e, "details", json_string(s));
		free(s);
	}
	if (syntax) {
		char *s = json_dumps(syntax, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
		json_object_set_new(e, "syntax", json_string(s ? s : ""));
		free(s);
	}
	return e;
}

json_t *odb_error_prefix(json_t *err, const char *prefix)
{
	const char *d = json_string_value(json_object_get(err, "details"));
	char *s = xasprintf("%s%s", prefix, d ? d : "");

	json_object_set_new(err, "details", json_string(s));
	free(s);
	return err;
}
