/* SPDX-License-Identifier: MIT */
/* Plain-socket I/O for socksify --check: every wait bounded by a deadline. */
#ifndef SX_CONFIG_CHECK_PROBE_IO_H
#define SX_CONFIG_CHECK_PROBE_IO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "../../core/target.h"

/* CLOCK_MONOTONIC in milliseconds, with a fraction. */
double sx_probe_now_ms(void);
/* A non-blocking TCP socket connected to sa within timeout_ms: the fd, or -errno. */
int sx_probe_connect(const struct sockaddr *sa, socklen_t len, int timeout_ms);
/* All n bytes written before deadline: 0 or -errno. */
int sx_probe_send(int fd, const void *buf, size_t n, double deadline);
/* Exactly n bytes read before deadline: 0, -ECONNRESET when the peer closed (or reset)
 * first, -ETIMEDOUT, or -errno. */
int sx_probe_read(int fd, void *buf, size_t n, double deadline);
/* Waits for a datagram on fd until deadline: its length, or -ETIMEDOUT / -errno. */
int sx_probe_recv(int fd, void *buf, size_t cap, double deadline);
/* "1.2.3.4:80", "[2001:db8::1]:80" or "name:80". */
void sx_probe_target_text(const struct sx_target *t, char *out, size_t cap);
/* sockaddr <-> target for numeric addresses. */
void sx_probe_sockaddr_target(const struct sockaddr_storage *ss, struct sx_target *t);
/* 0, or -EINVAL for a name (only addresses become sockaddrs). */
int sx_probe_target_sockaddr(const struct sx_target *t, struct sockaddr_storage *ss,
			     socklen_t *len);
/* HOST:PORT or [V6]:PORT into t: 0 or -EINVAL. */
int sx_probe_parse_hostport(const char *s, struct sx_target *t);

#endif
