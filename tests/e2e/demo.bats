#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# `make demo` is the project's main job: keep it working.

load helpers

@test "the demo runs end to end and proves every path from the logs" {
	[ "${SAN:-}" = 1 ] && skip "the demo runs curl, which does not run under a preloaded ASan runtime"
	run "$ROOT/scripts/demo.sh"
	assert_success
	assert_line "== OK: every connection and datagram went through the SOCKS proxy, no DNS query leaked"
	assert_line "   v5 CONNECT name=web.demo.test:80 auth=none result=ok"
}
