#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Routes and failover where one socket or one process meets more than one way: a UDP socket
# whose datagrams are routed to two proxies, and the process tree's memory of a dead proxy
# across fork(), DNS through a failover default, and active FTP's BIND along its control connection's route. Each bundled proxy leaves from its own address, so the target's log names
# the proxy each datagram or connection came through.

load helpers
bats_require_minimum_version 1.5.0

A_SRC=127.0.0.2 # bundled proxy a (the helpers' PROXY_SRC)
B_SRC=127.0.0.6 # bundled proxy b
DEAD=1099       # nothing listens here: refused
WHO=198.51.100.10

setup_file() {
	load helpers
	start_targets
	# a second UDP echo, routed to b
	start_bg echo2 "$B/target" --udp-echo 203.0.113.10:7 --log "$BATS_FILE_TMPDIR/echo2.log"
	start_proxy a 1090
	start_proxy b 1091 --source $B_SRC
	mkdir -p "$BATS_FILE_TMPDIR/root"
	head -c 200000 /dev/urandom >"$BATS_FILE_TMPDIR/root/file.bin"
	: >"$BATS_FILE_TMPDIR/ftp.log"
	: >"$BATS_FILE_TMPDIR/upstream.log"
	start_bg upstream "$B/dnsrec" --listen 192.0.2.11:53 --map web.test=192.0.2.10 \
		--log "$BATS_FILE_TMPDIR/upstream.log"
	start_proxy silent 1094 --silent
	start_bg ftp /usr/bin/python3 "$BATS_TEST_DIRNAME/ftp_server.py" 192.0.2.10 21 \
		"$BATS_FILE_TMPDIR/root" "$BATS_FILE_TMPDIR/ftp.log"
}

teardown_file() {
	stop_all_bg
}

setup() {
	local l
	for l in a b echo2 upstream; do : >"$BATS_FILE_TMPDIR/$l.log"; done
	sx_setup
	CONF=$BATS_TEST_TMPDIR/routes.conf
	printf '%s\n' 'server socks5://127.0.0.1:1090' 'proxy b socks5://127.0.0.1:1091' \
		'route 203.0.113.10 b' >"$CONF"
}

# One socket: a datagram to 192.0.2.10:7 (the default route, a), one to 203.0.113.10:7 (b),
# then one to each again; each line says what became of it.
UDP_TWO_WAYS='
import errno, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
for n, dst in enumerate([("192.0.2.10", 7), ("203.0.113.10", 7), ("192.0.2.10", 7), ("203.0.113.10", 7)]):
    try:
        s.sendto(b"d%d" % n, dst)
        data, addr = s.recvfrom(100)
        print("%d data=%s from=%s:%d" % (n, data.decode(), addr[0], addr[1]))
    except OSError as e:
        print("%d errno=%s" % (n, errno.errorcode[e.errno]))
'

@test "UDP: a socket associated through a, a datagram routed to b gets the UDP policy (block)" {
	mark_target
	run timeout 30 "$SOCKSIFY" -c "$CONF" python3 -c "$UDP_TWO_WAYS"
	assert_line "0 data=d0 from=192.0.2.10:7"
	assert_line --regexp "^1 errno=(EOPNOTSUPP|ENOTSUP)$"
	assert_output --partial "blocked (udp=block)"
	assert_line "2 data=d2 from=192.0.2.10:7"
	# neither b nor a sent anything to 203.0.113.10, nor did anything go there directly
	run cat "$BATS_FILE_TMPDIR/echo2.log"
	refute_output --partial "udp listen"
	run target_since
	assert_line --regexp "^udp listen=192\.0\.2\.10:7 peer=$A_SRC:[0-9]+ len=2$"
	refute_output --partial "peer=192.0.2.10"
}

