/* SPDX-License-Identifier: MIT */
/* getsockopt(SO_ERROR) advances a handshake in progress, and reports a failed proxied
 * non-blocking connect once, as the kernel reports a failed asynchronous connect. */
#include <errno.h>
#include <string.h>

#include "../base/fdtab.h"
#include "../base/real.h"
#include "../tcp/tcp_pending.h"

__attribute__((visibility("default"))) int getsockopt(int fd, int level, int name, void *val,
						      socklen_t *len)
{
	sx_real_init();
	if (!sx_real.getsockopt) {
		errno = ENOSYS;
		return -1;
	}
	if (level == SOL_SOCKET && name == SO_ERROR && sx_fdtab_kind(fd) == SX_FD_TCP_PENDING &&
	    val && len && *len >= sizeof(int) && sx_tcp_pending_pump(fd, 0) != 0) {
		/* Still connecting, as the kernel says of a connect in progress. */
		int none = 0;
		memcpy(val, &none, sizeof none);
		*len = sizeof none;
		return 0;
	}
	if (level == SOL_SOCKET && name == SO_ERROR && sx_fdtab_kind(fd) == SX_FD_TCP_FAILED &&
	    val && len && *len >= sizeof(int)) {
		int e = sx_fdtab_take_error(fd);
		if (e) {
			memcpy(val, &e, sizeof e);
			*len = sizeof e;
			return 0;
		}
	}
	return sx_real.getsockopt(fd, level, name, val, len);
}
