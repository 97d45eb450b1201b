#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Go programs make their own system calls, dynamically linked or not: the wrapper tells
# them by their build-id note or .go.buildinfo, points Go's net/http at the proxy with
# HTTP_PROXY/HTTPS_PROXY (socks5://, names sent to the proxy), and under --strict
# isolation keeps their raw connections in.

load helpers

setup_file() {
	load helpers
	start_targets
	start_proxy go 1080 --map web.test=192.0.2.10
}

teardown_file() {
	stop_all_bg
}

setup() {
	sx_setup
	[ -x "$B/go_client" ] && [ -x "$B/go_client_static" ] ||
		skip "no Go programs built (golang-go missing when make ran)"
	: >"$BATS_FILE_TMPDIR/go.log"
	mark_target
}

@test "Go: dynamic and static clients are told; their HTTP goes through the proxy by HTTP_PROXY, by name" {
	run file -L "$B/go_client"
	assert_output --partial "dynamically linked"
	local g
	for g in go_client go_client_static; do
		run "$SOCKSIFY" -q -s socks5://127.0.0.1:1080 "$B/$g" http http://web.test/
		assert_success
		assert_line --index 0 "socksify: warning: $B/$g is a Go program: Go makes its own system calls, which LD_PRELOAD cannot reach; HTTP_PROXY and HTTPS_PROXY=socks5://127.0.0.1:1080 send its HTTP(S) through the proxy, its other connections go direct"
		assert_line --index 1 "peer=$PROXY_SRC"
	done
	run proxy_log go
	[ "$(grep -c 'v5 CONNECT name=web.test:80 auth=none result=ok' <<<"$output")" -eq 2 ]
	assert_no_dns_leak
	# What the warning says: a raw connection goes direct.
	run "$SOCKSIFY" -q -s socks5://127.0.0.1:1080 "$B/go_client" dial 192.0.2.10:80
	assert_line --index 1 "connected"
	run target_since
	assert_line --regexp "peer=192\.0\.2\.10:"
}

@test "Go: without a usable URL (a password, socks4) HTTP_PROXY is not set, and the line says why" {
	run env SOCKS_PASSWORD=pw "$SOCKSIFY" -q -s socks5://alice@127.0.0.1:1080 "$B/go_client" dial 127.0.0.1:9
	assert_line --index 0 --partial "so its connections go direct (the proxy needs a password, which socksify never puts in the environment)"
	run "$SOCKSIFY" -q -s socks4a://127.0.0.1:1080 "$B/go_client" dial 127.0.0.1:9
	assert_line --index 0 --partial "(Go's net/http speaks only SOCKS5 to a proxy)"
}

@test "Go under --strict: isolated, HTTP goes through the forwarder and raw connections fail; nothing leaks" {
	local g
	for g in go_client go_client_static; do
		run "$SOCKSIFY" --strict -s socks5://127.0.0.1:1080 "$B/$g" http http://web.test/
		assert_success
		assert_line --index 0 --partial "is a Go program"
		assert_line --index 0 --partial "isolated (--strict)"
		assert_line --index 1 "peer=$PROXY_SRC"
		run "$SOCKSIFY" --strict -q -s socks5://127.0.0.1:1080 "$B/$g" dial 192.0.2.10:80
		assert_failure 1
		assert_line --index 1 "error: dial tcp 192.0.2.10:80: connect: network is unreachable"
		run "$SOCKSIFY" --strict -q -s socks5://127.0.0.1:1080 "$B/$g" dial web.test:80
		assert_failure 1
		assert_line --index 1 --partial "error: dial tcp: lookup web.test"
	done
	run target_since
	refute_output --regexp "peer=192\.0\.2\.10:"
	assert_no_dns_leak
	# Without isolation, --strict refuses it.
	run "$SOCKSIFY" --strict --isolation off -s socks5://127.0.0.1:1080 "$B/go_client" dial 192.0.2.10:80
	assert_failure 3
	assert_line --index 1 "socksify: refusing to run $B/go_client unsocksified (--strict)"
}
