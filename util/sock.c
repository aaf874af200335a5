/* Control socket permissions (sock.h). */
#include "sock.h"

#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util_num.h"

int util_group_parse(const char *name, gid_t *gid)
{
	struct group gr, *res = NULL;
	char buf[4096];
	long long v;

	if (!name || !name[0])
		return -EINVAL;
	if (util_parse_int(name, 0, (gid_t)-2, &v) == 0) {
		*gid = (gid_t)v;
		return 0;
	}
	if (getgrnam_r(name, &gr, buf, sizeof(buf), &res) != 0 || !res)
		return -ENOENT;
	*gid = res->gr_gid;
	return 0;
}

int util_sock_restrict(const char *path, gid_t gid)
{
	if (gid != (gid_t)-1 && chown(path, (uid_t)-1, gid) < 0)
		return -errno;
	if (chmod(path, UTIL_SOCK_MODE) < 0)
		return -errno;
	return 0;
}
