/* SPDX-License-Identifier: MIT */
/* core/target: names are bounded by one SOCKS length byte; addresses copied as given. */
#include <errno.h>
#include <string.h>

#include "../../core/target.h"
#include "tap.h"

int main(void)
{
	static const uint8_t v4[4] = {192, 0, 2, 1};
	static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
	struct sx_target t;
	char name[300];

	TAP_IS(sx_target_set_name(&t, "example.com", 443), 0, "plain name accepted");
	TAP_IS(t.kind, SX_TARGET_NAME, "kind is NAME");
	TAP_IS(t.port, 443, "port kept in host order");
	TAP_STR(t.addr.name, "example.com", "name copied");

	TAP_IS(sx_target_set_name(&t, "", 1), -EINVAL, "empty name rejected");

	memset(name, 'a', sizeof(name));
	name[255] = '\0';
	TAP_IS(sx_target_set_name(&t, name, 1), 0, "255-byte name accepted");
	TAP_IS(strlen(t.addr.name), 255, "all 255 bytes kept");
	name[255] = 'a';
	name[256] = '\0';
	TAP_IS(sx_target_set_name(&t, name, 1), -ENAMETOOLONG, "256-byte name rejected");
	name[256] = 'a';
	name[299] = '\0';
	TAP_IS(sx_target_set_name(&t, name, 1), -ENAMETOOLONG, "299-byte name rejected");

	sx_target_set_v4(&t, v4, 80);
	TAP_IS(t.kind, SX_TARGET_IPV4, "kind is IPV4");
	TAP_IS(t.port, 80, "v4 port");
	TAP_MEM(t.addr.v4, v4, 4, "v4 bytes");

	struct sx_target u;
	sx_target_set_v4(&u, v4, 80);
	TAP_OK(sx_target_equal(&t, &u), "equal: same v4 address and port");
	u.port = 81;
	TAP_OK(!sx_target_equal(&t, &u), "not equal: another port");
	sx_target_set_v6(&u, v6, 80);
	TAP_OK(!sx_target_equal(&t, &u), "not equal: another kind");
	sx_target_set_name(&u, "example.com", 80);
	sx_target_set_name(&t, "example.com", 80);
	TAP_OK(sx_target_equal(&t, &u), "equal: same name and port");

	sx_target_set_v6(&t, v6, 65535);
	TAP_IS(t.kind, SX_TARGET_IPV6, "kind is IPV6");
	TAP_IS(t.port, 65535, "v6 port");
	TAP_MEM(t.addr.v6, v6, 16, "v6 bytes");
	return tap_done();
}
