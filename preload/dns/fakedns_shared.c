/* SPDX-License-Identifier: MIT */
/* The process's fake-DNS table: the tree's file (fakedns_file.c) mapped on first use,
 * else a private one. The fd is closed right after mmap, so a program that closes every
 * fd cannot break it; exec'd children find the file again through the environment. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "../../core/fakedns.h"
#include "../base/init.h"
#include "../base/log.h"
#include "../base/proxy_health.h"
#include "fakedns_file.h"
#include "fakedns_shared.h"
#include "tree_lock.h"

#define CAPACITY 65536u

static struct sx_fakedns_cfg cfg;
static pthread_once_t cfg_once = PTHREAD_ONCE_INIT;
static struct sx_table_hdr *hdr; /* NULL when no table can be used */
static void *table;
static bool table_gone; /* an inherited table was removed: fail closed */
static const char *table_path;
static atomic_bool told_nospace;
static atomic_bool told_stuck;
static pthread_once_t map_once = PTHREAD_ONCE_INIT;

static uint32_t random_start(void)
{
	uint32_t v;
	if (getrandom(&v, sizeof v, GRND_NONBLOCK) == (ssize_t)sizeof v)
		return v;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)ts.tv_nsec ^ ((uint32_t)getpid() << 16);
}

static void cfg_load(void)
{
	const struct sx_config *c = &sx_state()->config;
	memcpy(cfg.v4_base, c->fake_net4, 4);
	cfg.v4_prefix = c->fake_prefix4;
	memcpy(cfg.v6_base, c->fake_net6, 16);
	cfg.v6_prefix = c->fake_prefix6;
	cfg.capacity = CAPACITY;
	cfg.start = random_start();
	/* Tables are laid out only in fresh files (truncated to zero first) or fresh
	 * anonymous mappings. */
	cfg.zeroed = true;
}

static bool prefix_match(const uint8_t *a, const uint8_t *base, unsigned prefix)
{
	unsigned bytes = prefix / 8, bits = prefix % 8;
	if (memcmp(a, base, bytes))
		return false;
	if (!bits)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - bits));
	return (a[bytes] & mask) == (base[bytes] & mask);
}

/* Only without a table: the table's own range is the truth, whatever this process's
 * configuration says, since a parent with another range may have made it. */
static bool cfg_in_range(int af, const uint8_t *addr)
{
	if (af == 4)
		return prefix_match(addr, cfg.v4_base, cfg.v4_prefix);
	if (af == 6)
		return prefix_match(addr, cfg.v6_base, cfg.v6_prefix);
	return false;
}

static void use(struct sx_table_hdr *h)
{
	hdr = h;
	table = (char *)h + SX_TABLE_HDR_PAGE;
}

static bool map_private(void)
{
	size_t size = SX_TABLE_HDR_PAGE + sx_fakedns_size(sx_fakedns_capacity(&cfg));
	/* MAP_SHARED even here: forked children still share it with us. */
	void *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		sx_log(SX_LOG_ERROR, "fake DNS table: cannot map %zu bytes", size);
		return false;
	}
	struct sx_table_hdr *h = m;
	h->size = (uint32_t)size;
	atomic_store(&h->reserved, (uint32_t)size); /* not a file: nothing to run out of */
	if (sx_fakedns_file_init(h, size, &cfg) < 0) {
		munmap(m, size);
		return false;
	}
	use(h);
	return true;
}

static void map_table(void)
{
	pthread_once(&cfg_once, cfg_load);
	const char *path = getenv("SOCKSIFY_FAKEDNS");
	if (!path || !*path) {
		sx_log(SX_LOG_DEBUG, "fake DNS table: SOCKSIFY_FAKEDNS not set; using a table "
				     "private to this process and its forks");
		map_private();
		return;
	}
	/* The environment may change later; the table stays the one mapped now. */
	table_path = strdup(path);
	size_t size;
	enum sx_table_err err;
	const char *why = "";
	struct sx_table_hdr *h = sx_fakedns_file_map(path, &cfg, &size, &err, &why);
	if (h) {
		use(h);
		return;
	}
	if (err == SX_TABLE_GONE) {
		/* A new table would hand out the addresses of the old one again. */
		table_gone = true;
		sx_log(SX_LOG_WARN,
		       "fake DNS table %s is gone (it is never made anew: its addresses "
		       "would name other hosts): names resolve with EAI_AGAIN, fake "
		       "addresses fail",
		       path);
		return;
	}
	sx_log(SX_LOG_WARN,
	       "fake DNS table %s: %s%s; using a table private to this process and its "
	       "forks",
	       path, err == SX_TABLE_NOSPACE ? "no room in its file system: " : "", why);
	map_private();
}

