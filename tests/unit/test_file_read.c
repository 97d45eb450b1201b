/* SPDX-License-Identifier: MIT */
/* config/file_read: the read loop over short reads, EINTR, an error, the cap (cut or
 * -EFBIG), and the kinds of file that may be read. */
#include <errno.h>
#include <sys/sysmacros.h>

#include "../../config/file_read.h"
#include "tap.h"

/* A fake file: its text handed out at most `step` bytes a read, with one -EINTR first
 * and -EIO at `fail_at` (if set). */
static const char *file_text;
static size_t file_len, file_off, step, fail_at;
static int interrupted;

static ssize_t fake_read(int fd, void *buf, size_t n)
{
	(void)fd;
	if (!interrupted++)
		return -EINTR;
	if (fail_at && file_off >= fail_at)
		return -EIO;
	size_t left = file_len - file_off;
	if (n > left)
		n = left;
	if (n > step)
		n = step;
	memcpy(buf, file_text + file_off, n);
	file_off += n;
	return (ssize_t)n;
}

static ssize_t read_fake(const char *text, size_t by, size_t fail, char *buf, size_t cap,
			 bool whole)
{
	file_text = text;
	file_len = strlen(text);
	file_off = 0;
	step = by;
	fail_at = fail;
	interrupted = 0;
	return sx_file_read(3, fake_read, buf, cap, whole);
}

int main(void)
{
	char buf[16];
	TAP_IS(read_fake("server x\n", 1, 0, buf, sizeof buf, true), 9, "one byte a read");
	TAP_MEM(buf, "server x\n", 9, "the text, in order");
	TAP_IS(read_fake("", 4, 0, buf, sizeof buf, true), 0, "an empty file");
	TAP_IS(read_fake("0123456789abcdef", 5, 0, buf, sizeof buf, true), 16,
	       "exactly cap bytes is whole");
	TAP_IS(read_fake("0123456789abcdefg", 5, 0, buf, sizeof buf, true), -EFBIG,
	       "one byte past cap: -EFBIG");
	TAP_IS(read_fake("0123456789abcdefg", 5, 0, buf, sizeof buf, false), 16,
	       "without whole: the first cap bytes");
	TAP_IS(read_fake("0123456789", 3, 6, buf, sizeof buf, true), -EIO, "an error is returned");

	struct stat st = {.st_mode = S_IFREG | 0600};
	TAP_IS(sx_file_kind(&st), 1, "a regular file");
	st = (struct stat){.st_mode = S_IFCHR | 0666, .st_rdev = makedev(1, 3)};
	TAP_IS(sx_file_kind(&st), 0, "/dev/null: no file");
	st.st_rdev = makedev(1, 5);
	TAP_IS(sx_file_kind(&st), -EINVAL, "another device");
	st = (struct stat){.st_mode = S_IFIFO | 0600};
	TAP_IS(sx_file_kind(&st), -EINVAL, "a FIFO");
	st = (struct stat){.st_mode = S_IFDIR | 0700};
	TAP_IS(sx_file_kind(&st), -EISDIR, "a directory");
	return tap_done();
}
