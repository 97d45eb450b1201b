/* SPDX-License-Identifier: MIT */
/* The wrapper's helper: validates the configuration exactly as the library will read
 * it, and tells whether a program can be socksified at all (static, setuid, ELF class). */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "../config.h"
#include "../config_path.h"

static const char *env_get(const char *name)
{
	return getenv(name);
}

static bool readable(const char *path)
{
	return access(path, R_OK) == 0;
}

/* As the library reads it (preload/readfile.c): a regular file or /dev/null, opened
 * non-blocking so a FIFO cannot hang us, and never cut. 0 or -errno. */
static int read_config(const char *path, char *text, size_t cap, size_t *len, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	int r = fstat(fd, st) < 0 ? -errno : 0;
	if (!r && S_ISDIR(st->st_mode))
		r = -EISDIR;
	else if (!r && !S_ISREG(st->st_mode) &&
		 !(S_ISCHR(st->st_mode) && st->st_rdev == makedev(1, 3)))
		r = -EINVAL;
	*len = 0;
	while (!r) {
		char extra;
		ssize_t n =
		    read(fd, *len < cap ? text + *len : &extra, *len < cap ? cap - *len : 1);
		if (n < 0 && errno != EINTR)
			r = -errno;
		else if (n == 0)
			break;
		else if (n > 0 && *len == cap)
			r = -EFBIG;
		else if (n > 0)
			*len += (size_t)n;
	}
	close(fd);
	return r;
}

static int check_config(void)
{
	static char text[SX_CONF_FILE_MAX];
	char path[SX_PATH_MAX], err[512];
	bool explicit_path;
	sx_config_path(path, sizeof path, env_get, readable, &explicit_path);
	size_t len = 0;
	struct stat st;
	int r = read_config(path, text, sizeof text, &len, &st);
	bool have_file = r == 0;
	if (r < 0 && (explicit_path || r != -ENOENT)) {
		fprintf(stderr, "socksify: %s: %s\n", path, sx_config_file_strerror(r));
		return 2;
	}
	if (have_file && (st.st_mode & S_IROTH) && sx_config_text_has_secret(text, len))
		fprintf(stderr,
			"socksify: warning: %s holds a password and is readable by "
			"other users (chmod o-r %s)\n",
			path, path);
	struct sx_config c;
	sx_config_defaults(&c);
	if (sx_config_load(&c, env_get, path, have_file ? text : NULL, len, err, sizeof err) < 0) {
		fprintf(stderr, "socksify: %s\n", err);
		return 2;
	}
	if (!c.has_proxy) {
		fprintf(stderr, "socksify: no proxy configured: use -s URL, SOCKS_SERVER or %s\n",
			path);
		return 2;
	}
	return 0;
}

/* Returns the number of reasons the program would run unsocksified. */
static int check_program(const char *path)
{
	int problems = 0;
	struct stat st;
	if (stat(path, &st) < 0) {
		fprintf(stderr, "socksify: %s: %s\n", path, strerror(errno));
		return 0; /* exec will report it */
	}
	if (st.st_mode & (S_ISUID | S_ISGID)) {
		fprintf(stderr,
			"socksify: warning: %s is set%sid: the loader ignores "
			"LD_PRELOAD, its connections would not be proxied\n",
			path, st.st_mode & S_ISUID ? "u" : "g");
		problems++;
	}
	if (getxattr(path, "security.capability", NULL, 0) > 0) {
		fprintf(stderr,
			"socksify: warning: %s has file capabilities: the loader ignores "
			"LD_PRELOAD, its connections would not be proxied\n",
			path);
		problems++;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return problems;
	unsigned char ident[EI_NIDENT];
	if (read(fd, ident, sizeof ident) != (ssize_t)sizeof ident ||
	    memcmp(ident, ELFMAG, SELFMAG) != 0) {
		close(fd); /* a script: its interpreter is checked when it runs */
		return problems;
	}
	int own_class = sizeof(void *) == 8 ? ELFCLASS64 : ELFCLASS32;
	if (ident[EI_CLASS] != own_class) {
		fprintf(stderr,
			"socksify: warning: %s is a %d-bit program and libsocksify is "
			"%d-bit: its connections would not be proxied\n",
			path, ident[EI_CLASS] == ELFCLASS64 ? 64 : 32,
			own_class == ELFCLASS64 ? 64 : 32);
		close(fd);
		return problems + 1;
	}
	ElfW(Ehdr) eh;
	bool has_interp = false;
	if (pread(fd, &eh, sizeof eh, 0) == (ssize_t)sizeof eh) {
		for (unsigned i = 0; i < eh.e_phnum; i++) {
			ElfW(Phdr) ph;
			if (pread(fd, &ph, sizeof ph, (off_t)(eh.e_phoff + i * eh.e_phentsize)) !=
			    (ssize_t)sizeof ph)
				break;
			if (ph.p_type == PT_INTERP)
				has_interp = true;
		}
	}
	close(fd);
	if (!has_interp) {
		fprintf(stderr,
			"socksify: warning: %s is statically linked (Go programs often "
			"are): LD_PRELOAD cannot reach it, its connections would not be "
			"proxied\n",
			path);
		problems++;
	}
	return problems;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "config"))
		return check_config();
	if (argc == 3 && !strcmp(argv[1], "program"))
		return check_program(argv[2]) ? 3 : 0;
	fprintf(stderr, "usage: socksify-check config | program PATH\n");
	return 2;
}
