/* SPDX-License-Identifier: MIT */
/* SOCKS reply codes to negative errno values: the one table (design.md §4),
 * mirrored in socksify.1 DIAGNOSTICS. */
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
