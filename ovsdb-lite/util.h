/* ovsdb-lite core utilities: hash map, hashing, CRC-32, UUIDs, RFC 7047 error objects.
 * Not thread-safe; every structure belongs to one struct odb. */
#ifndef ODB_UTIL_H
#define ODB_UTIL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Intrusive chained hash map. Nodes are embedded in the caller's structs. */
struct odb_hmap_node {
	struct odb_hmap_node *next;
	uint32_t hash;
};
struct odb_hmap {
	struct odb_hmap_node **buckets;
	size_t mask; /* n_buckets - 1 */
	size_t n;
};

void odb_hmap_init(struct odb_hmap *);
void odb_hmap_destroy(struct odb_hmap *); /* frees buckets only, not the nodes */
void odb_hmap_insert(struct odb_hmap *, struct odb_hmap_node *, uint32_t hash);
void odb_hmap_remove(struct odb_hmap *, struct odb_hmap_node *);
/* First node with 'hash', then odb_hmap_next_with_hash() for the following ones. */
struct odb_hmap_node *odb_hmap_first_with_hash(const struct odb_hmap *, uint32_t hash);
struct odb_hmap_node *odb_hmap_next_with_hash(const struct odb_hmap_node *);
/* Iteration, safe against removal of the node just returned:
 *   struct odb_hmap_iter it;
 *   for (struct odb_hmap_node *n = odb_hmap_iter_first(m, &it); n; n = odb_hmap_iter_next(m, &it))
 */
struct odb_hmap_iter {
	size_t bucket;
	struct odb_hmap_node *next;
};
struct odb_hmap_node *odb_hmap_iter_first(const struct odb_hmap *, struct odb_hmap_iter *);
struct odb_hmap_node *odb_hmap_iter_next(const struct odb_hmap *, struct odb_hmap_iter *);

#define ODB_CONTAINER_OF(PTR, TYPE, MEMBER) ((TYPE *)((char *)(PTR)-offsetof(TYPE, MEMBER)))

uint32_t odb_hash_bytes(const void *, size_t, uint32_t basis);
uint32_t odb_hash_add64(uint32_t hash, uint64_t v);

uint32_t odb_crc32_update(uint32_t crc, const void *, size_t);

struct odb_uuid {
	uint8_t b[16];
};
#define ODB_UUID_LEN 36
bool odb_uuid_from_string(struct odb_uuid *, const char *);
void odb_uuid_to_string(const struct odb_uuid *, char out[ODB_UUID_LEN + 1]);
uint32_t odb_uuid_hash(const struct odb_uuid *);
bool odb_uuid_equals(const struct odb_uuid *, const struct odb_uuid *);
int odb_uuid_compare(const struct odb_uuid *, const struct odb_uuid *);
bool odb_uuid_is_zero(const struct odb_uuid *);

/* Random version-4 UUID generator; state seeded from getrandom(). */
struct odb_uuid_gen {
	uint64_t s[2];
};
void odb_uuid_gen_init(struct odb_uuid_gen *);
void odb_uuid_generate(struct odb_uuid_gen *, struct odb_uuid *);

/* New RFC 7047 error object {"error": 'error', "details": ..., "syntax": <'syntax' compact,
 * sorted keys>}. 'syntax' may be NULL (member omitted); 'fmt' may be NULL (no details). */
json_t *odb_error(const char *error, const json_t *syntax, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prefixes the "details" of 'err' with 'prefix' (takes and returns 'err'). */
json_t *odb_error_prefix(json_t *err, const char *prefix);

/* True if 's' is an RFC 7047 <id>: [A-Za-z_][A-Za-z0-9_]*. */
bool odb_is_identifier(const char *s);

/* malloc'd printf; aborts on OOM. */
char *odb_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *odb_xmalloc(size_t);
void *odb_xcalloc(size_t, size_t);
void *odb_xrealloc(void *, size_t);
char *odb_xstrdup(const char *);

#endif
