#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Non-blocking connects through the shim (issue 13): every wait mechanism, the failure paths
# through SO_ERROR, real event-loop programs, the program's own timeouts, and a blocking
# connect interrupted by a signal or bounded by SO_SNDTIMEO. build/async_client checks the
# kernel's connect semantics on each connection and prints one line per connection.

load helpers
bats_require_minimum_version 1.5.0

setup_file() {
	load helpers
	start_targets
	start_proxy plain 1080
	# The handshake is still running for a while after connect() returns.
	start_proxy slow 1081 --delay-ms 500
	# A delay per reply as a real proxy's connect to the target costs.
	start_proxy d20 1082 --delay-ms 20
	start_proxy silent 1083 --silent
}

# A proxy that answers no connection before N have arrived: only a client with N handshakes in
# flight at once gets through; one that runs them in turn waits until its timeout.
# start_barrier NAME PORT N
start_barrier() {
	start_proxy "$1" "$2" --barrier "$3"
}

teardown_file() {
	stop_all_bg
}

AC=$B/async_client
HTTP_OK=(--http --expect "peer=$PROXY_SRC")
BANNER="220 banner.test ESMTP ready"

# via PORT CMD...: CMD under the shim, pointed at the bundled proxy on PORT, bounded.
via() {
	local port=$1
	shift
	timeout -k 2 60 "$SOCKSIFY" -s "socks5://127.0.0.1:$port" "$@"
}

# Lines of proxy NAME's log that record a CONNECT that went through.
ok_connects() {
	grep -c 'CONNECT .*result=ok' "$BATS_FILE_TMPDIR/$1.log" || true
}

# ac_ok PORT N ARGS...: N checked connects and HTTP exchanges to 192.0.2.10:80; every one
# succeeds and the proxy logs every one, once.
ac_ok() {
	local port=$1 n=$2 name
	shift 2
	case $port in 1080) name=plain ;; 1081) name=slow ;; 1082) name=d20 ;; esac
	local before
	before=$(ok_connects "$name")
	run via "$port" "$AC" --n "$n" "$@" "${HTTP_OK[@]}" 192.0.2.10 80
	echo "$output" | grep -v ' ok ' >&2 || true
	assert_success
	assert_line --partial "summary ok=$n fail=0"
	# An abandoned connect may have reached the proxy too.
	case " $* " in
	*" --abandon "*) [ "$(ok_connects "$name")" -ge $((before + n)) ] ;;
	*) [ "$(ok_connects "$name")" -eq $((before + n)) ] ;;
	esac
}

# ---- every wait mechanism (the handshake may or may not have finished inside connect) ----

@test "poll: 20 non-blocking connects, each checked and logged by the proxy" {
	ac_ok 1080 20 --wait poll
}

@test "ppoll: 20 non-blocking connects" {
	ac_ok 1080 20 --wait ppoll
}

@test "select: 20 non-blocking connects" {
	ac_ok 1080 20 --wait select
}

@test "pselect: 20 non-blocking connects" {
	ac_ok 1080 20 --wait pselect
}

@test "epoll level-triggered: 20 non-blocking connects, epoll_data unchanged" {
	ac_ok 1080 20 --wait epoll
}

@test "epoll edge-triggered: 20 non-blocking connects" {
	ac_ok 1080 20 --wait epoll-et
}

@test "epoll oneshot: 20 non-blocking connects" {
	ac_ok 1080 20 --wait epoll-oneshot
}

@test "connect() called again until EISCONN: 20 non-blocking connects" {
	ac_ok 1080 20 --wait connect
}

@test "no wait at all: send() until it stops saying EAGAIN, recv() until the banner" {
	ac_ok 1080 10 --wait send
	run via 1080 "$AC" --n 10 --wait recv --banner --expect "$BANNER" 192.0.2.10 25
	assert_success
	assert_line --partial "summary ok=10 fail=0"
}

@test "IPv4 and IPv6 targets mixed in one epoll loop" {
	run via 1080 "$AC" --n 10 --wait epoll --http 192.0.2.10 80 2001:db8::10 80
	assert_success
	assert_line --partial "summary ok=10 fail=0"
	[ "$(echo "$output" | grep -c "reply=peer=$PROXY_SRC")" -eq 5 ]
	[ "$(echo "$output" | grep -c "reply=peer=::1")" -eq 5 ]
}

@test "a socket closed mid-handshake: the next socket, on the same fd number, connects cleanly" {
	ac_ok 1080 10 --wait epoll --abandon
	ac_ok 1080 10 --wait poll --abandon
}

