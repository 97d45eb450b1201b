/* SPDX-License-Identifier: MIT */
/* getaddrinfo_a()'s batches: each request answered at once or by a thread of its own. */
#ifndef SX_PRELOAD_GAI_BATCH_H
#define SX_PRELOAD_GAI_BATCH_H

#include <netdb.h>
#include <signal.h>
#include <time.h>

/* getaddrinfo_a() once its arguments are valid (mode GAI_WAIT or GAI_NOWAIT, nitems >= 0)
 * and sx_real.syscall is resolved. */
int sx_gai_batch_submit(int mode, struct gaicb *list[], int nitems, struct sigevent *sevp);
/* gai_suspend() and gai_cancel(), with sx_real.syscall resolved for the former. */
int sx_gai_batch_suspend(const struct gaicb *const list[], int nitems,
			 const struct timespec *timeout);
int sx_gai_batch_cancel(struct gaicb *req);

#endif
