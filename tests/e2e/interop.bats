#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Interop: build/socksify against SOCKS servers we did not write (dante-server, microsocks,
# OpenSSH's ssh -D), started inside the namespace. The same core cases for each server.
#
# Not covered: dante with `socksmethod: username` checks system users (passwd/PAM), and
# these tests create no system user, so dante is tested without auth only. UDP to a name
# (ATYP 03) through dante: dante would resolve it with its own resolver, i.e. the
# namespace's DNS recorder, and names it can find in /etc/hosts the shim resolves
# locally; the bundled proxy's --map covers that case in udp.bats.

load helpers
load interop_helpers

DANTE_SRC=127.0.0.3 # dante's `external:` address
MS_SRC=127.0.0.4    # microsocks -b
DANTE_SRC6=2001:db8::11 # dante's IPv6 `external:` address
ERRNO=$BATS_TEST_DIRNAME/errno_client.py
UDP=$BATS_TEST_DIRNAME/udp_client.py

setup_file() {
	load helpers
	load interop_helpers
	start_targets
	start_bg target6 "$B/target" --udp-echo '[2001:db8::10]:7' \
		--log "$BATS_FILE_TMPDIR/target6.log"
	start_bg target11 "$B/target" --udp-echo 192.0.2.11:7 --log "$BATS_FILE_TMPDIR/target11.log"
	: >"$BATS_FILE_TMPDIR/dns53.log"
	start_bg dns53 "$B/dnsrec" --listen 192.0.2.10:53 --map x.test=192.0.2.11 \
		--log "$BATS_FILE_TMPDIR/dns53.log"
	# Each server records why it failed to start; its own tests then fail with that.
	printf '127.0.0.1 localhost\n192.0.2.10 dante-only.test\n' >"$BATS_FILE_TMPDIR/dante-hosts"
	DANTE_HOSTS=$BATS_FILE_TMPDIR/dante-hosts start_danted danteh 1089 127.0.0.3 || true
	start_danted dante 1085 127.0.0.3 2001:db8::11 || true
	start_microsocks ms 1086 127.0.0.4 || true
	start_microsocks msauth 1087 127.0.0.4 -u alice -P s3cret || true
	start_ssh_socks ssh 1088 2222 || true
}

teardown_file() {
	stop_all_bg
}

# ---- dante-server (SOCKS4, SOCKS4a, SOCKS5) ---------------------------------------------

@test "dante: curl over socks5, socks5h, socks4 and socks4a; the target sees dante's address" {
	ix_need dante
	for scheme in socks5 socks5h socks4 socks4a; do
		run "$SOCKSIFY" -s "$scheme://127.0.0.1:1085" curl -sS -m 10 http://192.0.2.10/
		assert_success
		assert_output "peer=$DANTE_SRC"
	done
	run cat "$BATS_FILE_TMPDIR/dante.log"
	assert_output --regexp "pass\(1\): tcp/connect \[: 127\.0\.0\.1\.[0-9]+ 127\.0\.0\.1\.1085 -> 127\.0\.0\.3\.[0-9]+ 192\.0\.2\.10\.80"
}

@test "dante: python3 blocking and non-blocking connect; getpeername names the destination" {
	ix_need dante
	run "$SOCKSIFY" -s socks5://127.0.0.1:1085 python3 "$ERRNO" --peer 198.51.100.10 80
	assert_success
	assert_line "peer=198.51.100.10:80"
	assert_line "ok peer=$DANTE_SRC"
	run "$SOCKSIFY" -s socks4://127.0.0.1:1085 python3 "$ERRNO" --nonblocking --peer 198.51.100.10 80
	assert_success
	assert_line "peer=198.51.100.10:80"
	assert_line "ok peer=$DANTE_SRC"
}

@test "dante: a banner sent right after the SOCKS reply arrives intact" {
	ix_need dante
	run "$SOCKSIFY" -s socks5://127.0.0.1:1085 python3 "$ERRNO" 192.0.2.10 25
	assert_success
	assert_output "ok 220 banner.test ESMTP ready"
	run "$SOCKSIFY" -s socks4://127.0.0.1:1085 python3 "$ERRNO" 192.0.2.10 25
	assert_output "ok 220 banner.test ESMTP ready"
}

