/* SPDX-License-Identifier: MIT */
/* stress_proc: process-model stress for the shim (threads, fork, vfork/posix_spawn, fd
 * closing, exit and signals mid-handshake, a long leak-check loop). Run under socksify:
 * every fetch checks it reached its own target through the proxy. One subcommand per case. */

#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PEER "peer=127.0.0.2\n" /* the bundled proxy's source address, as targets see it */

extern char **environ;

static const char *self;
static bool want_v4 = true;

/* Targets: names with an even number are mapped to the HTTP target, odd ones to whoami,
 * so a connection that reached the wrong target reads the wrong shape of answer. */
enum kind { HTTP, WHOAMI };

static enum kind kind_of(const char *name)
{
	size_t n = strcspn(name, "0123456789");
	return name[n] && atoi(name + n) % 2 ? WHOAMI : HTTP;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int read_all(int fd, char *buf, size_t cap)
{
	size_t got = 0;
	while (got + 1 < cap) {
		ssize_t r = read(fd, buf + got, cap - 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	buf[got] = '\0';
	return (int)got;
}

static int check_answer(const char *what, enum kind k, const char *buf)
{
	const char *body = buf;
	if (k == HTTP) {
		body = strstr(buf, "\r\n\r\n");
		if (strncmp(buf, "HTTP/1.", 7) || !body) {
			fprintf(stderr, "%s: not an HTTP answer: '%.60s'\n", what, buf);
			return -1;
		}
		body += 4;
	}
	if (strcmp(body, PEER)) {
		fprintf(stderr, "%s: wrong answer for %s: '%.200s'\n", what,
			k == HTTP ? "http" : "whoami", buf);
		return -1;
	}
	return 0;
}

/* Connects to addr:80 (already resolved), talks to the target and checks its answer. */
static int fetch_addr(const char *what, const struct sockaddr *sa, socklen_t len, enum kind k)
{
	int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "%s: socket: %s\n", what, strerror(errno));
		return -1;
	}
	struct timeval tv = {20, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	int r;
	do
		r = connect(fd, sa, len);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		fprintf(stderr, "%s: connect: %s\n", what, strerror(errno));
		close(fd);
		return -1;
	}
	/* getpeername names what the program asked for (the fake address), not the proxy */
	struct sockaddr_storage peer;
	socklen_t plen = sizeof peer;
	if (getpeername(fd, (struct sockaddr *)&peer, &plen) < 0 || plen != len ||
	    memcmp(&peer, sa, len)) {
		fprintf(stderr, "%s: getpeername does not give the address connected to\n", what);
		close(fd);
		return -1;
	}
	static const char req[] = "GET / HTTP/1.0\r\n\r\n";
	if (k == HTTP && write(fd, req, sizeof req - 1) != (ssize_t)sizeof req - 1) {
		fprintf(stderr, "%s: write: %s\n", what, strerror(errno));
		close(fd);
		return -1;
	}
	char buf[2048];
	read_all(fd, buf, sizeof buf);
	close(fd);
	return check_answer(what, k, buf);
}

static int resolve(const char *name, struct sockaddr_storage *ss, socklen_t *len)
{
	struct addrinfo hints = {.ai_family = want_v4 ? AF_INET : AF_INET6,
				 .ai_socktype = SOCK_STREAM};
	struct addrinfo *res = NULL;
	int r = getaddrinfo(name, "80", &hints, &res);
	if (r) {
		fprintf(stderr, "getaddrinfo %s: %s\n", name, gai_strerror(r));
		return -1;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

/* Resolves a name (fake DNS under socks5h) and fetches from it. */
static int fetch(const char *name)
{
	struct sockaddr_storage ss;
	socklen_t len;
	if (resolve(name, &ss, &len) < 0)
		return -1;
	return fetch_addr(name, (struct sockaddr *)&ss, len, kind_of(name));
}

/* ---- threads N PREFIX [ROUNDS]: N threads resolve and fetch PREFIX<i>.test at once ---- */

struct tharg {
	const char *prefix;
	int i, rounds, failed;
	pthread_barrier_t *start;
};

static void *thread_main(void *p)
{
	struct tharg *a = p;
	char name[64];
	snprintf(name, sizeof name, "%s%d.test", a->prefix, a->i);
	pthread_barrier_wait(a->start);
	for (int r = 0; r < a->rounds; r++)
		if (fetch(name) < 0)
			a->failed++;
	return NULL;
}

static int cmd_threads(int n, const char *prefix, int rounds)
{
	pthread_t *t = calloc((size_t)n, sizeof *t);
	struct tharg *a = calloc((size_t)n, sizeof *a);
	pthread_barrier_t start;
	pthread_barrier_init(&start, NULL, (unsigned)n);
	for (int i = 0; i < n; i++) {
		a[i] = (struct tharg){.prefix = prefix, .i = i, .rounds = rounds, .start = &start};
		if (pthread_create(&t[i], NULL, thread_main, &a[i])) {
			fprintf(stderr, "pthread_create failed\n");
			return 1;
		}
	}
	int failed = 0;
	for (int i = 0; i < n; i++) {
		pthread_join(t[i], NULL);
		failed += a[i].failed;
	}
	pthread_barrier_destroy(&start);
	free(t);
	free(a);
	printf("ok=%d failed=%d\n", n * rounds - failed, failed);
	return failed != 0;
}

/* ---- fork N PREFIX FORKS: forks while N threads loop through getaddrinfo/connect ---- */

static atomic_bool stop;
static atomic_int busy_fetches, busy_failed;

static void *busy_main(void *p)
{
	const char *name = p;
	while (!atomic_load(&stop)) {
		if (fetch(name) < 0)
			atomic_fetch_add(&busy_failed, 1);
		atomic_fetch_add(&busy_fetches, 1);
	}
	return NULL;
}

/* Waits up to ms for pid; -1 (and kills it) if it did not end. */
static int wait_bounded(pid_t pid, int ms, int *status)
{
	long long deadline = now_ms() + ms;
	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
		if (now_ms() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, status, 0);
			return -1;
		}
		usleep(2000);
	}
}

static int cmd_fork(int n, const char *prefix, int forks)
{
	/* The first fetch initialises the shim; forks then happen inside hooks. */
	char first[64];
	snprintf(first, sizeof first, "%s0.test", prefix);
	if (fetch(first) < 0)
		return 1;
	pthread_t *t = calloc((size_t)n, sizeof *t);
	char(*names)[64] = calloc((size_t)n, 64);
	for (int i = 0; i < n; i++) {
		snprintf(names[i], 64, "%s%d.test", prefix, i);
		pthread_create(&t[i], NULL, busy_main, names[i]);
	}
	int bad = 0, hung = 0;
	for (int f = 0; f < forks; f++) {
		usleep(3000 + (f % 7) * 1000);
		pid_t pid = fork();
		if (pid == 0) {
			/* Only this thread exists here: a lock some other thread held at the
			 * fork must not block the child. A new name exercises the table lock. */
			char name[64];
			snprintf(name, sizeof name, "%s%d.test", prefix, n + f % 8);
			_exit(fetch(name) == 0 && fetch(names[f % n]) == 0 ? 0 : 3);
		}
		int status;
		if (pid < 0 || wait_bounded(pid, 15000, &status) < 0) {
			fprintf(stderr, "fork %d: child did not finish (deadlock?)\n", f);
			hung++;
		} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "fork %d: child failed (status %#x)\n", f, status);
			bad++;
		}
	}
	atomic_store(&stop, true);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	free(t);
	free(names);
	printf("forks=%d hung=%d failed=%d busy=%d busy_failed=%d\n", forks, hung, bad,
	       atomic_load(&busy_fetches), atomic_load(&busy_failed));
	return hung || bad || atomic_load(&busy_failed) || atomic_load(&busy_fetches) < n;
}

