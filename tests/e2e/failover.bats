#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Groups of proxies picked per connection: failover (chain_mode, --chain-mode, a `group`
# line), dynamic, round-robin and random, from socksify's own syntax and from a
# proxychains-ng proxychains.conf. A proxy is down in each way one can be: nothing listens
# (refused), it accepts and never answers (timed out), or the hop before it reports it
# unreachable. Each proxy connects out from its own address, so whoami (198.51.100.10:80)
# names the proxy a connection left from; strace counts the attempts at a dead proxy, which
# the process tree remembers for dead_time.

load helpers
load interop_helpers

A_SRC=127.0.0.2     # bundled proxy a (the helpers' PROXY_SRC)
B_SRC=127.0.0.6     # bundled proxy b
C_SRC=127.0.0.9     # bundled proxy c
DANTE_SRC=127.0.0.3 # dante's external address
MS_SRC=127.0.0.4    # microsocks -b
TP_SRC=127.0.0.5    # tinyproxy's Bind address
DEAD=1099           # nothing listens here: refused
DEAD2=1098          # nor here
SILENT=1094         # a bundled proxy that accepts and never answers
ERRNO=$BATS_TEST_DIRNAME/errno_client.py
REPEAT=$BATS_TEST_DIRNAME/repeat_client.py
WHO=198.51.100.10 # whoami on port 80: "peer=<the address it saw>"

setup_file() {
	load helpers
	load interop_helpers
	start_targets
	# a second whoami: the localnet (direct) case, a destination no route names
	start_bg who "$B/target" --whoami 203.0.113.10:80 --log "$BATS_FILE_TMPDIR/who.log"
	local maps=(--map web.test=$WHO)
	start_proxy a 1090 "${maps[@]}"
	start_proxy b 1091 --source $B_SRC "${maps[@]}"
	start_proxy c 1092 --source $C_SRC "${maps[@]}"
	start_proxy silent $SILENT --silent
	start_danted dante 1085 $DANTE_SRC || true
	start_tinyproxy tp 3128 $TP_SRC || true
	start_microsocks ms 1186 $MS_SRC || true
}

teardown_file() {
	stop_all_bg
}

# Each test reads the bundled proxies' logs from empty (they append, O_APPEND).
setup() {
	local l
	for l in a b c silent; do : >"$BATS_FILE_TMPDIR/$l.log"; done
	sx_setup
}

# traced CMD...: run CMD (bounded) under strace, which records every connect().
traced() {
	run timeout 60 strace -f -qq -e trace=connect -o "$BATS_TEST_TMPDIR/st" "$@"
}

# attempts PORT: how many connect() calls to 127.0.0.1:PORT the last traced run made.
attempts() {
	grep -c "connect(.*htons($1), sin_addr=inet_addr(\"127\.0\.0\.1\")" "$BATS_TEST_TMPDIR/st"
}

# n_lines PATTERN: how many lines of $output contain the fixed string PATTERN.
n_lines() {
	grep -cF -- "$1" <<<"$output"
}

# hop_replaced NAME DEAD NEXT: proxy NAME was asked for 127.0.0.1:DEAD, which refused
# (REP 5), then for 127.0.0.1:NEXT, which took it.
hop_replaced() {
	run proxy_log "$1"
	assert_line "v5 CONNECT ip=127.0.0.1:$2 auth=none result=rep5"
	assert_line "v5 CONNECT ip=127.0.0.1:$3 auth=none result=ok"
}

# count_in NAME PATTERN: how many lines of proxy NAME's log contain PATTERN.
count_in() {
	grep -cF -- "$2" "$BATS_FILE_TMPDIR/$1.log"
}

# ---- failover: the first member that is not dead -------------------------------------------

