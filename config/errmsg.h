/* SPDX-License-Identifier: MIT */
/* The config parsers' one way to fail: a message into the caller's buffer, -EINVAL back. */
#ifndef SX_CONFIG_ERRMSG_H
#define SX_CONFIG_ERRMSG_H

#include <stddef.h>

/* Formats into msg (when msg and n are non-zero) and returns -EINVAL. */
__attribute__((format(printf, 3, 4))) int sx_config_fail(char *msg, size_t n, const char *fmt, ...);

#endif
