/* SPDX-License-Identifier: MIT */
/* Shared by the benchmark clients: a monotonic clock, argument parsing that fails loudly,
 * and the CPU time the process (and so any preloaded shim in it) has spent. */
#ifndef SX_BENCH_H
#define SX_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static inline long arg_num(const char *s, long lo, long hi)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*end || end == s || v < lo || v > hi) {
		fprintf(stderr, "bench: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

#endif