@test "UDP: with udp=direct the datagram routed to b goes direct, and the socket's next one to a's destination still goes through a" {
	mark_target
	run timeout 30 "$SOCKSIFY" -c "$CONF" --udp direct python3 -c "$UDP_TWO_WAYS"
	assert_line "0 data=d0 from=192.0.2.10:7"
	assert_line "1 data=d1 from=203.0.113.10:7"
	[ "$(grep -c 'sending directly (udp=direct)' <<<"$output")" -eq 1 ]
	run cat "$BATS_FILE_TMPDIR/echo2.log"
	assert_output --regexp "udp listen=203\.0\.113\.10:7 peer=203\.0\.113\.10:[0-9]+ len=2"
	refute_output --partial "peer=127."
	# the third datagram is the default route's: through a, never direct
	run timeout 30 "$SOCKSIFY" -c "$CONF" --udp direct python3 -c "$UDP_TWO_WAYS"
	assert_line "2 data=d2 from=192.0.2.10:7"
	run target_since
	refute_output --partial "peer=192.0.2.10"
	[ "$(grep -c "^udp listen=192\.0\.2\.10:7 peer=$A_SRC:[0-9]* len=2$" <<<"$output")" -eq 4 ]
}

# ---- BIND along the control connection's way -------------------------------------------------

# ftp_through CONF-LINE...: curl -P - and lftp (passive mode off) fetch file.bin from
# 192.0.2.10 with the default route through a and these lines added; the control connection,
# the PORT/EPRT address and the data connection are all b's (pyftpdlib refuses a data
# connection from another address than the control one), and b did the BIND.
ftp_through() {
	printf '%s\n' "$@" >>"$CONF"
	local out=$BATS_TEST_TMPDIR/out.bin client
	for client in curl lftp; do
		: >"$BATS_FILE_TMPDIR/ftp.log"
		: >"$BATS_FILE_TMPDIR/a.log"
		: >"$BATS_FILE_TMPDIR/b.log"
		rm -f "$out"
		if [ $client = curl ]; then
			run timeout 60 "$SOCKSIFY" -c "$CONF" curl -sS -P - -o "$out" ftp://192.0.2.10/file.bin
		else
			run timeout 60 "$SOCKSIFY" -c "$CONF" lftp -e "set ftp:passive-mode off; set net:max-retries 1; get /file.bin -o $out; bye" \
				ftp://anonymous:x@192.0.2.10
		fi
		assert_success
		cmp "$out" "$BATS_FILE_TMPDIR/root/file.bin"
		run cat "$BATS_FILE_TMPDIR/ftp.log"
		assert_line --regexp "^control from=$B_SRC:[0-9]+\$"
		assert_line --regexp "^(PORT ${B_SRC//./,},[0-9]+,[0-9]+|EPRT \\|1\\|$B_SRC\\|[0-9]+\\|)\$"
		assert_line --regexp "^data peer=$B_SRC:[0-9]+ local=192\\.0\\.2\\.10:[0-9]+\$"
		refute_output --partial PASV
		refute_output --partial EPSV
		run proxy_log b
		assert_line --regexp "^v5 BIND ip=192\\.0\\.2\\.10:21 auth=none result=ok bnd="
		run proxy_log a
		assert_output ""
	done
}

@test "active FTP, the control connection routed to a named proxy: the BIND goes through it" {
	# curl (and lftp) run in the helper, out of sx_setup's sight
	[ "${SAN:-}" != 1 ] || skip "curl/lftp do not run under a preloaded ASan runtime"
	ftp_through 'route 192.0.2.10:21 b'
}

@test "active FTP through a failover group whose first member is dead: the BIND goes through the live one" {
	# curl (and lftp) run in the helper, out of sx_setup's sight
	[ "${SAN:-}" != 1 ] || skip "curl/lftp do not run under a preloaded ASan runtime"
	ftp_through 'proxy dead socks5://127.0.0.1:1099' 'group exits failover dead b' \
		'route 192.0.2.10 exits'
}