@test "epoll with the socket registered before connect(): LT, ET and ONESHOT" {
	for w in epoll epoll-et epoll-oneshot; do
		ac_ok 1080 10 --wait "$w" --before
	done
}

@test "epoll: one socket in two epoll sets, both report it with their own data" {
	ac_ok 1080 10 --wait epoll --two-sets
	ac_ok 1080 10 --wait epoll-et --two-sets --before
}

@test "epoll: MOD and DEL+ADD right after connect(), the new epoll_data comes back" {
	ac_ok 1080 10 --wait epoll --mod-during
	ac_ok 1080 10 --wait epoll-oneshot --del-during
	ac_ok 1080 10 --wait epoll-et --mod-during --before
}

@test "a thread connects while the main thread already waits in epoll_wait" {
	ac_ok 1080 10 --wait epoll --thread
	ac_ok 1080 10 --wait epoll-et --thread
}

@test "four threads wait in epoll_wait on the same sockets (ONESHOT hands each to one)" {
	ac_ok 1080 40 --wait epoll-oneshot --waiters 4
}

@test "a child connects and waits on the epoll set its parent created before fork()" {
	ac_ok 1080 10 --wait epoll --fork
	ac_ok 1080 10 --wait epoll-et --fork --before
}

@test "dup() of a connecting socket, the original closed: the dup completes" {
	ac_ok 1080 10 --wait poll --dup
	ac_ok 1080 10 --wait epoll --dup --before
}

@test "poll with more fds than FD_SETSIZE" {
	ulimit -n 4096
	ac_ok 1080 1100 --wait poll --quiet
}

@test "a banner sent first by the server after the SOCKS reply reaches the program intact" {
	for w in poll select epoll epoll-et epoll-oneshot connect; do
		run via 1080 "$AC" --n 5 --wait "$w" --banner --expect "$BANNER" 192.0.2.10 25
		assert_success
		assert_line --partial "summary ok=5 fail=0"
	done
}

# ---- the baseline: without the shim, the kernel's own connect in progress ----

# kernel_ok PORT ARGS...: async_client without the shim against a listener that keeps the
# connect in progress for a second, then sends "slow".
kernel_ok() {
	local port=$1
	shift
	start_bg "slow$port" python3 "$BATS_TEST_DIRNAME/slow_accept.py" 192.0.2.11 "$port" 1
	run timeout -k 2 30 "$AC" "$@" --banner --expect slow 192.0.2.11 "$port"
	stop_bg "slow$port"
	assert_success
	assert_line --partial "summary ok=1 fail=0"
}

@test "baseline: the kernel's own connect passes the checks the shim is held to" {
	kernel_ok 2001 --wait epoll --in-progress
	kernel_ok 2002 --wait poll --in-progress --dup
	kernel_ok 2003 --blocking --sigalrm-ms 100
	kernel_ok 2004 --blocking --sigalrm-ms 100 --then-connect
	kernel_ok 2005 --blocking --sigalrm-ms 100 --then-nonblock
	kernel_ok 2006 --blocking --sigalrm-ms 100 --sa-restart
	kernel_ok 2007 --blocking --sndtimeo-ms 100
}

# ---- while the handshake runs (the proxy answers after 500 ms) ----

# Each also checks that a 50 ms poll times out and a ready pipe beside the socket is reported.
@test "in progress, poll family: EINPROGRESS at once, EALREADY, EAGAIN, ENOTCONN, not writable" {
	for w in poll ppoll select pselect connect; do
		ac_ok 1081 3 --wait "$w" --in-progress
	done
}

@test "in progress, epoll family: LT, ET, ONESHOT, before, two sets, MOD, DEL, thread, dup" {
	ac_ok 1081 3 --wait epoll --in-progress
	ac_ok 1081 3 --wait epoll-et --in-progress
	ac_ok 1081 3 --wait epoll-oneshot --in-progress --before
	ac_ok 1081 3 --wait epoll --in-progress --two-sets
	ac_ok 1081 3 --wait epoll-et --in-progress --mod-during --before
	ac_ok 1081 3 --wait epoll-oneshot --in-progress --del-during
	ac_ok 1081 3 --wait epoll --in-progress --thread
	ac_ok 1081 3 --wait epoll --in-progress --dup
	ac_ok 1081 6 --wait epoll-oneshot --in-progress --waiters 3
	ac_ok 1081 3 --wait epoll --in-progress --fork
}

