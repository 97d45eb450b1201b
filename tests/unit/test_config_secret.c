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
	return tap_done();
}
