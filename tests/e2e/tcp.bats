#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Real programs through build/socksify and the bundled proxy: the target's reported
# peer and the proxy's log prove the path.

load helpers

setup_file() {
	load helpers
	start_targets
	start_proxy plain 1080
	start_proxy auth 1081 --user alice --pass s3cret
}

# A test that failed while a detached child waits on its FIFO lets it go.
teardown() {
	if [ -p "$BATS_TEST_TMPDIR/hold" ]; then
		timeout 5 sh -c 'echo done >"$1"' sh "$BATS_TEST_TMPDIR/hold" || true
	fi
}

teardown_file() {
	stop_all_bg
}

ERRNO=$BATS_TEST_DIRNAME/errno_client.py

@test "socksify curl over socks5 reaches the target through the proxy" {
	run "$SOCKSIFY" -s socks5://127.0.0.1:1080 curl -sS -m 10 http://192.0.2.10/
	assert_success
	assert_output "peer=$PROXY_SRC"
	run proxy_log plain
	assert_output --partial "v5 CONNECT ip=192.0.2.10:80 auth=none result=ok"
	assert_no_dns_leak
}

@test "SOCKS_SERVER in the environment works like -s" {
	SOCKS_SERVER=socks5h://127.0.0.1:1080 run "$SOCKSIFY" python3 "$ERRNO" 198.51.100.10 80
	assert_success
	assert_output "ok peer=$PROXY_SRC"
}

@test "socks4 and socks4a carry IPv4 destinations" {
	run "$SOCKSIFY" -s socks4://127.0.0.1:1080 curl -sS -m 10 http://192.0.2.10/
	assert_success
	assert_output "peer=$PROXY_SRC"
	run "$SOCKSIFY" -s socks4a://127.0.0.1:1080 curl -sS -m 10 http://192.0.2.10/
	assert_success
	assert_output "peer=$PROXY_SRC"
	run proxy_log plain
	assert_output --partial "v4 CONNECT ip=192.0.2.10:80 auth=none result=ok"
}

@test "socks5 with username and password from the URL and from -u" {
	run "$SOCKSIFY" -s socks5://alice:s3cret@127.0.0.1:1081 curl -sS -m 10 http://192.0.2.10/
	assert_success
	assert_output "peer=$PROXY_SRC"
	SOCKS_PASSWORD=s3cret run "$SOCKSIFY" -u alice -s socks5://127.0.0.1:1081 \
		curl -sS -m 10 http://192.0.2.10/
	assert_success
	assert_output "peer=$PROXY_SRC"
	run proxy_log auth
	assert_output --partial "v5 CONNECT ip=192.0.2.10:80 auth=userpass user=alice result=ok"
}

@test "a wrong password gives EACCES, never a direct connection" {
	before=$(target_log | wc -l)
	run "$SOCKSIFY" -q -s socks5://alice:wrong@127.0.0.1:1081 python3 "$ERRNO" 192.0.2.10 80
	assert_output "errno=EACCES"
	run target_log
	refute_output --partial "peer=192.0.2.10"
	[ "$(target_log | wc -l)" -eq "$before" ]
}

@test "an IPv6 destination through socks5, and EAFNOSUPPORT through socks4" {
	run "$SOCKSIFY" -s socks5://127.0.0.1:1080 curl -sS -m 10 'http://[2001:db8::10]/'
	assert_success
	assert_output "peer=::1"
	run "$SOCKSIFY" -q -s socks4://127.0.0.1:1080 python3 "$ERRNO" 2001:db8::10 80
	assert_output "errno=EAFNOSUPPORT"
}

@test "an IPv6 proxy address, from an IPv4 socket" {
	run "$SOCKSIFY" -s 'socks5://[::1]:1080' curl -sS -m 10 http://192.0.2.10/
	assert_success
	assert_output "peer=$PROXY_SRC"
}

