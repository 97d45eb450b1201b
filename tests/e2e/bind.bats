#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Listening through the proxy (SOCKS BIND) and getsockname() on proxied sockets. A
# callback server on 192.0.2.10 plays active FTP's part without FTP: it connects back to
# the address the client announced and logs where it went, so a test sees that the
# connection went to the proxy's listener, never to the client.

load helpers

CLIENT=$BATS_TEST_DIRNAME/bind_client.py
CB=$BATS_TEST_DIRNAME/callback_server.py

setup_file() {
	load helpers
	start_proxy sd 1190
	start_proxy sdzero 1191 --zero-bnd --bind-listen 0.0.0.0
	start_proxy sdrefuse 1192 --bind-reply 2
	start_proxy sdreply2 1193 --bind-reply2 4
	start_proxy sdrefuse4 1194 --bind-reply 91
	start_proxy sd6 1195 --source6 2001:db8::11
	: >"$BATS_FILE_TMPDIR/cb.log"
	start_bg cb python3 "$CB" 192.0.2.10 2121 "$BATS_FILE_TMPDIR/cb.log"
	start_bg cb6 python3 "$CB" 2001:db8::10 2121 "$BATS_FILE_TMPDIR/cb.log"
}

teardown_file() {
	stop_all_bg
}

setup() {
	sx_setup
	: >"$BATS_FILE_TMPDIR/cb.log"
	for p in sd sdzero sdrefuse sdreply2 sdrefuse4 sd6; do : >"$BATS_FILE_TMPDIR/$p.log"; done
}

# The port the proxy's BIND listener got, from its log.
bnd_of() {
	sed -n 's/.* BIND .*result=ok bnd=\([0-9.]*:[0-9]*\).*/\1/p' "$BATS_FILE_TMPDIR/$1.log" | tail -n 1
}

@test "getsockname on a proxied connection names the proxy's BND address, not the local end" {
	run "$SOCKSIFY" -s socks5://127.0.0.1:1190 python3 -c '
import socket
c = socket.create_connection(("192.0.2.10", 2121))
print("local=%s:%d" % c.getsockname()[:2])
c.sendall(b"127.0.0.1 9\n")
print("cb-saw=" + c.makefile().readline().strip())'
	assert_success
	# The callback server saw the proxy's outgoing end, which is what socksd reported.
	local seen
	seen=$(sed -n 's/control-from=\([^ ]*\) .*/\1/p' "$BATS_FILE_TMPDIR/cb.log")
	assert_line "local=$seen"
	[[ $seen == "$PROXY_SRC":* ]]
}

@test "getsockname: a BND of 0.0.0.0 stands for the proxy's own address, with its port" {
	run "$SOCKSIFY" -s socks5://127.0.0.1:1191 python3 -c '
import socket
c = socket.create_connection(("192.0.2.10", 2121))
print("local=%s:%d" % c.getsockname()[:2])'
	assert_success
	assert_output --regexp '^local=127\.0\.0\.1:[0-9]+$'
	refute_output --regexp 'local=127\.0\.0\.1:1191$'
}

@test "BIND through the bundled proxy (SOCKS5): accept blocks until the peer came, peer from the second reply" {
	run timeout 30 "$SOCKSIFY" -s socks5://127.0.0.1:1190 python3 "$CLIENT" --twice 192.0.2.10 2121
	assert_success
	local bnd
	bnd=$(bnd_of sd)
	[ -n "$bnd" ]
	assert_line "listener=$bnd"
	assert_line --regexp '^accepted peer=192\.0\.2\.10:[0-9]+ local='"$bnd"'$'
	assert_line "data: hello from the callback"
	assert_line "control: sent"
	# One connection per BIND: the listener is done.
	assert_line "second accept: EINVAL"
	# The callback went to the proxy's listener, and the proxy saw it arrive.
	run cat "$BATS_FILE_TMPDIR/cb.log"
	assert_output --regexp "connect-to=${bnd%:*}:${bnd#*:}\$"
	run proxy_log sd
	assert_line --regexp '^v5 BIND ip=192\.0\.2\.10:2121 auth=none result=ok bnd='"$bnd"'$'
	assert_line --regexp '^v5 BINDREPLY peer=192\.0\.2\.10:[0-9]+$'
}

@test "BIND through the bundled proxy (SOCKS4)" {
	run timeout 30 "$SOCKSIFY" -s socks4://127.0.0.1:1190 python3 "$CLIENT" 192.0.2.10 2121
	assert_success
	assert_line "listener=$(bnd_of sd)"
	assert_line "data: hello from the callback"
	run proxy_log sd
	assert_line --regexp '^v4 BIND ip=192\.0\.2\.10:2121 auth=none result=ok bnd='
	assert_line --regexp '^v4 BINDREPLY peer=192\.0\.2\.10:[0-9]+$'
}

