/* SPDX-License-Identifier: MIT */
/* res_send()/res_nsend(): a query the program built itself goes to glibc's resolver,
 * whose sockets our hooks never see. In remote and proxy mode it is answered exactly as
 * an intercepted datagram would be (dns_intercept.c); local behaviour goes to libc. */
#include <errno.h>
#include <netdb.h>
#include <resolv.h>

#include "../base/guard.h"
#include "../base/real.h"
#include "../dns/res_answer.h"

#define EXPORT __attribute__((visibility("default")))
#define PASS   SX_RES_PASS

/* res_nsend(), for res_send() too: no call of ours goes back through an exported name. */
static int nsend(res_state statp, const unsigned char *msg, int len, unsigned char *ans, int anslen)
{
	sx_real_init();
	if (!sx_real.resolv_nsend) {
		errno = ENOSYS;
		return -1;
	}
	if (!sx_guard_enter()) {
		sx_guard_leave();
		return sx_real.resolv_nsend(statp, msg, len, ans, anslen);
	}
	int saved = errno;
	int r = statp ? sx_res_answer(statp, msg, len, ans, anslen) : PASS;
	if (r == PASS) {
		errno = saved;
		r = SX_UNGUARDED(sx_real.resolv_nsend(statp, msg, len, ans, anslen));
	}
	sx_guard_leave();
	return r;
}

EXPORT int res_nsend(res_state statp, const unsigned char *msg, int len, unsigned char *ans,
		     int anslen)
{
	return nsend(statp, msg, len, ans, anslen);
}

EXPORT int res_send(const unsigned char *msg, int len, unsigned char *ans, int anslen)
{
	/* res_send() is res_nsend() on this thread's _res, initialised on first use. */
	if (!(_res.options & RES_INIT) && res_init() < 0)
		return -1;
	return nsend(&_res, msg, len, ans, anslen);
}

/* Programs built against glibc before 2.34 call these names. */
EXPORT int __res_send(const unsigned char *, int, unsigned char *, int) __THROW
    __attribute__((alias("res_send")));
EXPORT int __res_nsend(res_state, const unsigned char *, int, unsigned char *, int) __THROW
    __attribute__((alias("res_nsend")));
