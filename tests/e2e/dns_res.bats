#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The res_query family: A/AAAA of a proxied name answered from the fake-DNS table, PTR
# of a fake address answered with its name, other types failing, and nothing reaching
# the DNS recorder in remote mode; mode local asks DNS as before.

load helpers
bats_require_minimum_version 1.5.0

RES=$B/res_client
PEER="peer=127.0.0.2"

setup_file() {
	load helpers
	start_targets
	start_proxy plain 1080 --map web.test=192.0.2.10 --map other.test=192.0.2.10
	export SOCKS_SERVER=socks5h://127.0.0.1:1080
}

teardown_file() {
	stop_all_bg
}

setup() {
	: >"$SX_DNSREC_LOG"
	sx_setup
}

@test "res_query A and AAAA of a proxied name give fake addresses, no DNS query" {
	run "$SOCKSIFY" "$RES" query web.test A
	assert_success
	assert_output --regexp '^A 198\.1[89]\.[0-9]+\.[0-9]+$'
	run "$SOCKSIFY" "$RES" query web.test AAAA
	assert_success
	assert_output --regexp '^AAAA fd9a:5f0c:4b2d:ffff::'
	assert_no_dns_leak
}

@test "res_search, res_querydomain and the res_n* forms answer the same way" {
	local m
	for m in search nquery nsearch; do
		run "$SOCKSIFY" "$RES" "$m" web.test A
		assert_success
		assert_output --regexp '^A 198\.1[89]\.'
	done
	run "$SOCKSIFY" "$RES" querydomain web test A
	assert_output --regexp '^A 198\.1[89]\.'
	run "$SOCKSIFY" "$RES" nquerydomain other test AAAA
	assert_output --regexp '^AAAA fd9a:5f0c:4b2d:ffff::'
	assert_no_dns_leak
}

@test "connecting to the res_query answer reaches the target through the proxy" {
	run "$SOCKSIFY" "$RES" query web.test A --get 80
	assert_success
	assert_line --index 1 "$PEER"
	run "$SOCKSIFY" "$RES" nsearch other.test AAAA --get 80
	assert_success
	assert_line --index 1 "$PEER"
	run proxy_log plain
	assert_output --partial "v5 CONNECT name=web.test:80 auth=none result=ok"
	assert_output --partial "v5 CONNECT name=other.test:80 auth=none result=ok"
	assert_no_dns_leak
}

@test "PTR of a fake address gives the name; an unknown fake address fails closed" {
	run "$SOCKSIFY" sh -c 'a=$("$0" query web.test A) && "$0" query "${a#A }" PTR &&
		b=$("$0" query web.test AAAA) && "$0" nquery "${b#AAAA }" PTR' "$RES"
	assert_success
	assert_line --index 0 "PTR web.test"
	assert_line --index 1 "PTR web.test"
	run "$SOCKSIFY" "$RES" query 198.18.250.1 PTR
	assert_failure
	assert_output "error h_errno=1" # HOST_NOT_FOUND
	assert_no_dns_leak
}

@test "PTR of a real address: from /etc/hosts, else no name; never asked of the system resolver" {
	run "$SOCKSIFY" "$RES" query 192.0.2.10 PTR
	assert_success
	assert_output "PTR hosts.test"
	run "$SOCKSIFY" "$RES" query 192.0.2.77 PTR
	assert_failure
	assert_output "error h_errno=1" # HOST_NOT_FOUND
	assert_no_dns_leak
}

@test "MX of a proxied name fails with NO_RECOVERY and a log line, no query leaks" {
	SOCKSIFY_LOG=warn run --separate-stderr "$SOCKSIFY" "$RES" query web.test MX
	assert_failure
	assert_output "error h_errno=3" # NO_RECOVERY
	[[ "$stderr" == *"web.test"*"type 15"* ]]
	run --separate-stderr "$SOCKSIFY" "$RES" nsearch web.test 16 # TXT
	assert_output "error h_errno=3"
	[[ "$stderr" == *"type 16"* ]]
	assert_no_dns_leak
}

@test "mode local sends the query to DNS" {
	run "$SOCKSIFY" --dns local "$RES" query web.test A
	assert_failure
	run dns_queries
	assert_output --partial "name=web.test type=A"
}

@test "res_send and res_nsend of a query the program built itself: answered, nothing leaks" {
	run "$SOCKSIFY" "$RES" send web.test A --get 80
	assert_success
	assert_line --index 0 --regexp '^A 198\.1[89]\.'
	assert_line --index 1 "$PEER"
	run "$SOCKSIFY" "$RES" nsend web.test AAAA
	assert_success
	assert_output --regexp '^AAAA fd9a:5f0c:4b2d:ffff::'
	assert_no_dns_leak
	# localhost and /etc/hosts names are answered from the file, never asked of DNS.
	run "$SOCKSIFY" "$RES" send localhost A
	assert_success
	assert_output "A 127.0.0.1"
	run "$SOCKSIFY" "$RES" send hosts.test A
	assert_success
	assert_output "A 192.0.2.10"
	assert_no_dns_leak
}

@test "res_send in mode local still asks DNS" {
	run "$SOCKSIFY" --dns local "$RES" send web.test A
	run dns_queries
	assert_output --partial "name=web.test type=A"
}

@test "dns=proxy: res_query and res_search ask the upstream through the proxy, never locally" {
	start_bg upstream "$B/dnsrec" --listen 192.0.2.11:53 --map web.test=192.0.2.10 \
		--mx mail.test=mx.mail.test --log "$BATS_FILE_TMPDIR/upstream.log"
	export SOCKSIFY_DNS=proxy SOCKSIFY_DNS_SERVER=192.0.2.11
	run "$SOCKSIFY" "$RES" query web.test A
	assert_output "A 192.0.2.10"
	run "$SOCKSIFY" "$RES" nsearch mail.test MX
	assert_output --regexp "^TYPE15 [0-9]+ bytes"  # an MX record (res_client does not decode MX)
	run "$SOCKSIFY" "$RES" query nothere.test A
	assert_failure
	assert_output "error h_errno=1"
	stop_bg upstream
	run cat "$BATS_FILE_TMPDIR/upstream.log"
	assert_output --partial "name=web.test type=A"
	assert_output --partial "name=mail.test type=MX"
	assert_no_dns_leak
}
