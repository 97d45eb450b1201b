/* SPDX-License-Identifier: MIT */
/* Conversions between struct sockaddr and core's struct sx_target. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "sockaddr.h"

int sx_sockaddr_to_target(const struct sockaddr *sa, socklen_t len, struct sx_target *t)
{
	if (!sa || len < sizeof(sa_family_t))
		return -EINVAL;
	if (sa->sa_family == AF_INET) {
		if (len < sizeof(struct sockaddr_in))
			return -EINVAL;
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		sx_target_set_v4(t, (const uint8_t *)&in->sin_addr, ntohs(in->sin_port));
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		/* The kernel accepts the RFC 2133 layout without sin6_scope_id (24 bytes). */
		if (len < offsetof(struct sockaddr_in6, sin6_scope_id))
			return -EINVAL;
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
		const uint8_t *a = in6->sin6_addr.s6_addr;
		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))
			sx_target_set_v4(t, a + 12, ntohs(in6->sin6_port));
		else
			sx_target_set_v6(t, a, ntohs(in6->sin6_port));
		return 0;
	}
	return -EAFNOSUPPORT;
}

int sx_target_to_sockaddr(const struct sx_target *t, int sock_af, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	if (sock_af == AF_INET && t->kind == SX_TARGET_IPV4) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;
		in->sin_family = AF_INET;
		in->sin_port = htons(t->port);
		memcpy(&in->sin_addr, t->addr.v4, 4);
		return sizeof *in;
	}
	if (sock_af == AF_INET6 && (t->kind == SX_TARGET_IPV4 || t->kind == SX_TARGET_IPV6)) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(t->port);
		if (t->kind == SX_TARGET_IPV6) {
			memcpy(&in6->sin6_addr, t->addr.v6, 16);
		} else {
			in6->sin6_addr.s6_addr[10] = 0xff;
			in6->sin6_addr.s6_addr[11] = 0xff;
			memcpy(&in6->sin6_addr.s6_addr[12], t->addr.v4, 4);
		}
		return sizeof *in6;
	}
	return -EAFNOSUPPORT;
}

void sx_target_format(const struct sx_target *t, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	switch (t->kind) {
	case SX_TARGET_IPV4:
		inet_ntop(AF_INET, t->addr.v4, a, sizeof a);
		snprintf(buf, len, "%s:%u", a, t->port);
		break;
	case SX_TARGET_IPV6:
		inet_ntop(AF_INET6, t->addr.v6, a, sizeof a);
		snprintf(buf, len, "[%s]:%u", a, t->port);
		break;
	default:
		snprintf(buf, len, "%s:%u", t->addr.name, t->port);
	}
}

socklen_t sx_sockaddr_copy(struct sockaddr_storage *out, const struct sockaddr *sa, socklen_t len)
{
	socklen_t n = len < sizeof *out ? len : (socklen_t)sizeof *out;
	memset(out, 0, sizeof *out);
	memcpy(out, sa, n);
	if (n >= sizeof(sa_family_t) && out->ss_family == AF_INET)
		return sizeof(struct sockaddr_in);
	if (n >= sizeof(sa_family_t) && out->ss_family == AF_INET6)
		return sizeof(struct sockaddr_in6);
	return n;
}

socklen_t sx_sockaddr_loopback(int family, struct sockaddr_storage *ss)
{
	static const uint8_t v4[4] = {127, 0, 0, 1}, v6[16] = {[15] = 1};
	struct sx_target t;
	if (family == AF_INET6)
		sx_target_set_v6(&t, v6, 0);
	else
		sx_target_set_v4(&t, v4, 0);
	return (socklen_t)sx_target_to_sockaddr(&t, family == AF_INET6 ? AF_INET6 : AF_INET, ss);
}
