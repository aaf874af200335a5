/* weft_util: permissions of the control sockets weft's daemons listen on (weft-dataplane's
 * <rundir>/dataplane.sock, ovsdb-lite's punix: remotes). libc only; names start with util_. */
#ifndef WEFT_UTIL_SOCK_H
#define WEFT_UTIL_SOCK_H

#include <sys/types.h>

/* Mode of every control socket: owner and group read/write, nobody else. */
#define UTIL_SOCK_MODE 0660

/* Resolves 'name', a group name or a decimal gid, into *gid. Returns 0; -EINVAL when 'name' is
 * NULL or empty; -ENOENT when no such group exists. *gid is written only on success. */
int util_group_parse(const char *name, gid_t *gid);

/* Gives the unix socket file 'path' mode UTIL_SOCK_MODE and, unless 'gid' is (gid_t)-1, group
 * 'gid' (the owner stays). Call it between bind() and listen(): before listen() nobody can
 * connect, so the socket is never reachable with looser permissions. Returns 0 or -errno. */
int util_sock_restrict(const char *path, gid_t gid);

#endif
