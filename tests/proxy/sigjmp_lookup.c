/* SPDX-License-Identifier: MIT */
/* sigjmp_lookup MODE NAME HOST PORT: a SIGALRM handler siglongjmps out of a lookup of
 * NAME (MODE getaddrinfo, gethostbyname, gethostbyname_r, res_query, or getnameinfo, which
 * takes NAME as an address), as wget --dns-timeout does; then an HTTP GET to HOST:PORT on the same
 * thread. Prints "jumped" or "returned", then the reply's body. */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static sigjmp_buf env;

static void on_alarm(int sig)
{
	(void)sig;
	siglongjmp(env, 1);
}

static void lookup(const char *mode, const char *name)
{
	if (!strcmp(mode, "getaddrinfo")) {
		struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *res;
		if (getaddrinfo(name, "80", &hints, &res) == 0)
			freeaddrinfo(res);
	} else if (!strcmp(mode, "gethostbyname")) {
		gethostbyname(name);
	} else if (!strcmp(mode, "gethostbyname_r")) {
		struct hostent he, *res;
		char buf[1024];
		int herr;
		gethostbyname_r(name, &he, buf, sizeof buf, &res, &herr);
	} else if (!strcmp(mode, "res_query")) {
		unsigned char ans[512];
		res_query(name, C_IN, T_A, ans, sizeof ans);
	} else if (!strcmp(mode, "getnameinfo")) {
		struct sockaddr_in sa = {.sin_family = AF_INET};
		char host[NI_MAXHOST];
		inet_pton(AF_INET, name, &sa.sin_addr);
		getnameinfo((struct sockaddr *)&sa, sizeof sa, host, sizeof host, NULL, 0, 0);
	} else {
		fprintf(stderr, "unknown mode %s\n", mode);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	if (argc != 5)
		return 2;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	if (sigsetjmp(env, 1) == 0) {
		struct itimerval it = {{0, 0}, {0, 300000}};
		setitimer(ITIMER_REAL, &it, NULL);
		lookup(argv[1], argv[2]);
		struct itimerval off = {{0, 0}, {0, 0}};
		setitimer(ITIMER_REAL, &off, NULL);
		printf("returned\n");
	} else {
		printf("jumped\n");
	}
	fflush(stdout);

	struct sockaddr_in dst = {.sin_family = AF_INET,
				  .sin_port = htons((uint16_t)atoi(argv[4]))};
	inet_pton(AF_INET, argv[3], &dst.sin_addr);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&dst, sizeof dst) < 0) {
		perror("connect");
		return 1;
	}
	static const char req[] = "GET / HTTP/1.0\r\n\r\n";
	if (write(s, req, sizeof req - 1) != (ssize_t)(sizeof req - 1)) {
		perror("write");
		return 1;
	}
	char buf[4096];
	size_t n = 0;
	ssize_t r;
	while (n < sizeof buf - 1 && (r = read(s, buf + n, sizeof buf - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
	const char *body = strstr(buf, "\r\n\r\n");
	printf("%s\n", body ? body + 4 : buf);
	return 0;
}
