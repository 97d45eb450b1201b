/* SPDX-License-Identifier: MIT */
/* Would exec run a file in secure-execution mode, where the loader ignores LD_PRELOAD?
 * Shared by socksify-check (the wrapper's check) and the library's exec checks. */
#ifndef SX_CONFIG_CHECK_SECURE_EXEC_H
#define SX_CONFIG_CHECK_SECURE_EXEC_H

#include <sys/stat.h>

/* NULL, or what makes it so ("is setuid", "is setgid", "has file capabilities"). path
 * may be a /proc/self/fd/N link. */
const char *sx_secure_exec(const char *path, const struct stat *st);

#endif
