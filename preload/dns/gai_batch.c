/* SPDX-License-Identifier: MIT */
/* glibc's asynchronous resolver answered by the shim: what needs no wait is answered at
 * once, the rest by one short-lived thread per request, so no name reaches libc's own
 * queue. The batches, their notification, waiting and cancelling. */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../base/guard.h"
#include "../base/real.h"
#include "addrinfo.h"
#include "gai_batch.h"

/* One getaddrinfo_a() call: notified when its last request is done or cancelled. */
struct batch {
	int pending; /* requests not done, plus one while the call is still submitting */
	bool waited; /* GAI_WAIT: the caller frees it, and nobody is notified */
	struct sigevent sev;
};

/* A request handed to a thread. Name, service and hints are copies: after gai_cancel
 * the program may free its own. */
struct job {
	struct gaicb *cb;    /* NULL once cancelled: the result is then dropped */
	struct batch *batch; /* NULL once cancelled */
	char *name, *service;
	struct addrinfo hints;
	bool has_hints;
	struct job *next; /* in flight */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct job *in_flight;
/* Bumped under the lock at every completion; gai_suspend waits on it as a futex, so a
 * signal interrupts the wait (EAI_INTR) as it does glibc's. */
static int generation;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static void fork_prepare(void)
{
	pthread_mutex_lock(&lock);
}

static void fork_release(void)
{
	pthread_mutex_unlock(&lock);
}

static void atfork_init(void)
{
	pthread_atfork(fork_prepare, fork_release, fork_release);
}

static int futex(int op, int val, const struct timespec *ts)
{
	return (int)sx_real.syscall(SYS_futex, &generation, op, val, ts, NULL, 0);
}

/* Under the lock. */
static struct job **find(const struct gaicb *cb)
{
	struct job **p = &in_flight;
	while (*p && (*p)->cb != cb)
		p = &(*p)->next;
	return p;
}

static void *notify_thread(void *arg)
{
	struct sigevent *sev = arg;
	sev->sigev_notify_function(sev->sigev_value);
	free(sev);
	return NULL;
}

/* SIGEV_SIGNAL to the process with the program's value, or SIGEV_THREAD in a new
 * detached thread with the program's attributes, as glibc does. */
static void notify(const struct sigevent *sev)
{
	if (sev->sigev_notify == SIGEV_SIGNAL) {
		sigqueue(getpid(), sev->sigev_signo, sev->sigev_value);
	} else if (sev->sigev_notify == SIGEV_THREAD && sev->sigev_notify_function) {
		struct sigevent *copy = malloc(sizeof *copy);
		pthread_attr_t attr, *a = sev->sigev_notify_attributes;
		if (!copy)
			return;
		*copy = *sev;
		if (!a) {
			pthread_attr_init(&attr);
			a = &attr;
		}
		pthread_attr_setdetachstate(a, PTHREAD_CREATE_DETACHED);
		pthread_t t;
		if (pthread_create(&t, a, notify_thread, copy) != 0)
			free(copy);
		if (a == &attr)
			pthread_attr_destroy(&attr);
	}
}

/* Called with the lock held, returns with it released: a request of b (NULL: of no
 * batch any more) is done; waiters wake, and the notification goes out (after
 * unlocking) when it was the batch's last. */
static void batch_drop(struct batch *b)
{
	/* A GAI_WAIT caller frees its batch once woken: decide before unlocking. */
	bool last = b && --b->pending == 0 && !b->waited;
	__atomic_add_fetch(&generation, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&lock);
	futex(FUTEX_WAKE_PRIVATE, INT_MAX, NULL);
	if (last) {
		notify(&b->sev);
		free(b);
	}
}

static void job_free(struct job *j)
{
	free(j->name);
	free(j->service);
	free(j);
}

static void *work(void *arg)
{
	struct job *j = arg;
	struct addrinfo *res = NULL;
	int r = sx_addrinfo_resolve(j->name, j->service, j->has_hints ? &j->hints : NULL, &res);
	pthread_mutex_lock(&lock);
	if (j->cb) {
		*find(j->cb) = j->next;
		j->cb->ar_result = r == 0 ? res : NULL;
		__atomic_store_n(&j->cb->__return, r, __ATOMIC_RELEASE);
		res = NULL;
	}
	batch_drop(j->batch);
	if (res)
		freeaddrinfo(res);
	job_free(j);
	return NULL;
}

static char *dup_or_null(const char *s, bool *failed)
{
	char *d = s ? strdup(s) : NULL;
	*failed |= s && !d;
	return d;
}

/* Starts a thread for cb: 0, or EAI_AGAIN / EAI_MEMORY (the request is then not in
 * flight, unless a gai_cancel took it meanwhile). */
static int start(struct gaicb *cb, struct batch *b)
{
	struct job *j = calloc(1, sizeof *j);
	if (!j)
		return EAI_MEMORY;
	bool failed = false;
	j->cb = cb;
	j->batch = b;
	j->name = dup_or_null(cb->ar_name, &failed);
	j->service = dup_or_null(cb->ar_service, &failed);
	if (cb->ar_request) {
		j->has_hints = true;
		j->hints.ai_flags = cb->ar_request->ai_flags;
		j->hints.ai_family = cb->ar_request->ai_family;
		j->hints.ai_socktype = cb->ar_request->ai_socktype;
		j->hints.ai_protocol = cb->ar_request->ai_protocol;
	}
	if (failed) {
		job_free(j);
		return EAI_MEMORY;
	}
	pthread_mutex_lock(&lock);
	__atomic_store_n(&cb->__return, EAI_INPROGRESS, __ATOMIC_RELEASE);
	j->next = in_flight;
	in_flight = j;
	b->pending++;
	pthread_mutex_unlock(&lock);

	/* The thread takes no signal meant for the program (SIGEV_SIGNAL included). */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_t t;
	int r = pthread_create(&t, &attr, work, j);
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r == 0)
		return 0;
	pthread_mutex_lock(&lock);
	if (j->cb) {
		*find(cb) = j->next;
		b->pending--;
	}
	pthread_mutex_unlock(&lock);
	job_free(j);
	return EAI_AGAIN;
}

