/* SPDX-License-Identifier: MIT */
/* The wrapper's /dev/shm housekeeping: makes the empty file of a new tree's fake-DNS
 * table, removes left-overs that provably nobody uses, and watches the new tree so its
 * table goes as soon as nobody uses it. Only our own regular files, never via a symlink. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "shm_files.h"

#define SHM "/dev/shm"

static bool pid_dead(long pid)
{
	/* EPERM: alive, someone else's; a reused pid keeps a file longer, never shorter. */
	return pid > 0 && kill((pid_t)pid, 0) < 0 && errno == ESRCH;
}

/* A live process of ours with SOCKSIFY_FAKEDNS=path in its environment (it may map
 * the table later: a daemon that has not resolved anything yet): its pid, 0 if there
 * is none, -1 if that cannot be known. */
static long env_user(const char *path)
{
	static char buf[256 * 1024];
	char needle[300], file[64];
	int n = snprintf(needle, sizeof needle, "SOCKSIFY_FAKEDNS=%s", path);
	DIR *d = opendir("/proc");
	if (n <= 0 || (size_t)n >= sizeof needle || !d) {
		if (d)
			closedir(d);
		return -1;
	}
	long found = 0;
	struct dirent *e;
	while (!found && (e = readdir(d))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (*end || pid <= 0 || pid == getpid())
			continue;
		snprintf(file, sizeof file, "/proc/%ld/environ", pid);
		int fd = open(file, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t len = 0, r;
		while (len < (ssize_t)sizeof buf - 1 &&
		       (r = read(fd, buf + len, sizeof buf - 1 - (size_t)len)) > 0)
			len += r;
		close(fd);
		buf[len > 0 ? len : 0] = '\0';
		for (ssize_t i = 0; i < len && !found; i += (ssize_t)strlen(buf + i) + 1)
			if (!strcmp(buf + i, needle))
				found = pid;
	}
	closedir(d);
	return found;
}

static bool is_udp(const char *name)
{
	size_t n = strlen(name);
	return n > 4 && !strcmp(name + n - 4, "-udp");
}

/* Removes name if it is still the file fd has open. */
static void unlink_same(int dir, const char *name, int fd)
{
	struct stat a, b;
	if (fstat(fd, &a) == 0 && fstatat(dir, name, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		unlinkat(dir, name, 0);
}

static int open_ours(int dir, const char *name)
{
	int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	struct stat st;
	if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid())) {
		close(fd);
		return -1;
	}
	return fd;
}

/* One of our files: socksify-UID-PID-udp (a process's UDP handoff) or
 * socksify-UID-PID-RANDOM (a table; PID is the tree's first process). Removed when PID
 * is gone and, for a table, nobody maps it (every mapper holds a shared flock) or has
 * it in its environment. */
static void clean_one(int dir, const char *name, const char *prefix, bool tables)
{
	char *end, path[300];
	long pid = strtol(name + strlen(prefix), &end, 10);
	bool udp = is_udp(name);
	if (end == name + strlen(prefix) || *end != '-' || (!udp && !tables) || !pid_dead(pid))
		return;
	snprintf(path, sizeof path, SHM "/%s", name);
	/* Ownership first: another user's files named like ours cost one open each. */
	int fd = open_ours(dir, name);
	if (fd < 0)
		return;
	if ((udp || env_user(path) == 0) && flock(fd, LOCK_EX | LOCK_NB) == 0)
		unlink_same(dir, name, fd);
	close(fd);
}

/* Our left-overs: UDP files of dead processes, and unused tables too if asked. */
static void clean(bool tables)
{
	char prefix[64];
	snprintf(prefix, sizeof prefix, "socksify-%u-", (unsigned)geteuid());
	int dir = open(SHM, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dir >= 0 ? fdopendir(dup(dir)) : NULL;
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (!strncmp(e->d_name, prefix, strlen(prefix)))
			clean_one(dir, e->d_name, prefix, tables);
	if (d)
		closedir(d);
	if (dir >= 0)
		close(dir);
}

static void wait_exit(long pid)
{
	int fd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
	if (fd >= 0) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		while (poll(&p, 1, -1) < 0 && errno == EINTR)
			;
		close(fd);
		return;
	}
	while (!pid_dead(pid))
		sleep(1);
}

/* The watcher's own table, once its tree's first process has exited (a zombie not yet
 * reaped counts as exited): waits for every process that maps it (the flock) or may
 * still map it (its environment), then removes it. */
static void retire(const char *name)
{
	char path[300];
	snprintf(path, sizeof path, SHM "/%s", name);
	int dir = open(SHM, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int fd = dir >= 0 ? open_ours(dir, name) : -1;
	while (fd >= 0 && flock(fd, LOCK_EX) == 0) {
		long user = env_user(path);
		if (user == 0)
			unlink_same(dir, name, fd);
		if (user <= 0)
			break;
		flock(fd, LOCK_UN);
		wait_exit(user);
	}
	if (fd >= 0)
		close(fd);
	if (dir >= 0)
		close(dir);
}

/* A process of its own, outside the tree's process group and terminal, holding no fd
 * of the caller's (a command substitution must see EOF). */
static void start_watcher(long tree, const char *name)
{
	pid_t p = fork();
	if (p != 0)
		return;
	setsid();
	if (chdir("/") < 0)
		_exit(0);
	int null = open("/dev/null", O_RDWR);
	for (int fd = 0; fd < 3 && null >= 0; fd++)
		dup2(null, fd);
	closefrom(3);
	wait_exit(tree);
	retire(name);
	clean(false);
	_exit(0);
}

int sx_shm_new_table(const char *tree_arg)
{
	char *end;
	long tree = strtol(tree_arg, &end, 10);
	if (*end || tree <= 0)
		return 2;
	clean(true);
	unsigned long long rnd = 0;
	if (getrandom(&rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
		rnd = (unsigned long long)getpid() << 32 ^ (unsigned long long)time(NULL);
	char name[128];
	snprintf(name, sizeof name, "socksify-%u-%ld-%016llx", (unsigned)geteuid(), tree, rnd);
	int dir = open(SHM, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int fd = dir < 0
		     ? -1
		     : openat(dir, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	int e = errno;
	if (dir >= 0)
		close(dir);
	if (fd < 0) {
		const char *log = getenv("SOCKSIFY_LOG");
		if (!log || strcmp(log, "none"))
			fprintf(stderr,
				"socksify: warning: cannot create a fake DNS table in " SHM
				": %s; each process gets a private one\n",
				strerror(e));
		return 1;
	}
	close(fd);
	start_watcher(tree, name);
	printf(SHM "/%s\n", name);
	return 0;
}
