/* Unit tests of util/sock.h: group names, socket mode and group. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "sock.h"

static void test_group_parse(void **state)
{
	gid_t g = 77;

	(void)state;
	assert_int_equal(util_group_parse("root", &g), 0);
	assert_int_equal(g, 0);
	g = 77;
	assert_int_equal(util_group_parse("0", &g), 0);
	assert_int_equal(g, 0);
	assert_int_equal(util_group_parse("4242", &g), 0); /* a gid need not have a name */
	assert_int_equal(g, 4242);
	g = 77;
	assert_int_equal(util_group_parse("", &g), -EINVAL);
	assert_int_equal(util_group_parse(NULL, &g), -EINVAL);
	assert_int_equal(util_group_parse("weft-no-such-group-x", &g), -ENOENT);
	assert_int_equal(util_group_parse("-1", &g), -ENOENT);
	assert_int_equal(g, 77); /* untouched on failure */
}

/* Binds a unix socket in a fresh directory with umask 0 (mode 0777); returns its fd. */
static int bound_socket(char *dir, char *path, size_t len)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	mode_t old = umask(0);
	int fd;

	strcpy(dir, "/tmp/weft-test-sock-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, len, "%s/s.sock", dir);
	assert_true(strlen(path) < sizeof(sun.sun_path));
	memcpy(sun.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	umask(old);
	return fd;
}

static void test_restrict(void **state)
{
	char dir[64], path[128];
	struct stat st;
	int fd = bound_socket(dir, path, sizeof(path));
	gid_t other = geteuid() == 0 ? 4242 : getegid(); /* root may give any group */

	(void)state;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0777);
	assert_int_equal(util_sock_restrict(path, (gid_t)-1), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0660);
	assert_int_equal(st.st_gid, getegid());
	assert_int_equal(util_sock_restrict(path, other), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0660);
	assert_int_equal(st.st_gid, other);
	assert_int_equal(st.st_uid, geteuid());
	close(fd);
	unlink(path);
	assert_int_equal(util_sock_restrict(path, (gid_t)-1), -ENOENT);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_group_parse),
	    cmocka_unit_test(test_restrict),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
