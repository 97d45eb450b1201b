/* SPDX-License-Identifier: MIT */
/* The forwarder's Unix listener: each request gets a TCP socket created out here and
 * already connecting to the proxy, so the isolated library talks to the proxy on it with
 * no relay between (a socket belongs to the namespace it was made in, whoever holds it).
 * The path is in a 0700 directory of its own, removed when the forwarder ends. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "forward.h"

int sx_fwd_send_fds(int sock, const int *fds, size_t n)
{
	char byte = 0;
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(4 * sizeof(int))];
	} ctl = {0};
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	struct msghdr m = {.msg_iov = &iov,
			   .msg_iovlen = 1,
			   .msg_control = ctl.buf,
			   .msg_controllen = CMSG_SPACE(n * sizeof(int))};
	struct cmsghdr *h = CMSG_FIRSTHDR(&m);
	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(h), fds, n * sizeof(int));
	return sendmsg(sock, &m, MSG_NOSIGNAL) == 1 ? 0 : -errno;
}

int sx_fwd_unix_open(struct sx_fwd *f)
{
	const char *tmp = getenv("TMPDIR");
	f->unix_fd = -1;
	if (!tmp || !*tmp || strlen(tmp) > 60)
		tmp = "/tmp";
	snprintf(f->unix_dir, sizeof f->unix_dir, "%s/socksify-fwd.XXXXXX", tmp);
	if (!mkdtemp(f->unix_dir)) {
		f->unix_dir[0] = '\0';
		return -errno;
	}
	snprintf(f->unix_path, sizeof f->unix_path, "%s/s", f->unix_dir);
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	memcpy(sun.sun_path, f->unix_path, strlen(f->unix_path) + 1);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&sun, sizeof sun) < 0 || listen(s, SOMAXCONN) < 0) {
		int e = errno;
		if (s >= 0)
			close(s);
		sx_fwd_unix_close(f);
		return -e;
	}
	f->unix_fd = s;
	return 0;
}

/* The address of the proxy ref names, or NULL with *err set: the forwarder connects only
 * to proxies of its own configuration, whatever the inside asks. */
static const struct sockaddr *hop_addr(const struct sx_fwd *f, unsigned ref, socklen_t *len,
				       int *err)
{
	if (ref == 0 && f->n_proxy) {
		*len = f->proxy_len[0];
		return (const struct sockaddr *)&f->proxy[0];
	}
	if (ref > 0 && ref < SX_REFS_MAX && f->hop[ref].ok) {
		*len = f->hop[ref].len;
		return (const struct sockaddr *)&f->hop[ref].addr;
	}
	*err = EPERM;
	return NULL;
}

void sx_fwd_unix_serve(const struct sx_fwd *f, int c)
{
	unsigned char ask[2];
	struct pollfd p = {.fd = c, .events = POLLIN};
	/* A request is one or two bytes; a caller that sends nothing holds nobody up for
	 * long. */
	ssize_t n = poll(&p, 1, 1000) == 1 ? recv(c, ask, sizeof ask, MSG_DONTWAIT) : -1;
	if (n >= 1 && ask[0] == 'c') {
		socklen_t len = 0;
		int err = 0;
		const struct sockaddr *to = hop_addr(f, n == 2 ? ask[1] : 0, &len, &err);
		int s =
		    to ? socket(to->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0) : -1;
		if (to && s < 0)
			err = errno;
		/* Not waited for: the library sees the connect end as it would its own. */
		else if (s >= 0 && connect(s, to, len) < 0 && errno != EINPROGRESS)
			err = errno;
		if (err) {
			unsigned char why = err < 256 ? (unsigned char)err : EIO;
			send(c, &why, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
		} else
			sx_fwd_send_fds(c, &s, 1);
		if (s >= 0)
			close(s);
	}
	close(c);
}

void sx_fwd_unix_close(struct sx_fwd *f)
{
	if (f->unix_fd >= 0)
		close(f->unix_fd);
	f->unix_fd = -1;
	if (f->unix_path[0])
		unlink(f->unix_path);
	if (f->unix_dir[0])
		rmdir(f->unix_dir);
	f->unix_path[0] = f->unix_dir[0] = '\0';
}
