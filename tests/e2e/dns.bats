#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Remote name resolution: names only the proxy can resolve (socksd --map) reach their
# target through the proxy by name, from every resolver entry point and across the
# process tree, and the DNS recorder sees no query for them.

load helpers

DNS=$BATS_TEST_DIRNAME/dns_client.py
ERRNO=$BATS_TEST_DIRNAME/errno_client.py
PEER="peer=127.0.0.2"

setup_file() {
	load helpers
	start_targets
	local maps=() i
	for i in $(seq 0 63); do
		maps+=(--map "t$i.test=192.0.2.10")
	done
	start_proxy plain 1080 --map web.test=192.0.2.10 --map other.test=192.0.2.10 \
		--map third.test=192.0.2.10 "${maps[@]}"
	export SOCKS_SERVER=socks5h://127.0.0.1:1080
}

teardown_file() {
	stop_all_bg
}

setup() {
	: >"$SX_DNSREC_LOG"
	sx_setup
}

@test "curl reaches a proxy-only name by name, no DNS query" {
	run "$SOCKSIFY" curl -sS -m 10 http://web.test/
	assert_success
	assert_output "$PEER"
	run proxy_log plain
	assert_output --partial "v5 CONNECT name=web.test:80 auth=none result=ok"
	assert_no_dns_leak
}

@test "wget reaches a proxy-only name" {
	run "$SOCKSIFY" wget -q -T 10 -O - http://web.test/
	assert_success
	assert_output "$PEER"
	assert_no_dns_leak
}

@test "socks4a sends the name too" {
	run "$SOCKSIFY" -s socks4a://127.0.0.1:1080 curl -sS -m 10 http://other.test/
	assert_success
	assert_output "$PEER"
	run proxy_log plain
	assert_output --partial "v4a CONNECT name=other.test:80"
	assert_no_dns_leak
}

@test "python getaddrinfo, create_connection and gethostbyname" {
	run "$SOCKSIFY" python3 "$DNS" resolve web.test
	assert_success
	assert_output --regexp '^198\.1[89]\.'
	run "$SOCKSIFY" python3 "$DNS" ghbn web.test
	assert_output --regexp '^198\.1[89]\.'
	run "$SOCKSIFY" python3 -c 'import socket
s = socket.create_connection(("web.test", 80), timeout=10)
print(s.getpeername()[0])
s.sendall(b"GET / HTTP/1.0\r\n\r\n"); print(s.makefile("rb").read().split(b"\r\n\r\n")[-1].decode().strip())'
	assert_success
	assert_line --index 0 --regexp '^198\.1[89]\.' # getpeername: the fake address used
	assert_line --index 1 "$PEER"
	assert_no_dns_leak
}

@test "AF_INET6 gets an IPv6 fake address that connects by name" {
	run "$SOCKSIFY" python3 "$DNS" resolve6 web.test
	assert_output --regexp '^fd9a:5f0c:4b2d:ffff::'
	run "$SOCKSIFY" python3 "$DNS" get web.test 80 --af6
	assert_output "$PEER"
	assert_no_dns_leak
}

@test "AI_CANONNAME gives the name asked for" {
	run "$SOCKSIFY" python3 "$DNS" canon Web.Test
	assert_output "Web.Test"
	assert_no_dns_leak
}

@test "getent hosts and getent ahosts answer with fake addresses" {
	run "$SOCKSIFY" getent hosts web.test
	assert_success
	assert_output --regexp '^(198\.1[89]\.|fd9a:5f0c:4b2d:ffff:).* web\.test$'
	run "$SOCKSIFY" getent ahosts web.test
	assert_success
	assert_output --partial "web.test"
	assert_output --regexp '198\.1[89]\.'
	run "$SOCKSIFY" getent ahostsv4 web.test
	assert_output --regexp '^198\.1[89]\.'
	assert_no_dns_leak
}

@test "localhost, /etc/hosts names and numeric hosts resolve locally" {
	run "$SOCKSIFY" getent ahostsv4 localhost
	assert_output --regexp '^127\.0\.0\.1'
	run "$SOCKSIFY" python3 "$DNS" resolve 192.0.2.10
	assert_output "192.0.2.10"
	run "$SOCKSIFY" curl -sS -m 10 http://localhost:8080/
	assert_success
	assert_output "peer=127.0.0.1"
	assert_no_dns_leak
}

@test "mode local resolves on this machine (the recorder sees the query)" {
	run "$SOCKSIFY" --dns local python3 "$DNS" resolve web.test
	assert_output --regexp '^gaierror'
	run dns_queries
	assert_output --partial "web.test"
	: >"$SX_DNSREC_LOG"
	SOCKSIFY_DNS=local run "$SOCKSIFY" python3 "$DNS" resolve web.test
	run dns_queries
	assert_output --partial "web.test"
}

