/* SPDX-License-Identifier: MIT */
/* A small ring of reported addresses under one lock held for O(1) work; fork-safe
 * through pthread_atfork. Addresses compare without their ports: FTP clients bind the
 * data socket to the control connection's address with port 0. */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "../base/real.h"
#include "../base/siglock.h"
#include "../base/sockaddr.h"
#include "bound_addrs.h"

#define RING 16

struct entry {
	struct sx_target local; /* port 0 */
	struct sx_target dst;
	struct sx_hops hops; /* the proxies the connection went through */
};

static struct entry ring[RING];
static atomic_uint n_noted; /* read unlocked: only whether any were noted */

SX_SIGLOCK_DEFINE(ring)

static bool unspecified(const struct sx_target *t)
{
	static const uint8_t zero[16];
	if (t->kind == SX_TARGET_IPV4)
		return !memcmp(t->addr.v4, zero, 4);
	if (t->kind == SX_TARGET_IPV6)
		return !memcmp(t->addr.v6, zero, 16);
	return true;
}

socklen_t sx_bound_addrs_local(int fd, const struct sx_target *bnd, int family,
			       struct sockaddr_storage *out)
{
	struct sx_target t = *bnd;
	if (unspecified(&t)) {
		/* The proxy listens or connects from an address it does not name: its own is
		 * the best guess, as for a UDP relay (protocol notes, section 5). */
		struct sockaddr_storage proxy;
		socklen_t pl = sizeof proxy;
		if (sx_real.getpeername(fd, (struct sockaddr *)&proxy, &pl) < 0 ||
		    sx_sockaddr_to_target((struct sockaddr *)&proxy, pl, &t) < 0)
			return 0;
		t.port = bnd->port;
	}
	int r = sx_target_to_sockaddr(&t, family, out);
	return r > 0 ? (socklen_t)r : 0;
}

static bool to_ip(const struct sockaddr *sa, socklen_t len, struct sx_target *t)
{
	if (sx_sockaddr_to_target(sa, len, t) < 0 || t->kind == SX_TARGET_NAME)
		return false;
	t->port = 0;
	return true;
}

void sx_bound_addrs_note(const struct sockaddr *local, socklen_t len, const struct sx_target *dst,
			 const struct sx_hops *hops)
{
	struct sx_target ip;
	if (!to_ip(local, len, &ip) || unspecified(&ip))
		return;
	if (!ring_lock())
		return;
	struct entry *e = &ring[n_noted++ % RING];
	e->local = ip;
	e->dst = *dst;
	e->hops = *hops;
	ring_unlock();
}

bool sx_bound_addrs_find(const struct sockaddr *sa, socklen_t len, struct sx_target *dst,
			 struct sx_hops *hops)
{
	struct sx_target ip;
	if (!n_noted || !to_ip(sa, len, &ip) || unspecified(&ip))
		return false;
	bool found = false;
	if (!ring_lock())
		return false;
	/* Newest first: the connection an FTP client just asked about. */
	unsigned n = n_noted < RING ? n_noted : RING;
	for (unsigned i = 0; i < n && !found; i++) {
		const struct entry *e = &ring[(n_noted - 1 - i) % RING];
		if (sx_target_equal(&e->local, &ip)) {
			*dst = e->dst;
			*hops = e->hops;
			found = true;
		}
	}
	ring_unlock();
	return found;
}

bool sx_bound_addrs_latest(struct sx_target *dst, struct sx_hops *hops)
{
	if (!n_noted || !ring_lock())
		return false;
	*dst = ring[(n_noted - 1) % RING].dst;
	*hops = ring[(n_noted - 1) % RING].hops;
	ring_unlock();
	return true;
}
