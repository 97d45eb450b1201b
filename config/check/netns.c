/* SPDX-License-Identifier: MIT */
/* The program's own network namespace: only loopback, so whatever the preload does not
 * carry (static and Go programs, raw syscalls, io_uring) finds no route out. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "forward.h"

static int write_proc(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, text, strlen(text));
	int r = n == (ssize_t)strlen(text) ? 0 : n < 0 ? -errno : -EIO;
	close(fd);
	return r;
}

/* Our own ids only, never root: capabilities in the new user namespace end at exec. */
static int map_own_ids(uid_t uid, gid_t gid, char *why, size_t n)
{
	char line[64];
	int r = write_proc("/proc/self/setgroups", "deny");
	if (r == -ENOENT)
		r = 0; /* before Linux 3.19 */
	snprintf(line, sizeof line, "%u %u 1\n", (unsigned)uid, (unsigned)uid);
	if (!r)
		r = write_proc("/proc/self/uid_map", line);
	snprintf(line, sizeof line, "%u %u 1\n", (unsigned)gid, (unsigned)gid);
	if (!r)
		r = write_proc("/proc/self/gid_map", line);
	if (r)
		snprintf(why, n, "cannot map our ids in the new user namespace: %s", strerror(-r));
	return r;
}

static int loopback_up(char *why, size_t n)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr = {0};
	int r = s < 0 ? -errno : 0;
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
	if (!r && ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		r = -errno;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (!r && ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		r = -errno;
	if (s >= 0)
		close(s);
	if (r)
		snprintf(why, n, "cannot bring loopback up in the new namespace: %s", strerror(-r));
	return r;
}

int sx_netns_enter(char *why, size_t n)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	bool own_user = uid != 0;
	int r = 0;
	if (!own_user && unshare(CLONE_NEWNET) < 0) {
		if (errno != EPERM)
			r = -errno;
		own_user = true; /* root without CAP_SYS_ADMIN: a user namespace may still do */
	}
	if (!r && own_user && unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0)
		r = -errno;
	if (r) {
		snprintf(why, n, "the kernel refuses a %s namespace (%s)",
			 own_user ? "user" : "network", strerror(-r));
		return r;
	}
	if (own_user && (r = map_own_ids(uid, gid, why, n)) < 0)
		return r;
	return loopback_up(why, n);
}
