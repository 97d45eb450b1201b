/* SPDX-License-Identifier: MIT */
/* Re-entrancy guard: a call made while the shim is already working on this thread
 * (from c-ares, from init, from a log write) goes straight to libc. */
#ifndef SX_PRELOAD_GUARD_H
#define SX_PRELOAD_GUARD_H

#include <stdbool.h>

extern __thread int sx_guard_depth __attribute__((tls_model("initial-exec"), visibility("hidden")));

static inline bool sx_guard_enter(void)
{
	return sx_guard_depth++ == 0;
}

static inline void sx_guard_leave(void)
{
	sx_guard_depth--;
}

/* Around a call that can block (a wait on the proxy, libc's resolver): a signal handler
 * that runs meanwhile is the program's and takes the hooks, and one that siglongjmps out
 * leaves the guard down rather than raised for good. Hold no lock of ours across it. */
static inline int sx_guard_aside(void)
{
	int depth = sx_guard_depth;
	sx_guard_depth = 0;
	return depth;
}

static inline void sx_guard_restore(int depth)
{
	sx_guard_depth = depth;
}

/* call, evaluated with the guard set aside. */
#define SX_UNGUARDED(call)                                                                         \
	({                                                                                         \
		int sx_depth_ = sx_guard_aside();                                                  \
		__typeof__(call) sx_r_ = (call);                                                   \
		sx_guard_restore(sx_depth_);                                                       \
		sx_r_;                                                                             \
	})

#endif
