/* SPDX-License-Identifier: MIT */
/* The files of a process tree: makes the empty file of a new tree's fake-DNS table,
 * removes left-overs that provably nobody uses (tables, UDP handoff files, password
 * files), and watches a new tree so that its files go as soon as nobody uses them.
 * Only our own regular files, never via a symlink. */
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

#include "check.h"
#include "tree_files.h"

#define SHM "/dev/shm"

static bool pid_dead(long pid)
{
	/* EPERM: alive, someone else's; a reused pid keeps a file longer, never shorter. */
	return pid > 0 && kill((pid_t)pid, 0) < 0 && errno == ESRCH;
}

/* An empty environment that is not for good: the process is between two images, in
 * the moment of execve when its new memory has neither arguments nor environment yet
 * (a daemon that setsid -f has just forked is exec'ing). A program run with env -i
 * has arguments; kernel threads and zombies have neither, for good. */
static bool between_images(long pid)
{
	char file[64], stat[512];
	snprintf(file, sizeof file, "/proc/%ld/cmdline", pid);
	int cfd = open(file, O_RDONLY | O_CLOEXEC);
	ssize_t args = cfd >= 0 ? read(cfd, stat, 1) : -1;
	if (cfd >= 0)
		close(cfd);
	if (args != 0)
		return false;
	snprintf(file, sizeof file, "/proc/%ld/stat", pid);
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, stat, sizeof stat - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return false;
	stat[n] = '\0';
	const char *p = strrchr(stat, ')');
	char state = 0;
	unsigned long flags = 0;
	/* after the name: state ppid pgrp session tty_nr tpgid flags (proc(5)) */
	if (!p || sscanf(p + 1, " %c %*d %*d %*d %*d %*d %lu", &state, &flags) != 2)
		return false;
	return state != 'Z' && state != 'X' && !(flags & 0x00200000); /* PF_KTHREAD */
}

/* How long a process seen between two images is watched before it counts as unknown:
 * an execve takes well under a millisecond on an idle machine. */
#define EXEC_WAITS   100
#define EXEC_WAIT_NS 2000000

/* /proc/PID/environ into buf (NUL-terminated); -1 if it cannot be opened (the process
 * has gone, or is not ours to read). */
static ssize_t read_environ(long pid, char *buf, size_t cap)
{
	char file[64];
	snprintf(file, sizeof file, "/proc/%ld/environ", pid);
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t len = 0, r;
	while (len < (ssize_t)cap - 1 && (r = read(fd, buf + len, cap - 1 - (size_t)len)) > 0)
		len += r;
	close(fd);
	if (len < 0)
		len = 0;
	buf[len] = '\0';
	return len;
}

/* A live process of ours with var=path in its environment (it may use the file later:
 * a daemon that has not resolved anything yet): its pid, 0 if there is none, -1 if
 * that cannot be known now (no /proc, or a process between two images). */
