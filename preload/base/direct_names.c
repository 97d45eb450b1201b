/* SPDX-License-Identifier: MIT */
/* A small per-process ring of addresses learned from resolving bypass-listed names.
 * Bounded: the oldest entries give way, which at worst sends a connection through the
 * proxy (never the reverse). */
#include <netinet/in.h>
#include <pthread.h>
#include <string.h>

#include "direct_names.h"

#define RING 256

static struct {
	unsigned char af; /* 0 empty, 4, 6 */
	unsigned char addr[16];
} ring[RING];
static unsigned next;
/* Entries in use: the ring fills from the start, so only these are scanned (none, in a
 * process that resolved no bypass-listed name: every proxied connect asks). */
static _Atomic unsigned filled;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void add(unsigned char af, const void *addr)
{
	size_t n = af == 4 ? 4 : 16;
	pthread_mutex_lock(&lock);
	unsigned used = filled;
	for (unsigned i = 0; i < used; i++)
		if (ring[i].af == af && !memcmp(ring[i].addr, addr, n))
			goto out;
	ring[next].af = af;
	memcpy(ring[next].addr, addr, n);
	next = (next + 1) % RING;
	if (used < RING)
		filled = used + 1;
out:
	pthread_mutex_unlock(&lock);
}

void sx_direct_names_learn(const struct addrinfo *res)
{
	for (const struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		if (ai->ai_family == AF_INET && ai->ai_addrlen >= sizeof(struct sockaddr_in))
			add(4, &((const struct sockaddr_in *)ai->ai_addr)->sin_addr);
		else if (ai->ai_family == AF_INET6 && ai->ai_addrlen >= sizeof(struct sockaddr_in6))
			add(6, &((const struct sockaddr_in6 *)ai->ai_addr)->sin6_addr);
	}
}

bool sx_direct_names_has(const struct sx_target *dst)
{
	unsigned char af = dst->kind == SX_TARGET_IPV4 ? 4 : dst->kind == SX_TARGET_IPV6 ? 6 : 0;
	if (!af)
		return false;
	const void *a = af == 4 ? (const void *)dst->addr.v4 : (const void *)dst->addr.v6;
	if (!filled)
		return false;
	bool found = false;
	pthread_mutex_lock(&lock);
	unsigned used = filled;
	for (unsigned i = 0; i < used && !found; i++)
		found = ring[i].af == af && !memcmp(ring[i].addr, a, af == 4 ? 4 : 16);
	pthread_mutex_unlock(&lock);
	return found;
}