@test "python3 blocking socket: getpeername names the destination, not the proxy" {
	run "$SOCKSIFY" -s socks5://127.0.0.1:1080 python3 "$ERRNO" --peer 198.51.100.10 80
	assert_success
	assert_line "peer=198.51.100.10:80"
	assert_line "ok peer=$PROXY_SRC"
}

@test "python3 non-blocking connect: EINPROGRESS, writable, SO_ERROR 0" {
	run "$SOCKSIFY" -s socks5://127.0.0.1:1080 python3 "$ERRNO" --nonblocking --peer 198.51.100.10 80
	assert_success
	assert_line "peer=198.51.100.10:80"
	assert_line "ok peer=$PROXY_SRC"
}

@test "python3 asyncio open_connection works through the proxy" {
	run "$SOCKSIFY" -s socks5://127.0.0.1:1080 python3 -c '
import asyncio
async def main():
    r, w = await asyncio.open_connection("198.51.100.10", 80)
    print((await r.readline()).decode().strip())
asyncio.run(main())'
	assert_success
	assert_output "peer=$PROXY_SRC"
}

@test "a server that speaks first: the banner after the SOCKS reply reaches the program" {
	run "$SOCKSIFY" -s socks5://127.0.0.1:1080 python3 -c '
import socket
s = socket.create_connection(("192.0.2.10", 25))
print(s.recv(100).decode().strip())'
	assert_success
	assert_output "220 banner.test ESMTP ready"
}

@test "nc through the proxy: echo round trip" {
	run sh -c "printf 'hello\n' | '$SOCKSIFY' -s socks5://127.0.0.1:1080 nc -N 192.0.2.10 7"
	assert_success
	assert_output "hello"
}

@test "wget through the proxy" {
	run "$SOCKSIFY" -s socks5://127.0.0.1:1080 wget -q -O - http://192.0.2.10/
	assert_success
	assert_output "peer=$PROXY_SRC"
}

@test "a 200 MB transfer arrives byte-exact" {
	run sh -c "'$SOCKSIFY' -s socks5://127.0.0.1:1080 curl -sS -m 60 http://192.0.2.10/bytes/200000000 | python3 -c '
import sys
data = sys.stdin.buffer.read()
pat = bytes(range(251))
ok = len(data) == 200000000 and all(data[i:i + 251 * 4096] == (pat * 4096)[: len(data[i:i + 251 * 4096])] for i in range(0, len(data), 251 * 4096))
print(len(data), ok)'"
	assert_success
	assert_output "200000000 True"
}

@test "loopback destinations go direct by default" {
	run "$SOCKSIFY" -s socks5://127.0.0.1:1080 curl -sS -m 10 http://127.0.0.1:8080/
	assert_success
	assert_output "peer=127.0.0.1"
}

@test "the bypass list sends matching destinations direct" {
	run "$SOCKSIFY" -s socks5://127.0.0.1:1080 --bypass 192.0.2.0/24 curl -sS -m 10 http://192.0.2.10/
	assert_success
	assert_output "peer=192.0.2.10"
	NO_PROXY=198.51.100.10 run "$SOCKSIFY" -s socks5://127.0.0.1:1080 python3 "$ERRNO" 198.51.100.10 80
	assert_success
	assert_output "ok peer=198.51.100.10"
}

@test "the proxy being down gives ECONNREFUSED and no direct connection" {
	before=$(target_log | wc -l)
	run "$SOCKSIFY" -q -s socks5://127.0.0.1:1099 python3 "$ERRNO" 192.0.2.10 80
	assert_output "errno=ECONNREFUSED"
	[ "$(target_log | wc -l)" -eq "$before" ]
}

@test "every SOCKS5 reply code maps to its errno" {
	i=0
	# Python names errno 95 ENOTSUP; on Linux EOPNOTSUPP is the same value.
	for pair in 1:ECONNREFUSED 2:EACCES 3:ENETUNREACH 4:EHOSTUNREACH 5:ECONNREFUSED \
		6:ETIMEDOUT 7:ENOTSUP 8:EAFNOSUPPORT 9:ECONNREFUSED 255:ECONNREFUSED; do
		code=${pair%%:*}
		port=$((1100 + i))
		i=$((i + 1))
		start_proxy "rep$code" "$port" --reply "$code"
		run "$SOCKSIFY" -q -s "socks5://127.0.0.1:$port" python3 "$ERRNO" 192.0.2.10 80
		stop_bg "rep$code"
		[ "$output" = "errno=${pair#*:}" ] || { echo "REP $code: $output" >&2; false; }
	done
}

