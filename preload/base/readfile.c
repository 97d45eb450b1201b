/* SPDX-License-Identifier: MIT */
/* Reads a whole small regular file; the fd is closed through the real close(). Opened
 * non-blocking and checked with fstat, so a FIFO or a device cannot hang the program. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../config/file_read.h"
#include "readfile.h"
#include "real.h"

static ssize_t real_read(int fd, void *buf, size_t n)
{
	ssize_t r = sx_real.read(fd, buf, n);
	return r < 0 ? -errno : r;
}

static ssize_t read_regular(const char *path, char *buf, size_t cap, bool whole)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	struct stat st;
	ssize_t r = fstat(fd, &st) < 0 ? -errno : sx_file_kind(&st);
	if (r > 0)
		r = sx_file_read(fd, real_read, buf, cap, whole);
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