@test "dante: a refused destination is REP 5 / CD 91 and gives ECONNREFUSED" {
	ix_need dante
	# Dante answers REP 05 with its real bound address, then resets; SOCKS4: CD 91 (0x5b).
	run raw_probe 5 1085 192.0.2.10 9
	assert_output "method=0500 reply=0505 bnd=$DANTE_SRC"
	run raw_probe 4 1085 192.0.2.10 9
	assert_output "reply=005b"
	run "$SOCKSIFY" -q -s socks5://127.0.0.1:1085 python3 "$ERRNO" 192.0.2.10 9
	assert_output "errno=ECONNREFUSED"
	run "$SOCKSIFY" -q -s socks4://127.0.0.1:1085 python3 "$ERRNO" --nonblocking 192.0.2.10 9
	assert_output "errno=ECONNREFUSED"
	run cat "$BATS_FILE_TMPDIR/dante.log"
	assert_output --partial "192.0.2.10.9 -> 0: remote peer error (Connection refused)"
}

# ---- microsocks (SOCKS5 only, RFC 1929) -------------------------------------------------

@test "microsocks: curl over socks5 and socks5h; the target sees microsocks' bind address" {
	ix_need ms
	for scheme in socks5 socks5h; do
		run "$SOCKSIFY" -s "$scheme://127.0.0.1:1086" curl -sS -m 10 http://192.0.2.10/
		assert_success
		assert_output "peer=$MS_SRC"
	done
}

@test "microsocks: python3 blocking and non-blocking connect, and the banner" {
	ix_need ms
	run "$SOCKSIFY" -s socks5://127.0.0.1:1086 python3 "$ERRNO" --peer 198.51.100.10 80
	assert_success
	assert_line "peer=198.51.100.10:80"
	assert_line "ok peer=$MS_SRC"
	run "$SOCKSIFY" -s socks5://127.0.0.1:1086 python3 "$ERRNO" --nonblocking 198.51.100.10 80
	assert_success
	assert_output "ok peer=$MS_SRC"
	run "$SOCKSIFY" -s socks5://127.0.0.1:1086 python3 "$ERRNO" 192.0.2.10 25
	assert_success
	assert_output "ok 220 banner.test ESMTP ready"
}

@test "microsocks: a refused destination is REP 5 and gives ECONNREFUSED" {
	ix_need ms
	# microsocks always replies BND 0.0.0.0:0, and closes after a failure.
	run raw_probe 5 1086 192.0.2.10 9
	assert_output "method=0500 reply=0505 bnd=0.0.0.0"
	run "$SOCKSIFY" -q -s socks5://127.0.0.1:1086 python3 "$ERRNO" 192.0.2.10 9
	assert_output "errno=ECONNREFUSED"
	run "$SOCKSIFY" -q -s socks5://127.0.0.1:1086 python3 "$ERRNO" --nonblocking 192.0.2.10 9
	assert_output "errno=ECONNREFUSED"
}

@test "microsocks: SOCKS4 is not spoken; its reply 05 ff is malformed for us: EPROTO" {
	ix_need ms
	# microsocks reads any request as SOCKS5 and answers "no acceptable method".
	run raw_probe 4 1086 192.0.2.10 80
	assert_output "reply=05ff"
	before=$(target_log | wc -l)
	run "$SOCKSIFY" -q -s socks4://127.0.0.1:1086 python3 "$ERRNO" 198.51.100.10 80
	assert_output "errno=EPROTO"
	[ "$(target_log | wc -l)" -eq "$before" ]
}

