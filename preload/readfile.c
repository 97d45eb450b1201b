/* SPDX-License-Identifier: MIT */
/* Reads a whole small file; the fd is closed through the real close(). */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "readfile.h"
#include "real.h"

ssize_t sx_read_file(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	size_t got = 0;
	while (got < cap) {
		ssize_t r = sx_real.read(fd, buf + got, cap - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	sx_real.close(fd);
	return (ssize_t)got;
}
