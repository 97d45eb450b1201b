/* SPDX-License-Identifier: MIT */
/* The password file: a plain password, or one line per proxy keyed by its URL. */
#include <errno.h>
#include <string.h>

#include "../../config/passwords.h"
#include "../../config/proxy_url.h"
#include "tap.h"

static const char *env_chain(const char *name)
{
	if (!strcmp(name, "SOCKS_SERVER"))
		return "socks5://alice@127.0.0.1:1090";
	if (!strcmp(name, "SOCKSIFY_CHAIN"))
		return "socks5://bob@127.0.0.1:1091, http://127.0.0.1:1092, "
		       "socks5://bob@127.0.0.1:1091,"
		       "socks5://bob@127.0.0.1:1091";
	return NULL;
}

static int apply(struct sx_config *c, const char *text, char *err, size_t n)
{
	sx_config_defaults(c);
	if (sx_config_load(c, env_chain, NULL, NULL, 0, err, n) < 0)
		return -1000;
	strcpy(c->password_file, "/run/pw");
	return sx_config_apply_passwords(c, text, strlen(text), err, n);
}

int main(void)
{
	struct sx_config c;
	char err[512], line[128];

	TAP_IS(apply(&c, "s3cret\n", err, sizeof err), 0, "a plain file");
	TAP_STR(c.proxy.pass, "s3cret", "is the server's password");
	TAP_STR(c.via[0].pass, "", "and nobody else's");
	TAP_IS(apply(&c, "#socksify-passwords x\n", err, sizeof err), 0,
	       "a header with more on its line is a plain password");
	TAP_STR(c.proxy.pass, "#socksify-passwords x", "all of it");

	TAP_IS(apply(&c,
		     "#socksify-passwords\nserver pw0\n\n# hop 2\n"
		     "socks5://bob@127.0.0.1:1091 one\r\nsocks5://bob@127.0.0.1:1091 t%25w%0Ao\n",
		     err, sizeof err),
	       0, "keyed: %s", err);
	TAP_STR(c.proxy.pass, "pw0", "the server line");
	TAP_STR(c.via[0].pass, "one", "the first line with a key, to the first proxy with it");
	TAP_STR(c.via[2].pass, "t%w\no", "the next, decoded");
	TAP_STR(c.via[3].pass, "t%w\no", "the last line's, to any left over");
	TAP_STR(c.via[1].pass, "", "another key gets nothing");
	TAP_OK(c.via[0].has_user && !c.via[1].has_user, "has_user follows");

	TAP_IS(apply(&c, "#socksify-passwords\nsocks5://alice@127.0.0.1:1090 a\n", err, sizeof err),
	       0, "the server by its URL");
	TAP_STR(c.proxy.pass, "a", "filled");
	TAP_IS(apply(&c, "#socksify-passwords\nserver s\nsocks5://alice@127.0.0.1:1090 a\n", err,
		     sizeof err),
	       0, "server line and URL");
	TAP_STR(c.proxy.pass, "s", "the server line keeps the server");
	TAP_IS(apply(&c, "#socksify-passwords\nsocks5h://bob@127.0.0.1:1091 x\n", err, sizeof err),
	       0, "another scheme");
	TAP_STR(c.via[0].pass, "", "is another key");

	TAP_IS(apply(&c, "#socksify-passwords\nserver\n", err, sizeof err), -EINVAL, "no password");
	TAP_STR(err, "/run/pw:2: expected KEY PASSWORD", "named by file and line: %s", err);
	TAP_IS(apply(&c, "#socksify-passwords\nserver a%00b\n", err, sizeof err), -EINVAL, "a NUL");
	TAP_IS(apply(&c, "#socksify-passwords\nsocks5://bob:s3cret@h:1 x\n", err, sizeof err),
	       -EINVAL, "a password in the key");
	TAP_OK(!strstr(err, "s3cret"), "is not quoted: %s", err);
	TAP_IS(apply(&c, "#socksify-passwords\nftp://h sEcReT\n", err, sizeof err), -EINVAL,
	       "a bad URL");
	TAP_OK(strstr(err, "/run/pw:2: proxy URL: unsupported scheme") && !strstr(err, "sEcReT"),
	       "%s", err);

	TAP_IS(sx_passwords_line("server", "a%b\nc\x7f", line, sizeof line), 20, "a line");
	TAP_STR(line, "server a%25b%0Ac%7F\n", "encoded");
	TAP_IS(sx_passwords_line("server", "0123456789", line, 12), 0, "too long for out");
	return tap_done();
}