@test "microsocks -u/-P: username and password from the URL and from -u" {
	ix_need msauth
	# RFC 1929: microsocks answers with the correct sub-negotiation version 01.
	run raw_probe 5 1087 192.0.2.10 80 alice:s3cret
	assert_output "method=0502 auth=0100 reply=0500 bnd=0.0.0.0"
	run "$SOCKSIFY" -s socks5://alice:s3cret@127.0.0.1:1087 curl -sS -m 10 http://192.0.2.10/
	assert_success
	assert_output "peer=$MS_SRC"
	SOCKS_PASSWORD=s3cret run "$SOCKSIFY" -u alice -s socks5://127.0.0.1:1087 \
		python3 "$ERRNO" --peer 198.51.100.10 80
	assert_success
	assert_line "peer=198.51.100.10:80"
	assert_line "ok peer=$MS_SRC"
	run "$SOCKSIFY" -s socks5://alice:s3cret@127.0.0.1:1087 python3 "$ERRNO" 192.0.2.10 25
	assert_output "ok 220 banner.test ESMTP ready"
	run "$SOCKSIFY" -q -s socks5://alice:s3cret@127.0.0.1:1087 python3 "$ERRNO" 192.0.2.10 9
	assert_output "errno=ECONNREFUSED"
}

@test "microsocks -u/-P: a wrong password and no credentials give EACCES, no direct connection" {
	ix_need msauth
	# A wrong password: status 02 then close. No credentials offered: method FF.
	run raw_probe 5 1087 192.0.2.10 80 alice:wrong
	assert_output "method=0502 auth=0102"
	run raw_probe 5 1087 192.0.2.10 80
	assert_output "method=05ff"
	before=$(target_log | wc -l)
	run "$SOCKSIFY" -q -s socks5://alice:wrong@127.0.0.1:1087 python3 "$ERRNO" 198.51.100.10 80
	assert_output "errno=EACCES"
	run "$SOCKSIFY" -q -s socks5://127.0.0.1:1087 python3 "$ERRNO" 198.51.100.10 80
	assert_output "errno=EACCES"
	[ "$(target_log | wc -l)" -eq "$before" ]
}

# ---- OpenSSH ssh -D (SOCKS4, SOCKS4a, SOCKS5, no auth) ----------------------------------
# sshd connects out from the kernel's default source, which for these on-lo targets is the
# target's own address, the same as a direct connection would show; so sshd's debug log
# (one direct-tcpip request per proxied connection) proves the path here.

SSHD_OUT=ssh-sshd.out

@test "ssh -D: curl over socks5, socks5h, socks4 and socks4a goes through sshd" {
	ix_need ssh
	for scheme in socks5 socks5h socks4 socks4a; do
		mark sshd "$BATS_FILE_TMPDIR/$SSHD_OUT"
		run "$SOCKSIFY" -s "$scheme://127.0.0.1:1088" curl -sS -m 10 http://192.0.2.10/
		assert_success
		assert_output "peer=192.0.2.10"
		run since sshd "$BATS_FILE_TMPDIR/$SSHD_OUT"
		assert_line --regexp "server_request_direct_tcpip: originator 127\.0\.0\.1 port [0-9]+, target 192\.0\.2\.10 port 80$"
	done
}

@test "ssh -D: python3 blocking and non-blocking connect, an IPv6 destination, and the banner" {
	ix_need ssh
	mark sshd "$BATS_FILE_TMPDIR/$SSHD_OUT"
	run "$SOCKSIFY" -s socks5://127.0.0.1:1088 python3 "$ERRNO" --peer 198.51.100.10 80
	assert_success
	assert_line "peer=198.51.100.10:80"
	assert_line "ok peer=198.51.100.10"
	run "$SOCKSIFY" -s socks5://127.0.0.1:1088 python3 "$ERRNO" --nonblocking 198.51.100.10 80
	assert_success
	assert_output "ok peer=198.51.100.10"
	run "$SOCKSIFY" -s socks5://127.0.0.1:1088 curl -sS -m 10 'http://[2001:db8::10]/'
	assert_success
	assert_output "peer=2001:db8::10"
	run "$SOCKSIFY" -s socks4a://127.0.0.1:1088 python3 "$ERRNO" 192.0.2.10 25
	assert_success
	assert_output "ok 220 banner.test ESMTP ready"
	run since sshd "$BATS_FILE_TMPDIR/$SSHD_OUT"
	assert_equal "$(grep -c 'target 198\.51\.100\.10 port 80$' <<<"$output")" 2
	assert_line --partial "target 2001:db8::10 port 80"
	assert_line --partial "target 192.0.2.10 port 25"
}

