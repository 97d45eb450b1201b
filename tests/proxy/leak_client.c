/* SPDX-License-Identifier: MIT */
/* leak_client MODE HOST PORT: one TCP connect by a way the preload does not see, then
 * one line, "connected" or the errno's name. MODE: libc (also the static build),
 * syscall (syscall(SYS_connect)), dlsym (libc's connect through dlopen/dlsym), uring
 * (IORING_OP_CONNECT, where liburing was there at build time); HOST is resolved with
 * getaddrinfo, which a static program does by itself. */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifndef LEAK_STATIC
#include <dlfcn.h>
#if __has_include(<liburing.h>)
#include <liburing.h>
#define HAVE_URING 1
#endif
#endif

static int connect_uring(int s, const struct sockaddr *sa, socklen_t len)
{
#ifdef HAVE_URING
	struct io_uring ring;
	int r = io_uring_queue_init(2, &ring, 0);
	if (r < 0)
		return r;
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
	io_uring_prep_connect(sqe, s, sa, len);
	struct io_uring_cqe *cqe;
	r = io_uring_submit(&ring);
	if (r >= 0)
		r = io_uring_wait_cqe(&ring, &cqe);
	if (r >= 0) {
		r = cqe->res;
		io_uring_cqe_seen(&ring, cqe);
	}
	io_uring_queue_exit(&ring);
	return r;
#else
	(void)s, (void)sa, (void)len;
	return -ENOSYS;
#endif
}

static int connect_by(const char *mode, int s, const struct sockaddr *sa, socklen_t len)
{
	if (!strcmp(mode, "syscall"))
		return syscall(SYS_connect, s, sa, len) < 0 ? -errno : 0;
	if (!strcmp(mode, "uring"))
		return connect_uring(s, sa, len);
#ifndef LEAK_STATIC
	if (!strcmp(mode, "dlsym")) {
		void *libc = dlopen("libc.so.6", RTLD_NOW);
		int (*real_connect)(int, const struct sockaddr *, socklen_t) =
		    libc ? (int (*)(int, const struct sockaddr *, socklen_t))dlsym(libc, "connect")
			 : NULL;
		if (!real_connect)
			return -ENOSYS;
		return real_connect(s, sa, len) < 0 ? -errno : 0;
	}
#endif
	return connect(s, sa, len) < 0 ? -errno : 0;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: leak_client libc|syscall|dlsym|uring HOST PORT\n");
		return 2;
	}
	struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM};
	struct addrinfo *ai;
	int r = getaddrinfo(argv[2], argv[3], &hints, &ai);
	if (r != 0) {
		printf("getaddrinfo: %s\n", gai_strerror(r));
		return 1;
	}
	int s = (int)syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
	r = s < 0 ? -errno : connect_by(argv[1], s, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(ai);
	if (r == 0)
		printf("connected\n");
	else
		printf("%s\n", strerrorname_np(-r));
	return r == 0 ? 0 : 1;
}
