/* SPDX-License-Identifier: MIT */
/* TCP client run under each shim:
 *   tcp connect IP PORT N   one warm-up, then N connect() latencies in ms, one per line
 *   tcp first IP PORT 1     the latency of the process's first connect() only
 *   tcp cycle IP PORT N     N sequential connect + HTTP GET + read to EOF + close; prints
 *                           "conn_per_s cpu_us_per_conn" (CPU of this process, shim included) */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench.h"

static struct sockaddr_in dst;

static int open_conn(double *ms)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	double t0 = now_s();

	if (fd < 0 || connect(fd, (struct sockaddr *)&dst, sizeof(dst)) < 0) {
		perror("connect");
		exit(1);
	}
	if (ms)
		*ms = (now_s() - t0) * 1e3;
	return fd;
}

static void one_request(void)
{
	static const char req[] = "GET / HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n";
	char buf[4096];
	int fd = open_conn(NULL);
	ssize_t r;
	size_t got = 0;
	int ok = 0;

	if (write(fd, req, sizeof(req) - 1) != (ssize_t)sizeof(req) - 1) {
		perror("write");
		exit(1);
	}
	while ((r = read(fd, buf, sizeof(buf))) > 0) {
		if (!got)
			ok = r >= 12 && memcmp(buf, "HTTP/1.1 200", 12) == 0;
		got += (size_t)r;
	}
	if (r < 0 || !ok) {
		fputs("tcp: bad HTTP reply\n", stderr);
		exit(1);
	}
	close(fd);
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fputs("usage: tcp connect|first|cycle IP PORT N\n", stderr);
		return 2;
	}
	dst.sin_family = AF_INET;
	dst.sin_port = htons((uint16_t)arg_num(argv[3], 1, 65535));
	if (inet_pton(AF_INET, argv[2], &dst.sin_addr) != 1)
		return 2;
	long n = arg_num(argv[4], 1, 10000000);

	if (!strcmp(argv[1], "first")) {
		double ms;

		close(open_conn(&ms));
		printf("%.3f\n", ms);
		return 0;
	}
	if (!strcmp(argv[1], "connect")) {
		close(open_conn(NULL));
		for (long i = 0; i < n; i++) {
			double ms;

			close(open_conn(&ms));
			printf("%.3f\n", ms);
		}
		return 0;
	}
	one_request();
	double t0 = now_s(), c0 = cpu_s();

	for (long i = 0; i < n; i++)
		one_request();
	double t = now_s() - t0, c = cpu_s() - c0;

	printf("%.1f %.2f\n", (double)n / t, c / (double)n * 1e6);
	return 0;
}
