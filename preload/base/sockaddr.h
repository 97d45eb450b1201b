/* SPDX-License-Identifier: MIT */
/* Conversions between struct sockaddr and core's struct sx_target. */
#ifndef SX_PRELOAD_SOCKADDR_H
#define SX_PRELOAD_SOCKADDR_H

#include <stdbool.h>
#include <sys/socket.h>

#include "../../core/target.h"

/* IPv4-mapped IPv6 becomes IPv4. -EAFNOSUPPORT for other families, -EINVAL if short. */
int sx_sockaddr_to_target(const struct sockaddr *sa, socklen_t len, struct sx_target *t);
/* For a socket of family sock_af (v4 maps into v6 sockets). Returns the length or -errno. */
int sx_target_to_sockaddr(const struct sx_target *t, int sock_af, struct sockaddr_storage *ss);
/* Keeps a program's address as the kernel would report it (getpeername, recvfrom): the
 * whole sockaddr_in / sockaddr_in6 whatever length it came with (a 24-byte sockaddr_in6,
 * a sockaddr_storage), zero-filled. Returns that length. */
socklen_t sx_sockaddr_copy(struct sockaddr_storage *out, const struct sockaddr *sa, socklen_t len);
/* 127.0.0.1 or ::1, port 0, for family: the shim's own loopback sockets. Its length. */
socklen_t sx_sockaddr_loopback(int family, struct sockaddr_storage *ss);
/* "192.0.2.10:80", "[2001:db8::1]:80" or "name:80". */
void sx_target_format(const struct sx_target *t, char *buf, size_t len);

#endif
