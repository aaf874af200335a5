/* Helpers shared by the fuzz harnesses (tests/fuzz/): a private scratch directory and files in
 * it. The directory lives on /dev/shm when it exists (fsync is free there: ovsdb-lite fsyncs
 * every journal write) and is removed at exit. Header-only: each harness is one program. */
#ifndef WEFT_FUZZ_TMP_H
#define WEFT_FUZZ_TMP_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char fuzz_dir[256];

static inline void fuzz_rm_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char sub[512];

	if (!d) {
		unlink(path);
		return;
	}
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
			fuzz_rm_tree(sub);
		}
	closedir(d);
	rmdir(path);
}

static inline void fuzz_tmp_cleanup(void)
{
	if (fuzz_dir[0])
		fuzz_rm_tree(fuzz_dir);
}

/* Creates the scratch directory once; returns its path. Aborts on failure. */
static inline const char *fuzz_tmp_dir(const char *name)
{
	if (!fuzz_dir[0]) {
		struct stat st;
		const char *base = stat("/dev/shm", &st) == 0 ? "/dev/shm" : "/tmp";

		snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/weft-fuzz-%s-%d", base, name,
		         (int)getpid());
		fuzz_rm_tree(fuzz_dir);
		if (mkdir(fuzz_dir, 0700) < 0) {
			perror(fuzz_dir);
			abort();
		}
		atexit(fuzz_tmp_cleanup);
	}
	return fuzz_dir;
}

/* Writes 'n' bytes to 'path' (created or truncated). Aborts on failure. */
static inline void fuzz_write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (!f || (n && fwrite(data, 1, n, f) != n) || fclose(f)) {
		perror(path);
		abort();
	}
}

/* Reads 'path' whole into a malloc'd buffer; *n = its size. Aborts on failure. */
static inline char *fuzz_read_file(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long len;

	if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) ||
	    !(buf = malloc((size_t)len + 1)) || fread(buf, 1, (size_t)len, f) != (size_t)len) {
		perror(path);
		abort();
	}
	fclose(f);
	*n = (size_t)len;
	return buf;
}

#endif
