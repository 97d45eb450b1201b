/* SPDX-License-Identifier: MIT */
/* A small per-process ring of addresses learned from resolving names that a route
 * (a direct one: the bypass list) names, each with that route's way. Bounded: the oldest
 * entries give way, which at worst sends a connection the default way (never direct). */
#include <netinet/in.h>
#include <pthread.h>
#include <string.h>

#include "direct_names.h"

#define RING 256

static struct {
	unsigned char af; /* 0 empty, 4, 6 */
	signed char way;
	unsigned char addr[16];
} ring[RING];
static unsigned next;
/* Entries in use: the ring fills from the start, so only these are scanned (none, in a
 * process that resolved no bypass-listed name: every proxied connect asks). */
static _Atomic unsigned filled;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void add(unsigned char af, const void *addr, int way)
{
	size_t n = af == 4 ? 4 : 16;
	pthread_mutex_lock(&lock);
	unsigned used = filled;
	for (unsigned i = 0; i < used; i++)
		if (ring[i].af == af && !memcmp(ring[i].addr, addr, n)) {
			ring[i].way = (signed char)way; /* the newest resolution's route */
			goto out;
		}
	ring[next].af = af;
	ring[next].way = (signed char)way;
	memcpy(ring[next].addr, addr, n);
	next = (next + 1) % RING;
	if (used < RING)
		filled = used + 1;
out:
	pthread_mutex_unlock(&lock);
}

void sx_direct_names_learn(const struct addrinfo *res, int way)
{
	for (const struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		if (ai->ai_family == AF_INET && ai->ai_addrlen >= sizeof(struct sockaddr_in))
			add(4, &((const struct sockaddr_in *)ai->ai_addr)->sin_addr, way);
		else if (ai->ai_family == AF_INET6 && ai->ai_addrlen >= sizeof(struct sockaddr_in6))
			add(6, &((const struct sockaddr_in6 *)ai->ai_addr)->sin6_addr, way);
	}
}

int sx_direct_names_way(const struct sx_target *dst)
{
	unsigned char af = dst->kind == SX_TARGET_IPV4 ? 4 : dst->kind == SX_TARGET_IPV6 ? 6 : 0;
	if (!af || !filled)
		return SX_WAY_NONE;
	const void *a = af == 4 ? (const void *)dst->addr.v4 : (const void *)dst->addr.v6;
	int way = SX_WAY_NONE;
	pthread_mutex_lock(&lock);
	unsigned used = filled;
	for (unsigned i = 0; i < used && way == SX_WAY_NONE; i++)
		if (ring[i].af == af && !memcmp(ring[i].addr, a, af == 4 ? 4 : 16))
			way = ring[i].way;
	pthread_mutex_unlock(&lock);
	return way;
}
