/* SPDX-License-Identifier: MIT */
/* posix_spawn and posix_spawnp (also what glibc's system() and popen() use, internally,
 * but they start /bin/sh, whose own exec is checked): in strict mode the program is
 * checked in the parent, before any child exists. They return the error, not -1. */
#include <errno.h>
#include <spawn.h>
#include <stddef.h>

#include "../base/real.h"
#include "../exec/exec_check.h"

__attribute__((visibility("default"))) int posix_spawn(pid_t *pid, const char *path,
						       const posix_spawn_file_actions_t *actions,
						       const posix_spawnattr_t *attr,
						       char *const argv[], char *const envp[])
{
	sx_real_init();
	int r = sx_exec_check(path, argv, envp);
	if (r < 0)
		return -r;
	return sx_real.posix_spawn ? sx_real.posix_spawn(pid, path, actions, attr, argv, envp)
				   : ENOSYS;
}

__attribute__((visibility("default"))) int posix_spawnp(pid_t *pid, const char *file,
							const posix_spawn_file_actions_t *actions,
							const posix_spawnattr_t *attr,
							char *const argv[], char *const envp[])
{
	sx_real_init();
	int r = sx_exec_check_search(file, argv, envp);
	if (r < 0)
		return -r;
	return sx_real.posix_spawnp ? sx_real.posix_spawnp(pid, file, actions, attr, argv, envp)
				    : ENOSYS;
}
