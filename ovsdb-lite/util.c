/* ovsdb-lite core utilities. See util.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include "util.h"

void *odb_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		abort();
	return p;
}

void *odb_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		abort();
	return p;
}

void *odb_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		abort();
	return p;
}

char *odb_xstrdup(const char *s)
{
	char *p = strdup(s);
	if (!p)
		abort();
	return p;
}

char *odb_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	return s;
}

void odb_hmap_init(struct odb_hmap *m)
{
	m->mask = 7;
	m->n = 0;
	m->buckets = odb_xcalloc(m->mask + 1, sizeof *m->buckets);
}

void odb_hmap_destroy(struct odb_hmap *m)
{
	free(m->buckets);
	m->buckets = NULL;
	m->n = 0;
}

static void hmap_resize(struct odb_hmap *m, size_t n_buckets)
{
	struct odb_hmap_node **b = odb_xcalloc(n_buckets, sizeof *b);

	for (size_t i = 0; i <= m->mask; i++) {
		struct odb_hmap_node *node = m->buckets[i];
		while (node) {
			struct odb_hmap_node *next = node->next;
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

void odb_hmap_insert(struct odb_hmap *m, struct odb_hmap_node *node, uint32_t hash)
{
	node->hash = hash;
	node->next = m->buckets[hash & m->mask];
	m->buckets[hash & m->mask] = node;
	if (++m->n > 2 * (m->mask + 1))
		hmap_resize(m, 4 * (m->mask + 1));
}

void odb_hmap_remove(struct odb_hmap *m, struct odb_hmap_node *node)
{
	struct odb_hmap_node **p = &m->buckets[node->hash & m->mask];

	while (*p != node)
		p = &(*p)->next;
	*p = node->next;
	m->n--;
}

struct odb_hmap_node *odb_hmap_first_with_hash(const struct odb_hmap *m, uint32_t hash)
{
	struct odb_hmap_node *node = m->buckets[hash & m->mask];

	while (node && node->hash != hash)
		node = node->next;
	return node;
}

struct odb_hmap_node *odb_hmap_next_with_hash(const struct odb_hmap_node *prev)
{
	struct odb_hmap_node *node = prev->next;

	while (node && node->hash != prev->hash)
		node = node->next;
	return node;
}

static struct odb_hmap_node *hmap_iter_advance(const struct odb_hmap *m, struct odb_hmap_iter *it,
                                               struct odb_hmap_node *cur)
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

struct odb_hmap_node *odb_hmap_iter_first(const struct odb_hmap *m, struct odb_hmap_iter *it)
{
	for (it->bucket = 0; it->bucket <= m->mask; it->bucket++)
		if (m->buckets[it->bucket])
			return hmap_iter_advance(m, it, m->buckets[it->bucket]);
	it->next = NULL;
	return NULL;
}

struct odb_hmap_node *odb_hmap_iter_next(const struct odb_hmap *m, struct odb_hmap_iter *it)
{
	return hmap_iter_advance(m, it, it->next);
}

/* FNV-1a then a final avalanche. */
uint32_t odb_hash_bytes(const void *p_, size_t n, uint32_t basis)
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

uint32_t odb_hash_add64(uint32_t hash, uint64_t v)
{
	uint64_t x = (v ^ hash) * 0x9e3779b97f4a7c15ull;
	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ull;
	return (uint32_t)(x ^ (x >> 32));
}

/* CRC-32 (IEEE 802.3, reflected, polynomial 0xedb88320), one table lookup per byte. Entry i
 * is i shifted through 8 rounds of the polynomial division. */