@test "ssh -D: a refused destination gets no SOCKS reply at all; we say ECONNRESET" {
	ix_need ssh
	mark sshd "$BATS_FILE_TMPDIR/$SSHD_OUT"
	# OpenSSH (9.2) waits for the channel open and, when it fails, closes the SOCKS
	# connection without any reply, for SOCKS4 and SOCKS5 alike: "closed mid-handshake".
	run raw_probe 5 1088 192.0.2.10 9
	assert_output "method=0500 reply=eof"
	run raw_probe 4 1088 192.0.2.10 9
	assert_output "reply=eof"
	run "$SOCKSIFY" -q -s socks5://127.0.0.1:1088 python3 "$ERRNO" 192.0.2.10 9
	assert_output "errno=ECONNRESET"
	run "$SOCKSIFY" -q -s socks4://127.0.0.1:1088 python3 "$ERRNO" --nonblocking 192.0.2.10 9
	assert_output "errno=ECONNRESET"
	run since sshd "$BATS_FILE_TMPDIR/$SSHD_OUT"
	# 2 probes, then the shim's socks5 run twice: pipeline auto's first handshake with a
	# proxy it does not know is pipelined, and a close after the greeting's reply may be a
	# refusal of the pipelined bytes, so it is retried unpipelined; then socks4 once.
	assert_equal "$(grep -c '^connect_to 192\.0\.2\.10 port 9: failed\.$' <<<"$output")" 5
}

@test "no DNS query left the namespace's programs during this suite" {
	assert_no_dns_leak
}

# ---- pipelined handshakes (greeting, auth and request in one write) ---------------------
# Which servers take it is measured here: a refusal shows as the shim's info line
# "refused a pipelined handshake", after which it retries at once without pipelining.

pipeline_probe() { # URL EXPECTED_PEER -> sets $output to the run's output
	SOCKSIFY_PIPELINE=on run "$SOCKSIFY" -vv -s "$1" python3 "$ERRNO" 198.51.100.10 80
	assert_line "ok peer=$2"
}

@test "pipelining: dante-server takes it" {
	ix_need dante
	pipeline_probe socks5://127.0.0.1:1085 "$DANTE_SRC"
	refute_output --partial "refused a pipelined handshake"
}

@test "pipelining: microsocks does not (it drops what follows the greeting); the fallback recovers" {
	ix_need ms
	SOCKSIFY_HANDSHAKE_TIMEOUT=1s pipeline_probe socks5://127.0.0.1:1086 127.0.0.4
	assert_output --partial "refused a pipelined handshake (Connection timed out)"
}

@test "pipelining: OpenSSH's ssh -D takes it" {
	ix_need ssh
	SOCKSIFY_PIPELINE=on run "$SOCKSIFY" -vv -s socks5://127.0.0.1:1088 python3 "$ERRNO" 198.51.100.10 80
	assert_line --regexp '^ok peer='
	refute_output --partial "refused a pipelined handshake"
}

# ---- UDP ASSOCIATE ----------------------------------------------------------------------
# dante relays UDP (rule 2 of its config, logged per datagram); microsocks answers UDP
# ASSOCIATE with REP 07 and OpenSSH's ssh -D closes without a reply. dante's log names
# each endpoint as ADDR.PORT; per datagram:
#   udp/udpassociate -: CLIENT RELAY -> EXTERNAL TARGET (LEN)     client to target
#   udp/udpreply -: TARGET EXTERNAL -> RELAY CLIENT (LEN)         and back

