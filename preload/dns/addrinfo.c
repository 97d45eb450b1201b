/* SPDX-License-Identifier: MIT */
/* getaddrinfo()'s answers (see addrinfo.h): fake addresses, localhost and /etc/hosts
 * names, and what a bypass-listed name resolved to. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../base/direct_names.h"
#include "../base/guard.h"
#include "../base/real.h"
#include "addrinfo.h"
#include "fakename.h"
#include "local_names.h"

#define PASS SX_GAI_WAITS /* "ask libc" */
#define KNOWN_FLAGS                                                                                \
	(AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST | AI_ADDRCONFIG | AI_V4MAPPED |                \
	 AI_NUMERICSERV | AI_ALL | AI_IDN | AI_CANONIDN)

static uint16_t numeric_port(const char *service)
{
	char *end;
	unsigned long p = service ? strtoul(service, &end, 10) : 0;
	return service && *service && !*end && p <= 65535 ? (uint16_t)p : 0;
}

void sx_addrinfo_learn(const char *node, const char *service, struct addrinfo **res)
{
	if (!node || !res || sx_fakename_is_numeric(node))
		return;
	int way = sx_route_for_name(&sx_state()->config, node, numeric_port(service));
	if (way != SX_WAY_NONE)
		sx_direct_names_learn(*res, way);
}

/* The addresses of e in the order glibc's files backend gives them for family: an
 * AF_INET6 question takes IPv4 ones only as AI_V4MAPPED says. */
static int ordered(const struct sx_hosts_entry *e, int family, int flags, char (*num)[64])
{
	int n = 0, v6 = 0;
	for (int i = 0; i < e->n; i++) {
		bool want = family == AF_UNSPEC || (e->addr[i].af == 6) == (family == AF_INET6);
		if (want)
			inet_ntop(e->addr[i].af == 4 ? AF_INET : AF_INET6, e->addr[i].a, num[n++],
				  64);
		v6 += e->addr[i].af == 6;
	}
	if (family == AF_INET6 && (flags & AI_V4MAPPED) && (!v6 || (flags & AI_ALL)))
		for (int i = 0; i < e->n; i++)
			if (e->addr[i].af == 4) {
				strcpy(num[n], "::ffff:");
				inet_ntop(AF_INET, e->addr[i].a, num[n++] + 7, 57);
			}
	return n;
}

/* A localhost or /etc/hosts name: its addresses, each made into a result by libc from
 * the numeric form, chained (glibc's freeaddrinfo frees one node at a time). */
static int local(const char *node, const char *service, const struct addrinfo *hints, int flags,
		 int family, struct addrinfo **res)
{
	struct sx_hosts_entry e;
	if (!sx_local_names_answer(sx_state(), node, 0, &e))
		return PASS;
	char num[2 * SX_HOSTS_ADDRS][64];
	int n = ordered(&e, family, flags, num), err = EAI_NONAME;
	struct addrinfo h = {0}, *head = NULL, **tail = &head;
	if (hints)
		h = *hints;
	h.ai_family = family;
	h.ai_flags = (flags | AI_NUMERICHOST) &
		     ~(AI_CANONNAME | AI_CANONIDN | AI_IDN | AI_V4MAPPED | AI_ALL);
	for (int i = 0; i < n; i++) {
		struct addrinfo *one;
		int r = sx_real.getaddrinfo(num[i], service, &h, &one);
		if (r == EAI_SERVICE || r == EAI_SOCKTYPE || r == EAI_MEMORY) {
			err = r;
			break;
		}
		if (r != 0)
			continue; /* AI_ADDRCONFIG: a family this host lacks */
		*tail = one;
		while (*tail)
			tail = &(*tail)->ai_next;
	}
	if (head && (flags & AI_CANONNAME) && !(head->ai_canonname = strdup(e.names))) {
		freeaddrinfo(head);
		head = NULL;
		err = EAI_MEMORY;
	}
	if (!head)
		return err;
	*res = head;
	sx_addrinfo_learn(node, service, res);
	return 0;
}

