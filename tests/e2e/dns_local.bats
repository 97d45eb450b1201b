#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Names that keep their local behaviour: answered without DNS where the answer is known
# here (localhost, /etc/hosts), handed to libc otherwise (bypass-listed names), and a
# signal handler that jumps out of such a lookup leaves the shim on for the thread.

load helpers

JMP=$B/sigjmp_lookup

setup_file() {
	load helpers
	start_targets
	start_proxy plain 1080
	export SOCKS_SERVER=socks5h://127.0.0.1:1080
	# libc waits on the silent name far longer than the client's 300 ms alarm.
	export RES_OPTIONS="timeout:5 attempts:1"
}

teardown_file() {
	stop_all_bg
}

setup() {
	: >"$SX_DNSREC_LOG"
	: >"$BATS_FILE_TMPDIR/plain.log"
	sx_setup
}

# jump_then_connect MODE NAME [socksify options]: the lookup is cut short by siglongjmp,
# and the connection made afterwards on the same thread still goes through the proxy.
jump_then_connect() {
	local mode=$1 name=$2
	shift 2
	run timeout 20 "$SOCKSIFY" "$@" "$JMP" "$mode" "$name" 192.0.2.10 80
	assert_success
	assert_line --index 0 "jumped"
	assert_line --index 1 "peer=$PROXY_SRC"
	run proxy_log plain
	assert_output --partial "CONNECT ip=192.0.2.10:80"
}

@test "siglongjmp out of a bypass-name getaddrinfo leaves the shim on, also in strict mode" {
	jump_then_connect getaddrinfo silent.test --bypass silent.test
	run dns_queries
	assert_output --partial "name=silent.test"
	: >"$BATS_FILE_TMPDIR/plain.log"
	jump_then_connect getaddrinfo silent.test --strict --bypass silent.test
}

@test "siglongjmp out of gethostbyname, gethostbyname_r and getnameinfo leaves the shim on" {
	jump_then_connect gethostbyname silent.test --bypass silent.test
	: >"$BATS_FILE_TMPDIR/plain.log"
	jump_then_connect gethostbyname_r silent.test --strict --bypass silent.test
	: >"$BATS_FILE_TMPDIR/plain.log"
	jump_then_connect getnameinfo 192.0.2.99 --dns local
	run dns_queries
	assert_output --partial "name=99.2.0.192.in-addr.arpa type=PTR"
}

@test "strict: localhost, names under it and localhost. are loopback without DNS" {
	run "$SOCKSIFY" --strict getent ahosts foo.localhost
	assert_success
	assert_line --index 0 --regexp '^127\.0\.0\.1 +STREAM foo\.localhost$'
	run "$SOCKSIFY" --strict getent hosts localhost.
	assert_success
	assert_output --regexp '^127\.0\.0\.1 +localhost$'
	run "$SOCKSIFY" --strict python3 -c '
import socket
print(socket.gethostbyname_ex("a.b.localhost"))
print(socket.getaddrinfo("localhost.", 80, socket.AF_INET, socket.SOCK_STREAM)[0][4][0])'
	assert_success
	assert_line --index 0 "('a.b.localhost', [], ['127.0.0.1'])"
	assert_line --index 1 "127.0.0.1"
	assert_no_dns_leak
}

@test "strict: /etc/hosts names with a trailing dot are answered from the file" {
	run "$SOCKSIFY" --strict getent hosts hosts.test.
	assert_success
	assert_output --regexp '^192\.0\.2\.10 +hosts\.test direct\.test$'
	run "$SOCKSIFY" --strict python3 -c '
import socket
print(socket.gethostbyname_ex("direct.test."))
print(socket.getaddrinfo("hosts.test.", 80, 0, socket.SOCK_STREAM, 0, socket.AI_CANONNAME)[0][3:])'
	assert_success
	assert_line --index 0 "('hosts.test', ['direct.test'], ['192.0.2.10'])"
	assert_line --index 1 "('hosts.test', ('192.0.2.10', 80))"
	assert_no_dns_leak
}

@test "strict: AF_INET6 for an IPv4-only hosts name is EAI_NONAME, without asking DNS" {
	run "$SOCKSIFY" --strict python3 -c '
import socket
try:
    socket.getaddrinfo("hosts.test", 80, socket.AF_INET6)
except socket.gaierror as e:
    print("gaierror", e.errno == socket.EAI_NONAME)
try:
    socket.getaddrinfo("localhost", 80, socket.AF_INET6)
except socket.gaierror as e:
    print("gaierror", e.errno == socket.EAI_NONAME)
print(socket.getaddrinfo("hosts.test", 80, socket.AF_INET6, socket.SOCK_STREAM, 0,
    socket.AI_V4MAPPED)[0][4][0])'
	assert_success
	assert_line --index 0 "gaierror True"
	assert_line --index 1 "gaierror True"
	assert_line --index 2 "::ffff:192.0.2.10"
	run "$SOCKSIFY" --strict getent hosts hosts.test
	assert_output --regexp '^192\.0\.2\.10 +hosts\.test direct\.test$'
	assert_no_dns_leak
}

@test "a bypass-listed /etc/hosts name still connects direct" {
	run "$SOCKSIFY" --bypass direct.test python3 -c '
import socket
s = socket.create_connection(("direct.test", 80))
s.sendall(b"GET / HTTP/1.0\r\n\r\n")
print(s.makefile().read().split("\n")[-2])'
	assert_success
	assert_output "peer=192.0.2.10"
	assert_no_dns_leak
}
