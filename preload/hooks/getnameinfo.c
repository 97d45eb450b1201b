/* SPDX-License-Identifier: MIT */
/* The getnameinfo() hook: a fake address maps back to its name without any DNS query,
 * a real one is named by /etc/hosts or through the proxy (reverse.c); in local mode,
 * and for every service lookup, libc's. */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "../base/guard.h"
#include "../base/init.h"
#include "../base/real.h"
#include "../dns/fakedns_shared.h"
#include "../dns/reverse.h"

#define PASS 1 /* not a getnameinfo return value */

static int fake(const struct sockaddr *sa, socklen_t salen, char *host, socklen_t hostlen,
		char *serv, socklen_t servlen, int flags)
{
	if (!sa || !host || !hostlen || (flags & NI_NUMERICHOST))
		return PASS;
	const uint8_t *a;
	int af;
	if (sa->sa_family == AF_INET && salen >= sizeof(struct sockaddr_in)) {
		a = (const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr;
		af = 4;
	} else if (sa->sa_family == AF_INET6 && salen >= sizeof(struct sockaddr_in6)) {
		const struct in6_addr *in6 = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		af = IN6_IS_ADDR_V4MAPPED(in6) ? 4 : 6;
		a = in6->s6_addr + (af == 4 ? 12 : 0);
	} else {
		return PASS;
	}
	const struct sx_state *st = sx_state();
	if (st->config.dns == SX_DNS_LOCAL)
		return PASS;
	char name[256];
	int r = st->config.dns == SX_DNS_REMOTE ? sx_fakedns_shared_name(af, a, name) : -EINVAL;
	if (r == -EINVAL) {
		/* A real address: /etc/hosts or the DNS server through the proxy. */
		struct sx_hosts_entry e;
		r = sx_reverse_lookup(st, af, a, &e);
		if (r == 0 && strlen(e.names) < sizeof name)
			strcpy(name, e.names);
		else if (r == 0)
			r = -ENOENT;
		if (r == -EAGAIN && (flags & NI_NAMEREQD))
			return EAI_AGAIN;
	}
	if (r < 0) {
		/* No name (or an unknown fake address, which nobody can name): never ask
		 * DNS. */
		if (flags & NI_NAMEREQD)
			return EAI_NONAME;
		return sx_real.getnameinfo(sa, salen, host, hostlen, serv, servlen,
					   flags | NI_NUMERICHOST);
	}
	if (strlen(name) >= hostlen)
		return EAI_OVERFLOW;
	if (serv && servlen) {
		int s = sx_real.getnameinfo(sa, salen, NULL, 0, serv, servlen, flags);
		if (s != 0)
			return s;
	}
	strcpy(host, name);
	return 0;
}

__attribute__((visibility("default"))) int getnameinfo(const struct sockaddr *sa, socklen_t salen,
						       char *host, socklen_t hostlen, char *serv,
						       socklen_t servlen, int flags)
{
	sx_real_init();
	if (!sx_real.getnameinfo) {
		errno = ENOSYS;
		return EAI_SYSTEM;
	}
	if (!sx_guard_enter()) {
		sx_guard_leave();
		return sx_real.getnameinfo(sa, salen, host, hostlen, serv, servlen, flags);
	}
	int saved = errno;
	int r = fake(sa, salen, host, hostlen, serv, servlen, flags);
	if (r == PASS) {
		errno = saved;
		r = SX_UNGUARDED(
		    sx_real.getnameinfo(sa, salen, host, hostlen, serv, servlen, flags));
		sx_guard_leave();
		return r;
	}
	sx_guard_leave();
	errno = saved;
	return r;
}
