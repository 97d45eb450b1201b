/* SPDX-License-Identifier: MIT */
/* /etc/hosts, read by the shim itself: names listed there resolve locally even in remote
 * mode, and are answered from the file without asking DNS. */
#ifndef SX_PRELOAD_HOSTS_H
#define SX_PRELOAD_HOSTS_H

#include <stdbool.h>
#include <stdint.h>

#define SX_HOSTS_ADDRS 16   /* addresses kept per answer; more are dropped */
#define SX_HOSTS_NAMES 1024 /* bytes of names kept from the answering line */

struct sx_hosts_entry {
	int n; /* addresses in addr */
	struct {
		int af; /* 4 or 6 */
		uint8_t a[16];
	} addr[SX_HOSTS_ADDRS];
	int n_names;		    /* the first matching line's names, canonical first */
	char names[SX_HOSTS_NAMES]; /* each followed by a NUL */
};

/* Case-insensitive, one trailing dot ignored. The file is read on first use and again
 * when it has changed (looked at no more than once a second). */
bool sx_hosts_has(const char *name);

/* The addresses of family af (4, 6, or 0 for both) on every line listing name, in file
 * order (e->n may be 0: listed, but not with that family), and the names of the first
 * line listing it. -ENOENT when no line lists name. */
int sx_hosts_by_name(const char *name, int af, struct sx_hosts_entry *e);

/* The names of the first line with address addr (af 4 or 6), that address in
 * e->addr[0]; or -ENOENT. */
int sx_hosts_by_addr(int af, const uint8_t *addr, struct sx_hosts_entry *e);

#endif
