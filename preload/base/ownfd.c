/* SPDX-License-Identifier: MIT */
/* The shim's own fds, checked by identity before every use (see ownfd.h). */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "fdtab.h"
#include "ownfd.h"
#include "real.h"

int sx_ownfd_take(struct sx_ownfd *o, int fd)
{
	struct stat sb;
	if (fstat(fd, &sb) < 0) {
		int e = errno;
		sx_real.close(fd);
		o->fd = -1;
		return -e;
	}
	o->fd = fd;
	o->dev = sb.st_dev;
	o->ino = sb.st_ino;
	return 0;
}

bool sx_ownfd_still(const struct sx_ownfd *o)
{
	struct stat sb;
	return o->fd >= 0 && fstat(o->fd, &sb) == 0 && S_ISSOCK(sb.st_mode) &&
	       sb.st_dev == o->dev && sb.st_ino == o->ino;
}

void sx_ownfd_close(struct sx_ownfd *o)
{
	if (sx_ownfd_still(o))
		sx_real.close(o->fd);
	o->fd = -1;
}

void sx_ownfd_dup(struct sx_ownfd *o)
{
	/* The same file under a new number: dev and ino stay. The new number takes the
	 * old one's table record (none, for our own fds), as a program's dup would. */
	int fd = sx_ownfd_still(o) ? sx_real.fcntl(o->fd, F_DUPFD_CLOEXEC, 0) : -1;
	if (fd >= 0)
		sx_fdtab_copy(o->fd, fd);
	o->fd = fd;
}
