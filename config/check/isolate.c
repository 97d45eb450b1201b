/* SPDX-License-Identifier: MIT */
/* socksify-check isolate: becomes the program inside its own network namespace, after
 * starting the forwarder that stays outside (--strict). The process keeps the wrapper's
 * pid, so exit status, signals, the terminal and job control stay the program's. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../config.h"
#include "../first_hop.h"
#include "check.h"
#include "forward.h"

/* host:port's addresses, up to n: how many, or -EHOSTUNREACH with a line on stderr. */
static int resolve(const struct sx_proxy *p, struct sockaddr_storage *addr, socklen_t *len,
		   size_t n)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
	struct addrinfo *res = NULL;
	char port[8];
	snprintf(port, sizeof port, "%u", p->port);
	int r = getaddrinfo(p->host, port, &hints, &res);
	if (r != 0) {
		fprintf(stderr, "socksify: cannot resolve proxy host '%s': %s\n", p->host,
			gai_strerror(r));
		return -EHOSTUNREACH;
	}
	size_t got = 0;
	for (struct addrinfo *ai = res; ai && got < n; ai = ai->ai_next) {
		memcpy(&addr[got], ai->ai_addr, ai->ai_addrlen);
		len[got++] = ai->ai_addrlen;
	}
	freeaddrinfo(res);
	return (int)got;
}

/* The default proxy, which must resolve, and every other proxy that can be a first hop,
 * each of which may fail alone (connections through it then fail). */
static int resolve_proxy(struct sx_fwd *f, const struct sx_config *c)
{
	int r = resolve(&c->proxy, f->proxy, f->proxy_len, SX_FWD_PROXY_ADDRS);
	if (r < 0)
		return r;
	f->n_proxy = (size_t)r;
	for (unsigned ref = 1; ref < SX_REFS_MAX; ref++) {
		struct sx_fwd_hop *h = &f->hop[ref];
		if (sx_config_first_hop(c, ref))
			h->ok = resolve(sx_config_proxy_at(c, ref), &h->addr, &h->len, 1) == 1;
	}
	return 0;
}

/* Up to n descriptors; returns how many came, or -errno. */
static int recv_fds(int sock, int *fds, size_t n)
{
	char byte;
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(4 * sizeof(int))];
	} ctl;
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	struct msghdr m = {.msg_iov = &iov,
			   .msg_iovlen = 1,
			   .msg_control = ctl.buf,
			   .msg_controllen = CMSG_SPACE(n * sizeof(int))};
	if (recvmsg(sock, &m, MSG_CMSG_CLOEXEC) != 1)
		return -EPIPE;
	struct cmsghdr *h = CMSG_FIRSTHDR(&m);
	if (!h || h->cmsg_type != SCM_RIGHTS || h->cmsg_len < CMSG_LEN(0) ||
	    h->cmsg_len > CMSG_LEN(n * sizeof(int)))
		return -EPROTO;
	size_t got = (h->cmsg_len - CMSG_LEN(0)) / sizeof(int);
	memcpy(fds, CMSG_DATA(h), got * sizeof(int));
	return (int)got;
}

/* The forwarder: a grandchild in its own session (Ctrl-C and hang-ups are the
 * program's, not its), holding nothing of the program's but the link to it. */
static void forwarder(int link, const struct sx_config *c)
{
	static struct sx_fwd f = {.unix_fd = -1};
	setsid();
	if (link > 3)
		close_range(3, (unsigned)link - 1, 0);
	close_range((unsigned)link + 1, ~0U, 0);
	int fds[4];
	int r = resolve_proxy(&f, c);
	f.connect_timeout_ms = c->connect_timeout_ms;
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		if (c->log_level < SX_LOG_WARN)
			dup2(null, 2);
		close(null);
	}
	/* Without the Unix listener the library's connections are relayed instead. */
	if (r == 0 && sx_fwd_unix_open(&f) < 0)
		f.unix_fd = -1;
	int got;
	if (write(link, &r, sizeof r) != (ssize_t)sizeof r || r < 0 ||
	    write(link, f.unix_path, sizeof f.unix_path) != (ssize_t)sizeof f.unix_path ||
	    (got = recv_fds(link, fds, 4)) < 3) {
		sx_fwd_unix_close(&f);
		_exit(1);
	}
	close(link);
	f.listen_fd = fds[0];
	f.udp_fd = fds[1];
	socklen_t len = sizeof f.inner_udp;
	getsockname(f.udp_fd, (struct sockaddr *)&f.inner_udp, &len);
	sx_fwd_run(&f, fds[2], got == 4 ? fds[3] : -1);
}