# epoll_pwait2 (glibc 2.35+): its timeout is a timespec. A 50 ms one times out during the
# handshake, a ready pipe beside it is reported alone, and the handshake ends inside one;
# with --thread the wait began on the fast path before the socket was registered.
@test "in progress, epoll_pwait2 with a timeout: LT, ET, ONESHOT, thread, two sets" {
	ac_ok 1081 1 --wait epoll --in-progress --pwait2
	ac_ok 1081 1 --wait epoll-et --in-progress --pwait2
	ac_ok 1081 1 --wait epoll-oneshot --in-progress --pwait2 --before
	ac_ok 1081 3 --wait epoll --in-progress --pwait2 --thread
	ac_ok 1081 3 --wait epoll --in-progress --pwait2 --two-sets
}

@test "in progress: send() and recv() say EAGAIN and drive the handshake without any wait" {
	ac_ok 1081 3 --wait send --in-progress
	run via 1081 "$AC" --n 3 --wait recv --in-progress --banner --expect "$BANNER" 192.0.2.10 25
	assert_success
	assert_line --partial "summary ok=3 fail=0"
}

@test "in progress: a socket closed mid-handshake leaves the next one on its fd number alone" {
	ac_ok 1081 3 --wait epoll --abandon --in-progress
	ac_ok 1081 3 --wait poll --abandon --in-progress
}

@test "in progress: a banner that follows the delayed reply is not swallowed" {
	for w in poll epoll-et; do
		run via 1081 "$AC" --n 3 --wait "$w" --in-progress --banner --expect "$BANNER" 192.0.2.10 25
		assert_success
		assert_line --partial "summary ok=3 fail=0"
	done
}

# ---- failures, each seen through SO_ERROR with POLLERR ----

# ac_fails ERRNO PORT [ARGS...]: a connect to 192.0.2.10:80 through PORT ends with ERRNO,
# under poll, select and epoll alike.
ac_fails() {
	local want=$1 port=$2
	shift 2
	for w in poll select epoll epoll-et; do
		run via "$port" "$AC" --wait "$w" --expect-errno "$want" "$@" 192.0.2.10 80
		[ "$status" -eq 0 ] || {
			echo "--wait $w: $output" >&2
			false
		}
	done
}

@test "every SOCKS5 reply code arrives as its errno through SO_ERROR" {
	i=0
	for pair in 1:ECONNREFUSED 2:EACCES 3:ENETUNREACH 4:EHOSTUNREACH 5:ECONNREFUSED \
		6:ETIMEDOUT 7:EOPNOTSUPP 8:EAFNOSUPPORT; do
		port=$((1100 + i))
		i=$((i + 1))
		start_proxy "rep${pair%%:*}" "$port" --reply "${pair%%:*}"
		ac_fails "${pair#*:}" "$port"
		stop_bg "rep${pair%%:*}"
	done
}

@test "the proxy closing mid-handshake: ECONNRESET through SO_ERROR" {
	start_proxy closer 1110 --close-after 3
	ac_fails ECONNRESET 1110
	stop_bg closer
}

@test "a proxy that never answers: ETIMEDOUT through SO_ERROR after handshake_timeout" {
	export SOCKSIFY_HANDSHAKE_TIMEOUT=500ms
	ac_fails ETIMEDOUT 1083
}

@test "the proxy being down: ECONNREFUSED, and no direct connection" {
	before=$(target_log | wc -l)
	ac_fails ECONNREFUSED 1099
	[ "$(target_log | wc -l)" -eq "$before" ]
}

@test "a failure after EINPROGRESS at once: a delayed REP 5, a silent proxy" {
	start_proxy slowrep5 1111 --reply 5 --delay-ms 500
	ac_fails ECONNREFUSED 1111 --in-progress
	stop_bg slowrep5
	SOCKSIFY_HANDSHAKE_TIMEOUT=1s ac_fails ETIMEDOUT 1083 --in-progress
}

# ---- real event-loop programs through a proxy that waits 20 ms before each reply ----

@test "node: 50 concurrent http.get all succeed, the proxy logs 50 connections" {
	command -v node >/dev/null || skip "node is not installed"
	before=$(ok_connects d20)
	run via 1082 node -e '
const http = require("http");
let ok = 0, done = 0;
for (let i = 0; i < 50; i++)
  http.get({ host: "192.0.2.10", port: 80, path: "/" + i, agent: false }, (res) => {
    let body = "";
    res.on("data", (d) => (body += d));
    res.on("end", () => { if (body.trim() === process.argv[1]) ok++; if (++done === 50) console.log("ok=" + ok); });
  }).on("error", (e) => { console.log("error " + e.code); if (++done === 50) console.log("ok=" + ok); });
' "peer=$PROXY_SRC"
	assert_success
	assert_output "ok=50"
	[ "$(ok_connects d20)" -eq $((before + 50)) ]
}