@test "SOCKS4 rejection codes map to errno" {
	for pair in 91:ECONNREFUSED 92:EACCES 93:EACCES; do
		code=${pair%%:*}
		start_proxy "cd$code" 1120 --reply4 "$code"
		run "$SOCKSIFY" -q -s socks4://127.0.0.1:1120 python3 "$ERRNO" 192.0.2.10 80
		stop_bg "cd$code"
		[ "$output" = "errno=${pair#*:}" ] || { echo "CD $code: $output" >&2; false; }
	done
}

@test "a failed handshake on a non-blocking socket is reported through SO_ERROR" {
	start_proxy rep5nb 1121 --reply 5
	run "$SOCKSIFY" -q -s socks5://127.0.0.1:1121 python3 "$ERRNO" --nonblocking 192.0.2.10 80
	stop_bg rep5nb
	assert_output "errno=ECONNREFUSED"
}

@test "method FF, garbage, and a proxy closing mid-handshake" {
	start_proxy ff 1122 --method 255
	run "$SOCKSIFY" -q -s socks5://127.0.0.1:1122 python3 "$ERRNO" 192.0.2.10 80
	stop_bg ff
	assert_output "errno=EACCES"
	start_proxy garbage 1123 --garbage
	run "$SOCKSIFY" -q -s socks5://127.0.0.1:1123 python3 "$ERRNO" 192.0.2.10 80
	stop_bg garbage
	assert_output "errno=EPROTO"
	start_proxy closer 1124 --close-after 3
	run "$SOCKSIFY" -q -s socks5://127.0.0.1:1124 python3 "$ERRNO" 192.0.2.10 80
	stop_bg closer
	assert_output "errno=ECONNRESET"
}

@test "replies one byte per write are read correctly" {
	start_proxy frag 1125 --fragment
	run "$SOCKSIFY" -s socks5://127.0.0.1:1125 python3 "$ERRNO" 192.0.2.10 25
	stop_bg frag
	assert_output "ok 220 banner.test ESMTP ready"
}

@test "a silent proxy times out with ETIMEDOUT after the handshake timeout" {
	start_proxy silent 1126 --silent
	SOCKSIFY_HANDSHAKE_TIMEOUT=500ms run "$SOCKSIFY" -q -s socks5://127.0.0.1:1126 \
		python3 "$ERRNO" 192.0.2.10 80
	stop_bg silent
	assert_output "errno=ETIMEDOUT"
}

@test "the RFC 1929 reply version byte 5 is accepted (lenient), a bad status is not" {
	start_proxy authver 1127 --user alice --pass s3cret --auth-ver 5
	run "$SOCKSIFY" -s socks5://alice:s3cret@127.0.0.1:1127 python3 "$ERRNO" 198.51.100.10 80
	stop_bg authver
	assert_output "ok peer=$PROXY_SRC"
	start_proxy authfail 1128 --user alice --pass s3cret --auth-fail
	run "$SOCKSIFY" -q -s socks5://alice:s3cret@127.0.0.1:1128 python3 "$ERRNO" 192.0.2.10 80
	stop_bg authfail
	assert_output "errno=EACCES"
}

@test "at info level, one log line per connection without credentials" {
	run "$SOCKSIFY" -vv -s socks5://alice:s3cret@127.0.0.1:1081 curl -sS -m 10 http://192.0.2.10/
	assert_success
	assert_line --regexp '^socksify\[[0-9]+\]: info: connect 192\.0\.2\.10:80 via socks5://127\.0\.0\.1:1081: ok \([0-9]+ ms\)$'
	refute_output --partial s3cret
}

