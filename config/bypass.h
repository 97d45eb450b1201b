/* SPDX-License-Identifier: MIT */
/* Destinations that go direct: CIDRs (v4/v6), exact host names and domain suffixes,
 * parsed from comma- or space-separated lists (SOCKSIFY_BYPASS, NO_PROXY syntax). */
#ifndef SX_CONFIG_BYPASS_H
#define SX_CONFIG_BYPASS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SX_BYPASS_MAX 64

struct sx_bypass_entry {
	enum {
		SX_BYPASS_CIDR4,
		SX_BYPASS_CIDR6,
		SX_BYPASS_HOST,
		SX_BYPASS_SUFFIX,
		SX_BYPASS_ANY
	} kind;
	uint8_t addr[16];
	unsigned prefix;
	uint16_t port;	/* 0: any port */
	char name[256]; /* lower case, no trailing dot; suffix stored without the leading dot */
};

struct sx_bypass {
	bool all; /* "*" in NO_PROXY */
	size_t n;
	struct sx_bypass_entry e[SX_BYPASS_MAX];
};

/* Appends the entries of list; 0 or -EINVAL (err names the bad entry) / -ENOSPC. */
int sx_bypass_add_list(struct sx_bypass *b, const char *list, char *err, size_t errlen);
/* One route's match (len > 0 bytes of s): as a bypass entry, but a bare host name
 * matches that name only, and "*", "*:PORT" and ":PORT" are SX_BYPASS_ANY. */
bool sx_bypass_parse_route_match(struct sx_bypass_entry *e, const char *s, size_t len);
/* af is 4 or 6; addr is 4 or 16 bytes in network order; port in host order. */
bool sx_bypass_match_addr(const struct sx_bypass *b, int af, const uint8_t *addr, uint16_t port);
/* Case-insensitive; a trailing dot is ignored. ".example.com" and "example.com" entries
 * match example.com and every subdomain (NO_PROXY convention). */
bool sx_bypass_match_name(const struct sx_bypass *b, const char *name, uint16_t port);

/* One entry against an address (as sx_bypass_match_addr), or against a name key. */
bool sx_bypass_entry_match_addr(const struct sx_bypass_entry *e, int af, const uint8_t *addr,
				uint16_t port);
/* A destination name as matching wants it: 4 or 6 with addr filled when it is numeric
 * (brackets allowed), 0 with n holding it in lower case without a trailing dot, or -1
 * when it is empty or too long. */
int sx_bypass_name_key(const char *name, char n[256], uint8_t addr[16]);
bool sx_bypass_entry_match_key(const struct sx_bypass_entry *e, const char *n, uint16_t port);

/* Strict numeric address (dotted quad without leading zeros, or RFC 4291 text, no brackets,
 * no zone) of exactly len bytes. Returns 4 or 6 with out filled (4 or 16 bytes), else 0.
 * Shared with proxy_url.c; pure, unlike inet_pton it needs no NUL terminator. */
int sx_bypass_parse_addr(const char *s, size_t len, uint8_t out[16]);

#endif
