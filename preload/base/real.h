/* SPDX-License-Identifier: MIT */
/* The libc functions we interpose, resolved once with dlsym(RTLD_NEXT).
 * All of the shim's own I/O goes through these, so it never re-enters a hook. */
#ifndef SX_PRELOAD_REAL_H
#define SX_PRELOAD_REAL_H

#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>

struct __res_state;

struct sx_real {
	int (*connect)(int, const struct sockaddr *, socklen_t);
	int (*getpeername)(int, struct sockaddr *, socklen_t *);
	int (*getsockopt)(int, int, int, void *, socklen_t *);
	ssize_t (*sendto)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
	ssize_t (*sendmsg)(int, const struct msghdr *, int);
	int (*close)(int);
	int (*socket)(int, int, int);
	int (*accept)(int, struct sockaddr *, socklen_t *);
	int (*accept4)(int, struct sockaddr *, socklen_t *, int);
	int (*dup)(int);
	int (*dup2)(int, int);
	int (*dup3)(int, int, int);
	int (*getaddrinfo)(const char *, const char *, const struct addrinfo *, struct addrinfo **);
	int (*getnameinfo)(const struct sockaddr *, socklen_t, char *, socklen_t, char *, socklen_t,
			   int);
	struct hostent *(*gethostbyname)(const char *);
	struct hostent *(*gethostbyname2)(const char *, int);
	int (*gethostbyname_r)(const char *, struct hostent *, char *, size_t, struct hostent **,
			       int *);
	int (*gethostbyname2_r)(const char *, int, struct hostent *, char *, size_t,
				struct hostent **, int *);
	struct hostent *(*gethostbyaddr)(const void *, socklen_t, int);
	int (*gethostbyaddr_r)(const void *, socklen_t, int, struct hostent *, char *, size_t,
			       struct hostent **, int *);
	/* UDP through the relay (hooks/sendrecv.c) */
	ssize_t (*send)(int, const void *, size_t, int);
	ssize_t (*write)(int, const void *, size_t);
	ssize_t (*writev)(int, const struct iovec *, int);
	int (*sendmmsg)(int, struct mmsghdr *, unsigned int, int);
	ssize_t (*recv)(int, void *, size_t, int);
	ssize_t (*recvfrom)(int, void *, size_t, int, struct sockaddr *, socklen_t *);
	ssize_t (*recvmsg)(int, struct msghdr *, int);
	int (*recvmmsg)(int, struct mmsghdr *, unsigned int, int, struct timespec *);
	ssize_t (*read)(int, void *, size_t);
	ssize_t (*readv)(int, const struct iovec *, int);
	ssize_t (*read_chk)(int, void *, size_t, size_t);
	ssize_t (*recv_chk)(int, void *, size_t, size_t, int);
	ssize_t (*recvfrom_chk)(int, void *, size_t, size_t, int, struct sockaddr *, socklen_t *);
	int (*close_range)(unsigned int, unsigned int, int);
	void (*closefrom)(int);
	int (*fcntl)(int, int, ...);
	int (*fcntl64)(int, int, ...);
	long (*syscall)(long, ...);
	/* The res_query family (res_query.c); in libc since glibc 2.34. */
	int (*resolv_query)(const char *, int, int, unsigned char *, int);
	int (*resolv_search)(const char *, int, int, unsigned char *, int);
	int (*resolv_querydomain)(const char *, const char *, int, int, unsigned char *, int);
	int (*resolv_nquery)(struct __res_state *, const char *, int, int, unsigned char *, int);
	int (*resolv_nsearch)(struct __res_state *, const char *, int, int, unsigned char *, int);
	int (*resolv_nquerydomain)(struct __res_state *, const char *, const char *, int, int,
				   unsigned char *, int);
	int (*resolv_nsend)(struct __res_state *, const unsigned char *, int, unsigned char *, int);
	/* The waits and the socket calls an asynchronous handshake is advanced in
	 * (hooks/wait.c, hooks/epoll.c) */
	int (*poll)(struct pollfd *, nfds_t, int);
	int (*ppoll)(struct pollfd *, nfds_t, const struct timespec *, const sigset_t *);
	int (*select)(int, fd_set *, fd_set *, fd_set *, struct timeval *);
	int (*pselect)(int, fd_set *, fd_set *, fd_set *, const struct timespec *,
		       const sigset_t *);
	int (*epoll_ctl)(int, int, int, struct epoll_event *);
	int (*epoll_wait)(int, struct epoll_event *, int, int);
	int (*epoll_pwait)(int, struct epoll_event *, int, int, const sigset_t *);
	int (*epoll_pwait2)(int, struct epoll_event *, int, const struct timespec *,
			    const sigset_t *);
	int (*shutdown)(int, int);
	/* listening through the proxy (hooks/listen.c, hooks/getsockname.c) */
	int (*getsockname)(int, struct sockaddr *, socklen_t *);
	int (*bind)(int, const struct sockaddr *, socklen_t);
	int (*listen)(int, int);
	/* dlopen.c */
	void *(*dlopen)(const char *, int);
	/* the exec family and posix_spawn (exec.c, spawn.c) */
	int (*execve)(const char *, char *const[], char *const[]);
	int (*execv)(const char *, char *const[]);
	int (*execvp)(const char *, char *const[]);
	int (*execvpe)(const char *, char *const[], char *const[]);
	int (*execveat)(int, const char *, char *const[], char *const[], int);
	int (*fexecve)(int, char *const[], char *const[]);
	int (*posix_spawn)(pid_t *, const char *, const void *, const void *, char *const[],
			   char *const[]);
	int (*posix_spawnp)(pid_t *, const char *, const void *, const void *, char *const[],
			    char *const[]);
};

extern struct sx_real sx_real __attribute__((visibility("hidden")));

/* Idempotent and thread-safe; every hook calls it (hooks can run before constructors). */
void sx_real_init(void);

#endif
