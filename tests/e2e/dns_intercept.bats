#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# DNS that programs send themselves to the system nameserver (dig, host, nslookup, raw
# sockets, node's c-ares): answered by the shim, never by the recorder on 127.0.0.53.

load helpers

setup_file() {
	load helpers
	start_targets
	start_proxy plain 1080 --map web.test=192.0.2.10
	: >"$BATS_FILE_TMPDIR/upstream.log"
	start_bg upstream "$B/dnsrec" --listen 192.0.2.11:53 --mx mail.test=mx.mail.test \
		--map mx.mail.test=192.0.2.10 --log "$BATS_FILE_TMPDIR/upstream.log"
}

teardown_file() {
	stop_all_bg
}

setup() {
	: >"$SX_DNSREC_LOG"
	: >"$BATS_FILE_TMPDIR/upstream.log"
	sx_setup
}

S5H=socks5h://127.0.0.1:1080
FAKE4='198\.1[89]\.[0-9]+\.[0-9]+'
DIG=(dig +tries=1 +time=3)

# python3 helpers: build a query, and check a reply against it.
PYQ='
import socket, select, struct, sys
def query(name, qtype=1, qid=0x1234, extra=b""):
    q = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    for l in name.split("."):
        q += bytes([len(l)]) + l.encode()
    return q + b"\0" + struct.pack(">HH", qtype, 1) + extra
def wait(s, t=3):
    r, _, _ = select.select([s], [], [], t)
    return bool(r)
def addr(reply):
    return socket.inet_ntoa(reply[-4:])
'

@test "dig, then curl to its answer, through the proxy, nothing asked locally" {
	run "$SOCKSIFY" -s "$S5H" sh -c "a=\$(${DIG[*]} +short web.test) && echo \"A=\$a\" &&
		curl -sS -m 10 http://\$a/"
	assert_success
	assert_line --index 0 --regexp "^A=$FAKE4\$"
	assert_line --index 1 "peer=$PROXY_SRC"
	run proxy_log plain
	assert_output --partial "v5 CONNECT name=web.test:80 auth=none result=ok"
	assert_no_dns_leak
}

@test "dig +tcp gets the fake answer over its own TCP connection" {
	run "$SOCKSIFY" -s "$S5H" sh -c "a=\$(${DIG[*]} +tcp +short web.test) && echo \"A=\$a\" &&
		curl -sS -m 10 http://\$a/"
	assert_success
	assert_line --index 0 --regexp "^A=$FAKE4\$"
	assert_line --index 1 "peer=$PROXY_SRC"
	run "$SOCKSIFY" -s "$S5H" "${DIG[@]}" +tcp web.test AAAA
	assert_output --partial "status: NOERROR"
	assert_output --regexp "web\.test\.[[:space:]]+60[[:space:]]+IN[[:space:]]+AAAA[[:space:]]+fd9a:5f0c:4b2d:ffff::"
	assert_output --partial "SERVER: 127.0.0.53#53(127.0.0.53) (TCP)"
	assert_no_dns_leak
}

@test "host and nslookup" {
	run "$SOCKSIFY" -s "$S5H" sh -c 'host -t A web.test; nslookup web.test'
	assert_line --regexp "^web\.test has address $FAKE4\$"
	assert_line --regexp "^Address: $FAKE4\$"
	assert_line "Server:		127.0.0.53"
	assert_no_dns_leak
}

@test "dig -x of a fake address names it" {
	run "$SOCKSIFY" -s "$S5H" sh -c "a=\$(${DIG[*]} +short web.test) && ${DIG[*]} +short -x \$a"
	assert_success
	assert_output "web.test."
	assert_no_dns_leak
}

@test "python: a raw UDP query (sendto, select, recvfrom) is answered from the nameserver" {
	run "$SOCKSIFY" -s "$S5H" python3 -c "$PYQ
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
q = query('web.test', qid=0xbeef)
print(s.sendto(q, ('127.0.0.53', 53)) == len(q))
print(wait(s))
r, src = s.recvfrom(4096)
print(src)
print(hex(struct.unpack('>H', r[:2])[0]), r[12:len(q)] == q[12:], r[3] & 15)
print(addr(r))"
	assert_success
	assert_line --index 0 "True"
	assert_line --index 1 "True"
	assert_line --index 2 "('127.0.0.53', 53)"
	assert_line --index 3 "0xbeef True 0"
	assert_line --index 4 --regexp "^$FAKE4\$"
	assert_no_dns_leak
}

