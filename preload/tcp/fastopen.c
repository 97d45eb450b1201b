/* SPDX-License-Identifier: MIT */
/* MSG_FASTOPEN's implicit connect, through the proxied connect() of tcp_connect.c. */
#include <errno.h>
#include <stdbool.h>

#include "fastopen.h"
#include "tcp_connect.h"

enum sx_fastopen sx_tcp_fastopen(int fd, enum sx_fd_kind kind, const struct sockaddr *sa,
				 socklen_t len)
{
	int r;
	if (!sx_tcp_connect(fd, kind, sa, len, &r))
		return SX_FASTOPEN_PASS;
	if (r == 0 || errno == EINPROGRESS || errno == EISCONN)
		return SX_FASTOPEN_CONNECTED;
	return SX_FASTOPEN_FAILED;
}
