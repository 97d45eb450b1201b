/* SPDX-License-Identifier: MIT */
/* Binding a datagram socket that is still unbound, as the kernel would on its first
 * send or connect, so the shim knows the port its replies will come to. */
#ifndef SX_PRELOAD_AUTOBIND_H
#define SX_PRELOAD_AUTOBIND_H

#include <sys/socket.h>

/* Binds an unbound socket as the kernel would (any address, port 0); local receives
 * the bound address. 0 or -errno. */
int sx_autobind(int fd, struct sockaddr_storage *local, socklen_t *len);

#endif
