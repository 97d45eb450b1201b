/* SPDX-License-Identifier: MIT */
/* Which sockets the proxy can carry. The proxy carries TCP-like streams and UDP; raw and
 * packet sockets and other internet transports would go around it, so strict mode refuses
 * them and normal mode says so. Local families (netlink for `ip` and `ss`, AF_UNIX) are
 * none of the proxy's business, whatever their type. */
#include <netinet/in.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <unistd.h>

#include "guard.h"
#include "init.h"
#include "log.h"
#include "sockkind.h"

static int base_type(int type)
{
	return type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
}

static enum sx_sock_kind inet_kind(int type, int protocol)
{
	switch (type) {
	case SOCK_STREAM:
		/* MPTCP is TCP to the program, and falls back to TCP towards a proxy
		 * that does not speak it. */
		return protocol == 0 || protocol == IPPROTO_TCP || protocol == IPPROTO_MPTCP
			   ? SX_SOCK_TCP
			   : SX_SOCK_FOREIGN;
	case SOCK_DGRAM:
		if (protocol == 0 || protocol == IPPROTO_UDP)
			return SX_SOCK_UDP;
		/* "ping" sockets */
		return protocol == IPPROTO_ICMP || protocol == IPPROTO_ICMPV6 ? SX_SOCK_RAW
									      : SX_SOCK_FOREIGN;
	case SOCK_RAW:
	case SOCK_PACKET:
		return SX_SOCK_RAW;
	default:
		return SX_SOCK_FOREIGN;
	}
}

enum sx_sock_kind sx_sock_kind(int domain, int type, int protocol)
{
	switch (domain) {
	case AF_INET:
	case AF_INET6:
		return inet_kind(base_type(type), protocol);
	case AF_PACKET:
	case AF_XDP:
		return SX_SOCK_RAW;
	case AF_SMC: /* TCP's replacement, addressed by sockaddr_in */
	case AF_RDS: /* datagrams to IPv4 addresses, over TCP or InfiniBand */
		return SX_SOCK_FOREIGN;
	default:
		return SX_SOCK_LOCAL;
	}
}

/* The shim's own sockets (made while the guard is up) are neither refused nor logged. */
static bool program_in_mode(bool strict)
{
	bool outer = sx_guard_enter();
	bool r = outer && sx_state()->config.strict == strict;
	sx_guard_leave();
	return r;
}

bool sx_sock_refused(enum sx_sock_kind kind, int domain, int type, int protocol)
{
	if (!program_in_mode(true))
		return false;
	if (kind == SX_SOCK_RAW)
		sx_log(SX_LOG_WARN,
		       "strict mode: refusing a raw/packet/ICMP socket (domain %d, type %d): "
		       "it would bypass the proxy",
		       domain, base_type(type));
	else
		sx_log(SX_LOG_WARN,
		       "strict mode: refusing a socket of protocol %d (domain %d, type %d): "
		       "the proxy cannot carry it",
		       protocol, domain, base_type(type));
	return true;
}

/* The pid that logged last: a forked child is a process of its own. */
static _Atomic int logged_pid[2];

void sx_sock_bypass_logged(enum sx_sock_kind kind, int domain, int type, int protocol)
{
	if (!program_in_mode(false))
		return;
	int pid = (int)getpid();
	bool first = atomic_exchange(&logged_pid[kind == SX_SOCK_RAW], pid) != pid;
	enum sx_log_level level = first ? SX_LOG_ERROR : SX_LOG_INFO;
	const char *once = first ? " (logged once per process)" : "";
	if (kind == SX_SOCK_RAW)
		sx_log(level, "a raw/packet/ICMP socket (domain %d, type %d) bypasses the proxy%s",
		       domain, base_type(type), once);
	else
		sx_log(level,
		       "a socket of protocol %d (domain %d, type %d) bypasses the proxy: "
		       "it cannot carry that protocol%s",
		       protocol, domain, base_type(type), once);
}