@test "--chain-mode failover -s A -s B: both alive, A alone carries it (one hop, not a chain)" {
	mark_target
	run "$SOCKSIFY" --chain-mode failover -s socks5://127.0.0.1:1090 -s socks5://127.0.0.1:1091 \
		python3 "$ERRNO" $WHO 80
	assert_success
	assert_output "ok peer=$A_SRC"
	# A connected to the target itself, never to B
	run proxy_log a
	assert_output --partial "v5 CONNECT ip=$WHO:80 auth=none result=ok"
	refute_output --partial "127.0.0.1:1091"
	run proxy_log b
	refute_output --partial "CONNECT"
	run target_since
	assert_output --regexp "^tcp listen=$WHO:80 peer=$A_SRC:[0-9]+$"
}

@test "--chain-mode failover: the first proxy refuses (nothing listens), the second carries the connection" {
	mark_target
	run "$SOCKSIFY" --chain-mode failover -s socks5://127.0.0.1:$DEAD -s socks5://127.0.0.1:1091 \
		python3 "$ERRNO" $WHO 80
	assert_success
	assert_output --partial "ok peer=$B_SRC"
	# one connection reached the target, and only through B: nothing went direct
	run target_since
	assert_output --regexp "^tcp listen=$WHO:80 peer=$B_SRC:[0-9]+$"
	# the same, non-blocking, to dante-server as the second member
	ix_need dante
	run "$SOCKSIFY" --chain-mode failover -s socks5://127.0.0.1:$DEAD -s socks5://127.0.0.1:1085 \
		python3 "$ERRNO" --nonblocking $WHO 80
	assert_success
	assert_output --partial "ok peer=$DANTE_SRC"
}

@test "failover onto servers we did not write: a dead HTTP proxy then tinyproxy, a silent one then microsocks" {
	ix_need tp
	ix_need ms
	run "$SOCKSIFY" --chain-mode failover -s http://127.0.0.1:$DEAD -s http://127.0.0.1:3128 \
		python3 "$ERRNO" $WHO 80
	assert_success
	assert_output --partial "ok peer=$TP_SRC"
	SOCKSIFY_HANDSHAKE_TIMEOUT=300ms run timeout 30 "$SOCKSIFY" --chain-mode failover \
		-s socks5://127.0.0.1:$SILENT -s socks5://127.0.0.1:1186 python3 "$ERRNO" $WHO 80
	assert_success
	assert_output --partial "ok peer=$MS_SRC"
}

@test "chain_mode failover in the config file: the first proxy never answers (handshake timeout)" {
	conf=$BATS_TEST_TMPDIR/failover.conf
	cat >"$conf" <<-EOF
		server socks5://127.0.0.1:$SILENT
		chain socks5://127.0.0.1:1091
		chain_mode failover
		connect_timeout 300ms
		handshake_timeout 300ms
	EOF
	run timeout 30 "$SOCKSIFY" -c "$conf" python3 "$ERRNO" $WHO 80
	assert_success
	assert_output --partial "ok peer=$B_SRC"
	# the environment's names for the same: SOCKSIFY_CHAIN_MODE with -s
	SOCKSIFY_CHAIN_MODE=failover SOCKSIFY_HANDSHAKE_TIMEOUT=300ms run timeout 30 "$SOCKSIFY" \
		-s socks5://127.0.0.1:$SILENT -s socks5://127.0.0.1:1092 python3 "$ERRNO" --nonblocking $WHO 80
	assert_success
	assert_output --partial "ok peer=$C_SRC"
}

@test "a failover group in the config file, routed to: URL and named members, the first dead" {
	ix_need dante
	conf=$BATS_TEST_TMPDIR/group.conf
	cat >"$conf" <<-EOF
		server socks5://127.0.0.1:1090
		proxy gone socks5://127.0.0.1:$DEAD
		proxy dante socks5://127.0.0.1:1085
		group exits failover gone dante socks5://127.0.0.1:1091
		route $WHO exits
	EOF
	run "$SOCKSIFY" -c "$conf" python3 "$ERRNO" $WHO 80
	assert_success
	assert_output --partial "ok peer=$DANTE_SRC"
	# both members before it dead: the third, a URL member
	sed -i "s/^proxy dante .*/proxy dante socks5:\/\/127.0.0.1:$DEAD2/" "$conf"
	run "$SOCKSIFY" -c "$conf" python3 "$ERRNO" $WHO 80
	assert_success
	assert_output --partial "ok peer=$B_SRC"
	# a destination no route names takes the server, alive
	run "$SOCKSIFY" -c "$conf" python3 "$ERRNO" 203.0.113.10 80
	assert_success
	assert_output --partial "ok peer=$A_SRC"
}