# ---- DNS through the proxy, the default group's first member dead ---------------------------

# dns_failover FIRST: dns=proxy, the default a failover group FIRST then b: curl's lookup of
# web.test and its connection both go through b, and nothing is asked locally.
dns_failover() {
	: >"$BATS_FILE_TMPDIR/upstream.log"
	: >"$BATS_FILE_TMPDIR/b.log"
	SOCKSIFY_DNS=proxy SOCKSIFY_DNS_SERVER=192.0.2.11 run timeout 60 "$SOCKSIFY" \
		--chain-mode failover -s "$1" -s socks5://127.0.0.1:1091 curl -sS -m 20 http://web.test/
	assert_success
	assert_output --partial "peer=$B_SRC"
	run cat "$BATS_FILE_TMPDIR/upstream.log"
	assert_output --regexp "query proto=tcp from=$B_SRC:[0-9]+ name=web\\.test type=A"
	refute_output --regexp "from=(127\\.0\\.0\\.2|192\\.0\\.2\\.11):"
	run proxy_log b
	assert_line "v5 CONNECT ip=192.0.2.11:53 auth=none result=ok"
	assert_line "v5 CONNECT ip=192.0.2.10:80 auth=none result=ok"
	assert_no_dns_leak
}

@test "dns=proxy with a failover default: the first proxy refuses, the lookup goes through the second" {
	# curl (and lftp) run in the helper, out of sx_setup's sight
	[ "${SAN:-}" != 1 ] || skip "curl/lftp do not run under a preloaded ASan runtime"
	dns_failover socks5://127.0.0.1:$DEAD
}

@test "dns=proxy with a failover default: the first proxy never answers, the lookup goes through the second" {
	# curl (and lftp) run in the helper, out of sx_setup's sight
	[ "${SAN:-}" != 1 ] || skip "curl/lftp do not run under a preloaded ASan runtime"
	SOCKSIFY_HANDSHAKE_TIMEOUT=500ms dns_failover socks5://127.0.0.1:1094
}

# ---- fork(): the tree's memory of a dead proxy -----------------------------------------------

# FORKED ORDER: python connects to whoami through the failover default in the order given
# (parent: the parent before fork(); child: a forked child, waited for; after: the parent
# after the child), each line the peer whoami saw.
FORKED='
import os, socket, sys
def one(who):
    s = socket.create_connection(("198.51.100.10", 80), timeout=20)
    data = b""
    while True:
        d = s.recv(100)
        if not d:
            break
        data += d
    print(who, data.decode().strip())
    sys.stdout.flush()
for step in sys.argv[1:]:
    if step == "child":
        pid = os.fork()
        if pid == 0:
            one("child")
            os._exit(0)
        os.waitpid(pid, 0)
    else:
        one(step)
'

# forked STEP...: FORKED under strace (every connect() recorded), a dead first member.
forked() {
	run timeout 60 strace -f -qq -e trace=connect -o "$BATS_TEST_TMPDIR/st" "$SOCKSIFY" \
		--chain-mode failover -s socks5://127.0.0.1:$DEAD -s socks5://127.0.0.1:1091 \
		python3 -c "$FORKED" "$@"
	assert_success
}

# dead_attempts: how many connect() calls to the dead proxy the last forked run made.
dead_attempts() {
	grep -c "connect(.*htons($DEAD), sin_addr=inet_addr(\"127\.0\.0\.1\")" "$BATS_TEST_TMPDIR/st"
}

@test "fork: a child of the process that marked a proxy dead skips it; a child's own failover teaches its parent" {
	forked parent child
	assert_line "parent peer=$B_SRC"
	assert_line "child peer=$B_SRC"
	assert_equal "$(dead_attempts)" 1
	forked child after
	assert_line "child peer=$B_SRC"
	assert_line "after peer=$B_SRC"
	assert_equal "$(dead_attempts)" 1
}
