#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Reverse lookups of real (not fake) addresses: from /etc/hosts, else through the proxy
# from the configured DNS server, else no name; never a PTR query to the system
# resolver, and getnameinfo, gethostbyaddr and dig -x agree.

load helpers

setup_file() {
	load helpers
	start_proxy plain 1080
	: >"$BATS_FILE_TMPDIR/upstream.log"
	start_bg upstream "$B/dnsrec" --listen 192.0.2.11:53 \
		--ptr 77.2.0.192.in-addr.arpa=web.test --log "$BATS_FILE_TMPDIR/upstream.log"
}

teardown_file() {
	stop_all_bg
}

setup() {
	: >"$SX_DNSREC_LOG"
	: >"$BATS_FILE_TMPDIR/upstream.log"
	: >"$BATS_FILE_TMPDIR/plain.log"
	sx_setup
}

REVERSE='
import socket, sys
a = sys.argv[1]
try:
    print("gethostbyaddr", socket.gethostbyaddr(a)[0])
except socket.herror as e:
    print("gethostbyaddr herror", e.errno)
print("getnameinfo", socket.getnameinfo((a, 80), 0)[0])
try:
    print("namereqd", socket.getnameinfo((a, 80), socket.NI_NAMEREQD)[0])
except socket.gaierror as e:
    print("namereqd", e.errno == socket.EAI_NONAME)'

@test "remote mode: no name for an address /etc/hosts lacks, and no PTR query anywhere" {
	run "$SOCKSIFY" -s socks5h://127.0.0.1:1080 getent hosts 192.0.2.77
	assert_failure 2
	assert_output ""
	run "$SOCKSIFY" -s socks5h://127.0.0.1:1080 python3 -c "$REVERSE" 192.0.2.77
	assert_success
	assert_line --index 0 "gethostbyaddr herror 1"
	assert_line --index 1 "getnameinfo 192.0.2.77"
	assert_line --index 2 "namereqd True"
	run "$SOCKSIFY" -s socks5h://127.0.0.1:1080 dig -x 192.0.2.77
	assert_output --partial "status: NXDOMAIN"
	assert_no_dns_leak
	run proxy_log plain
	assert_output ""
}

@test "remote mode: an address in /etc/hosts is named from the file" {
	run "$SOCKSIFY" --strict -s socks5h://127.0.0.1:1080 getent hosts 192.0.2.10
	assert_output --regexp '^192\.0\.2\.10 +hosts\.test direct\.test$'
	run "$SOCKSIFY" --strict -s socks5h://127.0.0.1:1080 python3 -c "$REVERSE" 192.0.2.10
	assert_line --index 0 "gethostbyaddr hosts.test"
	assert_line --index 1 "getnameinfo hosts.test"
	assert_line --index 2 "namereqd hosts.test"
	run "$SOCKSIFY" --strict -s socks5h://127.0.0.1:1080 dig +short -x 192.0.2.10
	assert_output "hosts.test."
	assert_no_dns_leak
}

@test "proxy mode: the PTR question goes to the upstream through the proxy" {
	export SOCKSIFY_DNS=proxy SOCKSIFY_DNS_SERVER=192.0.2.11
	run "$SOCKSIFY" -s socks5://127.0.0.1:1080 getent hosts 192.0.2.77
	assert_success
	assert_output --regexp '^192\.0\.2\.77 +web\.test$'
	run "$SOCKSIFY" -s socks5://127.0.0.1:1080 python3 -c "$REVERSE" 192.0.2.77
	assert_line --index 0 "gethostbyaddr web.test"
	assert_line --index 1 "getnameinfo web.test"
	assert_line --index 2 "namereqd web.test"
	run "$SOCKSIFY" -s socks5://127.0.0.1:1080 dig +short -x 192.0.2.77
	assert_output "web.test."
	run cat "$BATS_FILE_TMPDIR/upstream.log"
	assert_output --regexp "proto=tcp from=127\.0\.0\.2:[0-9]+ name=77\.2\.0\.192\.in-addr\.arpa type=PTR"
	refute_output --partial "proto=udp"
	run proxy_log plain
	assert_output --partial "CONNECT ip=192.0.2.11:53"
	assert_no_dns_leak
}

@test "remote mode with a DNS server set asks it through the proxy too" {
	SOCKSIFY_DNS_SERVER=192.0.2.11 run "$SOCKSIFY" -s socks5h://127.0.0.1:1080 \
		python3 -c "$REVERSE" 192.0.2.77
	assert_line --index 1 "getnameinfo web.test"
	run cat "$BATS_FILE_TMPDIR/upstream.log"
	assert_output --partial "name=77.2.0.192.in-addr.arpa type=PTR"
	assert_no_dns_leak
}
