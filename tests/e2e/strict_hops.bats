#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# --strict with several proxies: the forwarder outside the namespace hands the library a
# socket to any proxy that can start a connection (the server, any member of a failover
# or other non-strict group, a strict group's first), named by its reference, and to no
# other address, whatever a program inside asks for.

load helpers

A_SRC=127.0.0.2 # bundled proxy A
B_SRC=127.0.0.6 # bundled proxy B
ASK=$B/fwd_ask

setup_file() {
	load helpers
	start_targets
	start_proxy a 1090
	start_proxy b 1091 --source $B_SRC
}

teardown_file() {
	stop_all_bg
}

@test "--strict: the forwarder makes sockets to its first hops only, never to a chain's later hop" {
	run "$SOCKSIFY" --strict -q -s socks5://127.0.0.1:1090 -s socks5://127.0.0.1:1091 "$ASK" 0 1 2 24 255
	assert_success
	assert_output "ref 0: peer=127.0.0.1:1090
ref 1: EPERM
ref 2: EPERM
ref 24: EPERM
ref 255: EPERM"
	run proxy_log b
	assert_output ""
}

@test "--strict: a dead proxy's refusal comes back as ECONNREFUSED, not as a protocol error" {
	run "$SOCKSIFY" --strict -q -s socks5://127.0.0.1:1099 "$ASK" 0
	assert_success
	assert_output "ref 0: ECONNREFUSED"
	run "$SOCKSIFY" --strict -q -s socks5://127.0.0.1:1099 python3 "$BATS_TEST_DIRNAME/errno_client.py" 192.0.2.10 80
	assert_output "errno=ECONNREFUSED"
}

# The rest needs the groups and routes of the configuration (and their connect path).
need_option() {
	"$SOCKSIFY" --help | grep -q -- "$1" || skip "no $1 in this build"
}

@test "--strict, a failover default whose first proxy is dead: the second carries the connection" {
	need_option --chain-mode
	run "$SOCKSIFY" --strict -q --chain-mode failover -s socks5://127.0.0.1:1099 -s socks5://127.0.0.1:1090 \
		"$ASK" 0 1
	assert_output "ref 0: ECONNREFUSED
ref 1: peer=127.0.0.1:1090"
	run "$SOCKSIFY" --strict -q --chain-mode failover -s socks5://127.0.0.1:1099 -s socks5://127.0.0.1:1090 \
		curl -sS -m 10 http://192.0.2.10/
	assert_success
	assert_output "peer=$A_SRC"
}

@test "--strict, two named proxies and a route to the second: each destination through its own" {
	need_option --route
	local conf=$BATS_TEST_TMPDIR/routes.conf
	printf 'proxy pa socks5://127.0.0.1:1090\nproxy pb socks5://127.0.0.1:1091\nserver socks5://127.0.0.1:1090\nroute 198.51.100.10 pb\n' >"$conf"
	run "$SOCKSIFY" --strict -q -c "$conf" curl -sS -m 10 http://192.0.2.10/
	assert_success
	assert_output "peer=$A_SRC"
	run "$SOCKSIFY" --strict -q -c "$conf" python3 "$BATS_TEST_DIRNAME/errno_client.py" --peer 198.51.100.10 80
	assert_line "ok peer=$B_SRC"
	run proxy_log b
	assert_output --partial "v5 CONNECT ip=198.51.100.10:80 auth=none result=ok"
}