/* ---- spawn NAME ADDRNAME: vfork+exec and posix_spawn children that connect ---- */

static int run_child(const char *how, char *const argv[])
{
	pid_t pid;
	if (!strcmp(how, "vfork")) {
		pid = vfork();
		if (pid == 0) {
			execve(self, argv, environ);
			_exit(127);
		}
	} else {
		int r = posix_spawn(&pid, self, NULL, NULL, argv, environ);
		if (r) {
			fprintf(stderr, "posix_spawn: %s\n", strerror(r));
			return -1;
		}
	}
	int status;
	if (pid < 0 || wait_bounded(pid, 20000, &status) < 0) {
		fprintf(stderr, "%s child did not finish\n", how);
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "%s child failed (status %#x)\n", how, status);
		return -1;
	}
	return 0;
}

static int cmd_spawn(const char *name, const char *parent_name)
{
	/* The parent resolves parent_name; the children connect to that fake address,
	 * which only the shared table can turn back into the name. */
	struct sockaddr_storage ss;
	socklen_t len;
	char num[INET6_ADDRSTRLEN];
	if (resolve(parent_name, &ss, &len) < 0 ||
	    getnameinfo((struct sockaddr *)&ss, len, num, sizeof num, NULL, 0, NI_NUMERICHOST))
		return 1;
	char kind[2] = {kind_of(parent_name) == HTTP ? 'h' : 'w', 0};
	int bad = 0;
	static const char *const hows[] = {"vfork", "posix_spawn"};
	for (int i = 0; i < 2; i++) {
		char *const a1[] = {(char *)self, "one", (char *)name, NULL};
		char *const a2[] = {(char *)self, "addr", num, kind, NULL};
		bad += run_child(hows[i], a1) < 0;
		bad += run_child(hows[i], a2) < 0;
	}
	printf("spawned=4 failed=%d\n", bad);
	return bad != 0;
}

