/* SPDX-License-Identifier: MIT */
/* glibc's asynchronous resolver (getaddrinfo_a, gai_suspend, gai_error, gai_cancel),
 * answered by dns/gai_batch.c through the same answers as getaddrinfo(). */
#include <errno.h>

#include "../base/real.h"
#include "../dns/gai_batch.h"

#define EXPORT __attribute__((visibility("default")))

EXPORT int getaddrinfo_a(int mode, struct gaicb *list[], int nitems, struct sigevent *sevp)
{
	sx_real_init();
	if ((mode != GAI_WAIT && mode != GAI_NOWAIT) || nitems < 0 || !sx_real.syscall) {
		errno = EINVAL;
		return EAI_SYSTEM;
	}
	return sx_gai_batch_submit(mode, list, nitems, sevp);
}

EXPORT int gai_suspend(const struct gaicb *const list[], int nitems, const struct timespec *timeout)
{
	sx_real_init();
	if (!sx_real.syscall) {
		errno = ENOSYS;
		return EAI_SYSTEM;
	}
	return sx_gai_batch_suspend(list, nitems, timeout);
}

EXPORT int gai_error(struct gaicb *req)
{
	return __atomic_load_n(&req->__return, __ATOMIC_ACQUIRE);
}

EXPORT int gai_cancel(struct gaicb *req)
{
	return sx_gai_batch_cancel(req);
}