@test "sendto with MSG_FASTOPEN is proxied, not sent directly" {
	run "$SOCKSIFY" -s socks5://127.0.0.1:1080 python3 -c '
import socket
s = socket.socket()
s.sendto(b"GET / HTTP/1.0\r\n\r\n", socket.MSG_FASTOPEN, ("192.0.2.10", 80))
reply = b""
while chunk := s.recv(1000):
    reply += chunk
print(reply.decode().split("\r\n\r\n")[1].strip())'
	assert_success
	assert_output "peer=$PROXY_SRC"
}

@test "a second connect on a proxied socket says EISCONN" {
	run "$SOCKSIFY" -s socks5://127.0.0.1:1080 python3 -c '
import socket, errno
s = socket.create_connection(("192.0.2.10", 80))
try:
    s.connect(("192.0.2.10", 80))
except OSError as e:
    print(errno.errorcode[e.errno])'
	assert_output "EISCONN"
}

@test "no DNS query left the namespace's programs during this suite" {
	assert_no_dns_leak
}

@test "curl's multi interface: parallel transfers through the proxy" {
	run "$SOCKSIFY" -s socks5://127.0.0.1:1080 curl -sS -m 20 -Z \
		http://192.0.2.10/a http://192.0.2.10/b 'http://[2001:db8::10]/'
	assert_success
	[ "$(echo "$output" | grep -c "peer=$PROXY_SRC")" -eq 2 ]
	assert_output --partial "peer=::1"
}

@test "node net.connect through the proxy" {
	command -v node >/dev/null || skip "node is not installed"
	run "$SOCKSIFY" -s socks5://127.0.0.1:1080 node -e '
const net = require("net");
const s = net.connect(80, "192.0.2.10", () => s.write("GET / HTTP/1.0\r\n\r\n"));
let buf = "";
s.on("data", (d) => (buf += d));
s.on("end", () => console.log(buf.split("\r\n\r\n")[1].trim()));'
	assert_success
	assert_output "peer=$PROXY_SRC"
}

@test "pipelining on: greeting, auth and request leave in one write" {
	run strace -f -qq -e trace=sendto -o "$BATS_TEST_TMPDIR/st" env SOCKSIFY_PIPELINE=on \
		"$SOCKSIFY" -s socks5://alice:s3cret@127.0.0.1:1081 python3 "$ERRNO" 198.51.100.10 80
	assert_output "ok peer=$PROXY_SRC"
	# one sendto carrying 05 01 02 | 01 05 alice 06 s3cret | 05 01 00 01 c6 33 64 0a 00 50
	run grep -c 'sendto(.*"\\5\\1\\2\\1\\5alice\\6s3cret\\5\\1\\0\\1' "$BATS_TEST_TMPDIR/st"
	assert_output 1
	run grep -c 'sendto(' "$BATS_TEST_TMPDIR/st"
	assert_output 1
}

@test "pipelining off: one message per write" {
	run strace -f -qq -e trace=sendto -o "$BATS_TEST_TMPDIR/st" env SOCKSIFY_PIPELINE=off \
		"$SOCKSIFY" -s socks5://alice:s3cret@127.0.0.1:1081 python3 "$ERRNO" 198.51.100.10 80
	assert_output "ok peer=$PROXY_SRC"
	run grep -c 'sendto(' "$BATS_TEST_TMPDIR/st"
	assert_output 3
}

@test "a strict proxy refuses a pipelined handshake; the shim falls back at once" {
	start_proxy strict 1129 --strict
	SOCKSIFY_PIPELINE=on run "$SOCKSIFY" -vv -s socks5://127.0.0.1:1129 python3 "$ERRNO" 198.51.100.10 80
	stop_bg strict
	assert_line "ok peer=$PROXY_SRC"
	assert_output --partial "refused a pipelined handshake"
}

