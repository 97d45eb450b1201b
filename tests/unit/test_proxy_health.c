/* SPDX-License-Identifier: MIT */
/* proxy_health.c: dead marks by protocol, host and port, their expiry, the slot
 * replacement, one warning per process, round-robin positions and random numbers, in
 * this process's own area and in a shared mapping that forked processes see. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../preload/base/log.h"
#include "../../preload/base/proxy_health.h"
#include "tap.h"

static int warnings;
static char last_warning[512];

void sx_log(enum sx_log_level level, const char *fmt, ...)
{
	if (level != SX_LOG_WARN)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(last_warning, sizeof last_warning, fmt, ap);
	va_end(ap);
	warnings++;
}

static void *shared;

static void *shared_area(void)
{
	return shared;
}

static struct sx_proxy proxy(enum sx_proto proto, const char *host, uint16_t port)
{
	struct sx_proxy p = {.proto = proto, .port = port};
	snprintf(p.host, sizeof p.host, "%s", host);
	return p;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Runs in a child, which the parent tells nothing: its own area, no source. */
static int private_child(void)
{
	struct sx_proxy p = proxy(SX_PROTO_SOCKS5, "192.0.2.99", 1080);
	sx_health_mark_dead(&p, 60000);
	return sx_health_is_dead(&p) ? 0 : 1;
}

static int fork_run(int (*fn)(void))
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(fn());
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_marks(void)
{
	struct sx_proxy a = proxy(SX_PROTO_SOCKS5, "Proxy.Example", 1080);
	struct sx_proxy a_lower = proxy(SX_PROTO_SOCKS5, "proxy.example", 1080);
	struct sx_proxy other_port = proxy(SX_PROTO_SOCKS5, "proxy.example", 1081);
	struct sx_proxy other_proto = proxy(SX_PROTO_HTTP, "proxy.example", 1080);
	TAP_OK(!sx_health_is_dead(&a), "a proxy is alive until marked");
	sx_health_mark_dead_err(&a, 60000, ECONNREFUSED);
	TAP_OK(sx_health_is_dead(&a), "marked dead: dead");
	TAP_OK(sx_health_is_dead(&a_lower), "the host is compared without case");
	TAP_OK(!sx_health_is_dead(&other_port), "another port is another proxy");
	TAP_OK(!sx_health_is_dead(&other_proto), "another protocol is another proxy");
	TAP_IS(warnings, 1, "the first mark warns");
	TAP_STR(last_warning,
		"proxy socks5://Proxy.Example:1080 marked dead for 60 s: Connection refused",
		"the warning names the proxy, the time and why");
	sx_health_mark_dead(&a_lower, 60000);
	TAP_IS(warnings, 1, "a second mark of it does not warn again");
	sx_health_mark_alive(&a);
	TAP_OK(!sx_health_is_dead(&a), "marked alive: alive");
	sx_health_mark_dead(&other_port, 1500);
	TAP_IS(warnings, 2, "another proxy warns");
	TAP_OK(strstr(last_warning, "for 1500 ms") && !strstr(last_warning, ": "),
	       "a time in ms, and no reason when none is given (%s)", last_warning);

	struct sx_proxy brief = proxy(SX_PROTO_SOCKS4, "198.51.100.1", 1080);
	sx_health_mark_dead(&brief, 30);
	sleep_ms(80);
	TAP_OK(!sx_health_is_dead(&brief), "a dead mark expires after its dead time");
	sx_health_mark_dead(&brief, 60000);
	TAP_OK(sx_health_is_dead(&brief), "an expired proxy can be marked dead again");
	sx_health_mark_dead(&brief, 0);
	TAP_OK(!sx_health_is_dead(&brief), "a dead time of 0 leaves it alive");
}

static void test_replacement(void)
{
	struct sx_proxy p[33];
	char host[32];
	for (int i = 0; i < 33; i++) {
		snprintf(host, sizeof host, "203.0.113.%d", i + 1);
		p[i] = proxy(SX_PROTO_SOCKS5H, host, 1080);
	}
	/* Thirty-two slots: ends of dead times a second apart, p[0]'s first. */
	for (int i = 0; i < 32; i++)
		sx_health_mark_dead(&p[i], 100000u + 1000u * (unsigned)i);
	int dead = 0;
	for (int i = 0; i < 32; i++)
		dead += sx_health_is_dead(&p[i]);
	TAP_IS(dead, 32, "thirty-two proxies are remembered at once");
	sx_health_mark_dead(&p[32], 60000);
	TAP_OK(sx_health_is_dead(&p[32]), "a thirty-third is remembered too");
	TAP_OK(!sx_health_is_dead(&p[0]), "in the slot whose dead time ended first");
	dead = 0;
	for (int i = 1; i < 32; i++)
		dead += sx_health_is_dead(&p[i]);
	TAP_IS(dead, 31, "the others stay dead");
	for (int i = 0; i < 33; i++)
		sx_health_mark_alive(&p[i]);
}

static struct sx_proxy child_proxy;

/* The parent warned of child_proxy already: the child still warns, once. */
static int child_marks(void)
{
	int before = warnings;
	sx_health_mark_dead(&child_proxy, 60000);
	sx_health_mark_dead(&child_proxy, 60000);
	return sx_health_round_robin(3) == 0 && warnings == before + 1 ? 0 : 1;
}

/* The child's number goes past the area, in the mapping's second half. */
static unsigned *child_random(void)
{
	return (unsigned *)((char *)shared + SX_HEALTH_AREA_SIZE);
}

static int child_randoms(void)
{
	*child_random() = sx_health_random();
	return 0;
}

static void test_tree(void)
{
	child_proxy = proxy(SX_PROTO_SOCKS5, "192.0.2.7", 9050);
	sx_health_mark_dead(&child_proxy, 60000);
	sx_health_mark_alive(&child_proxy);
	TAP_IS(fork_run(child_marks), 0, "a forked process warns of its own first mark");
	TAP_OK(sx_health_is_dead(&child_proxy), "its mark is seen by its parent");
	TAP_IS(sx_health_round_robin(3), 1, "and its round-robin step");
	TAP_IS(sx_health_round_robin(4), 0, "groups count apart");
	TAP_IS(sx_health_round_robin(4), 1, "each pick moves on by one");
	struct sx_proxy p = proxy(SX_PROTO_SOCKS5, "192.0.2.99", 1080);
	TAP_OK(!sx_health_is_dead(&p), "a process without the tree's area keeps its marks");

	sx_health_random(); /* the parent's state is seeded before the fork */
	fork_run(child_randoms);
	unsigned mine = sx_health_random();
	TAP_OK(mine != *child_random(),
	       "a forked child does not repeat its parent's random numbers");
	unsigned seen[64], same = 0;
	for (int i = 0; i < 64; i++) {
		seen[i] = sx_health_random();
		for (int j = 0; j < i; j++)
			same += seen[i] == seen[j];
	}
	TAP_IS(same, 0, "random numbers do not repeat soon");
}

int main(void)
{
	TAP_IS(fork_run(private_child), 0, "without a source the marks stay in the process");
	shared = mmap(NULL, 2 * SX_HEALTH_AREA_SIZE, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		return 1;
	sx_health_set_area_source(shared_area);
	test_marks();
	test_replacement();
	test_tree();
	return tap_done();
}
