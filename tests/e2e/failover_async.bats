#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Failover inside non-blocking connects: the first member of a failover group is dead
# (refused, silent, or reported unreachable by the hop before it) while the program waits in
# poll, select or epoll (LT, ET, ONESHOT, registered before connect()). The shim puts a fresh
# socket under the program's fd for the retry; the program's wait must still see the socket
# writable, SO_ERROR 0, and the bytes of the live proxy's tunnel.

load helpers
bats_require_minimum_version 1.5.0

B_SRC=127.0.0.6 # bundled proxy b's outgoing address
DEAD=1099       # nothing listens here: refused
SILENT=1094     # accepts and never answers

setup_file() {
	load helpers
	start_targets
	start_proxy a 1090
	start_proxy b 1091 --source $B_SRC
	# the handshake still runs after connect() returned
	start_proxy slowb 1093 --source $B_SRC --delay-ms 300
	start_proxy silent $SILENT --silent
}

teardown_file() {
	stop_all_bg
}

setup() {
	sx_setup
}

AC=$B/async_client

# ac_failover FIRST SECOND ARGS...: async_client through a failover group FIRST then SECOND
# (URLs), 3 connects with an HTTP exchange to 192.0.2.10:80, every one seen coming from b.
ac_failover() {
	local first=$1 second=$2
	shift 2
	run timeout -k 2 60 "$SOCKSIFY" --chain-mode failover -s "$first" -s "$second" \
		"$AC" --n 3 "$@" --http --expect "peer=$B_SRC" 192.0.2.10 80
	echo "$output" | grep -v ' ok ' >&2 || true
	assert_success
	assert_line --partial "summary ok=3 fail=0"
}

WAITS=(poll select epoll epoll-et epoll-oneshot)

@test "async failover: the first proxy refuses; poll, select and epoll (LT, ET, ONESHOT) see b's tunnel" {
	for w in "${WAITS[@]}"; do
		ac_failover socks5://127.0.0.1:$DEAD socks5://127.0.0.1:1091 --wait "$w"
		ac_failover socks5://127.0.0.1:$DEAD socks5://127.0.0.1:1093 --wait "$w" --in-progress
	done
}

@test "async failover: the socket registered in epoll before connect() keeps its registration" {
	for w in epoll epoll-et epoll-oneshot; do
		ac_failover socks5://127.0.0.1:$DEAD socks5://127.0.0.1:1093 --wait "$w" --before --in-progress
		ac_failover socks5://127.0.0.1:$DEAD socks5://127.0.0.1:1091 --wait "$w" --before
	done
	ac_failover socks5://127.0.0.1:$DEAD socks5://127.0.0.1:1093 --wait epoll --two-sets --in-progress
}

@test "async failover: the first proxy is silent past handshake_timeout" {
	export SOCKSIFY_HANDSHAKE_TIMEOUT=300ms
	for w in "${WAITS[@]}"; do
		ac_failover socks5://127.0.0.1:$SILENT socks5://127.0.0.1:1091 --wait "$w"
	done
	SOCKSIFY_HANDSHAKE_TIMEOUT=1500ms ac_failover socks5://127.0.0.1:$SILENT socks5://127.0.0.1:1093 \
		--wait epoll-et --before --in-progress
}