static int inner_socket(int type, struct sockaddr_in *addr)
{
	socklen_t len = sizeof *addr;
	*addr =
	    (struct sockaddr_in){.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int s = socket(AF_INET, type | SOCK_CLOEXEC, 0);
	if (s < 0 || bind(s, (struct sockaddr *)addr, sizeof *addr) < 0 ||
	    (type == SOCK_STREAM && listen(s, SOMAXCONN) < 0) ||
	    getsockname(s, (struct sockaddr *)addr, &len) < 0) {
		int e = errno;
		if (s >= 0)
			close(s);
		return -e;
	}
	return s;
}

int sx_check_isolation_probe(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		char why[256];
		if (sx_netns_enter(why, sizeof why) < 0) {
			printf("%s\n", why);
			fflush(stdout);
			_exit(1);
		}
		_exit(0);
	}
	int status;
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int sx_check_isolate(const char *preload, bool go, char **argv)
{
	struct sx_config c;
	int r = sx_check_load_config(&c);
	if (r)
		return r;
	/* Decided: isolated means isolated; the user who needs them runs --isolation off. */
	if ((c.bypass.n || c.bypass.all) && c.log_level >= SX_LOG_ERROR)
		fprintf(stderr,
			"socksify: warning: --strict: the bypass list is unreachable from the "
			"isolated namespace (--isolation off reaches it)\n");
	int link[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, link) < 0) {
		perror("socksify: socketpair");
		return 3;
	}
	pid_t mid = fork();
	if (mid == 0) {
		close(link[0]);
		/* Not the program's child: a program that waits for all its children must
		 * not wait for the forwarder. */
		if (fork() == 0)
			forwarder(link[1], &c);
		_exit(0);
	}
	close(link[1]);
	if (mid < 0 || waitpid(mid, NULL, 0) < 0) {
		perror("socksify: fork");
		return 3;
	}
	int ok = -EPIPE;
	if (read(link[0], &ok, sizeof ok) != (ssize_t)sizeof ok)
		fprintf(stderr, "socksify: --strict: the forwarder did not start\n");
	if (ok < 0) /* it told why */
		return ok == -EHOSTUNREACH ? 2 : 3;
	char unix_path[sizeof((struct sx_fwd *)0)->unix_path] = "";
	if (read(link[0], unix_path, sizeof unix_path) != (ssize_t)sizeof unix_path)
		unix_path[0] = '\0';
	unix_path[sizeof unix_path - 1] = '\0';
	char why[256];
	if (sx_netns_enter(why, sizeof why) < 0) {
		fprintf(stderr, "socksify: --strict: %s\n", why);
		return 3;
	}
	/* The namespace and this process (a pidfd where the kernel has them) are named
	 * here: the program may be gone before the forwarder looks. */
	struct sockaddr_in tcp, udp;
	int fds[4] = {inner_socket(SOCK_STREAM, &tcp), inner_socket(SOCK_DGRAM, &udp),
		      open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC),
		      (int)syscall(SYS_pidfd_open, getpid(), 0)};
	size_t n = fds[3] < 0 ? 3 : 4;
	if (fds[0] < 0 || fds[1] < 0 || fds[2] < 0 || sx_fwd_send_fds(link[0], fds, n) < 0) {
		fprintf(stderr, "socksify: --strict: cannot hand the namespace's sockets over\n");
		return 3;
	}
	for (size_t i = 0; i < n; i++)
		close(fds[i]);
	close(link[0]);
	char addr[32];
	snprintf(addr, sizeof addr, "127.0.0.1:%u", ntohs(tcp.sin_port));
	setenv("SOCKSIFY_FORWARDER", addr, 1);
	if (unix_path[0])
		setenv("SOCKSIFY_FORWARDER_UNIX", unix_path, 1);
	/* Strict mode's exec checks only log what the namespace contains anyway. */
	setenv("SOCKSIFY_ISOLATED", "1", 1);
	char url[SX_NAME_MAX * 2 + 32];
	if (go && !sx_check_go_url(&c, addr, url, sizeof url)) {
		setenv("HTTP_PROXY", url, 1);
		setenv("HTTPS_PROXY", url, 1);
	}
	setenv("LD_PRELOAD", preload, 1);
	execvp(argv[0], argv);
	int e = errno;
	fprintf(stderr, "socksify: %s: %s\n", argv[0], strerror(e));
	return e == ENOENT ? 127 : 126;
}
