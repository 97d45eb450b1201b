/* SPDX-License-Identifier: MIT */
/* sx_config_text_has_secret: which config texts hold credentials. */
#include <string.h>

#include "../../config/config.h"
#include "tap.h"

static bool has(const char *t)
{
	return sx_config_text_has_secret(t, strlen(t));
}

int main(void)
{
	TAP_OK(!has(""), "empty file");
	TAP_OK(!has("server socks5h://127.0.0.1:1080\n"), "server without credentials");
	TAP_OK(has("server socks5://alice:pw@127.0.0.1:1080\n"), "credentials in the server URL");
	TAP_OK(has("user alice\npassword pw\n"), "a password line");
	TAP_OK(has("# comment\n  PASSWORD pw\n"), "key case and leading blanks");
	TAP_OK(!has("# password pw\n"), "a commented-out password");
	TAP_OK(!has("user alice\nbypass a@b\n"), "an @ elsewhere");
	TAP_OK(has("proxy corp http://user:pw@192.0.2.8:3128\n"), "credentials in a proxy line");
	TAP_OK(has("group g failover socks5://u:p@h:1 socks5://h:2\n"), "in a group's member URL");
	TAP_OK(has("route .x socks5h://u:p@h:1\n"), "in a route's target URL");
	TAP_OK(!has("proxy tor socks5h://127.0.0.1:9050\ngroup g strict tor\nroute .onion tor\n"),
	       "proxy, group and route lines without credentials");
	return tap_done();
}
