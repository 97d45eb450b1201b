/* SPDX-License-Identifier: MIT */
/* sx_config_load on arbitrary file text and a fake environment drawn from the input
 * (SOCKSIFY_CONF_FORMAT=proxychains reads the text as a proxychains.conf), plus the
 * file splitter and the secret detector on the same text. */
#include <errno.h>

#include "../../config/config.h"
#include "fuzz.h"

static const char *const names[] = {
    "SOCKS_SERVER",
    "SOCKS5_SERVER",
    "SOCKS4_SERVER",
    "all_proxy",
    "ALL_PROXY",
    "SOCKS_USERNAME",
    "SOCKS_PASSWORD",
    "SOCKSIFY_BYPASS",
    "SOCKSIFY_DNS",
    "SOCKSIFY_LOG",
    "SOCKSIFY_LOG_FILE",
    "SOCKSIFY_CONNECT_TIMEOUT",
    "SOCKSIFY_HANDSHAKE_TIMEOUT",
    "SOCKSIFY_UDP",
    "SOCKSIFY_PIPELINE",
    "SOCKSIFY_BYPASS_LOOPBACK",
    "SOCKSIFY_FAKE_NET4",
    "SOCKSIFY_FAKE_NET6",
    "no_proxy",
    "NO_PROXY",
    "SOCKSIFY_CHAIN",
    "SOCKSIFY_CONF_FORMAT",
};
#define NNAMES	     (sizeof(names) / sizeof(names[0]))
#define PASSWORD_IDX 6

/* The getter only has a function pointer, so the environment lives in statics. */
static char env_val[NNAMES][256];
static int env_set[NNAMES];

static const char *fake_getenv(const char *name)
{
	for (size_t i = 0; i < NNAMES; i++)
		if (strcmp(name, names[i]) == 0)
			return env_set[i] ? env_val[i] : NULL;
	return NULL;
}

static void check_reader(const char *text, size_t len)
{
	struct sx_conf_reader r;
	struct sx_conf_line l;
	unsigned last = 0;

	sx_conf_file_init(&r, text, len);
	while (sx_conf_file_next(&r, &l)) {
		FZ_CHECK(l.lineno > last);
		last = l.lineno;
		FZ_CHECK(l.key >= text && l.key + l.key_len <= text + len && l.key_len >= 1);
		FZ_CHECK(l.val >= text && l.val + l.val_len <= text + len);
	}
	(void)sx_config_text_has_secret(text, len);
}

static void check_config(const struct sx_config *c)
{
	FZ_CHECK(c->bypass.n <= SX_BYPASS_MAX);
	FZ_CHECK(strnlen(c->log_file, sizeof(c->log_file)) < sizeof(c->log_file));
	FZ_CHECK(strnlen(c->proxy.user, sizeof(c->proxy.user)) <= SX_NAME_MAX);
	FZ_CHECK(strnlen(c->proxy.pass, sizeof(c->proxy.pass)) <= SX_NAME_MAX);
	if (c->has_proxy) {
		FZ_CHECK(c->proxy.proto >= SX_PROTO_SOCKS4 && c->proxy.proto <= SX_PROTO_HTTP);
		FZ_CHECK(strnlen(c->proxy.host, sizeof(c->proxy.host)) >= 1);
		FZ_CHECK(strnlen(c->proxy.host, sizeof(c->proxy.host)) <= SX_NAME_MAX);
		FZ_CHECK(c->proxy.port != 0);
	}
	FZ_CHECK(c->n_via <= SX_CHAIN_MAX - 1);
	for (size_t i = 0; i < c->n_via; i++)
		FZ_CHECK(c->via[i].port != 0 && c->via[i].host[0] &&
			 c->via[i].proto >= SX_PROTO_SOCKS4 && c->via[i].proto <= SX_PROTO_HTTP);
	FZ_CHECK(c->dns == SX_DNS_LOCAL || c->dns == SX_DNS_REMOTE || c->dns == SX_DNS_PROXY);
	FZ_CHECK(c->udp == SX_UDP_BLOCK || c->udp == SX_UDP_DIRECT);
	FZ_CHECK(c->log_level <= SX_LOG_DEBUG);
}

/* The password from the environment never reaches an error message: when err holds
 * its text, loading again with the password replaced by other bytes of the same length
 * must still produce that text (so it came from somewhere else, e.g. "no_proxy"). */
static void check_no_secret(const char *err, const char *text, size_t len, size_t errlen,
			    uint8_t flags)
{
	static struct sx_config c2;
	char *pw = env_val[PASSWORD_IDX], saved[256], *err2;
	size_t pl = strlen(pw);

	if (!env_set[PASSWORD_IDX] || pl < 4 || !strstr(err, pw))
		return;
	memcpy(saved, pw, pl + 1);
	memset(pw, 0x01, pl);
	err2 = malloc(errlen);
	FZ_CHECK(err2 != NULL);
	sx_config_defaults(&c2);
	(void)sx_config_load(&c2, fake_getenv, "fuzz.conf", (flags & 0x80) ? NULL : text, len, err2,
			     errlen);
	memcpy(pw, saved, pl + 1);
	FZ_CHECK(strstr(err2, pw) != NULL);
	free(err2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = {data, size};
	static struct sx_config c;
	uint8_t flags = fz_u8(&f), nvars = fz_u8(&f) % 8;
	size_t errlen = (size_t)(flags & 0x7F) + 1;
	char *text, *err;
	int r;

	memset(env_set, 0, sizeof(env_set));
	for (uint8_t i = 0; i < nvars; i++) {
		size_t k = fz_u8(&f) % NNAMES;

		fz_str(&f, env_val[k], sizeof(env_val[k]));
		env_set[k] = 1;
	}
	text = (char *)fz_dup(f.p, f.n); /* not NUL-terminated, on purpose */
	err = malloc(errlen);
	FZ_CHECK(err != NULL);
	memset(err, 'E', errlen);

	check_reader(text, f.n);
	sx_config_defaults(&c);
	r = sx_config_load(&c, fake_getenv, "fuzz.conf", (flags & 0x80) ? NULL : text, f.n, err,
			   errlen);
	FZ_CHECK(r == 0 || r == -EINVAL);
	FZ_CHECK(strnlen(err, errlen) < errlen);
	if (r < 0)
		FZ_CHECK(errlen == 1 || err[0] != '\0');
	check_config(&c);
	check_no_secret(err, text, f.n, errlen, flags);
	free(err);
	free(text);
	return 0;
}
