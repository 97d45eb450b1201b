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
#include "../base/ownfd.h"

/* The DNS part of a program socket's fd record (SX_DNS_PART). */
struct __attribute__((may_alias)) sx_dns_part {
	/* A UDP socket's DNS the shim answers (dns_udp.c): datagrams from the responder
	 * carry a SOCKS5 UDP header as the relay's do; a real nameserver's come as they are. */
	struct sockaddr_storage resp;
	socklen_t resp_len;
	sa_family_t family; /* the socket's, for sources when there is no relay */
	/* SX_FD_DNS_TCP (dns_tcp.c): the server end of the program's loopback connection */
	struct sx_ownfd srv;
};
SX_FDINFO_PART_FITS(dns_part, sx_dns_part);
#define SX_DNS_PART(info) SX_FDINFO_PART(info, dns_part, sx_dns_part)

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