int sx_addrinfo_answer(const char *node, const char *service, const struct addrinfo *hints,
		       struct addrinfo **res)
{
	/* hints == NULL means what glibc documents: AF_UNSPEC, AI_V4MAPPED | AI_ADDRCONFIG. */
	int flags = hints ? hints->ai_flags : AI_V4MAPPED | AI_ADDRCONFIG;
	int family = hints ? hints->ai_family : AF_UNSPEC;
	/* Bad flags and families: libc says so without any lookup. */
	if (!node || !res || (flags & AI_NUMERICHOST) || (flags & ~KNOWN_FLAGS) ||
	    (family != AF_UNSPEC && family != AF_INET && family != AF_INET6))
		return PASS;
	const struct sx_state *st = sx_state();
	uint8_t addr[16];
	int af = family == AF_INET6 ? 6 : 4;
	int r = sx_fakename_lookup(st, node, af, numeric_port(service), addr);
	if (r == 0)
		return local(node, service, hints, flags, family, res);
	if (r < 0)
		return r == -ENOSPC || r == -EAGAIN	    ? EAI_AGAIN
		       : r == -ENAMETOOLONG || r == -ENOENT ? EAI_NONAME
							    : EAI_FAIL;

	char num[INET6_ADDRSTRLEN];
	inet_ntop(af == 4 ? AF_INET : AF_INET6, addr, num, sizeof num);
	struct addrinfo h = {0};
	if (hints)
		h = *hints;
	h.ai_family = family;
	/* AI_ADDRCONFIG could drop the fake family on a host without it, though the proxy,
	 * not this host, reaches the name; the canonical name is the one asked for. */
	h.ai_flags = (flags | AI_NUMERICHOST) & ~(AI_ADDRCONFIG | AI_CANONNAME | AI_CANONIDN);
	r = sx_real.getaddrinfo(num, service, &h, res);
	if (r != 0)
		return r;
	if (flags & AI_CANONNAME) {
		/* glibc's freeaddrinfo frees ai_canonname on its own. */
		(*res)->ai_canonname = strdup(node);
		if (!(*res)->ai_canonname) {
			freeaddrinfo(*res);
			*res = NULL;
			return EAI_MEMORY;
		}
	}
	return 0;
}

int sx_addrinfo_now(const char *node, const char *service, const struct addrinfo *hints,
		    struct addrinfo **res)
{
	const struct sx_state *st = sx_state();
	bool numeric =
	    !node || (hints && (hints->ai_flags & AI_NUMERICHOST)) || sx_fakename_is_numeric(node);
	if (!numeric && st->config.dns == SX_DNS_PROXY &&
	    !sx_fakename_local(st, node, numeric_port(service)))
		return SX_GAI_WAITS; /* asked through the proxy */
	int r = sx_addrinfo_answer(node, service, hints, res);
	if (r == PASS && !numeric)
		return SX_GAI_WAITS; /* libc's resolver */
	if (r == PASS && (r = sx_real.getaddrinfo(node, service, hints, res)) == 0)
		sx_addrinfo_learn(node, service, res);
	return r;
}

int sx_addrinfo_resolve(const char *node, const char *service, const struct addrinfo *hints,
			struct addrinfo **res)
{
	sx_real_init();
	if (!sx_real.getaddrinfo) {
		errno = ENOSYS;
		return EAI_SYSTEM;
	}
	if (!sx_guard_enter()) {
		sx_guard_leave();
		return sx_real.getaddrinfo(node, service, hints, res);
	}
	int saved = errno;
	int r = sx_addrinfo_answer(node, service, hints, res);
	if (r == PASS) {
		/* libc's resolver reaches its sockets through its own internal names, not our
		 * hooks; the guard is set aside so a signal handler that jumps out of the wait
		 * does not leave it raised. */
		errno = saved;
		r = SX_UNGUARDED(sx_real.getaddrinfo(node, service, hints, res));
		if (r == 0)
			sx_addrinfo_learn(node, service, res);
	}
	sx_guard_leave();
	errno = saved;
	return r;
}
