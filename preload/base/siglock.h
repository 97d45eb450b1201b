/* SPDX-License-Identifier: MIT */
/* A small lock that is fork-safe and that a signal handler interrupting its own thread's
 * hold never waits for (taking it then fails): for tables held for O(1) work. */
#ifndef SX_PRELOAD_SIGLOCK_H
#define SX_PRELOAD_SIGLOCK_H

#include <pthread.h>
#include <stdbool.h>

/* Defines static NAME_lock() (false: held by this thread already) and NAME_unlock(). */
#define SX_SIGLOCK_DEFINE(NAME)                                                                    \
	static pthread_mutex_t NAME##_mu = PTHREAD_MUTEX_INITIALIZER;                              \
	static __thread bool NAME##_held __attribute__((tls_model("initial-exec")));               \
	static pthread_once_t NAME##_once = PTHREAD_ONCE_INIT;                                     \
	static void NAME##_prepare(void)                                                           \
	{                                                                                          \
		pthread_mutex_lock(&NAME##_mu);                                                    \
	}                                                                                          \
	static void NAME##_release(void)                                                           \
	{                                                                                          \
		pthread_mutex_unlock(&NAME##_mu);                                                  \
	}                                                                                          \
	static void NAME##_atfork(void)                                                            \
	{                                                                                          \
		pthread_atfork(NAME##_prepare, NAME##_release, NAME##_release);                    \
	}                                                                                          \
	static bool NAME##_lock(void)                                                              \
	{                                                                                          \
		if (NAME##_held)                                                                   \
			return false;                                                              \
		pthread_once(&NAME##_once, NAME##_atfork);                                         \
		pthread_mutex_lock(&NAME##_mu);                                                    \
		NAME##_held = true;                                                                \
		return true;                                                                       \
	}                                                                                          \
	static void NAME##_unlock(void)                                                            \
	{                                                                                          \
		NAME##_held = false;                                                               \
		pthread_mutex_unlock(&NAME##_mu);                                                  \
	}

#endif
