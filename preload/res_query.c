/* SPDX-License-Identifier: MIT */
/* The res_query family (libc since glibc 2.34). Remote mode: the A/AAAA question of a
 * proxied name, or the PTR question of a fake address, is answered from the fake-DNS
 * table; other questions about proxied names fail. Proxy mode: asked upstream through
 * the proxy. The rest goes to libc. */
#include <arpa/nameser.h>
#include <errno.h>
#include <netdb.h>
#include <resolv.h>
#include <stdlib.h>
#include <string.h>

#include "../core/dnsmsg.h"
#include "dns_intercept.h"
#include "fakedns_shared.h"
#include "fakename.h"
#include "guard.h"
#include "log.h"
#include "real.h"

#define EXPORT	 __attribute__((visibility("default")))
#define PASS	 (-2) /* not a return value of res_query: "ask libc" */
#define FAKE_TTL 60   /* the table keeps a name's address, but a cache need not */

static int reply_or_fail(int n, int *herr)
{
	if (n >= 0)
		return n;
	/* The caller's buffer cannot hold even a truncated reply. */
	errno = EMSGSIZE;
	*herr = NETDB_INTERNAL;
	return -1;
}

/* The question of a reverse name: only fake addresses are ours to answer. */
static int reverse(const char *name, int af, const uint8_t *addr, int class, int type,
		   unsigned char *ans, int anslen, int *herr)
{
	char target[256];
	int r = sx_fakedns_shared_name(af, addr, target);
	if (r == -EINVAL)
		return PASS;
	struct sx_dns_query q;
	if (sx_dns_query_make(&q, 0, name, (uint16_t) class, (uint16_t)type) < 0) {
		*herr = NO_RECOVERY;
		return -1;
	}
	if (r < 0) {
		/* In the fake range but never handed out: fail closed, ask no one. */
		sx_dns_reply_rcode(ans, (size_t)anslen, &q, SX_DNS_RCODE_NXDOMAIN);
		*herr = HOST_NOT_FOUND;
		return -1;
	}
	if (class != C_IN || type != T_PTR) {
		sx_dns_reply_rcode(ans, (size_t)anslen, &q, SX_DNS_RCODE_NOERROR);
		*herr = NO_DATA;
		return -1;
	}
	return reply_or_fail(sx_dns_reply_ptr(ans, (size_t)anslen, &q, target, FAKE_TTL), herr);
}

/* Proxy mode: the question goes where an intercepted query would (the upstream DNS
 * server through the proxy), never to the local resolver; local behaviour stays libc's. */
static int via_proxy(const struct sx_state *st, const char *name, int class, int type,
		     unsigned char *ans, int anslen, int *herr)
{
	unsigned char q[NS_PACKETSZ];
	int qn = res_mkquery(ns_o_query, name, class, type, NULL, 0, NULL, q, sizeof q);
	uint8_t *out = qn > 0 ? malloc(SX_DNS_REPLY_MAX) : NULL;
	if (!out) {
		*herr = qn > 0 ? NETDB_INTERNAL : NO_RECOVERY;
		return -1;
	}
	struct sockaddr_in ns = _res.nsaddr_list[0];
	bool pass = false;
	int n = sx_dns_intercept_answer(st, q, (size_t)qn, (struct sockaddr *)&ns, sizeof ns, false,
					out, SX_DNS_REPLY_MAX, &pass);
	if (n >= 12 && anslen > 0)
		memcpy(ans, out, (size_t)(n < anslen ? n : anslen));
	unsigned rcode = n >= 12 ? out[3] & 0xf : 0, ancount = n >= 12 ? out[6] << 8 | out[7] : 0;
	free(out);
	if (pass)
		return PASS;
	/* As libc's res_query: an error rcode or no answer is -1 with h_errno. */
	if (n < 12 || rcode != 0 || ancount == 0) {
		*herr = n < 12 || rcode == 2 || rcode == 5 ? TRY_AGAIN
			: rcode == 3			   ? HOST_NOT_FOUND
			: rcode == 0			   ? NO_DATA
							   : NO_RECOVERY;
		return -1;
	}
	return n < anslen ? n : anslen;
}

/* PASS, the reply's length, or -1 with *herr set (and the reply, if any, in ans). */
static int answer(const char *name, int class, int type, unsigned char *ans, int anslen, int *herr)
{
	const struct sx_state *st = sx_state();
	uint8_t addr[16];

	if (name && st->config.dns == SX_DNS_PROXY)
		return via_proxy(st, name, class, type, ans, anslen < 0 ? 0 : anslen, herr);
	if (!name || st->config.dns != SX_DNS_REMOTE)
		return PASS;
	if (!ans || anslen < 0)
		anslen = 0;
	int af = sx_dns_ptr_addr(name, addr);
	if (af > 0)
		return reverse(name, af, addr, class, type, ans, anslen, herr);

	int r = sx_fakename_lookup(st, name, type == T_AAAA ? 6 : 4, 0, addr);
	if (r == 0)
		return PASS;
	if (r < 0) {
		*herr = r == -ENOSPC	     ? TRY_AGAIN
			: r == -ENAMETOOLONG ? HOST_NOT_FOUND
					     : NO_RECOVERY;
		return -1;
	}
	if (class != C_IN || (type != T_A && type != T_AAAA)) {
		sx_log(SX_LOG_WARN,
		       "res_query %s class %d type %d: only A and AAAA of a proxied name are "
		       "answered; failing without asking DNS",
		       name, class, type);
		*herr = NO_RECOVERY;
		return -1;
	}
	struct sx_dns_query q;
	if (sx_dns_query_make(&q, 0, name, (uint16_t) class, (uint16_t)type) < 0) {
		*herr = NO_RECOVERY;
		return -1;
	}
	return reply_or_fail(sx_dns_reply_addrs(ans, (size_t)anslen, &q, addr, 1, FAKE_TTL), herr);
}

