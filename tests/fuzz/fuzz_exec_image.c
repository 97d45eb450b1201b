/* SPDX-License-Identifier: MIT */
/* core/exec_image on arbitrary files: every file the input names through LD_PRELOAD is
 * the input itself, so header offsets, counts and notes all come from the fuzzer. */
#include <errno.h>

#include "../../core/exec_image.h"
#include "fuzz.h"

static const uint8_t *file;
static size_t file_len;
static int reads;

static int fz_open(const char *path)
{
	(void)path;
	return 3;
}

static long fz_pread(int fd, void *buf, size_t len, uint64_t off)
{
	FZ_CHECK(fd == 3);
	reads++;
	if (off >= file_len)
		return 0;
	size_t n = file_len - off < len ? file_len - off : len;
	memcpy(buf, file + off, n);
	return (long)n;
}

static void fz_close(int fd)
{
	FZ_CHECK(fd == 3);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct sx_image_io io = {fz_open, fz_pread, fz_close};
	struct sx_image img;
	file = data;
	file_len = size;
	reads = 0;
	int r = sx_image_inspect(&io, 3, &img);
	FZ_CHECK(r == 0 || r == -ENOEXEC);
	FZ_CHECK(memchr(img.interp, '\0', sizeof img.interp) != NULL);
	FZ_CHECK(img.kind != SX_IMAGE_ELF || img.bits == 32 || img.bits == 64);
	FZ_CHECK(reads <= 2 + 256 + 256 + 2 * 1024 + 2); /* bounded work on hostile input */
	img.dynamic = true;
	img.kind = SX_IMAGE_ELF;
	(void)sx_image_preload_covers(&io, "/a/$LIB/libsocksify.so:/b/${LIB}/x/libsocksify.so",
				      &img);
	return 0;
}
