/* SPDX-License-Identifier: MIT */
/* The forwarder's main loop: accepts inside connections until the command's process
 * tree is gone, that is until no process is left in the namespace. */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "forward.h"

static bool netns_of(pid_t pid, struct stat *st)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/ns/net", (int)pid);
	return stat(path, st) == 0;
}

/* Daemons and background jobs outlive the leader: any process in the namespace. */
static bool namespace_in_use(const struct stat *ns)
{
	DIR *d = opendir("/proc");
	bool used = false;
	struct dirent *e;
	while (d && !used && (e = readdir(d))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		struct stat st;
		if (*end == '\0' && pid > 0 && netns_of((pid_t)pid, &st))
			used = st.st_ino == ns->st_ino && st.st_dev == ns->st_dev;
	}
	if (d)
		closedir(d);
	return used;
}

void sx_fwd_run(struct sx_fwd *f, int netns_fd, int pidfd)
{
	struct stat ns;
	if (fstat(netns_fd, &ns) < 0)
		_exit(1);
	close(netns_fd);
	bool leader_gone = false;
	int backoff = 25;
	signal(SIGPIPE, SIG_IGN);
	sx_fwd_udp_start(f);
	for (;;) {
		struct pollfd p[3] = {{.fd = f->listen_fd, .events = POLLIN},
				      {.fd = f->unix_fd, .events = POLLIN},
				      {.fd = leader_gone ? -1 : pidfd, .events = POLLIN}};
		/* Without a pidfd (Linux < 5.3) the namespace is looked at twice a second. */
		int timeout = leader_gone ? (backoff < 1000 ? backoff *= 2 : backoff)
			      : pidfd < 0 ? 500
					  : -1;
		int n = poll(p, 3, timeout);
		if (n < 0 && errno != EINTR) {
			sx_fwd_unix_close(f);
			_exit(1);
		}
		if (n > 0 && (p[0].revents & POLLIN)) {
			int c = accept4(f->listen_fd, NULL, NULL, SOCK_CLOEXEC);
			if (c >= 0)
				sx_fwd_conn_start(f, c);
		}
		if (n > 0 && (p[1].revents & POLLIN)) {
			int c = accept4(f->unix_fd, NULL, NULL, SOCK_CLOEXEC);
			if (c >= 0)
				sx_fwd_unix_serve(f, c);
		}
		if (!leader_gone && pidfd >= 0 && (p[2].revents & POLLIN))
			leader_gone = true;
		if ((leader_gone || pidfd < 0) && (n == 0 || leader_gone) &&
		    !namespace_in_use(&ns)) {
			sx_fwd_unix_close(f);
			_exit(0);
		}
	}
}
