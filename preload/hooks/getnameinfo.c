/* SPDX-License-Identifier: MIT */
/* The getnameinfo() hook: the guard, then dns/nameinfo.c's answer or libc's. */
#include <errno.h>

#include "../base/guard.h"
#include "../base/real.h"
#include "../dns/nameinfo.h"

#define PASS SX_NAMEINFO_PASS

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
	int r = sx_nameinfo_answer(sa, salen, host, hostlen, serv, servlen, flags);
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
