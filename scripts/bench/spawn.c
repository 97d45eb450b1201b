/* SPDX-License-Identifier: MIT */
/* Load cost: spawns PROG N times with LD_PRELOAD=LIB in the child only (the spawner itself
 * stays clean) and prints the mean microseconds per spawn+exit. */
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

extern char **environ;

int main(int argc, char **argv)
{
	static char *envp[512];
	static char pre[4096];
	size_t n = 0;

	if (argc < 4) {
		fputs("usage: spawn LIB|- N PROG [ARGS...]\n", stderr);
		return 2;
	}
	long count = arg_num(argv[2], 1, 1000000);

	for (char **e = environ; *e && n < 510; e++)
		if (strncmp(*e, "LD_PRELOAD=", 11) != 0)
			envp[n++] = *e;
	if (strcmp(argv[1], "-") != 0) {
		snprintf(pre, sizeof(pre), "LD_PRELOAD=%s", argv[1]);
		envp[n++] = pre;
	}
	envp[n] = NULL;

	double t0 = now_s();
	for (long i = 0; i < count; i++) {
		pid_t pid;
		int st;

		if (posix_spawn(&pid, argv[3], NULL, NULL, argv + 3, envp) != 0) {
			perror("posix_spawn");
			return 1;
		}
		if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			fprintf(stderr, "spawn: %s failed\n", argv[3]);
			return 1;
		}
	}
	printf("%.1f\n", (now_s() - t0) / (double)count * 1e6);
	return 0;
}
