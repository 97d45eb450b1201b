/* SPDX-License-Identifier: MIT */
/* A SIGALRM handler that siglongjmps out of a hooked UDP call, as tftp-hpa's
 * retransmission timeout does; afterwards the shim must still be on.
 *   udp_longjmp HOST UDPPORT TCPPORT: a datagram to HOST:UDPPORT (which never answers),
 *     a blocking recvfrom left by the jump, then a TCP connect to HOST:TCPPORT. Prints
 *     "jumped", then "connect: ok" or the error.
 *   udp_longjmp --in-send HOST PORT: the jump leaves the first sendto while the proxy
 *     (a slow one) sets up the association; then "again" is sent on the same socket.
 *     Prints "jumped", "sendto: sent" and "reply: again" (or the errors). */
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

static void arm(int usec)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = {{0, 0}, {0, usec}};
	setitimer(ITIMER_REAL, &it, NULL);
}

static int in_send(const char *host, const char *port)
{
	struct sockaddr_in udp = addr(host, port);
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	if (sigsetjmp(timed_out, 1) == 0) {
		arm(100000);
		ssize_t r = sendto(u, "first", 5, 0, (struct sockaddr *)&udp, sizeof udp);
		printf("sendto returned %zd before the alarm\n", r);
		return 1;
	}
	printf("jumped\n");
	ssize_t r = sendto(u, "again", 5, 0, (struct sockaddr *)&udp, sizeof udp);
	printf("sendto: %s\n", r == 5 ? "sent" : strerror(errno));
	struct timeval tv = {5, 0};
	setsockopt(u, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	char buf[16];
	ssize_t n = recv(u, buf, sizeof buf - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	printf("reply: %s\n", n > 0 ? buf : strerror(errno));
	return n == 5 ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "--in-send"))
		return in_send(argv[2], argv[3]);
	if (argc != 4)
		return 2;
	struct sockaddr_in udp = addr(argv[1], argv[2]), tcp = addr(argv[1], argv[3]);
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	if (sendto(u, "ping", 4, 0, (struct sockaddr *)&udp, sizeof udp) != 4) {
		printf("sendto: %s\n", strerror(errno));
		return 1;
	}
	if (sigsetjmp(timed_out, 1) == 0) {
		arm(200000);
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
