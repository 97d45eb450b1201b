#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# UDP through a lazily created SOCKS5 UDP ASSOCIATE: real programs, the bundled proxy's
# relay log and the target's view of the source prove the path; the reported source
# is always the real peer, never the relay.

load helpers

UDP=$BATS_TEST_DIRNAME/udp_client.py

setup_file() {
	load helpers
	start_targets
	start_bg target6 "$B/target" --udp-echo '[2001:db8::10]:7' \
		--log "$BATS_FILE_TMPDIR/target6.log"
	: >"$BATS_FILE_TMPDIR/dns53.log"
	start_bg dns53 "$B/dnsrec" --listen 192.0.2.10:53 --map x.test=192.0.2.11 \
		--log "$BATS_FILE_TMPDIR/dns53.log"
	start_proxy plain 1080
	start_proxy bndzero 1082 --bnd-zero
	start_proxy noudp 1083 --no-udp
	start_proxy names 1084 --map echo.test=192.0.2.10
	start_proxy flood 1085 --udp-flood 100
	start_proxy elsewhere 1086 --bnd-addr 192.0.2.11:4000
}

teardown_file() {
	stop_all_bg
}

via() {
	local port=$1
	shift
	"$SOCKSIFY" -s "socks5://127.0.0.1:$port" "$@"
}

lines() {
	wc -l <"$BATS_FILE_TMPDIR/$1"
}

@test "sendto/recvfrom through the relay reports the real peer as the source" {
	run via 1080 python3 "$UDP" sendto 192.0.2.10 7 hello-udp
	assert_success
	assert_output "data=hello-udp from=192.0.2.10:7"
	run proxy_log plain
	assert_output --partial "v5 UDP_ASSOCIATE"
	assert_output --partial "v5 UDP ip=192.0.2.10:7 len=9"
	run target_log
	assert_output --partial "udp listen=192.0.2.10:7 peer=$PROXY_SRC:"
	refute_output --regexp "udp listen=192.0.2.10:7 peer=(127.0.0.1|192.0.2.10):"
	assert_no_dns_leak
}

@test "a connected UDP socket: getpeername, send/recv and write/read" {
	run via 1080 python3 "$UDP" connected 192.0.2.10 7 conn
	assert_success
	assert_line "peer=192.0.2.10:7"
	assert_line "data=conn"
	assert_line "data=conn-write"
}

@test "recvmsg reports the real peer" {
	run via 1080 python3 "$UDP" recvmsg 192.0.2.10 7 msg
	assert_success
	assert_output "data=msg from=192.0.2.10:7 flags=0"
}

@test "MSG_PEEK, a short buffer and MSG_TRUNC keep their meaning" {
	run via 1080 python3 "$UDP" peek 192.0.2.10 7 hello
	assert_success
	assert_line "peek=hello from=192.0.2.10:7"
	assert_line "short=hel"
	assert_line "trunc=yes"
}

@test "IPv6 destination through the relay" {
	run via 1080 python3 "$UDP" sendto 2001:db8::10 7 hello6
	assert_success
	assert_output "data=hello6 from=[2001:db8::10]:7"
	run proxy_log plain
	assert_output --partial "v5 UDP ip=[2001:db8::10]:7 len=6"
	run cat "$BATS_FILE_TMPDIR/target6.log"
	assert_output --partial "peer=[::1]:"
}

@test "a non-blocking socket with select" {
	run via 1080 python3 "$UDP" nonblock 192.0.2.10 7 nb
	assert_success
	assert_output - <<OUT
data=nb from=192.0.2.10:7
then EAGAIN
OUT
}

@test "a datagram from a non-relay address is never unwrapped: it arrives as it is, from its sender" {
	run via 1080 python3 "$UDP" inject 192.0.2.10 7 real
	assert_success
	assert_output - <<OUT
data=real from=192.0.2.10:7
raw from=injector
OUT
}

@test "a UDP server keeps hearing its loopback client after answering a proxied peer" {
	run via 1080 python3 "$UDP" server 192.0.2.10 7 prox
	assert_success
	assert_output - <<OUT
server got=lo1 client got=lo1-back
proxied=prox from=192.0.2.10:7
server got=lo2 client got=lo2-back
OUT
}

