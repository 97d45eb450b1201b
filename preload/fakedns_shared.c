/* SPDX-License-Identifier: MIT */
/* Maps the process tree's fake-DNS table: header page (init state, process-shared robust
 * mutex) then core's table. The fd is closed right after mmap, so a program that closes
 * every fd cannot break it; exec'd children find the file again through the environment. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../core/fakedns.h"
#include "fakedns_shared.h"
#include "init.h"
#include "log.h"
#include "real.h"

#define HDR_PAGE     4096u
#define CAPACITY     65536u
#define INIT_WAIT_MS 2000

enum { ST_FRESH = 0, ST_BUSY = 1, ST_READY = 2, ST_BROKEN = 3 };

struct shared_hdr {
	_Atomic uint32_t state;
	uint32_t pad;
	pthread_mutex_t lock; /* serialises sx_fakedns_assign across the tree */
};
_Static_assert(sizeof(struct shared_hdr) <= HDR_PAGE, "header page too small");

static struct sx_fakedns_cfg cfg;
static pthread_once_t cfg_once = PTHREAD_ONCE_INIT;
static struct shared_hdr *hdr; /* NULL when even a private table failed */
static void *table;
static pthread_once_t map_once = PTHREAD_ONCE_INIT;

static void cfg_load(void)
{
	const struct sx_config *c = &sx_state()->config;
	memcpy(cfg.v4_base, c->fake_net4, 4);
	cfg.v4_prefix = c->fake_prefix4;
	memcpy(cfg.v6_base, c->fake_net6, 16);
	cfg.v6_prefix = c->fake_prefix6;
	cfg.capacity = CAPACITY;
	/* Only the process that moves the header from fresh initialises, and nothing has
	 * written a fresh file (ftruncate) or anonymous mapping before it. */
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

static bool cfg_in_range(int af, const uint8_t *addr)
{
	pthread_once(&cfg_once, cfg_load);
	if (af == 4)
		return prefix_match(addr, cfg.v4_base, cfg.v4_prefix);
	if (af == 6)
		return prefix_match(addr, cfg.v6_base, cfg.v6_prefix);
	return false;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};
	nanosleep(&ts, NULL);
}

/* The first mapper lays out the table; the others wait (bounded) for it. */
static bool setup(struct shared_hdr *h, size_t size)
{
	uint32_t expect = ST_FRESH;
	void *t = (char *)h + HDR_PAGE;
	if (atomic_compare_exchange_strong(&h->state, &expect, ST_BUSY)) {
		pthread_mutexattr_t a;
		pthread_mutexattr_init(&a);
		pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
		pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
		int r = pthread_mutex_init(&h->lock, &a);
		pthread_mutexattr_destroy(&a);
		if (r == 0)
			r = -sx_fakedns_init(t, size - HDR_PAGE, &cfg);
		atomic_store(&h->state, r == 0 ? ST_READY : ST_BROKEN);
		if (r)
			sx_log(SX_LOG_WARN, "fake DNS table: cannot initialise: %s", strerror(r));
	} else {
		for (int waited = 0; atomic_load(&h->state) == ST_BUSY && waited < INIT_WAIT_MS;
		     waited++)
			sleep_ms(1);
	}
	return atomic_load(&h->state) == ST_READY && sx_fakedns_valid(t, size - HDR_PAGE);
}

static void *map_file(const char *path, size_t want, size_t *size)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return NULL;
	struct stat sb;
	void *m = NULL;
	/* Only our own regular file: another user could plant one under a guessed name. */
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_uid == geteuid() &&
	    ((size_t)sb.st_size >= want || ftruncate(fd, (off_t)want) == 0)) {
		*size = (size_t)sb.st_size > want ? (size_t)sb.st_size : want;
		m = mmap(NULL, *size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (m == MAP_FAILED)
			m = NULL;
	}
	sx_real.close(fd);
	return m;
}

static void map_table(void)
{
	pthread_once(&cfg_once, cfg_load);
	size_t want = HDR_PAGE + sx_fakedns_size(cfg.capacity), size = want;
	const char *path = getenv("SOCKSIFY_FAKEDNS");
	void *m = path && *path ? map_file(path, want, &size) : NULL;
	if (m && setup(m, size)) {
		hdr = m;
		table = (char *)m + HDR_PAGE;
		return;
	}
	if (m)
		munmap(m, size);
	sx_log(SX_LOG_DEBUG,
	       "fake DNS table: %s%s; using a table private to this process "
	       "and its forks",
	       path && *path ? "cannot use " : "SOCKSIFY_FAKEDNS not set",
	       path && *path ? path : "");
	size = want;
	/* MAP_SHARED even here: forked children still share it with us. */
	m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		sx_log(SX_LOG_ERROR, "fake DNS table: cannot map %zu bytes", size);
		return;
	}
	if (!setup(m, size)) {
		munmap(m, size);
		return;
	}
	hdr = m;
	table = (char *)m + HDR_PAGE;
}

/* No pthread_atfork: the lock lives in shared memory, so a parent thread that holds it
 * while another thread forks still releases it for the child, and a holder that dies
 * is handled by the robust mutex. */
static int lock_table(void)
{
	int r = pthread_mutex_lock(&hdr->lock);
	if (r == EOWNERDEAD) {
		/* core publishes a slot last, so a half-written one is simply reused. */
		pthread_mutex_consistent(&hdr->lock);
		r = 0;
	}
	return r ? -EAGAIN : 0;
}

int sx_fakedns_shared_assign(const char *name, int af, uint8_t *addr)
{
	pthread_once(&map_once, map_table);
	if (!table)
		return -ENOMEM;
	int r = lock_table();
	if (r < 0)
		return r;
	r = sx_fakedns_assign(table, name, af, addr);
	pthread_mutex_unlock(&hdr->lock);
	return r;
}

int sx_fakedns_shared_name(int af, const uint8_t *addr, char name[256])
{
	if (!cfg_in_range(af, addr))
		return -EINVAL;
	pthread_once(&map_once, map_table);
	if (!table)
		return -ENOENT;
	int r = sx_fakedns_name(table, af, addr, name);
	return r == -EINVAL ? -ENOENT : r; /* the table's range differs: still fail closed */
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
