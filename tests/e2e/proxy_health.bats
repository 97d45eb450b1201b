#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Proxy health lives in the process tree's fake-DNS table file: a mark one process makes
# is seen by the tree's other processes (exec'd, not forked), not by another tree, and
# leaves the table itself intact. build/health_probe runs proxy_health.c over the file.

load helpers

setup_file() {
	load helpers
	start_targets
	start_proxy plain 1080 --map web.test=192.0.2.10
	export SOCKS_SERVER=socks5h://127.0.0.1:1080
}

teardown_file() {
	stop_all_bg
}

PROBE=$B/health_probe
# The first name makes the tree's table file; its address must stay the same after.
RESOLVE='python3 -c "import socket; print(socket.gethostbyname(\"web.test\"))"'

@test "a proxy one process marks dead is dead for the tree's other processes" {
	run timeout 60 "$SOCKSIFY" sh -c "
		$RESOLVE
		$PROBE check socks5://127.0.0.1:1081
		$PROBE mark socks5://127.0.0.1:1081
		$PROBE check socks5://127.0.0.1:1081
		$PROBE check socks5://127.0.0.1:1082
		$PROBE check http://127.0.0.1:1081
		$PROBE alive socks5://127.0.0.1:1081
		$PROBE check socks5://127.0.0.1:1081
		$RESOLVE"
	assert_success
	assert_line --index 1 alive
	assert_line --partial "proxy socks5://127.0.0.1:1081 marked dead for 60 s"
	assert_line --index 3 dead
	assert_line --index 4 alive
	assert_line --index 5 alive
	assert_line --index 6 alive
	[ "${lines[7]}" = "${lines[0]}" ]
}

@test "the tree's round-robin position moves on across its processes" {
	run timeout 60 "$SOCKSIFY" sh -c "
		$RESOLVE >/dev/null
		$PROBE rr socks5://127.0.0.1:1080
		$PROBE rr socks5://127.0.0.1:1080
		$PROBE rr socks5://127.0.0.1:1080"
	assert_success
	assert_output "0
1
2"
}

@test "another tree does not see the first tree's dead proxies" {
	run timeout 60 "$SOCKSIFY" sh -c "
		$RESOLVE >/dev/null
		$PROBE mark socks5://127.0.0.1:1083 2>/dev/null
		$PROBE check socks5://127.0.0.1:1083"
	assert_success
	assert_output dead
	run timeout 60 "$SOCKSIFY" sh -c "
		$RESOLVE >/dev/null
		$PROBE check socks5://127.0.0.1:1083"
	assert_success
	assert_output alive
}
