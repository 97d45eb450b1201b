/* SPDX-License-Identifier: MIT */
/* gai_a_client MODE NAME...: resolves the names (AF_INET, port 80) with getaddrinfo_a in
 * one notification mode (wait, none, signal, thread), prints "NAME ok ADDR" or "NAME
 * error TEXT" per name, then GETs / from each address and prints "NAME BODY". Modes
 * cancel and intr take one slow name and print what gai_error, gai_suspend and
 * gai_cancel return while it is pending. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define MAX 16

static struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM};
static struct gaicb cbs[MAX], *list[MAX];
static sem_t notified;
static void *notified_with;

static const char *code(int r)
{
	switch (r) {
	case 0:
		return "0";
	case EAI_INPROGRESS:
		return "EAI_INPROGRESS";
	case EAI_AGAIN:
		return "EAI_AGAIN";
	case EAI_INTR:
		return "EAI_INTR";
	case EAI_CANCELED:
		return "EAI_CANCELED";
	case EAI_NOTCANCELED:
		return "EAI_NOTCANCELED";
	case EAI_ALLDONE:
		return "EAI_ALLDONE";
	default:
		return gai_strerror(r);
	}
}

static void get(const char *name, const struct addrinfo *ai)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0 || connect(s, ai->ai_addr, ai->ai_addrlen) < 0) {
		printf("%s connect: %s\n", name, strerror(errno));
		return;
	}
	static const char req[] = "GET / HTTP/1.0\r\n\r\n";
	char buf[4096];
	size_t n = 0;
	ssize_t r = write(s, req, sizeof req - 1);
	while (r >= 0 && n < sizeof buf - 1 && (r = read(s, buf + n, sizeof buf - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
	close(s);
	const char *body = strstr(buf, "\r\n\r\n");
	body = body ? body + 4 : buf;
	printf("%s %.*s\n", name, (int)strcspn(body, "\r\n"), body);
}

static void report(int n)
{
	for (int i = 0; i < n; i++) {
		int r = gai_error(&cbs[i]);
		if (r != 0) {
			printf("%s error %s\n", cbs[i].ar_name, code(r));
			continue;
		}
		char a[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &((struct sockaddr_in *)cbs[i].ar_result->ai_addr)->sin_addr, a,
			  sizeof a);
		printf("%s ok %s\n", cbs[i].ar_name, a);
	}
	for (int i = 0; i < n; i++)
		if (gai_error(&cbs[i]) == 0) {
			get(cbs[i].ar_name, cbs[i].ar_result);
			freeaddrinfo(cbs[i].ar_result);
		}
}

static void on_thread(union sigval v)
{
	notified_with = v.sival_ptr;
	sem_post(&notified);
}

static void on_alarm(int sig)
{
	(void)sig;
}

static int pending_mode(const char *mode)
{
	int r = getaddrinfo_a(GAI_NOWAIT, list, 1, NULL);
	printf("getaddrinfo_a %s\n", code(r));
	printf("gai_error %s\n", code(gai_error(&cbs[0])));
	const struct gaicb *const *clist = (const struct gaicb *const *)list;
	if (!strcmp(mode, "intr")) {
		/* No SA_RESTART: the wait is interrupted, as the program asked. */
		struct sigaction sa = {.sa_handler = on_alarm};
		sigaction(SIGALRM, &sa, NULL);
		struct itimerval it = {{0, 0}, {0, 300000}};
		setitimer(ITIMER_REAL, &it, NULL);
		struct timespec ts = {30, 0};
		printf("gai_suspend %s\n", code(gai_suspend(clist, 1, &ts)));
	} else {
		struct timespec ts = {0, 300000000};
		printf("gai_suspend %s\n", code(gai_suspend(clist, 1, &ts)));
	}
	printf("gai_cancel %s\n", code(gai_cancel(&cbs[0])));
	printf("gai_error %s\n", code(gai_error(&cbs[0])));
	printf("gai_cancel %s\n", code(gai_cancel(&cbs[0])));
	printf("gai_suspend %s\n", code(gai_suspend(clist, 1, NULL)));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3 || argc - 2 > MAX)
		return 2;
	const char *mode = argv[1];
	int n = argc - 2;
	for (int i = 0; i < n; i++) {
		cbs[i] = (struct gaicb){
		    .ar_name = argv[i + 2], .ar_service = "80", .ar_request = &hints};
		list[i] = &cbs[i];
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(mode, "cancel") || !strcmp(mode, "intr"))
		return pending_mode(mode);

	int r;
	if (!strcmp(mode, "wait")) {
		r = getaddrinfo_a(GAI_WAIT, list, n, NULL);
	} else if (!strcmp(mode, "none")) {
		struct sigevent sev = {.sigev_notify = SIGEV_NONE};
		r = getaddrinfo_a(GAI_NOWAIT, list, n, &sev);
		for (int i = 0; i < n; i++)
			while (gai_error(&cbs[i]) == EAI_INPROGRESS)
				gai_suspend((const struct gaicb *const *)list, n, NULL);
	} else if (!strcmp(mode, "signal")) {
		sigset_t set;
		sigemptyset(&set);
		sigaddset(&set, SIGRTMIN);
		sigprocmask(SIG_BLOCK, &set, NULL);
		struct sigevent sev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGRTMIN};
		sev.sigev_value.sival_int = 4242;
		r = getaddrinfo_a(GAI_NOWAIT, list, n, &sev);
		siginfo_t si;
		struct timespec ts = {20, 0};
		if (sigtimedwait(&set, &si, &ts) == SIGRTMIN)
			printf("signal value=%d queued=%d self=%d\n", si.si_value.sival_int,
			       si.si_code == SI_QUEUE, si.si_pid == getpid());
		else
			printf("no signal: %s\n", strerror(errno));
	} else if (!strcmp(mode, "thread")) {
		sem_init(&notified, 0, 0);
		static int token;
		struct sigevent sev = {.sigev_notify = SIGEV_THREAD};
		sev.sigev_notify_function = on_thread;
		sev.sigev_value.sival_ptr = &token;
		r = getaddrinfo_a(GAI_NOWAIT, list, n, &sev);
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 20;
		if (sem_timedwait(&notified, &ts) == 0)
			printf("thread value=%s\n", notified_with == &token ? "ok" : "wrong");
		else
			printf("no thread: %s\n", strerror(errno));
	} else {
		return 2;
	}
	printf("getaddrinfo_a %s\n", code(r));
	report(n);
	if (!strcmp(mode, "wait"))
		printf("gai_cancel %s\n", code(gai_cancel(&cbs[0])));
	return 0;
}
