/* SPDX-License-Identifier: MIT */
/* Delivering the shim's DNS answers on a program's own socket, so its exchange with a
 * system nameserver looks real: UDP replies from a loopback "responder", TCP through a
 * loopback connection whose server end the shim holds. */
#ifndef SX_PRELOAD_DNS_SOCK_H
#define SX_PRELOAD_DNS_SOCK_H

#include <stdbool.h>
#include <sys/socket.h>

#include "../base/fdtab.h"
#include "../base/init.h"

/* dns_udp.c: a datagram for nameserver ns (sx_resolvconf_is_nameserver). Always
 * handled: *ret (and errno) hold sendmsg()'s result. Guard held by the caller. */
bool sx_dns_udp_send(const struct sx_state *st, int fd, const struct msghdr *msg, int flags,
		     const struct sockaddr *ns, socklen_t nslen, ssize_t *ret);

/* dns_tcp.c: connect() of a TCP socket to nameserver sa; as sx_tcp_connect(). */
bool sx_dns_tcp_connect(const struct sx_state *st, int fd, const struct sockaddr *sa, socklen_t len,
			int *ret);
/* After the program wrote on an SX_FD_DNS_TCP socket: answers every complete query.
 * Leaves errno as it was. */
void sx_dns_tcp_pump(int fd);
/* close() and dup() of an SX_FD_DNS_TCP fd: the server end closes and the record goes /
 * to gets from's record with its own number for the server end. */
void sx_dns_tcp_forget(int fd);
void sx_dns_tcp_dup(int from, int to);

#endif