@test "python: a connected UDP socket (connect, send, recv, getpeername)" {
	run "$SOCKSIFY" -s "$S5H" python3 -c "$PYQ
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect(('127.0.0.53', 53))
print(s.getpeername())
s.send(query('web.test', qid=7))
s.settimeout(3)
r = s.recv(4096)
print(struct.unpack('>H', r[:2])[0], addr(r))
s.setblocking(False)
s.send(query('web.test', qid=8))
print(wait(s), struct.unpack('>H', s.recv(4096)[:2])[0])"
	assert_success
	assert_line --index 0 "('127.0.0.53', 53)"
	assert_line --index 1 --regexp "^7 $FAKE4\$"
	assert_line --index 2 "True 8"
	assert_no_dns_leak
}

@test "python: TCP to the nameserver, non-blocking, split and pipelined writes" {
	run "$SOCKSIFY" -s "$S5H" python3 -c "$PYQ
import errno
def framed(q):
    return struct.pack('>H', len(q)) + q
def read_reply(s):
    s.settimeout(3)
    n = struct.unpack('>H', s.recv(2, socket.MSG_WAITALL))[0]
    return s.recv(n, socket.MSG_WAITALL)
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setblocking(False)
print(errno.errorcode.get(s.connect_ex(('127.0.0.53', 53)), 'ok'))
_, w, _ = select.select([], [s], [], 3)
print(bool(w), s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR), s.getpeername())
q = framed(query('web.test', qid=21))
s.send(q[:1])
print('half', wait(s, 0.3))
s.send(q[1:])
print(struct.unpack('>H', read_reply(s)[:2])[0])
s.sendall(framed(query('web.test', qid=22)) + framed(query('web.test', 28, qid=23)))
print(struct.unpack('>H', read_reply(s)[:2])[0], struct.unpack('>H', read_reply(s)[:2])[0])
s2 = socket.fromfd(s.fileno(), socket.AF_INET, socket.SOCK_STREAM)  # dup
s.close()
s2.sendall(framed(query('web.test', qid=24)))
print(struct.unpack('>H', read_reply(s2)[:2])[0])"
	assert_success
	assert_line --index 0 --regexp "^(EINPROGRESS|ok)\$"
	assert_line --index 1 "True 0 ('127.0.0.53', 53)"
	assert_line --index 2 "half False"
	assert_line --index 3 "21"
	assert_line --index 4 "22 23"
	assert_line --index 5 "24"
	assert_no_dns_leak
}

@test "node: dns.resolve4 and resolve6, then net.connect to the answer" {
	command -v node >/dev/null || skip "node is not installed"
	run "$SOCKSIFY" -s "$S5H" node -e '
const dns = require("dns"), net = require("net");
dns.resolve6("web.test", (e6, a6) => {
  if (e6) { console.log("resolve6", e6.code); process.exit(1); }
  console.log("AAAA", a6[0]);
  dns.resolve4("web.test", (e, a) => {
    if (e) { console.log("resolve4", e.code); process.exit(1); }
    console.log("A", a[0]);
    const s = net.connect(80, a[0], () => s.write("GET / HTTP/1.0\r\n\r\n"));
    let d = ""; s.on("data", c => d += c);
    s.on("end", () => console.log(d.split("\r\n\r\n").pop().trim()));
  });
});'
	assert_success
	assert_line --index 0 --regexp '^AAAA fd9a:5f0c:4b2d:ffff::'
	assert_line --index 1 --regexp "^A $FAKE4\$"
	assert_line --index 2 "peer=$PROXY_SRC"
	assert_no_dns_leak
}

@test "MX is forwarded through the proxy to the upstream DNS server" {
	SOCKSIFY_DNS_SERVER=192.0.2.11 run "$SOCKSIFY" -s "$S5H" "${DIG[@]}" +short MX mail.test
	assert_success
	assert_output --regexp "^[0-9]+ mx\.mail\.test\.\$"
	run proxy_log plain
	assert_output --partial "v5 CONNECT ip=192.0.2.11:53 auth=none result=ok"
	run cat "$BATS_FILE_TMPDIR/upstream.log"
	assert_output --regexp "query proto=tcp from=127\.0\.0\.2:[0-9]+ name=mail\.test type=MX"
	# over TCP too
	SOCKSIFY_DNS_SERVER=192.0.2.11 run "$SOCKSIFY" -s "$S5H" "${DIG[@]}" +tcp +short MX mail.test
	assert_output --regexp "^[0-9]+ mx\.mail\.test\.\$"
	assert_no_dns_leak
}

@test "MX without an upstream is REFUSED with one log line" {
	run "$SOCKSIFY" -s "$S5H" "${DIG[@]}" MX mail.test
	assert_output --partial "status: REFUSED"
	assert_line --partial "no upstream DNS server"
	assert_no_dns_leak
}

