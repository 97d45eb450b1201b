#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Leak-proof mode (--strict / SOCKSIFY_STRICT): a battery of real programs, and proof
# from the DNS recorder and the target's log that nothing reached a proxied destination
# except through the proxy.

load helpers

setup_file() {
	load helpers
	start_targets
	start_proxy plain 1080 --map web.test=192.0.2.10 --map echo.test=192.0.2.10 \
		--map who.test=198.51.100.10
	start_proxy noudp 1081 --no-udp --map web.test=192.0.2.10
}

teardown_file() {
	stop_all_bg
}

SOCKET_TRY=$BATS_TEST_DIRNAME/socket_try.py

# Every line the target logged came from the proxy's address (or the test's own
# loopback connections to 127.0.0.1:8080, which are not proxied destinations).
assert_target_saw_only_proxy() {
	run sh -c "grep -v 'listen=127.0.0.1:8080' '$BATS_FILE_TMPDIR/target.log' | grep -v 'peer=$PROXY_SRC:' | grep -v 'peer=\[::1\]:' || true"
	assert_output ""
}

@test "strict: curl, wget, python3 and nc by name with a socks5:// URL: names go to the proxy" {
	S=("$SOCKSIFY" --strict -s socks5://127.0.0.1:1080)
	run "${S[@]}" curl -sS -m 10 http://web.test/
	assert_output "peer=$PROXY_SRC"
	run "${S[@]}" wget -q -O - http://web.test/
	assert_output "peer=$PROXY_SRC"
	run "${S[@]}" python3 -c 'import socket; s = socket.create_connection(("echo.test", 7)); s.sendall(b"hi\n"); print(s.recv(10).decode().strip())'
	assert_output "hi"
	run sh -c "printf 'x\n' | '$SOCKSIFY' --strict -s socks5://127.0.0.1:1080 nc -N web.test 7"
	assert_output "x"
	assert_no_dns_leak
	assert_target_saw_only_proxy
}

@test "strict: UDP goes through the association, and is blocked where the proxy has none" {
	run "$SOCKSIFY" --strict -s socks5://127.0.0.1:1080 python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
s.sendto(b"ping", ("192.0.2.10", 7))
print(s.recvfrom(100)[0].decode())'
	assert_output "ping"
	run "$SOCKSIFY" -q --strict --udp direct -s socks5://127.0.0.1:1081 python3 -c '
import socket, errno
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    s.sendto(b"ping", ("192.0.2.10", 7))
    print("sent")
except OSError as e:
    print(errno.errorcode[e.errno])'
	refute_output "sent"
	assert_target_saw_only_proxy
}

@test "strict: raw and ICMP sockets are refused with EACCES (ping cannot go around the proxy)" {
	run "$SOCKSIFY" --strict -s socks5://127.0.0.1:1080 python3 "$SOCKET_TRY" \
		AF_INET:SOCK_RAW:IPPROTO_ICMP AF_INET:SOCK_DGRAM:IPPROTO_ICMP AF_PACKET:SOCK_RAW:0
	assert_line --index 0 --partial "strict mode: refusing"
	refute_output --partial "created"
	[ "$(echo "$output" | grep -c '^EACCES$')" -eq 3 ]
}

@test "strict: netlink and unix sockets of any type are allowed (ip addr, ss); raw IPv6 and packet sockets are not" {
	S=("$SOCKSIFY" --strict -s socks5://127.0.0.1:1080)
	# Isolated, the program sees its own namespace: loopback and nothing else.
	run "${S[@]}" ip addr
	assert_success
	assert_output --partial "inet 127.0.0.1/8"
	refute_output --partial "192.0.2.10"
	run "${S[@]}" --isolation off ip addr
	assert_output --partial "inet 192.0.2.10/32"
	run "${S[@]}" ss -tan
	assert_success
	assert_line --index 0 --partial "State"
	# nmap looks its route up over netlink, then connects through the proxy.
	: >"$BATS_FILE_TMPDIR/plain.log"
	run "${S[@]}" nmap -n -Pn -sT -p 80 192.0.2.10
	assert_output --partial "80/tcp open"
	run proxy_log plain
	assert_output --partial "v5 CONNECT ip=192.0.2.10:80 auth=none result=ok"
	run "${S[@]}" python3 "$SOCKET_TRY" AF_NETLINK:SOCK_RAW:0 AF_NETLINK:SOCK_DGRAM:0 \
		AF_UNIX:SOCK_RAW:0 AF_UNIX:SOCK_SEQPACKET:0 AF_INET6:SOCK_RAW:IPPROTO_ICMPV6 \
		AF_INET6:SOCK_DGRAM:IPPROTO_ICMPV6 AF_PACKET:SOCK_DGRAM:0
	[ "$(grep -c '^created$' <<<"$output")" -eq 4 ]
	[ "$(grep -c '^EACCES$' <<<"$output")" -eq 3 ]
}

@test "strict: MPTCP (as TCP) and explicit IPPROTO_TCP/IPPROTO_UDP are carried through the proxy" {
	python3 "$SOCKET_TRY" AF_INET:SOCK_STREAM:262 | grep -qx created || skip "no MPTCP in this kernel"
	: >"$BATS_FILE_TMPDIR/plain.log"
	run "$SOCKSIFY" --strict -s socks5://127.0.0.1:1080 python3 -c '
import socket
for proto in (262, socket.IPPROTO_TCP):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, proto)
    s.connect(("198.51.100.10", 80))
    print(s.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL), s.recv(100).decode().strip())
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
s.settimeout(5)
s.sendto(b"ping", ("192.0.2.10", 7))
print(s.recvfrom(100)[0].decode())'
	assert_success
	assert_line --index 0 "262 peer=$PROXY_SRC"
	assert_line --index 1 "6 peer=$PROXY_SRC"
	assert_line --index 2 "ping"
	run proxy_log plain
	[ "$(grep -c 'v5 CONNECT ip=198.51.100.10:80 auth=none result=ok' <<<"$output")" -eq 2 ]
	assert_output --partial "v5 UDP ip=192.0.2.10:7"
	assert_target_saw_only_proxy
}

