/* SPDX-License-Identifier: MIT */
/* A few registrations per fd, in chunks mapped on first use (as the fd table does), under
 * one small lock: only epoll_ctl() on the program's TCP sockets and handshakes take it. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>

#include "../base/fdtab.h"
#include "../base/real.h"
#include "epoll_shadow.h"

#define REGS 4

struct reg {
	int epfd;
	uint32_t events; /* the program's */
	uint64_t data;	 /* the program's */
	uint32_t ours;	 /* 0: the kernel holds the program's; else the handshake's events */
	bool failed;	 /* ours is the one-shot report of a failed handshake */
};

struct regs {
	int n;
	struct reg r[REGS];
};

atomic_int sx_epoll_shadow_markers;
static struct regs *_Atomic table;
static pthread_mutex_t shadow_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

/* A fork while another thread holds the lock must not leave it held in the child. */
static void fork_prepare(void)
{
	pthread_mutex_lock(&shadow_lock);
}

static void fork_release(void)
{
	pthread_mutex_unlock(&shadow_lock);
}

static void atfork_register(void)
{
	pthread_atfork(fork_prepare, fork_release, fork_release);
}

/* High bits tell a marker from a program's data; the low 24 bits are the fd. The
 * middle ones vary with where the library was loaded, so no program constant matches. */
static uint64_t marker_tag(void)
{
	static uint64_t tag;
	if (!tag)
		tag = (0x5358ULL << 48) | ((((uint64_t)(uintptr_t)&tag >> 12) & 0xffffffULL) << 24);
	return tag;
}

static uint64_t marker(int fd)
{
	return marker_tag() | (uint64_t)(unsigned)fd;
}

bool sx_epoll_shadow_marker(uint64_t data, int *fd)
{
	if ((data & ~0xffffffULL) != marker_tag())
		return false;
	*fd = (int)(data & 0xffffffULL);
	return *fd < SX_FDTAB_MAX;
}

/* One mapping for every fd, made on first use; the kernel backs only the pages that
 * registrations touch. */
