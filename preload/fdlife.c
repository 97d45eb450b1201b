/* SPDX-License-Identifier: MIT */
/* Keeps the fd table true as fds are created, duplicated and closed, so a reused fd
 * number never inherits another socket's virtual peer. */
#include <errno.h>
#include <unistd.h>

#include "fdtab.h"
#include "real.h"

#define EXPORT __attribute__((visibility("default")))
#define NEED(fn)                                                                               \
	do {                                                                                   \
		sx_real_init();                                                                \
		if (!sx_real.fn) {                                                             \
			errno = ENOSYS;                                                        \
			return -1;                                                             \
		}                                                                              \
	} while (0)

EXPORT int close(int fd)
{
	NEED(close);
	sx_fdtab_clear(fd);
	return sx_real.close(fd);
}

EXPORT int socket(int domain, int type, int protocol)
{
	NEED(socket);
	int fd = sx_real.socket(domain, type, protocol);
	if (fd >= 0)
		sx_fdtab_clear(fd);
	return fd;
}

EXPORT int accept(int fd, struct sockaddr *sa, socklen_t *len)
{
	NEED(accept);
	int nfd = sx_real.accept(fd, sa, len);
	if (nfd >= 0)
		sx_fdtab_clear(nfd);
	return nfd;
}

EXPORT int accept4(int fd, struct sockaddr *sa, socklen_t *len, int flags)
{
	NEED(accept4);
	int nfd = sx_real.accept4(fd, sa, len, flags);
	if (nfd >= 0)
		sx_fdtab_clear(nfd);
	return nfd;
}

EXPORT int dup(int fd)
{
	NEED(dup);
	int nfd = sx_real.dup(fd);
	if (nfd >= 0)
		sx_fdtab_copy(fd, nfd);
	return nfd;
}

EXPORT int dup2(int fd, int nfd)
{
	NEED(dup2);
	int r = sx_real.dup2(fd, nfd);
	if (r >= 0 && fd != nfd)
		sx_fdtab_copy(fd, nfd);
	return r;
}

EXPORT int dup3(int fd, int nfd, int flags)
{
	NEED(dup3);
	int r = sx_real.dup3(fd, nfd, flags);
	if (r >= 0)
		sx_fdtab_copy(fd, nfd);
	return r;
}
