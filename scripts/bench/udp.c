/* SPDX-License-Identifier: MIT */
/* UDP round trips: N times sendto(IP:PORT) a 64-byte datagram and recvfrom() its echo (1 s
 * timeout each); prints "round_trips_per_s lost". */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench.h"

int main(int argc, char **argv)
{
	struct sockaddr_in dst = {.sin_family = AF_INET};
	char buf[2048], msg[64];
	long lost = 0;

	if (argc != 4) {
		fputs("usage: udp IP PORT N\n", stderr);
		return 2;
	}
	dst.sin_port = htons((uint16_t)arg_num(argv[2], 1, 65535));
	if (inet_pton(AF_INET, argv[1], &dst.sin_addr) != 1)
		return 2;
	long n = arg_num(argv[3], 1, 10000000);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0)
		return 1;
	memset(msg, 'u', sizeof(msg));
	double t0 = 0;
	for (long i = -1; i < n; i++) { /* i == -1: warm-up, sets up any association */
		struct pollfd p = {.fd = fd, .events = POLLIN};
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);

		if (i == 0)
			t0 = now_s();
		if (sendto(fd, msg, sizeof(msg), 0, (struct sockaddr *)&dst, sizeof(dst)) < 0) {
			perror("udp: sendto");
			return 1;
		}
		if (poll(&p, 1, 1000) != 1 ||
		    recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl) < 0) {
			if (i < 0) {
				fputs("udp: no echo\n", stderr);
				return 1;
			}
			lost++;
		}
	}
	printf("%.0f %ld\n", (double)n / (now_s() - t0), lost);
	return 0;
}