static struct regs *regs_of(int fd, bool create)
{
	if (fd < 0 || fd >= SX_FDTAB_MAX)
		return NULL;
	struct regs *t = atomic_load(&table);
	if (!t && create) {
		size_t size = SX_FDTAB_MAX * sizeof *t;
		void *m = mmap(NULL, size, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (m == MAP_FAILED)
			return NULL;
		struct regs *none = NULL;
		if (atomic_compare_exchange_strong(&table, &none, m))
			t = m;
		else {
			munmap(m, size);
			t = none;
		}
	}
	return t ? &t[fd] : NULL;
}

static struct reg *find(struct regs *rs, int epfd)
{
	for (int i = 0; rs && i < rs->n; i++)
		if (rs->r[i].epfd == epfd)
			return &rs->r[i];
	return NULL;
}

/* r->ours changes: the count of marked registrations follows. */
static void mark(struct reg *r, uint32_t ours)
{
	if (!r->ours != !ours)
		atomic_fetch_add(&sx_epoll_shadow_markers, ours ? 1 : -1);
	r->ours = ours;
}

static void drop(struct regs *rs, struct reg *r)
{
	mark(r, 0);
	*r = rs->r[--rs->n];
}

static int set_ours(int epfd, int op, int fd, uint32_t need)
{
	struct epoll_event ev = {.events = need, .data.u64 = marker(fd)};
	return sx_real.epoll_ctl(epfd, op, fd, &ev);
}

int sx_epoll_shadow_ctl(int epfd, int op, int fd, struct epoll_event *ev, bool pending,
			uint32_t need)
{
	if (op != EPOLL_CTL_DEL && !ev)
		return sx_real.epoll_ctl(epfd, op, fd, ev);
	pthread_once(&atfork_once, atfork_register);
	pthread_mutex_lock(&shadow_lock);
	struct regs *rs = regs_of(fd, op == EPOLL_CTL_ADD);
	struct reg *r = find(rs, epfd);
	int ret;
	if (op == EPOLL_CTL_ADD) {
		/* A registration past the few recorded stays the program's own. */
		bool record = rs && !r && rs->n < REGS;
		bool ours = pending && record;
		ret = ours ? set_ours(epfd, op, fd, need) : sx_real.epoll_ctl(epfd, op, fd, ev);
		if (ret == 0 && record) {
			r = &rs->r[rs->n++];
			*r = (struct reg){epfd, ev->events, ev->data.u64, 0, false};
			mark(r, ours ? need : 0);
		}
	} else if (op == EPOLL_CTL_MOD && r) {
		r->events = ev->events;
		r->data = ev->data.u64;
		ret =
		    r->ours ? set_ours(epfd, op, fd, r->ours) : sx_real.epoll_ctl(epfd, op, fd, ev);
	} else {
		if (op == EPOLL_CTL_DEL && r)
			drop(rs, r);
		ret = sx_real.epoll_ctl(epfd, op, fd, ev);
	}
	int e = errno;
	pthread_mutex_unlock(&shadow_lock);
	errno = e;
	return ret;
}

void sx_epoll_shadow_hijack(int fd, uint32_t need)
{
	pthread_mutex_lock(&shadow_lock);
	struct regs *rs = regs_of(fd, false);
	for (int i = 0; rs && i < rs->n; i++) {
		struct reg *r = &rs->r[i];
		if (r->ours != need && set_ours(r->epfd, EPOLL_CTL_MOD, fd, need) == 0)
			mark(r, need);
	}
	pthread_mutex_unlock(&shadow_lock);
}

void sx_epoll_shadow_readd(int fd, uint32_t need)
{
	pthread_mutex_lock(&shadow_lock);
	struct regs *rs = regs_of(fd, false);
	for (int i = 0; rs && i < rs->n; i++)
		if (set_ours(rs->r[i].epfd, EPOLL_CTL_ADD, fd, need) == 0)
			mark(&rs->r[i], need);
	pthread_mutex_unlock(&shadow_lock);
}

void sx_epoll_shadow_restore(int fd)
{
	pthread_mutex_lock(&shadow_lock);
	struct regs *rs = regs_of(fd, false);
	for (int i = 0; rs && i < rs->n; i++) {
		struct reg *r = &rs->r[i];
		if (r->ours) {
			struct epoll_event ev = {.events = r->events, .data.u64 = r->data};
			sx_real.epoll_ctl(r->epfd, EPOLL_CTL_MOD, fd, &ev);
		}
	}
	while (rs && rs->n)
		drop(rs, &rs->r[0]);
	pthread_mutex_unlock(&shadow_lock);
}

void sx_epoll_shadow_failed(int fd)
{
	pthread_mutex_lock(&shadow_lock);
	struct regs *rs = regs_of(fd, false);
	for (int i = 0; rs && i < rs->n; i++) {
		struct reg *r = &rs->r[i];
		/* The socket is shut down, so it is writable at once. */
		if (set_ours(r->epfd, EPOLL_CTL_MOD, fd, EPOLLOUT | EPOLLONESHOT) == 0) {
			mark(r, EPOLLOUT | EPOLLONESHOT);
			r->failed = true;
		}
	}
	pthread_mutex_unlock(&shadow_lock);
}

bool sx_epoll_shadow_report(int epfd, int fd, struct epoll_event *out)
{
	pthread_mutex_lock(&shadow_lock);
	struct regs *rs = regs_of(fd, false);
	struct reg *r = find(rs, epfd);
	bool found = r && r->failed;
	if (found) {
		uint32_t asked = r->events & (EPOLLIN | EPOLLOUT | EPOLLRDHUP);
		*out = (struct epoll_event){.events = asked | EPOLLERR | EPOLLHUP,
					    .data.u64 = r->data};
		/* A one-shot registration stays disarmed, as after any report. */
		if (!(r->events & EPOLLONESHOT)) {
			struct epoll_event ev = {.events = r->events, .data.u64 = r->data};
			sx_real.epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev);
		}
		drop(rs, r);
	}
	pthread_mutex_unlock(&shadow_lock);
	return found;
}

void sx_epoll_shadow_detach(int fd)
{
	pthread_mutex_lock(&shadow_lock);
	struct regs *rs = regs_of(fd, false);
	for (int i = 0; rs && i < rs->n; i++)
		sx_real.epoll_ctl(rs->r[i].epfd, EPOLL_CTL_DEL, fd, NULL);
	pthread_mutex_unlock(&shadow_lock);
}

void sx_epoll_shadow_reattach(int fd)
{
	pthread_mutex_lock(&shadow_lock);
	struct regs *rs = regs_of(fd, false);
	for (int i = 0; rs && i < rs->n; i++) {
		struct epoll_event ev = {.events = rs->r[i].events, .data.u64 = rs->r[i].data};
		sx_real.epoll_ctl(rs->r[i].epfd, EPOLL_CTL_ADD, fd, &ev);
	}
	pthread_mutex_unlock(&shadow_lock);
}

void sx_epoll_shadow_forget(int fd)
{
	struct regs *rs = regs_of(fd, false);
	if (!rs || !rs->n)
		return;
	pthread_mutex_lock(&shadow_lock);
	while (rs->n)
		drop(rs, &rs->r[0]);
	pthread_mutex_unlock(&shadow_lock);
}
