/* SPDX-License-Identifier: MIT */
/* core/errmap: every SOCKS5 REP and SOCKS4 CD value against the design.md §4 table. */
#include <errno.h>
#include <string.h>

#include "../../core/errmap.h"
#include "tap.h"

static int want5(int rep)
{
	static const int table[9] = {
	    0,		-ECONNREFUSED, -EACCES,	     -ENETUNREACH, -EHOSTUNREACH, -ECONNREFUSED,
	    -ETIMEDOUT, -EOPNOTSUPP,   -EAFNOSUPPORT};

	return rep < 9 ? table[rep] : -ECONNREFUSED;
}

static int want4(int cd)
{
	if (cd == 90)
		return 0;
	if (cd == 91)
		return -ECONNREFUSED;
	if (cd == 92 || cd == 93)
		return -EACCES;
	return -EPROTO;
}

int main(void)
{
	for (int rep = 0; rep < 256; rep++)
		TAP_IS(sx_errmap_socks5((uint8_t)rep), want5(rep), "SOCKS5 REP %d", rep);
	for (int cd = 0; cd < 256; cd++)
		TAP_IS(sx_errmap_socks4((uint8_t)cd), want4(cd), "SOCKS4 CD %d", cd);

	TAP_IS(SX_ERR_AUTH_REJECTED, -EACCES, "auth rejected is EACCES");
	TAP_IS(SX_ERR_NO_METHOD, -EACCES, "method FF is EACCES");
	TAP_IS(SX_ERR_MALFORMED, -EPROTO, "malformed is EPROTO");
	TAP_IS(SX_ERR_CLOSED, -ECONNRESET, "closed mid-handshake is ECONNRESET");
	TAP_IS(SX_ERR_TIMEOUT, -ETIMEDOUT, "timeout is ETIMEDOUT");

	/* each protocol in its own words: REP 8 is no SOCKS4 limit */
	TAP_STR(sx_errmap_socks5_text(5), "the target refused the connection", "REP 5 text");
	TAP_STR(sx_errmap_socks5_text(8), "the address type is not supported", "REP 8 text");
	TAP_STR(sx_errmap_socks5_text(9), "an unassigned failure code", "REP 9 text");
	TAP_STR(sx_errmap_socks5_text(255), "an unassigned failure code", "REP 255 text");
	TAP_STR(sx_errmap_socks4_text(91), "the request was rejected or failed", "CD 91 text");
	TAP_STR(sx_errmap_socks4_text(0), "a code that is not SOCKS4", "CD 0 text");
	for (int rep = 1; rep < 256; rep++)
		TAP_OK(strstr(sx_errmap_socks5_text((uint8_t)rep), "SOCKS4") == NULL,
		       "REP %d text does not mention SOCKS4", rep);
	return tap_done();
}