static int cmd_addr(const char *num, const char *kind)
{
	struct sockaddr_storage ss = {0};
	socklen_t len;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, num, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(80);
		len = sizeof *s4;
	} else if (inet_pton(AF_INET6, num, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(80);
		len = sizeof *s6;
	} else {
		return 2;
	}
	return fetch_addr(num, (struct sockaddr *)&ss, len, *kind == 'w' ? WHOAMI : HTTP) ? 1 : 0;
}

/* ---- resolve NAME: prints the address getaddrinfo gives NAME (fake under socks5h) ---- */

static int cmd_resolve(const char *name)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char num[INET6_ADDRSTRLEN];
	if (resolve(name, &ss, &len) < 0 ||
	    getnameinfo((struct sockaddr *)&ss, len, num, sizeof num, NULL, 0, NI_NUMERICHOST))
		return 1;
	printf("%s\n", num);
	return 0;
}

/* ---- closeall A B C: close every fd above stderr (3 ways) between lookups ---- */

static int cmd_closeall(const char *a, const char *b, const char *c)
{
	struct sockaddr_storage ss;
	socklen_t len;
	if (fetch(a) < 0 || resolve(a, &ss, &len) < 0)
		return 1;
	if (close_range(3, ~0U, 0) < 0) {
		fprintf(stderr, "close_range: %s\n", strerror(errno));
		return 1;
	}
	if (fetch_addr("after close_range", (struct sockaddr *)&ss, len, kind_of(a)) < 0 ||
	    fetch(b) < 0)
		return 1;
	closefrom(3);
	if (fetch_addr("after closefrom", (struct sockaddr *)&ss, len, kind_of(a)) < 0 ||
	    fetch(c) < 0 || fetch(b) < 0)
		return 1;
	/* A raw system call the shim never sees. */
	if (syscall(SYS_close_range, 3U, ~0U, 0) < 0) {
		fprintf(stderr, "SYS_close_range: %s\n", strerror(errno));
		return 1;
	}
	if (fetch(a) < 0 || fetch(c) < 0)
		return 1;
	printf("ok\n");
	return 0;
}

/* ---- exit N PREFIX: exit() while N threads are mid-handshake with a slow proxy ---- */

static void *exit_thread(void *p)
{
	fetch(p); /* exit() ends it somewhere inside */
	return NULL;
}

