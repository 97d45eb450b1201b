/* SPDX-License-Identifier: MIT */
/* getpeername() on a proxied socket names the destination the program asked for; while
 * its handshake runs, it is not connected yet (ENOTCONN). */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "../base/fdtab.h"
#include "../base/real.h"
#include "../tcp/tcp_pending.h"
#include "../udp/udp_handoff.h"

static bool virtual_peer(int fd, enum sx_fd_kind kind, struct sockaddr *sa, socklen_t *len)
{
	if ((kind == SX_FD_TCP_PROXIED || kind == SX_FD_UDP_PROXIED || kind == SX_FD_DNS_TCP) &&
	    sa && len) {
		struct sx_fdinfo info;
		/* A UDP socket's virtual peer (udp_send.c); none: the kernel's ENOTCONN. */
		if (sx_fdtab_get(fd, &info) && info.peer_len) {
			size_t n = *len < info.peer_len ? *len : info.peer_len;
			memcpy(sa, &info.peer, n);
			*len = info.peer_len;
			return true;
		}
	}
	return false;
}

__attribute__((visibility("default"))) int getpeername(int fd, struct sockaddr *sa, socklen_t *len)
{
	sx_real_init();
	enum sx_fd_kind kind = sx_fdtab_kind(fd);
	if (kind == SX_FD_TCP_PENDING) {
		if (sx_tcp_pending_pump(fd, 0) != 0) {
			errno = ENOTCONN;
			return -1;
		}
		kind = sx_fdtab_kind(fd);
	}
	if (virtual_peer(fd, kind, sa, len))
		return 0;
	if (!sx_real.getpeername) {
		errno = ENOSYS;
		return -1;
	}
	int r = sx_real.getpeername(fd, sa, len);
	/* A UDP socket given a virtual peer before exec: libc knows no peer. */
	if (r < 0 && errno == ENOTCONN && sx_udp_handoff_restore(fd) &&
	    virtual_peer(fd, SX_FD_UDP_PROXIED, sa, len))
		return 0;
	return r;
}
