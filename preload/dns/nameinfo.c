/* SPDX-License-Identifier: MIT */
/* getnameinfo()'s answer (see nameinfo.h). */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "../base/init.h"
#include "../base/real.h"
#include "nameinfo.h"
#include "reverse.h"

#define PASS SX_NAMEINFO_PASS

int sx_nameinfo_answer(const struct sockaddr *sa, socklen_t salen, char *host, socklen_t hostlen,
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
	struct sx_hosts_entry e;
	int r = sx_reverse_lookup(st, af, a, &e);
	if (r == -EAGAIN && (flags & NI_NAMEREQD))
		return EAI_AGAIN;
	if (r < 0) {
		/* No name (or an unknown fake address, which nobody can name): never ask
		 * DNS. */
		if (flags & NI_NAMEREQD)
			return EAI_NONAME;
		return sx_real.getnameinfo(sa, salen, host, hostlen, serv, servlen,
					   flags | NI_NUMERICHOST);
	}
	if (strlen(e.names) >= hostlen)
		return EAI_OVERFLOW;
	if (serv && servlen) {
		int s = sx_real.getnameinfo(sa, salen, NULL, 0, serv, servlen, flags);
		if (s != 0)
			return s;
	}
	strcpy(host, e.names); /* the canonical name */
	return 0;
}
