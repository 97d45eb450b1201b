/* SPDX-License-Identifier: MIT */
/* SOCKS reply codes and HTTP CONNECT status codes to negative errno values: the one
 * table (design.md §4), mirrored in socksify.1 DIAGNOSTICS. */
#include <errno.h>

#include "errmap.h"

int sx_errmap_socks5(uint8_t rep)
{
	switch (rep) {
	case 0:
		return 0;
	case 1: /* general failure */
		return -ECONNREFUSED;
	case 2: /* not allowed by ruleset */
		return -EACCES;
	case 3:
		return -ENETUNREACH;
	case 4:
		return -EHOSTUNREACH;
	case 5:
		return -ECONNREFUSED;
	case 6: /* TTL expired */
		return -ETIMEDOUT;
	case 7: /* command not supported: lets the UDP policy tell "no UDP" apart */
		return -EOPNOTSUPP;
	case 8:
		return -EAFNOSUPPORT;
	default: /* 09-FF unassigned: the server refused, whatever it meant */
		return -ECONNREFUSED;
	}
}

int sx_errmap_socks4(uint8_t cd)
{
	switch (cd) {
	case 90:
		return 0;
	case 91: /* rejected or failed */
		return -ECONNREFUSED;
	case 92: /* identd unreachable */
	case 93: /* identd user id mismatch */
		return -EACCES;
	default: /* not a SOCKS4 reply at all */
		return -EPROTO;
	}
}

const char *sx_errmap_socks5_text(uint8_t rep)
{
	static const char *const text[] = {
	    "success",
	    "a general failure",
	    "the connection is not allowed by its rules",
	    "the network is unreachable",
	    "the host is unreachable",
	    "the target refused the connection",
	    "the TTL expired",
	    "the command is not supported",
	    "the address type is not supported",
	};
	return rep < sizeof text / sizeof text[0] ? text[rep] : "an unassigned failure code";
}

const char *sx_errmap_socks4_text(uint8_t cd)
{
	switch (cd) {
	case 90:
		return "success";
	case 91:
		return "the request was rejected or failed";
	case 92:
		return "it cannot reach the client's identd";
	case 93:
		return "identd gave a different user id";
	default:
		return "a code that is not SOCKS4";
	}
}

/* RFC 9110 §15, in the terms of the SOCKS5 table above: a refusal by policy is EACCES
 * (as REP 2), a proxy that cannot reach the target says which way it failed. */
int sx_errmap_http(unsigned status)
{
	if (status >= 200 && status <= 299)
		return 0;
	switch (status) {
	case 401: /* some proxies answer 401 where 407 is meant */
	case 403: /* forbidden by the proxy's rules (tinyproxy's ConnectPort, squid's ACLs) */
	case 407: /* proxy authentication required: none sent, or rejected */
		return -EACCES;
	case 404: /* no such host (privoxy, some gateways) */
	case 410:
		return -EHOSTUNREACH;
	case 405: /* CONNECT not allowed here */
	case 501: /* CONNECT not implemented */
		return -EOPNOTSUPP;
	case 408: /* request timeout */
	case 504: /* gateway timeout: the target did not answer */
		return -ETIMEDOUT;
	default: /* other 3xx, 4xx, 5xx: 500/502/503 are how proxies say the connect failed */
		return -ECONNREFUSED;
	}
}

const char *sx_errmap_http_text(unsigned status)
{
	switch (status) {
	case 401:
	case 407:
		return "authentication is required or the credentials were rejected";
	case 403:
		return "the connection is not allowed by its rules";
	case 404:
	case 410:
		return "the host is not found";
	case 405:
	case 501:
		return "CONNECT is not supported";
	case 408:
	case 504:
		return "a timeout";
	case 500:
	case 502:
	case 503:
		return "that it could not connect to the target";
	default:
		return status >= 200 && status <= 299 ? "success" : "a refusal";
	}
}