@test "failover len 2: hop 1 reports hop 2 refused; hop 2 is dropped and hop 1 chains to the next member" {
	conf=$BATS_TEST_TMPDIR/len2.conf
	cat >"$conf" <<-EOF
		server socks5://127.0.0.1:1092
		proxy a socks5://127.0.0.1:1090
		proxy gone socks5://127.0.0.1:$DEAD
		proxy b socks5://127.0.0.1:1091
		group deep failover len 2 a gone b
		route $WHO deep
	EOF
	run "$SOCKSIFY" -c "$conf" python3 "$ERRNO" $WHO 80
	assert_success
	assert_output --partial "ok peer=$B_SRC"
	hop_replaced a $DEAD 1091
	run proxy_log b
	assert_line "v5 CONNECT ip=$WHO:80 auth=none result=ok"
	# the wrapper's spelling: --chain-mode failover --chain-len 2 over -s
	run "$SOCKSIFY" --chain-mode failover --chain-len 2 -s socks5://127.0.0.1:1092 \
		-s socks5://127.0.0.1:$DEAD2 -s socks5://127.0.0.1:1090 python3 "$ERRNO" $WHO 80
	assert_success
	assert_output --partial "ok peer=$A_SRC"
	hop_replaced c $DEAD2 1090
}

@test "every member dead: the program gets the real errno, nothing goes direct, each is tried again" {
	mark_target
	traced "$SOCKSIFY" --chain-mode failover -s socks5://127.0.0.1:$DEAD -s socks5://127.0.0.1:$DEAD2 \
		sh -c 'python3 "$0" "$1" 80; python3 "$0" --nonblocking "$1" 80' "$ERRNO" $WHO
	assert_success
	assert_equal "$(n_lines errno=ECONNREFUSED)" 2
	refute_output --partial "ok peer="
	# when too few others are left, dead members are tried again: each process tries both
	assert_equal "$(attempts $DEAD)" 2
	assert_equal "$(attempts $DEAD2)" 2
	run target_since
	assert_output ""
}

# ---- the dead proxy is remembered by the process tree ------------------------------------

@test "a refused proxy is remembered: later processes of the tree do not try it; one warning" {
	traced "$SOCKSIFY" --chain-mode failover -s socks5://127.0.0.1:$DEAD -s socks5://127.0.0.1:1091 \
		sh -c 'for i in 1 2 3; do python3 "$0" "$1" 80; done' "$ERRNO" $WHO
	assert_success
	assert_equal "$(n_lines "ok peer=$B_SRC")" 3
	assert_equal "$(attempts $DEAD)" 1
	assert_equal "$(attempts 1091)" 3
	warned_tree=$(n_lines "127.0.0.1:$DEAD")
	# within one process too: one attempt for three connections
	traced "$SOCKSIFY" --chain-mode failover -s socks5://127.0.0.1:$DEAD -s socks5://127.0.0.1:1091 \
		python3 "$REPEAT" $WHO 80 3
	assert_success
	assert_equal "$(n_lines "peer=$B_SRC")" 3
	assert_equal "$(attempts $DEAD)" 1
	# the proxy marked dead is named in a warning (the default log level); the later
	# processes of the tree, which never tried it, add no line about it
	warned_one=$(n_lines "127.0.0.1:$DEAD")
	[ "$warned_one" -ge 1 ]
	assert_equal "$warned_tree" "$warned_one"
}

@test "a proxy that timed out is remembered: the timeout is paid once per tree" {
	traced env SOCKSIFY_HANDSHAKE_TIMEOUT=300ms "$SOCKSIFY" --chain-mode failover \
		-s socks5://127.0.0.1:$SILENT -s socks5://127.0.0.1:1091 \
		sh -c 'for i in 1 2 3; do python3 "$0" "$1" 80; done' "$ERRNO" $WHO
	assert_success
	assert_equal "$(n_lines "ok peer=$B_SRC")" 3
	assert_equal "$(attempts $SILENT)" 1
}

