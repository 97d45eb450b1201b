/* SPDX-License-Identifier: MIT */
/* core/errmap: every SOCKS5 REP and SOCKS4 CD value against the design.md §4 table. */
#include <errno.h>

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
	return tap_done();
}
