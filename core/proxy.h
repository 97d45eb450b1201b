/* SPDX-License-Identifier: MIT */
/* What a proxy is: protocol, where it listens, and its credentials.
 * Filled in by config/, consumed by core's handshake and by preload. */
#ifndef SX_CORE_PROXY_H
#define SX_CORE_PROXY_H

#include <stdbool.h>
#include <stdint.h>

#include "target.h"

enum sx_proto {
	SX_PROTO_SOCKS4 = 1, /* local DNS, IPv4 only */
	SX_PROTO_SOCKS4A,    /* names sent to the proxy */
	SX_PROTO_SOCKS5,     /* local DNS */
	SX_PROTO_SOCKS5H,    /* names sent to the proxy */
	SX_PROTO_HTTP,	     /* HTTP CONNECT: names sent to the proxy, TCP only */
};

#define SX_CHAIN_MAX 8 /* proxies in one chain, the first included */

struct sx_proxy {
	enum sx_proto proto;
	char host[SX_NAME_MAX + 1]; /* as written: name or numeric, no brackets */
	uint16_t port;		    /* host byte order */
	bool has_user;		    /* SOCKS5: offer RFC 1929; SOCKS4: user id */
	char user[SX_NAME_MAX + 1];
	char pass[SX_NAME_MAX + 1];
	bool pipeline; /* SOCKS5: send greeting, auth and request in one write */
};

/* Only SOCKS5 has UDP ASSOCIATE; SOCKS4 and HTTP CONNECT carry TCP alone. */
static inline bool sx_proxy_relays_udp(const struct sx_proxy *p)
{
	return p->proto == SX_PROTO_SOCKS5 || p->proto == SX_PROTO_SOCKS5H;
}

#endif
