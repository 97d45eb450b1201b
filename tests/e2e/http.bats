#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# HTTP CONNECT proxies (http://): tinyproxy and squid from Debian, alone and with Basic
# auth, and the bundled proxy's HTTP mode with its failure switches. A banner the proxy sends in
# the same segment as its 200 must reach the program whole.

load helpers
load interop_helpers

TP_SRC=127.0.0.5 # tinyproxy's Bind address: the target seeing it proves the path
SQ_SRC=127.0.0.8 # squid's tcp_outgoing_address
ERRNO=$BATS_TEST_DIRNAME/errno_client.py
UDP=$BATS_TEST_DIRNAME/udp_client.py

setup_file() {
	load helpers
	load interop_helpers
	start_targets
	printf '127.0.0.1 localhost\n192.0.2.10 proxy-only.test\n' >"$BATS_FILE_TMPDIR/tp-hosts"
	TINYPROXY_HOSTS=$BATS_FILE_TMPDIR/tp-hosts start_tinyproxy tp 3128 $TP_SRC || true
	start_tinyproxy tpauth 3129 $TP_SRC 'BasicAuth alice s3cret' || true
	start_squid squid 3138 $SQ_SRC "$BATS_FILE_TMPDIR/tp-hosts" || true
	start_proxy hp 3130 --map web.test=192.0.2.10 --http-coalesce
	start_proxy hpauth 3131 --user bob --pass 'p w' --http-headers 100
	start_proxy hpslow 3132 --fragment --http-coalesce
}

# basic_auth_works PORT SRC: alice:s3cret gets through the proxy on PORT (the target sees
# SRC); a wrong password is EACCES, logged without the password. $output is the latter's.
basic_auth_works() {
	[ "${SAN:-}" = 1 ] && skip "curl/wget/node/ssh do not run under a preloaded ASan runtime"
	run "$SOCKSIFY" -s "http://alice:s3cret@127.0.0.1:$1" curl -sS -m 10 http://192.0.2.10/
	assert_success
	assert_output "peer=$2"
	run "$SOCKSIFY" -s "http://alice:wrong@127.0.0.1:$1" python3 "$ERRNO" 192.0.2.10 80
	assert_output --partial "errno=EACCES"
	assert_output --partial "rejected the credentials"
	refute_output --partial wrong
}

teardown_file() {
	stop_squid squid
	stop_all_bg
}

@test "tinyproxy: curl and python reach the target; it sees tinyproxy's address" {
	ix_need tp
	run "$SOCKSIFY" -s http://127.0.0.1:3128 curl -sS -m 10 http://192.0.2.10/
	assert_success
	assert_output "peer=$TP_SRC"
	run "$SOCKSIFY" -s http://127.0.0.1:3128 python3 "$ERRNO" --nonblocking --peer 198.51.100.10 80
	assert_success
	assert_line "peer=198.51.100.10:80"
	assert_line "ok peer=$TP_SRC"
	run cat "$BATS_FILE_TMPDIR/tp.log"
	assert_output --partial "Request (file descriptor"
	assert_output --partial "CONNECT 192.0.2.10:80 HTTP/1.1"
}

@test "tinyproxy: a banner right after the 200 arrives intact" {
	ix_need tp
	run "$SOCKSIFY" -s http://127.0.0.1:3128 python3 "$ERRNO" 192.0.2.10 25
	assert_success
	assert_output "ok 220 banner.test ESMTP ready"
}

@test "tinyproxy: the name goes to the proxy (default remote DNS), no DNS query anywhere" {
	ix_need tp
	run "$SOCKSIFY" -s http://127.0.0.1:3128 curl -sS -m 10 http://proxy-only.test/
	assert_success
	assert_output "peer=$TP_SRC"
	run cat "$BATS_FILE_TMPDIR/tp.log"
	assert_output --partial "CONNECT proxy-only.test:80 HTTP/1.1"
	assert_no_dns_leak
}

@test "tinyproxy with Basic auth: the right password works, a wrong one or none is EACCES" {
	ix_need tpauth
	basic_auth_works 3129 $TP_SRC
	assert_output --partial "(HTTP 401)" # tinyproxy's answer to wrong credentials
	run "$SOCKSIFY" -s http://127.0.0.1:3129 python3 "$ERRNO" 192.0.2.10 80
	assert_output --partial "errno=EACCES"
	assert_output --partial "wants a user name and password (HTTP 407)"
}

@test "squid: curl, a banner, a name only squid can resolve; its log shows each CONNECT" {
	ix_need squid
	run "$SOCKSIFY" -s http://127.0.0.1:3138 curl -sS -m 10 http://192.0.2.10/
	assert_success
	assert_output "peer=$SQ_SRC"
	run "$SOCKSIFY" -s http://127.0.0.1:3138 python3 "$ERRNO" 192.0.2.10 25
	assert_output "ok 220 banner.test ESMTP ready"
	run "$SOCKSIFY" -s http://127.0.0.1:3138 curl -sS -m 10 http://proxy-only.test/
	assert_success
	assert_output "peer=$SQ_SRC"
	assert_no_dns_leak
	run squid_log squid
	assert_output --regexp "TCP_TUNNEL/200 [0-9]+ CONNECT 192\.0\.2\.10:25 "
	assert_output --regexp "TCP_TUNNEL/200 [0-9]+ CONNECT proxy-only\.test:80 "
}

