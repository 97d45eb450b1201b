/* SPDX-License-Identifier: MIT */
/* A proxied UDP socket's fd going away or duplicated: its control connection lives and
 * dies with it, and its record across exec goes with its last number. */
#include "../base/fdtab.h"
#include "udp.h"
#include "udp_handoff.h"

static void release(int fd, struct sx_fdinfo *info)
{
	sx_udp_assoc_drop(info);
	if (info->peer_len)
		sx_udp_handoff_forget(fd);
}

void sx_udp_forget(int fd)
{
	sx_fdtab_forget_with(fd, release);
}

void sx_udp_dup(int from, int to)
{
	sx_fdtab_dup_with(from, to, SX_FD_UDP_PROXIED, sx_udp_assoc_dup);
}
