#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# dns=proxy: real answers from a DNS server reached over TCP through the proxy (c-ares
# inside the shim), never from the local resolver.

load helpers

setup_file() {
	load helpers
	start_targets
	start_proxy plain 1080
	: >"$BATS_FILE_TMPDIR/upstream.log"
	start_bg upstream "$B/dnsrec" --listen 192.0.2.11:53 --map web.test=192.0.2.10 \
		--map web.test=2001:db8::10 --log "$BATS_FILE_TMPDIR/upstream.log"
}

teardown_file() {
	stop_all_bg
}

export SOCKSIFY_DNS=proxy SOCKSIFY_DNS_SERVER=192.0.2.11

@test "curl resolves through the proxy and reaches the real address" {
	run "$SOCKSIFY" -s socks5://127.0.0.1:1080 curl -sS -m 10 http://web.test/
	assert_success
	assert_output "peer=$PROXY_SRC"
	run cat "$BATS_FILE_TMPDIR/upstream.log"
	assert_output --regexp "query proto=tcp from=127\.0\.0\.2:[0-9]+ name=web\.test type=A"
	run proxy_log plain
	assert_output --partial "v5 CONNECT ip=192.0.2.11:53 auth=none result=ok"
	assert_output --partial "v5 CONNECT ip=192.0.2.10:80 auth=none result=ok"
	assert_no_dns_leak
}

@test "python getaddrinfo gets the real IPv4 and IPv6 answers" {
	run "$SOCKSIFY" -s socks5h://127.0.0.1:1080 python3 -c '
import socket
print(socket.getaddrinfo("web.test", 80, socket.AF_INET, socket.SOCK_STREAM)[0][4][0])
print(socket.getaddrinfo("web.test", 80, socket.AF_INET6, socket.SOCK_STREAM)[0][4][0])'
	assert_success
	assert_line --index 0 "192.0.2.10"
	assert_line --index 1 "2001:db8::10"
	assert_no_dns_leak
}

@test "a name the server does not know is EAI_NONAME, without asking locally" {
	run "$SOCKSIFY" -s socks5://127.0.0.1:1080 python3 -c '
import socket
try:
    socket.getaddrinfo("nothere.test", 80, socket.AF_INET)
except socket.gaierror as e:
    print(e.errno == socket.EAI_NONAME)'
	assert_output "True"
	run cat "$BATS_FILE_TMPDIR/upstream.log"
	assert_output --partial "name=nothere.test type=A"
	assert_no_dns_leak
}

@test "no DNS server configured: the lookup fails with a clear line and nothing leaks" {
	SOCKSIFY_DNS_SERVER= run "$SOCKSIFY" -s socks5://127.0.0.1:1080 python3 -c '
import socket
try:
    socket.getaddrinfo("web.test", 80, socket.AF_INET)
except socket.gaierror as e:
    print("gaierror", e.errno == socket.EAI_AGAIN)'
	assert_line "gaierror True"
	assert_line --partial "dns=proxy needs a DNS server"
	assert_no_dns_leak
}

@test "the proxy being down: EAI_AGAIN, not a local lookup" {
	run "$SOCKSIFY" -q -s socks5://127.0.0.1:1099 python3 -c '
import socket
try:
    socket.getaddrinfo("web.test", 80, socket.AF_INET)
except socket.gaierror as e:
    print(e.errno == socket.EAI_AGAIN)'
	assert_output "True"
	assert_no_dns_leak
}
