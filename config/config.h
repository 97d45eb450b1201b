/* SPDX-License-Identifier: MIT */
/* The shim's whole configuration, built from defaults < config file < environment.
 * Pure: the environment comes through a getter, the file as text. */
#ifndef SX_CONFIG_CONFIG_H
#define SX_CONFIG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/proxy.h"
#include "bypass.h"

enum sx_log_level { SX_LOG_NONE = 0, SX_LOG_ERROR, SX_LOG_WARN, SX_LOG_INFO, SX_LOG_DEBUG };
enum sx_dns_mode { SX_DNS_LOCAL = 0, SX_DNS_REMOTE, SX_DNS_PROXY };
enum sx_udp_policy { SX_UDP_BLOCK = 0, SX_UDP_DIRECT };
/* When a listening socket goes through the proxy (SOCKS BIND): auto, a socket bound to the
 * address getsockname() reported for a proxied connection; on, also any other address that
 * is not loopback; off, none. */
enum sx_bind_mode { SX_BIND_AUTO = 0, SX_BIND_ON, SX_BIND_OFF };

#define SX_PATH_MAX	     4096
#define SX_CONF_FILE_MAX     (64 * 1024) /* a longer config file is an error, not cut */
#define SX_DNS_INTERCEPT_MAX 8

struct sx_config {
	bool has_proxy; /* false: no proxy configured anywhere */
	struct sx_proxy proxy;
	/* A chain's proxies behind `proxy`, in order (SOCKSIFY_CHAIN, the chain key): proxy
	 * CONNECTs to via[0], via[0] to via[1], and the last to the destination. */
	size_t n_via;
	struct sx_proxy via[SX_CHAIN_MAX - 1];
	enum sx_dns_mode dns;	       /* remote for socks4a/socks5h, local otherwise, unless set */
	struct sx_bypass bypass;       /* SOCKSIFY_BYPASS / bypass, plus NO_PROXY */
	bool bypass_loopback;	       /* default true */
	unsigned connect_timeout_ms;   /* to the proxy; default 10000 */
	unsigned handshake_timeout_ms; /* SOCKS exchange; default 10000 */
	enum sx_log_level log_level;   /* default SX_LOG_ERROR */
	char log_file[SX_PATH_MAX];    /* empty: stderr */
	/* empty, or the file holding the proxy password (SOCKSIFY_PASSWORD_FILE), which
	 * the process side reads and hands to sx_config_set_password */
	char password_file[SX_PATH_MAX];
	enum sx_udp_policy udp;
	enum sx_bind_mode bind;	  /* default auto */
	unsigned bind_timeout_ms; /* BIND: for the peer to connect; default 120000 */
	/* pipeline auto (the default): proxy.pipeline stays off and preload decides per
	 * proxy from what its pipeline cache learned */
	bool pipeline_auto;
	uint8_t fake_net4[4]; /* remote DNS: the fake IPv4 range, default 198.18.0.0/15 */
	unsigned fake_prefix4;
	uint8_t fake_net6[16]; /* and IPv6, default fd9a:5f0c:4b2d:ffff::/64 */
	unsigned fake_prefix6;
	bool strict;	   /* leak-proof: no local DNS, no direct UDP, no raw or foreign sockets */
	int dns_server_af; /* 0 when unset, else 4 or 6: DNS reached through the proxy */
	uint8_t dns_server_addr[16];
	uint16_t dns_server_port; /* default 53 */
	/* More addresses whose port 53 counts as "the system's nameserver" (besides
	 * /etc/resolv.conf): DNS sent there is answered by the shim in remote/proxy mode. */
	size_t n_dns_intercept;
	uint8_t dns_intercept_af[SX_DNS_INTERCEPT_MAX]; /* 4 or 6 */
	uint8_t dns_intercept_addr[SX_DNS_INTERCEPT_MAX][16];
};

typedef const char *(*sx_getenv_fn)(const char *name);

void sx_config_defaults(struct sx_config *c);
/* The proxy that receives the destination: the chain's last, else the server. */
const struct sx_proxy *sx_config_last_hop(const struct sx_config *c);
/* Applies file_text (may be NULL) then the environment over c (call sx_config_defaults
 * first). file_name is used in messages only. Returns 0 or -EINVAL with err holding one
 * line such as "SOCKS_SERVER: port 99999 out of range" or
 * "/etc/socksify.conf:3: unknown key 'foo'". */
int sx_config_load(struct sx_config *c, sx_getenv_fn getenv_fn, const char *file_name,
		   const char *file_text, size_t len, char *err, size_t errlen);

/* The password file's text (one final newline dropped) as the proxy password: 0, or
 * -EINVAL with err naming the file. */
int sx_config_set_password(struct sx_config *c, const char *text, size_t len, char *err,
			   size_t errlen);

/* conf_file.c, used by sx_config_load: splits file text into `key value` lines, skipping
 * blank lines and comments (a line starting with '#', or '#' after whitespace). */
struct sx_conf_line {
	unsigned lineno;
	const char *key;
	size_t key_len;
	const char *val; /* trimmed, comment removed; val_len may be 0 */
	size_t val_len;
};

struct sx_conf_reader {
	const char *p, *end;
	unsigned lineno;
};

void sx_conf_file_init(struct sx_conf_reader *r, const char *text, size_t len);
/* true with *l filled, false at the end of the text */
bool sx_conf_file_next(struct sx_conf_reader *r, struct sx_conf_line *l);

/* True when the config file text holds a password or a URL with credentials. */
bool sx_config_text_has_secret(const char *text, size_t len);

#endif
