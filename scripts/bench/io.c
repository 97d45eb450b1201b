/* SPDX-License-Identifier: MIT */
/* Cost on ordinary I/O: N small (64-byte) writes to a loopback TCP connection that a thread
 * drains, through write() or through sendto(fd, ..., NULL, 0) (a hooked entry point);
 * prints nanoseconds per call. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench.h"

static void *drain(void *arg)
{
	char buf[65536];
	int fd = *(int *)arg;

	while (read(fd, buf, sizeof(buf)) > 0)
		;
	return NULL;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof(a);
	char msg[64];
	pthread_t th;

	if (argc != 3 || (strcmp(argv[1], "write") && strcmp(argv[1], "sendto"))) {
		fputs("usage: io write|sendto N\n", stderr);
		return 2;
	}
	long n = arg_num(argv[2], 1, 1000000000);
	int use_sendto = !strcmp(argv[1], "sendto");
	int l = socket(AF_INET, SOCK_STREAM, 0);

	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 1) < 0 ||
	    getsockname(l, (struct sockaddr *)&a, &al) < 0)
		return 1;
	int c = socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("io: connect");
		return 1;
	}
	int s = accept(l, NULL, NULL);
	if (s < 0 || pthread_create(&th, NULL, drain, &s))
		return 1;
	memset(msg, 'w', sizeof(msg));

	double t0 = now_s();
	for (long i = 0; i < n; i++) {
		ssize_t w = use_sendto ? sendto(c, msg, sizeof(msg), 0, NULL, 0)
				       : write(c, msg, sizeof(msg));
		if (w != (ssize_t)sizeof(msg)) {
			perror("io: write");
			return 1;
		}
	}
	double t = now_s() - t0;

	shutdown(c, SHUT_WR);
	pthread_join(th, NULL);
	printf("%.1f\n", t / (double)n * 1e9);
	return 0;
}
