/* SPDX-License-Identifier: MIT */
/* MSG_FASTOPEN's implicit connect, through the proxied connect() of tcp_connect.c. */
#include <errno.h>
#include <stdbool.h>

#include "../base/fdtab.h"
#include "fastopen.h"
#include "tcp_connect.h"
#include "tcp_pending.h"

enum sx_fastopen sx_tcp_fastopen(int fd, enum sx_fd_kind kind, const struct sockaddr *sa,
				 socklen_t len)
{
	int r;
	if (!sx_tcp_connect(fd, kind, sa, len, &r))
		return SX_FASTOPEN_PASS;
	if (r == 0 || errno == EISCONN ||
	    (errno == EINPROGRESS && sx_fdtab_kind(fd) != SX_FD_TCP_PENDING))
		return SX_FASTOPEN_CONNECTED;
	if (errno != EINPROGRESS)
		return SX_FASTOPEN_FAILED;
	/* The data must not meet the proxy mid-handshake: as the kernel's fast open
	 * without a cookie, nothing is sent yet and the connect is in progress. */
	int e = sx_tcp_pending_io(fd);
	if (e == 0)
		return SX_FASTOPEN_CONNECTED;
	errno = e == -EAGAIN ? EINPROGRESS : -e;
	return SX_FASTOPEN_FAILED;
}