@test "BIND for an IPv6 target, the proxy reached over IPv4: the program's IPv6 addresses throughout" {
	run timeout 30 "$SOCKSIFY" -s socks5://127.0.0.1:1195 python3 "$CLIENT" --wait poll 2001:db8::10 2121
	assert_success
	assert_line --regexp '^control local=2001:db8::11:[0-9]+ peer=2001:db8::10:2121$'
	local bnd
	bnd=$(sed -n 's/.* BIND .*result=ok bnd=\[\(.*\)\]:\([0-9]*\)$/\1:\2/p' "$BATS_FILE_TMPDIR/sd6.log")
	[ -n "$bnd" ]
	assert_line "listener=$bnd"
	assert_line --regexp '^accepted peer=2001:db8::10:[0-9]+ local='"$bnd"'$'
	assert_line "data: hello from the callback"
	run cat "$BATS_FILE_TMPDIR/cb.log"
	assert_output --regexp "connect-to=$bnd\$"
}

@test "BIND on a non-blocking listener: EAGAIN first; poll, select and epoll report it readable when the peer came, and quiet after" {
	for w in nonblock poll select epoll; do
		run timeout 30 "$SOCKSIFY" -s socks5://127.0.0.1:1190 python3 "$CLIENT" --wait "$w" 192.0.2.10 2121
		assert_success
		assert_line "data: hello from the callback"
	done
	run timeout 30 "$SOCKSIFY" -s socks5://127.0.0.1:1190 python3 "$CLIENT" --wait nonblock 192.0.2.10 2121
	assert_line "accept: EAGAIN"
	run timeout 30 "$SOCKSIFY" -s socks5://127.0.0.1:1190 python3 "$CLIENT" --wait poll 192.0.2.10 2121
	assert_line "poll: [(True, True)]"
	assert_line "poll after accept: []"
	run timeout 30 "$SOCKSIFY" -s socks5://127.0.0.1:1190 python3 "$CLIENT" --wait select 192.0.2.10 2121
	assert_line "select: [True]"
	assert_line "select after accept: []"
	run timeout 30 "$SOCKSIFY" -s socks5://127.0.0.1:1190 python3 "$CLIENT" --wait epoll 192.0.2.10 2121
	assert_line "epoll: [(True, True)]"
	assert_line "epoll after accept: []"
}

@test "BIND with a first reply of 0.0.0.0: the listener is announced at the proxy's address" {
	run timeout 30 "$SOCKSIFY" -s socks5://127.0.0.1:1191 python3 "$CLIENT" 192.0.2.10 2121
	assert_success
	assert_line --regexp '^listener=127\.0\.0\.1:[0-9]+$'
	assert_line "data: hello from the callback"
	run proxy_log sdzero
	assert_line --regexp '^v5 BIND .* result=ok bnd=0\.0\.0\.0:[0-9]+$'
}

@test "ordinary listeners on loopback and 0.0.0.0 stay local: no BIND is sent" {
	for on in 127.0.0.1 0.0.0.0; do
		run timeout 30 "$SOCKSIFY" -s socks5://127.0.0.1:1190 python3 "$CLIENT" --listen-on "$on" 192.0.2.10 2121
		assert_success
		assert_line --regexp "^listener=$on:[0-9]+\$"
	done
	run proxy_log sd
	refute_output --partial BIND
}

@test "a refused BIND fails bind() with the mapped errno and a log line" {
	run timeout 30 "$SOCKSIFY" -s socks5://127.0.0.1:1192 python3 "$CLIENT" 192.0.2.10 2121
	assert_failure
	assert_line "bind: EACCES"
	assert_line --regexp 'socksify\[[0-9]+\]: warn: bind: BIND for 192\.0\.2\.10:2121 via socks5://127\.0\.0\.1:1192: .*REP 2'
	run timeout 30 "$SOCKSIFY" -s socks4://127.0.0.1:1194 python3 "$CLIENT" 192.0.2.10 2121
	assert_failure
	assert_line "bind: ECONNREFUSED"
	assert_line --regexp 'warn: bind: BIND for 192\.0\.2\.10:2121 via socks4://127\.0\.0\.1:1194: .*CD 91'
	run proxy_log sdrefuse4
	assert_line 'v4 BIND ip=192.0.2.10:2121 auth=none result=cd91'

}

@test "a second reply that fails makes accept() fail with its errno" {
	run timeout 30 "$SOCKSIFY" -s socks5://127.0.0.1:1193 python3 "$CLIENT" --silent 192.0.2.10 2121
	assert_failure
	assert_line "accept: EHOSTUNREACH"
	assert_line --regexp 'warn: accept: BIND for 192\.0\.2\.10:2121 via socks5://127\.0\.0\.1:1193: '
}

