/* SPDX-License-Identifier: MIT */
/* A private /etc/resolv.conf reader (libc's res_init would run our hooks and keep
 * state we do not own): the nameserver addresses, read once on first use. */
#include <pthread.h>
#include <string.h>

#include "../../config/bypass.h"
#include "../base/readfile.h"
#include "../base/sockaddr.h"
#include "resolvconf.h"

#define NS_MAX	 8 /* glibc uses 3; more lines cost nothing */
#define FILE_MAX (64 * 1024)
#define DNS_PORT 53

static struct {
	int af; /* 4 or 6 */
	uint8_t addr[16];
} servers[NS_MAX];
static size_t n_servers;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* One line: "nameserver ADDR" (a scope id "%eth0" is ignored). */
static void parse_line(const char *p, const char *end)
{
	while (p < end && blank(*p))
		p++;
	static const char kw[] = "nameserver";
	size_t kl = sizeof kw - 1;
	if ((size_t)(end - p) <= kl || memcmp(p, kw, kl) || !blank(p[kl]))
		return;
	p += kl;
	while (p < end && blank(*p))
		p++;
	const char *w = p;
	while (p < end && !blank(*p) && *p != '%' && *p != '#' && *p != ';')
		p++;
	if (p == w || n_servers == NS_MAX)
		return;
	int af = sx_bypass_parse_addr(w, (size_t)(p - w), servers[n_servers].addr);
	if (af == 4 || af == 6)
		servers[n_servers++].af = af;
}

static void load(void)
{
	static char text[FILE_MAX];
	ssize_t n = sx_read_file("/etc/resolv.conf", text, sizeof text);
	size_t len = n > 0 ? (size_t)n : 0;
	for (const char *p = text, *end = text + len; p < end;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		parse_line(p, eol);
		p = eol + 1;
	}
}

static bool same(int af, const uint8_t *a, const struct sx_target *t)
{
	return (af == 4 && t->kind == SX_TARGET_IPV4 && !memcmp(a, t->addr.v4, 4)) ||
	       (af == 6 && t->kind == SX_TARGET_IPV6 && !memcmp(a, t->addr.v6, 16));
}

bool sx_resolvconf_is_nameserver(const struct sx_state *st, const struct sockaddr *sa,
				 socklen_t len)
{
	const struct sx_config *c = &st->config;
	struct sx_target t;
	if (c->dns == SX_DNS_LOCAL || !sa || sx_sockaddr_to_target(sa, len, &t) < 0 ||
	    t.port != DNS_PORT)
		return false;
	for (size_t i = 0; i < c->n_dns_intercept; i++)
		if (same(c->dns_intercept_af[i], c->dns_intercept_addr[i], &t))
			return true;
	pthread_once(&once, load);
	for (size_t i = 0; i < n_servers; i++)
		if (same(servers[i].af, servers[i].addr, &t))
			return true;
	return false;
}
