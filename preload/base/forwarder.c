/* SPDX-License-Identifier: MIT */
/* One request per socket on a Unix connection of its own, so processes and threads never
 * read each other's answers; a filesystem path, because abstract names belong to a
 * network namespace and the forwarder stays outside. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "forwarder.h"
#include "real.h"

int sx_forwarder_socket(const char *path, unsigned timeout_ms, unsigned ref)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	size_t n = strlen(path);
	if (n >= sizeof sun.sun_path)
		return -ENAMETOOLONG;
	memcpy(sun.sun_path, path, n + 1);
	int u = sx_real.socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (u < 0)
		return -errno;
	int r = -EPROTO;
	if (ref > 255)
		return -EINVAL;
	char ask[2] = {'c', (char)ref};
	unsigned char byte = 0;
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	struct msghdr m = {.msg_iov = &iov,
			   .msg_iovlen = 1,
			   .msg_control = ctl.buf,
			   .msg_controllen = sizeof ctl.buf};
	struct pollfd p = {.fd = u, .events = POLLIN};
	if (sx_real.connect(u, (struct sockaddr *)&sun, sizeof sun) < 0 ||
	    sx_real.sendto(u, ask, sizeof ask, MSG_NOSIGNAL, NULL, 0) != sizeof ask) {
		r = -errno;
	} else if (sx_real.poll(&p, 1, (int)timeout_ms) != 1) {
		r = -ETIMEDOUT;
	} else if (sx_real.recvmsg(u, &m, MSG_CMSG_CLOEXEC) == 1) {
		struct cmsghdr *h = CMSG_FIRSTHDR(&m);
		if (h && h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS &&
		    h->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(&r, CMSG_DATA(h), sizeof r);
		else if (!h && byte)
			r = -(int)byte; /* the forwarder's errno: no socket */
	}
	sx_real.close(u);
	return r;
}
