/* SPDX-License-Identifier: MIT */
/* The connect() hook. */
#include <errno.h>

#include "../base/fdtab.h"
#include "../base/guard.h"
#include "../base/real.h"
#include "../tcp/tcp_connect.h"
#include "../udp/udp.h"

__attribute__((visibility("default"))) int connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	sx_real_init();
	if (!sx_real.connect) {
		errno = ENOSYS;
		return -1;
	}
	if (!sx_guard_enter()) {
		sx_guard_leave();
		return sx_real.connect(fd, sa, len);
	}
	int ret;
	int saved = errno;
	/* UDP first when the socket() hook told us; otherwise TCP, then UDP sockets made
	 * before we were loaded. */
	enum sx_fd_kind k = sx_fdtab_kind(fd);
	bool udp = k == SX_FD_UDP || k == SX_FD_UDP_PROXIED;
	if ((udp && sx_udp_connect(fd, k, sa, len, &ret)) ||
	    (!udp && (sx_tcp_connect(fd, k, sa, len, &ret) ||
		      (k == SX_FD_NONE && sx_udp_connect(fd, k, sa, len, &ret))))) {
		sx_guard_leave();
		return ret;
	}
	errno = saved;
	ret = sx_real.connect(fd, sa, len);
	sx_guard_leave();
	return ret;
}