/* res_querydomain joins as glibc does (resolv/res_query.c); NULL: let libc report it. */
static const char *join(const char *name, const char *domain, char buf[NS_MAXDNAME])
{
	if (!name || !domain)
		return name;
	size_t n = strlen(name), d = strlen(domain);
	if (n + 1 + d > NS_MAXDNAME - 1)
		return NULL;
	memcpy(buf, name, n);
	buf[n] = '.';
	memcpy(buf + n + 1, domain, d + 1);
	return buf;
}

/* Every hook: the guard, the decision, libc inside the guard (its sockets are its own),
 * and h_errno (and the res_state's copy) set once at the end. */
#define HOOK(fn, statp, qname, class, type, ans, anslen, ...)                                      \
	sx_real_init();                                                                            \
	if (!sx_real.fn) {                                                                         \
		errno = ENOSYS;                                                                    \
		h_errno = NETDB_INTERNAL;                                                          \
		return -1;                                                                         \
	}                                                                                          \
	if (!sx_guard_enter()) {                                                                   \
		sx_guard_leave();                                                                  \
		return sx_real.fn(__VA_ARGS__);                                                    \
	}                                                                                          \
	int saved_ = errno, herr_ = 0;                                                             \
	int r_ = answer(qname, class, type, ans, anslen, &herr_);                                  \
	if (r_ == PASS) {                                                                          \
		errno = saved_;                                                                    \
		r_ = sx_real.fn(__VA_ARGS__);                                                      \
		sx_guard_leave();                                                                  \
		return r_;                                                                         \
	}                                                                                          \
	sx_guard_leave();                                                                          \
	if (r_ < 0) {                                                                              \
		h_errno = herr_;                                                                   \
		if (statp)                                                                         \
			((res_state)(statp))->res_h_errno = herr_;                                 \
	}                                                                                          \
	return r_;

EXPORT int res_query(const char *name, int class, int type, unsigned char *ans, int anslen)
{
	HOOK(resolv_query, NULL, name, class, type, ans, anslen, name, class, type, ans, anslen);
}

/* The name as given: a fake answer does not depend on search domains. */
EXPORT int res_search(const char *name, int class, int type, unsigned char *ans, int anslen)
{
	HOOK(resolv_search, NULL, name, class, type, ans, anslen, name, class, type, ans, anslen);
}

EXPORT int res_querydomain(const char *name, const char *domain, int class, int type,
			   unsigned char *ans, int anslen)
{
	char buf[NS_MAXDNAME];
	const char *full = join(name, domain, buf);
	HOOK(resolv_querydomain, NULL, full, class, type, ans, anslen, name, domain, class, type,
	     ans, anslen);
}

EXPORT int res_nquery(res_state statp, const char *name, int class, int type, unsigned char *ans,
		      int anslen)
{
	HOOK(resolv_nquery, statp, name, class, type, ans, anslen, statp, name, class, type, ans,
	     anslen);
}

EXPORT int res_nsearch(res_state statp, const char *name, int class, int type, unsigned char *ans,
		       int anslen)
{
	HOOK(resolv_nsearch, statp, name, class, type, ans, anslen, statp, name, class, type, ans,
	     anslen);
}

EXPORT int res_nquerydomain(res_state statp, const char *name, const char *domain, int class,
			    int type, unsigned char *ans, int anslen)
{
	char buf[NS_MAXDNAME];
	const char *full = join(name, domain, buf);
	HOOK(resolv_nquerydomain, statp, full, class, type, ans, anslen, statp, name, domain, class,
	     type, ans, anslen);
}

/* Programs built against glibc before 2.34 call these names (<resolv.h> then #defined
 * res_query to __res_query); they are the same functions at the same addresses in libc. */
EXPORT int __res_query(const char *, int, int, unsigned char *, int) __THROW
    __attribute__((alias("res_query")));
EXPORT int __res_search(const char *, int, int, unsigned char *, int) __THROW
    __attribute__((alias("res_search")));
EXPORT int __res_querydomain(const char *, const char *, int, int, unsigned char *, int) __THROW
    __attribute__((alias("res_querydomain")));
EXPORT int __res_nquery(res_state, const char *, int, int, unsigned char *, int) __THROW
    __attribute__((alias("res_nquery")));
EXPORT int __res_nsearch(res_state, const char *, int, int, unsigned char *, int) __THROW
    __attribute__((alias("res_nsearch")));
EXPORT int __res_nquerydomain(res_state, const char *, const char *, int, int, unsigned char *,
			      int) __THROW __attribute__((alias("res_nquerydomain")));
