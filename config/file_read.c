/* SPDX-License-Identifier: MIT */
/* The read loop and the file kinds behind base/readfile.c and socksify-check's reader. */
#include <errno.h>
#include <sys/sysmacros.h>

#include "file_read.h"

int sx_file_kind(const struct stat *st)
{
	if (S_ISREG(st->st_mode))
		return 1;
	if (S_ISCHR(st->st_mode) && major(st->st_rdev) == 1 && minor(st->st_rdev) == 3)
		return 0;
	return S_ISDIR(st->st_mode) ? -EISDIR : -EINVAL;
}

ssize_t sx_file_read(int fd, sx_file_read_fn read_fn, char *buf, size_t cap, bool whole)
{
	size_t got = 0;
	for (;;) {
		char extra;
		bool full = got == cap;
		if (full && !whole)
			break;
		ssize_t r = read_fn(fd, full ? &extra : buf + got, full ? 1 : cap - got);
		if (r == -EINTR)
			continue;
		if (r < 0)
			return r;
		if (r == 0)
			break;
		if (full)
			return -EFBIG;
		got += (size_t)r;
	}
	return (ssize_t)got;
}
