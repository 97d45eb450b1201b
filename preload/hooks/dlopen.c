/* SPDX-License-Identifier: MIT */
/* The dlopen() hook: RTLD_DEEPBIND would bind a library's connect() and getaddrinfo()
 * to libc ahead of our hooks, so its traffic would go direct and its lookups leak. */
#include <dlfcn.h>
#include <stddef.h>

#include "../base/guard.h"
#include "../base/init.h"
#include "../base/log.h"
#include "../base/real.h"

/* The real dlopen must be reached by a jump, not a call: glibc takes the caller's return
 * address to pick the link namespace and the DT_RUNPATH used to find the file. */
#if defined(__clang__)
#define TAIL __attribute__((musttail))
#define TAIL_FN
#else
#define TAIL
#define TAIL_FN __attribute__((optimize("optimize-sibling-calls")))
#endif

static int drop_deepbind(const char *file, int mode)
{
	if (sx_guard_enter()) {
		const struct sx_state *st = sx_state();
		(void)st;
		/* PHP and others pass it for every extension: a detail, not news. */
		sx_log(SX_LOG_DEBUG,
		       "dlopen %s: RTLD_DEEPBIND dropped so the library's "
		       "connections stay proxied",
		       file ? file : "(main program)");
	}
	sx_guard_leave();
	return mode & ~RTLD_DEEPBIND;
}

__attribute__((visibility("default"))) TAIL_FN void *dlopen(const char *file, int mode)
{
	sx_real_init();
	if (!sx_real.dlopen)
		return NULL;
	if (mode & RTLD_DEEPBIND)
		mode = drop_deepbind(file, mode);
	TAIL return sx_real.dlopen(file, mode);
}
