/* SPDX-License-Identifier: MIT */
/* The hooks' one way into a socket whose handshake runs, before the program's own read,
 * write, send or recv on it. */
#ifndef SX_HOOKS_PENDING_IO_H
#define SX_HOOKS_PENDING_IO_H

#include <errno.h>
#include <stdbool.h>

#include "../tcp/tcp_pending.h"

/* True when the call may go ahead (the handshake has ended); false with errno set as the
 * kernel's would be on a socket still connecting (or the handshake's error, once). */
static inline bool sx_pending_io_ready(int fd)
{
	int e = sx_tcp_pending_io(fd);
	if (e < 0) {
		errno = -e;
		return false;
	}
	return true;
}

#endif