@test "squid with Basic auth: the right password works, a wrong one is 407, EACCES; 503 is ECONNREFUSED" {
	ix_need squid
	basic_auth_works 3139 $SQ_SRC
	assert_output --partial "(HTTP 407)"
	run "$SOCKSIFY" -s http://127.0.0.1:3138 python3 "$ERRNO" 192.0.2.10 9
	assert_output --partial "errno=ECONNREFUSED"
	assert_output --partial "(HTTP 503)"
	run squid_log squid
	assert_output --regexp "TCP_TUNNEL/200 [0-9]+ CONNECT 192\.0\.2\.10:80 alice "
	assert_output --partial "TCP_DENIED/407"
}

@test "bundled proxy: curl's own HTTP proxy client agrees with its HTTP mode" {
	run curl -sS -m 10 -p -x http://bob:p%20w@127.0.0.1:3131 http://192.0.2.10/
	assert_success
	assert_output "peer=$PROXY_SRC"
	run proxy_log hpauth
	assert_output --partial "http CONNECT ip=192.0.2.10:80 auth=basic user=bob result=ok"
}

@test "bundled proxy: names as names, the request line and Host header right, no DNS" {
	run "$SOCKSIFY" -s http://127.0.0.1:3130 curl -sS -m 10 http://web.test/
	assert_success
	assert_output "peer=$PROXY_SRC"
	run proxy_log hp
	assert_output --partial "http CONNECT name=web.test:80 auth=none result=ok"
	assert_no_dns_leak
}

@test "bundled proxy: the target's banner in the 200's own segment is not swallowed" {
	run "$SOCKSIFY" -s http://127.0.0.1:3130 python3 "$ERRNO" 192.0.2.10 25
	assert_success
	assert_output "ok 220 banner.test ESMTP ready"
	run "$SOCKSIFY" -s http://127.0.0.1:3130 python3 "$ERRNO" --nonblocking 192.0.2.10 25
	assert_output "ok 220 banner.test ESMTP ready"
	# one byte per write, the banner included
	run "$SOCKSIFY" -s http://127.0.0.1:3132 python3 "$ERRNO" 192.0.2.10 25
	assert_output "ok 220 banner.test ESMTP ready"
}

@test "bundled proxy: a 7 KiB reply header with Basic auth (a space in the password)" {
	run env SOCKS_PASSWORD='p w' "$SOCKSIFY" -u bob -s http://127.0.0.1:3131 curl -sS -m 10 http://192.0.2.10/
	assert_success
	assert_output "peer=$PROXY_SRC"
	run env SOCKS_PASSWORD='p w' "$SOCKSIFY" -u bob -s http://127.0.0.1:3131 python3 "$ERRNO" 192.0.2.10 25
	assert_output "ok 220 banner.test ESMTP ready"
}

@test "bundled proxy: an IPv6 target goes in brackets" {
	run "$SOCKSIFY" -s http://127.0.0.1:3130 curl -sS -m 10 'http://[2001:db8::10]/'
	assert_success
	run proxy_log hp
	assert_output --partial "http CONNECT ip=[2001:db8::10]:80 auth=none result=ok"
}

@test "HTTP status codes map to the documented errno, blocking and non-blocking" {
	# python names EOPNOTSUPP by its alias ENOTSUP (the same value on Linux)
	local port=3140 pair code want
	for pair in 403:EACCES 404:EHOSTUNREACH 405:ENOTSUP 501:ENOTSUP 502:ECONNREFUSED \
		503:ECONNREFUSED 504:ETIMEDOUT 408:ETIMEDOUT 400:ECONNREFUSED 302:ECONNREFUSED; do
		code=${pair%%:*} want=${pair#*:}
		start_proxy "st$code" $port --http-status "$code"
		run "$SOCKSIFY" -s "http://127.0.0.1:$port" python3 "$ERRNO" 192.0.2.10 80
		assert_output --partial "errno=$want"
		assert_output --partial "(HTTP $code)"
		run "$SOCKSIFY" -q -s "http://127.0.0.1:$port" python3 "$ERRNO" --nonblocking 192.0.2.10 80
		assert_output "errno=$want"
		stop_bg "st$code"
		port=$((port + 1))
	done
}

@test "a target the HTTP proxy cannot reach: 502, ECONNREFUSED, and no direct connection" {
	before=$(wc -l <"$BATS_FILE_TMPDIR/target.log")
	run "$SOCKSIFY" -s http://127.0.0.1:3130 python3 "$ERRNO" 192.0.2.10 9
	assert_output --partial "errno=ECONNREFUSED"
	run proxy_log hp
	assert_output --partial "http CONNECT ip=192.0.2.10:9 auth=none result=http502"
	[ "$(wc -l <"$BATS_FILE_TMPDIR/target.log")" -eq "$before" ]
}

@test "UDP cannot go over HTTP: udp=block fails with a log line, --udp direct goes direct" {
	run "$SOCKSIFY" -s http://127.0.0.1:3130 python3 "$UDP" sendto 192.0.2.10 7 blocked
	assert_failure
	assert_line --regexp "^errno=(EOPNOTSUPP|ENOTSUP)$"
	assert_line --partial "an HTTP proxy carries TCP only): blocked (udp=block)"
	run "$SOCKSIFY" -q --udp direct -s http://127.0.0.1:3130 python3 "$UDP" sendto 192.0.2.10 7 direct
	assert_success
	assert_output "data=direct from=192.0.2.10:7"
}
