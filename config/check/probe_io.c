/* SPDX-License-Identifier: MIT */
/* Sockets for socksify --check, each wait bounded by poll() and a deadline, and the
 * conversions between targets, socket addresses and text that its report needs. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "probe_io.h"

double sx_probe_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* The revents, -ETIMEDOUT or -errno. */
static int wait_for(int fd, short events, double deadline)
{
	for (;;) {
		double left = deadline - sx_probe_now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		struct pollfd p = {.fd = fd, .events = events};
		int r = poll(&p, 1, (int)left + 1);
		if (r > 0)
			return p.revents;
		if (r < 0 && errno != EINTR)
			return -errno;
	}
}

int sx_probe_connect(const struct sockaddr *sa, socklen_t len, int timeout_ms)
{
	int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	int r = 0;
	if (connect(fd, sa, len) < 0) {
		r = errno == EINPROGRESS ? 0 : -errno;
		if (!r)
			r = wait_for(fd, POLLOUT, sx_probe_now_ms() + timeout_ms);
		if (r > 0) {
			int soerr = 0;
			socklen_t sl = sizeof soerr;
			getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
			r = -soerr;
		}
	}
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

int sx_probe_send(int fd, const void *buf, size_t n, double deadline)
{
	const char *p = buf;
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
		} else if (errno == EAGAIN || errno == EINTR) {
			int r = wait_for(fd, POLLOUT, deadline);
			if (r < 0)
				return r;
		} else {
			return errno == EPIPE ? -ECONNRESET : -errno;
		}
	}
	return 0;
}

int sx_probe_read(int fd, void *buf, size_t n, double deadline)
{
	char *p = buf;
	while (n) {
		int r = wait_for(fd, POLLIN, deadline);
		if (r < 0)
			return r;
		ssize_t got = recv(fd, p, n, 0);
		if (got == 0 || (got < 0 && errno == ECONNRESET))
			return -ECONNRESET;
		if (got < 0 && errno != EAGAIN && errno != EINTR)
			return -errno;
		if (got > 0) {
			p += got;
			n -= (size_t)got;
		}
	}
	return 0;
}

int sx_probe_recv(int fd, void *buf, size_t cap, double deadline)
{
	for (;;) {
		int r = wait_for(fd, POLLIN, deadline);
		if (r < 0)
			return r;
		ssize_t got = recv(fd, buf, cap, 0);
		if (got >= 0)
			return (int)got;
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
	}
}

void sx_probe_target_text(const struct sx_target *t, char *out, size_t cap)
{
	char a[INET6_ADDRSTRLEN];
	if (t->kind == SX_TARGET_IPV4)
		snprintf(out, cap, "%s:%u", inet_ntop(AF_INET, t->addr.v4, a, sizeof a), t->port);
	else if (t->kind == SX_TARGET_IPV6)
		snprintf(out, cap, "[%s]:%u", inet_ntop(AF_INET6, t->addr.v6, a, sizeof a),
			 t->port);
	else
		snprintf(out, cap, "%s:%u", t->addr.name, t->port);
}

void sx_probe_sockaddr_target(const struct sockaddr_storage *ss, struct sx_target *t)
{
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
		sx_target_set_v6(t, s6->sin6_addr.s6_addr, ntohs(s6->sin6_port));
	} else {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
		sx_target_set_v4(t, (const uint8_t *)&s4->sin_addr, ntohs(s4->sin_port));
	}
}

int sx_probe_target_sockaddr(const struct sx_target *t, struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof *ss);
	if (t->kind == SX_TARGET_IPV4) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, t->addr.v4, 4);
		s4->sin_port = htons(t->port);
		*len = sizeof *s4;
		return 0;
	}
	if (t->kind == SX_TARGET_IPV6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, t->addr.v6, 16);
		s6->sin6_port = htons(t->port);
		*len = sizeof *s6;
		return 0;
	}
	return -EINVAL;
}

int sx_probe_parse_hostport(const char *s, struct sx_target *t)
{
	char host[SX_NAME_MAX + 1];
	const char *colon;
	size_t hl;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || close[1] != ':')
			return -EINVAL;
		hl = (size_t)(close - s - 1);
		s++;
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -EINVAL;
		hl = (size_t)(colon - s);
	}
	if (!hl || hl >= sizeof host)
		return -EINVAL;
	memcpy(host, s, hl);
	host[hl] = '\0';
	char *end;
	unsigned long port = strtoul(colon + 1, &end, 10);
	if (!colon[1] || *end || port == 0 || port > 65535)
		return -EINVAL;
	uint8_t a[16];
	if (inet_pton(AF_INET, host, a) == 1)
		sx_target_set_v4(t, a, (uint16_t)port);
	else if (inet_pton(AF_INET6, host, a) == 1)
		sx_target_set_v6(t, a, (uint16_t)port);
	else if (strchr(host, ':') || sx_target_set_name(t, host, (uint16_t)port) < 0)
		return -EINVAL;
	return 0;
}
