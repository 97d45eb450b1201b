/* SPDX-License-Identifier: MIT */
/* The isolation forwarder (--strict): it stays in the host's network, accepts on a TCP
 * listener and reads a UDP socket that were both created inside the program's network
 * namespace, and relays to the real proxy. */
#ifndef SX_CONFIG_CHECK_FORWARD_H
#define SX_CONFIG_CHECK_FORWARD_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "../config.h"

#define SX_FWD_PROXY_ADDRS 8

/* A proxy the library may ask a socket to, by its reference: one that can be a first
 * hop (sx_config_first_hop), resolved out here once. */
struct sx_fwd_hop {
	bool ok;
	struct sockaddr_storage addr;
	socklen_t len;
};

struct sx_fwd {
	int listen_fd; /* inside: TCP 127.0.0.1:T, where the library connects */
	int udp_fd;    /* inside: UDP 127.0.0.1:U, the relay the library is told of */
	struct sockaddr_in inner_udp;
	/* the default proxy (reference 0), which the relayed listener path reaches */
	size_t n_proxy;
	struct sockaddr_storage proxy[SX_FWD_PROXY_ADDRS];
	socklen_t proxy_len[SX_FWD_PROXY_ADDRS];
	/* the other first hops, by reference; hop[0] stays unused (proxy[0] serves it) */
	struct sx_fwd_hop hop[SX_REFS_MAX];
	unsigned connect_timeout_ms;
	/* outside, at a filesystem path: sockets to the proxy handed in, so the library's
	 * connections need no relay (SOCKSIFY_FORWARDER_UNIX) */
	int unix_fd;
	char unix_dir[96], unix_path[108];
};

/* The Unix listener in a new 0700 directory: 0, or -errno. */
int sx_fwd_unix_open(struct sx_fwd *f);
/* One request on the accepted connection c, 'c' and a proxy reference (none: 0): a
 * socket connecting to that proxy, handed over with SCM_RIGHTS and the byte 0, or the
 * byte errno alone (EPERM: no first hop of ours); c is closed. */
void sx_fwd_unix_serve(const struct sx_fwd *f, int c);
/* Removes the listener's path and directory. */
void sx_fwd_unix_close(struct sx_fwd *f);
/* Sends n descriptors with one byte: 0 or -errno. */
int sx_fwd_send_fds(int sock, const int *fds, size_t n);

/* Enters a new network namespace with only loopback, up: a plain one as root, else a
 * user namespace too, mapping our own uid and gid to themselves. 0, or -errno with why
 * filled ("the kernel refuses ..."). */
int sx_netns_enter(char *why, size_t n);

/* Serves until no process is left in the namespace netns_fd names, looking only once
 * pidfd (the program's, or -1) says it has exited; never returns. */
void sx_fwd_run(struct sx_fwd *f, int netns_fd, int pidfd);
/* One accepted connection, relayed on its own threads. */
void sx_fwd_conn_start(struct sx_fwd *f, int client);

/* Runs job(arg) on a thread of its own (a kept one if idle): 0 or -errno. */
int sx_fwd_spawn(void *(*job)(void *), void *arg);

/* UDP associations: the control connection's thread registers one with the address the
 * library announced (port 0: learnt from its first datagram) and the forwarder's own
 * socket, connected to the proxy's relay. */
struct sx_fwd_assoc;
void sx_fwd_udp_start(struct sx_fwd *f);
struct sx_fwd_assoc *sx_fwd_assoc_add(const struct sockaddr_storage *client, int outer_fd);
void sx_fwd_assoc_remove(struct sx_fwd_assoc *a);
/* The client address datagrams from the relay go back to; false while not yet known. */
bool sx_fwd_assoc_client(struct sx_fwd_assoc *a, struct sockaddr_storage *out);

#endif
