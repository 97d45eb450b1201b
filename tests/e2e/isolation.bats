#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# --strict isolation: the command runs in its own network namespace (loopback only) and
# the forwarder outside is its only way out. What the preload cannot reach (a static
# program, raw syscalls, dlsym'd libc, io_uring, an env -i child) gets an error; the
# DNS recorder and the target's log prove that nothing left another way.

load helpers

setup_file() {
	load helpers
	start_targets
	start_proxy plain 1080 --map web.test=192.0.2.10
	start_proxy auth 1081 --user alice --pass s3cret --map web.test=192.0.2.10
}

teardown_file() {
	stop_all_bg
}

RAW=$BATS_TEST_DIRNAME/raw_proxy.py
LEAK=$B/leak_client
LEAK_STATIC=$B/leak_client_static
S=("$SOCKSIFY" --strict -q -s socks5://127.0.0.1:1080)

@test "isolation: a raw syscall, a dlsym'd libc connect and io_uring get ENETUNREACH; nothing leaves" {
	# Without --strict the same connects go direct: the test would see a leak.
	mark_target
	run "$SOCKSIFY" -q -s socks5://127.0.0.1:1080 "$LEAK" syscall 192.0.2.10 80
	assert_output "connected"
	run target_since
	assert_output --regexp "peer=192\.0\.2\.10:"
	mark_target
	for mode in syscall dlsym; do
		run "${S[@]}" "$LEAK" "$mode" 192.0.2.10 80
		assert_output "ENETUNREACH"
	done
	run "$SOCKSIFY" -q -s socks5://127.0.0.1:1080 "$LEAK" uring 192.0.2.11 80
	if [ "$output" = ECONNREFUSED ]; then
		run "${S[@]}" "$LEAK" uring 192.0.2.10 80
		assert_output "ENETUNREACH"
	else
		echo "# io_uring connect unavailable here ($output): not tried" >&3
	fi
	run target_since
	assert_output ""
	assert_no_dns_leak
}

@test "isolation: a static program, started directly or by a shell, gets ENETUNREACH and no resolver" {
	mark_target
	run "$SOCKSIFY" --strict -s socks5://127.0.0.1:1080 "$LEAK_STATIC" libc 192.0.2.10 80
	assert_failure 1
	assert_line --partial "is statically linked"
	assert_line --partial "runs isolated (--strict)"
	assert_line "ENETUNREACH"
	run "${S[@]}" sh -c "'$LEAK_STATIC' libc 192.0.2.10 80"
	assert_output --partial "ENETUNREACH"
	# Its own DNS (glibc's resolver, linked in) finds no nameserver in the namespace.
	run "${S[@]}" sh -c "'$LEAK_STATIC' libc web.test 80"
	assert_output --partial "getaddrinfo:"
	run target_since
	assert_output ""
	assert_no_dns_leak
}

@test "isolation: a 32-bit child of a shell gets through the proxy or not at all" {
	local c32=$BATS_FILE_TMPDIR/leak_client32
	cc -m32 -D_GNU_SOURCE -DLEAK_STATIC -o "$c32" "$ROOT/tests/proxy/leak_client.c" 2>/dev/null ||
		skip "no 32-bit toolchain (gcc-multilib)"
	mark_target
	run "${S[@]}" sh -c "'$c32' libc 192.0.2.10 80"
	# Without a 32-bit libsocksify the loader skips it and the connect finds no route;
	# with one, the connect is proxied. Never direct.
	assert_output --regexp "(ENETUNREACH|connected)$"
	run target_since
	refute_output --regexp "peer=192\.0\.2\.10:"
	assert_no_dns_leak
}

@test "isolation: an env -i child (no LD_PRELOAD) cannot connect or resolve; the parent is still proxied" {
	mark_target
	run "${S[@]}" sh -c 'env -i /usr/bin/curl -sS -m 5 http://192.0.2.10/; env -i /usr/bin/curl -sS -m 5 http://web.test/; curl -sS -m 5 http://web.test/'
	# strict mode's exec checks say so, and only say so: the namespace holds the child
	assert_line --partial "strict mode: running /usr/bin/curl: its environment drops libsocksify.so"
	assert_line --partial "Failed to connect to 192.0.2.10"
	assert_line --partial "Could not resolve host: web.test"
	assert_line "peer=$PROXY_SRC"
	run target_since
	assert_output --regexp "^tcp listen=192\.0\.2\.10:80 peer=$PROXY_SRC:[0-9]+$"
	assert_no_dns_leak
}

@test "isolation: the proxy given by name, over IPv6 and on the host's loopback" {
	: >"$BATS_FILE_TMPDIR/plain.log"
	for url in socks5h://localhost:1080 'socks5://[::1]:1080' socks5://127.0.0.1:1080; do
		run "$SOCKSIFY" --strict -s "$url" curl -sS -m 10 http://web.test/
		assert_output "peer=$PROXY_SRC"
	done
	run proxy_log plain
	[ "$(grep -c 'v5 CONNECT name=web.test:80 auth=none result=ok' <<<"$output")" -eq 3 ]
	assert_no_dns_leak
}

@test "isolation: credentials pass through the forwarder untouched (a URL's, moved to a file; a config file's); --env says it cannot isolate" {
	: >"$BATS_FILE_TMPDIR/auth.log"
	run "${S[@]/127.0.0.1:1080/alice:s3cret@127.0.0.1:1081}" curl -sS -m 10 http://web.test/
	assert_output "peer=$PROXY_SRC"
	printf 'server socks5h://alice@127.0.0.1:1081\npassword s3cret\n' >"$BATS_TEST_TMPDIR/c.conf"
	chmod 0600 "$BATS_TEST_TMPDIR/c.conf"
	run "$SOCKSIFY" --strict -q -c "$BATS_TEST_TMPDIR/c.conf" python3 -c '
import socket
s = socket.create_connection(("web.test", 80))
s.sendall(b"GET / HTTP/1.0\r\n\r\n")
reply = b""
while chunk := s.recv(1000):
    reply += chunk
print(reply.decode().split("\r\n\r\n")[-1].strip())'
	assert_output "peer=$PROXY_SRC"
	run proxy_log auth
	[ "$(grep -c 'v5 CONNECT name=web.test:80 auth=userpass user=alice result=ok' <<<"$output")" -eq 2 ]
	run "$SOCKSIFY" --strict --env -s socks5h://127.0.0.1:1080
	assert_line --index 0 "socksify: warning: --env: the calling shell cannot be isolated; strict mode is kept by the hooks alone"
	assert_no_dns_leak
}

@test "isolation: a proxy name that does not resolve exits 2 with one line, before the program runs" {
	run "$SOCKSIFY" --strict -s socks5h://nosuch.invalid:1080 sh -c 'echo ran'
	assert_failure 2
	assert_output "socksify: cannot resolve proxy host 'nosuch.invalid': Name or service not known"
	# The proxy's own name is looked up on the host, by design; the other tests' leak
	# checks must not count it.
	run dns_queries
	assert_output --partial "name=nosuch.invalid"
	: >"$SX_DNSREC_LOG"
}

@test "isolation: a proxy that refuses connections gives the program ECONNREFUSED, never a direct connection" {
	mark_target
	run "$SOCKSIFY" --strict -q -s socks5h://127.0.0.1:1999 python3 -c '
import errno, socket
s = socket.socket()
try:
    s.connect(("192.0.2.10", 80))
    print("connected")
except OSError as e:
    print(errno.errorcode[e.errno])'
	assert_output "ECONNREFUSED"
	run target_since
	assert_output ""
}

@test "isolation: the program keeps the wrapper's pid, its exit status and its signals" {
	run "${S[@]}" sh -c 'exit 7'
	assert_failure 7
	local sig
	for sig in TERM INT; do
		rm -f "$BATS_TEST_TMPDIR/pid"
		"${S[@]}" python3 -c '
import os, signal, sys, time
signal.signal(signal.SIGTERM, lambda *a: (print("got TERM", flush=True), os._exit(5)))
signal.signal(signal.SIGINT, lambda *a: (print("got INT", flush=True), os._exit(6)))
open(sys.argv[1] + ".tmp", "w").write(str(os.getpid()))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(30)' "$BATS_TEST_TMPDIR/pid" >"$BATS_TEST_TMPDIR/out" 2>&1 &
		local w=$! i=0
		while [ ! -e "$BATS_TEST_TMPDIR/pid" ] && [ $i -lt 500 ]; do
			sleep 0.02
			i=$((i + 1))
		done
		[ "$(cat "$BATS_TEST_TMPDIR/pid")" = "$w" ]
		kill -"$sig" "$w"
		local rc=0
		wait "$w" || rc=$?
		[ "$rc" -eq "$([ $sig = TERM ] && echo 5 || echo 6)" ]
		run cat "$BATS_TEST_TMPDIR/out"
		assert_output "got $sig"
	done
}

@test "isolation: Ctrl-C on a terminal reaches the program, not the forwarder" {
	command -v script >/dev/null || skip "no script(1)"
	# script gives the command a terminal; ^C there signals its foreground group.
	run timeout 20 script -qec "$SOCKSIFY --strict -q -s socks5://127.0.0.1:1080 python3 -c '
import signal, sys, time
signal.signal(signal.SIGINT, lambda *a: (print(\"got INT\", flush=True), sys.exit(6)))
print(\"ready\", flush=True)
time.sleep(20)'" /dev/null < <(sleep 2; printf '\003'; sleep 2)
	assert_output --partial "got INT"
}

@test "isolation: job control: Ctrl-Z stops the program in an interactive shell, fg resumes it" {
	command -v script >/dev/null || skip "no script(1)"
	local m=$BATS_TEST_TMPDIR/ready
	# Keys for the shell, each once the program (or the shell) can take it.
	keys() {
		local i=0
		while [ ! -e "$m" ] && [ $i -lt 500 ]; do
			sleep 0.02
			i=$((i + 1))
		done
		printf '\032'
		sleep 0.5
		printf 'jobs\n'
		sleep 0.3
		printf 'fg\n'
		sleep 2
		printf 'exit\n'
	}
	run timeout 30 script -qec "env PS1='$ ' bash --norc --noprofile -i" /dev/null < <(
		printf '%s\n' "$SOCKSIFY --strict -q -s socks5://127.0.0.1:1080 python3 -c 'import time; open(\"$m\", \"w\"); time.sleep(1); print(\"finished\")'"
		keys
	)
	assert_output --regexp "Stopped +.*python3"
	assert_output --partial "finished"
}

@test "isolation: the forwarder serves a child that outlives the command, then ends with the tree" {
	# Three times: the command is gone before the forwarder first looks (it once took
	# that for the end of the tree).
	local late n i
	for n in 1 2 3; do
		late=$BATS_TEST_TMPDIR/late$n
		run "${S[@]}" sh -c '(sleep 1; curl -sS -m 5 http://web.test/ >"$0.tmp" 2>&1; mv "$0.tmp" "$0") >/dev/null 2>&1 &' "$late"
		assert_success
		i=0
		while [ ! -e "$late" ] && [ $i -lt 500 ]; do
			sleep 0.02
			i=$((i + 1))
		done
		run cat "$late"
		assert_output "peer=$PROXY_SRC"
	done
	i=0
	while pgrep -f "socksify-check isolate .*$late" >/dev/null && [ $i -lt 250 ]; do
		sleep 0.02
		i=$((i + 1))
	done
	run pgrep -f "socksify-check isolate .*$late"
	assert_failure
}

@test "isolation: not root, a user namespace maps only the user's own uid" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to become another user"
	run setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/tmp "$SOCKSIFY" --strict \
		-s socks5://127.0.0.1:1080 sh -c 'cat /proc/self/uid_map; curl -sS -m 10 http://web.test/; '"'$LEAK'"' syscall 192.0.2.10 80'
	assert_line --index 0 --regexp '^ +65534 +65534 +1$'
	assert_line --index 1 "peer=$PROXY_SRC"
	assert_line --index 2 "ENETUNREACH"
	assert_no_dns_leak
}

@test "isolation: the host's loopback services and the bypass list are out of reach, and said so" {
	run "${S[@]}" curl -sS -m 5 http://127.0.0.1:8080/
	assert_failure
	assert_output --partial "Failed to connect to 127.0.0.1 port 8080"
	run "$SOCKSIFY" --strict --isolation off -q -s socks5://127.0.0.1:1080 curl -sS -m 5 http://127.0.0.1:8080/
	assert_output "peer=127.0.0.1"
	run "$SOCKSIFY" --strict --bypass 192.0.2.10 -s socks5://127.0.0.1:1080 true
	assert_success
	assert_output "socksify: warning: --strict: the bypass list is unreachable from the isolated namespace (--isolation off reaches it)"
}

# A user namespace that may hold no more user namespaces, without CAP_SYS_ADMIN: the
# kernel refuses both the plain and the user network namespace, as where a distribution
# restricts user namespaces.
refusing() {
	unshare --user --map-root-user sh -c 'echo 0 >/proc/sys/user/max_user_namespaces &&
		exec capsh --drop=cap_sys_admin -- -c "exec \"\$@\"" -- "$@"' sh "$@"
}

@test "isolation: where the kernel refuses, auto falls back to the hooks with one line; require exits 3" {
	command -v capsh >/dev/null || skip "no capsh"
	run refusing "$SOCKSIFY" --strict -q -s socks5://127.0.0.1:1080 curl -sS -m 10 http://web.test/
	assert_line --index 0 "socksify: warning: the kernel refuses a user namespace (No space left on device): --strict falls back to the hooks alone (programs they cannot reach are refused, not contained)"
	assert_line --index 1 "peer=$PROXY_SRC"
	run refusing "$SOCKSIFY" --strict -q -s socks5://127.0.0.1:1080 "$LEAK_STATIC" libc 192.0.2.10 80
	assert_failure 3
	assert_output --partial "refusing to run"
	run refusing "$SOCKSIFY" --strict --isolation require -s socks5://127.0.0.1:1080 true
	assert_failure 3
	assert_output "socksify: --strict: the kernel refuses a user namespace (No space left on device) (--isolation require)"
	run "$SOCKSIFY" --strict --isolation sometimes -s socks5://127.0.0.1:1080 true
	assert_failure 2
	assert_output --partial "'sometimes' is not auto, require or off"
}

@test "isolation: an ICMP error on the forwarder's relay socket does not make it spin" {
	start_bg rawdead python3 "$RAW" 1099 deadrelay
	local pidf=$BATS_TEST_TMPDIR/pid
	# The datagrams draw ICMP port unreachable on the forwarder's socket toward the
	# relay; the association then stays open for 2 s.
	"$SOCKSIFY" --strict -q -s socks5://127.0.0.1:1099 python3 -c '
import os, socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(3):
    s.sendto(b"x", ("192.0.2.10", 7))
    time.sleep(0.1)
open(sys.argv[1], "w").write(os.environ["SOCKSIFY_FORWARDER"])
time.sleep(2)' "$pidf" &
	local w=$! i=0
	while [ ! -s "$pidf" ] && [ $i -lt 500 ]; do
		sleep 0.02
		i=$((i + 1))
	done
	local fwd
	fwd=$(pgrep -f "socksify-check isolate .*$pidf" | head -n 1)
	[ -n "$fwd" ]
	local t0 t1
	t0=$(awk '{ print $14 + $15 }' "/proc/$fwd/stat")
	sleep 1
	t1=$(awk '{ print $14 + $15 }' "/proc/$fwd/stat")
	wait "$w"
	stop_bg rawdead
	# CPU ticks (1/100 s) the forwarder used in that second: a spinning one takes ~100.
	echo "# forwarder CPU ticks in 1 s: $((t1 - t0))" >&3
	[ $((t1 - t0)) -lt 30 ]
}

@test "isolation: a TCP connection uses a socket made outside (nothing relayed); UDP and MPTCP go through the listener" {
	# Inside, /proc/net/tcp lists the namespace's own TCP sockets: a relayed connection
	# shows there as a pair with the forwarder's listener (whatever its state), a socket
	# made outside not at all.
	run "${S[@]}" python3 -c '
import socket
s = socket.create_connection(("192.0.2.10", 80))
s.sendall(b"GET / HTTP/1.0\r\nHost: x\r\n\r\n")
reply = s.recv(4096)
inside = [l for l in open("/proc/net/tcp").read().splitlines()[1:] if l.split()[3] != "0A"]
print("reply=%s connections_inside=%d" % (reply.split(b"\r\n")[0].decode(), len(inside)))
m = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)
m.connect(("192.0.2.10", 80))
inside = [l for l in open("/proc/net/tcp").read().splitlines()[1:] if l.split()[3] != "0A"]
print("mptcp relayed=%s" % (len(inside) > 0))'
	assert_success
	assert_line "reply=HTTP/1.0 200 OK connections_inside=0"
	assert_line "mptcp relayed=True"
}