@test "a signal during the handshake runs its handler and the connect still completes" {
	start_proxy slow 1130 --delay-ms 300
	run "$SOCKSIFY" -s socks5://127.0.0.1:1130 python3 -c '
import signal, socket
hits = []
signal.signal(signal.SIGALRM, lambda *a: hits.append(1))
signal.setitimer(signal.ITIMER_REAL, 0.1, 0.1)
s = socket.create_connection(("198.51.100.10", 80))
signal.setitimer(signal.ITIMER_REAL, 0)
print(len(hits) > 0, s.recv(100).decode().strip())'
	stop_bg slow
	assert_success
	assert_output "True peer=$PROXY_SRC"
}

@test "a host name on the bypass list makes its connections direct, not only its lookup" {
	run "$SOCKSIFY" -s socks5://127.0.0.1:1080 --bypass direct.test python3 -c '
import socket
s = socket.create_connection(("direct.test", 80))
s.sendall(b"GET / HTTP/1.0\r\n\r\n")
print(s.makefile().read().split("\n")[-2])'
	assert_success
	assert_output "peer=192.0.2.10"
}

@test "the log names an IPv6 proxy in URL form" {
	run "$SOCKSIFY" -vv -s 'socks5://[::1]:1080' python3 "$ERRNO" 198.51.100.10 80
	assert_line --regexp '^socksify\[[0-9]+\]: info: connect 198\.51\.100\.10:80 via socks5://\[::1\]:1080: ok'
}

@test "SOCKS4 user id: sent from the URL, and a mismatch is refused (CD 91: ECONNREFUSED)" {
	run "$SOCKSIFY" -s socks4://alice@127.0.0.1:1081 python3 "$ERRNO" 198.51.100.10 80
	assert_output "ok peer=$PROXY_SRC"
	run "$SOCKSIFY" -q -s socks4://mallory@127.0.0.1:1081 python3 "$ERRNO" 198.51.100.10 80
	assert_output "errno=ECONNREFUSED"
	run proxy_log auth
	assert_output --partial "v4 CONNECT ip=198.51.100.10:80 auth=userid user=alice result=ok"
	assert_output --partial "user=mallory result=cd91"
}

@test "a 24-byte sockaddr_in6 (no sin6_scope_id) is proxied: connect, MSG_FASTOPEN, UDP sendto/sendmsg/connect" {
	start_bg target6 "$B/target" --udp-echo '[2001:db8::10]:7' \
		--log "$BATS_FILE_TMPDIR/target6.log"
	: >"$BATS_FILE_TMPDIR/plain.log"
	for mode in fastopen connect; do
		run timeout 20 "$SOCKSIFY" -s socks5://127.0.0.1:1080 "$B/short_in6" $mode 2001:db8::10 80
		assert_line "peer=::1"
	done
	# getpeername reports the whole sockaddr_in6, as the kernel does.
	assert_line --index 0 "peer [2001:db8::10]:80 len 28 scope 0"
	for mode in udp-sendto udp-sendmsg udp-connect; do
		run timeout 20 "$SOCKSIFY" -s socks5://127.0.0.1:1080 "$B/short_in6" $mode 2001:db8::10 7
		assert_line "ping"
	done
	assert_line --index 0 "peer [2001:db8::10]:7 len 28 scope 0"
	stop_bg target6
	run proxy_log plain
	[ "$(grep -c 'v5 CONNECT ip=\[2001:db8::10\]:80 auth=none result=ok' <<<"$output")" -eq 2 ]
	assert_output --partial "v5 UDP ip=[2001:db8::10]:7"
	# Every datagram the UDP target saw came from the proxy.
	run grep -c 'peer=\[::1\]:' "$BATS_FILE_TMPDIR/target6.log"
	assert_output 3
	run grep -vc 'peer=\[::1\]:' "$BATS_FILE_TMPDIR/target6.log"
	assert_output 0
}

