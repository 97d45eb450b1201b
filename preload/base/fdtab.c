/* SPDX-License-Identifier: MIT */
/* Per-fd state: an atomic kind byte per fd (read without locks), details in chunks
 * mapped on first use and guarded by a small lock (only proxied fds ever take it). */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "fdtab.h"

#define FD_MAX SX_FDTAB_MAX
#define CHUNK  1024

_Atomic unsigned char sx_fdtab_kinds[FD_MAX];
static struct sx_fdinfo *_Atomic chunks[FD_MAX / CHUNK];
static pthread_mutex_t fdtab_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;
static _Atomic unsigned char busy[FD_MAX];
static atomic_bool busy_used;

/* A fork while another thread holds the lock must not leave it held in the child. */
static void fork_prepare(void)
{
	pthread_mutex_lock(&fdtab_lock);
}

static void fork_release(void)
{
	pthread_mutex_unlock(&fdtab_lock);
}

/* A thread that held a per-fd lock does not exist in the child. */
static void fork_child(void)
{
	pthread_mutex_unlock(&fdtab_lock);
	if (atomic_load(&busy_used))
		memset((void *)busy, 0, sizeof busy);
}

static void atfork_register(void)
{
	pthread_atfork(fork_prepare, fork_release, fork_child);
}

static struct sx_fdinfo *slot(int fd, bool create)
{
	struct sx_fdinfo *c = atomic_load(&chunks[fd / CHUNK]);
	if (!c && create) {
		/* mmap rather than malloc: connect() may be called from a signal handler. */
		void *m = mmap(NULL, CHUNK * sizeof *c, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			return NULL;
		c = m;
		atomic_store(&chunks[fd / CHUNK], c);
	}
	return c ? &c[fd % CHUNK] : NULL;
}

bool sx_fdtab_set(int fd, enum sx_fd_kind kind, const struct sx_fdinfo *info)
{
	if (fd < 0 || fd >= FD_MAX)
		return false;
	pthread_once(&atfork_once, atfork_register);
	pthread_mutex_lock(&fdtab_lock);
	struct sx_fdinfo *s = slot(fd, true);
	if (s)
		*s = *info;
	pthread_mutex_unlock(&fdtab_lock);
	if (!s)
		return false;
	atomic_store_explicit(&sx_fdtab_kinds[fd], (unsigned char)kind, memory_order_release);
	return true;
}

bool sx_fdtab_get(int fd, struct sx_fdinfo *info)
{
	if (sx_fdtab_kind(fd) == SX_FD_NONE)
		return false;
	pthread_mutex_lock(&fdtab_lock);
	struct sx_fdinfo *s = slot(fd, false);
	if (s)
		*info = *s;
	pthread_mutex_unlock(&fdtab_lock);
	return s != NULL;
}

void sx_fdtab_mark(int fd, enum sx_fd_kind kind)
{
	if (fd >= 0 && fd < FD_MAX)
		atomic_store_explicit(&sx_fdtab_kinds[fd], (unsigned char)kind,
				      memory_order_release);
}

int sx_fdtab_take_error(int fd)
{
	if (sx_fdtab_kind(fd) == SX_FD_NONE)
		return 0;
	pthread_mutex_lock(&fdtab_lock);
	struct sx_fdinfo *s = slot(fd, false);
	int e = 0;
	if (s) {
		e = s->so_error;
		s->so_error = 0;
	}
	pthread_mutex_unlock(&fdtab_lock);
	return e;
}

void sx_fdtab_clear(int fd)
{
	if (sx_fdtab_kind(fd) != SX_FD_NONE)
		atomic_store_explicit(&sx_fdtab_kinds[fd], SX_FD_NONE, memory_order_release);
}

void sx_fdtab_copy(int from, int to)
{
	struct sx_fdinfo info;
	enum sx_fd_kind k = sx_fdtab_kind(from);
	if (k == SX_FD_TCP || k == SX_FD_TCP_PENDING)
		sx_fdtab_mark(to, k);
	else if (k != SX_FD_NONE && sx_fdtab_get(from, &info))
		sx_fdtab_set(to, k, &info);
	else
		sx_fdtab_clear(to);
}

void sx_fdtab_forget_with(int fd, void (*release)(int fd, struct sx_fdinfo *info))
{
	if (!sx_fdtab_lock(fd))
		return;
	struct sx_fdinfo info;
	if (sx_fdtab_get(fd, &info))
		release(fd, &info);
	sx_fdtab_clear(fd);
	sx_fdtab_unlock(fd);
}

void sx_fdtab_dup_with(int from, int to, enum sx_fd_kind kind,
		       void (*share)(struct sx_fdinfo *info))
{
	if (!sx_fdtab_lock(from)) {
		sx_fdtab_copy(from, to);
		return;
	}
	struct sx_fdinfo info;
	if (sx_fdtab_get(from, &info)) {
		share(&info);
		sx_fdtab_set(to, kind, &info);
	} else {
		sx_fdtab_clear(to);
	}
	sx_fdtab_unlock(from);
}

/* The fd this thread holds: a signal handler that asks for it again would wait for
 * itself forever, so it is refused instead. */
static __thread int held_fd __attribute__((tls_model("initial-exec"))) = -1;

bool sx_fdtab_lock(int fd)
{
	if (fd < 0 || fd >= FD_MAX || held_fd == fd)
		return false;
	pthread_once(&atfork_once, atfork_register);
	atomic_store(&busy_used, true);
	/* Held for short work (an association's handshake runs with it let go), but a
	 * holder may be descheduled or in a file write: sleep, not spin. */
	for (unsigned i = 0;; i++) {
		unsigned char expect = 0;
		if (atomic_compare_exchange_weak(&busy[fd], &expect, 1)) {
			held_fd = fd;
			return true;
		}
		if (i < 64) {
			sched_yield();
		} else {
			struct timespec ts = {0, 1000000};
			nanosleep(&ts, NULL);
		}
	}
}

void sx_fdtab_unlock(int fd)
{
	if (held_fd == fd)
		held_fd = -1;
	if (fd >= 0 && fd < FD_MAX)
		atomic_store(&busy[fd], 0);
}
