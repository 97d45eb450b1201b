/* SPDX-License-Identifier: MIT */
/* Looks at the file exec is about to run, through core's exec_image, and at the
 * environment it will get. Stack buffers only and no locks: it runs in vfork children. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../config/check/secure_exec.h"
#include "../../core/exec_image.h"
#include "../base/guard.h"
#include "../base/init.h"
#include "../base/log.h"
#include "../base/real.h"
#include "exec_check.h"

#define SCRIPT_DEPTH 4 /* the kernel's limit of #! interpreters in a row */

static void close_fd(int fd)
{
	sx_real.close(fd);
}

static const struct sx_image_io io = {sx_exec_file_open, sx_exec_file_pread, close_fd};

static const char *next_line(const char *s)
{
	const char *nl = s ? strchr(s, '\n') : NULL;
	return nl ? nl + 1 : NULL;
}

/* Whether this network namespace has no interface but lo, as /proc/net/dev lists them. */
static bool only_loopback(void)
{
	char buf[4096];
	int fd = open("/proc/self/net/dev", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = sx_real.read(fd, buf, sizeof buf - 1);
	sx_real.close(fd);
	if (n <= 0 || n == (ssize_t)sizeof buf - 1)
		return false; /* a list this long is not lo alone */
	buf[n] = '\0';
	/* two header lines, then "  NAME: counters" per interface */
	const char *line = next_line(next_line(buf));
	for (; line && *line; line = next_line(line)) {
		line += strspn(line, " ");
		if (strncmp(line, "lo:", 3) != 0)
			return false;
	}
	return true;
}

extern char **environ;
static char **initial_env;

/* A store, not a load of the configuration: an idle preload costs nothing. */
__attribute__((constructor)) static void keep_initial_env(void)
{
	initial_env = environ;
}

static const char *env_value(char *const envp[], const char *name)
{
	size_t n = strlen(name);
	for (char *const *e = envp; e && *e; e++)
		if (!strncmp(*e, name, n) && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

/* The wrapper's namespace (--strict with isolation) says so in the environment the
 * program started with, and is believed only where nothing but lo exists: what leaks
 * then meets no route. */
static bool isolated(void)
{
	const char *v = env_value(initial_env, "SOCKSIFY_ISOLATED");
	return v && !strcmp(v, "1") && only_loopback();
}

/* Strict mode as the environment the program started with sets it (an exec may come
 * after the program emptied its environment: env -i calls clearenv, then execvp, and
 * clearenv leaves the kernel's array of strings alone), or as the configuration says
 * once the process has read it. An exec alone never makes a process read it: that would
 * cost every shell a file read and maybe a lookup of the proxy's name. */
static bool strict_here(void)
{
	static const char *const on[] = {"on", "yes", "true", "1"};
	const char *v = env_value(initial_env, "SOCKSIFY_STRICT");
	for (size_t i = 0; v && i < sizeof on / sizeof on[0]; i++)
		if (!strcasecmp(v, on[i]))
			return true;
	bool outer = sx_guard_enter();
	bool r = outer && sx_state_loaded() && sx_state()->config.strict;
	sx_guard_leave();
	return r;
}

/* The system's dynamic loaders (ldd's list): run as a command (ldd does), one has no
 * PT_INTERP of its own, yet it reads LD_PRELOAD for the program it loads. */
static bool is_loader(int fd)
{
	static const char *const loaders[] = {
	    "/lib64/ld-linux-x86-64.so.2", "/lib/ld-linux.so.2",
	    "/lib32/ld-linux.so.2",	   "/libx32/ld-linux-x32.so.2",
	    "/lib/ld-linux-aarch64.so.1",  "/lib/ld-linux-armhf.so.3"};
	struct stat st, l;
	if (fstat(fd, &st) < 0)
		return false;
	for (size_t i = 0; i < sizeof loaders / sizeof loaders[0]; i++)
		if (stat(loaders[i], &l) == 0 && l.st_dev == st.st_dev && l.st_ino == st.st_ino)
			return true;
	return false;
}

/* NULL if the image at fd would run socksified, else why not. */
static const char *problem(int fd, const struct sx_image *img, char *const envp[], char *why,
			   size_t cap)
{
	struct stat st;
	char self[64];
	snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
	const char *secure = fstat(fd, &st) == 0 ? sx_secure_exec(self, &st) : NULL;
	if (secure) {
		snprintf(why, cap, "it %s: the loader would ignore LD_PRELOAD", secure);
		return why;
	}
	if (!img->dynamic)
		return "it is statically linked: LD_PRELOAD cannot reach it";
	if (img->go)
		return "it is a Go program: it makes its own system calls";
	if (sx_image_preload_covers(&io, env_value(envp, "LD_PRELOAD"), img))
		return NULL;
	if (sx_image_native(img))
		return "its environment drops libsocksify.so from LD_PRELOAD";
	snprintf(why, cap,
		 "it is a %u-bit program (machine %u) and no libsocksify.so of its class "
		 "is preloaded",
		 img->bits, img->machine);
	return why;
}

/* The program a loader run as a command loads: its first argument that is not an
 * option (ld.so(8); it does not search PATH). NULL for none (--help, --version). */
static const char *loaded_program(char *const argv[])
{
	static const char *const with_arg[] = {
	    "--library-path",	      "--inhibit-rpath",    "--audit", "--preload", "--argv0",
	    "--glibc-hwcaps-prepend", "--glibc-hwcaps-mask"};
	for (size_t i = 1; argv && argv[0] && argv[i]; i++) {
		if (strncmp(argv[i], "--", 2) != 0)
			return argv[i];
		if (!strcmp(argv[i], "--"))
			return argv[i + 1];
		for (size_t k = 0; k < sizeof with_arg / sizeof with_arg[0]; k++)
			if (!strcmp(argv[i], with_arg[k]) && argv[i + 1])
				i++;
	}
	return NULL;
}

/* Follows #! interpreters, and the program a loader run as a command loads; takes fd. */
static int check_fd(int fd, const char *name, char *const argv[], char *const envp[], int depth)
{
	struct sx_image img;
	char why[160];
	const char *bad = NULL, *next = NULL;
	if (sx_image_inspect(&io, fd, &img) < 0)
		img.kind = SX_IMAGE_OTHER;
	if (img.kind == SX_IMAGE_ELF && !img.dynamic && is_loader(fd)) {
		img.dynamic = true;
		next = loaded_program(argv);
	}
	if (img.kind == SX_IMAGE_ELF)
		bad = problem(fd, &img, envp, why, sizeof why);
	sx_real.close(fd);
	if (img.kind == SX_IMAGE_SCRIPT && img.interp[0])
		next = img.interp;
	if (!bad && next) {
		if (depth >= SCRIPT_DEPTH)
			return 0; /* the kernel refuses it with ELOOP */
		int nfd = sx_exec_file_open(next);
		return nfd < 0 ? 0 : check_fd(nfd, next, NULL, envp, depth + 1);
	}
	if (!bad)
		return 0;
	bool iso = isolated();
	sx_log(SX_LOG_ERROR, "strict mode: %s %s: %s", iso ? "running" : "refusing to run", name,
	       bad);
	return iso ? 0 : -EACCES;
}

/* A file exec would run but that we cannot read cannot be vouched for. */
static int unreadable(const char *name, int err)
{
	if (err == ENOENT || err == ENOTDIR || err == ELOOP || err == ENAMETOOLONG)
		return 0; /* exec fails by itself */
	bool iso = isolated();
	sx_log(SX_LOG_ERROR, "strict mode: %s %s: it cannot be read to be checked (%s)",
	       iso ? "running" : "refusing to run", name, strerror(err));
	return iso ? 0 : -EACCES;
}

int sx_exec_check(const char *path, char *const argv[], char *const envp[])
{
	return sx_exec_check_at(AT_FDCWD, path, 0, argv, envp);
}

int sx_exec_check_at(int dirfd, const char *path, int flags, char *const argv[], char *const envp[])
{
	if (!path || !strict_here())
		return 0;
	int e = errno, fd;
	char self[64];
	const char *name = path;
	if ((flags & AT_EMPTY_PATH) && !*path) {
		snprintf(self, sizeof self, "/proc/self/fd/%d", dirfd);
		fd = open(self, O_RDONLY | O_CLOEXEC); /* an O_PATH fd cannot be read */
		snprintf(self, sizeof self, "fd %d", dirfd);
		name = self;
	} else {
		fd = openat(dirfd, path,
			    O_RDONLY | O_CLOEXEC | (flags & AT_SYMLINK_NOFOLLOW ? O_NOFOLLOW : 0));
	}
	int r = fd < 0 ? unreadable(name, errno) : check_fd(fd, name, argv, envp, 0);
	errno = e;
	return r;
}

int sx_exec_check_search(const char *file, char *const argv[], char *const envp[])
{
	if (!file || !*file || strchr(file, '/') || !strict_here())
		return sx_exec_check(file, argv, envp);
	/* exec's own search, in the current environment; glibc's default without one */
	const char *path = env_value(environ, "PATH");
	if (!path)
		path = "/bin:/usr/bin";
	char full[4096];
	for (const char *p = path;; p += strcspn(p, ":") + 1) {
		size_t n = strcspn(p, ":");
		int len = snprintf(full, sizeof full, "%.*s%s%s", (int)n, n ? p : ".", "/", file);
		if (len > 0 && (size_t)len < sizeof full && access(full, X_OK) == 0)
			return sx_exec_check(full, argv, envp);
		if (!p[n])
			return 0; /* not found: exec fails by itself */
	}
}
