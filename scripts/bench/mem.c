/* SPDX-License-Identifier: MIT */
/* Memory: resolve NAME, connect to it on PORT once (the shim's tables and buffers are then in
 * use), and print this process's "VmRSS_kB Pss_kB" from /proc/self. */
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench.h"

static long field_kb(const char *path, const char *key)
{
	char line[256];
	long v = -1;
	size_t k = strlen(key);
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, k) && line[k] == ':') {
			v = strtol(line + k + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

int main(int argc, char **argv)
{
	struct addrinfo hints, *res;
	int fd, r;

	if (argc != 3) {
		fputs("usage: mem NAME PORT\n", stderr);
		return 2;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	r = getaddrinfo(argv[1], argv[2], &hints, &res);
	if (r) {
		fprintf(stderr, "mem: %s: %s\n", argv[1], gai_strerror(r));
		return 1;
	}
	fd = socket(res->ai_family, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, res->ai_addr, res->ai_addrlen) < 0) {
		perror("mem: connect");
		return 1;
	}
	freeaddrinfo(res);
	printf("%ld %ld\n", field_kb("/proc/self/status", "VmRSS"),
	       field_kb("/proc/self/smaps_rollup", "Pss"));
	close(fd);
	return 0;
}
