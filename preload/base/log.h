/* SPDX-License-Identifier: MIT */
/* Diagnostics to stderr or SOCKSIFY_LOG_FILE; never stdout, never credentials. */
#ifndef SX_PRELOAD_LOG_H
#define SX_PRELOAD_LOG_H

#include "../../config/config.h"

void sx_log(enum sx_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Set once at init; before that only errors are written. */
void sx_log_setup(enum sx_log_level level, const char *file);
bool sx_log_enabled(enum sx_log_level level);

#endif
