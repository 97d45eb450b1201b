/* SPDX-License-Identifier: MIT */
/* One formatted line per write(2), so lines from many processes do not interleave.
 * The log file is opened per line: a program that closes every fd cannot break it. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "real.h"

static enum sx_log_level log_level = SX_LOG_ERROR;
static char log_file[SX_PATH_MAX];

void sx_log_setup(enum sx_log_level level, const char *file)
{
	log_level = level;
	snprintf(log_file, sizeof log_file, "%s", file ? file : "");
}

bool sx_log_enabled(enum sx_log_level level)
{
	return level != SX_LOG_NONE && level <= log_level;
}

static const char *const level_names[] = {"", "error", "warn", "info", "debug"};

void sx_log(enum sx_log_level level, const char *fmt, ...)
{
	if (!sx_log_enabled(level))
		return;
	int saved_errno = errno;
	char line[1024];
	int n =
	    snprintf(line, sizeof line, "socksify[%d]: %s: ", (int)getpid(), level_names[level]);
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
	va_end(ap);
	size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
	if (len > sizeof line - 2)
		len = sizeof line - 2;
	line[len++] = '\n';

	int fd = 2;
	if (log_file[0]) {
		/* Non-blocking: a FIFO without a reader must not hang the program (ENXIO,
		 * so the line goes to stderr), nor a full one (the line is lost). */
		fd = open(log_file,
			  O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0600);
		if (fd < 0)
			fd = 2;
	}
	sx_real_init();
	ssize_t w = sx_real.write ? sx_real.write(fd, line, len) : -1;
	(void)w;
	if (fd != 2)
		sx_real.close(fd);
	errno = saved_errno;
}