static int cmd_exit(int n, const char *prefix, int after_ms)
{
	char(*names)[64] = calloc((size_t)n, 64);
	for (int i = 0; i < n; i++) {
		pthread_t t;
		snprintf(names[i], 64, "%s%d.test", prefix, i);
		pthread_create(&t, NULL, exit_thread, names[i]);
	}
	usleep((useconds_t)after_ms * 1000);
	printf("exiting\n");
	fflush(stdout);
	exit(7);
}

/* ---- signal NAME: SIGALRM every 20 ms during a slow handshake, with/without SA_RESTART ---- */

static atomic_int hits;

static void on_alarm(int sig)
{
	(void)sig;
	atomic_fetch_add(&hits, 1);
}

static int cmd_signal(const char *name)
{
	int bad = 0;
	for (int restart = 0; restart < 2; restart++) {
		struct sigaction sa = {.sa_handler = on_alarm,
				       .sa_flags = restart ? SA_RESTART : 0};
		sigemptyset(&sa.sa_mask);
		sigaction(SIGALRM, &sa, NULL);
		struct sockaddr_storage ss;
		socklen_t len;
		if (resolve(name, &ss, &len) < 0)
			return 1;
		int fd = socket(ss.ss_family, SOCK_STREAM, 0);
		atomic_store(&hits, 0);
		struct itimerval it = {{0, 20000}, {0, 20000}};
		setitimer(ITIMER_REAL, &it, NULL);
		long long t0 = now_ms();
		int r = connect(fd, (struct sockaddr *)&ss, len);
		int e = errno;
		long long took = now_ms() - t0;
		struct itimerval off = {{0, 0}, {0, 0}};
		setitimer(ITIMER_REAL, &off, NULL);
		/* As the kernel's connect: a handler without SA_RESTART interrupts it with
		 * EINTR and the connection goes on (poll sees it end, a second connect
		 * says EISCONN); with SA_RESTART it returns when the handshake ends. */
		bool ended = r == 0;
		if (!restart && r < 0 && e == EINTR) {
			struct pollfd p = {.fd = fd, .events = POLLOUT};
			int soerr = -1;
			socklen_t sl = sizeof soerr;
			ended = poll(&p, 1, 10000) == 1 && p.revents == POLLOUT &&
				getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 &&
				soerr == 0 && connect(fd, (struct sockaddr *)&ss, len) < 0 &&
				errno == EISCONN;
		}
		char buf[512] = "";
		if (ended)
			read_all(fd, buf, sizeof buf);
		close(fd);
		bool ok = ended && (restart ? r == 0 : r < 0 && e == EINTR) &&
			  atomic_load(&hits) > 0 && check_answer(name, WHOAMI, buf) == 0;
		printf("%s: connect=%s hits=%d ms=%lld %s\n",
		       restart ? "SA_RESTART" : "no SA_RESTART", r == 0 ? "0" : strerror(e),
		       atomic_load(&hits), took, ok ? "ok" : "FAILED");
		bad += !ok;
	}
	return bad != 0;
}

/* ---- sigconnect NAME: a signal handler connects while the thread is mid-handshake ---- */

static atomic_int handler_fd = -1;

static void on_alarm_connect(int sig)
{
	(void)sig;
	if (atomic_load(&handler_fd) >= 0)
		return;
	int saved = errno;
	/* connect() is async-signal-safe; the shim is busy on this very thread. */
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(80)};
	inet_pton(AF_INET, "198.51.100.10", &sin.sin_addr);
	int r = connect(fd, (struct sockaddr *)&sin, sizeof sin);
	atomic_store(&handler_fd, r == 0 ? fd : -2);
	errno = saved;
}

static int cmd_sigconnect(const char *name)
{
	struct sigaction sa = {.sa_handler = on_alarm_connect, .sa_flags = SA_RESTART};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = {{0, 0}, {0, 100000}};
	setitimer(ITIMER_REAL, &it, NULL);
	int r = fetch(name);
	int fd = atomic_load(&handler_fd);
	char buf[512] = "";
	if (fd >= 0)
		read_all(fd, buf, sizeof buf);
	printf("main=%s handler=%s", r == 0 ? "ok" : "failed", fd >= 0 ? buf : "no connection\n");
	return r != 0 || check_answer("handler", WHOAMI, buf) != 0;
}