@test "python asyncio: 50 concurrent open_connection all succeed, the proxy logs 50" {
	before=$(ok_connects d20)
	run via 1082 python3 -c '
import asyncio, sys
async def one(i):
    r, w = await asyncio.open_connection("192.0.2.10", 80)
    w.write(b"GET /%d HTTP/1.0\r\n\r\n" % i)
    body = (await r.read()).split(b"\r\n\r\n", 1)[1].strip().decode()
    w.close()
    return body == sys.argv[1]
async def main():
    res = await asyncio.gather(*(one(i) for i in range(50)))
    print("ok=%d" % sum(res))
asyncio.run(main())' "peer=$PROXY_SRC"
	assert_success
	assert_output "ok=50"
	[ "$(ok_connects d20)" -eq $((before + 50)) ]
}

@test "curl --parallel: 50 URLs all succeed, the proxy logs 50 connections" {
	before=$(ok_connects d20)
	urls=()
	for i in $(seq 1 50); do urls+=("http://192.0.2.10/$i"); done
	# curl 7.88 draws its parallel progress meter on stderr even with -s.
	run --separate-stderr via 1082 curl -sS -m 50 -Z --parallel-max 50 --parallel-immediate \
		"${urls[@]}"
	echo "$stderr" | tr '\r' '\n' | grep -v '^ *[-0-9DL]' >&2 || true
	assert_success
	[ "$(echo "$output" | grep -cx "peer=$PROXY_SRC")" -eq 50 ]
	echo "proxy connections: $before -> $(ok_connects d20)" >&2
	[ "$(ok_connects d20)" -eq $((before + 50)) ]
}

@test "nmap -sT: open and closed ports through the proxy, each connection logged" {
	before=$(grep -c 'CONNECT ip=192.0.2.10:' "$BATS_FILE_TMPDIR/d20.log" || true)
	run via 1082 nmap -n -Pn -sT -p 7,25,80,81,82 192.0.2.10
	assert_success
	assert_line --regexp '^7/tcp +open'
	assert_line --regexp '^25/tcp +open'
	assert_line --regexp '^80/tcp +open'
	assert_line --regexp '^81/tcp +closed'
	assert_line --regexp '^82/tcp +closed'
	for p in 7 25 80 81 82; do
		grep -q "CONNECT ip=192.0.2.10:$p " "$BATS_FILE_TMPDIR/d20.log"
	done
	[ "$(grep -c 'CONNECT ip=192.0.2.10:' "$BATS_FILE_TMPDIR/d20.log")" -ge $((before + 5)) ]
}

# ---- concurrency without a clock: a proxy that answers nobody before N have arrived ----

@test "the barrier proxy: curl's own SOCKS client with 10 parallel transfers gets through" {
	start_barrier bar-curl 1120 10
	urls=()
	for i in $(seq 1 10); do urls+=("http://192.0.2.10/$i"); done
	run --separate-stderr timeout -k 2 60 curl -sS -m 40 -Z --parallel-immediate \
		--socks5 127.0.0.1:1120 "${urls[@]}"
	stop_bg bar-curl
	assert_success
	[ "$(echo "$output" | grep -cx "peer=$PROXY_SRC")" -eq 10 ]
}

@test "the barrier proxy: 10 non-blocking connects are in flight at once (epoll, poll, select)" {
	export SOCKSIFY_HANDSHAKE_TIMEOUT=3s
	for w in epoll poll select; do
		start_barrier "bar-$w" 1121 10
		run via 1121 "$AC" --n 10 --wait "$w" "${HTTP_OK[@]}" 192.0.2.10 80
		stop_bg "bar-$w"
		assert_success
		assert_line --partial "summary ok=10 fail=0"
	done
}

@test "the barrier proxy: node, python asyncio and curl -Z have 10 connects in flight at once" {
	export SOCKSIFY_HANDSHAKE_TIMEOUT=3s
	urls=()
	for i in $(seq 1 10); do urls+=("http://192.0.2.10/$i"); done
	start_barrier bar-c 1122 10
	run --separate-stderr via 1122 curl -sS -m 40 -Z --parallel-immediate "${urls[@]}"
	stop_bg bar-c
	assert_success
	[ "$(echo "$output" | grep -cx "peer=$PROXY_SRC")" -eq 10 ]
	start_barrier bar-py 1123 10
	run via 1123 python3 -c '
import asyncio
async def one():
    r, w = await asyncio.open_connection("192.0.2.10", 25)
    return (await r.readline()).decode().strip()
async def main():
    print(set(await asyncio.gather(*(one() for _ in range(10)))))
asyncio.run(main())'
	stop_bg bar-py
	assert_success
	assert_output "{'$BANNER'}"
	command -v node >/dev/null || return 0
	start_barrier bar-node 1124 10
	run via 1124 node -e '
const net = require("net");
let n = 0;
for (let i = 0; i < 10; i++)
  net.connect(25, "192.0.2.10").on("data", function () { this.destroy(); if (++n === 10) console.log("banners=10"); });'
	stop_bg bar-node
	assert_success
	assert_output "banners=10"
}

