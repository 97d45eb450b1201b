/* SPDX-License-Identifier: MIT */
/* socksify --check writes what it learned about pipelining to the cache the library
 * reads: the same file, the same care (0600, no symlinks followed, an atomic rename). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "probe.h"

static const char *env_get(const char *name)
{
	return getenv(name);
}

/* The cache directory, made 0700 with its parent if missing, and only if it is ours. */
static int open_cache_dir(const char *dir)
{
	char parent[SX_PATH_MAX];
	snprintf(parent, sizeof parent, "%s", dir);
	char *slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		*slash = '\0';
		mkdir(parent, 0700);
	}
	mkdir(dir, 0700);
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	if (dfd >= 0 && (fstat(dfd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 022))) {
		close(dfd);
		dfd = -1;
	}
	return dfd;
}

bool sx_check_remember_pipeline(const struct sx_config *c, enum sx_pcache_verdict v)
{
	static char text[SX_PCACHE_FILE_MAX], out[SX_PCACHE_FILE_MAX];
	char dir[SX_PATH_MAX], path[SX_PATH_MAX + 16], tmp[64];
	if (sx_pcache_dir(dir, sizeof dir, env_get) < 0)
		return false;
	snprintf(path, sizeof path, "%s/%s", dir, SX_PCACHE_FILE);
	size_t len = 0;
	struct stat st;
	if (sx_check_read_file(path, text, sizeof text, &len, &st) < 0)
		len = 0;
	int n = sx_pcache_update(text, len, c->proxy.host, c->proxy.port, v, (long long)time(NULL),
				 out, sizeof out);
	int dfd = n < 0 ? -1 : open_cache_dir(dir);
	if (dfd < 0)
		return false;
	snprintf(tmp, sizeof tmp, ".%s.%d", SX_PCACHE_FILE, (int)getpid());
	unlinkat(dfd, tmp, 0);
	int fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	bool ok = fd >= 0 && write(fd, out, (size_t)n) == n;
	if (fd >= 0 && close(fd) < 0)
		ok = false;
	ok = ok && renameat(dfd, tmp, dfd, SX_PCACHE_FILE) == 0;
	if (!ok && fd >= 0)
		unlinkat(dfd, tmp, 0);
	close(dfd);
	return ok;
}
