/* SPDX-License-Identifier: MIT */
/* Strict mode's exec checks: a program that exec would run unsocksified (static, Go,
 * setuid, of a class no preloaded library fits, or with LD_PRELOAD dropped) is refused. */
/* Floor exec/: beside tcp/ and udp/, under hooks/; over base/ (and core's exec_image,
 * config's secure_exec) only. scripts/static-checks.sh enforces the floors. */
#ifndef SX_PRELOAD_EXEC_CHECK_H
#define SX_PRELOAD_EXEC_CHECK_H

/* Each returns 0 (run it) or -EACCES (refused, with one log line). Outside strict mode,
 * or inside the wrapper's network namespace, where the kernel stops what leaks (there a
 * refusal is only logged), always 0. envp NULL is an empty environment; argv tells what
 * a dynamic loader run as a command (ld.so PROGRAM) would load. */

/* execve, execv, posix_spawn: path as the kernel takes it (relative to the cwd). */
int sx_exec_check(const char *path, char *const argv[], char *const envp[]);

/* execveat and fexecve: path relative to dirfd, or dirfd itself with AT_EMPTY_PATH and "". */
int sx_exec_check_at(int dirfd, const char *path, int flags, char *const argv[],
		     char *const envp[]);

/* execvp, execvpe, posix_spawnp: file looked up in this process's PATH as glibc does. */
int sx_exec_check_search(const char *file, char *const argv[], char *const envp[]);

#endif
