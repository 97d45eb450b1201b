/* SPDX-License-Identifier: MIT */
/* The tree's dead proxies and round-robin positions, in a small area of the fake-DNS
 * table file (or this process's own): lock-free, 32-bit fields only, so a signal handler's
 * connect() and i386 and x86_64 processes of one tree can all use it. */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "../../config/config.h"
#include "../../config/proxy_url.h"
#include "log.h"
#include "proxy_health.h"

#define SLOTS 32u
/* The dead-until time is compared in ms modulo 2^32 (signed difference), so a dead time
 * must stay well under 2^31 ms; the seconds field rules out stale slots past a wrap. */
#define DEAD_MS_MAX (1u << 30)

struct slot {
	_Atomic uint32_t key; /* hash of protocol, host and port; 0: free */
	_Atomic uint32_t until_s;
	_Atomic uint32_t until_ms;
	uint32_t spare;
};

struct sx_health_area {
	struct slot dead[SLOTS];
	_Atomic uint32_t round_robin[SX_GROUPS_MAX];
};
_Static_assert(sizeof(struct sx_health_area) <= SX_HEALTH_AREA_SIZE, "the area outgrew its room");
_Static_assert(sizeof(struct slot) == 16, "the area must not depend on the ABI");

static void *(*_Atomic area_source)(void);
static _Atomic(struct sx_health_area *) area;
static struct sx_health_area own_area; /* no tree table: this process's (and forks' copies) */

void sx_health_set_area_source(void *(*source)(void))
{
	atomic_store(&area_source, source);
}

static struct sx_health_area *get_area(void)
{
	struct sx_health_area *a = atomic_load_explicit(&area, memory_order_acquire);
	if (a)
		return a;
	void *(*source)(void) = atomic_load(&area_source);
	void *shared = source ? source() : NULL;
	struct sx_health_area *want = shared ? shared : &own_area, *none = NULL;
	if (!atomic_compare_exchange_strong(&area, &none, want))
		return none;
	return want;
}

static uint32_t fnv(uint32_t h, uint8_t b)
{
	return (h ^ b) * 16777619u;
}

static uint32_t key_of(const struct sx_proxy *p)
{
	uint32_t h = fnv(2166136261u, (uint8_t)p->proto);
	for (const char *c = p->host; *c; c++) /* ASCII case only: no locale here */
		h = fnv(h, (uint8_t)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c));
	h = fnv(fnv(h, (uint8_t)(p->port >> 8)), (uint8_t)p->port);
	return h ? h : 1;
}

struct stamp {
	uint32_t s, ms;
};

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static struct stamp stamp_of(uint64_t ms)
{
	return (struct stamp){.s = (uint32_t)(ms / 1000), .ms = (uint32_t)ms};
}

static struct slot *find(struct sx_health_area *a, uint32_t key)
{
	for (unsigned i = 0; i < SLOTS; i++)
		if (atomic_load(&a->dead[i].key) == key)
			return &a->dead[i];
	return NULL;
}

static bool slot_dead(struct slot *s, struct stamp now)
{
	uint32_t until_s = atomic_load(&s->until_s), until_ms = atomic_load(&s->until_ms);
	return now.s <= until_s && (int32_t)(until_ms - now.ms) > 0;
}

bool sx_health_is_dead(const struct sx_proxy *p)
{
	struct slot *s = find(get_area(), key_of(p));
	return s && slot_dead(s, stamp_of(now_ms()));
}

/* A free slot, else the one whose dead time ends first (expired ones first of all). */
static struct slot *victim(struct sx_health_area *a)
{
	struct slot *best = &a->dead[0];
	for (unsigned i = 0; i < SLOTS; i++) {
		struct slot *s = &a->dead[i];
		if (!atomic_load(&s->key))
			return s;
		if (atomic_load(&s->until_s) < atomic_load(&best->until_s))
			best = s;
	}
	return best;
}

