/* SPDX-License-Identifier: MIT */
/* Would exec run a file in secure-execution mode, where the loader ignores LD_PRELOAD?
 * And file access for core's exec_image. Shared by socksify-check (the wrapper's check)
 * and the library's exec checks. */
#ifndef SX_CONFIG_CHECK_SECURE_EXEC_H
#define SX_CONFIG_CHECK_SECURE_EXEC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

/* NULL, or what makes it so ("is setuid", "is setgid", "has file capabilities"). path
 * may be a /proc/self/fd/N link. */
const char *sx_secure_exec(const char *path, const struct stat *st);

/* For struct sx_image_io (each caller adds its own close): open(2) read-only, giving
 * -errno on failure, and pread(2). */
int sx_exec_file_open(const char *path);
long sx_exec_file_pread(int fd, void *buf, size_t len, uint64_t off);

#endif
