/* SPDX-License-Identifier: MIT */
/* fwd_ask REF...: asks the isolation forwarder (SOCKSIFY_FORWARDER_UNIX) for a socket to
 * each proxy reference, as the library does or as a hostile program could, and prints
 * "ref N: peer=IP:PORT" once the socket it got has connected, else "ref N: ERRNAME". */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int ask(const char *path, unsigned ref)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
	int u = socket(AF_UNIX, SOCK_STREAM, 0);
	unsigned char req[2] = {'c', (unsigned char)ref}, byte = 0;
	if (u < 0 || connect(u, (struct sockaddr *)&sun, sizeof sun) < 0 ||
	    send(u, req, sizeof req, 0) != sizeof req)
		return -errno;
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	struct msghdr m = {.msg_iov = &iov,
			   .msg_iovlen = 1,
			   .msg_control = ctl.buf,
			   .msg_controllen = sizeof ctl.buf};
	ssize_t n = recvmsg(u, &m, 0);
	close(u);
	struct cmsghdr *h = n == 1 ? CMSG_FIRSTHDR(&m) : NULL;
	int fd = -1;
	if (h && h->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(h), sizeof fd);
	return fd >= 0 ? fd : n == 1 && byte ? -byte : -EPROTO;
}

int main(int argc, char **argv)
{
	const char *path = getenv("SOCKSIFY_FORWARDER_UNIX");
	if (!path) {
		puts("no SOCKSIFY_FORWARDER_UNIX");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		unsigned ref = (unsigned)strtoul(argv[i], NULL, 10);
		int fd = ask(path, ref), err = 0;
		if (fd >= 0) {
			struct pollfd p = {.fd = fd, .events = POLLOUT};
			socklen_t el = sizeof err;
			if (poll(&p, 1, 5000) != 1)
				err = ETIMEDOUT;
			else
				getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el);
		}
		struct sockaddr_storage ss;
		socklen_t len = sizeof ss;
		char ip[INET6_ADDRSTRLEN] = "";
		if (fd >= 0 && !err && getpeername(fd, (struct sockaddr *)&ss, &len) == 0) {
			const struct sockaddr_in *a = (const struct sockaddr_in *)&ss;
			inet_ntop(AF_INET, &a->sin_addr, ip, sizeof ip);
			printf("ref %u: peer=%s:%u\n", ref, ip, ntohs(a->sin_port));
		} else
			printf("ref %u: %s\n", ref,
			       strerrorname_np(fd < 0 ? -fd
					       : err  ? err
						      : errno));
		if (fd >= 0)
			close(fd);
	}
	return 0;
}
