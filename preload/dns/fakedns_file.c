/* SPDX-License-Identifier: MIT */
/* Opens, checks, locks, sets up and maps a table file. A shared mapping of a tmpfs file
 * raises SIGBUS on a page its file system has no room for, so every byte is reserved
 * (posix_fallocate, MADV_POPULATE_WRITE) before it is first touched. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../base/real.h"
#include "fakedns_file.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#define LOCK_TRIES  2000 /* 1 ms apart; others hold the exclusive lock for microseconds */
#define GROW_BYTES  (64u * 1024u)
#define FIRST_NAMES 240u /* names whose slots set-up reserves along with the index */

static size_t page_up(size_t n)
{
	return (n + SX_TABLE_HDR_PAGE - 1) & ~(size_t)(SX_TABLE_HDR_PAGE - 1);
}

static void sleep_1ms(void)
{
	struct timespec ts = {.tv_sec = 0, .tv_nsec = 1000000};
	nanosleep(&ts, NULL);
}

/* Walks an absolute path one component at a time, so that no component may be a
 * symlink (O_NOFOLLOW alone checks only the last one). The file is never created: a
 * table that was removed stays removed. */
static int open_nofollow(const char *path, const char **why)
{
	char comp[256];
	if (path[0] != '/') {
		*why = "not an absolute path";
		return -EINVAL;
	}
	int dir = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	const char *p = path;
	while (dir >= 0) {
		while (*p == '/')
			p++;
		size_t n = strcspn(p, "/");
		if (n == 0 || n >= sizeof comp || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.')) {
			sx_real.close(dir);
			*why = "not a plain path";
			return -EINVAL;
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		p += n;
		bool last = strspn(p, "/") == strlen(p);
		int fd = last ? openat(dir, comp,
				       O_RDWR | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
			      : openat(dir, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int e = errno;
		sx_real.close(dir);
		if (fd < 0) {
			*why = e == ELOOP || e == ENOTDIR ? "a symlink in the path" : strerror(e);
			return -e;
		}
		if (last)
			return fd;
		dir = fd;
	}
	*why = strerror(errno);
	return -errno;
}

/* Only our own regular file, that nobody else can write, holding a table, the start
 * of one, or nothing yet. */
static bool file_is_ours(int fd, const struct stat *st, const char **why)
{
	if (!S_ISREG(st->st_mode) || st->st_uid != geteuid() || st->st_nlink != 1 ||
	    (st->st_mode & (S_IWGRP | S_IWOTH))) {
		*why = "not a regular file of this user's that only they can write";
		return false;
	}
	if (st->st_size == 0)
		return true;
	uint32_t head[16];
	if (pread(fd, head, sizeof head, 0) != (ssize_t)sizeof head) {
		*why = "not a fake DNS table";
		return false;
	}
	static const uint32_t zero[16];
	if (head[0] == SX_TABLE_MAGIC || !memcmp(head, zero, sizeof head))
		return true;
	*why = "not a fake DNS table (it is left unchanged)";
	return false;
}

int sx_fakedns_file_init(struct sx_table_hdr *h, size_t size, const struct sx_fakedns_cfg *cfg)
{
	atomic_store(&h->lock, 0);
	int r = -sx_fakedns_init((char *)h + SX_TABLE_HDR_PAGE, size - SX_TABLE_HDR_PAGE, cfg);
	if (r == 0)
		atomic_store(&h->state, SX_TABLE_READY);
	return -r;
}

/* With the exclusive lock: nobody maps the file, so it is laid out anew (a creator
 * killed half-way left it unusable, not in use). */
static int set_up(int fd, const struct sx_fakedns_cfg *cfg, size_t *size_out)
{
	unsigned cap = sx_fakedns_capacity(cfg);
	size_t size = SX_TABLE_HDR_PAGE + sx_fakedns_size(cap);
	size_t first = page_up(SX_TABLE_HDR_PAGE + sx_fakedns_size_used(cap, FIRST_NAMES));
	struct sx_table_hdr start = {
	    .magic = SX_TABLE_MAGIC, .version = SX_TABLE_VERSION, .state = SX_TABLE_SETUP};
	if (cap == 0)
		return -EINVAL;
	if (first > size)
		first = size;
	if (ftruncate(fd, 0) < 0 || ftruncate(fd, (off_t)size) < 0 ||
	    pwrite(fd, &start, sizeof start, 0) != (ssize_t)sizeof start)
		return -errno;
	int r = posix_fallocate(fd, 0, (off_t)first);
	void *m = r ? MAP_FAILED : mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		/* Give the space back; the empty file is set up by the next process. */
		if (ftruncate(fd, 0) < 0)
			r = r ? r : errno;
		return r ? -r : -ENOMEM;
	}
	struct sx_table_hdr *h = m;
	/* Growth needs MADV_POPULATE_WRITE (Linux 5.14); without it reserve everything now. */
	if (madvise(m, SX_TABLE_HDR_PAGE, MADV_POPULATE_WRITE) < 0 && errno == EINVAL) {
		r = posix_fallocate(fd, 0, (off_t)size);
		first = size;
	}
	h->size = (uint32_t)size;
	atomic_store(&h->reserved, (uint32_t)first);
	if (r == 0)
		r = sx_fakedns_file_init(h, size, cfg);
	else
		r = -r;
	munmap(m, size);
	if (r < 0 && ftruncate(fd, 0) < 0)
		return -errno;
	*size_out = size;
	return r;
}

static bool ready(int fd, size_t *size)
{
	struct sx_table_hdr h;
	struct stat st;
	if (pread(fd, &h, sizeof h, 0) != (ssize_t)sizeof h || fstat(fd, &st) < 0)
		return false;
	*size = h.size;
	return h.magic == SX_TABLE_MAGIC && h.version == SX_TABLE_VERSION &&
	       h.state == SX_TABLE_READY && h.size > SX_TABLE_HDR_PAGE &&
	       (off_t)h.size == st.st_size && h.reserved <= h.size;
}

/* Ends holding a shared lock on a ready table, or fails. */
static int join(int fd, const struct sx_fakedns_cfg *cfg, size_t *size, const char **why)
{
	for (int i = 0; i < LOCK_TRIES; i++, sleep_1ms()) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			if (!ready(fd, size)) {
				int r = set_up(fd, cfg, size);
				if (r < 0) {
					flock(fd, LOCK_UN);
					*why = strerror(-r);
					return r;
				}
			}
			/* Not atomic: someone may take it in between, so look again. */
			if (flock(fd, LOCK_SH | LOCK_NB) == 0 && ready(fd, size))
				return 0;
		} else if (flock(fd, LOCK_SH | LOCK_NB) == 0 && ready(fd, size)) {
			return 0;
		}
		flock(fd, LOCK_UN);
	}
	*why = "busy";
	return -EBUSY;
}

