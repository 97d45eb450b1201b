/* SPDX-License-Identifier: MIT */
/* The inner UDP socket, shared by every association: a datagram from the library goes
 * out through the association whose announced address sent it. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "forward.h"

struct sx_fwd_assoc {
	struct sx_fwd_assoc *next;
	struct sockaddr_in client; /* port 0: not known yet */
	int outer_fd;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct sx_fwd_assoc *assocs;

struct sx_fwd_assoc *sx_fwd_assoc_add(const struct sockaddr_storage *client, int outer_fd)
{
	struct sx_fwd_assoc *a = calloc(1, sizeof *a);
	if (!a)
		return NULL;
	/* Inside there is only 127.0.0.1 (and IPv4-mapped sockets that use it). */
	if (client->ss_family == AF_INET)
		a->client = *(const struct sockaddr_in *)client;
	a->client.sin_family = AF_INET;
	a->outer_fd = outer_fd;
	pthread_mutex_lock(&lock);
	a->next = assocs;
	assocs = a;
	pthread_mutex_unlock(&lock);
	return a;
}

void sx_fwd_assoc_remove(struct sx_fwd_assoc *a)
{
	pthread_mutex_lock(&lock);
	for (struct sx_fwd_assoc **p = &assocs; *p; p = &(*p)->next)
		if (*p == a) {
			*p = a->next;
			break;
		}
	pthread_mutex_unlock(&lock);
	free(a);
}

bool sx_fwd_assoc_client(struct sx_fwd_assoc *a, struct sockaddr_storage *out)
{
	pthread_mutex_lock(&lock);
	bool known = a->client.sin_port != 0;
	memset(out, 0, sizeof *out);
	memcpy(out, &a->client, sizeof a->client);
	pthread_mutex_unlock(&lock);
	return known;
}

/* The announced address, else the first association still waiting to learn it (the
 * library announces all zeros only when it cannot know its own address). */
static struct sx_fwd_assoc *find(const struct sockaddr_in *from)
{
	struct sx_fwd_assoc *waiting = NULL;
	for (struct sx_fwd_assoc *a = assocs; a; a = a->next) {
		if (a->client.sin_port == from->sin_port &&
		    (a->client.sin_addr.s_addr == from->sin_addr.s_addr ||
		     a->client.sin_addr.s_addr == 0))
			return a;
		if (a->client.sin_port == 0)
			waiting = a;
	}
	if (waiting)
		waiting->client = *from;
	return waiting;
}

static void *inner_loop(void *arg)
{
	struct sx_fwd *f = arg;
	static uint8_t buf[65536];
	for (;;) {
		struct sockaddr_in from;
		socklen_t flen = sizeof from;
		ssize_t n =
		    recvfrom(f->udp_fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen);
		if (n < 0 || from.sin_family != AF_INET)
			continue;
		pthread_mutex_lock(&lock);
		struct sx_fwd_assoc *a = find(&from);
		if (a)
			send(a->outer_fd, buf, (size_t)n, MSG_DONTWAIT);
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

void sx_fwd_udp_start(struct sx_fwd *f)
{
	pthread_t t;
	if (pthread_create(&t, NULL, inner_loop, f) == 0)
		pthread_detach(t);
}