@test "only TCP and MPTCP sockets are proxied: an AF_UNIX stream connected to an IPv4 address gets the kernel's EINVAL" {
	run "$SOCKSIFY" -s socks5://127.0.0.1:1080 python3 -c '
import ctypes, os, socket
libc = ctypes.CDLL(None, use_errno=True)
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
sin = socket.AF_INET.to_bytes(2, "little") + (80).to_bytes(2, "big") + socket.inet_aton("198.51.100.10") + bytes(8)
r = libc.connect(s.fileno(), sin, len(sin))
print(r, os.strerror(ctypes.get_errno()) if r else "connected",
      "domain", s.getsockopt(socket.SOL_SOCKET, socket.SO_DOMAIN))'
	assert_output "-1 Invalid argument domain 1"
}

# Three connects in one process, each reported on stdout.
CONNECT3='
import socket
for _ in range(3):
    try:
        socket.create_connection(("192.0.2.10", 80), timeout=10)
        print("connected")
    except OSError as e:
        print("failed", e.errno)'

@test "a dead proxy: one default-level line naming it unreachable, however many connects" {
	run env -u SOCKSIFY_LOG "$SOCKSIFY" -s socks5://127.0.0.1:1099 curl -sS -m 10 \
		http://192.0.2.10/ http://198.51.100.10/
	assert_failure
	[ "$(grep -c '^socksify\[' <<<"$output")" -eq 1 ] || fail "not one log line"
	assert_line --regexp '^socksify\[[0-9]+\]: error: proxy socks5://127\.0\.0\.1:1099 unreachable: Connection refused$'
	[ "$(grep -c '^curl: ' <<<"$output")" -eq 2 ] || fail "curl did not try both URLs"
	run env -u SOCKSIFY_LOG "$SOCKSIFY" -s socks5://127.0.0.1:1099 python3 -c "$CONNECT3"
	[ "$(grep -c '^socksify\[' <<<"$output")" -eq 1 ] || fail "not one log line"
	assert_line --partial "proxy socks5://127.0.0.1:1099 unreachable"
	[ "$(grep -c '^failed' <<<"$output")" -eq 3 ]
}

@test "wrong credentials: one default-level line saying the proxy rejected them" {
	run env -u SOCKSIFY_LOG "$SOCKSIFY" -s socks5://alice:wrong@127.0.0.1:1081 \
		python3 -c "$CONNECT3"
	[ "$(grep -c '^failed' <<<"$output")" -eq 3 ]
	[ "$(grep -c '^socksify\[' <<<"$output")" -eq 1 ] || fail "not one log line"
	assert_line --regexp '^socksify\[[0-9]+\]: error: proxy socks5://127\.0\.0\.1:1081 rejected the credentials'
	refute_output --partial wrong
}

@test "the proxy reporting that the target refused: silent by default, told apart from an unreachable proxy at -v" {
	start_proxy rep5v 1131 --reply 5
	run env -u SOCKSIFY_LOG "$SOCKSIFY" -s socks5://127.0.0.1:1131 python3 "$ERRNO" 192.0.2.10 80
	assert_output "errno=ECONNREFUSED"
	run "$SOCKSIFY" -v -s socks5://127.0.0.1:1131 python3 "$ERRNO" 192.0.2.10 80
	stop_bg rep5v
	assert_line "errno=ECONNREFUSED"
	assert_line --regexp '^socksify\[[0-9]+\]: warn: connect 192\.0\.2\.10:80 via socks5://127\.0\.0\.1:1131: the proxy reports the target refused the connection \(REP 5\) \([0-9]+ ms\)$'
	refute_output --partial unreachable
	run "$SOCKSIFY" -v -s socks5://127.0.0.1:1099 python3 "$ERRNO" 192.0.2.10 80
	assert_line "errno=ECONNREFUSED"
	assert_line --regexp '^socksify\[[0-9]+\]: warn: connect 192\.0\.2\.10:80 via socks5://127\.0\.0\.1:1099: proxy unreachable: Connection refused \([0-9]+ ms\)$'
	refute_output --partial "reports"
}

