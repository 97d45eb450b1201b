/* SPDX-License-Identifier: MIT */
/* Reading a whole small file, without doing the I/O: which kinds of file may be read (from
 * their stat) and the read loop over the caller's read function, so that the library and
 * socksify-check read their files alike. */
#ifndef SX_CONFIG_FILE_READ_H
#define SX_CONFIG_FILE_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/* 1 for a regular file, 0 for /dev/null (the usual way to say "no file"), -EISDIR for a
 * directory, -EINVAL for any other kind (a FIFO, a device: reading one could hang). */
int sx_file_kind(const struct stat *st);

/* Bytes read into buf, 0 at the end of the file, or -errno. */
typedef ssize_t (*sx_file_read_fn)(int fd, void *buf, size_t n);

/* fd read to its end into buf (-EINTR retried): the bytes read, or -errno. With whole, a
 * file longer than cap is -EFBIG (a setting past a cut must not be lost); without, its
 * first cap bytes. */
ssize_t sx_file_read(int fd, sx_file_read_fn read_fn, char *buf, size_t cap, bool whole);

#endif
