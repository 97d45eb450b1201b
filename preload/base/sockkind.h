/* SPDX-License-Identifier: MIT */
/* Which sockets the proxy can carry, and what happens to those it cannot: refused in
 * strict mode, otherwise created with one log line per process. */
#ifndef SX_PRELOAD_SOCKKIND_H
#define SX_PRELOAD_SOCKKIND_H

#include <stdbool.h>

enum sx_sock_kind {
	SX_SOCK_LOCAL,	 /* no internet traffic of its own: AF_UNIX, AF_NETLINK, AF_CAN ... */
	SX_SOCK_TCP,	 /* a stream the proxy carries: TCP, MPTCP */
	SX_SOCK_UDP,	 /* UDP: through an association */
	SX_SOCK_RAW,	 /* raw IP, packet (AF_PACKET, AF_XDP) and ICMP sockets */
	SX_SOCK_FOREIGN, /* another internet transport: SCTP, UDP-Lite, DCCP, SMC, RDS ... */
};

/* From socket()'s arguments; type may carry SOCK_NONBLOCK / SOCK_CLOEXEC. */
enum sx_sock_kind sx_sock_kind(int domain, int type, int protocol);
/* For a raw or foreign socket about to be made by the program (not by the shim):
 * true if strict mode refuses it (logged; the caller fails with EACCES). */
bool sx_sock_refused(enum sx_sock_kind kind, int domain, int type, int protocol);
/* After such a socket was made outside strict mode: its traffic goes around the proxy.
 * The first of each kind in a process is logged at the default level, later ones at info. */
void sx_sock_bypass_logged(enum sx_sock_kind kind, int domain, int type, int protocol);

#endif
