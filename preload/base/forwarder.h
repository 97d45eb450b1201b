/* SPDX-License-Identifier: MIT */
/* Isolated by --strict: a socket to a proxy, made by the forwarder outside the network
 * namespace and handed in, so a connection's bytes need no relay. */
#ifndef SX_PRELOAD_FORWARDER_H
#define SX_PRELOAD_FORWARDER_H

/* A TCP socket already connecting (or connected) to the proxy that reference ref names
 * (0 the server; see SX_REF_NAMED), from the forwarder at the Unix socket path; its
 * family is the proxy's. The fd, or -errno within timeout_ms: the connect's own error
 * when it failed at once, -EPERM for a proxy that cannot be a first hop (the forwarder
 * makes sockets to those alone). */
int sx_forwarder_socket(const char *path, unsigned timeout_ms, unsigned ref);

#endif