@test "nc -u -l hears a client and answers it (through the relay: the client is not loopback)" {
	timeout 10 "$SOCKSIFY" -s socks5://127.0.0.1:1080 nc -u -l 127.0.0.1 9999 \
		< <(exec 2>/dev/null 3>&-; echo from-server; exec sleep 3) >"$BATS_TEST_TMPDIR/nc.out" 2>/dev/null 3>&- &
	local ncpid=$!
	run python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("192.0.2.11", 0))
s.settimeout(5)
for _ in range(50):  # until nc listens: nothing is refused once it does
    s.sendto(b"from-client\n", ("127.0.0.1", 9999))
    try:
        data, addr = s.recvfrom(100)
        break
    except ConnectionRefusedError:
        time.sleep(0.1)
print("client got=%s" % data.decode().strip())
s.sendto(b"second\n", ("127.0.0.1", 9999))'
	for _ in $(seq 100); do
		grep -q second "$BATS_TEST_TMPDIR/nc.out" && break
		sleep 0.05
	done
	kill "$ncpid" 2>/dev/null || true
	wait "$ncpid" || true
	assert_success
	assert_output "client got=from-server"
	run cat "$BATS_TEST_TMPDIR/nc.out"
	assert_line "from-client"
	assert_line "second"
}

@test "the program closing the control connection (close_range) re-associates" {
	before=$(grep -c UDP_ASSOCIATE "$BATS_FILE_TMPDIR/plain.log")
	run via 1080 python3 "$UDP" reassoc 192.0.2.10 7 again
	assert_success
	assert_line "first=again"
	assert_line "second=again from=192.0.2.10:7"
	[ "$(grep -c UDP_ASSOCIATE "$BATS_FILE_TMPDIR/plain.log")" -eq $((before + 2)) ]
}

@test "a dup'd UDP socket shares the association" {
	before=$(grep -c UDP_ASSOCIATE "$BATS_FILE_TMPDIR/plain.log")
	run via 1080 python3 "$UDP" dup 192.0.2.10 7 twin
	assert_success
	assert_output "dup=twin from=192.0.2.10:7"
	[ "$(grep -c UDP_ASSOCIATE "$BATS_FILE_TMPDIR/plain.log")" -eq $((before + 1)) ]
}

@test "socat UDP echo round trip" {
	run bash -c "echo socat-hi | '$SOCKSIFY' -s socks5://127.0.0.1:1080 socat -T3 - UDP:192.0.2.10:7"
	assert_success
	assert_output "socat-hi"
	run proxy_log plain
	assert_output --partial "v5 UDP ip=192.0.2.10:7 len=9"
}

@test "nc -u echo round trip" {
	run bash -c "echo nc-hi | timeout 5 '$SOCKSIFY' -s socks5://127.0.0.1:1080 nc -u -w2 192.0.2.10 7"
	assert_output "nc-hi"
}

@test "dig @server goes through the relay; the local resolver sees nothing" {
	before=$(lines dns53.log)
	run via 1080 dig @192.0.2.10 -p 53 x.test A +short +tries=1 +time=3
	assert_success
	assert_output "192.0.2.11"
	run proxy_log plain
	assert_output --partial "v5 UDP ip=192.0.2.10:53"
	[ "$(lines dns53.log)" -gt "$before" ]
	assert_no_dns_leak
}

@test "a relay answering BND 0.0.0.0 means the proxy's address" {
	run via 1082 python3 "$UDP" sendto 192.0.2.10 7 zero
	assert_success
	assert_output "data=zero from=192.0.2.10:7"
	run proxy_log bndzero
	assert_output --partial "v5 UDP ip=192.0.2.10:7 len=4"
}

@test "a proxy without UDP: udp=block fails the send and nothing reaches the target" {
	before=$(lines target.log)
	SOCKSIFY_LOG=warn run via 1083 python3 "$UDP" sendto 192.0.2.10 7 blocked
	assert_failure
	assert_line --regexp "^errno=(EOPNOTSUPP|ENOTSUP)$"
	assert_line --partial "blocked (udp=block)"
	[ "$(grep -c 'no UDP association' <<<"$output")" -eq 1 ]
	[ "$(lines target.log)" -eq "$before" ]
	run proxy_log noudp
	assert_output --partial "v5 UDP_ASSOCIATE"
}

