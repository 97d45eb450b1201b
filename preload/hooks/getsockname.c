/* SPDX-License-Identifier: MIT */
/* getsockname() on a proxied TCP socket names the address the proxy reported (its BND),
 * never the local end of the connection to the proxy; on a listener bound through the
 * proxy, where the proxy listens for it. */
#include <errno.h>

#include "../base/fdtab.h"
#include "../base/real.h"
#include "../tcp/tcp_bind.h"

__attribute__((visibility("default"))) int getsockname(int fd, struct sockaddr *sa, socklen_t *len)
{
	sx_real_init();
	if (!sx_real.getsockname) {
		errno = ENOSYS;
		return -1;
	}
	enum sx_fd_kind k = sx_fdtab_kind(fd);
	if ((k == SX_FD_TCP_PROXIED || k == SX_FD_TCP_LISTEN || k == SX_FD_TCP_BIND_DONE) &&
	    sx_tcp_bind_local(fd, k, sa, len))
		return 0;
	return sx_real.getsockname(fd, sa, len);
}
