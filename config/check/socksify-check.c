/* SPDX-License-Identifier: MIT */
/* The wrapper's helper: validates the configuration exactly as the library will read
 * it; program.c tells whether a program can be socksified, stash.c keeps secrets out of
 * the environment. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../config.h"
#include "../config_path.h"
#include "../file_read.h"
#include "../passwords.h"
#include "check.h"
#include "probe.h"
#include "tree_files.h"

static const char *env_get(const char *name)
{
	return getenv(name);
}

static bool readable(const char *path)
{
	return access(path, R_OK) == 0;
}

bool sx_check_quiet;

static ssize_t plain_read(int fd, void *buf, size_t n)
{
	ssize_t r = read(fd, buf, n);
	return r < 0 ? -errno : r;
}

int sx_check_read_file(const char *path, char *text, size_t cap, size_t *len, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	ssize_t r = fstat(fd, st) < 0 ? -errno : sx_file_kind(st);
	if (r > 0)
		r = sx_file_read(fd, plain_read, text, cap, true);
	close(fd);
	*len = r > 0 ? (size_t)r : 0;
	return r < 0 ? (int)r : 0;
}

/* The password file exists, holds a password, and others cannot read it. */
static int check_password_file(struct sx_config *c)
{
	static char text[SX_PASSWORD_FILE_MAX];
	char err[SX_PATH_MAX + 400];
	size_t len;
	struct stat st;
	int r = sx_check_read_file(c->password_file, text, sizeof text, &len, &st);
	if (r < 0) {
		fprintf(stderr, "socksify: %s: cannot read password file: %s\n", c->password_file,
			r == -EFBIG ? "longer than a password" : sx_config_file_strerror(r));
		return 2;
	}
	r = sx_config_apply_passwords(c, text, len, err, sizeof err);
	explicit_bzero(text, sizeof text);
	if (r < 0) {
		fprintf(stderr, "socksify: %s\n", err);
		return 2;
	}
	if ((st.st_mode & (S_IRGRP | S_IROTH)) && !sx_check_quiet)
		fprintf(stderr,
			"socksify: warning: %s holds the proxy password and is readable by "
			"other users (chmod go-r %s)\n",
			c->password_file, c->password_file);
	return 0;
}

int sx_check_load_config(struct sx_config *c)
{
	static char text[SX_CONF_FILE_MAX];
	char path[SX_PATH_MAX], err[512];
	bool explicit_path;
	sx_config_path(path, sizeof path, env_get, readable, &explicit_path);
	size_t len = 0;
	struct stat st;
	int r = sx_check_read_file(path, text, sizeof text, &len, &st);
	bool have_file = r == 0;
	if (r < 0 && (explicit_path || r != -ENOENT)) {
		fprintf(stderr, "socksify: %s: %s\n", path, sx_config_file_strerror(r));
		return 2;
	}
	if (have_file && (st.st_mode & S_IROTH) && !sx_check_quiet &&
	    sx_config_text_has_secret(text, len))
		fprintf(stderr,
			"socksify: warning: %s holds a password and is readable by "
			"other users (chmod o-r %s)\n",
			path, path);
	sx_config_defaults(c);
	if (sx_config_load(c, env_get, path, have_file ? text : NULL, len, err, sizeof err) < 0) {
		fprintf(stderr, "socksify: %s\n", err);
		return 2;
	}
	if (!c->has_proxy) {
		fprintf(stderr, "socksify: no proxy configured: use -s URL, SOCKS_SERVER or %s\n",
			path);
		return 2;
	}
	return 0;
}

int sx_check_load(struct sx_config *c)
{
	int r = sx_check_load_config(c);
	return r ? r : c->password_file[0] ? check_password_file(c) : 0;
}

int sx_check_config(void)
{
	static struct sx_config c;
	return sx_check_load(&c);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "-q")) {
		sx_check_quiet = true;
		argv++;
		argc--;
	}
	if (argc == 2 && !strcmp(argv[1], "config"))
		return sx_check_config();
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "program"))
		return sx_check_program(argv[2], argc == 4 ? argv[3] : NULL) ? 3 : 0;
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "stash"))
		return sx_check_stash(argv[2], argv[3], argc == 5 && !strcmp(argv[4], "--stdin"));
	if (argc >= 2 && !strcmp(argv[1], "probe"))
		return sx_check_probe(argc - 2, argv + 2);
	if (argc == 3 && !strcmp(argv[1], "fakedns"))
		return sx_tree_new_table(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "isolation"))
		return sx_check_isolation_probe();
	bool go = argc >= 3 && !strcmp(argv[1], "isolate") && !strcmp(argv[2], "--go");
	if (go) {
		argv[2] = argv[1];
		argv++;
		argc--;
	}
	if (argc >= 5 && !strcmp(argv[1], "isolate") && !strcmp(argv[3], "--"))
		return sx_check_isolate(argv[2], go, argv + 4);
	if (argc == 2 && !strcmp(argv[1], "go-proxy"))
		return sx_check_go_proxy();
	if (argc == 6 && !strcmp(argv[1], "watch")) /* started by the two above */
		return sx_tree_watch(argv[2], argv[3], argv[4], argv[5]);
	fprintf(stderr,
		"usage: socksify-check [-q] config | program PATH [LD_PRELOAD] | stash DIR TREE "
		"[--stdin] | fakedns TREE_PID | probe [--json] [--udp-echo ADDR] "
		"[HOST:PORT] | isolation | isolate [--go] PRELOAD -- COMMAND... | "
		"go-proxy\n");
	return 2;
}