@test "a proxy without UDP: --udp direct reaches the target directly" {
	before=$(lines target.log)
	run "$SOCKSIFY" -q --udp direct -s socks5://127.0.0.1:1083 python3 "$UDP" sendto 192.0.2.10 7 direct
	assert_success
	assert_output "data=direct from=192.0.2.10:7"
	run bash -c "tail -n +$((before + 1)) '$BATS_FILE_TMPDIR/target.log'"
	assert_output --partial "udp listen=192.0.2.10:7 peer="
	refute_output --partial "peer=$PROXY_SRC"
}

@test "loopback destinations stay direct" {
	start_bg loecho "$B/target" --udp-echo 127.0.0.1:7007 --log "$BATS_FILE_TMPDIR/loecho.log"
	before=$(grep -c UDP_ASSOCIATE "$BATS_FILE_TMPDIR/plain.log")
	run via 1080 python3 "$UDP" sendto 127.0.0.1 7007 lo
	assert_success
	assert_output "data=lo from=127.0.0.1:7007"
	[ "$(grep -c UDP_ASSOCIATE "$BATS_FILE_TMPDIR/plain.log")" -eq "$before" ]
	stop_bg loecho
}

@test "a name through UDP in remote-DNS mode goes to the relay as a name" {
	run "$SOCKSIFY" -s socks5h://127.0.0.1:1084 python3 "$UDP" connected echo.test 7 byname
	assert_success
	assert_line "data=byname"
	assert_line "data=byname-write"
	run proxy_log names
	assert_output --partial "v5 UDP name=echo.test:7 len=6"
	assert_no_dns_leak
}

@test "a signal handler sending on the socket whose association is being set up sends it through the relay, no hang" {
	start_bg slowudp "$B/socksd" --listen 127.0.0.1:1099 --source "$PROXY_SRC" --delay-ms 400 \
		--log "$BATS_FILE_TMPDIR/slowudp.log"
	run timeout 20 "$SOCKSIFY" -q -s socks5://127.0.0.1:1099 "$B/sig_udp" 192.0.2.10 7
	stop_bg slowudp
	assert_success
	assert_line "handler: sent"
	assert_line "main: sent"
	assert_line "reply: h"
	assert_line "reply: main"
	run cat "$BATS_FILE_TMPDIR/slowudp.log"
	assert_line --partial "v5 UDP ip=192.0.2.10:7 len=1"
	assert_line --partial "v5 UDP ip=192.0.2.10:7 len=4"
}

@test "a SIGALRM handler that siglongjmps out of the association's handshake leaves the socket usable" {
	start_bg slowudp2 "$B/socksd" --listen 127.0.0.1:1098 --source "$PROXY_SRC" --delay-ms 400 \
		--log "$BATS_FILE_TMPDIR/slowudp2.log"
	run timeout 20 "$SOCKSIFY" -q -s socks5://127.0.0.1:1098 "$B/udp_longjmp" --in-send 192.0.2.10 7
	stop_bg slowudp2
	assert_success
	assert_output - <<OUT
jumped
sendto: sent
reply: again
OUT
	run cat "$BATS_FILE_TMPDIR/slowudp2.log"
	assert_line --partial "v5 UDP ip=192.0.2.10:7 len=5"
}

@test "a connected UDP socket keeps its virtual peer across exec (send, recv, getpeername)" {
	run "$SOCKSIFY" -s socks5://127.0.0.1:1080 python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect(("192.0.2.10", 7))
os.set_inheritable(s.fileno(), True)
child = """
import socket, sys
s = socket.socket(fileno=int(sys.argv[1]))
print("peer", "%s:%d" % s.getpeername())
s.send(b"after-exec")
s.settimeout(5)
print("reply", s.recv(100).decode())
"""
os.execvp("python3", ["python3", "-c", child, str(s.fileno())])'
	assert_success
	assert_line "peer 192.0.2.10:7"
	assert_line "reply after-exec"
	run proxy_log plain
	assert_output --partial "v5 UDP ip=192.0.2.10:7 len=10"
	run target_log
	refute_output --regexp "peer=192\.0\.2\.10:[0-9]+ len=10"
}