/* No pthread_atfork: the lock lives in shared memory, so a parent thread that holds it
 * while another thread forks still releases it for the child. A holder that died is
 * replaced: core publishes a slot last, so a half-written one is simply reused. */
static int lock_table(void)
{
	int r = sx_tree_lock(&hdr->lock);
	if (r < 0 && !atomic_exchange(&told_stuck, true))
		sx_log(SX_LOG_WARN,
		       "fake DNS table %s: a live process holds its lock and does not let go: "
		       "new names resolve with EAI_AGAIN",
		       table_path ? table_path : "");
	return r;
}

_Static_assert(sizeof(struct sx_table_hdr) <= SX_HEALTH_AREA_OFFSET &&
		   SX_HEALTH_AREA_OFFSET + SX_HEALTH_AREA_SIZE <= SX_TABLE_HDR_PAGE,
	       "proxy health's area must lie in the header page, past the header");

/* Only the tree's table: without SOCKSIFY_FAKEDNS no private table is made just for
 * this, and proxy health keeps its memory in the process. */
static void *health_area(void)
{
	const char *path = getenv("SOCKSIFY_FAKEDNS");
	if (!path || !*path)
		return NULL;
	pthread_once(&map_once, map_table);
	return hdr ? (char *)hdr + SX_HEALTH_AREA_OFFSET : NULL;
}

/* Only a pointer is stored at load time: the table is still mapped on first use. */
__attribute__((constructor)) static void register_health_area(void)
{
	sx_health_set_area_source(health_area);
}

int sx_fakedns_shared_assign(const char *name, int af, uint8_t *addr)
{
	pthread_once(&map_once, map_table);
	if (!table)
		return table_gone ? -EAGAIN : -ENOMEM;
	/* Published slots never change: a name that has one needs no lock (nor waits for a
	 * holder that does not let go). */
	int r = sx_fakedns_lookup(table, name, af, addr);
	if (r != -ENOENT)
		return r;
	r = lock_table();
	if (r < 0)
		return r;
	if (sx_fakedns_file_reserve(hdr, sx_fakedns_count(table)) == 0) {
		r = sx_fakedns_assign(table, name, af, addr);
	} else {
		/* Names that have a slot still resolve; a new one would touch memory its
		 * file system has no room for (SIGBUS). */
		r = sx_fakedns_lookup(table, name, af, addr);
		if (r == -ENOENT && !atomic_exchange(&told_nospace, true))
			sx_log(SX_LOG_WARN,
			       "fake DNS table %s: no room left in its file system: new names "
			       "resolve with EAI_AGAIN",
			       table_path ? table_path : "");
		r = r == -ENOENT ? -EAGAIN : r;
	}
	sx_tree_unlock(&hdr->lock);
	return r;
}

const char *sx_fakedns_shared_full_advice(void)
{
	if (table && sx_fakedns_capacity_of(table) < CAPACITY)
		return "it has one name per address: widen SOCKSIFY_FAKE_NET4/SOCKSIFY_FAKE_NET6";
	return "a process tree's table holds at most 65536 names";
}

int sx_fakedns_shared_name(int af, const uint8_t *addr, char name[256])
{
	pthread_once(&map_once, map_table);
	if (!table) {
		pthread_once(&cfg_once, cfg_load);
		return cfg_in_range(af, addr) ? -ENOENT : -EINVAL;
	}
	return sx_fakedns_name(table, af, addr, name);
}

int sx_fakedns_shared_unfake(struct sx_target *t)
{
	char name[256];
	int af = t->kind == SX_TARGET_IPV4 ? 4 : t->kind == SX_TARGET_IPV6 ? 6 : 0;
	if (!af)
		return 0;
	int r = sx_fakedns_shared_name(af, af == 4 ? t->addr.v4 : t->addr.v6, name);
	if (r == -EINVAL)
		return 0;
	if (r < 0 || sx_target_set_name(t, name, t->port) < 0)
		return -EHOSTUNREACH;
	return 1;
}
