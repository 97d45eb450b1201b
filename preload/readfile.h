/* SPDX-License-Identifier: MIT */
/* Whole small files (config, /etc/hosts, /etc/resolv.conf) read into static buffers. */
#ifndef SX_PRELOAD_READFILE_H
#define SX_PRELOAD_READFILE_H

#include <stddef.h>
#include <sys/types.h>

/* The bytes read into buf (at most cap), 0 when the file does not exist, -errno
 * otherwise. */
ssize_t sx_read_file(const char *path, char *buf, size_t cap);

#endif
