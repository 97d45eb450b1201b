/* SPDX-License-Identifier: MIT */
/* The res_query family (libc since glibc 2.34): in remote and proxy mode the question is
 * built into a query and answered as one the program sent itself would be (res_send.c,
 * dns_intercept.c): fake addresses and names from the table, other questions through
 * the proxy to the upstream server. Local names and local mode go to libc. */
#include <arpa/nameser.h>
#include <errno.h>
#include <netdb.h>
#include <resolv.h>
#include <string.h>

#include "../base/guard.h"
#include "../base/real.h"
#include "../dns/res_answer.h"

#define EXPORT __attribute__((visibility("default")))
#define PASS   SX_RES_PASS

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

/* Every hook: the guard, the decision, libc with the guard set aside (a signal handler
 * may jump out of its wait; its sockets are its own, not through our hooks),
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
	int r_ = sx_res_query_answer((res_state)(statp), qname, class, type, ans, anslen, &herr_); \
	if (r_ == PASS) {                                                                          \
		errno = saved_;                                                                    \
		r_ = SX_UNGUARDED(sx_real.fn(__VA_ARGS__));                                        \
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
