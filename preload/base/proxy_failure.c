/* SPDX-License-Identifier: MIT */
/* Words for a failed proxy connect: a proxy that is down or refuses us is told apart
 * from a proxy that reports on the target, since the program sees only an errno. */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../../config/proxy_url.h"
#include "../../core/errmap.h"
#include "log.h"
#include "proxy_failure.h"

/* The pid that last logged each kind of proxy failure: once per process, and a forked
 * child is a process of its own. */
static atomic_int unreachable_logged, refusal_logged;

static bool first_in_process(atomic_int *slot)
{
	int me = (int)getpid();
	return atomic_exchange(slot, me) != me;
}

/* tinyproxy answers wrong credentials with 401, squid and RFC 9110 with 407. */
static bool http_auth_refused(const struct sx_proxy_failure *why)
{
	return why->refusal == SX_HS_REFUSED_HTTP && (why->code == 407 || why->code == 401);
}

/* The program only sees an errno such as ECONNREFUSED; without this line nobody could
 * tell that the proxy, not the target, is the problem. */
void sx_proxy_failure_log(const struct sx_proxy *p, const struct sx_proxy_failure *why, int r)
{
	char url[300];
	if (why->unreachable && first_in_process(&unreachable_logged)) {
		sx_proxy_url_format(p, url, sizeof url);
		sx_log(SX_LOG_ERROR, "proxy %s unreachable: %s", url, strerror(-r));
	} else if ((why->refusal == SX_HS_REFUSED_CREDENTIALS || http_auth_refused(why)) &&
		   first_in_process(&refusal_logged)) {
		sx_proxy_url_format(p, url, sizeof url);
		if (why->refusal == SX_HS_REFUSED_CREDENTIALS || p->has_user)
			sx_log(SX_LOG_ERROR,
			       "proxy %s rejected the credentials (user name and password)", url);
		else
			sx_log(SX_LOG_ERROR, "proxy %s wants a user name and password (HTTP %u)",
			       url, why->code);
	} else if (why->refusal == SX_HS_REFUSED_METHODS && first_in_process(&refusal_logged)) {
		sx_proxy_url_format(p, url, sizeof url);
		sx_log(SX_LOG_ERROR,
		       "proxy %s accepts none of the authentication methods offered%s", url,
		       p->has_user ? "" : " (it may want a user name and password)");
	}
}

void sx_proxy_failure_format(const struct sx_proxy_failure *why, int r, char *out, size_t n)
{
	if (why->unreachable) {
		snprintf(out, n, "proxy unreachable: %s", strerror(-r));
		return;
	}
	if (why->n_hops > 1 && why->at) {
		/* In a chain the program's errno could come from any hop: name it. */
		char url[300];
		sx_proxy_url_format(why->at, url, sizeof url);
		int k = snprintf(out, n, "hop %u of %u (%s): ", why->hop + 1, why->n_hops, url);
		if (k > 0 && (size_t)k < n) {
			out += k;
			n -= (size_t)k;
		}
	}
	switch (why->refusal) {
	case SX_HS_REFUSED_CREDENTIALS:
		snprintf(out, n, "the proxy rejected the credentials");
		break;
	case SX_HS_REFUSED_METHODS:
		snprintf(out, n, "the proxy accepts none of the authentication methods offered");
		break;
	case SX_HS_REFUSED_SOCKS5:
		snprintf(out, n, "the proxy reports %s (REP %u)", sx_errmap_socks5_text(why->code),
			 why->code);
		break;
	case SX_HS_REFUSED_SOCKS4:
		snprintf(out, n, "the proxy reports %s (CD %u)", sx_errmap_socks4_text(why->code),
			 why->code);
		break;
	case SX_HS_REFUSED_HTTP:
		snprintf(out, n, "the proxy reports %s (HTTP %u)", sx_errmap_http_text(why->code),
			 why->code);
		break;
	default:
		snprintf(out, n, "%s", strerror(-r));
	}
}