@test "a name resolved in a parent connects from an exec'd child" {
	run "$SOCKSIFY" sh -c 'python3 "$0" resolve other.test third.test web.test >"$1" &&
		python3 "$0" get "$(tail -n 1 "$1")"' "$DNS" "$BATS_TEST_TMPDIR/addrs"
	assert_success
	assert_output "$PEER"
	run proxy_log plain
	assert_output --partial "name=web.test:80"
	assert_no_dns_leak
}

@test "a name resolved in a child connects from the parent" {
	run "$SOCKSIFY" python3 -c 'import subprocess, sys, socket
addr = subprocess.check_output([sys.executable, sys.argv[1], "resolve", "t5.test", "t6.test"]).split()[-1].decode()
s = socket.create_connection((addr, 80), timeout=10)
s.sendall(b"GET / HTTP/1.0\r\n\r\n"); print(s.makefile("rb").read().split(b"\r\n\r\n")[-1].decode().strip())' "$DNS"
	assert_success
	assert_output "$PEER"
	run proxy_log plain
	assert_output --partial "name=t6.test:80"
	assert_no_dns_leak
}

@test "siblings in a pipeline share the table" {
	run "$SOCKSIFY" sh -c 'python3 "$0" resolve t7.test t8.test | tail -n 1 |
		{ read -r a; python3 "$0" get "$a"; }' "$DNS"
	assert_success
	assert_output "$PEER"
	run proxy_log plain
	assert_output --partial "name=t8.test:80"
	assert_no_dns_leak
}

@test "forked children share the table without the file (private fallback)" {
	run env -u SOCKSIFY_FAKEDNS LD_PRELOAD="$LIB" python3 -c 'import os, socket, sys
addr = socket.getaddrinfo("t9.test", 80, socket.AF_INET)[0][4][0]
pid = os.fork()
if pid == 0:
    s = socket.create_connection((addr, 80), timeout=10)
    s.sendall(b"GET / HTTP/1.0\r\n\r\n"); print(s.makefile("rb").read().split(b"\r\n\r\n")[-1].decode().strip())
    sys.stdout.flush(); os._exit(0)
os.waitpid(pid, 0)'
	assert_success
	assert_output "$PEER"
	assert_no_dns_leak
}

@test "64 threads resolve and connect at once" {
	run "$SOCKSIFY" python3 "$DNS" threads 64
	assert_success
	assert_output "ok 64"
	for i in $(seq 0 63); do
		grep -q "name=t$i.test:80 auth=none result=ok" "$BATS_FILE_TMPDIR/plain.log"
	done
	assert_no_dns_leak
}

@test "a program that closes every fd still resolves and connects" {
	run "$SOCKSIFY" python3 "$DNS" closeall web.test
	assert_output "$PEER"
	assert_no_dns_leak
}

@test "an unknown fake address fails with EHOSTUNREACH, never direct" {
	run "$SOCKSIFY" -q python3 "$ERRNO" 198.18.200.200 80
	assert_output "errno=EHOSTUNREACH"
	run "$SOCKSIFY" -q python3 "$ERRNO" fd9a:5f0c:4b2d:ffff::abcd 80
	assert_output "errno=EHOSTUNREACH"
}

@test "reverse lookups of fake addresses give the name; unknown ones fail closed" {
	run "$SOCKSIFY" sh -c 'a=$(python3 "$0" resolve web.test); python3 "$0" reverse "$a"
		python3 "$0" reverse 198.18.250.1' "$DNS"
	assert_line --index 0 "getnameinfo web.test"
	assert_line --index 1 "gethostbyaddr web.test"
	assert_line --index 2 --regexp '^getnameinfo error'
	assert_line --index 3 --regexp '^gethostbyaddr error'
	assert_no_dns_leak
}

@test "a full table fails with EAI_AGAIN" {
	SOCKSIFY_FAKE_NET4=198.18.0.0/30 run "$SOCKSIFY" -q python3 "$DNS" resolve a.test b.test c.test
	# A /30 holds two names; the table starts at a random one of them.
	assert_line --index 0 --regexp '^198\.18\.0\.[12]$'
	assert_line --index 1 --regexp '^198\.18\.0\.[12]$'
	[ "${lines[0]}" != "${lines[1]}" ]
	assert_line --index 2 "gaierror $(python3 -c 'import socket; print(socket.EAI_AGAIN)')"
	assert_no_dns_leak
}
