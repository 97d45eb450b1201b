/* SPDX-License-Identifier: MIT */
/* The cost a shim adds to waits on fds that never handshake: one byte bounced N times between
 * the two ends of an AF_UNIX socketpair, each hop waited for with epoll_wait or poll;
 * prints nanoseconds per round trip (two waits, two writes, two reads). */
#include <poll.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench.h"

static int sv[2], ep;
static int use_epoll;

/* Waits until end `want` is readable. */
static void wait_readable(int want)
{
	if (use_epoll) {
		struct epoll_event ev;
		do {
			if (epoll_wait(ep, &ev, 1, 5000) != 1) {
				perror("pingpong: epoll_wait");
				exit(1);
			}
		} while (ev.data.u32 != (unsigned)want);
		return;
	}
	struct pollfd p[2] = {{.fd = sv[0], .events = POLLIN}, {.fd = sv[1], .events = POLLIN}};
	if (poll(p, 2, 5000) < 1 || !(p[want].revents & POLLIN)) {
		perror("pingpong: poll");
		exit(1);
	}
}

static void hop(int from, int to)
{
	char b = 'p';

	if (write(sv[from], &b, 1) != 1) {
		perror("pingpong: write");
		exit(1);
	}
	wait_readable(to);
	if (read(sv[to], &b, 1) != 1) {
		perror("pingpong: read");
		exit(1);
	}
}

int main(int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[1], "epoll") && strcmp(argv[1], "poll"))) {
		fputs("usage: pingpong epoll|poll N\n", stderr);
		return 2;
	}
	use_epoll = !strcmp(argv[1], "epoll");
	long n = arg_num(argv[2], 1, 1000000000);

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0 || (ep = epoll_create1(0)) < 0)
		return 1;
	for (int i = 0; i < 2; i++) {
		struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (unsigned)i};
		if (epoll_ctl(ep, EPOLL_CTL_ADD, sv[i], &ev) < 0)
			return 1;
	}
	double t0 = now_s();
	for (long i = 0; i < n; i++) {
		hop(0, 1);
		hop(1, 0);
	}
	printf("%.1f\n", (now_s() - t0) / (double)n * 1e9);
	return 0;
}
