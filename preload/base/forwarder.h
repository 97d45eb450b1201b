/* SPDX-License-Identifier: MIT */
/* Isolated by --strict: a socket to the proxy, made by the forwarder outside the network
 * namespace and handed in, so a connection's bytes need no relay. */
#ifndef SX_PRELOAD_FORWARDER_H
#define SX_PRELOAD_FORWARDER_H

/* A TCP socket already connecting (or connected) to the proxy, from the forwarder at the
 * Unix socket path; its family is the proxy's. The fd, or -errno within timeout_ms. */
int sx_forwarder_socket(const char *path, unsigned timeout_ms);

#endif
