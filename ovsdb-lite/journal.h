/* ovsdb-lite journal: the database file, a sequence of checksummed JSON records.
 *
 * Record: "ODBL1 <len> <crc32>\n" + <len> bytes of compact JSON + "\n", where <len> is
 * decimal and <crc32> the 8-hex-digit CRC-32 (IEEE) of the JSON bytes. The first record is a
 * snapshot {"schema": <schema>, "data": {...}}; each later one is a committed transaction
 * {"txn": {...}}. Appends are fsync'ed before odb_journal_append() returns. A torn or corrupt
 * record (bad header, short data, CRC mismatch, unparsable JSON) ends the readable log: it
 * and everything after it are truncated away on open, with a line on stderr. Compaction
 * writes a new file holding one snapshot record (<path>.tmp, fsync, rename, fsync dir), so the
 * file is always readable whatever the moment of a crash. */
#ifndef ODB_JOURNAL_H
#define ODB_JOURNAL_H

#include <jansson.h>
#include <stdbool.h>

struct odb_journal {
	int fd; /* O_WRONLY|O_APPEND, or -1 */
	char *path;
	unsigned long long size;          /* bytes of valid records in the file */
	unsigned long long journal_bytes; /* bytes after the snapshot record */
	bool broken;   /* a failed append could not be rolled back: only compaction helps */
	bool unsynced; /* records appended without fdatasync (odb_journal_sync() pending) */
};

/* Creates 'path' (must not exist: -EEXIST) holding the single record 'snapshot'. */
int odb_journal_create(const char *path, const json_t *snapshot, char **errp);

/* A schema the caller has already parsed (db.c: odb_open_shared()): 'json' is a JSON object
 * and 'text' ('len' bytes, no NUL needed) is 'json' as json_dumps(JSON_COMPACT) writes it,
 * i.e. as a snapshot record written by ovsdb-lite holds it. */
struct odb_journal_schema {
	const char *text;
	size_t len;
	json_t *json;
};

/* Opens 'path', calling 'cb' for each valid record in order ('first' for the snapshot;
 * 'rec' borrowed). A non-zero return from 'cb' aborts the open with that error.
 * 'known' (may be NULL): when the snapshot's body begins with {"schema": followed by exactly
 * known->text, that member is not parsed: the record is parsed with {} in its place (which
 * parses, or fails, exactly as the whole body would) and 'cb' gets it with known->json
 * (borrowed; compare the pointer) as its "schema" member. Otherwise, and for every later
 * record, the body is parsed whole. */
int odb_journal_open(struct odb_journal *, const char *path, const struct odb_journal_schema *known,
                     int (*cb)(void *aux, const json_t *rec, bool first, char **errp), void *aux,
                     char **errp);
void odb_journal_close(struct odb_journal *);

/* Appends one record and, if 'sync', fdatasyncs it. On failure the file is rolled back to its
 * previous size. */
int odb_journal_append(struct odb_journal *, const json_t *rec, bool sync, char **errp);
/* fdatasyncs records appended with 'sync' false. On failure the journal refuses further
 * appends (whether those records are on disk is unknown). */
int odb_journal_sync(struct odb_journal *, char **errp);

/* Replaces the whole file atomically by one snapshot record. */
int odb_journal_rewrite(struct odb_journal *, const json_t *snapshot, char **errp);

#endif
