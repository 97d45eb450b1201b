/* SPDX-License-Identifier: MIT */
/* Moves the proxy password out of the environment: argv and environ are readable in
 * /proc and inherited by every child, so the secret goes into a new 0600 file whose
 * name, SOCKSIFY_PASSWORD_FILE, is all the program and its children carry; a watcher
 * removes the file once the tree is done with it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../config.h"
#include "../passwords.h"
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

/* The password file's lines for the proxies after the server (their keys are the URLs the
 * environment keeps), built up as the variables are stripped. */
struct lines {
	char text[SX_PASSWORD_FILE_MAX];
	size_t len, n;
	bool full;
};

static void add_line(struct lines *l, const char *key, const char *pass)
{
	size_t n = sx_passwords_line(key, pass, l->text + l->len, sizeof l->text - l->len);
	l->full |= n == 0;
	l->len += n;
	l->n += n != 0;
}

/* Appends n bytes of s to out (cap bytes) at *o: false when they do not fit. */
static bool append(char *out, size_t cap, size_t *o, const char *s, size_t n)
{
	if (*o + n >= cap)
		return false;
	memcpy(out + *o, s, n);
	*o += n;
	return true;
}

/* var's value with every proxy URL's password taken out into l; a URL is a word between
 * seps that holds "://" or '@' (no route's match does). 1 when something was taken, 0
 * when nothing was, -1 when the result does not fit. */
static int strip_var(const char *v, const char *seps, char *out, size_t n, struct lines *l)
{
	size_t o = 0;
	int changed = 0;
	while (*v) {
		size_t sep = strspn(v, seps), word = strcspn(v + sep, seps);
		char url[4096], stripped[4096], err[256];
		struct sx_proxy p;
		const char *put = v + sep;
		size_t put_len = word;
		if (!append(out, n, &o, v, sep))
			return -1;
		if (word < sizeof url) {
			memcpy(url, v + sep, word);
			url[word] = '\0';
			if ((strstr(url, "://") || strchr(url, '@')) &&
			    sx_proxy_url_parse(&p, url, err, sizeof err) == 0 && p.pass[0] &&
			    sx_proxy_url_strip_password(url, true, stripped, sizeof stripped)) {
				add_line(l, stripped, p.pass);
				changed = 1;
				put = stripped;
				put_len = strlen(stripped);
			}
			explicit_bzero(&p, sizeof p);
			explicit_bzero(url, sizeof url);
		}
		if (!append(out, n, &o, put, put_len))
			return -1;
		v += sep + word;
	}
	out[o] = '\0';
	return changed;
}

/* The password file the configuration names, as one more line set: a plain one is the
 * server's password, a keyed one gives its lines. 0, or -errno. */
static int add_user_file(struct lines *l, const char *path)
{
	static char text[SX_PASSWORD_FILE_MAX];
	size_t len;
	struct stat st;
	int r = sx_check_read_file(path, text, sizeof text - 1, &len, &st);
	if (r < 0)
		return r;
	text[len] = '\0';
	if (sx_passwords_keyed(text, len)) {
		const char *body = strchr(text, '\n');
		size_t n = body ? len - (size_t)(body + 1 - text) : 0;
		if (l->len + n + 1 >= sizeof l->text)
			l->full = true;
		else if (n) {
			memcpy(l->text + l->len, body + 1, n);
			l->len += n;
			if (l->text[l->len - 1] != '\n')
				l->text[l->len++] = '\n';
		}
	} else {
		if (len && text[len - 1] == '\n')
			text[--len] = '\0';
		if (len && text[len - 1] == '\r')
			text[--len] = '\0';
		add_line(l, SX_PASSWORDS_SERVER, text);
	}
	explicit_bzero(text, sizeof text);
	return 0;
}

static int stash_file(const char *dir, const char *tree, const char *text)
{
	char path[SX_PATH_MAX];
	int r = write_file(dir, tree, text, path, sizeof path);
	if (r < 0) {
		fprintf(stderr, "socksify: cannot create a password file in %s: %s\n", dir,
			strerror(-r));
		return 2;
	}
	print_export(SX_TREE_PASSWORD_VAR, path);
	fflush(stdout);
	sx_tree_watch_password(strtol(tree, NULL, 10), path);
	return 0;
}

int sx_check_stash(const char *dir, const char *tree, bool from_stdin)
{
	/* The environment's own layer, as the library will read it: the password from
	 * SOCKS_PASSWORD or the URL (SOCKS_PASSWORD wins), unless a password file is named.
	 * Its verdict is not ours: without the file's settings a rule such as strict mode's
	 * may fail, and the credentials are read before any such rule. sx_check_config has
	 * judged the whole configuration. */
	static struct sx_config c, all;
	static struct lines hops;
	char err[512], pw[SX_NAME_MAX + 2];
	sx_config_defaults(&c);
	(void)sx_config_load(&c, env_get, NULL, NULL, 0, err, sizeof err);
	if (from_stdin)
		read_stdin(pw, sizeof pw);
	else
		snprintf(pw, sizeof pw, "%s", c.password_file[0] ? "" : c.proxy.pass);
	/* The hops' and routes' proxies: their passwords join the server's in the file. */
	static const struct {
		const char *name, *seps;
	} lists[] = {{"SOCKSIFY_CHAIN", ", \t\r\n\f\v"}, {"SOCKSIFY_ROUTES", ",; \t\r\n\f\v"}};
	static char stripped_list[2][SX_PASSWORD_FILE_MAX];
	int list_changed[2] = {0, 0};
	hops.len = hops.n = 0;
	hops.full = false;
	for (size_t i = 0; i < 2; i++) {
		const char *v = getenv(lists[i].name);
		if (v && (list_changed[i] = strip_var(v, lists[i].seps, stripped_list[i],
						      sizeof stripped_list[i], &hops)) < 0)
			hops.full = true;
	}
	int r = 0;
	if (hops.n || hops.full) {
		/* One file for all: the server's password, or the file the configuration
		 * names (the environment's new one replaces it). */
		static char text[SX_PASSWORD_FILE_MAX];
		static struct lines head;
		head.len = head.n = 0;
		head.full = false;
		int e = sx_check_load_config(&all) ? -EINVAL : 0;
		if (!e && all.password_file[0] && !from_stdin)
			e = add_user_file(&head, all.password_file);
		else if (pw[0])
			add_line(&head, SX_PASSWORDS_SERVER, pw);
		if (e < 0 || head.full || hops.full ||
		    strlen(SX_PASSWORDS_HEADER) + 1 + head.len + hops.len >= sizeof text) {
			fprintf(stderr, "socksify: cannot gather the proxies' passwords: %s\n",
				e < 0 ? strerror(-e) : "too many or too long");
			r = 2;
		} else {
			snprintf(text, sizeof text, "%s\n%.*s%.*s", SX_PASSWORDS_HEADER,
				 (int)head.len, head.text, (int)hops.len, hops.text);
			r = stash_file(dir, tree, text);
		}
		explicit_bzero(text, sizeof text);
		explicit_bzero(&head, sizeof head);
		explicit_bzero(&hops, sizeof hops);
	} else if (pw[0])
		r = stash_file(dir, tree, pw);
	explicit_bzero(pw, sizeof pw);
	if (r)
		return r;
	for (size_t i = 0; i < 2; i++)
		if (list_changed[i] > 0)
			print_export(lists[i].name, stripped_list[i]);
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