@test "strict: UDP-Lite and SCTP sockets are refused with EACCES and a log line" {
	run "$SOCKSIFY" --strict -s socks5://127.0.0.1:1080 python3 "$SOCKET_TRY" \
		AF_INET:SOCK_DGRAM:IPPROTO_UDPLITE AF_INET6:SOCK_DGRAM:IPPROTO_UDPLITE \
		AF_INET:SOCK_STREAM:IPPROTO_SCTP AF_INET6:SOCK_SEQPACKET:IPPROTO_SCTP
	assert_line --index 0 --partial "strict mode: refusing a socket of protocol 136 (domain 2, type 2)"
	assert_output --partial "strict mode: refusing a socket of protocol 132 (domain 10, type 5)"
	refute_output --partial "created"
	[ "$(grep -c '^EACCES$' <<<"$output")" -eq 4 ]
}

@test "without strict, UDP-Lite passes with one line at the default log level per process" {
	run env -u SOCKSIFY_LOG "$SOCKSIFY" -s socks5://127.0.0.1:1080 python3 -c '
import socket
for family, addr in ((socket.AF_INET, "192.0.2.10"), (socket.AF_INET6, "2001:db8::10"),
                     (socket.AF_INET, "192.0.2.10")):
    s = socket.socket(family, socket.SOCK_DGRAM, socket.IPPROTO_UDPLITE)
    print("sent", s.sendto(b"x", (addr, 9)))'
	assert_success
	[ "$(grep -c '^sent 1$' <<<"$output")" -eq 3 ]
	[ "$(grep -c '^socksify\[[0-9]*\]: ' <<<"$output")" -eq 1 ]
	assert_line --regexp '^socksify\[[0-9]+\]: error: a socket of protocol 136 \(domain 2, type 2\) bypasses the proxy'
	run env -u SOCKSIFY_LOG "$SOCKSIFY" -q -s socks5://127.0.0.1:1080 python3 -c '
import socket
socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDPLITE)
print("created")'
	assert_output "created"
}

