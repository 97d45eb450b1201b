/* SPDX-License-Identifier: MIT */
/* The one table from SOCKS answers to errno values (design.md §4). */
#ifndef SX_CORE_ERRMAP_H
#define SX_CORE_ERRMAP_H

#include <errno.h>
#include <stdint.h>

/* Negative errno for a SOCKS5 REP byte (REP 0 gives 0). Unassigned codes give -ECONNREFUSED. */
int sx_errmap_socks5(uint8_t rep);
/* Negative errno for a SOCKS4 CD byte (90 gives 0). */
int sx_errmap_socks4(uint8_t cd);

/* Negative errno for a final HTTP status code (2xx gives 0): 401/403/407 EACCES,
 * 404/410 EHOSTUNREACH, 405/501 EOPNOTSUPP, 408/504 ETIMEDOUT, others ECONNREFUSED. */
int sx_errmap_http(unsigned status);

/* What a refusing REP or CD byte says, worded to follow "the proxy reports ": each
 * protocol in its own terms (REP 8 is SOCKS5's "address type not supported"). */
const char *sx_errmap_socks5_text(uint8_t rep);
const char *sx_errmap_socks4_text(uint8_t cd);
const char *sx_errmap_http_text(unsigned status);

/* Failures that are not a reply code. */
#define SX_ERR_AUTH_REJECTED (-EACCES)
#define SX_ERR_NO_METHOD     (-EACCES)
#define SX_ERR_MALFORMED     (-EPROTO)
#define SX_ERR_CLOSED	     (-ECONNRESET)
#define SX_ERR_TIMEOUT	     (-ETIMEDOUT)

#endif
