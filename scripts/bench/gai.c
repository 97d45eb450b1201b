/* SPDX-License-Identifier: MIT */
/* Resolution rate: getaddrinfo(NAME, "80") + freeaddrinfo N times; prints lookups per second.
 * The first lookup is a warm-up (a shim's lazy init, nss module loading). */
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>

#include "bench.h"

static void one(const char *name)
{
	struct addrinfo hints, *res;
	int r;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	r = getaddrinfo(name, "80", &hints, &res);
	if (r) {
		fprintf(stderr, "gai: %s: %s\n", name, gai_strerror(r));
		exit(1);
	}
	freeaddrinfo(res);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fputs("usage: gai NAME N\n", stderr);
		return 2;
	}
	long n = arg_num(argv[2], 1, 100000000);

	one(argv[1]);
	double t0 = now_s();
	for (long i = 0; i < n; i++)
		one(argv[1]);
	printf("%.0f\n", (double)n / (now_s() - t0));
	return 0;
}