@test "after dead_time the dead proxy is tried again" {
	# dead for 5 s: the second process (well within it, even on a loaded machine) skips it,
	# the third (7 s later) tries it again
	traced env SOCKSIFY_DEAD_TIME=5000 "$SOCKSIFY" --chain-mode failover \
		-s socks5://127.0.0.1:$DEAD -s socks5://127.0.0.1:1091 \
		sh -c 'python3 "$0" "$1" 80; python3 "$0" "$1" 80; sleep 7; python3 "$0" "$1" 80' "$ERRNO" $WHO
	assert_success
	assert_equal "$(n_lines "ok peer=$B_SRC")" 3
	assert_equal "$(attempts $DEAD)" 2
	# the config file's key, the same way
	conf=$BATS_TEST_TMPDIR/dead.conf
	printf 'server socks5://127.0.0.1:%s\nchain socks5://127.0.0.1:1091\nchain_mode failover\ndead_time 5000\n' \
		$DEAD >"$conf"
	traced "$SOCKSIFY" -c "$conf" \
		sh -c 'python3 "$0" "$1" 80; python3 "$0" "$1" 80; sleep 7; python3 "$0" "$1" 80' "$ERRNO" $WHO
	assert_success
	assert_equal "$(n_lines "ok peer=$B_SRC")" 3
	assert_equal "$(attempts $DEAD)" 2
}

# ---- dynamic, round-robin and random -------------------------------------------------------

@test "chain_mode dynamic: the live members are chained in order, the dead one is left out" {
	conf=$BATS_TEST_TMPDIR/dynamic.conf
	printf 'server socks5://127.0.0.1:1090\nchain socks5://127.0.0.1:%s, socks5://127.0.0.1:1091\nchain_mode dynamic\n' \
		$DEAD >"$conf"
	run "$SOCKSIFY" -c "$conf" python3 "$ERRNO" $WHO 80
	assert_success
	assert_output --partial "ok peer=$B_SRC"
	hop_replaced a $DEAD 1091
}

# pc_conf FILE MODE: Debian's /etc/proxychains4.conf (comments and all) switched to MODE
# (dynamic_chain, round_robin_chain, random_chain), its [ProxyList] dropped: the caller
# appends localnet, chain_len and the list.
pc_conf() {
	[ -r /etc/proxychains4.conf ] || {
		echo "/etc/proxychains4.conf missing (package proxychains4; scripts/deps.sh)" >&2
		return 1
	}
	sed -e 's/^strict_chain/#strict_chain/' -e "s/^#$2\$/$2/" -e '/^\[ProxyList\]/,$d' \
		/etc/proxychains4.conf >"$1"
	grep -qx "$2" "$1" || {
		echo "no '#$2' line in /etc/proxychains4.conf to uncomment" >&2
		return 1
	}
}

@test "--proxychains-conf dynamic_chain, as proxychains-ng ships it: the dead hop is skipped, like proxychains4" {
	conf=$BATS_TEST_TMPDIR/proxychains.conf
	pc_conf "$conf" dynamic_chain
	# proxy_dns and the timeouts are in Debian's file already
	grep -qx proxy_dns "$conf"
	grep -q '^tcp_connect_time_out' "$conf"
	cat >>"$conf" <<-EOF
		localnet 203.0.113.0/255.255.255.0
		[ProxyList]
		# dead, then a SOCKS5 and a SOCKS4 hop
		socks5	127.0.0.1 $DEAD
		socks5 127.0.0.1	1090
		socks4 127.0.0.1 1091
	EOF
	run "$SOCKSIFY" --proxychains-conf "$conf" python3 "$ERRNO" web.test 80
	assert_success
	assert_output --partial "ok peer=$B_SRC"
	run proxychains4 -q -f "$conf" python3 "$ERRNO" web.test 80
	assert_success
	assert_output "ok peer=$B_SRC"
	# a chained to b both times; b got the name (SOCKS4a: proxy_dns) both times
	assert_equal "$(count_in a "v5 CONNECT ip=127.0.0.1:1091 auth=none result=ok")" 2
	assert_equal "$(count_in b "v4a CONNECT name=web.test:80 auth=none result=ok")" 2
	assert_no_dns_leak
	# localnet goes direct
	run "$SOCKSIFY" --proxychains-conf "$conf" python3 "$ERRNO" 203.0.113.10 80
	assert_success
	assert_output "ok peer=203.0.113.10"
}

