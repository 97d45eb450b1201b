/* SPDX-License-Identifier: MIT */
/* The table of asynchronous handshakes. A slot is mapped per handshake (connect() may be
 * called from a signal handler, so no malloc), found by fd under one lock, and driven by
 * one thread at a time (a busy flag, never waited for: another thread's call sees the
 * socket as still connecting). The handshake itself never blocks (base/session.c). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../base/fdtab.h"
#include "../base/io.h"
#include "../base/real.h"
#include "epoll_shadow.h"
#include "tcp_bind.h"
#include "tcp_connect.h"
#include "tcp_pending.h"

#define ALIASES 4
#define SLOTS	1024

struct pending {
	struct sx_session s;
	struct sockaddr_storage peer; /* as the program gave it to connect() */
	socklen_t peer_len;
	pid_t owner;
	atomic_bool busy;
	short need;
	unsigned swaps; /* the session's, as the epoll registrations last saw it */
	int fds[ALIASES];
	int nfds;
};

atomic_int sx_tcp_pending_count;
static struct pending *by_fd[SX_FDTAB_MAX];
static struct pending *slots[SLOTS];
static int n_slots;
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
/* A signal handler that interrupts this thread inside the lock must not wait for it. */
static __thread bool in_lock __attribute__((tls_model("initial-exec")));
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static void fork_prepare(void)
{
	pthread_mutex_lock(&table_lock);
}

static void fork_parent(void)
{
	pthread_mutex_unlock(&table_lock);
}

/* A thread that was driving a handshake does not exist in the child. */
static void fork_child(void)
{
	pthread_mutex_unlock(&table_lock);
	for (int i = 0; i < n_slots; i++)
		atomic_store(&slots[i]->busy, false);
}

static void atfork_register(void)
{
	pthread_atfork(fork_prepare, fork_parent, fork_child);
}

static bool lock(void)
{
	if (in_lock)
		return false;
	pthread_mutex_lock(&table_lock);
	in_lock = true;
	return true;
}

static void unlock(void)
{
	in_lock = false;
	pthread_mutex_unlock(&table_lock);
}

