/* SPDX-License-Identifier: MIT */
/* A private /etc/hosts reader (not gethostent: that would go through NSS and our own
 * hooks), kept in static memory, scanned per lookup, and read again when the file has
 * changed (its identity looked at no more than once a second). */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "../base/log.h"
#include "../base/readfile.h"
#include "hosts.h"

#define HOSTS_PATH "/etc/hosts"
#define HOSTS_MAX  (1024 * 1024) /* static memory: only the pages a file fills are used */
#define LINE_WORDS 64		 /* the address and up to 63 names; glibc keeps fewer */
#define RECHECK_MS 1000

/* Two copies: a lookup holds the current one (its count of readers) while it scans; a
 * re-read fills the other once nobody holds it and then makes it current. No lock and
 * no malloc: a lookup may come from connect() in a signal handler. */
struct copy {
	atomic_int readers;
	size_t len;
	struct stat id; /* what the file was when read: device, inode, size, mtime */
	char text[HOSTS_MAX + 1];
};

static struct copy copies[2];
static atomic_int current;
static atomic_llong checked_ms;
static atomic_flag reading = ATOMIC_FLAG_INIT;
static pthread_once_t hosts_once = PTHREAD_ONCE_INIT;

/* A longer file is read to its last whole line within the limit, and said so once: a
 * name past the cut would otherwise go to the proxy silently, not to its address here. */
static void load(struct copy *c)
{
	static atomic_bool told;
	if (stat(HOSTS_PATH, &c->id) < 0)
		memset(&c->id, 0, sizeof c->id);
	ssize_t n = sx_read_file(HOSTS_PATH, c->text, HOSTS_MAX + 1);
	c->len = n > 0 ? (size_t)n : 0;
	if (c->len > HOSTS_MAX) {
		const char *eol = memrchr(c->text, '\n', HOSTS_MAX);
		c->len = eol ? (size_t)(eol - c->text) + 1 : 0;
		if (!atomic_exchange(&told, true))
			sx_log(SX_LOG_ERROR,
			       "/etc/hosts is over %d KiB: names after its first %zu bytes are "
			       "not local names",
			       HOSTS_MAX / 1024, c->len);
	}
}

static long long coarse_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* A child has only the thread that forked: no lookup of another thread holds a copy. */
static void fork_child(void)
{
	atomic_store(&copies[0].readers, 0);
	atomic_store(&copies[1].readers, 0);
	atomic_flag_clear(&reading);
}

static void first_load(void)
{
	load(&copies[0]);
	atomic_store(&checked_ms, coarse_ms());
	pthread_atfork(NULL, NULL, fork_child);
}

/* At most once a second, one thread at a time: the file again if it has changed. A copy
 * still held (a long scan elsewhere) is left for the next look. */
static void recheck(void)
{
	long long now = coarse_ms(), last = atomic_load(&checked_ms);
	if (now - last < RECHECK_MS || !atomic_compare_exchange_strong(&checked_ms, &last, now))
		return;
	struct stat st;
	if (stat(HOSTS_PATH, &st) < 0)
		memset(&st, 0, sizeof st);
	int cur = atomic_load(&current);
	if (same_file(&st, &copies[cur].id) || atomic_flag_test_and_set(&reading))
		return;
	struct copy *next = &copies[!cur];
	if (atomic_load(&next->readers) == 0) {
		load(next);
		atomic_store(&current, !cur);
	} else {
		atomic_store(&checked_ms, last);
	}
	atomic_flag_clear(&reading);
}

/* The current copy, held until put_copy(). */
static const struct copy *get_copy(void)
{
	pthread_once(&hosts_once, first_load);
	recheck();
	for (;;) {
		int i = atomic_load(&current);
		atomic_fetch_add(&copies[i].readers, 1);
		if (atomic_load(&current) == i)
			return &copies[i];
		atomic_fetch_sub(&copies[i].readers, 1);
	}
}

static void put_copy(const struct copy *c)
{
	atomic_fetch_sub(&copies[c == &copies[1]].readers, 1);
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
static bool next_line(const struct copy *c, const char **p, struct line *l)
{
	const char *end = c->text + c->len;
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

/* name's length without its one allowed trailing dot. */
static size_t key_len(const char *name)
{
	size_t len = strlen(name);
	if (len && name[len - 1] == '.')
		len--;
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
	const struct copy *c = get_copy();
	for (const char *p = c->text; next_line(c, &p, &l);) {
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
	put_copy(c);
	return found ? 0 : -ENOENT;
}

/* Every proxied lookup asks this: it stops at the first line listing the name. */
bool sx_hosts_has(const char *name)
{
	size_t len = key_len(name);
	if (!len)
		return false;
	struct line l;
	bool found = false;
	const struct copy *c = get_copy();
	for (const char *p = c->text; !found && next_line(c, &p, &l);)
		found = lists(&l, name, len) && parse_addr(&l);
	put_copy(c);
	return found;
}

int sx_hosts_by_addr(int af, const uint8_t *addr, struct sx_hosts_entry *e)
{
	struct line l;
	int r = -ENOENT;
	const struct copy *c = get_copy();
	for (const char *p = c->text; r < 0 && next_line(c, &p, &l);) {
		if (!l.n || parse_addr(&l) != af || memcmp(l.addr, addr, af == 4 ? 4 : 16))
			continue;
		keep_names(&l, e);
		e->n = 1;
		e->addr[0].af = af;
		memcpy(e->addr[0].a, addr, af == 4 ? 4 : 16);
		r = 0;
	}
	put_copy(c);
	return r;
}
