#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Lookups that wait. getaddrinfo_a (glibc's asynchronous resolver) answers like
# getaddrinfo: fake addresses for proxied names without a DNS query, in every
# notification mode, with gai_suspend, gai_error and gai_cancel keeping their
# documented results. A signal handler that siglongjmps out of a lookup libc makes
# leaves the shim on for the thread.

load helpers

GAI=$B/gai_a_client
JMP=$B/sigjmp_lookup

setup_file() {
	load helpers
	start_targets
	start_proxy plain 1080 --map web.test=192.0.2.10
	: >"$BATS_FILE_TMPDIR/upstream.log"
	start_bg upstream "$B/dnsrec" --listen 192.0.2.11:53 --map web.test=192.0.2.10 \
		--silent silent.test --log "$BATS_FILE_TMPDIR/upstream.log"
	export SOCKS_SERVER=socks5h://127.0.0.1:1080
	# libc waits on the silent name far longer than the clients' 300 ms timeouts.
	export RES_OPTIONS="timeout:5 attempts:1"
}

teardown_file() {
	stop_all_bg
}

setup() {
	: >"$SX_DNSREC_LOG"
	: >"$BATS_FILE_TMPDIR/plain.log"
	: >"$BATS_FILE_TMPDIR/upstream.log"
	sx_setup
}

# gai_all MODE [socksify options]: a proxied name, an /etc/hosts name, a numeric host
# and a bypass-listed name libc resolves (NXDOMAIN from the recorder). The client's
# output is left in GAI_OUT.
gai_all() {
	local mode=$1
	shift
	run timeout 30 "$SOCKSIFY" "$@" --bypass nx.test "$GAI" "$mode" web.test hosts.test \
		192.0.2.10 nx.test
	assert_success
	assert_line "getaddrinfo_a 0"
	assert_line --regexp '^web\.test ok 198\.1[89]\.'
	assert_line "hosts.test ok 192.0.2.10"
	assert_line "192.0.2.10 ok 192.0.2.10"
	assert_line "nx.test error Name or service not known"
	assert_line "web.test peer=$PROXY_SRC"
	assert_line "hosts.test peer=$PROXY_SRC"
	GAI_OUT=$output
	run dns_queries
	refute_output --partial "web.test"
	refute_output --partial "hosts.test"
	assert_output --partial "name=nx.test type=A"
	run proxy_log plain
	assert_output --partial "v5 CONNECT name=web.test:80 auth=none result=ok"
}

@test "getaddrinfo_a GAI_WAIT: fake address, no DNS query, connect by name; gai_cancel EAI_ALLDONE" {
	gai_all wait
	run echo "$GAI_OUT"
	assert_line "gai_cancel EAI_ALLDONE"
}

@test "getaddrinfo_a GAI_NOWAIT with SIGEV_NONE and gai_suspend" {
	gai_all none --strict --isolation off # hook behaviour: isolated, the bypass list is unreachable
}

@test "getaddrinfo_a SIGEV_SIGNAL queues the signal with its value to the process" {
	gai_all signal
	run echo "$GAI_OUT"
	assert_line "signal value=4242 queued=1 self=1"
}

@test "getaddrinfo_a SIGEV_THREAD calls the function with its value" {
	gai_all thread
	run echo "$GAI_OUT"
	assert_line "thread value=ok"
}

@test "a pending request: EAI_INPROGRESS, gai_suspend times out (EAI_AGAIN), cancelled, then EAI_ALLDONE" {
	run timeout 30 "$SOCKSIFY" --bypass silent.test "$GAI" cancel silent.test
	assert_success
	assert_output "getaddrinfo_a 0
gai_error EAI_INPROGRESS
gai_suspend EAI_AGAIN
gai_cancel EAI_CANCELED
gai_error EAI_CANCELED
gai_cancel EAI_ALLDONE
gai_suspend 0"
}

@test "gai_suspend interrupted by a signal is EAI_INTR" {
	run timeout 30 "$SOCKSIFY" --bypass silent.test "$GAI" intr silent.test
	assert_success
	assert_line --index 2 "gai_suspend EAI_INTR"
	assert_line --index 3 "gai_cancel EAI_CANCELED"
}

@test "dns=proxy: getaddrinfo_a asks the upstream through the proxy, never locally" {
	SOCKSIFY_DNS=proxy SOCKSIFY_DNS_SERVER=192.0.2.11 run timeout 30 "$SOCKSIFY" \
		-s socks5://127.0.0.1:1080 "$GAI" none web.test
	assert_success
	assert_line "web.test ok 192.0.2.10"
	assert_line "web.test peer=$PROXY_SRC"
	run cat "$BATS_FILE_TMPDIR/upstream.log"
	assert_output --regexp "proto=tcp from=127\.0\.0\.2:[0-9]+ name=web\.test type=A"
	assert_no_dns_leak
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
	jump_then_connect getaddrinfo silent.test --strict --isolation off --bypass silent.test
}

@test "siglongjmp out of gethostbyname, gethostbyname_r and getnameinfo leaves the shim on" {
	jump_then_connect gethostbyname silent.test --bypass silent.test
	: >"$BATS_FILE_TMPDIR/plain.log"
	jump_then_connect gethostbyname_r silent.test --strict --isolation off --bypass silent.test
	: >"$BATS_FILE_TMPDIR/plain.log"
	jump_then_connect getnameinfo 192.0.2.99 --dns local
	run dns_queries
	assert_output --partial "name=99.2.0.192.in-addr.arpa type=PTR"
}

@test "siglongjmp out of getaddrinfo and res_query through the proxy (dns=proxy) leaves the shim on" {
	SOCKSIFY_DNS=proxy SOCKSIFY_DNS_SERVER=192.0.2.11 \
		jump_then_connect getaddrinfo silent.test --strict
	: >"$BATS_FILE_TMPDIR/plain.log"
	SOCKSIFY_DNS=proxy SOCKSIFY_DNS_SERVER=192.0.2.11 \
		jump_then_connect res_query silent.test --strict
	run cat "$BATS_FILE_TMPDIR/upstream.log"
	assert_output --partial "name=silent.test"
	assert_no_dns_leak
}