@test "without strict, raw, packet and ICMP sockets are created with one warning per process at the default level" {
	run env -u SOCKSIFY_LOG "$SOCKSIFY" -s socks5://127.0.0.1:1080 python3 -c '
import os, socket
for args in ((socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP),
             (socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP),
             (socket.AF_PACKET, socket.SOCK_RAW, 0)):
    socket.socket(*args)
    print("created")
if os.fork() == 0:
    socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    os._exit(0)
os.wait()'
	assert_success
	[ "$(grep -c '^created$' <<<"$output")" -eq 3 ]
	# One line from the program and one from its forked child, each its own process.
	[ "$(grep -c '^socksify\[[0-9]*\]: ' <<<"$output")" -eq 2 ]
	assert_line --index 0 --regexp '^socksify\[[0-9]+\]: error: a raw/packet/ICMP socket \(domain 2, type 3\) bypasses the proxy'
	[ "$(grep -c 'domain 10, type 3' <<<"$output")" -eq 1 ]
}

@test "without strict, nmap's SYN scan (raw sockets) warns once; with --strict it cannot run" {
	[ "$(id -u)" -eq 0 ] || skip "nmap -sS needs root"
	run env -u SOCKSIFY_LOG "$SOCKSIFY" -s socks5://127.0.0.1:1080 nmap -n -Pn -sS -p 80,81 192.0.2.10
	assert_output --partial "80/tcp"
	[ "$(grep -c '^socksify\[[0-9]*\]: ' <<<"$output")" -eq 1 ]
	assert_output --partial "bypasses the proxy"
	run "$SOCKSIFY" --strict --isolation off -s socks5://127.0.0.1:1080 nmap -n -Pn -sS -p 80 192.0.2.10
	assert_output --partial "strict mode: refusing a raw/packet/ICMP socket"
	refute_output --partial "80/tcp open"
	run "$SOCKSIFY" --strict -s socks5://127.0.0.1:1080 nmap -n -Pn -sS -p 80 192.0.2.10
	refute_output --partial "80/tcp open"
}

@test "strict refuses a socks4:// proxy (it cannot carry names) and dns local" {
	run "$SOCKSIFY" --strict -s socks4://127.0.0.1:1080 true
	assert_failure 2
	assert_output --partial "socks4 cannot carry names"
	run "$SOCKSIFY" --strict --dns local -s socks5://127.0.0.1:1080 true
	assert_failure 2
	assert_output --partial "strict mode: dns local"
}

@test "strict: git, ssh and nc -u reach their targets only through the proxy" {
	S=("$SOCKSIFY" --strict -q -s socks5://127.0.0.1:1080)
	# git's smart-HTTP probe and ssh's banner exchange fail against these targets (a web
	# server and a peer-reporting one); what
	# matters is the path their packets took.
	run "${S[@]}" git ls-remote http://web.test/repo.git
	run "${S[@]}" ssh -o BatchMode=yes -o ConnectTimeout=5 -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -p 80 who.test true
	run sh -c "printf 'udp-hi\n' | '$SOCKSIFY' --strict -s socks5://127.0.0.1:1080 nc -u -w 2 192.0.2.10 7"
	assert_output "udp-hi"
	run proxy_log plain
	assert_output --partial "v5 CONNECT name=web.test:80"
	assert_output --partial "v5 CONNECT name=who.test:80"
	assert_output --partial "v5 UDP ip=192.0.2.10:7"
	assert_no_dns_leak
	assert_target_saw_only_proxy
}

@test "strict: IPv6 and the program's own DNS (dig) take the proxy path too" {
	run "$SOCKSIFY" --strict -s socks5://127.0.0.1:1080 curl -sS -m 10 'http://[2001:db8::10]/'
	assert_output "peer=::1"
	run "$SOCKSIFY" --strict -s socks5://127.0.0.1:1080 sh -c 'a=$(dig +short web.test); echo "$a"; curl -sS -m 10 "http://$a/"'
	assert_line --index 0 --regexp '^198\.1[89]\.'
	assert_line --index 1 "peer=$PROXY_SRC"
	assert_no_dns_leak
	assert_target_saw_only_proxy
}