# ---- the program's own connect timeout, against a proxy that accepts and never answers ----

@test "curl --connect-timeout 1 gets its own timeout (exit 28), not the shim's" {
	run timeout -k 1 5 "$SOCKSIFY" -q -s socks5://127.0.0.1:1083 curl -sS --connect-timeout 1 \
		http://192.0.2.10/
	[ "$status" -eq 28 ]
}

@test "python create_connection(timeout=1) raises its own timeout, not the shim's" {
	run timeout -k 1 5 "$SOCKSIFY" -q -s socks5://127.0.0.1:1083 python3 -c '
import socket
try:
    socket.create_connection(("192.0.2.10", 80), timeout=1)
    print("connected")
except TimeoutError as e:
    print("timeout", e)
except OSError as e:
    print("oserror", e)'
	assert_success
	assert_output "timeout timed out"
}

# ---- blocking connect: signals and SO_SNDTIMEO ----

@test "python: a signal handler that raises ends a blocking connect to a silent proxy at once" {
	run timeout -k 1 5 "$SOCKSIFY" -q -s socks5://127.0.0.1:1083 python3 -c '
import signal, socket
def interrupt(*a):
    raise KeyboardInterrupt
signal.signal(signal.SIGALRM, interrupt)
signal.setitimer(signal.ITIMER_REAL, 0.5)
try:
    socket.create_connection(("192.0.2.10", 80))
    print("connected")
except KeyboardInterrupt:
    print("interrupted")'
	assert_success
	assert_output "interrupted"
}

@test "blocking connect, SIGALRM handler without SA_RESTART: EINTR, then completes (poll, EISCONN)" {
	run via 1081 "$AC" --blocking --sigalrm-ms 100 "${HTTP_OK[@]}" 192.0.2.10 80
	assert_success
	assert_line --partial "summary ok=1 fail=0"
}

# The wait begins (count of handshakes 0: the fast path) before another thread connects
# the socket in it; the kernel then sees it writable, connected to the proxy, while the
# handshake (500 ms) goes on: it must not be reported until the handshake has ended.
@test "a handshake another thread starts while the wait has begun: select, pselect, poll, ppoll" {
	local w
	for w in select pselect poll ppoll; do
		LD_PRELOAD=$B/late_wait.so run via 1081 "$AC" --wait "$w" --connect-during-wait \
			"${HTTP_OK[@]}" 192.0.2.10 80
		echo "$w: $output" >&2
		assert_success
		assert_line "conn 0 ok connect=EINPROGRESS reply=peer=$PROXY_SRC"
	done
}

@test "blocking connect after EINTR: connect again waits (0, then EISCONN); non-blocking, EALREADY" {
	run via 1081 "$AC" --blocking --sigalrm-ms 100 --then-connect "${HTTP_OK[@]}" 192.0.2.10 80
	assert_success
	assert_line "conn 0 ok connect=EINTR reply=peer=$PROXY_SRC"
	run via 1081 "$AC" --blocking --sigalrm-ms 100 --then-nonblock "${HTTP_OK[@]}" 192.0.2.10 80
	assert_success
	assert_line "conn 0 ok connect=EINTR reply=peer=$PROXY_SRC"
}

@test "blocking connect, SIGALRM handler with SA_RESTART: connect completes" {
	run via 1081 "$AC" --blocking --sigalrm-ms 100 --sa-restart "${HTTP_OK[@]}" 192.0.2.10 80
	assert_success
	assert_line "conn 0 ok connect=0 reply=peer=$PROXY_SRC"
}

@test "blocking connect with SO_SNDTIMEO: EINPROGRESS when it expires, then completes" {
	run via 1081 "$AC" --blocking --sndtimeo-ms 100 "${HTTP_OK[@]}" 192.0.2.10 80
	assert_success
	assert_line "conn 0 ok connect=EINPROGRESS reply=peer=$PROXY_SRC"
}

@test "no DNS query left the namespace's programs during this suite" {
	assert_no_dns_leak
}
