/* SPDX-License-Identifier: MIT */
/* udp_fastopen HOST PORT: sendto() and then sendmsg() with MSG_FASTOPEN on a UDP socket
 * (the kernel ignores the flag for UDP), each followed by the echoed reply and its
 * source. Prints "sendto: sent", "reply: DATA from ADDR:PORT", the same for sendmsg. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static void reply(int s)
{
	char buf[64], ip[INET_ADDRSTRLEN];
	struct sockaddr_in from;
	socklen_t len = sizeof from;
	ssize_t n = recvfrom(s, buf, sizeof buf - 1, 0, (struct sockaddr *)&from, &len);
	if (n < 0) {
		printf("reply: %s\n", strerror(errno));
		return;
	}
	buf[n] = '\0';
	inet_ntop(AF_INET, &from.sin_addr, ip, sizeof ip);
	printf("reply: %s from %s:%u\n", buf, ip, ntohs(from.sin_port));
}

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	struct sockaddr_in dst = {.sin_family = AF_INET,
				  .sin_port = htons((uint16_t)atoi(argv[2]))};
	inet_pton(AF_INET, argv[1], &dst.sin_addr);
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct timeval tv = {5, 0};
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	ssize_t r = sendto(s, "fo-sendto", 9, MSG_FASTOPEN, (struct sockaddr *)&dst, sizeof dst);
	printf("sendto: %s\n", r == 9 ? "sent" : strerror(errno));
	if (r == 9)
		reply(s);
	struct iovec iov = {"fo-sendmsg", 10};
	struct msghdr m = {
	    .msg_name = &dst, .msg_namelen = sizeof dst, .msg_iov = &iov, .msg_iovlen = 1};
	r = sendmsg(s, &m, MSG_FASTOPEN);
	printf("sendmsg: %s\n", r == 10 ? "sent" : strerror(errno));
	if (r == 10)
		reply(s);
	return 0;
}
