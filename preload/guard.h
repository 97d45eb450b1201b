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

#endif