bool sx_tcp_pending_add(const struct sx_session *s, short need, const struct sockaddr *peer,
			socklen_t peer_len)
{
	int fd = s->fd;
	if (fd < 0 || fd >= SX_FDTAB_MAX)
		return false;
	pthread_once(&atfork_once, atfork_register);
	void *m = mmap(NULL, sizeof(struct pending), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return false;
	struct pending *p = m;
	sx_session_move(&p->s, s);
	p->peer_len = peer_len < sizeof p->peer ? peer_len : sizeof p->peer;
	memcpy(&p->peer, peer, p->peer_len);
	p->owner = getpid();
	p->need = need;
	p->swaps = s->swaps;
	p->fds[0] = fd;
	p->nfds = 1;
	if (!lock()) {
		munmap(m, sizeof *p);
		return false;
	}
	bool room = n_slots < SLOTS && !by_fd[fd];
	if (room) {
		slots[n_slots++] = p;
		by_fd[fd] = p;
		atomic_fetch_add(&sx_tcp_pending_count, 1);
		sx_fdtab_mark(fd, SX_FD_TCP_PENDING);
	}
	unlock();
	if (!room) {
		munmap(m, sizeof *p);
		return false;
	}
	/* A failover or a pipelining fallback inside connect() put a fresh socket under fd:
	 * the registrations the program made before connect() died with the old one. */
	if (s->swaps)
		sx_epoll_shadow_readd(fd, (uint32_t)need);
	else
		sx_epoll_shadow_hijack(fd, (uint32_t)need);
	return true;
}

/* The slot for fd, marked busy for this thread; NULL if none or someone else's. */
static struct pending *acquire(int fd)
{
	if (fd < 0 || fd >= SX_FDTAB_MAX || !lock())
		return NULL;
	struct pending *p = by_fd[fd];
	bool expect = false;
	if (p && (p->owner != getpid() || !atomic_compare_exchange_strong(&p->busy, &expect, true)))
		p = NULL;
	unlock();
	return p;
}

static void release(struct pending *p)
{
	atomic_store(&p->busy, false);
}

/* The handshake ended: the socket gets its record, the program its epoll registrations,
 * and the slot goes. Called with p acquired. */
/* Takes p out of the table (called locked). */
static void detach(struct pending *p)
{
	for (int i = 0; i < p->nfds; i++)
		if (by_fd[p->fds[i]] == p)
			by_fd[p->fds[i]] = NULL;
	for (int i = 0; i < n_slots; i++)
		if (slots[i] == p) {
			slots[i] = slots[--n_slots];
			break;
		}
	atomic_fetch_sub(&sx_tcp_pending_count, 1);
}

static void end(struct pending *p)
{
	if (lock()) {
		detach(p);
		unlock();
	}
	sx_tcp_record(p->fds[0], &p->s, (struct sockaddr *)&p->peer, p->peer_len, true);
	bool ok = sx_session_result(&p->s, NULL, NULL) == 0;
	for (int i = 0; i < p->nfds; i++) {
		if (i)
			sx_fdtab_copy(p->fds[0], p->fds[i]);
		if (ok)
			sx_epoll_shadow_restore(p->fds[i]);
		else
			sx_epoll_shadow_failed(p->fds[i]);
	}
	munmap(p, sizeof *p);
}

/* After a step: the epoll registrations follow what the handshake waits for. */
static int stepped(struct pending *p, int need)
{
	if (need <= 0) {
		end(p);
		return 0;
	}
	if (p->s.swaps != p->swaps) {
		p->swaps = p->s.swaps;
		for (int i = 0; i < p->nfds; i++)
			sx_epoll_shadow_readd(p->fds[i], (uint32_t)need);
	} else if (need != p->need) {
		for (int i = 0; i < p->nfds; i++)
			sx_epoll_shadow_hijack(p->fds[i], (uint32_t)need);
	}
	p->need = (short)need;
	release(p);
	return need;
}

int sx_tcp_pending_pump(int fd, short revents)
{
	if (sx_fdtab_kind(fd) != SX_FD_TCP_PENDING)
		return 0;
	struct pending *p = acquire(fd);
	if (!p)
		return sx_fdtab_kind(fd) == SX_FD_TCP_PENDING ? -EBUSY : 0;
	return stepped(p, sx_session_step(&p->s, revents));
}

short sx_tcp_pending_need(int fd)
{
	if (sx_fdtab_kind(fd) != SX_FD_TCP_PENDING || !lock())
		return 0;
	struct pending *p = by_fd[fd];
	short need = p && p->owner == getpid() ? p->need : 0;
	unlock();
	return need;
}

/* fd's own deadline, or LLONG_MAX. */
static long long deadline_of(int fd)
{
	if (!lock())
		return LLONG_MAX;
	struct pending *p = by_fd[fd];
	long long d = p ? sx_session_deadline(&p->s) : LLONG_MAX;
	unlock();
	return d;
}

int sx_tcp_pending_finish(int fd, bool interruptible)
{
	for (;;) {
		int r = sx_tcp_pending_pump(fd, 0);
		if (r == 0)
			return 0;
		/* Another thread drives it (or, when past its deadline, no one: a parent's
		 * after fork): look again soon. */
		sx_tcp_pending_expire();
		long long deadline = r == -EBUSY ? sx_io_now_ms() + 5 : deadline_of(fd);
		int ev = sx_io_wait_once(fd, r > 0 ? (short)r : POLLOUT, deadline);
		if (ev == -EINTR && interruptible && sx_io_signal_interrupts())
			return -EINTR;
		if (ev > 0 && r > 0 && sx_tcp_pending_pump(fd, (short)ev) == 0)
			return 0;
	}
}

int sx_tcp_pending_io(int fd)
{
	if (sx_tcp_pending_pump(fd, 0) != 0) {
		int flags = sx_real.fcntl(fd, F_GETFL);
		if (flags >= 0 && (flags & O_NONBLOCK))
			return -EAGAIN;
		int r = sx_tcp_pending_finish(fd, true);
		if (r < 0)
			return r;
	}
	int e = sx_fdtab_kind(fd) == SX_FD_TCP_FAILED ? sx_fdtab_take_error(fd) : 0;
	return -e;
}

long long sx_tcp_pending_deadline(void)
{
	if (!atomic_load(&sx_tcp_pending_count))
		return LLONG_MAX;
	long long d = sx_tcp_bind_deadline();
	if (!lock())
		return d;
	for (int i = 0; i < n_slots; i++) {
		long long t = sx_session_deadline(&slots[i]->s);
		if (t < d)
			d = t;
	}
	unlock();
	return d;
}

void sx_tcp_pending_expire(void)
{
	sx_tcp_bind_expire();
	long long now = sx_io_now_ms();
	int expired[SLOTS];
	int n = 0;
	if (!lock())
		return;
	for (int i = 0; i < n_slots; i++) {
		struct pending *p = slots[i];
		if (sx_session_deadline(&p->s) > now)
			continue;
		if (p->owner == getpid()) {
			expired[n++] = p->fds[0];
		} else {
			/* A parent's handshake the parent still drives: this process only
			 * stops waiting for it (its shutdown would end the parent's too). */
			for (int j = 0; j < p->nfds; j++) {
				struct sx_fdinfo info = {.so_error = ETIMEDOUT};
				by_fd[p->fds[j]] = NULL;
				sx_fdtab_set(p->fds[j], SX_FD_TCP_FAILED, &info);
			}
			slots[i--] = slots[--n_slots];
			atomic_fetch_sub(&sx_tcp_pending_count, 1);
			munmap(p, sizeof *p);
		}
	}
	unlock();
	for (int i = 0; i < n; i++)
		sx_tcp_pending_pump(expired[i], 0);
}

void sx_tcp_pending_dup(int from, int to)
{
	if (to < 0 || to >= SX_FDTAB_MAX)
		return;
	struct pending *p = acquire(from);
	if (!p) {
		sx_fdtab_clear(to);
		return;
	}
	bool added = false;
	if (lock()) {
		if (p->nfds < ALIASES && !by_fd[to]) {
			p->fds[p->nfds++] = to;
			by_fd[to] = p;
			added = true;
		}
		unlock();
	}
	if (added)
		sx_fdtab_mark(to, SX_FD_TCP_PENDING);
	else
		sx_fdtab_clear(to);
	release(p);
}

void sx_tcp_pending_close(int fd)
{
	struct pending *p = acquire(fd);
	if (!p)
		return;
	if (p->nfds > 1 && lock()) {
		for (int i = 0; i < p->nfds; i++)
			if (p->fds[i] == fd) {
				p->fds[i] = p->fds[--p->nfds];
				break;
			}
		by_fd[fd] = NULL;
		unlock();
		/* The handshake goes on through a number still open. */
		sx_session_rebind(&p->s, p->fds[0]);
		sx_epoll_shadow_forget(fd);
		release(p);
		return;
	}
	/* Its last number: the handshake ends unseen. */
	if (lock()) {
		detach(p);
		unlock();
		sx_epoll_shadow_forget(fd);
		munmap(p, sizeof *p);
	} else {
		release(p);
	}
}

void sx_tcp_pending_abort(int fd, int err)
{
	struct pending *p = acquire(fd);
	if (!p)
		return;
	sx_session_abort(&p->s, err);
	end(p);
}
