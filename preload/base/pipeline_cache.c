/* SPDX-License-Identifier: MIT */
/* The library's side of the pipeline cache: read once per process, written (0600, no
 * symlinks followed, an atomic rename) only when what it says changes. */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../config/pipeline_cache.h"
#include "io.h"
#include "log.h"
#include "pipeline_cache.h"
#include "readfile.h"
#include "real.h"

/* A proxy that pipelines answers the request as soon as it has connected to the target:
 * its later replies come at most a few of its round trips after the first. */
#define PROBE_SLACK_MS 250
#define PROBE_RTTS     3

/* 0: the file not read yet; else 1 + enum sx_pcache_verdict */
static atomic_int known;
static atomic_bool fell_back;

static const char *env_get(const char *name)
{
	return getenv(name);
}

static long long unix_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec;
}

/* One reader or writer of the file at a time: another thread meanwhile does without
 * (it probes, or leaves the write to a later change). The buffers are static, under busy:
 * a program's thread may have a small stack. */
static atomic_flag busy = ATOMIC_FLAG_INIT;
static char text[SX_PCACHE_FILE_MAX], out[SX_PCACHE_FILE_MAX];
static char dir[SX_PATH_MAX], path[SX_PATH_MAX + 16];

/* The file's text into text[] (0 bytes when missing or unreadable), its directory into
 * dir[]; -ENOENT: no cache. */
static ssize_t read_cache(void)
{
	int r = sx_pcache_dir(dir, sizeof dir, env_get);
	if (r < 0)
		return r;
	snprintf(path, sizeof path, "%s/%s", dir, SX_PCACHE_FILE);
	ssize_t n = sx_read_whole_file(path, text, sizeof text);
	return n < 0 ? 0 : n; /* not a file, or too big to be ours: start again */
}

static enum sx_pcache_verdict verdict(const struct sx_config *c)
{
	int k = atomic_load(&known);
	if (k)
		return (enum sx_pcache_verdict)(k - 1);
	if (atomic_flag_test_and_set(&busy))
		return SX_PCACHE_UNKNOWN;
	ssize_t n = read_cache();
	enum sx_pcache_verdict v =
	    n > 0 ? sx_pcache_lookup(text, (size_t)n, c->proxy.host, c->proxy.port, unix_now())
		  : SX_PCACHE_UNKNOWN;
	atomic_flag_clear(&busy);
	int expected = 0;
	atomic_compare_exchange_strong(&known, &expected, (int)v + 1);
	return v;
}

enum sx_pipeline_use sx_pipeline_use(const struct sx_config *c)
{
	if (c->proxy.proto != SX_PROTO_SOCKS5 && c->proxy.proto != SX_PROTO_SOCKS5H)
		return SX_PIPELINE_NO;
	if (atomic_load(&fell_back))
		return SX_PIPELINE_NO;
	if (!c->pipeline_auto)
		return c->proxy.pipeline ? SX_PIPELINE_YES : SX_PIPELINE_NO;
	switch (verdict(c)) {
	case SX_PCACHE_ACCEPTS:
		return SX_PIPELINE_YES;
	case SX_PCACHE_REFUSES:
		return SX_PIPELINE_NO;
	default:
		return SX_PIPELINE_PROBE;
	}
}

void sx_pipeline_fell_back(void)
{
	atomic_store(&fell_back, true);
}

long long sx_pipeline_probe_deadline(long long start_ms, long long deadline)
{
	long long now = sx_io_now_ms();
	long long d = now + PROBE_SLACK_MS + PROBE_RTTS * (now - start_ms);
	return d < deadline ? d : deadline;
}

static int write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = sx_real.write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* dir[], made 0700 (its parent too) if missing, opened without following a symlink and
 * only if it is ours. */
static int open_dir(void)
{
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0700);
		*slash = '/';
	}
	mkdir(dir, 0700);
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	struct stat st;
	if (fstat(dfd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 022)) {
		sx_real.close(dfd);
		return -1;
	}
	return dfd;
}

static void write_cache(const struct sx_config *c, enum sx_pcache_verdict v)
{
	char tmp[64];
	if (atomic_flag_test_and_set(&busy))
		return;
	ssize_t n = read_cache();
	int len = n < 0 ? -1
			: sx_pcache_update(text, (size_t)n, c->proxy.host, c->proxy.port, v,
					   unix_now(), out, sizeof out);
	int dfd = len < 0 ? -1 : open_dir();
	bool ok = false;
	if (dfd >= 0) {
		/* Unique also across PID namespaces that share the directory. */
		snprintf(tmp, sizeof tmp, ".%s.%d.%lld", SX_PCACHE_FILE, (int)getpid(),
			 sx_io_now_ms());
		int fd =
		    openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		ok = fd >= 0 && write_all(fd, out, (size_t)len) == 0;
		if (fd >= 0)
			sx_real.close(fd);
		if (ok)
			ok = renameat(dfd, tmp, dfd, SX_PCACHE_FILE) == 0;
		if (!ok && fd >= 0)
			unlinkat(dfd, tmp, 0);
		sx_real.close(dfd);
	}
	atomic_flag_clear(&busy);
	sx_log(SX_LOG_DEBUG, "pipeline cache: proxy %s:%u %s a pipelined handshake%s",
	       c->proxy.host, c->proxy.port, v == SX_PCACHE_ACCEPTS ? "accepts" : "refuses",
	       ok ? "" : " (not written)");
}

void sx_pipeline_learned(const struct sx_config *c, bool accepted)
{
	enum sx_pcache_verdict v = accepted ? SX_PCACHE_ACCEPTS : SX_PCACHE_REFUSES;
	verdict(c); /* what the file said, so an unchanged verdict is not written again */
	if (atomic_exchange(&known, (int)v + 1) != (int)v + 1)
		write_cache(c, v);
}
