/* SPDX-License-Identifier: MIT */
/* Can a program be socksified at all? Not when it is static (no loader), of the other
 * ELF class, or run in secure-execution mode, where the loader ignores LD_PRELOAD. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../core/exec_image.h"
#include "check.h"
#include "secure_exec.h"

static void close_fd(int fd)
{
	close(fd);
}

/* The kernel ignores set-ID bits and file capabilities on a #! script: those of its
 * interpreter count, as does the rest of its check. */
static int secure_problem(const char *path, const struct stat *st)
{
	const char *why = sx_secure_exec(path, st);
	if (why && !sx_check_quiet)
		fprintf(stderr,
			"socksify: warning: %s %s: the loader ignores LD_PRELOAD, its "
			"connections would not be proxied\n",
			path, why);
	return why != NULL;
}

static int check_program(const char *path, const char *ld_preload, int depth)
{
	static const struct sx_image_io io = {sx_exec_file_open, sx_exec_file_pread, close_fd};
	struct stat st;
	if (stat(path, &st) < 0) {
		fprintf(stderr, "socksify: %s: %s\n", path, strerror(errno));
		return 0; /* exec will report it */
	}
	int fd = sx_exec_file_open(path);
	if (fd < 0)
		return secure_problem(path, &st);
	struct sx_image img;
	int r = sx_image_inspect(&io, fd, &img);
	close(fd);
	if (r == 0 && img.kind == SX_IMAGE_SCRIPT)
		return img.interp[0] && depth < 4 ? check_program(img.interp, ld_preload, depth + 1)
						  : 0; /* deeper, the kernel refuses it (ELOOP) */
	int problems = secure_problem(path, &st);
	if (r < 0 || img.kind != SX_IMAGE_ELF)
		return problems;
	if (img.go) { /* the wrapper tells what it does about it (isolation, HTTP_PROXY) */
		printf("go\n");
		return problems + 1;
	}
	/* Told even with -q: nothing else says that the program's traffic goes direct. */
	if (!img.dynamic) {
		fprintf(stderr,
			"socksify: warning: %s is statically linked (Go programs often "
			"are): LD_PRELOAD cannot reach it, its connections would not be "
			"proxied\n",
			path);
		return problems + 1;
	}
	if (!sx_image_native(&img) && !sx_image_preload_covers(&io, ld_preload, &img)) {
		if (!sx_check_quiet)
			fprintf(
			    stderr,
			    "socksify: warning: %s is a %u-bit program and no libsocksify.so of "
			    "its class is installed: its connections would not be proxied\n",
			    path, img.bits);
		problems++;
	}
	return problems;
}

int sx_check_program(const char *path, const char *ld_preload)
{
	return check_program(path, ld_preload, 0);
}
