/* SPDX-License-Identifier: MIT */
/* sig_udp HOST PORT: the first datagram on a UDP socket sets up its association (slow
 * with a delaying proxy); a SIGALRM handler sends on the same socket meanwhile. Prints
 * the handler's result ("handler: sent" or its error) and then the main send's and the
 * echoed replies (two, or "reply: none"), so a test sees that neither waits forever. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static int sock;
static struct sockaddr_in dst;
static volatile sig_atomic_t handler_result = -1;

static void on_alarm(int sig)
{
	(void)sig;
	int saved = errno;
	ssize_t r = sendto(sock, "h", 1, MSG_DONTWAIT, (struct sockaddr *)&dst, sizeof dst);
	handler_result = r < 0 ? errno : 0;
	errno = saved;
}

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	sock = socket(AF_INET, SOCK_DGRAM, 0);
	dst.sin_family = AF_INET;
	dst.sin_port = htons((unsigned short)atoi(argv[2]));
	inet_pton(AF_INET, argv[1], &dst.sin_addr);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = {{0, 0}, {0, 100000}};
	setitimer(ITIMER_REAL, &it, NULL);
	ssize_t r = sendto(sock, "main", 4, 0, (struct sockaddr *)&dst, sizeof dst);
	if (handler_result < 0)
		printf("handler: did not run\n");
	else if (handler_result == 0)
		printf("handler: sent\n");
	else
		printf("handler: %s\n", strerror((int)handler_result));
	printf("main: %s\n", r == 4 ? "sent" : strerror(errno));
	struct timeval tv = {5, 0};
	setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	for (int i = 0; i < 2; i++) {
		char buf[16];
		ssize_t n = recv(sock, buf, sizeof buf - 1, 0);
		buf[n > 0 ? n : 0] = '\0';
		printf("reply: %s\n", n > 0 ? buf : "none");
		if (n <= 0)
			break;
	}
	return 0;
}
