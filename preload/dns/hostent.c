/* SPDX-License-Identifier: MIT */
/* The gethostbyname/gethostbyaddr families' answers (see hostent.h), laid out in the
 * caller's buffer as libc lays out its own. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "fakename.h"
#include "hostent.h"
#include "local_names.h"
#include "reverse.h"

#define PASS SX_HOSTENT_PASS

/* Names (canonical first, then aliases, each NUL-terminated) and addresses of family af
 * laid out in the caller's buffer. 0 or ERANGE. */
static int build_n(const char *names, int n_names, int af, const uint8_t (*addrs)[16], int n,
		   struct hostent *he, char *buf, size_t len)
{
	size_t alen = af == AF_INET ? 4 : 16, nlen = 0;
	for (int i = 0; i < n_names; i++)
		nlen += strlen(names + nlen) + 1;
	size_t pad = (size_t)(-(uintptr_t)buf & (sizeof(char *) - 1));
	size_t nptrs = (size_t)n_names + (size_t)n + 1;
	if (!buf || n_names < 1 || len < pad + nptrs * sizeof(char *) + (size_t)n * alen + nlen)
		return ERANGE;
	char **ptrs = (char **)(void *)(buf + pad);
	char *a = (char *)(ptrs + nptrs), *nm = a + (size_t)n * alen;
	memcpy(nm, names, nlen);
	he->h_name = nm;
	he->h_aliases = ptrs;
	for (int i = 1; i < n_names; i++) {
		nm += strlen(nm) + 1;
		*ptrs++ = nm;
	}
	*ptrs++ = NULL;
	he->h_addr_list = ptrs;
	for (int i = 0; i < n; i++, a += alen) {
		memcpy(a, addrs[i], alen);
		*ptrs++ = a;
	}
	*ptrs = NULL;
	he->h_addrtype = af;
	he->h_length = (int)alen;
	return 0;
}

/* One name, no aliases, one address. 0 or ERANGE. */
static int build(const char *name, int af, const uint8_t *addr, struct hostent *he, char *buf,
		 size_t len)
{
	uint8_t one[1][16];
	memcpy(one[0], addr, af == AF_INET ? 4 : 16);
	return build_n(name, 1, af, (const uint8_t(*)[16])one, 1, he, buf, len);
}

/* A localhost or /etc/hosts name: PASS when it is not one, else as sx_hostent_by_name(). */
static int local(const char *name, int af, struct hostent *he, char *buf, size_t len,
		 struct hostent **result, int *herr)
{
	struct sx_hosts_entry e;
	if (!sx_local_names_answer(sx_state(), name, af == AF_INET ? 4 : 6, &e))
		return PASS;
	*result = NULL;
	if (e.n == 0) {
		*herr = HOST_NOT_FOUND;
		return ENOENT;
	}
	uint8_t addrs[SX_HOSTS_ADDRS][16];
	for (int i = 0; i < e.n; i++)
		memcpy(addrs[i], e.addr[i].a, 16);
	if (build_n(e.names, e.n_names, af, (const uint8_t(*)[16])addrs, e.n, he, buf, len)) {
		*herr = NETDB_INTERNAL;
		return ERANGE;
	}
	*result = he;
	*herr = 0;
	return 0;
}

int sx_hostent_by_name(const char *name, int af, struct hostent *he, char *buf, size_t len,
		       struct hostent **result, int *herr)
{
	if (!name || (af != AF_INET && af != AF_INET6))
		return PASS;
	uint8_t addr[16];
	int r = sx_fakename_lookup(sx_state(), name, af == AF_INET ? 4 : 6, 0, addr);
	if (r == 0)
		return local(name, af, he, buf, len, result, herr);
	*result = NULL;
	if (r < 0) {
		*herr = r == -ENOSPC || r == -EAGAIN	     ? TRY_AGAIN
			: r == -ENAMETOOLONG || r == -ENOENT ? HOST_NOT_FOUND
							     : NO_RECOVERY;
		return r == -ENOSPC || r == -EAGAIN ? EAGAIN : ENOENT;
	}
	if (build(name, af, addr, he, buf, len)) {
		*herr = NETDB_INTERNAL;
		return ERANGE;
	}
	*result = he;
	*herr = 0;
	return 0;
}

int sx_hostent_by_addr(const void *addr, socklen_t alen, int type, struct hostent *he, char *buf,
		       size_t len, struct hostent **result, int *herr)
{
	const struct sx_state *st = sx_state();
	const uint8_t *a = addr;
	int af = 0;
	if (!a || st->config.dns == SX_DNS_LOCAL)
		return PASS;
	if (type == AF_INET && alen == 4) {
		af = 4;
	} else if (type == AF_INET6 && alen == 16) {
		af = IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)addr) ? 4 : 6;
		if (af == 4)
			a += 12;
	}
	if (!af)
		return PASS; /* libc reports the bad length or family */
	struct sx_hosts_entry e;
	int r = sx_reverse_lookup(st, af, a, &e);
	*result = NULL;
	if (r < 0) {
		*herr = r == -EAGAIN ? TRY_AGAIN : HOST_NOT_FOUND;
		return r == -EAGAIN ? EAGAIN : ENOENT;
	}
	uint8_t one[1][16];
	memcpy(one[0], addr, alen);
	if (build_n(e.names, e.n_names, type, (const uint8_t(*)[16])one, 1, he, buf, len)) {
		*herr = NETDB_INTERNAL;
		return ERANGE;
	}
	*result = he;
	*herr = 0;
	return 0;
}