@test "dns=proxy: A questions too are forwarded to the upstream through the proxy" {
	SOCKSIFY_DNS_SERVER=192.0.2.11 run "$SOCKSIFY" -s "$S5H" --dns proxy "${DIG[@]}" +short \
		mx.mail.test
	assert_success
	assert_output "192.0.2.10"
	run cat "$BATS_FILE_TMPDIR/upstream.log"
	assert_output --partial "name=mx.mail.test type=A"
	assert_no_dns_leak
}

@test "localhost and /etc/hosts names are answered from the file; bypass-listed names go to the system nameserver" {
	local mode
	for mode in "" "--strict --isolation off"; do # isolated, the bypass list is unreachable
		: >"$SX_DNSREC_LOG"
		run "$SOCKSIFY" $mode -s "$S5H" --bypass .bypass.test sh -c "
			${DIG[*]} +short hosts.test; ${DIG[*]} +short hosts.test.;
			${DIG[*]} +short +tcp localhost; ${DIG[*]} +short foo.localhost;
			${DIG[*]} AAAA hosts.test | grep -oE 'status: [A-Z]+|ANSWER: [0-9]+' | paste -sd' ';
			${DIG[*]} MX hosts.test | grep -oE 'status: [A-Z]+|ANSWER: [0-9]+' | paste -sd' ';
			${DIG[*]} www.bypass.test | grep -o 'SERVER: [^ ]*'"
		refute_output --partial "timed out"
		assert_line --index 0 "192.0.2.10"
		assert_line --index 1 "192.0.2.10"
		assert_line --index 2 "127.0.0.1"
		assert_line --index 3 "127.0.0.1"
		# AAAA for an IPv4-only entry and MX: no such records, not a question for DNS
		assert_line --index 4 "status: NOERROR ANSWER: 0"
		assert_line --index 5 "status: NOERROR ANSWER: 0"
		assert_line --index 6 "SERVER: 127.0.0.53#53(127.0.0.53)"
		run dns_queries
		refute_output --partial "hosts.test"
		refute_output --partial "localhost"
		assert_output --partial "name=www.bypass.test"
	done
}

@test "malformed, oversized and two-question queries: FORMERR or nothing, then a good answer" {
	run "$SOCKSIFY" -s "$S5H" python3 -c "$PYQ
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
ns = ('127.0.0.53', 53)
s.sendto(b'\x12\x34\x01', ns)                         # too short: no reply
print('short', wait(s, 0.5))
two = query('web.test', qid=2)
two = two[:5] + b'\x02' + two[6:] + two[12:]          # QDCOUNT=2
s.sendto(two, ns)
print('two', wait(s) and s.recv(4096)[3] & 15)
s.sendto(query('web.test', qid=3)[:-3], ns)           # truncated question
print('cut', wait(s) and s.recv(4096)[3] & 15)
big = query('web.test', qid=4) + bytes(60000)         # oversized: trailing bytes
s.sendto(big, ns)
if wait(s):
    r = s.recv(65536); print('big', struct.unpack('>H', r[:2])[0], r[3] & 15)
else:
    print('big', None)
s.sendto(query('web.test', qid=5), ns)
print('good', wait(s) and addr(s.recv(4096)))"
	assert_success
	assert_line --index 0 "short False"
	assert_line --index 1 "two 1"
	assert_line --index 2 "cut 1"
	assert_line --index 3 --regexp "^big (None|4 [0-9]+)\$"
	assert_line --index 4 --regexp "^good $FAKE4\$"
	assert_no_dns_leak
}

@test "dns local: interception is off and the system nameserver sees the query" {
	run "$SOCKSIFY" -s "$S5H" --dns local "${DIG[@]}" +short web.test
	run dns_queries
	assert_output --partial "name=web.test type=A"
}

@test "SOCKSIFY_DNS_INTERCEPT adds nameservers, IPv4 and IPv6, over UDP and TCP" {
	export SOCKSIFY_DNS_INTERCEPT="127.0.0.1, ::1"
	run "$SOCKSIFY" -s "$S5H" sh -c "${DIG[*]} +short @127.0.0.1 web.test;
		${DIG[*]} +short @::1 web.test; ${DIG[*]} +short +tcp @::1 web.test AAAA"
	assert_success
	assert_line --index 0 --regexp "^$FAKE4\$"
	assert_line --index 1 --regexp "^$FAKE4\$"
	assert_line --index 2 --regexp '^fd9a:5f0c:4b2d:ffff::'
	assert_no_dns_leak
}