@test "a child started with the connected UDP socket (fork+exec) sends through the relay too" {
	run "$SOCKSIFY" -s socks5://127.0.0.1:1080 python3 -c '
import socket, subprocess, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect(("192.0.2.10", 7))
child = """
import socket, sys
s = socket.socket(fileno=int(sys.argv[1]))
s.send(b"from-child")
s.settimeout(5)
print("reply", s.recv(100).decode())
"""
subprocess.run(["python3", "-c", child, str(s.fileno())], pass_fds=[s.fileno()], check=True)'
	assert_success
	assert_line "reply from-child"
	run proxy_log plain
	assert_output --partial "v5 UDP ip=192.0.2.10:7 len=10"
	run target_log
	refute_output --regexp "peer=192\.0\.2\.10:[0-9]+ len=10"
}

@test "a SIGALRM handler that siglongjmps out of a blocking recvfrom leaves the shim on (normal and strict)" {
	for mode in "" --strict; do
		before=$(grep -c "CONNECT ip=192.0.2.10:80" "$BATS_FILE_TMPDIR/plain.log" || true)
		run timeout 20 "$SOCKSIFY" -q $mode -s socks5://127.0.0.1:1080 "$B/udp_longjmp" 192.0.2.10 9 80
		assert_success
		assert_line "jumped"
		assert_line "connect: ok"
		[ "$(grep -c "CONNECT ip=192.0.2.10:80" "$BATS_FILE_TMPDIR/plain.log")" -eq $((before + 1)) ]
	done
}

@test "tftp: after a transfer timed out (retransmissions by siglongjmp), the next one still goes through the proxy" {
	mkdir -p "$BATS_TEST_TMPDIR/root"
	echo hello-tftp >"$BATS_TEST_TMPDIR/root/file.txt"
	/usr/sbin/in.tftpd -L -u "$(id -un)" -s "$BATS_TEST_TMPDIR/root" -a 192.0.2.10:69 \
		3>&- &
	local tftpd=$!
	before=$(grep -c "UDP ip=192.0.2.10:69 " "$BATS_FILE_TMPDIR/plain.log" || true)
	cd "$BATS_TEST_TMPDIR"
	# 198.51.100.10 has no TFTP server: two sends one second apart, then "timed out".
	run timeout 30 "$SOCKSIFY" -s socks5://127.0.0.1:1080 tftp 198.51.100.10 <<'CMDS'
rexmt 1
timeout 2
get file.txt
connect 192.0.2.10
get file.txt got.txt
quit
CMDS
	kill "$tftpd"
	wait "$tftpd" || true
	assert_success
	assert_output --partial "Transfer timed out"
	run cat got.txt
	assert_output "hello-tftp"
	[ "$(grep -c "UDP ip=192.0.2.10:69 " "$BATS_FILE_TMPDIR/plain.log")" -eq $((before + 1)) ]
	run proxy_log plain
	assert_output --partial "v5 UDP ip=198.51.100.10:69 len="
}

@test "a reply to a datagram sent to a name comes from the fake address it was sent to" {
	run "$SOCKSIFY" -s socks5h://127.0.0.1:1084 python3 "$UDP" byname echo.test 7 named
	assert_success
	assert_output "data=named from=resolved"
	run proxy_log names
	assert_output --partial "v5 UDP name=echo.test:7 len=5"
	assert_no_dns_leak
}

@test "kdig @name (a nameserver only the proxy can resolve) accepts the answer" {
	before=$(lines dns53.log)
	run timeout 20 "$SOCKSIFY" -s socks5h://127.0.0.1:1084 kdig @echo.test x.test A +short +retry=0 +timeout=3
	assert_success
	assert_output "192.0.2.11"
	[ "$(lines dns53.log)" -gt "$before" ]
	run proxy_log names
	assert_output --partial "v5 UDP name=echo.test:53"
}

@test "name-sourced datagrams the program never asked for are dropped and take no fake-table entry" {
	run "$SOCKSIFY" -s socks5h://127.0.0.1:1085 python3 "$UDP" flood 192.0.2.10 7 real
	assert_success
	assert_line "data=real others=0"
	assert_line --regexp "^new name=[0-9.]+$"
	assert_line "table flood names=0"
}

