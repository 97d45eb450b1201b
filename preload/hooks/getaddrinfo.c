/* SPDX-License-Identifier: MIT */
/* The getaddrinfo() hook: the guard, then dns/addrinfo.c's answer or libc's. */
#include <errno.h>

#include "../base/guard.h"
#include "../base/real.h"
#include "../dns/addrinfo.h"
#include "getaddrinfo.h"

#define PASS SX_GAI_WAITS /* "ask libc" */

int sx_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
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

__attribute__((visibility("default"))) int getaddrinfo(const char *node, const char *service,
						       const struct addrinfo *hints,
						       struct addrinfo **res)
{
	return sx_getaddrinfo(node, service, hints, res);
}