static const uint32_t crc32_table[256] = {
    0x00000000u, 0x77073096u, 0xee0e612cu, 0x990951bau, 0x076dc419u, 0x706af48fu, 0xe963a535u,
    0x9e6495a3u, 0x0edb8832u, 0x79dcb8a4u, 0xe0d5e91eu, 0x97d2d988u, 0x09b64c2bu, 0x7eb17cbdu,
    0xe7b82d07u, 0x90bf1d91u, 0x1db71064u, 0x6ab020f2u, 0xf3b97148u, 0x84be41deu, 0x1adad47du,
    0x6ddde4ebu, 0xf4d4b551u, 0x83d385c7u, 0x136c9856u, 0x646ba8c0u, 0xfd62f97au, 0x8a65c9ecu,
    0x14015c4fu, 0x63066cd9u, 0xfa0f3d63u, 0x8d080df5u, 0x3b6e20c8u, 0x4c69105eu, 0xd56041e4u,
    0xa2677172u, 0x3c03e4d1u, 0x4b04d447u, 0xd20d85fdu, 0xa50ab56bu, 0x35b5a8fau, 0x42b2986cu,
    0xdbbbc9d6u, 0xacbcf940u, 0x32d86ce3u, 0x45df5c75u, 0xdcd60dcfu, 0xabd13d59u, 0x26d930acu,
    0x51de003au, 0xc8d75180u, 0xbfd06116u, 0x21b4f4b5u, 0x56b3c423u, 0xcfba9599u, 0xb8bda50fu,
    0x2802b89eu, 0x5f058808u, 0xc60cd9b2u, 0xb10be924u, 0x2f6f7c87u, 0x58684c11u, 0xc1611dabu,
    0xb6662d3du, 0x76dc4190u, 0x01db7106u, 0x98d220bcu, 0xefd5102au, 0x71b18589u, 0x06b6b51fu,
    0x9fbfe4a5u, 0xe8b8d433u, 0x7807c9a2u, 0x0f00f934u, 0x9609a88eu, 0xe10e9818u, 0x7f6a0dbbu,
    0x086d3d2du, 0x91646c97u, 0xe6635c01u, 0x6b6b51f4u, 0x1c6c6162u, 0x856530d8u, 0xf262004eu,
    0x6c0695edu, 0x1b01a57bu, 0x8208f4c1u, 0xf50fc457u, 0x65b0d9c6u, 0x12b7e950u, 0x8bbeb8eau,
    0xfcb9887cu, 0x62dd1ddfu, 0x15da2d49u, 0x8cd37cf3u, 0xfbd44c65u, 0x4db26158u, 0x3ab551ceu,
    0xa3bc0074u, 0xd4bb30e2u, 0x4adfa541u, 0x3dd895d7u, 0xa4d1c46du, 0xd3d6f4fbu, 0x4369e96au,
    0x346ed9fcu, 0xad678846u, 0xda60b8d0u, 0x44042d73u, 0x33031de5u, 0xaa0a4c5fu, 0xdd0d7cc9u,
    0x5005713cu, 0x270241aau, 0xbe0b1010u, 0xc90c2086u, 0x5768b525u, 0x206f85b3u, 0xb966d409u,
    0xce61e49fu, 0x5edef90eu, 0x29d9c998u, 0xb0d09822u, 0xc7d7a8b4u, 0x59b33d17u, 0x2eb40d81u,
    0xb7bd5c3bu, 0xc0ba6cadu, 0xedb88320u, 0x9abfb3b6u, 0x03b6e20cu, 0x74b1d29au, 0xead54739u,
    0x9dd277afu, 0x04db2615u, 0x73dc1683u, 0xe3630b12u, 0x94643b84u, 0x0d6d6a3eu, 0x7a6a5aa8u,
    0xe40ecf0bu, 0x9309ff9du, 0x0a00ae27u, 0x7d079eb1u, 0xf00f9344u, 0x8708a3d2u, 0x1e01f268u,
    0x6906c2feu, 0xf762575du, 0x806567cbu, 0x196c3671u, 0x6e6b06e7u, 0xfed41b76u, 0x89d32be0u,
    0x10da7a5au, 0x67dd4accu, 0xf9b9df6fu, 0x8ebeeff9u, 0x17b7be43u, 0x60b08ed5u, 0xd6d6a3e8u,
    0xa1d1937eu, 0x38d8c2c4u, 0x4fdff252u, 0xd1bb67f1u, 0xa6bc5767u, 0x3fb506ddu, 0x48b2364bu,
    0xd80d2bdau, 0xaf0a1b4cu, 0x36034af6u, 0x41047a60u, 0xdf60efc3u, 0xa867df55u, 0x316e8eefu,
    0x4669be79u, 0xcb61b38cu, 0xbc66831au, 0x256fd2a0u, 0x5268e236u, 0xcc0c7795u, 0xbb0b4703u,
    0x220216b9u, 0x5505262fu, 0xc5ba3bbeu, 0xb2bd0b28u, 0x2bb45a92u, 0x5cb36a04u, 0xc2d7ffa7u,
    0xb5d0cf31u, 0x2cd99e8bu, 0x5bdeae1du, 0x9b64c2b0u, 0xec63f226u, 0x756aa39cu, 0x026d930au,
    0x9c0906a9u, 0xeb0e363fu, 0x72076785u, 0x05005713u, 0x95bf4a82u, 0xe2b87a14u, 0x7bb12baeu,
    0x0cb61b38u, 0x92d28e9bu, 0xe5d5be0du, 0x7cdcefb7u, 0x0bdbdf21u, 0x86d3d2d4u, 0xf1d4e242u,
    0x68ddb3f8u, 0x1fda836eu, 0x81be16cdu, 0xf6b9265bu, 0x6fb077e1u, 0x18b74777u, 0x88085ae6u,
    0xff0f6a70u, 0x66063bcau, 0x11010b5cu, 0x8f659effu, 0xf862ae69u, 0x616bffd3u, 0x166ccf45u,
    0xa00ae278u, 0xd70dd2eeu, 0x4e048354u, 0x3903b3c2u, 0xa7672661u, 0xd06016f7u, 0x4969474du,
    0x3e6e77dbu, 0xaed16a4au, 0xd9d65adcu, 0x40df0b66u, 0x37d83bf0u, 0xa9bcae53u, 0xdebb9ec5u,
    0x47b2cf7fu, 0x30b5ffe9u, 0xbdbdf21cu, 0xcabac28au, 0x53b39330u, 0x24b4a3a6u, 0xbad03605u,
    0xcdd70693u, 0x54de5729u, 0x23d967bfu, 0xb3667a2eu, 0xc4614ab8u, 0x5d681b02u, 0x2a6f2b94u,
    0xb40bbe37u, 0xc30c8ea1u, 0x5a05df1bu, 0x2d02ef8du,
};