@test "REP 8 from a SOCKS5 proxy is logged as its address type refusal, not as a SOCKS4 limit" {
	start_proxy rep8v 1132 --reply 8
	run "$SOCKSIFY" -v -s socks5://127.0.0.1:1132 python3 "$ERRNO" 192.0.2.10 80
	stop_bg rep8v
	assert_line "errno=EAFNOSUPPORT"
	assert_line --partial "the proxy reports the address type is not supported (REP 8)"
	refute_output --partial SOCKS4
	run "$SOCKSIFY" -v -s socks4://127.0.0.1:1080 python3 "$ERRNO" 2001:db8::10 80
	assert_line "errno=EAFNOSUPPORT"
	assert_line --partial "SOCKS4 cannot carry IPv6"
}

# Prints, for itself and then for a child it starts (subprocess closes the child's
# other fds), whether the secret is in its argv or environment, and what the target saw.
secret_probe() {
	cat >"$BATS_TEST_TMPDIR/probe.py" <<'PY'
import os, socket, subprocess, sys
tag = sys.argv[1] if len(sys.argv) > 1 else "parent"
for f in ("cmdline", "environ"):
    with open("/proc/self/" + f, "rb") as fh:
        if b"s3cret" in fh.read():
            print(tag, "secret in", f)
try:
    s = socket.create_connection(("192.0.2.10", 80))
    s.sendall(b"GET / HTTP/1.0\r\n\r\n")
    print(tag, s.makefile().read().split("\n")[-2])
except OSError as e:
    print(tag, "failed", e)
if tag == "parent":
    sys.stdout.flush()
    subprocess.run([sys.executable, __file__, "child"])
PY
	echo "$BATS_TEST_TMPDIR/probe.py"
}

assert_probe_ok() {
	assert_line "parent peer=$PROXY_SRC"
	assert_line "child peer=$PROXY_SRC"
	refute_output --partial "secret in"
}

@test "a password file keeps the secret out of argv and environ, and authenticates the program and its child" {
	local probe pw=$BATS_TEST_TMPDIR/pw
	probe=$(secret_probe)
	printf 's3cret\n' >"$pw"
	chmod 0600 "$pw"
	SOCKSIFY_PASSWORD_FILE=$pw run "$SOCKSIFY" -u alice -s socks5://127.0.0.1:1081 \
		python3 "$probe"
	assert_probe_ok
	printf 'server socks5://alice@127.0.0.1:1081\npassword_file %s\n' "$pw" \
		>"$BATS_TEST_TMPDIR/c.conf"
	run "$SOCKSIFY" -c "$BATS_TEST_TMPDIR/c.conf" python3 "$probe"
	assert_probe_ok
	chmod 0644 "$pw"
	SOCKSIFY_PASSWORD_FILE=$pw run "$SOCKSIFY" -u alice -s socks5://127.0.0.1:1081 true
	assert_success
	assert_output "socksify: warning: $pw holds the proxy password and is readable by other users (chmod go-r $pw)"
	SOCKSIFY_PASSWORD_FILE=$BATS_TEST_TMPDIR/nope run "$SOCKSIFY" -u alice \
		-s socks5://127.0.0.1:1081 true
	assert_failure 2
	assert_output "socksify: $BATS_TEST_TMPDIR/nope: cannot read password file: No such file or directory"
	SOCKSIFY_PASSWORD_FILE=$BATS_TEST_TMPDIR/nope SOCKS_SERVER=socks5://alice@127.0.0.1:1081 \
		LD_PRELOAD=$LIB run python3 "$ERRNO" 192.0.2.10 80
	assert_line "errno=EINVAL"
	assert_line --partial "nope: cannot read password file: No such file or directory"
}

@test "a password in -s or SOCKS_PASSWORD reaches neither the program's environ nor its child's, which still authenticate" {
	local probe
	probe=$(secret_probe)
	run "$SOCKSIFY" -s socks5://alice:s3cret@127.0.0.1:1081 python3 "$probe"
	assert_probe_ok
	SOCKS_SERVER=socks5://alice:s3cret@127.0.0.1:1081 run "$SOCKSIFY" python3 "$probe"
	assert_probe_ok
	SOCKS_PASSWORD=s3cret run "$SOCKSIFY" -u alice -s socks5://127.0.0.1:1081 python3 "$probe"
	assert_probe_ok
	run proxy_log auth
	assert_output --partial "auth=userpass user=alice result=ok"
}

