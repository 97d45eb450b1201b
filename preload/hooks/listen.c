/* SPDX-License-Identifier: MIT */
/* bind() and listen(): a TCP socket bound to the address the proxy reported for a
 * proxied connection is bound through the proxy (tcp/tcp_bind.c); others are the
 * kernel's, except that strict mode refuses a listener a remote peer could reach. */
#include <errno.h>

#include "../base/fdtab.h"
#include "../base/guard.h"
#include "../base/real.h"
#include "../tcp/tcp_bind.h"

#define EXPORT __attribute__((visibility("default")))

EXPORT int bind(int fd, const struct sockaddr *sa, socklen_t len)
{
	sx_real_init();
	if (!sx_real.bind) {
		errno = ENOSYS;
		return -1;
	}
	enum sx_fd_kind k = sx_fdtab_kind(fd);
	if (k != SX_FD_TCP)
		return sx_real.bind(fd, sa, len);
	int ret;
	bool outer = sx_guard_enter();
	bool handled = outer && sx_tcp_bind_bind(fd, k, sa, len, &ret);
	sx_guard_leave();
	return handled ? ret : sx_real.bind(fd, sa, len);
}

EXPORT int listen(int fd, int backlog)
{
	sx_real_init();
	if (!sx_real.listen) {
		errno = ENOSYS;
		return -1;
	}
	enum sx_fd_kind k = sx_fdtab_kind(fd);
	if (k != SX_FD_TCP && k != SX_FD_TCP_LISTEN && k != SX_FD_NONE)
		return sx_real.listen(fd, backlog);
	int ret;
	int saved = errno;
	bool outer = sx_guard_enter();
	bool handled = outer && sx_tcp_bind_listen(fd, k, backlog, &ret);
	sx_guard_leave();
	if (handled)
		return ret;
	errno = saved;
	return sx_real.listen(fd, backlog);
}
