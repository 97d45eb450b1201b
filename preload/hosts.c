/* SPDX-License-Identifier: MIT */
/* A private /etc/hosts reader (not gethostent: that would go through NSS and our own
 * hooks), loaded once into static memory and scanned per lookup. */
#include <pthread.h>
#include <string.h>
#include <strings.h>

#include "hosts.h"
#include "readfile.h"

#define HOSTS_MAX (256 * 1024)

static char text[HOSTS_MAX + 1];
static size_t text_len;
static pthread_once_t hosts_once = PTHREAD_ONCE_INIT;

static void hosts_load(void)
{
	ssize_t n = sx_read_file("/etc/hosts", text, HOSTS_MAX);
	text_len = n > 0 ? (size_t)n : 0;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

bool sx_hosts_has(const char *name)
{
	size_t len = strlen(name);
	if (len && name[len - 1] == '.')
		len--;
	if (!len)
		return false;
	pthread_once(&hosts_once, hosts_load);
	const char *p = text, *end = text + text_len;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		const char *hash = memchr(p, '#', (size_t)(eol - p));
		const char *stop = hash ? hash : eol;
		/* The first field is the address; the rest are names. */
		for (int field = 0; p < stop; field++) {
			while (p < stop && is_space(*p))
				p++;
			const char *w = p;
			while (p < stop && !is_space(*p))
				p++;
			size_t wl = (size_t)(p - w);
			if (wl && w[wl - 1] == '.')
				wl--;
			if (field > 0 && wl == len && !strncasecmp(w, name, len))
				return true;
		}
		p = eol + 1;
	}
	return false;
}
