/* SPDX-License-Identifier: MIT */
/* Inputs the fuzzers (tests/fuzz) found, replayed through the same entry points,
 * so a fixed bug stays fixed under plain `make check`. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/fakedns.h"
#include "tap.h"

/* fuzz_fakedns: "d.." was stored as "d.", whose reverse lookup then mapped forward to
 * another slot ("d"): names and addresses disagreed. A name whose last label is empty
 * after the one allowed trailing dot is now refused. */
static void fakedns_double_dot(void)
{
	static const struct sx_fakedns_cfg cfg = {
	    {198, 18, 0, 0}, 15, {0xfd, 0x9a, 0x5f, 0x0c, 0x4b, 0x2d, 0xff, 0xff}, 64, 16,
	    false,	     0};
	size_t size = sx_fakedns_size(cfg.capacity);
	void *t = aligned_alloc(8, (size + 7) & ~(size_t)7);
	uint8_t a[16], b[16];
	char name[256];

	TAP_OK(t != NULL, "table allocated");
	if (!t)
		return;
	TAP_IS(sx_fakedns_init(t, size, &cfg), 0, "init");
	TAP_IS(sx_fakedns_assign(t, "d..", SX_FAKEDNS_V4, a), -EINVAL, "'d..' refused");
	TAP_IS(sx_fakedns_assign(t, "Web..", SX_FAKEDNS_V6, a), -EINVAL, "'Web..' refused");
	TAP_IS(sx_fakedns_assign(t, "..", SX_FAKEDNS_V4, a), -EINVAL, "'..' refused");
	TAP_IS(sx_fakedns_assign(t, ".", SX_FAKEDNS_V4, a), -EINVAL, "'.' refused");
	TAP_IS(sx_fakedns_count(t), 0, "nothing was stored");

	TAP_IS(sx_fakedns_assign(t, "d.", SX_FAKEDNS_V4, a), 0, "'d.' assigned");
	TAP_IS(sx_fakedns_assign(t, "D", SX_FAKEDNS_V4, b), 0, "'D' assigned");
	TAP_MEM(a, b, 4, "'d.' and 'D' share an address");
	TAP_IS(sx_fakedns_name(t, SX_FAKEDNS_V4, a, name), 0, "reverse lookup");
	TAP_STR(name, "d", "reverse lookup gives the normalised name");
	TAP_IS(sx_fakedns_assign(t, name, SX_FAKEDNS_V4, b), 0, "forward again");
	TAP_MEM(a, b, 4, "reverse then forward is the same address");
	TAP_IS(sx_fakedns_count(t), 1, "one name stored");
	free(t);
}

int main(void)
{
	fakedns_double_dot();
	return tap_done();
}
