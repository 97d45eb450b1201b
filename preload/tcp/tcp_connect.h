/* SPDX-License-Identifier: MIT */
/* Proxying one TCP connect(), for the connect() hook and MSG_FASTOPEN (fastopen.c). */
/* Floor tcp/: under hooks/; over dns/ (a connect to a nameserver is answered there, a
 * fake address names the target) and base/. tcp/ and udp/ never include or call each
 * other. scripts/static-checks.sh enforces the floors. */
#ifndef SX_PRELOAD_TCP_CONNECT_H
#define SX_PRELOAD_TCP_CONNECT_H

#include <stdbool.h>
#include <sys/socket.h>

#include "../base/fdtab.h"

/* Returns true if the call was handled (result in *ret, errno set), false when it
 * should go straight to libc (not TCP/IP, or a direct destination). kind: the fd's, as
 * the hook read it. */
bool sx_tcp_connect(int fd, enum sx_fd_kind kind, const struct sockaddr *sa, socklen_t len,
		    int *ret);

#endif