@test "the -u prompt's password reaches neither argv nor environ, and authenticates the program and its child" {
	command -v tmux >/dev/null || skip "tmux is not installed"
	local probe sock=$BATS_TEST_TMPDIR/tmux.sock out=$BATS_TEST_TMPDIR/out
	probe=$(secret_probe)
	tmux -S "$sock" new-session -d -x 150 -y 20 sh
	tmux -S "$sock" send-keys "env -u SOCKS_PASSWORD '$SOCKSIFY' -u alice -s socks5://127.0.0.1:1081 python3 '$probe' >'$out' 2>&1; echo \"r\"\"c=\$?\"" Enter
	local i=0
	until tmux -S "$sock" capture-pane -p | grep -q 'Proxy password for alice'; do
		i=$((i + 1))
		[ $i -lt 500 ] || { tmux -S "$sock" kill-server; fail "no prompt"; }
		sleep 0.02
	done
	# the wrapper, waiting at its prompt: the pane shell's child
	local wpid
	wpid=$(pgrep -P "$(tmux -S "$sock" display -p '#{pane_pid}')" | head -n 1)
	[ -n "$wpid" ] || { tmux -S "$sock" kill-server; fail "no wrapper process"; }
	grep -qa -- '-u' "/proc/$wpid/cmdline" || { tmux -S "$sock" kill-server; fail "not the wrapper"; }
	tmux -S "$sock" send-keys "s3cret" Enter
	# that pid, first the wrapper and then the program it execs into, is sampled
	# until it exits: ps would show its argv, /proc its environment
	local leak=""
	i=0
	until tmux -S "$sock" capture-pane -p | grep -q 'rc='; do
		i=$((i + 1))
		[ $i -lt 1000 ] || { tmux -S "$sock" kill-server; fail "no exit"; }
		cat "/proc/$wpid/cmdline" "/proc/$wpid/environ" 2>/dev/null | grep -qa s3cret &&
			leak=1
		sleep 0.02
	done
	tmux -S "$sock" kill-server
	[ -z "$leak" ] || fail "the secret was in the argv or environment of pid $wpid"
	run cat "$out"
	assert_probe_ok
}

@test "the wrapper's password file lives as long as a process of the tree names it, then goes" {
	local fifo=$BATS_TEST_TMPDIR/hold f
	mkfifo "$fifo"
	# a detached child that outlives the program, holding the variable
	run "$SOCKSIFY" -s socks5://alice:s3cret@127.0.0.1:1081 sh -c '
		setsid -f sh -c "read x <\"$1\"" sh "$1" </dev/null >/dev/null 2>&1 3>&-
		echo "$SOCKSIFY_PASSWORD_FILE"' sh "$fifo"
	assert_success
	f=$output
	[ -f "$f" ] || fail "no password file: $f"
	[ "$(stat -c %a "$f")" = 600 ] || fail "mode $(stat -c %a "$f")"
	[ "$(cat "$f")" = s3cret ]
	# the program has exited, the child still runs: the file stays
	sleep 3
	[ -f "$f" ] || fail "removed while a process of the tree still names it"
	# the watcher, which names the file in its argv, shows neither the wrapper's argv
	# (-s with the password) in ps nor its environment
	local w found=""
	for w in $(grep -laF "$(basename "$f")" /proc/[0-9]*/cmdline 2>/dev/null); do
		found=1
		! grep -qaE 's3c(r)et' "$w" "${w%/cmdline}/environ" || fail "$w holds the secret"
	done
	[ -n "$found" ] || fail "no process watches $f"
	echo done >"$fifo"
	rm -f "$fifo"
	local i=0
	while [ -e "$f" ]; do
		i=$((i + 1))
		[ $i -lt 500 ] || fail "still there after the tree ended: $f"
		sleep 0.02
	done
}
