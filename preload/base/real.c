/* SPDX-License-Identifier: MIT */
/* The only dlsym(RTLD_NEXT) caller: resolves every interposed libc function once. */
#include <dlfcn.h>
#include <pthread.h>

#include "real.h"

struct sx_real sx_real;
static pthread_once_t real_once = PTHREAD_ONCE_INIT;

#define RESOLVE(name) (*(void **)&sx_real.name = dlsym(RTLD_NEXT, #name))

#define RESOLVE_AS(field, name, old)                                                               \
	do {                                                                                       \
		*(void **)&sx_real.field = dlsym(RTLD_NEXT, name);                                 \
		if (!sx_real.field)                                                                \
			*(void **)&sx_real.field = dlsym(RTLD_NEXT, old);                          \
	} while (0)

static void real_resolve(void)
{
	RESOLVE(connect);
	RESOLVE(getpeername);
	RESOLVE(getsockopt);
	RESOLVE(sendto);
	RESOLVE(sendmsg);
	RESOLVE(close);
	RESOLVE(socket);
	RESOLVE(accept);
	RESOLVE(accept4);
	RESOLVE(dup);
	RESOLVE(dup2);
	RESOLVE(dup3);
	RESOLVE(getaddrinfo);
	RESOLVE(getnameinfo);
	RESOLVE(gethostbyname);
	RESOLVE(gethostbyname2);
	RESOLVE(gethostbyname_r);
	RESOLVE(gethostbyname2_r);
	RESOLVE(gethostbyaddr);
	RESOLVE(gethostbyaddr_r);
	RESOLVE(send);
	RESOLVE(write);
	RESOLVE(writev);
	RESOLVE(sendmmsg);
	RESOLVE(recv);
	RESOLVE(recvfrom);
	RESOLVE(recvmsg);
	RESOLVE(recvmmsg);
	RESOLVE(read);
	RESOLVE(readv);
	*(void **)&sx_real.read_chk = dlsym(RTLD_NEXT, "__read_chk");
	*(void **)&sx_real.recv_chk = dlsym(RTLD_NEXT, "__recv_chk");
	*(void **)&sx_real.recvfrom_chk = dlsym(RTLD_NEXT, "__recvfrom_chk");
	RESOLVE(close_range);
	RESOLVE(closefrom);
	RESOLVE(fcntl);
	RESOLVE(fcntl64);
	RESOLVE(syscall);
	/* Before glibc 2.34 they lived in libresolv, some only as __res_*. */
	RESOLVE_AS(resolv_query, "res_query", "__res_query");
	RESOLVE_AS(resolv_search, "res_search", "__res_search");
	RESOLVE_AS(resolv_querydomain, "res_querydomain", "__res_querydomain");
	RESOLVE_AS(resolv_nquery, "res_nquery", "__res_nquery");
	RESOLVE_AS(resolv_nsearch, "res_nsearch", "__res_nsearch");
	RESOLVE_AS(resolv_nquerydomain, "res_nquerydomain", "__res_nquerydomain");
	RESOLVE_AS(resolv_nsend, "res_nsend", "__res_nsend");
	RESOLVE(poll);
	RESOLVE(ppoll);
	RESOLVE(select);
	RESOLVE(pselect);
	RESOLVE(epoll_ctl);
	RESOLVE(epoll_wait);
	RESOLVE(epoll_pwait);
	RESOLVE(epoll_pwait2);
	RESOLVE(shutdown);
	RESOLVE(getsockname);
	RESOLVE(bind);
	RESOLVE(listen);
	RESOLVE(dlopen);
	RESOLVE(execve);
	RESOLVE(execv);
	RESOLVE(execvp);
	RESOLVE(execvpe);
	RESOLVE(execveat);
	RESOLVE(fexecve);
	RESOLVE(posix_spawn);
	RESOLVE(posix_spawnp);
}

void sx_real_init(void)
{
	pthread_once(&real_once, real_resolve);
}