@test "bind_timeout bounds the wait for the peer: ETIMEDOUT, in accept() and in poll, select and epoll" {
	SOCKSIFY_BIND_TIMEOUT=300ms run timeout 30 "$SOCKSIFY" -s socks5://127.0.0.1:1190 python3 "$CLIENT" --silent 192.0.2.10 2121
	assert_failure
	assert_line "accept: ETIMEDOUT"
	SOCKSIFY_BIND_TIMEOUT=300ms run timeout 30 "$SOCKSIFY" -s socks5://127.0.0.1:1190 python3 "$CLIENT" --silent --wait nonblock 192.0.2.10 2121
	assert_line "accept: EAGAIN"
	assert_line "accept: ETIMEDOUT"
	# A program that only waits is woken at the deadline, its listener readable.
	for w in poll select epoll; do
		SOCKSIFY_BIND_TIMEOUT=300ms run timeout 30 "$SOCKSIFY" -s socks5://127.0.0.1:1190 python3 "$CLIENT" --silent --wait "$w" 192.0.2.10 2121
		assert_line --regexp "^$w: \[(True|\(True, True\))\]\$"
		assert_line "accept: ETIMEDOUT"
	done
}

@test "bind off: no BIND, the listener is the kernel's; getsockname still names the proxy's address" {
	SOCKSIFY_BIND=off run timeout 30 "$SOCKSIFY" -s socks5://127.0.0.1:1190 python3 "$CLIENT" 192.0.2.10 2121
	assert_success
	assert_line --regexp "^control local=$PROXY_SRC:[0-9]+ "
	assert_line --regexp "^listener=$PROXY_SRC:[0-9]+\$"
	assert_line "data: hello from the callback"
	run proxy_log sd
	refute_output --partial BIND
}

@test "bind on: a listener on any address but loopback goes through the proxy" {
	SOCKSIFY_BIND=on run timeout 30 "$SOCKSIFY" -s socks5://127.0.0.1:1190 python3 "$CLIENT" --listen-on 0.0.0.0 192.0.2.10 2121
	assert_success
	assert_line "listener=$(bnd_of sd)"
	assert_line "data: hello from the callback"
	SOCKSIFY_BIND=on run timeout 30 "$SOCKSIFY" -s socks5://127.0.0.1:1190 python3 "$CLIENT" --listen-on 127.0.0.1 192.0.2.10 2121
	assert_success
	assert_line --regexp '^listener=127\.0\.0\.1:[0-9]+$'
}

@test "listen() without bind(): bind on sends BIND, strict mode refuses it, auto leaves it local" {
	local prog='
import errno, socket
c = socket.create_connection(("192.0.2.10", 2121))
l = socket.socket()
try:
    l.listen(1)
    print("listener=%s:%d" % l.getsockname()[:2])
except OSError as e:
    print("listen:", errno.errorcode[e.errno])'
	SOCKSIFY_BIND=on run timeout 30 "$SOCKSIFY" -s socks5://127.0.0.1:1190 python3 -c "$prog"
	assert_line "listener=$(bnd_of sd)"
	run timeout 30 "$SOCKSIFY" --strict --isolation off -s socks5://127.0.0.1:1190 python3 -c "$prog"
	assert_line "listen: EACCES"
	run timeout 30 "$SOCKSIFY" -s socks5://127.0.0.1:1190 python3 -c "$prog"
	assert_line --regexp '^listener=0\.0\.0\.0:[0-9]+$'
}

@test "strict mode: a listener a remote peer could reach is refused; loopback and BIND listeners work" {
	run timeout 30 "$SOCKSIFY" --strict --isolation off -s socks5://127.0.0.1:1190 python3 "$CLIENT" --listen-on 192.0.2.11 192.0.2.10 2121
	assert_failure
	assert_line "listen: EACCES"
	assert_line --regexp 'warn: strict mode: refusing to listen on 192\.0\.2\.11:[0-9]+'
	run timeout 30 "$SOCKSIFY" --strict --isolation off -s socks5://127.0.0.1:1190 python3 "$CLIENT" --listen-on 0.0.0.0 192.0.2.10 2121
	assert_line "listen: EACCES"
	run timeout 30 "$SOCKSIFY" --strict --isolation off -s socks5://127.0.0.1:1190 python3 "$CLIENT" --listen-on 127.0.0.1 192.0.2.10 2121
	assert_success
	run timeout 30 "$SOCKSIFY" --strict --isolation off -s socks5://127.0.0.1:1190 python3 "$CLIENT" 192.0.2.10 2121
	assert_success
	assert_line "data: hello from the callback"
}
