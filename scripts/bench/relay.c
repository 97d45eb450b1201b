/* SPDX-License-Identifier: MIT */
/* A TCP relay that models a network link with a round-trip time: every chunk is delivered
 * RTT/2 after it arrived, in order, while later chunks keep arriving (a server's two replies
 * sent back to back cost one trip, not two). Unlike socksd --delay-ms (think time before each
 * reply), this lets a pipelined handshake show its saved round trip.
 *   relay LISTEN_PORT TO_PORT RTT_MS [READY_FILE]   (127.0.0.1 on both sides) */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench.h"

struct chunk {
	struct chunk *next;
	double due;
	size_t len;
	char data[];
};

struct pipe_dir {
	int in, out;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct chunk *head, **tail;
	int eof;
};

static double half_rtt;
static int to_port;

static void *reader(void *arg)
{
	struct pipe_dir *p = arg;
	char buf[65536];
	ssize_t r;

	while ((r = read(p->in, buf, sizeof(buf))) > 0) {
		struct chunk *c = malloc(sizeof(*c) + (size_t)r);

		if (!c)
			break;
		c->next = NULL;
		c->due = now_s() + half_rtt;
		c->len = (size_t)r;
		memcpy(c->data, buf, (size_t)r);
		pthread_mutex_lock(&p->mu);
		*p->tail = c;
		p->tail = &c->next;
		pthread_cond_signal(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
	pthread_mutex_lock(&p->mu);
	p->eof = 1;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

static void sleep_until(double t)
{
	double d = t - now_s();

	if (d > 0) {
		struct timespec ts = {(time_t)d, (long)((d - (double)(time_t)d) * 1e9)};
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	}
}

static void *writer(void *arg)
{
	struct pipe_dir *p = arg;

	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (!p->head && !p->eof)
			pthread_cond_wait(&p->cv, &p->mu);
		struct chunk *c = p->head;
		if (c) {
			p->head = c->next;
			if (!p->head)
				p->tail = &p->head;
		}
		pthread_mutex_unlock(&p->mu);
		if (!c)
			break;
		sleep_until(c->due);
		ssize_t w = send(p->out, c->data, c->len, MSG_NOSIGNAL);
		free(c);
		if (w < 0)
			break;
	}
	shutdown(p->out, SHUT_WR);
	return NULL;
}

static void *session(void *arg)
{
	int cfd = (int)(intptr_t)arg, one = 1;
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons((uint16_t)to_port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int sfd = socket(AF_INET, SOCK_STREAM, 0);
	struct pipe_dir d[2] = {{.in = cfd, .out = sfd}, {.in = sfd, .out = cfd}};
	pthread_t th[4];

	if (sfd < 0 || connect(sfd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(cfd);
		return NULL;
	}
	setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(sfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	for (int i = 0; i < 2; i++) {
		pthread_mutex_init(&d[i].mu, NULL);
		pthread_cond_init(&d[i].cv, NULL);
		d[i].tail = &d[i].head;
		pthread_create(&th[2 * i], NULL, reader, &d[i]);
		pthread_create(&th[2 * i + 1], NULL, writer, &d[i]);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	close(cfd);
	close(sfd);
	return NULL;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int one = 1;

	if (argc < 4) {
		fputs("usage: relay LISTEN_PORT TO_PORT RTT_MS [READY_FILE]\n", stderr);
		return 2;
	}
	a.sin_port = htons((uint16_t)arg_num(argv[1], 1, 65535));
	to_port = (int)arg_num(argv[2], 1, 65535);
	half_rtt = (double)arg_num(argv[3], 0, 10000) / 2e3;
	int l = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 128) < 0) {
		perror("relay: listen");
		return 1;
	}
	if (argc > 4) {
		FILE *f = fopen(argv[4], "w");
		if (f)
			fclose(f);
	}
	for (;;) {
		int c = accept(l, NULL, NULL);
		pthread_t th;

		if (c < 0)
			continue;
		if (pthread_create(&th, NULL, session, (void *)(intptr_t)c) == 0)
			pthread_detach(th);
		else
			close(c);
	}
}