struct sx_table_hdr *sx_fakedns_file_map(const char *path, const struct sx_fakedns_cfg *cfg,
					 size_t *size, enum sx_table_err *err, const char **why)
{
	int fd = open_nofollow(path, why);
	if (fd < 0) {
		*err = fd == -ENOENT ? SX_TABLE_GONE : SX_TABLE_REFUSED;
		return NULL;
	}
	struct stat st;
	struct sx_table_hdr *h = NULL;
	*err = SX_TABLE_REFUSED;
	if (fstat(fd, &st) < 0 || !file_is_ours(fd, &st, why))
		goto out;
	int r = join(fd, cfg, size, why);
	if (r < 0) {
		*err = r == -ENOSPC ? SX_TABLE_NOSPACE : SX_TABLE_REFUSED;
		goto out;
	}
	/* The clean-up removes a table only under the exclusive lock: a table removed
	 * before we had ours is gone, however it looks. */
	if (fstat(fd, &st) < 0 || st.st_nlink == 0) {
		*err = SX_TABLE_GONE;
		*why = "removed";
		goto out;
	}
	void *m = mmap(NULL, *size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		*why = strerror(errno);
		goto out;
	}
	h = m;
	if (!sx_fakedns_valid((char *)m + SX_TABLE_HDR_PAGE, *size - SX_TABLE_HDR_PAGE)) {
		munmap(m, *size);
		h = NULL;
		*why = "not a valid fake DNS table";
	}
out:
	/* The lock stays: it belongs to the open file, which the mapping keeps open. */
	sx_real.close(fd);
	return h;
}

int sx_fakedns_file_reserve(struct sx_table_hdr *h, unsigned names)
{
	unsigned cap = sx_fakedns_capacity_of((char *)h + SX_TABLE_HDR_PAGE);
	size_t need = SX_TABLE_HDR_PAGE + sx_fakedns_size_used(cap, names + 1);
	size_t have = atomic_load(&h->reserved);
	if (need <= have)
		return 0;
	size_t from = have & ~(size_t)(SX_TABLE_HDR_PAGE - 1);
	size_t to = page_up(need) + GROW_BYTES;
	if (to > h->size)
		to = h->size;
	/* Faults in only pages the next names are written to anyway. */
	if (madvise((char *)h + from, to - from, MADV_POPULATE_WRITE) < 0)
		return -ENOSPC;
	atomic_store(&h->reserved, (uint32_t)to);
	return 0;
}
