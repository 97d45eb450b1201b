/* SPDX-License-Identifier: MIT */
/* The password file (SOCKSIFY_PASSWORD_FILE): the server's password alone, or one line
 * per proxy, so that no password of any proxy has to travel in the environment. */
#ifndef SX_CONFIG_PASSWORDS_H
#define SX_CONFIG_PASSWORDS_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

/* The first line of a file with one line per proxy:
 *   #socksify-passwords
 *   server PASSWORD                         the server's, whatever its URL
 *   socks5://alice@192.0.2.8:1080 PASSWORD  a proxy with this scheme, user, host, port
 * PASSWORD is the rest of the line, '%', control bytes and DEL percent-encoded. */
#define SX_PASSWORDS_HEADER "#socksify-passwords"
#define SX_PASSWORDS_SERVER "server"
/* A longer password file is an error, not cut. */
#define SX_PASSWORD_FILE_MAX (16 * 1024)

/* Puts the file's passwords into c. A file without the header is the server's password,
 * as sx_config_set_password takes it. A proxy line fills the proxies (server, chain hops,
 * named proxies) with its scheme, user, host and port that have no password yet: the
 * first line to the first of them, the next to the next, the last line's password to
 * any left over. 0, or -EINVAL with err naming c->password_file (and the line). */
int sx_config_apply_passwords(struct sx_config *c, const char *text, size_t len, char *err,
			      size_t errlen);

/* One line of that file, "KEY PASSWORD\n" with the password encoded, into out: its
 * length, or 0 when it does not fit. */
size_t sx_passwords_line(const char *key, const char *pass, char *out, size_t n);

/* Whether text starts with the header line. */
bool sx_passwords_keyed(const char *text, size_t len);

#endif
