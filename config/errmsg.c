/* SPDX-License-Identifier: MIT */
/* sx_config_fail: the message, and -EINVAL, every config setter returns on bad input. */
#include "errmsg.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

int sx_config_fail(char *msg, size_t n, const char *fmt, ...)
{
	va_list ap;

	if (msg && n) {
		va_start(ap, fmt);
		vsnprintf(msg, n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}
