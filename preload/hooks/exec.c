/* SPDX-License-Identifier: MIT */
/* The exec family: in strict mode each program is checked before it replaces ours. glibc
 * runs execv, execvp, execl... on its own internal execve, never through the PLT, so each
 * is hooked; the l-forms are built on the real v-forms. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <unistd.h>

#include "../base/real.h"
#include "../exec/exec_check.h"

extern char **environ;

#define REFUSE_OR(check, call)                                                                     \
	do {                                                                                       \
		sx_real_init();                                                                    \
		int r_ = (check);                                                                  \
		if (r_ < 0) {                                                                      \
			errno = -r_;                                                               \
			return -1;                                                                 \
		}                                                                                  \
		return (call);                                                                     \
	} while (0)

static int no_real(void)
{
	errno = ENOSYS;
	return -1;
}

#define REAL(name, ...) (sx_real.name ? sx_real.name(__VA_ARGS__) : no_real())

/* Bodies the l-forms share with the v-forms: a hook calls no exported name. */
static int run_execve(const char *path, char *const argv[], char *const envp[])
{
	REFUSE_OR(sx_exec_check(path, argv, envp), REAL(execve, path, argv, envp));
}

static int run_execv(const char *path, char *const argv[])
{
	REFUSE_OR(sx_exec_check(path, argv, environ), REAL(execv, path, argv));
}

static int run_execvp(const char *file, char *const argv[])
{
	REFUSE_OR(sx_exec_check_search(file, argv, environ), REAL(execvp, file, argv));
}

__attribute__((visibility("default"))) int execve(const char *path, char *const argv[],
						  char *const envp[])
{
	return run_execve(path, argv, envp);
}

__attribute__((visibility("default"))) int execv(const char *path, char *const argv[])
{
	return run_execv(path, argv);
}

__attribute__((visibility("default"))) int execvp(const char *file, char *const argv[])
{
	return run_execvp(file, argv);
}

__attribute__((visibility("default"))) int execvpe(const char *file, char *const argv[],
						   char *const envp[])
{
	REFUSE_OR(sx_exec_check_search(file, argv, envp), REAL(execvpe, file, argv, envp));
}

__attribute__((visibility("default"))) int execveat(int dirfd, const char *path, char *const argv[],
						    char *const envp[], int flags)
{
	REFUSE_OR(sx_exec_check_at(dirfd, path, flags, argv, envp),
		  REAL(execveat, dirfd, path, argv, envp, flags));
}

__attribute__((visibility("default"))) int fexecve(int fd, char *const argv[], char *const envp[])
{
	REFUSE_OR(sx_exec_check_at(fd, "", AT_EMPTY_PATH, argv, envp),
		  REAL(fexecve, fd, argv, envp));
}

enum l_form { L_PATH, L_SEARCH, L_ENV };

/* An l-form's arguments, up to their NULL (and, for execle, the envp after it), into an
 * argv on the stack, then the v-form's body. */
static int run_l(enum l_form form, const char *target, const char *arg0, va_list ap)
{
	size_t n = 0;
	va_list c;
	va_copy(c, ap);
	for (const char *a = arg0; a; a = va_arg(c, const char *))
		n++;
	va_end(c);
	const char *argv[n + 1];
	argv[0] = arg0;
	for (size_t i = 1; i <= n; i++)
		argv[i] = va_arg(ap, const char *); /* argv[n]: the terminating NULL */
	if (form == L_ENV)
		return run_execve(target, (char *const *)argv, va_arg(ap, char *const *));
	return form == L_SEARCH ? run_execvp(target, (char *const *)argv)
				: run_execv(target, (char *const *)argv);
}

#define L_HOOK(name, form)                                                                         \
	__attribute__((visibility("default"))) int name(const char *target, const char *arg0, ...) \
	{                                                                                          \
		va_list ap;                                                                        \
		va_start(ap, arg0);                                                                \
		int r = run_l(form, target, arg0, ap);                                             \
		va_end(ap);                                                                        \
		return r;                                                                          \
	}

L_HOOK(execl, L_PATH)
L_HOOK(execlp, L_SEARCH)
L_HOOK(execle, L_ENV)
