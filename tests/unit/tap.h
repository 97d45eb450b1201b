/* SPDX-License-Identifier: MIT */
/* A tiny TAP producer for the unit tests: ok/not ok lines and a final plan. */
#ifndef SX_TAP_H
#define SX_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define TAP_OK(cond, ...)                                                                          \
	do {                                                                                       \
		int tap_c_ = !!(cond);                                                             \
		tap_n++;                                                                           \
		if (!tap_c_)                                                                       \
			tap_failed++;                                                              \
		printf("%s %d - ", tap_c_ ? "ok" : "not ok", tap_n);                               \
		printf(__VA_ARGS__);                                                               \
		printf("\n");                                                                      \
		if (!tap_c_)                                                                       \
			printf("#   failed at %s:%d: %s\n", __FILE__, __LINE__, #cond);            \
	} while (0)

#define TAP_IS(got, want, ...)                                                                     \
	do {                                                                                       \
		long long tap_g_ = (long long)(got), tap_w_ = (long long)(want);                   \
		TAP_OK(tap_g_ == tap_w_, __VA_ARGS__);                                             \
		if (tap_g_ != tap_w_)                                                              \
			printf("#   got %lld, want %lld\n", tap_g_, tap_w_);                       \
	} while (0)

#define TAP_MEM(got, want, len, ...) TAP_OK(memcmp((got), (want), (len)) == 0, __VA_ARGS__)
#define TAP_STR(got, want, ...)	     TAP_OK(strcmp((got), (want)) == 0, __VA_ARGS__)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