@test "--proxychains-conf round_robin_chain, chain_len 1: successive connections rotate, across processes too" {
	conf=$BATS_TEST_TMPDIR/rr.conf
	pc_conf "$conf" round_robin_chain
	printf 'chain_len = 1\n[ProxyList]\nsocks5 127.0.0.1 1090\nsocks5 127.0.0.1 1091\nsocks5 127.0.0.1 1092\n' >>"$conf"
	abca=$(printf 'peer=%s\n' $A_SRC $B_SRC $C_SRC $A_SRC)
	# in one process, as proxychains4 does it
	run "$SOCKSIFY" --proxychains-conf "$conf" python3 "$REPEAT" $WHO 80 4
	assert_success
	assert_output "$abca"
	run proxychains4 -q -f "$conf" python3 "$REPEAT" $WHO 80 4
	assert_output "$abca"
	# across the processes of one tree (proxychains-ng starts each process at the first)
	run "$SOCKSIFY" --proxychains-conf "$conf" \
		sh -c 'for i in 1 2 3 4; do python3 "$0" "$1" 80 1; done' "$REPEAT" $WHO
	assert_success
	assert_output "$abca"
	# socksify's own spelling, over two proxies
	run "$SOCKSIFY" --chain-mode round_robin --chain-len 1 -s socks5://127.0.0.1:1091 \
		-s socks5://127.0.0.1:1092 sh -c 'python3 "$0" "$1" 80 2; python3 "$0" "$1" 80 1' "$REPEAT" $WHO
	assert_success
	assert_output "peer=$B_SRC
peer=$C_SRC
peer=$B_SRC"
}

@test "--proxychains-conf random_chain, chain_len 1: every connection through one of the list, more than one used" {
	conf=$BATS_TEST_TMPDIR/random.conf
	pc_conf "$conf" random_chain
	printf 'chain_len = 1\n[ProxyList]\nsocks5 127.0.0.1 1090\nsocks5 127.0.0.1 1091\nsocks5 127.0.0.1 1092\n' >>"$conf"
	run "$SOCKSIFY" --proxychains-conf "$conf" python3 "$REPEAT" $WHO 80 20
	assert_success
	assert_equal "$(grep -cE "^peer=($A_SRC|$B_SRC|$C_SRC)\$" <<<"$output")" 20
	# the chance that 20 random picks out of 3 are all the same is 3^-19
	used=$(sort -u <<<"$output" | wc -l)
	[ "$used" -gt 1 ]
	# each connection was one hop: the proxies made 20 CONNECTs, all to the target
	run cat "$BATS_FILE_TMPDIR/a.log" "$BATS_FILE_TMPDIR/b.log" "$BATS_FILE_TMPDIR/c.log"
	assert_equal "$(grep -c "v5 CONNECT ip=$WHO:80 auth=none result=ok" <<<"$output")" 20
	refute_output --partial "ip=127.0.0.1:"
	# socksify's own spelling, with the same checks
	run "$SOCKSIFY" --chain-mode random --chain-len 1 -s socks5://127.0.0.1:1090 -s socks5://127.0.0.1:1091 \
		python3 "$REPEAT" $WHO 80 20
	assert_success
	assert_equal "$(grep -cE "^peer=($A_SRC|$B_SRC)\$" <<<"$output")" 20
	used=$(sort -u <<<"$output" | wc -l)
	[ "$used" -eq 2 ]
}
