#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Names that keep their local behaviour: answered without DNS where the answer is known
# here (localhost, /etc/hosts), handed to libc otherwise (bypass-listed names).

load helpers

setup_file() {
	load helpers
	start_targets
	export SOCKS_SERVER=socks5h://127.0.0.1:1080
}

teardown_file() {
	stop_all_bg
}

setup() {
	: >"$SX_DNSREC_LOG"
	sx_setup
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
