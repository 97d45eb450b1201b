/* SPDX-License-Identifier: MIT */
/* Connects a program's socket to the proxy and drives a core handshake over it with
 * poll() and a deadline, leaving the socket's file status flags exactly as found. */
#ifndef SX_PRELOAD_IO_H
#define SX_PRELOAD_IO_H

#include "../core/handshake.h"
#include "init.h"

/* 0 when the socket is connected through the proxy to dst, else -errno.
 * bound (may be NULL) receives the proxy's BND address. */
int sx_io_proxy_connect(const struct sx_state *st, int fd, enum sx_cmd cmd,
			const struct sx_target *dst, struct sx_target *bound);

#endif
