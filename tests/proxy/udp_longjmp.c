/* SPDX-License-Identifier: MIT */
/* udp_longjmp HOST UDPPORT TCPPORT: a datagram to HOST:UDPPORT (which never answers),
 * then a blocking recvfrom that a SIGALRM handler leaves with siglongjmp, as tftp-hpa's
 * retransmission timeout does; then a TCP connect to HOST:TCPPORT, which must still
 * take the shim's hooks. Prints "jumped", then "connect: ok" or the error. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static sigjmp_buf timed_out;

static void on_alarm(int sig)
{
	(void)sig;
	siglongjmp(timed_out, 1);
}

static struct sockaddr_in addr(const char *host, const char *port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port))};
	inet_pton(AF_INET, host, &a.sin_addr);
	return a;
}

int main(int argc, char **argv)
{
	if (argc != 4)
		return 2;
	struct sockaddr_in udp = addr(argv[1], argv[2]), tcp = addr(argv[1], argv[3]);
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	if (sendto(u, "ping", 4, 0, (struct sockaddr *)&udp, sizeof udp) != 4) {
		printf("sendto: %s\n", strerror(errno));
		return 1;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	if (sigsetjmp(timed_out, 1) == 0) {
		struct itimerval it = {{0, 0}, {0, 200000}};
		setitimer(ITIMER_REAL, &it, NULL);
		char buf[64];
		ssize_t n = recvfrom(u, buf, sizeof buf, 0, NULL, NULL);
		printf("recvfrom returned %zd\n", n);
		return 1;
	}
	printf("jumped\n");
	int t = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(t, (struct sockaddr *)&tcp, sizeof tcp) < 0) {
		printf("connect: %s\n", strerror(errno));
		return 1;
	}
	printf("connect: ok\n");
	close(t);
	close(u);
	return 0;
}
