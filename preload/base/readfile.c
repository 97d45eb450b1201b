/* SPDX-License-Identifier: MIT */
/* Reads a whole small regular file; the fd is closed through the real close(). Opened
 * non-blocking and checked with fstat, so a FIFO or a device cannot hang the program. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "readfile.h"
#include "real.h"

/* 1 for a regular file, 0 for /dev/null (the usual way to say "no file"), else -errno. */
static int file_kind(int fd)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISREG(st.st_mode))
		return 1;
	if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3))
		return 0;
	return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
}

static ssize_t read_all(int fd, char *buf, size_t cap, bool whole)
{
	size_t got = 0;
	for (;;) {
		char extra;
		bool full = got == cap;
		if (full && !whole)
			break;
		ssize_t r = sx_real.read(fd, full ? &extra : buf + got, full ? 1 : cap - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		if (full)
			return -EFBIG;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

static ssize_t read_regular(const char *path, char *buf, size_t cap, bool whole)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	ssize_t r = file_kind(fd);
	if (r > 0)
		r = read_all(fd, buf, cap, whole);
	sx_real.close(fd);
	return r;
}

ssize_t sx_read_file(const char *path, char *buf, size_t cap)
{
	return read_regular(path, buf, cap, false);
}

ssize_t sx_read_whole_file(const char *path, char *buf, size_t cap)
{
	return read_regular(path, buf, cap, true);
}