int sx_gai_batch_submit(int mode, struct gaicb *list[], int nitems, struct sigevent *sevp)
{
	pthread_once(&atfork_once, atfork_init);
	struct batch *b = calloc(1, sizeof *b);
	if (!b)
		return EAI_MEMORY;
	b->pending = 1;
	b->waited = mode == GAI_WAIT;
	b->sev.sigev_notify = SIGEV_NONE;
	if (mode == GAI_NOWAIT && sevp)
		b->sev = *sevp;
	/* A call made while the shim is busy on this thread (a signal handler) must not
	 * take the shim's locks here: every request then goes to a thread. */
	bool now = sx_guard_enter();
	int saved = errno, result = 0;
	for (int i = 0; i < nitems; i++) {
		struct gaicb *cb = list[i];
		if (!cb)
			continue;
		cb->ar_result = NULL;
		int r = now ? sx_addrinfo_now(cb->ar_name, cb->ar_service, cb->ar_request,
					      &cb->ar_result)
			    : SX_GAI_WAITS;
		if (r == SX_GAI_WAITS) {
			r = start(cb, b);
			if (r == 0)
				continue;
			result = r;
		}
		__atomic_store_n(&cb->__return, r, __ATOMIC_RELEASE);
	}
	sx_guard_leave();
	errno = saved;

	pthread_mutex_lock(&lock);
	if (!b->waited) {
		batch_drop(b);
		return result;
	}
	b->pending--;
	while (b->pending > 0) {
		int seen = __atomic_load_n(&generation, __ATOMIC_ACQUIRE);
		pthread_mutex_unlock(&lock);
		futex(FUTEX_WAIT_PRIVATE, seen, NULL);
		pthread_mutex_lock(&lock);
	}
	pthread_mutex_unlock(&lock);
	free(b);
	return result;
}

static long long now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int sx_gai_batch_suspend(const struct gaicb *const list[], int nitems,
			 const struct timespec *timeout)
{
	long long deadline =
	    timeout ? now_ns() + timeout->tv_sec * 1000000000LL + timeout->tv_nsec : 0;
	int saved = errno;
	for (;;) {
		/* As glibc: done at once when a listed request is not in flight (finished,
		 * cancelled, or never ours), or when none is listed. */
		bool wait = false, finished = false;
		pthread_mutex_lock(&lock);
		int seen = __atomic_load_n(&generation, __ATOMIC_ACQUIRE);
		for (int i = 0; i < nitems && !finished; i++)
			if (list[i]) {
				finished = !*find(list[i]);
				wait = true;
			}
		pthread_mutex_unlock(&lock);
		if (!wait || finished)
			break;
		struct timespec left, *ts = NULL;
		if (timeout) {
			long long ns = deadline - now_ns();
			if (ns <= 0) {
				errno = saved;
				return EAI_AGAIN;
			}
			left.tv_sec = (time_t)(ns / 1000000000LL);
			left.tv_nsec = (long)(ns % 1000000000LL);
			ts = &left;
		}
		if (futex(FUTEX_WAIT_PRIVATE, seen, ts) == 0 || errno == EAGAIN)
			continue; /* woken, or a completion came first */
		int e = errno;
		errno = e == EINTR || e == ETIMEDOUT ? saved : e;
		return e == EINTR ? EAI_INTR : e == ETIMEDOUT ? EAI_AGAIN : EAI_SYSTEM;
	}
	errno = saved;
	return 0;
}

int sx_gai_batch_cancel(struct gaicb *req)
{
	/* A request in flight is let go: its thread finishes the lookup and drops the
	 * answer, so the program may free the request at once. */
	pthread_mutex_lock(&lock);
	struct job **p = find(req);
	if (!*p) {
		pthread_mutex_unlock(&lock);
		return EAI_ALLDONE;
	}
	struct job *j = *p;
	*p = j->next;
	struct batch *b = j->batch;
	j->cb = NULL;
	j->batch = NULL;
	req->ar_result = NULL;
	__atomic_store_n(&req->__return, EAI_CANCELED, __ATOMIC_RELEASE);
	batch_drop(b);
	return EAI_CANCELED;
}