@test "connect(AF_UNSPEC) dissolves a proxied UDP socket's peer as the kernel does; sendto still goes through the relay" {
	before=$(grep -c UDP_ASSOCIATE "$BATS_FILE_TMPDIR/plain.log" || true)
	run via 1080 python3 "$UDP" disconnect 192.0.2.10 7 unspec
	assert_success
	assert_output - <<OUT
connected got=unspec
disconnect=0 port kept=True
getpeername ENOTCONN
send EDESTADDRREQ
sendto got=unspec from=192.0.2.10:7
OUT
	[ "$(grep -c UDP_ASSOCIATE "$BATS_FILE_TMPDIR/plain.log")" -eq $((before + 1)) ]
	# A socket the kernel has connected (to a direct peer) keeps its port too.
	KERNEL_PEER=1 run via 1080 python3 "$UDP" disconnect 192.0.2.10 7 unspec
	assert_success
	assert_output - <<OUT
connected got=nothing, as the kernel filters
disconnect=0 port kept=True
getpeername ENOTCONN
send EDESTADDRREQ
sendto got=unspec from=192.0.2.10:7
OUT
}

@test "a relay on another host than the proxy is refused in strict mode (EACCES), warned about otherwise" {
	send='import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    s.sendto(b"x", ("192.0.2.10", 7))
    print("sent")
except OSError as e:
    print("errno", e.errno)'
	SOCKSIFY_LOG=warn run "$SOCKSIFY" --strict -s socks5://127.0.0.1:1086 python3 -c "$send"
	assert_line "errno 13"
	assert_line --partial "relay 192.0.2.11:4000 is not on the proxy's host 127.0.0.1: refused (strict mode)"
	SOCKSIFY_LOG=warn run "$SOCKSIFY" -s socks5://127.0.0.1:1086 python3 -c "$send"
	assert_line "sent"
	assert_line --partial "relay 192.0.2.11:4000 is not on the proxy's host 127.0.0.1"
	run proxy_log elsewhere
	[ "$(grep -c "UDP_ASSOCIATE" <<<"$output")" -eq 2 ]
}

@test "MSG_FASTOPEN on a UDP sendto/sendmsg (ignored by the kernel) still goes through the relay" {
	# The kernel's own behaviour, without the shim: the flag is ignored for UDP.
	run "$B/udp_fastopen" 192.0.2.10 7
	assert_success
	assert_output - <<OUT
sendto: sent
reply: fo-sendto from 192.0.2.10:7
sendmsg: sent
reply: fo-sendmsg from 192.0.2.10:7
OUT
	for mode in "" --strict; do
		before=$(lines target.log)
		run "$SOCKSIFY" $mode -s socks5://127.0.0.1:1080 "$B/udp_fastopen" 192.0.2.10 7
		assert_success
		assert_output - <<OUT
sendto: sent
reply: fo-sendto from 192.0.2.10:7
sendmsg: sent
reply: fo-sendmsg from 192.0.2.10:7
OUT
		run bash -c "tail -n +$((before + 1)) '$BATS_FILE_TMPDIR/target.log'"
		assert_line --regexp "peer=$PROXY_SRC:[0-9]+ len=9$"
		assert_line --regexp "peer=$PROXY_SRC:[0-9]+ len=10$"
		refute_output --partial "peer=192.0.2.10:"
	done
}

@test "threads racing on a socket's first datagram share one association (the handshake holds no lock)" {
	start_bg slowudp3 "$B/socksd" --listen 127.0.0.1:1097 --source "$PROXY_SRC" --delay-ms 300 \
		--log "$BATS_FILE_TMPDIR/slowudp3.log"
	run timeout 20 "$SOCKSIFY" -q -s socks5://127.0.0.1:1097 python3 -c '
import socket, threading
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
go = threading.Barrier(8)
def send(i):
    go.wait()
    s.sendto(b"t%d" % i, ("192.0.2.10", 7))
ts = [threading.Thread(target=send, args=(i,)) for i in range(8)]
[t.start() for t in ts]
[t.join() for t in ts]
print(sorted(s.recv(10).decode() for _ in range(8)))'
	stop_bg slowudp3
	assert_success
	assert_output "['t0', 't1', 't2', 't3', 't4', 't5', 't6', 't7']"
	[ "$(grep -c UDP_ASSOCIATE "$BATS_FILE_TMPDIR/slowudp3.log")" -eq 1 ]
}
