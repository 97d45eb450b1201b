/* SPDX-License-Identifier: MIT */
/* A private /etc/hosts reader (not gethostent: that would go through NSS and our own
 * hooks), loaded once into static memory and scanned per lookup. */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

#include "../base/log.h"
#include "../base/readfile.h"
#include "hosts.h"

#define HOSTS_MAX  (1024 * 1024) /* static memory: only the pages a file fills are used */
#define LINE_WORDS 64		 /* the address and up to 63 names; glibc keeps fewer */

static char text[HOSTS_MAX + 1];
static size_t text_len;
static pthread_once_t hosts_once = PTHREAD_ONCE_INIT;

/* A longer file is read to its last whole line within the limit, and said so once: a
 * name past the cut would otherwise go to the proxy silently, not to its address here. */
static void hosts_load(void)
{
	ssize_t n = sx_read_file("/etc/hosts", text, HOSTS_MAX + 1);
	text_len = n > 0 ? (size_t)n : 0;
	if (text_len > HOSTS_MAX) {
		const char *eol = memrchr(text, '\n', HOSTS_MAX);
		text_len = eol ? (size_t)(eol - text) + 1 : 0;
		sx_log(SX_LOG_ERROR,
		       "/etc/hosts is over %d KiB: names after its first %zu bytes are not local "
		       "names",
		       HOSTS_MAX / 1024, text_len);
	}
}

struct line {
	const char *addr_text; /* the first field, parsed only for lines that matter */
	size_t addr_len;
	int af; /* after parse_addr: 0 for an address glibc would not take */
	uint8_t addr[16];
	int n; /* names */
	const char *name[LINE_WORDS];
	size_t len[LINE_WORDS]; /* one trailing dot dropped */
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* The line at *p, *p moved past it. false at the end of the file. */
static bool next_line(const char **p, struct line *l)
{
	const char *end = text + text_len;
	if (*p >= end)
		return false;
	const char *eol = memchr(*p, '\n', (size_t)(end - *p));
	if (!eol)
		eol = end;
	const char *hash = memchr(*p, '#', (size_t)(eol - *p));
	const char *stop = hash ? hash : eol, *q = *p;
	*p = eol + 1;
	l->addr_len = 0;
	l->n = 0;
	for (int field = 0; q < stop; field++) {
		while (q < stop && is_space(*q))
			q++;
		const char *w = q;
		while (q < stop && !is_space(*q))
			q++;
		size_t wl = (size_t)(q - w);
		if (!wl)
			break;
		if (field == 0) {
			l->addr_text = w;
			l->addr_len = wl;
			continue;
		}
		if (w[wl - 1] == '.')
			wl--;
		if (wl && l->n < LINE_WORDS) {
			l->name[l->n] = w;
			l->len[l->n++] = wl;
		}
	}
	return true;
}

/* The line's address: its family (4 or 6), or 0 when glibc would skip the line. */
static int parse_addr(struct line *l)
{
	char a[INET6_ADDRSTRLEN];
	memset(l->addr, 0, sizeof l->addr);
	l->af = 0;
	if (!l->addr_len || l->addr_len >= sizeof a)
		return 0;
	memcpy(a, l->addr_text, l->addr_len);
	a[l->addr_len] = '\0';
	l->af = inet_pton(AF_INET, a, l->addr) == 1    ? 4
		: inet_pton(AF_INET6, a, l->addr) == 1 ? 6
						       : 0;
	return l->af;
}

static bool lists(const struct line *l, const char *name, size_t len)
{
	for (int i = 0; i < l->n; i++)
		if (l->len[i] == len && !strncasecmp(l->name[i], name, len))
			return true;
	return false;
}

static void keep_names(const struct line *l, struct sx_hosts_entry *e)
{
	size_t off = 0;
	e->n_names = 0;
	for (int i = 0; i < l->n && off + l->len[i] + 1 <= sizeof e->names; i++) {
		memcpy(e->names + off, l->name[i], l->len[i]);
		off += l->len[i];
		e->names[off++] = '\0';
		e->n_names++;
	}
}

/* name's length without its one allowed trailing dot; the file loaded. */
static size_t key_len(const char *name)
{
	size_t len = strlen(name);
	if (len && name[len - 1] == '.')
		len--;
	pthread_once(&hosts_once, hosts_load);
	return len;
}

int sx_hosts_by_name(const char *name, int af, struct sx_hosts_entry *e)
{
	size_t len = key_len(name);
	if (!len)
		return -ENOENT;
	bool found = false;
	struct line l;
	e->n = 0;
	for (const char *p = text; next_line(&p, &l);) {
		if (!lists(&l, name, len) || !parse_addr(&l))
			continue;
		if (!found)
			keep_names(&l, e);
		found = true;
		if ((af == 0 || af == l.af) && e->n < SX_HOSTS_ADDRS) {
			e->addr[e->n].af = l.af;
			memcpy(e->addr[e->n++].a, l.addr, 16);
		}
	}
	return found ? 0 : -ENOENT;
}

/* Every proxied lookup asks this: it stops at the first line listing the name. */
bool sx_hosts_has(const char *name)
{
	size_t len = key_len(name);
	if (!len)
		return false;
	struct line l;
	for (const char *p = text; next_line(&p, &l);)
		if (lists(&l, name, len) && parse_addr(&l))
			return true;
	return false;
}

int sx_hosts_by_addr(int af, const uint8_t *addr, struct sx_hosts_entry *e)
{
	pthread_once(&hosts_once, hosts_load);
	struct line l;
	for (const char *p = text; next_line(&p, &l);) {
		if (!l.n || parse_addr(&l) != af || memcmp(l.addr, addr, af == 4 ? 4 : 16))
			continue;
		keep_names(&l, e);
		e->n = 1;
		e->addr[0].af = af;
		memcpy(e->addr[0].a, addr, af == 4 ? 4 : 16);
		return 0;
	}
	return -ENOENT;
}
