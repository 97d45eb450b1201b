/* SPDX-License-Identifier: MIT */
/* The kernel's autobind done early (see autobind.h). */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "autobind.h"
#include "real.h"
#include "sockaddr.h"

int sx_autobind(int fd, struct sockaddr_storage *local, socklen_t *len)
{
	*len = sizeof *local;
	if (sx_real.getsockname(fd, (struct sockaddr *)local, len) < 0)
		return -errno;
	struct sx_target t;
	int r = sx_sockaddr_to_target((struct sockaddr *)local, *len, &t);
	if (r < 0)
		return r;
	if (t.port)
		return 0;
	/* As the kernel's own autobind would: any address, so the socket can still talk
	 * directly to loopback and bypass destinations. */
	struct sockaddr_storage any;
	memset(&any, 0, sizeof any);
	any.ss_family = local->ss_family;
	socklen_t alen =
	    any.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	if (sx_real.bind(fd, (struct sockaddr *)&any, alen) < 0 && errno != EINVAL)
		return -errno;
	*len = sizeof *local;
	return sx_real.getsockname(fd, (struct sockaddr *)local, len) < 0 ? -errno : 0;
}
