/* ovsdb-lite core utilities: hash map, hashing, CRC-32, UUIDs, RFC 7047 error objects.
 * Not thread-safe; every structure belongs to one struct odb. */
#ifndef OVSDB_LITE_UTIL_H
#define OVSDB_LITE_UTIL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Intrusive chained hash map. Nodes are embedded in the caller's structs. */
struct hmap_node {
	struct hmap_node *next;
	uint32_t hash;
};
struct hmap {
	struct hmap_node **buckets;
	size_t mask; /* n_buckets - 1 */
	size_t n;
};

void hmap_init(struct hmap *);
void hmap_destroy(struct hmap *); /* frees buckets only, not the nodes */
void hmap_insert(struct hmap *, struct hmap_node *, uint32_t hash);
void hmap_remove(struct hmap *, struct hmap_node *);
/* First node with 'hash', then hmap_next_with_hash() for the following ones. */
struct hmap_node *hmap_first_with_hash(const struct hmap *, uint32_t hash);
struct hmap_node *hmap_next_with_hash(const struct hmap_node *);
/* Iteration, safe against removal of the node just returned:
 *   struct hmap_iter it;
 *   for (struct hmap_node *n = hmap_iter_first(m, &it); n; n = hmap_iter_next(m, &it)) */
struct hmap_iter {
	size_t bucket;
	struct hmap_node *next;
};
struct hmap_node *hmap_iter_first(const struct hmap *, struct hmap_iter *);
struct hmap_node *hmap_iter_next(const struct hmap *, struct hmap_iter *);

#define CONTAINER_OF(PTR, TYPE, MEMBER) ((TYPE *)((char *)(PTR)-offsetof(TYPE, MEMBER)))

uint32_t hash_bytes(const void *, size_t, uint32_t basis);
uint32_t hash_add64(uint32_t hash, uint64_t v);

uint32_t crc32_update(uint32_t crc, const void *, size_t);

struct odb_uuid {
	uint8_t b[16];
};
#define UUID_LEN 36
bool uuid_from_string(struct odb_uuid *, const char *);
void uuid_to_string(const struct odb_uuid *, char out[UUID_LEN + 1]);
uint32_t uuid_hash(const struct odb_uuid *);
bool uuid_equals(const struct odb_uuid *, const struct odb_uuid *);
int uuid_compare(const struct odb_uuid *, const struct odb_uuid *);
bool uuid_is_zero(const struct odb_uuid *);

/* Random version-4 UUID generator; state seeded from getrandom(). */
struct uuid_gen {
	uint64_t s[2];
};
void uuid_gen_init(struct uuid_gen *);
void uuid_generate(struct uuid_gen *, struct odb_uuid *);

/* New RFC 7047 error object {"error": 'error', "details": ..., "syntax": <'syntax' compact,
 * sorted keys>}. 'syntax' may be NULL (member omitted); 'fmt' may be NULL (no details). */
json_t *odb_error(const char *error, const json_t *syntax, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prefixes the "details" of 'err' with 'prefix' (takes and returns 'err'). */
json_t *odb_error_prefix(json_t *err, const char *prefix);

/* True if 's' is an RFC 7047 <id>: [A-Za-z_][A-Za-z0-9_]*. */
bool is_identifier(const char *s);

/* malloc'd printf; aborts on OOM. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *xmalloc(size_t);
void *xcalloc(size_t, size_t);
void *xrealloc(void *, size_t);
char *xstrdup(const char *);

#endif
