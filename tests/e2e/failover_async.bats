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

# ---- two hops: the first reports the second unreachable, or the second never answers ----

# ac_two_hop DEAD ARGS...: a failover group of two hops out of a, DEAD, b: a > DEAD fails at
# DEAD, then a > b carries it; b is the one the target sees, and a asked for DEAD first.
ac_two_hop() {
	local dead=$1
	shift
	: >"$BATS_FILE_TMPDIR/a.log"
	run timeout -k 2 60 "$SOCKSIFY" --chain-mode failover --chain-len 2 -s socks5://127.0.0.1:1090 \
		-s "socks5://127.0.0.1:$dead" -s socks5://127.0.0.1:1091 \
		"$AC" --n 3 "$@" --http --expect "peer=$B_SRC" 192.0.2.10 80
	echo "$output" | grep -v ' ok ' >&2 || true
	assert_success
	assert_line --partial "summary ok=3 fail=0"
	run proxy_log a
	assert_line --partial "CONNECT ip=127.0.0.1:$dead"
	assert_line --partial "CONNECT ip=127.0.0.1:1091 auth=none result=ok"
}

@test "async two-hop failover: hop 1 reports hop 2 refused (REP 5), under every wait" {
	for w in "${WAITS[@]}"; do
		ac_two_hop $DEAD --wait "$w"
	done
	ac_two_hop $DEAD --wait epoll-et --before
}

@test "async two-hop failover: hop 2 accepts and never answers, under every wait" {
	export SOCKSIFY_HANDSHAKE_TIMEOUT=400ms
	for w in "${WAITS[@]}"; do
		ac_two_hop $SILENT --wait "$w"
	done
	ac_two_hop $SILENT --wait epoll-oneshot --before
}

# ---- real event loops ----

@test "python asyncio and node: 20 concurrent connections, the first proxy dead" {
	run timeout -k 2 60 "$SOCKSIFY" --chain-mode failover -s socks5://127.0.0.1:$DEAD \
		-s socks5://127.0.0.1:1093 python3 -c '
import asyncio
async def one(i):
    r, w = await asyncio.open_connection("192.0.2.10", 80)
    w.write(b"GET /%d HTTP/1.0\r\n\r\n" % i)
    await w.drain()
    body = await r.read()
    w.close()
    return b"peer='$B_SRC'" in body
async def main():
    res = await asyncio.gather(*(one(i) for i in range(20)))
    print("ok", sum(res))
asyncio.run(main())'
	assert_success
	assert_line "ok 20"
	command -v node >/dev/null || skip "node is not installed"
	run timeout -k 2 60 "$SOCKSIFY" --chain-mode failover -s socks5://127.0.0.1:$DEAD \
		-s socks5://127.0.0.1:1093 node -e '
const http = require("http");
let ok = 0, done = 0;
for (let i = 0; i < 20; i++)
  http.get({ host: "192.0.2.10", port: 80, path: "/" + i, agent: false }, (res) => {
    let body = "";
    res.on("data", (d) => (body += d));
    res.on("end", () => { if (body.includes("peer='$B_SRC'")) ok++; if (++done == 20) console.log("ok " + ok); });
  }).on("error", (e) => { console.log("error " + e.code); if (++done == 20) console.log("ok " + ok); });'
	assert_success
	assert_line "ok 20"
}

@test "blocking connect() failing over: a registration made in epoll before it still reports the socket" {
	# The retry puts a fresh socket under the fd inside the blocking call; the program's
	# registration (made on the old one) must come along, or its wait never wakes.
	run timeout -k 2 60 "$SOCKSIFY" --chain-mode failover -s socks5://127.0.0.1:$DEAD \
		-s socks5://127.0.0.1:1091 python3 -c '
import select, socket
s = socket.socket()
ep = select.epoll()
ep.register(s.fileno(), select.EPOLLIN)
s.connect(("192.0.2.10", 80))
s.sendall(b"GET / HTTP/1.0\r\nHost: x\r\n\r\n")
ev = ep.poll(10)
print("events:", len(ev))
print(s.recv(4096).decode(errors="replace").splitlines()[-1])'
	assert_success
	assert_line "events: 1"
	assert_line --partial "peer=$B_SRC"
}