/* Whether this process has not warned about the proxy yet; a fork warns afresh. */
static bool first_mark_here(uint32_t key)
{
	static _Atomic uint32_t told[SLOTS];
	static _Atomic int told_pid;
	int pid = (int)getpid(), was = atomic_load(&told_pid);
	if (was != pid && atomic_compare_exchange_strong(&told_pid, &was, pid))
		for (unsigned i = 0; i < SLOTS; i++)
			atomic_store(&told[i], 0);
	for (unsigned i = 0; i < SLOTS; i++) {
		_Atomic uint32_t *t = &told[(key + i) % SLOTS];
		uint32_t had = 0;
		if (atomic_compare_exchange_strong(t, &had, key))
			return true;
		if (had == key)
			return false;
	}
	return true;
}

static void warn_dead(const struct sx_proxy *p, unsigned dead_ms, int err)
{
	char url[300];
	sx_proxy_url_format(p, url, sizeof url);
	char span[32];
	if (dead_ms % 1000)
		snprintf(span, sizeof span, "%u ms", dead_ms);
	else
		snprintf(span, sizeof span, "%u s", dead_ms / 1000);
	sx_log(SX_LOG_WARN, "proxy %s marked dead for %s%s%s", url, span, err ? ": " : "",
	       err ? strerror(err) : "");
}

/* Two proxies marked at once may race for the last slot and one mark be lost: that costs
 * one more failed try at it, never a wrong route. */
void sx_health_mark_dead_err(const struct sx_proxy *p, unsigned dead_ms, int err)
{
	if (dead_ms > DEAD_MS_MAX)
		dead_ms = DEAD_MS_MAX;
	struct sx_health_area *a = get_area();
	uint32_t key = key_of(p);
	uint64_t until = now_ms() + dead_ms;
	struct stamp u = stamp_of(until + 999);
	u.ms = (uint32_t)until;
	struct slot *s = find(a, key);
	for (int tries = 0; !s && tries < 8; tries++) {
		struct slot *v = victim(a);
		uint32_t had = atomic_load(&v->key);
		/* Readers of the new key may see the old times for a moment: either expired,
		 * or dead, which it is about to be. */
		if (atomic_compare_exchange_strong(&v->key, &had, key))
			s = v;
		else
			s = find(a, key);
	}
	if (s) {
		atomic_store(&s->until_ms, u.ms);
		atomic_store(&s->until_s, u.s);
	}
	if (dead_ms && first_mark_here(key))
		warn_dead(p, dead_ms, err);
}

void sx_health_mark_dead(const struct sx_proxy *p, unsigned dead_ms)
{
	sx_health_mark_dead_err(p, dead_ms, 0);
}

void sx_health_mark_alive(const struct sx_proxy *p)
{
	uint32_t key = key_of(p);
	struct slot *s = find(get_area(), key);
	if (s)
		atomic_compare_exchange_strong(&s->key, &key, 0);
}

unsigned sx_health_round_robin(unsigned group)
{
	return atomic_fetch_add(&get_area()->round_robin[group % SX_GROUPS_MAX], 1);
}

static uint32_t seed(int pid)
{
	uint32_t v = 0;
	if (getrandom(&v, sizeof v, GRND_NONBLOCK) != (ssize_t)sizeof v)
		v = (uint32_t)now_ms();
	v ^= (uint32_t)pid * 2654435761u;
	return v ? v : 1;
}

/* xorshift32; a fork reseeds, so a child never repeats its parent's numbers. */
unsigned sx_health_random(void)
{
	static _Atomic uint32_t state;
	static _Atomic int state_pid;
	int pid = (int)getpid();
	if (atomic_load(&state_pid) != pid) {
		atomic_store(&state, seed(pid));
		atomic_store(&state_pid, pid);
	}
	uint32_t x = atomic_load(&state), y;
	do {
		y = x ? x : 1;
		y ^= y << 13;
		y ^= y >> 17;
		y ^= y << 5;
	} while (!atomic_compare_exchange_weak(&state, &x, y));
	return y;
}