uint32_t odb_crc32_update(uint32_t crc, const void *p_, size_t n)
{
	const uint8_t *p = p_;

	crc = ~crc;
	for (size_t i = 0; i < n; i++)
		crc = crc32_table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}

bool odb_is_identifier(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
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

bool odb_uuid_from_string(struct odb_uuid *u, const char *s)
{
	size_t j = 0;

	if (strlen(s) != ODB_UUID_LEN)
		return false;
	for (size_t i = 0; i < ODB_UUID_LEN;) {
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

void odb_uuid_to_string(const struct odb_uuid *u, char out[ODB_UUID_LEN + 1])
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

uint32_t odb_uuid_hash(const struct odb_uuid *u)
{
	uint32_t h;

	/* Random UUIDs: the first bytes are already well distributed. */
	memcpy(&h, u->b, sizeof h);
	return h;
}

bool odb_uuid_equals(const struct odb_uuid *a, const struct odb_uuid *b)
{
	return !memcmp(a->b, b->b, 16);
}

int odb_uuid_compare(const struct odb_uuid *a, const struct odb_uuid *b)
{
	return memcmp(a->b, b->b, 16);
}

bool odb_uuid_is_zero(const struct odb_uuid *u)
{
	static const struct odb_uuid zero;
	return odb_uuid_equals(u, &zero);
}

void odb_uuid_gen_init(struct odb_uuid_gen *g)
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
static uint64_t gen_next(struct odb_uuid_gen *g)
{
	uint64_t s1 = g->s[0];
	const uint64_t s0 = g->s[1];
	g->s[0] = s0;
	s1 ^= s1 << 23;
	g->s[1] = s1 ^ s0 ^ (s1 >> 17) ^ (s0 >> 26);
	return g->s[1] + s0;
}

void odb_uuid_generate(struct odb_uuid_gen *g, struct odb_uuid *u)
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
	char *s = odb_xasprintf("%s%s", prefix, d ? d : "");

	json_object_set_new(err, "details", json_string(s));
	free(s);
	return err;
}
