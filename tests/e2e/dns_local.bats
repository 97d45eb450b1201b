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

# A large /etc/hosts (ad blockers ship hundreds of thousands of lines) in a mount
# namespace of the test's own, with mid.test past 256 KiB and late.test past 1 MiB.
@test "a large /etc/hosts is read to 1 MiB, and a longer one is said to be cut" {
	local h=$BATS_TEST_TMPDIR/hosts
	python3 -c '
import sys
out = open(sys.argv[1], "w")
out.write("192.0.2.10 early.test\n")
i = 0
while out.tell() < 600 * 1024:
    out.write("0.0.0.0 blocked%d.example.test\n" % i); i += 1
out.write("192.0.2.10 mid.test\n")
while out.tell() < 1100 * 1024:
    out.write("0.0.0.0 blocked%d.example.test\n" % i); i += 1
out.write("192.0.2.10 late.test\n")' "$h"
	run unshare --mount sh -c 'mount --bind "$1" /etc/hosts && shift && exec "$@"' sh "$h" \
		"$SOCKSIFY" --strict python3 -c '
import socket
for n in ("early.test", "mid.test", "late.test"):
    print(n, socket.gethostbyname(n))'
	assert_success
	assert_line "early.test 192.0.2.10"
	assert_line "mid.test 192.0.2.10"
	# past the limit: an ordinary name, so a fake address for the proxy to resolve
	assert_line --regexp '^late\.test 198\.1[89]\.'
	[ "$(grep -c 'is over 1024 KiB' <<<"$output")" -eq 1 ]
	assert_no_dns_leak
}

# The library re-reads /etc/hosts when it changes (checked at most once a second).
@test "a running process sees /etc/hosts change: a name added is answered from the file" {
	cp /etc/hosts "$BATS_TEST_TMPDIR/hosts.orig"
	run "$SOCKSIFY" python3 -c '
import socket, time
def a(n):
    return socket.getaddrinfo(n, 80, socket.AF_INET, socket.SOCK_STREAM)[0][4][0]
print(a("late.test"))
with open("/etc/hosts", "a") as f:
    f.write("192.0.2.11 late.test\n")
time.sleep(1.2)
print(a("late.test"))
print(socket.gethostbyaddr("192.0.2.11")[0])'
	cat "$BATS_TEST_TMPDIR/hosts.orig" >/etc/hosts
	assert_success
	assert_line --index 0 --regexp '^198\.1[89]\.'
	assert_line --index 1 "192.0.2.11"
	assert_line --index 2 "late.test"
	assert_no_dns_leak
}