/* ---- loop N PREFIX NAMES: N resolutions of new names and N fetches (leak check) ---- */

static int cmd_loop(int n, const char *prefix, int names)
{
	int failed = 0;
	for (int i = 0; i < n; i++) {
		char name[64];
		struct sockaddr_storage ss;
		socklen_t len;
		snprintf(name, sizeof name, "loop%d.test", i);
		want_v4 = i % 2 == 0;
		if (resolve(name, &ss, &len) < 0)
			failed++;
		struct hostent *h = gethostbyname(name);
		if (!h)
			failed++;
		want_v4 = true;
		snprintf(name, sizeof name, "%s%d.test", prefix, i % names);
		if (fetch(name) < 0)
			failed++;
	}
	printf("iterations=%d failed=%d\n", n, failed);
	return failed != 0;
}

/* ---- dlopen LIB NAME: a library loaded with RTLD_DEEPBIND resolves and connects ---- */

static int cmd_dlopen(const char *lib, const char *name)
{
	void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
	if (!h) {
		fprintf(stderr, "dlopen: %s\n", dlerror());
		return 1;
	}
	int (*deep_fetch)(const char *, char *, size_t);
	*(void **)&deep_fetch = dlsym(h, "deep_fetch");
	if (!deep_fetch) {
		fprintf(stderr, "dlsym: %s\n", dlerror());
		return 1;
	}
	char buf[2048];
	int r = deep_fetch(name, buf, sizeof buf);
	if (r) {
		fprintf(stderr, "deep_fetch %s: %s\n", name, strerror(r));
		return 1;
	}
	printf("%s", buf);
	dlclose(h);
	return 0;
}

int main(int argc, char **argv)
{
	self = argv[0];
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (getenv("STRESS_V6"))
		want_v4 = false;
	const char *c = argc > 1 ? argv[1] : "";
	if (!strcmp(c, "threads") && argc >= 4)
		return cmd_threads(atoi(argv[2]), argv[3], argc > 4 ? atoi(argv[4]) : 1);
	if (!strcmp(c, "fork") && argc == 5)
		return cmd_fork(atoi(argv[2]), argv[3], atoi(argv[4]));
	if (!strcmp(c, "spawn") && argc == 4)
		return cmd_spawn(argv[2], argv[3]);
	if (!strcmp(c, "one") && argc == 3)
		return fetch(argv[2]) ? 1 : 0;
	if (!strcmp(c, "addr") && argc == 4)
		return cmd_addr(argv[2], argv[3]);
	if (!strcmp(c, "resolve") && argc == 3)
		return cmd_resolve(argv[2]);
	if (!strcmp(c, "closeall") && argc == 5)
		return cmd_closeall(argv[2], argv[3], argv[4]);
	if (!strcmp(c, "exit") && argc == 5)
		return cmd_exit(atoi(argv[2]), argv[3], atoi(argv[4]));
	if (!strcmp(c, "signal") && argc == 3)
		return cmd_signal(argv[2]);
	if (!strcmp(c, "loop") && argc == 5)
		return cmd_loop(atoi(argv[2]), argv[3], atoi(argv[4]));
	if (!strcmp(c, "sigconnect") && argc == 3)
		return cmd_sigconnect(argv[2]);
	if (!strcmp(c, "dlopen") && argc == 4)
		return cmd_dlopen(argv[2], argv[3]);
	fprintf(stderr,
		"usage: stress_proc threads N PREFIX [ROUNDS] | fork N PREFIX FORKS |\n"
		"  spawn NAME PARENT_NAME | one NAME | addr IP h|w | resolve NAME |\n"
		"  closeall A B C | exit N PREFIX MS | signal NAME | loop N PREFIX NAMES |\n"
		"  dlopen LIB NAME | sigconnect NAME\n");
	return 2;
}
