/* SPDX-License-Identifier: MIT */
/* short_in6 MODE IPV6 PORT: reaches an IPv6 destination through a struct sockaddr_in6 of
 * 24 bytes (no sin6_scope_id, SIN6_LEN_RFC2133), which the kernel accepts. MODE: connect,
 * fastopen (TCP: send an HTTP request, print the reply's last line), udp-sendto,
 * udp-sendmsg, udp-connect (UDP: send "ping", print the echo), or "error: ...". connect
 * and udp-connect first print what getpeername() reports: "peer [ADDR]:PORT len N". */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define SHORT_LEN ((socklen_t)offsetof(struct sockaddr_in6, sin6_scope_id))

static const char request[] = "GET / HTTP/1.0\r\n\r\n";

static int fail(const char *what)
{
	printf("error: %s: %s\n", what, strerror(errno));
	return 1;
}

/* The kernel reports the whole struct sockaddr_in6, whatever length connect() was given. */
static void print_peer(int fd)
{
	struct sockaddr_storage ss;
	memset(&ss, 0xa5, sizeof ss);
	socklen_t len = sizeof ss;
	if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0) {
		printf("getpeername: %s\n", strerror(errno));
		return;
	}
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&ss;
	char a[INET6_ADDRSTRLEN] = "?";
	inet_ntop(AF_INET6, &in6->sin6_addr, a, sizeof a);
	printf("peer [%s]:%u len %u scope %u\n", a, ntohs(in6->sin6_port), (unsigned)len,
	       (unsigned)in6->sin6_scope_id);
}

static void set_timeout(int fd)
{
	struct timeval tv = {10, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

static int tcp(const char *mode, const struct sockaddr *dst)
{
	int fd = socket(AF_INET6, SOCK_STREAM, 0);
	if (fd < 0)
		return fail("socket");
	if (!strcmp(mode, "fastopen")) {
		if (sendto(fd, request, sizeof request - 1, MSG_FASTOPEN, dst, SHORT_LEN) < 0)
			return fail("sendto");
	} else {
		if (connect(fd, dst, SHORT_LEN) < 0)
			return fail("connect");
		print_peer(fd);
		if (write(fd, request, sizeof request - 1) < 0)
			return fail("write");
	}
	set_timeout(fd);
	char buf[4096];
	size_t have = 0;
	ssize_t n;
	while (have < sizeof buf - 1 && (n = read(fd, buf + have, sizeof buf - 1 - have)) > 0)
		have += (size_t)n;
	buf[have] = '\0';
	while (have && buf[have - 1] == '\n')
		buf[--have] = '\0';
	char *last = strrchr(buf, '\n');
	printf("%s\n", last ? last + 1 : buf);
	return 0;
}

static int udp(const char *mode, const struct sockaddr *dst)
{
	int fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (fd < 0)
		return fail("socket");
	ssize_t r;
	if (!strcmp(mode, "udp-sendto")) {
		r = sendto(fd, "ping", 4, 0, dst, SHORT_LEN);
	} else if (!strcmp(mode, "udp-sendmsg")) {
		struct iovec iov = {"ping", 4};
		struct msghdr m = {.msg_name = (void *)dst,
				   .msg_namelen = SHORT_LEN,
				   .msg_iov = &iov,
				   .msg_iovlen = 1};
		r = sendmsg(fd, &m, 0);
	} else {
		if (connect(fd, dst, SHORT_LEN) < 0)
			return fail("connect");
		print_peer(fd);
		r = send(fd, "ping", 4, 0);
	}
	if (r != 4)
		return fail("send");
	set_timeout(fd);
	char buf[64];
	ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
	if (n < 0)
		return fail("recv");
	buf[n] = '\0';
	printf("%s\n", buf);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 4)
		return 2;
	struct sockaddr_in6 dst;
	memset(&dst, 0, sizeof dst);
	dst.sin6_family = AF_INET6;
	dst.sin6_port = htons((unsigned short)atoi(argv[3]));
	if (inet_pton(AF_INET6, argv[2], &dst.sin6_addr) != 1)
		return 2;
	if (!strncmp(argv[1], "udp-", 4))
		return udp(argv[1], (const struct sockaddr *)&dst);
	return tcp(argv[1], (const struct sockaddr *)&dst);
}
