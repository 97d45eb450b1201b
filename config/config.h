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

/* Several proxies: named proxies, groups of them, and routes per destination. */
#define SX_NAMED_MAX	     16 /* `proxy NAME URL` lines */
#define SX_GROUPS_MAX	     32 /* groups[0] is the default; a route to one proxy makes one */
#define SX_GROUP_MEMBERS_MAX 16
#define SX_ROUTES_MAX	     64
#define SX_LABEL_MAX	     31 /* a proxy's or group's name: letters, digits, '-', '_' */

/* A proxy reference: 0 is the server, 1..n_via the chain's hops after it, and
 * SX_REF_NAMED + i the named proxy named[i]. */
#define SX_REF_NAMED SX_CHAIN_MAX
#define SX_REFS_MAX  (SX_CHAIN_MAX + SX_NAMED_MAX)

/* How a group turns its members into one connection's hops. Members known dead (refused,
 * unreachable, timed out within dead_time) are skipped; when every candidate is known
 * dead they are all tried again, in the same order. */
enum sx_pick {
	SX_PICK_STRICT = 0,  /* every member, in order: a chain; one down fails the connection */
	SX_PICK_DYNAMIC,     /* every member not known dead, in order; at least one */
	SX_PICK_FAILOVER,    /* the first `len` members not known dead, in order (len 1) */
	SX_PICK_ROUND_ROBIN, /* `len` members, each connection starting after the tree's last */
	SX_PICK_RANDOM,	     /* `len` members at random */
};

struct sx_group {
	char name[SX_LABEL_MAX + 1]; /* "" for the default and for a route's single proxy */
	enum sx_pick pick;
	unsigned len; /* hops per connection for failover, round_robin, random; >= 1 */
	size_t n;
	uint8_t member[SX_GROUP_MEMBERS_MAX]; /* proxy references, in the order written */
};

/* Where a route sends a connection: a group index (0 the default), or one of these. */
#define SX_WAY_DIRECT (-1)
#define SX_WAY_REJECT (-2)
#define SX_WAY_NONE   (-3) /* no route matched: the caller applies the default */

struct sx_route_rule {
	struct sx_bypass_entry match; /* SX_BYPASS_ANY: every host (with a port: that port) */
	int way;
};

struct sx_config {
	bool has_proxy; /* false: no proxy configured anywhere */
	struct sx_proxy proxy;
	/* A chain's proxies behind `proxy`, in order (SOCKSIFY_CHAIN, the chain key): proxy
	 * CONNECTs to via[0], via[0] to via[1], and the last to the destination. */
	size_t n_via;
	struct sx_proxy via[SX_CHAIN_MAX - 1];
	/* Named proxies (`proxy NAME URL`), groups and routes. groups[0] is always the
	 * default: proxy and via, picked by chain_mode (SOCKSIFY_CHAIN_MODE) and chain_len. */
	size_t n_named;
	struct sx_proxy named[SX_NAMED_MAX];
	char named_name[SX_NAMED_MAX][SX_LABEL_MAX + 1];
	size_t n_groups;
	struct sx_group groups[SX_GROUPS_MAX];
	/* First match wins, after the bypass list (which is the direct routes of bypass,
	 * SOCKSIFY_BYPASS and NO_PROXY); no match: groups[0]. SOCKSIFY_ROUTES' routes come
	 * before the file's. */
	size_t n_routes;
	struct sx_route_rule routes[SX_ROUTES_MAX];
	unsigned dead_time_ms;	 /* how long a dead proxy is skipped, tree-wide; default 60000 */
	enum sx_dns_mode dns;	 /* remote for socks4a/socks5h, local otherwise, unless set */
	struct sx_bypass bypass; /* SOCKSIFY_BYPASS / bypass, plus NO_PROXY */
	bool bypass_loopback;	 /* default true */
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
/* The proxy a reference names (see SX_REF_NAMED), or NULL when it names none. */
const struct sx_proxy *sx_config_proxy_at(const struct sx_config *c, unsigned ref);
/* routes.c: the way of the first route (after the bypass list) that matches, or
 * SX_WAY_NONE. af 4 or 6 with addr in network order; port in host order; a name is
 * matched case-insensitively, a trailing dot ignored, a numeric name as its address. */
int sx_route_for_addr(const struct sx_config *c, int af, const uint8_t *addr, uint16_t port);
int sx_route_for_name(const struct sx_config *c, const char *name, uint16_t port);
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
