/* SPDX-License-Identifier: MIT */
/* The forwarder's threads: one per direction of each connection, kept when done and
 * handed the next job, so a new connection costs a wake-up, not a new thread. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "forward.h"

struct worker {
	struct worker *next_idle;
	pthread_cond_t wake;
	void *(*job)(void *);
	void *arg;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct worker *idle;

static void *work(void *arg)
{
	struct worker *w = arg;
	for (;;) {
		w->job(w->arg);
		pthread_mutex_lock(&lock);
		w->job = NULL;
		w->next_idle = idle;
		idle = w;
		while (!w->job)
			pthread_cond_wait(&w->wake, &lock);
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

int sx_fwd_spawn(void *(*job)(void *), void *arg)
{
	pthread_mutex_lock(&lock);
	struct worker *w = idle;
	if (w) {
		idle = w->next_idle;
		w->job = job;
		w->arg = arg;
		pthread_cond_signal(&w->wake);
		pthread_mutex_unlock(&lock);
		return 0;
	}
	pthread_mutex_unlock(&lock);
	if (!(w = calloc(1, sizeof *w)))
		return -ENOMEM;
	pthread_cond_init(&w->wake, NULL);
	w->job = job;
	w->arg = arg;
	pthread_t t;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	int r = pthread_create(&t, &attr, work, w);
	pthread_attr_destroy(&attr);
	if (r) {
		pthread_cond_destroy(&w->wake);
		free(w);
	}
	return -r;
}
