/* SPDX-License-Identifier: MIT */
/* exec_try: starts PROG every way libc offers (execve, execv, execvp, execvpe, execl,
 * execle, execlp, execveat, fexecve, posix_spawn, posix_spawnp) and prints, per way,
 * "WAY ran exit=N" or "WAY ERRNAME". The p-forms find PROG's basename in PATH. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char *const ways[] = {"execve",  "execv",	     "execvp",	    "execvpe",
				   "execl",   "execle",	     "execlp",	    "execveat",
				   "fexecve", "posix_spawn", "posix_spawnp"};

static void do_exec(const char *way, const char *path, const char *base)
{
	char *argv[] = {(char *)base, NULL};
	if (!strcmp(way, "execve"))
		execve(path, argv, environ);
	else if (!strcmp(way, "execv"))
		execv(path, argv);
	else if (!strcmp(way, "execvp"))
		execvp(base, argv);
	else if (!strcmp(way, "execvpe"))
		execvpe(base, argv, environ);
	else if (!strcmp(way, "execl"))
		execl(path, base, (char *)NULL);
	else if (!strcmp(way, "execle"))
		execle(path, base, (char *)NULL, environ);
	else if (!strcmp(way, "execlp"))
		execlp(base, base, (char *)NULL);
	else if (!strcmp(way, "execveat"))
		execveat(AT_FDCWD, path, argv, environ, 0);
	else if (!strcmp(way, "fexecve")) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			fexecve(fd, argv, environ);
	}
}

/* 0 and the child's pid, or the error that stopped it. */
static int start(const char *way, const char *path, const char *base, pid_t *pid)
{
	char *argv[] = {(char *)base, NULL};
	if (!strcmp(way, "posix_spawn"))
		return posix_spawn(pid, path, NULL, NULL, argv, environ);
	if (!strcmp(way, "posix_spawnp"))
		return posix_spawnp(pid, base, NULL, NULL, argv, environ);
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return errno;
	*pid = fork();
	if (*pid == 0) {
		close(p[0]);
		do_exec(way, path, base);
		int e = errno;
		(void)!write(p[1], &e, sizeof e);
		_exit(127);
	}
	close(p[1]);
	int e = 0;
	ssize_t n = read(p[0], &e, sizeof e);
	close(p[0]);
	if (n == (ssize_t)sizeof e) {
		waitpid(*pid, NULL, 0);
		return e;
	}
	return 0;
}

static void try_way(const char *way, const char *path, const char *base)
{
	pid_t pid;
	int e = start(way, path, base, &pid);
	if (e) {
		printf("%s %s\n", way, strerrorname_np(e));
		return;
	}
	int st = 0;
	waitpid(pid, &st, 0);
	printf("%s ran exit=%d\n", way, WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: exec_try WAY|all PROG\n");
		return 2;
	}
	char dir[4096], name[4096];
	snprintf(dir, sizeof dir, "%s", argv[2]);
	snprintf(name, sizeof name, "%s", argv[2]);
	const char *base = basename(name);
	char path[8192];
	snprintf(path, sizeof path, "%s:%s", dirname(dir), getenv("PATH") ? getenv("PATH") : "");
	setenv("PATH", path, 1);
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; i < sizeof ways / sizeof ways[0]; i++)
		if (!strcmp(argv[1], "all") || !strcmp(argv[1], ways[i]))
			try_way(ways[i], argv[2], base);
	return 0;
}
