/* weft_util: what every weft daemon (ovsdb-lite, weft-controld) does to run in the background.
 * libc only; names start with util_. Messages go to stderr prefixed with 'prog'. */
#ifndef WEFT_UTIL_DAEMON_H
#define WEFT_UTIL_DAEMON_H

/* Opens, locks (lockf) and writes 'path' with this process's pid. Returns the open fd, which
 * the caller keeps open for the process's lifetime (the lock says "running"), or -1 after
 * printing why (another process holds the lock: its pid is printed). */
int util_pidfile_write(const char *prog, const char *path);

/* Forks. The parent waits for the child's readiness byte on a pipe and exits 0 if it came,
 * 1 if the child exited first. In the child (new session) returns the pipe's write end: write
 * one byte to it once ready, then close it. -1 on error (printed). */
int util_daemonize(const char *prog);

#endif
