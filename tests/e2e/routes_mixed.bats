#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Routes and failover where one socket or one process meets more than one way: a UDP socket
# whose datagrams are routed to two proxies, and the process tree's memory of a dead proxy
# across fork(). Each bundled proxy leaves from its own address, so the target's log names
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
}

teardown_file() {
	stop_all_bg
}

setup() {
	local l
	for l in a b echo2; do : >"$BATS_FILE_TMPDIR/$l.log"; done
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
