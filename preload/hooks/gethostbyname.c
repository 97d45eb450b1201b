/* SPDX-License-Identifier: MIT */
/* The gethostbyname/gethostbyaddr families: proxied names answered from the fake-DNS
 * table (hostent built in the caller's buffer, or a thread-local one), others by libc. */
#include <errno.h>

#include "../base/guard.h"
#include "../base/real.h"
#include "../dns/hostent.h"

#define EXPORT __attribute__((visibility("default")))
#define PASS   SX_HOSTENT_PASS

/* For the non-_r forms: one result per thread, like libc's static one per process. */
static __thread struct {
	struct hostent he;
	char buf[2048]; /* room for an /etc/hosts line of names and addresses */
} tls;

#define ENTER(fail, fn, ...)                                                                       \
	sx_real_init();                                                                            \
	if (!sx_real.fn) {                                                                         \
		errno = ENOSYS;                                                                    \
		return fail;                                                                       \
	}                                                                                          \
	if (!sx_guard_enter()) {                                                                   \
		sx_guard_leave();                                                                  \
		return sx_real.fn(__VA_ARGS__);                                                    \
	}

/* libc with the guard set aside (a signal handler may jump out of its wait). */
#define PASS_OR_RETURN(r, fn, ...)                                                                 \
	do {                                                                                       \
		if ((r) == PASS) {                                                                 \
			__typeof__(sx_real.fn(__VA_ARGS__)) pr_ =                                  \
			    SX_UNGUARDED(sx_real.fn(__VA_ARGS__));                                 \
			sx_guard_leave();                                                          \
			return pr_;                                                                \
		}                                                                                  \
		sx_guard_leave();                                                                  \
	} while (0)

/* glibc's _r forms set h_errno as well as *herr (python reads h_errno). */
static void finish_r(int r, int herr, int saved)
{
	if (r)
		h_errno = herr;
	errno = r ? r : saved;
}

static struct hostent *finish_static(int r, struct hostent *res, int herr)
{
	if (r != 0) {
		h_errno = herr;
		if (r == ERANGE)
			errno = ERANGE;
		return NULL;
	}
	return res;
}

EXPORT int gethostbyname2_r(const char *name, int af, struct hostent *he, char *buf, size_t len,
			    struct hostent **result, int *herr)
{
	ENTER(ENOSYS, gethostbyname2_r, name, af, he, buf, len, result, herr)
	int saved = errno;
	int r = sx_hostent_by_name(name, af, he, buf, len, result, herr);
	PASS_OR_RETURN(r, gethostbyname2_r, name, af, he, buf, len, result, herr);
	finish_r(r, *herr, saved);
	return r;
}

EXPORT int gethostbyname_r(const char *name, struct hostent *he, char *buf, size_t len,
			   struct hostent **result, int *herr)
{
	ENTER(ENOSYS, gethostbyname_r, name, he, buf, len, result, herr)
	int saved = errno;
	int r = sx_hostent_by_name(name, AF_INET, he, buf, len, result, herr);
	PASS_OR_RETURN(r, gethostbyname_r, name, he, buf, len, result, herr);
	finish_r(r, *herr, saved);
	return r;
}

EXPORT struct hostent *gethostbyname2(const char *name, int af)
{
	ENTER(NULL, gethostbyname2, name, af)
	struct hostent *res = NULL;
	int herr = 0;
	int r = sx_hostent_by_name(name, af, &tls.he, tls.buf, sizeof tls.buf, &res, &herr);
	PASS_OR_RETURN(r, gethostbyname2, name, af);
	return finish_static(r, res, herr);
}

EXPORT struct hostent *gethostbyname(const char *name)
{
	ENTER(NULL, gethostbyname, name)
	struct hostent *res = NULL;
	int herr = 0;
	int r = sx_hostent_by_name(name, AF_INET, &tls.he, tls.buf, sizeof tls.buf, &res, &herr);
	PASS_OR_RETURN(r, gethostbyname, name);
	return finish_static(r, res, herr);
}

EXPORT int gethostbyaddr_r(const void *addr, socklen_t alen, int type, struct hostent *he,
			   char *buf, size_t len, struct hostent **result, int *herr)
{
	ENTER(ENOSYS, gethostbyaddr_r, addr, alen, type, he, buf, len, result, herr)
	int saved = errno;
	int r = sx_hostent_by_addr(addr, alen, type, he, buf, len, result, herr);
	PASS_OR_RETURN(r, gethostbyaddr_r, addr, alen, type, he, buf, len, result, herr);
	finish_r(r, *herr, saved);
	return r;
}

EXPORT struct hostent *gethostbyaddr(const void *addr, socklen_t alen, int type)
{
	ENTER(NULL, gethostbyaddr, addr, alen, type)
	struct hostent *res = NULL;
	int herr = 0;
	int r = sx_hostent_by_addr(addr, alen, type, &tls.he, tls.buf, sizeof tls.buf, &res, &herr);
	PASS_OR_RETURN(r, gethostbyaddr, addr, alen, type);
	return finish_static(r, res, herr);
}