# The association the shim announced and the relay dante gave it, from the -vv line
# "udp fd 3: associated from 127.0.0.1:P via 127.0.0.1:1085, relay 127.0.0.1:R":
# sets $ANN_IP, and $ANN and $RELAY as regexps in dante's notation ("127\.0\.0\.1\.P").
assoc_from_output() {
	local re='associated from ([0-9.]+):([0-9]+) via 127\.0\.0\.1:1085, relay ([0-9.]+):([0-9]+)'
	[[ $output =~ $re ]] || { echo "no association line in: $output" >&2; return 1; }
	ANN_IP=${BASH_REMATCH[1]}
	ANN=${BASH_REMATCH[1]//./\\.}\\.${BASH_REMATCH[2]}
	RELAY=${BASH_REMATCH[3]//./\\.}\\.${BASH_REMATCH[4]}
}

@test "dante: UDP ASSOCIATE is answered with its relay address, not 0.0.0.0" {
	ix_need dante
	PROBE_CMD=3 run raw_probe 5 1085 0.0.0.0 0
	assert_output "method=0500 reply=0500 bnd=127.0.0.1"
}

@test "dante: sendto/recvfrom through dante's relay reports the real peer; the target sees dante" {
	ix_need dante
	mark dante "$BATS_FILE_TMPDIR/dante.log"
	mark target "$BATS_FILE_TMPDIR/target.log"
	run "$SOCKSIFY" -vv -s socks5://127.0.0.1:1085 python3 "$UDP" sendto 192.0.2.10 7 hello-dante
	assert_success
	assert_line "data=hello-dante from=192.0.2.10:7"
	assoc_from_output
	# The announced address is the one the kernel uses toward dante, never 0.0.0.0.
	assert_equal "$ANN_IP" 127.0.0.1
	run since target "$BATS_FILE_TMPDIR/target.log"
	assert_output --regexp "^udp listen=192\.0\.2\.10:7 peer=$DANTE_SRC:[0-9]+ len=11$"
	run since dante "$BATS_FILE_TMPDIR/dante.log"
	assert_line --regexp "pass\(2\): udp/udpassociate \[: $ANN $RELAY$"
	assert_line --regexp "pass\(2\): udp/udpassociate -: $ANN $RELAY -> $DANTE_SRC\.[0-9]+ 192\.0\.2\.10\.7 \(11\)$"
	assert_line --regexp "pass\(2\): udp/udpreply -: 192\.0\.2\.10\.7 $DANTE_SRC\.[0-9]+ -> $RELAY $ANN \(11\)$"
	assert_line --regexp "pass\(2\): udp/udpassociate \]: .* -> $DANTE_SRC\.[0-9]+ 192\.0\.2\.10\.7 -> 11/1: local client closed\."
}

@test "dante: UDP through the --strict forwarder: dante relays for the forwarder's socket, the program sees the real peer" {
	ix_need dante
	mark dante "$BATS_FILE_TMPDIR/dante.log"
	mark target "$BATS_FILE_TMPDIR/target.log"
	run "$SOCKSIFY" --strict -vv -s socks5://127.0.0.1:1085 python3 "$UDP" sendto 192.0.2.10 7 hello-isolated
	assert_success
	assert_line "data=hello-isolated from=192.0.2.10:7"
	# Inside, the library associates with the forwarder's inner listener and relay.
	assert_output --regexp "associated from 127\.0\.0\.1:[0-9]+ via 127\.0\.0\.1:[0-9]+, relay 127\.0\.0\.1:[0-9]+"
	run since target "$BATS_FILE_TMPDIR/target.log"
	assert_output --regexp "^udp listen=192\.0\.2\.10:7 peer=$DANTE_SRC:[0-9]+ len=14$"
	run since dante "$BATS_FILE_TMPDIR/dante.log"
	assert_line --regexp "pass\(2\): udp/udpassociate -: 127\.0\.0\.1\.[0-9]+ 127\.0\.0\.1\.[0-9]+ -> $DANTE_SRC\.[0-9]+ 192\.0\.2\.10\.7 \(14\)$"
	assert_line --regexp "pass\(2\): udp/udpreply -: 192\.0\.2\.10\.7 $DANTE_SRC\.[0-9]+ -> 127\.0\.0\.1\.[0-9]+ 127\.0\.0\.1\.[0-9]+ \(14\)$"
	assert_no_dns_leak
}

@test "dante: dig @192.0.2.10 goes through dante; the local resolver sees nothing" {
	ix_need dante
	mark dante "$BATS_FILE_TMPDIR/dante.log"
	mark dns53 "$BATS_FILE_TMPDIR/dns53.log"
	run "$SOCKSIFY" -s socks5://127.0.0.1:1085 dig @192.0.2.10 -p 53 x.test A +short +tries=1 +time=3
	assert_success
	assert_output "192.0.2.11"
	run since dns53 "$BATS_FILE_TMPDIR/dns53.log"
	assert_output --regexp "^query proto=udp from=$DANTE_SRC:[0-9]+ name=x\.test type=A$"
	run since dante "$BATS_FILE_TMPDIR/dante.log"
	assert_line --regexp "pass\(2\): udp/udpassociate -: 127\.0\.0\.1\.[0-9]+ 127\.0\.0\.1\.[0-9]+ -> $DANTE_SRC\.[0-9]+ 192\.0\.2\.10\.53 \([0-9]+\)$"
	assert_line --regexp "pass\(2\): udp/udpreply -: 192\.0\.2\.10\.53 $DANTE_SRC\.[0-9]+ -> 127\.0\.0\.1\.[0-9]+ 127\.0\.0\.1\.[0-9]+ \([0-9]+\)$"
	assert_no_dns_leak
}

@test "dante: connected UDP and an IPv6 destination through the relay" {
	ix_need dante
	mark target "$BATS_FILE_TMPDIR/target.log"
	run "$SOCKSIFY" -s socks5://127.0.0.1:1085 python3 "$UDP" connected 192.0.2.10 7 conn
	assert_success
	assert_output - <<-OUT
		peer=192.0.2.10:7
		data=conn
		data=conn-write
	OUT
	run since target "$BATS_FILE_TMPDIR/target.log"
	assert_line --index 0 --regexp "^udp listen=192\.0\.2\.10:7 peer=$DANTE_SRC:[0-9]+ len=4$"
	assert_line --index 1 --regexp "^udp listen=192\.0\.2\.10:7 peer=$DANTE_SRC:[0-9]+ len=10$"
	assert_equal "${#lines[@]}" 2
	# An AF_INET6 socket toward an IPv4 proxy: it announces and talks v4-mapped, so
	# dante sees an IPv4 client sending to an IPv6 target.
	mark dante "$BATS_FILE_TMPDIR/dante.log"
	mark target6 "$BATS_FILE_TMPDIR/target6.log"
	run "$SOCKSIFY" -vv -s socks5://127.0.0.1:1085 python3 "$UDP" sendto 2001:db8::10 7 hello6
	assert_success
	assert_line "data=hello6 from=[2001:db8::10]:7"
	assoc_from_output
	run since target6 "$BATS_FILE_TMPDIR/target6.log"
	assert_output --regexp "^udp listen=\[2001:db8::10\]:7 peer=\[$DANTE_SRC6\]:[0-9]+ len=6$"
	run since dante "$BATS_FILE_TMPDIR/dante.log"
	assert_line --regexp "pass\(2\): udp/udpassociate -: $ANN $RELAY -> $DANTE_SRC6\.[0-9]+ 2001:db8::10\.7 \(6\)$"
	assert_line --regexp "pass\(2\): udp/udpreply -: 2001:db8::10\.7 $DANTE_SRC6\.[0-9]+ -> $RELAY $ANN \(6\)$"
	# 28 bytes from the client: the 22-byte RFC 1928 §7 header for IPv6 and the data.
	assert_line --regexp "pass\(2\): udp/udpassociate \]: 28/1 -> $ANN $RELAY -> 28/1, 6/1 -> $DANTE_SRC6\.[0-9]+ 2001:db8::10\.7 -> 6/1: local client closed\."
}

@test "dante: one socket bound to its own address, two destinations; each reply from its peer" {
	ix_need dante
	# dante connects its outgoing socket to the first destination (udp.connectdst) and
	# unconnects it when a second one appears; replies must still come back.
	mark dante "$BATS_FILE_TMPDIR/dante.log"
	run "$SOCKSIFY" -vv -s socks5://127.0.0.1:1085 python3 - <<-'EOF'
		import socket
		s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
		s.settimeout(5)
		s.bind(("198.51.100.10", 0))
		for i, dst in enumerate([("192.0.2.10", 7), ("192.0.2.11", 7), ("192.0.2.10", 7)]):
		    s.sendto(b"two-%d" % i, dst)
		    data, src = s.recvfrom(100)
		    print("data=%s from=%s:%d" % (data.decode(), src[0], src[1]))
	EOF
	assert_success
	assert_line "data=two-0 from=192.0.2.10:7"
	assert_line "data=two-1 from=192.0.2.11:7"
	assert_line "data=two-2 from=192.0.2.10:7"
	assoc_from_output
	# A bound socket announces its own address, not the one toward the proxy.
	assert_equal "$ANN_IP" 198.51.100.10
	run since dante "$BATS_FILE_TMPDIR/dante.log"
	assert_line --regexp "pass\(2\): udp/udpassociate \[: $ANN $RELAY$"
	assert_line --regexp "pass\(2\): udp/udpreply -: 192\.0\.2\.11\.7 $DANTE_SRC\.[0-9]+ -> $RELAY $ANN \(5\)$"
	assert_line --regexp "pass\(2\): udp/udpassociate \]: 45/3 -> $ANN $RELAY -> 45/3, 15/3 -> $DANTE_SRC\.[0-9]+ 0\.0\.0\.0\.0 -> 15/3: local client closed\."
}

@test "microsocks: UDP ASSOCIATE is REP 07; udp=block fails the send, nothing reaches the target" {
	ix_need ms
	PROBE_CMD=3 run raw_probe 5 1086 0.0.0.0 0
	assert_output "method=0500 reply=0507 bnd=0.0.0.0"
	mark target "$BATS_FILE_TMPDIR/target.log"
	run "$SOCKSIFY" -s socks5://127.0.0.1:1086 python3 "$UDP" sendto 192.0.2.10 7 blocked
	assert_failure
	assert_line --regexp "^errno=(EOPNOTSUPP|ENOTSUP)$"
	assert_line --regexp "udp 192\.0\.2\.10:7: no UDP association with the proxy \(Operation not supported\): blocked \(udp=block\)$"
	run since target "$BATS_FILE_TMPDIR/target.log"
	assert_output ""
}

@test "microsocks: --udp direct reaches the target directly" {
	ix_need ms
	mark target "$BATS_FILE_TMPDIR/target.log"
	run "$SOCKSIFY" --udp direct -s socks5://127.0.0.1:1086 python3 "$UDP" sendto 192.0.2.10 7 direct
	assert_success
	assert_line "data=direct from=192.0.2.10:7"
	assert_line --partial "no UDP association with the proxy (Operation not supported): sending directly (udp=direct)"
	# Direct to an address on lo, the kernel's source is the target's own address.
	run since target "$BATS_FILE_TMPDIR/target.log"
	assert_output --regexp "^udp listen=192\.0\.2\.10:7 peer=192\.0\.2\.10:[0-9]+ len=6$"
}

@test "ssh -D: UDP ASSOCIATE gets no reply; udp=block fails the send, nothing reaches the target" {
	ix_need ssh
	PROBE_CMD=3 run raw_probe 5 1088 0.0.0.0 0
	assert_output "method=0500 reply=eof"
	mark target "$BATS_FILE_TMPDIR/target.log"
	run "$SOCKSIFY" -s socks5://127.0.0.1:1088 python3 "$UDP" sendto 192.0.2.10 7 blocked
	assert_failure
	assert_line "errno=ECONNRESET"
	assert_line --regexp "no UDP association with the proxy \(Connection reset by peer\): blocked \(udp=block\)$"
	run since target "$BATS_FILE_TMPDIR/target.log"
	assert_output ""
}

@test "ssh -D: --udp direct reaches the target directly" {
	ix_need ssh
	mark target "$BATS_FILE_TMPDIR/target.log"
	run "$SOCKSIFY" --udp direct -s socks5://127.0.0.1:1088 python3 "$UDP" sendto 192.0.2.10 7 direct
	assert_success
	assert_line "data=direct from=192.0.2.10:7"
	run since target "$BATS_FILE_TMPDIR/target.log"
	assert_output --regexp "^udp listen=192\.0\.2\.10:7 peer=192\.0\.2\.10:[0-9]+ len=6$"
}

# ---- remote name resolution against dante: a name only dante can resolve ----------------

@test "dante resolves a name only it knows (its own /etc/hosts): curl and python through socks5h, no DNS query" {
	ix_need danteh
	# The shim sends the name (its log says so); only dante's /etc/hosts knows it.
	run "$SOCKSIFY" -vv -s socks5h://127.0.0.1:1089 curl -sS -m 10 http://dante-only.test/
	assert_success
	assert_line "peer=$DANTE_SRC"
	assert_line --regexp '^socksify\[[0-9]+\]: info: connect dante-only\.test:80 via socks5h://127\.0\.0\.1:1089: ok'
	run "$SOCKSIFY" -s socks5h://127.0.0.1:1089 python3 -c '
import socket
a = socket.gethostbyname("dante-only.test")
s = socket.create_connection((a, 80))
s.sendall(b"GET / HTTP/1.0\r\n\r\n")
print(a.startswith("198.1"), s.makefile().read().split("\n")[-2])'
	assert_success
	assert_output "True peer=$DANTE_SRC"
	run cat "$BATS_FILE_TMPDIR/danteh.log"
	assert_output --partial "127.0.0.1.1089 -> 127.0.0.3"
	assert_no_dns_leak
}

# ---- pipeline auto (the default) --------------------------------------------------------
# Each test has its own empty cache ($XDG_CACHE_HOME, helpers.bash). strace counts the
# shim's writes to the proxy: one for a pipelined handshake, one per message otherwise.

# auto_run PORT [strace]: one connection through the proxy on PORT with default settings
# and a handshake timeout far past the run's own bound, so a connection that waited for
# it would fail the run rather than slow it.
auto_run() {
	SOCKSIFY_HANDSHAKE_TIMEOUT=120s run timeout 30 strace -f -qq -e trace=sendto \
		-o "$BATS_TEST_TMPDIR/st" "$SOCKSIFY" -vv -s "socks5://${2:+$2@}127.0.0.1:$1" \
		python3 "$ERRNO" 198.51.100.10 80
	WRITES=$(grep -c 'sendto(' "$BATS_TEST_TMPDIR/st")
}

cache_line() {
	cat "$XDG_CACHE_HOME/socksify/pipeline"
}

@test "pipeline auto: microsocks costs one short probe, remembered; no connection waits for handshake_timeout" {
	ix_need ms
	auto_run 1086
	assert_line "ok peer=$MS_SRC"
	assert_output --partial "refused a pipelined handshake (Connection timed out)"
	run cache_line
	assert_output --regexp '^127\.0\.0\.1 1086 refuses [0-9]+$'
	# Later processes know it: greeting and request apart, no probe.
	auto_run 1086
	assert_line "ok peer=$MS_SRC"
	refute_output --partial "pipelined"
	assert_equal "$WRITES" 2
}

@test "pipeline auto: microsocks with a password; the probe and the learning hold for auth too" {
	ix_need msauth
	auto_run 1087 alice:s3cret
	assert_line "ok peer=$MS_SRC"
	assert_output --partial "refused a pipelined handshake (Connection timed out)"
	auto_run 1087 alice:s3cret
	assert_line "ok peer=$MS_SRC"
	assert_equal "$WRITES" 3
}

@test "pipeline auto: dante-server: the first connection pipelines and is remembered, later ones pipeline" {
	ix_need dante
	auto_run 1085
	assert_line "ok peer=$DANTE_SRC"
	assert_equal "$WRITES" 1
	# 05 01 00 and 05 01 00 01 c6 33 64 0a 00 50 (198.51.100.10:80) in one 13-byte write
	run grep -c 'sendto(.*"\\5\\1\\0\\5\\1\\0\\1\\3063d\\n\\0P", 13,' "$BATS_TEST_TMPDIR/st"
	assert_output 1
	run cache_line
	assert_output --regexp '^127\.0\.0\.1 1085 accepts [0-9]+$'
	auto_run 1085
	assert_line "ok peer=$DANTE_SRC"
	assert_equal "$WRITES" 1
	refute_output --partial "refused a pipelined"
}

@test "pipeline auto: OpenSSH's ssh -D is remembered as accepting" {
	ix_need ssh
	auto_run 1088
	assert_line --regexp '^ok peer='
	assert_equal "$WRITES" 1
	run cache_line
	assert_output --regexp '^127\.0\.0\.1 1088 accepts [0-9]+$'
}
