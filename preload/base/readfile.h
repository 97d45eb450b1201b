/* SPDX-License-Identifier: MIT */
/* Whole small files (config, /etc/hosts, /etc/resolv.conf) read into static buffers. */
#ifndef SX_PRELOAD_READFILE_H
#define SX_PRELOAD_READFILE_H

#include <stddef.h>
#include <sys/types.h>

/* The first bytes (at most cap) of a regular file read into buf; 0 when the file does not
 * exist or is /dev/null; -EISDIR, -EINVAL for any other kind of file (a FIFO, a device),
 * or -errno. */
ssize_t sx_read_file(const char *path, char *buf, size_t cap);
/* The same, but a file longer than cap is -EFBIG: a setting past a cut must not be lost. */
ssize_t sx_read_whole_file(const char *path, char *buf, size_t cap);

#endif
