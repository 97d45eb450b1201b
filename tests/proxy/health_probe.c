/* SPDX-License-Identifier: MIT */
/* Test probe: preload/base/proxy_health.c over the tree's fake-DNS table file named by
 * SOCKSIFY_FAKEDNS, mapped as the library maps it: `health_probe mark|alive|check|rr URL`.
 * check prints "dead" or "alive", rr the group 0 round-robin step it took. */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../config/proxy_url.h"
#include "../../preload/base/log.h"
#include "../../preload/base/proxy_health.h"
#include "../../preload/dns/fakedns_file.h"

/* The warning goes to stderr, as the library's log would. */
void sx_log(enum sx_log_level level, const char *fmt, ...)
{
	(void)level;
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void *area;

static void *tree_area(void)
{
	return area;
}

int main(int argc, char **argv)
{
	const char *path = getenv("SOCKSIFY_FAKEDNS");
	struct sx_proxy p;
	char err[256];
	if (argc != 3 || !path || sx_proxy_url_parse(&p, argv[2], err, sizeof err) < 0) {
		fprintf(stderr,
			"usage: SOCKSIFY_FAKEDNS=FILE health_probe mark|alive|check|rr URL\n");
		return 2;
	}
	int fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		perror(path);
		return 1;
	}
	struct sx_table_hdr *h =
	    mmap(NULL, SX_TABLE_HDR_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (h == MAP_FAILED || h->magic != SX_TABLE_MAGIC || h->state != SX_TABLE_READY) {
		fprintf(stderr, "%s: not a ready table\n", path);
		return 1;
	}
	area = (char *)h + SX_HEALTH_AREA_OFFSET;
	sx_health_set_area_source(tree_area);
	if (!strcmp(argv[1], "mark"))
		sx_health_mark_dead(&p, 60000);
	else if (!strcmp(argv[1], "alive"))
		sx_health_mark_alive(&p);
	else if (!strcmp(argv[1], "check"))
		puts(sx_health_is_dead(&p) ? "dead" : "alive");
	else if (!strcmp(argv[1], "rr"))
		printf("%u\n", sx_health_round_robin(0));
	else
		return 2;
	return 0;
}