static long env_user(const char *var, const char *path)
{
	static char buf[256 * 1024];
	char needle[SX_TREE_PATH_MAX + 64];
	int n = snprintf(needle, sizeof needle, "%s=%s", var, path);
	DIR *d = opendir("/proc");
	if (n <= 0 || (size_t)n >= sizeof needle || !d) {
		if (d)
			closedir(d);
		return -1;
	}
	long found = 0;
	bool unsure = false;
	struct dirent *e;
	while (!found && (e = readdir(d))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (*end || pid <= 0 || pid == getpid())
			continue;
		ssize_t len = read_environ(pid, buf, sizeof buf);
		/* The moment of execve passes: a process somewhere on the machine is often
		 * in it, and the file would stay for no reason. */
		for (int i = 0; len == 0 && i < EXEC_WAITS && between_images(pid); i++) {
			nanosleep(&(struct timespec){0, EXEC_WAIT_NS}, NULL);
			len = read_environ(pid, buf, sizeof buf);
		}
		if (len < 0)
			continue;
		if (len == 0 && between_images(pid))
			unsure = true;
		for (ssize_t i = 0; i < len && !found; i += (ssize_t)strlen(buf + i) + 1)
			if (!strcmp(buf + i, needle))
				found = pid;
	}
	closedir(d);
	return found ? found : unsure ? -1 : 0;
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

/* What a file of ours is, from its name (after the prefix, PID first). */
enum kind { TABLE, UDP, PASSWORD };

/* Our files in one directory: prefix socksify-UID- in /dev/shm (socksify-UID-PID-udp, a
 * process's UDP handoff; socksify-UID-PID-RANDOM, a tree's table) or socksify-pw-UID-
 * wherever the wrapper keeps passwords (socksify-pw-UID-PID-RANDOM). PID is the tree's
 * first process, or the handoff's. */
struct place {
	const char *dir;
	char prefix[64];
	bool passwords;
};

static enum kind kind_of(const struct place *pl, const char *name)
{
	return pl->passwords ? PASSWORD : is_udp(name) ? UDP : TABLE;
}

/* Removed when PID is gone and, for a table, nobody maps it (every mapper holds a
 * shared flock) or, for a table or a password, has it in its environment. */
static void clean_one(const struct place *pl, int dir, const char *name, bool tables)
{
	char *end, path[SX_TREE_PATH_MAX];
	long pid = strtol(name + strlen(pl->prefix), &end, 10);
	enum kind k = kind_of(pl, name);
	if (end == name + strlen(pl->prefix) || *end != '-' || (k == TABLE && !tables) ||
	    !pid_dead(pid))
		return;
	snprintf(path, sizeof path, "%s/%s", pl->dir, name);
	/* Ownership first: another user's files named like ours cost one open each. */
	int fd = open_ours(dir, name);
	if (fd < 0)
		return;
	bool unused =
	    k == UDP || env_user(k == TABLE ? SX_TREE_TABLE_VAR : SX_TREE_PASSWORD_VAR, path) == 0;
	if (unused && flock(fd, LOCK_EX | LOCK_NB) == 0)
		unlink_same(dir, name, fd);
	close(fd);
}

/* Our left-overs in one place: UDP files of dead processes, and unused tables too if
 * asked; unused password files. */
static void clean(const struct place *pl, bool tables)
{
	int dir = open(pl->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dir >= 0 ? fdopendir(dup(dir)) : NULL;
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (!strncmp(e->d_name, pl->prefix, strlen(pl->prefix)))
			clean_one(pl, dir, e->d_name, tables);
	if (d)
		closedir(d);
	if (dir >= 0)
		close(dir);
}

static struct place shm_place(void)
{
	struct place pl = {SHM, "", false};
	snprintf(pl.prefix, sizeof pl.prefix, "socksify-%u-", (unsigned)geteuid());
	return pl;
}

static struct place password_place(const char *dir)
{
	struct place pl = {dir, "", true};
	snprintf(pl.prefix, sizeof pl.prefix, "socksify-pw-%u-", (unsigned)geteuid());
	return pl;
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

/* A watched file, once its tree's first process has exited (a zombie not yet reaped
 * counts as exited): waits for every process that may still use it (a table's flock,
 * the environment), then removes it. */
static void retire(const char *dir_path, const char *name, const char *var)
{
	char path[SX_TREE_PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", dir_path, name);
	int dir = open(dir_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int fd = dir >= 0 ? open_ours(dir, name) : -1;
	int unsure = 0;
	while (fd >= 0 && flock(fd, LOCK_EX) == 0) {
		long user = env_user(var, path);
		if (user == 0)
			unlink_same(dir, name, fd);
		/* Unknown for long (no /proc): left for a later run's clean-up. */
		if (user == 0 || (user < 0 && ++unsure > 250))
			break;
		flock(fd, LOCK_UN);
		if (user > 0)
			wait_exit(user);
		else
			nanosleep(&(struct timespec){0, 20000000}, NULL);
	}
	if (fd >= 0)
		close(fd);
	if (dir >= 0)
		close(dir);
}

/* A process of its own, outside the tree's process group and terminal, holding no fd
 * of the caller's (a command substitution must see EOF). It execs afresh with an empty
 * environment, so neither the caller's argv nor its environment (a password from -s
 * or SOCKS_PASSWORD, the very variables it watches for) shows in its /proc files. */
static void start_watcher(long tree, const char *dir, const char *name, const char *var)
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
	char tree_arg[24];
	snprintf(tree_arg, sizeof tree_arg, "%ld", tree);
	char *const argv[] = {"socksify-check", "watch",     tree_arg, (char *)dir,
			      (char *)name,	(char *)var, NULL};
	char *const envp[] = {NULL};
	execve("/proc/self/exe", argv, envp);
	sx_tree_watch(tree_arg, dir, name, var); /* no /proc: watch as we are */
	_exit(0);
}

int sx_tree_watch(const char *tree_arg, const char *dir, const char *name, const char *var)
{
	char *end;
	long tree = strtol(tree_arg, &end, 10);
	if (*end || tree <= 0 || strchr(name, '/') ||
	    (strcmp(var, SX_TREE_TABLE_VAR) && strcmp(var, SX_TREE_PASSWORD_VAR)))
		return 2;
	wait_exit(tree);
	retire(dir, name, var);
	struct place pl = shm_place();
	clean(&pl, false);
	return 0;
}

void sx_tree_watch_password(long tree, const char *path)
{
	char dir[SX_TREE_PATH_MAX];
	const char *slash = strrchr(path, '/');
	if (!slash || (size_t)(slash - path) >= sizeof dir)
		return;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	struct place pl = password_place(dir[0] ? dir : "/");
	clean(&pl, false);
	start_watcher(tree, pl.dir, slash + 1, SX_TREE_PASSWORD_VAR);
}

int sx_tree_new_table(const char *tree_arg)
{
	char *end;
	long tree = strtol(tree_arg, &end, 10);
	if (*end || tree <= 0)
		return 2;
	struct place pl = shm_place();
	clean(&pl, true);
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
		if (!sx_check_quiet)
			fprintf(stderr,
				"socksify: warning: cannot create a fake DNS table in " SHM
				": %s; each process gets a private one\n",
				strerror(e));
		return 1;
	}
	close(fd);
	start_watcher(tree, SHM, name, SX_TREE_TABLE_VAR);
	printf(SHM "/%s\n", name);
	return 0;
}
