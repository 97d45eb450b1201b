/* SPDX-License-Identifier: MIT */
/* Moves the proxy password out of the environment: argv and environ are readable in
 * /proc and inherited by every child, so the secret goes into a new 0600 file whose
 * name, SOCKSIFY_PASSWORD_FILE, is all the program and its children carry; a watcher
 * removes the file once the tree is done with it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../config.h"
#include "../proxy_url.h"
#include "check.h"
#include "tree_files.h"

static const char *env_get(const char *name)
{
	return getenv(name);
}

/* export NAME='value', quoted for sh's eval. */
static void print_export(const char *name, const char *value)
{
	printf("export %s='", name);
	for (const char *p = value; *p; p++)
		if (*p == '\'')
			fputs("'\\''", stdout);
		else
			putchar(*p);
	puts("'");
}

static int write_file(const char *dir, const char *tree, const char *pw, char *path, size_t n)
{
	snprintf(path, n, "%s/socksify-pw-%u-%s-XXXXXX", dir, (unsigned)getuid(), tree);
	int fd = mkstemp(path); /* O_EXCL and mode 0600: nobody else's file, nobody else reads */
	if (fd < 0)
		return -errno;
	size_t len = strlen(pw), off = 0;
	while (off < len) {
		ssize_t w = write(fd, pw + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int e = w < 0 ? errno : EIO;
			close(fd);
			unlink(path);
			return -e;
		}
		off += (size_t)w;
	}
	return close(fd) < 0 ? -errno : 0;
}

/* stdin's first line: the password the wrapper's prompt read. */
static void read_stdin(char *pw, size_t n)
{
	if (!fgets(pw, (int)n, stdin))
		pw[0] = '\0';
	pw[strcspn(pw, "\n")] = '\0';
}

int sx_check_stash(const char *dir, const char *tree, bool from_stdin)
{
	/* The environment's own layer, as the library will read it: the password from
	 * SOCKS_PASSWORD or the URL (SOCKS_PASSWORD wins), unless a password file is named.
	 * Its verdict is not ours: without the file's settings a rule such as strict mode's
	 * may fail, and the credentials are read before any such rule. sx_check_config has
	 * judged the whole configuration. */
	struct sx_config c;
	char err[512], pw[SX_NAME_MAX + 2], path[SX_PATH_MAX];
	sx_config_defaults(&c);
	(void)sx_config_load(&c, env_get, NULL, NULL, 0, err, sizeof err);
	if (from_stdin)
		read_stdin(pw, sizeof pw);
	else
		snprintf(pw, sizeof pw, "%s", c.password_file[0] ? "" : c.proxy.pass);
	if (pw[0]) {
		int r = write_file(dir, tree, pw, path, sizeof path);
		explicit_bzero(pw, sizeof pw);
		if (r < 0) {
			fprintf(stderr, "socksify: cannot create a password file in %s: %s\n", dir,
				strerror(-r));
			return 2;
		}
		print_export(SX_TREE_PASSWORD_VAR, path);
		fflush(stdout);
		sx_tree_watch_password(strtol(tree, NULL, 10), path);
	}
	/* the variables config.c reads proxy URLs from */
	static const char *const vars[] = {"SOCKS_SERVER", "SOCKS5_SERVER", "SOCKS4_SERVER",
					   "all_proxy", "ALL_PROXY"};
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *v = getenv(vars[i]);
		char stripped[SX_PATH_MAX];
		if (v && sx_proxy_url_strip_password(v, i < 3, stripped, sizeof stripped))
			print_export(vars[i], stripped);
	}
	return 0;
}
