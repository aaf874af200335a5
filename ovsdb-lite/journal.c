/* ovsdb-lite journal. See journal.h for the format and guarantees. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "journal.h"
#include "util.h"

#define MAGIC      "ODBL1 "
#define MAX_HEADER 64
#define MAX_RECORD (1ull << 31)

static int set_err(char **errp, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int set_err(char **errp, int err, const char *fmt, ...)
{
	va_list ap;

	if (errp) {
		va_start(ap, fmt);
		if (vasprintf(errp, fmt, ap) < 0)
			*errp = NULL;
		va_end(ap);
	}
	return err;
}

/* Serializes 'rec' as one framed record. Returns malloc'd bytes, length in *lenp. */
static char *frame(const json_t *rec, size_t *lenp)
{
	char *body = json_dumps(rec, JSON_COMPACT | JSON_ENCODE_ANY);
	size_t blen, hlen;
	char hdr[MAX_HEADER];
	char *buf;

	if (!body)
		return NULL;
	blen = strlen(body);
	hlen = (size_t)snprintf(hdr, sizeof hdr, MAGIC "%zu %08x\n", blen,
	                        odb_crc32_update(0, body, blen));
	buf = odb_xmalloc(hlen + blen + 1);
	memcpy(buf, hdr, hlen);
	memcpy(buf + hlen, body, blen);
	buf[hlen + blen] = '\n';
	*lenp = hlen + blen + 1;
	free(body);
	return buf;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int fsync_dir(const char *path)
{
	char *copy = odb_xstrdup(path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
	int err = 0;

	free(copy);
	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		err = -errno;
	close(fd);
	return err;
}

/* Writes 'snapshot' to '<path>.tmp' and fsyncs it. */
static int write_tmp(const char *path, const json_t *snapshot, char **tmpp, char **errp)
{
	char *tmp = odb_xasprintf("%s.tmp", path);
	size_t len;
	char *buf = frame(snapshot, &len);
	int fd, err;

	if (!buf) {
		free(tmp);
		return set_err(errp, -EINVAL, "cannot serialize snapshot");
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		err = -errno;
		set_err(errp, err, "%s: %s", tmp, strerror(-err));
		goto out;
	}
	err = write_all(fd, buf, len);
	if (!err && fsync(fd) < 0)
		err = -errno;
	close(fd);
	if (err) {
		set_err(errp, err, "%s: %s", tmp, strerror(-err));
		unlink(tmp);
	}
out:
	free(buf);
	if (err)
		free(tmp);
	else
		*tmpp = tmp;
	return err;
}

int odb_journal_create(const char *path, const json_t *snapshot, char **errp)
{
	char *tmp = NULL;
	int err;

	if (access(path, F_OK) == 0)
		return set_err(errp, -EEXIST, "%s: %s", path, strerror(EEXIST));
	err = write_tmp(path, snapshot, &tmp, errp);
	if (err)
		return err;
	if (link(tmp, path) < 0) { /* fails if 'path' appeared meanwhile */
		err = -errno;
		set_err(errp, err, "%s: %s", path, strerror(-err));
	}
	unlink(tmp);
	free(tmp);
	if (!err)
		err = fsync_dir(path);
	return err;
}

static int read_file(const char *path, char **bufp, size_t *lenp, char **errp)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buf;
	size_t off = 0;

	if (fd < 0)
		return set_err(errp, -errno, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		int err = -errno;
		close(fd);
		return set_err(errp, err, "%s: %s", path, strerror(-err));
	}
	buf = odb_xmalloc((size_t)st.st_size + 1);
	while (off < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + off, (size_t)st.st_size - off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		off += (size_t)r;
	}
	close(fd);
	buf[off] = '\0';
	*bufp = buf;
	*lenp = off;
	return 0;
}

#define SCHEMA_PREFIX "{\"schema\":"

/* Parses the snapshot body 'body' ('len' bytes, CRC checked) whose "schema" member, first, is
 * known->text: the body with that text replaced by {} parses (or fails) exactly as the whole
 * body does, since both are complete JSON objects and what follows is lexed the same after
 * their closing brace; the member is then set to known->json. Returns the record or NULL. */
static json_t *parse_known(const char *body, size_t len, const struct odb_journal_schema *known)
{
	size_t plen = strlen(SCHEMA_PREFIX), rest = len - plen - known->len;
	char *copy = odb_xmalloc(plen + 2 + rest);
	json_t *rec;

	memcpy(copy, SCHEMA_PREFIX "{}", plen + 2);
	memcpy(copy + plen + 2, body + plen + known->len, rest);
	rec = json_loadb(copy, plen + 2 + rest, JSON_REJECT_DUPLICATES, NULL);
	free(copy);
	if (json_is_object(rec) && json_object_set(rec, "schema", known->json)) {
		json_decref(rec);
		return NULL;
	}
	return rec;
}

/* Parses the record at 'buf'[0..avail) ('known': see odb_journal_open(), or NULL). Returns its
 * total length, or 0 if torn/corrupt. */
static size_t parse_record(const char *buf, size_t avail, const struct odb_journal_schema *known,
                           json_t **recp)
{
	char hdr[MAX_HEADER + 1];
	const char *nl = memchr(buf, '\n', avail < MAX_HEADER ? avail : MAX_HEADER);
	unsigned long long len;
	unsigned crc;
	size_t hlen;
	char tail;
	int n = 0;

	if (!nl)
		return 0;
	hlen = (size_t)(nl - buf) + 1;
	memcpy(hdr, buf, hlen);
	hdr[hlen] = '\0';
	if (strncmp(hdr, MAGIC, strlen(MAGIC)) ||
	    sscanf(hdr + strlen(MAGIC), "%llu %8x%c%n", &len, &crc, &tail, &n) != 3 ||
	    tail != '\n' || (size_t)n != hlen - strlen(MAGIC) || len > MAX_RECORD)
		return 0;
	if (hlen + len + 1 > avail || buf[hlen + len] != '\n')
		return 0;
	if (odb_crc32_update(0, buf + hlen, len) != crc)
		return 0;
	if (known && len >= strlen(SCHEMA_PREFIX) + known->len &&
	    !memcmp(buf + hlen, SCHEMA_PREFIX, strlen(SCHEMA_PREFIX)) &&
	    !memcmp(buf + hlen + strlen(SCHEMA_PREFIX), known->text, known->len))
		*recp = parse_known(buf + hlen, len, known);
	else
		*recp = json_loadb(buf + hlen, len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(*recp)) {
		json_decref(*recp);
		return 0;
	}
	return hlen + len + 1;
}

int odb_journal_open(struct odb_journal *j, const char *path,
                     const struct odb_journal_schema *known,
                     int (*cb)(void *aux, const json_t *rec, bool first, char **errp), void *aux,
                     char **errp)
{
	size_t len = 0, off = 0, first_len = 0;
	char *buf = NULL;
	int err;

	memset(j, 0, sizeof *j);
	j->fd = -1;
	err = read_file(path, &buf, &len, errp);
	if (err)
		return err;
	while (off < len) {
		json_t *rec = NULL;
		size_t n = parse_record(buf + off, len - off, off ? NULL : known, &rec);
		if (!n) {
			if (!off) {
				free(buf);
				return set_err(errp, -EINVAL,
				               "%s: not an ovsdb-lite database or "
				               "unreadable first record",
				               path);
			}
			fprintf(stderr,
			        "ovsdb-lite: %s: dropping torn or corrupt record at offset %zu "
			        "(%zu bytes to end of file)\n",
			        path, off, len - off);
			break;
		}
		err = cb(aux, rec, off == 0, errp);
		json_decref(rec);
		if (err) {
			free(buf);
			return err;
		}
		if (!off)
			first_len = n;
		off += n;
	}
	free(buf);
	if (!off)
		return set_err(errp, -EINVAL, "%s: empty database file", path);
	j->fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (j->fd < 0)
		return set_err(errp, -errno, "%s: %s", path, strerror(errno));
	if (off < len) {
		if (ftruncate(j->fd, (off_t)off) < 0 || fsync(j->fd) < 0) {
			err = -errno;
			close(j->fd);
			j->fd = -1;
			return set_err(errp, err, "%s: truncate: %s", path, strerror(-err));
		}
	}
	j->path = odb_xstrdup(path);
	j->size = off;
	j->journal_bytes = off - first_len;
	return 0;
}

void odb_journal_close(struct odb_journal *j)
{
	if (j->fd >= 0)
		close(j->fd);
	j->fd = -1;
	free(j->path);
	j->path = NULL;
}

int odb_journal_append(struct odb_journal *j, const json_t *rec, bool sync, char **errp)
{
	size_t len;
	char *buf;
	int err;

	if (j->broken || j->fd < 0)
		return set_err(errp, -EIO, "journal unusable after an earlier write error");
	buf = frame(rec, &len);
	if (!buf)
		return set_err(errp, -EINVAL, "cannot serialize record");
	err = write_all(j->fd, buf, len);
	free(buf);
	if (!err && sync && fdatasync(j->fd) < 0)
		err = -errno;
	if (err) {
		if (ftruncate(j->fd, (off_t)j->size) < 0 || fsync(j->fd) < 0)
			j->broken = true;
		return set_err(errp, err, "%s: %s", j->path, strerror(-err));
	}
	j->size += len;
	j->journal_bytes += len;
	j->unsynced = !sync;
	return 0;
}

int odb_journal_sync(struct odb_journal *j, char **errp)
{
	if (!j->unsynced)
		return 0;
	if (j->fd < 0 || fdatasync(j->fd) < 0) {
		int err = j->fd < 0 ? -EIO : -errno;
		/* Whether the records reached the disk is unknown: refuse further writes. */
		j->broken = true;
		return set_err(errp, err, "%s: fdatasync: %s", j->path, strerror(-err));
	}
	j->unsynced = false;
	return 0;
}

int odb_journal_rewrite(struct odb_journal *j, const json_t *snapshot, char **errp)
{
	char *tmp = NULL;
	struct stat st;
	int err, fd;

	err = write_tmp(j->path, snapshot, &tmp, errp);
	if (err)
		return err;
	if (rename(tmp, j->path) < 0) {
		err = -errno;
		unlink(tmp);
		free(tmp);
		return set_err(errp, err, "rename %s: %s", j->path, strerror(-err));
	}
	free(tmp);
	err = fsync_dir(j->path);
	fd = open(j->path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		/* The new file is in place; appends are impossible until the next open. */
		err = -errno;
		if (fd >= 0)
			close(fd);
		j->broken = true;
		return set_err(errp, err, "reopen %s: %s", j->path, strerror(-err));
	}
	if (j->fd >= 0)
		close(j->fd);
	j->fd = fd;
	j->size = (unsigned long long)st.st_size;
	j->journal_bytes = 0;
	j->broken = false;
	j->unsynced = false; /* the new file was fsync'ed before the rename */
	return err < 0 ? set_err(errp, err, "fsync directory: %s", strerror(-err)) : 0;
}
