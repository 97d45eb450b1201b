#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Routes per destination: `route MATCH TARGET` in the config file, SOCKSIFY_ROUTES and
# --route before them, the bypass list before all. Each proxy connects out from its own
# address and whoami answers with the address it saw, so every destination shows which way
# it took: a, b or c (the server, the default route), direct (the destination's own
# address), or none at all (reject). Also: routes by name with remote and local DNS, UDP
# along a route, the route in the log, and malformed lines.

load helpers
load interop_helpers

A_SRC=127.0.0.2     # bundled proxy a (the helpers' PROXY_SRC)
B_SRC=127.0.0.6     # bundled proxy b
C_SRC=127.0.0.9     # bundled proxy c: the server, so the default route, in most files
DANTE_SRC=127.0.0.3 # dante's external address
ERRNO=$BATS_TEST_DIRNAME/errno_client.py
UDP=$BATS_TEST_DIRNAME/udp_client.py
NAMED=198.51.100.10 # where every proxy sends the test names; whoami on port 80

setup_file() {
	load helpers
	load interop_helpers
	start_targets
	# whoami on more addresses and ports: "peer=<the address it saw>"
	start_bg who "$B/target" --whoami 192.0.2.11:80 --whoami 192.0.2.11:8081 \
		--whoami 203.0.113.10:80 --whoami 203.0.113.10:8081 --whoami 203.0.113.10:25 \
		--log "$BATS_FILE_TMPDIR/who.log"
	local maps=() n
	for n in www.example.test example.test exact.test sub.exact.test other.test \
		deep.other.test plain.test blocked.test; do
		maps+=(--map "$n=$NAMED")
	done
	start_proxy a 1090 "${maps[@]}"
	start_proxy b 1091 --source $B_SRC "${maps[@]}"
	start_proxy c 1092 --source $C_SRC "${maps[@]}"
	# a resolver only local-DNS tests use (through their own /etc/resolv.conf)
	: >"$BATS_FILE_TMPDIR/upstream.log"
	start_bg upstream "$B/dnsrec" --listen 192.0.2.11:53 --map lan.example.test=203.0.113.10 \
		--log "$BATS_FILE_TMPDIR/upstream.log"
	printf 'nameserver 192.0.2.11\noptions timeout:1 attempts:1\n' >"$BATS_FILE_TMPDIR/resolv.conf"
	start_danted dante 1085 $DANTE_SRC || true
}

teardown_file() {
	stop_all_bg
}

# Each test reads the proxies', the target's and the recorder's logs from empty.
setup() {
	local l
	for l in a b c who; do : >"$BATS_FILE_TMPDIR/$l.log"; done
	: >"$SX_DNSREC_LOG"
	sx_setup
}

# conf LINE...: the test's config file, one line per argument; its path in $CONF.
conf() {
	CONF=$BATS_TEST_TMPDIR/routes.conf
	printf '%s\n' "$@" >"$CONF"
}

# via EXPECTED HOST PORT [socksify options...]: a connection to HOST PORT with $CONF
# reaches whoami, which saw EXPECTED (a proxy's address, or HOST itself when direct).
via() {
	local want=$1 host=$2 port=$3
	shift 3
	run "$SOCKSIFY" -c "$CONF" "$@" python3 "$ERRNO" "$host" "$port"
	assert_success
	assert_output --partial "ok peer=$want"
}

# no_connect NAME...: none of these bundled proxies was asked for a connection.
no_connect() {
	local l
	for l in "$@"; do
		run proxy_log "$l"
		refute_output --partial CONNECT
	done
}

# ---- by address and port ------------------------------------------------------------------

@test "two destinations through two different proxies; the rest takes the server" {
	conf 'server socks5://127.0.0.1:1092' \
		'proxy a socks5://127.0.0.1:1090' \
		'proxy b socks5://127.0.0.1:1091' \
		'route 192.0.2.11 a' \
		'route 203.0.113.0/24 b'
	via $A_SRC 192.0.2.11 80
	via $B_SRC 203.0.113.10 80
	via $C_SRC 198.51.100.10 80
	# each proxy carried exactly its own destination, straight to it
	run proxy_log a
	assert_output "v5 CONNECT ip=192.0.2.11:80 auth=none result=ok"
	run proxy_log b
	assert_output "v5 CONNECT ip=203.0.113.10:80 auth=none result=ok"
	run proxy_log c
	assert_output "v5 CONNECT ip=198.51.100.10:80 auth=none result=ok"
}

@test "a direct route: the target sees the connection come straight from this host" {
	conf 'server socks5://127.0.0.1:1092' \
		'route 192.0.2.11 direct' \
		'route 203.0.113.10:8081 direct'
	via 192.0.2.11 192.0.2.11 80
	via 203.0.113.10 203.0.113.10 8081
	no_connect c
	# the same address on another port is not matched
	via $C_SRC 203.0.113.10 80
}

@test "a reject route: the program gets EACCES, and nothing leaves for the proxy or the target" {
	# No document gives reject an errno: EACCES, as for a proxy's "not allowed" (REP 2).
	conf 'server socks5h://127.0.0.1:1092' \
		'route *:25 reject' \
		'route .blocked.test reject'
	mark_target
	run "$SOCKSIFY" -c "$CONF" python3 "$ERRNO" 203.0.113.10 25
	assert_line "errno=EACCES"
	run "$SOCKSIFY" -c "$CONF" python3 "$ERRNO" --nonblocking 192.0.2.10 25
	assert_line "errno=EACCES"
	# by name, with remote DNS: refused without asking any resolver
	run "$SOCKSIFY" -c "$CONF" python3 "$ERRNO" blocked.test 80
	assert_line "errno=EACCES"
	assert_no_dns_leak
	no_connect c
	run cat "$BATS_FILE_TMPDIR/who.log"
	assert_output ""
	run target_since
	assert_output ""
	# what is not rejected still works
	via $C_SRC 203.0.113.10 80
}

@test "*:PORT and :PORT match that port on every host" {
	conf 'server socks5://127.0.0.1:1092' \
		'proxy a socks5://127.0.0.1:1090' \
		'proxy b socks5://127.0.0.1:1091' \
		'route *:8081 b' \
		'route :25 a'
	via $B_SRC 203.0.113.10 8081
	via $B_SRC 192.0.2.11 8081
	via $A_SRC 203.0.113.10 25
	via $C_SRC 203.0.113.10 80
	via $C_SRC 192.0.2.11 80
}

@test "IPv6: a [v6]:port route and a v6 CIDR" {
	local get=$'GET / HTTP/1.0\r\n\r\n'
	# the HTTP target logs the peer it saw; every bundled proxy connects out from ::1, so
	# their own logs tell them apart
	conf 'server socks5://127.0.0.1:1092' \
		'proxy b socks5://127.0.0.1:1091' \
		'route [2001:db8::10]:80 b'
	mark_target
	run "$SOCKSIFY" -c "$CONF" python3 "$ERRNO" --send "$get" 2001:db8::10 80
	assert_success
	assert_output --regexp '^ok '
	run target_since
	assert_output --regexp '^tcp listen=\[2001:db8::10\]:80 peer=\[::1\]:[0-9]+$'
	run proxy_log b
	assert_output "v5 CONNECT ip=[2001:db8::10]:80 auth=none result=ok"
	no_connect c
	conf 'server socks5://127.0.0.1:1092' \
		'route 2001:db8::/32 direct'
	mark_target
	run "$SOCKSIFY" -c "$CONF" python3 "$ERRNO" --send "$get" 2001:db8::10 80
	assert_success
	run target_since
	assert_output --regexp '^tcp listen=\[2001:db8::10\]:80 peer=\[2001:db8::10\]:[0-9]+$'
	no_connect c
}

@test "the first match wins: a narrow route before a wide one, then the other way round" {
	conf 'server socks5://127.0.0.1:1092' \
		'proxy a socks5://127.0.0.1:1090' \
		'proxy b socks5://127.0.0.1:1091' \
		'route 203.0.113.10:8081 a' \
		'route 203.0.113.0/24 b'
	via $A_SRC 203.0.113.10 8081
	via $B_SRC 203.0.113.10 80
	# the wide one first: it takes the narrow one's destination too (first, not most specific)
	: >"$BATS_FILE_TMPDIR/a.log"
	conf 'server socks5://127.0.0.1:1092' \
		'proxy a socks5://127.0.0.1:1090' \
		'proxy b socks5://127.0.0.1:1091' \
		'route 203.0.113.0/24 b' \
		'route 203.0.113.10:8081 a'
	via $B_SRC 203.0.113.10 8081
	via $B_SRC 203.0.113.10 80
	no_connect a
}

@test "SOCKSIFY_ROUTES and --route come before the file's routes" {
	conf 'server socks5://127.0.0.1:1092' \
		'proxy a socks5://127.0.0.1:1090' \
		'proxy b socks5://127.0.0.1:1091' \
		'route 203.0.113.10 a'
	via $A_SRC 203.0.113.10 80
	# the environment's route names the file's proxy b
	SOCKSIFY_ROUTES='203.0.113.10:8081 b' via $B_SRC 203.0.113.10 8081
	SOCKSIFY_ROUTES='203.0.113.10:8081 b' via $A_SRC 203.0.113.10 80
	via 203.0.113.10 203.0.113.10 80 --route '203.0.113.10 direct'
	# --route appends to SOCKSIFY_ROUTES: the environment's route comes first
	SOCKSIFY_ROUTES='203.0.113.10 b' via $B_SRC 203.0.113.10 80 --route '203.0.113.10 direct'
	# ',' and ';' separate routes; a target may be a URL, or reject
	export SOCKSIFY_ROUTES='192.0.2.11 b; 203.0.113.10:8081 socks5://127.0.0.1:1090,203.0.113.10:80 reject'
	via $B_SRC 192.0.2.11 80
	via $A_SRC 203.0.113.10 8081
	run "$SOCKSIFY" -c "$CONF" python3 "$ERRNO" 203.0.113.10 80
	assert_line "errno=EACCES"
	unset SOCKSIFY_ROUTES
	# without a file: --route with a URL, the server for the rest
	run "$SOCKSIFY" -s socks5://127.0.0.1:1092 --route '192.0.2.11 socks5://127.0.0.1:1091' \
		--route '203.0.113.10 direct' sh -c 'for h in 192.0.2.11 203.0.113.10 198.51.100.10; do
			python3 "$0" "$h" 80; done' "$ERRNO"
	assert_success
	assert_output "ok peer=$B_SRC
ok peer=203.0.113.10
ok peer=$C_SRC"
}

@test "the bypass list comes before every route" {
	conf 'server socks5://127.0.0.1:1092' \
		'proxy a socks5://127.0.0.1:1090' \
		'bypass 203.0.113.10' \
		'route 203.0.113.10 a' \
		'route 192.0.2.11 a'
	via 203.0.113.10 203.0.113.10 80
	via $A_SRC 192.0.2.11 80
	via 192.0.2.11 192.0.2.11 80 --bypass 192.0.2.11
	SOCKSIFY_BYPASS=192.0.2.11 SOCKSIFY_ROUTES='192.0.2.11 a' via 192.0.2.11 192.0.2.11 80
	run proxy_log a
	assert_output "v5 CONNECT ip=192.0.2.11:80 auth=none result=ok"
}

# ---- by name -------------------------------------------------------------------------------

@test "routes by name with remote DNS: .domain, *.domain and an exact host; no DNS query leaves" {
	conf 'server socks5h://127.0.0.1:1092' \
		'proxy a socks5h://127.0.0.1:1090' \
		'proxy b socks5h://127.0.0.1:1091' \
		'route .example.test b' \
		'route exact.test a' \
		'route *.other.test a'
	via $B_SRC www.example.test 80
	via $B_SRC example.test 80
	via $A_SRC exact.test 80
	via $C_SRC sub.exact.test 80 # an exact host is not a domain
	via $A_SRC deep.other.test 80
	via $A_SRC other.test 80
	via $C_SRC plain.test 80
	# the names went to the proxies as names
	run proxy_log b
	assert_output "v5 CONNECT name=www.example.test:80 auth=none result=ok
v5 CONNECT name=example.test:80 auth=none result=ok"
	run proxy_log a
	assert_line "v5 CONNECT name=exact.test:80 auth=none result=ok"
	assert_line "v5 CONNECT name=other.test:80 auth=none result=ok"
	run proxy_log c
	assert_output "v5 CONNECT name=sub.exact.test:80 auth=none result=ok
v5 CONNECT name=plain.test:80 auth=none result=ok"
	assert_no_dns_leak
}

@test "a route by name with local DNS: the name resolves here and connects through the routed proxy" {
	conf 'server socks5://127.0.0.1:1092' \
		'dns local' \
		'proxy b socks5://127.0.0.1:1091' \
		'route .example.test b'
	: >"$BATS_FILE_TMPDIR/upstream.log"
	run unshare --mount sh -c 'mount --bind "$0" /etc/resolv.conf && exec "$@"' \
		"$BATS_FILE_TMPDIR/resolv.conf" "$SOCKSIFY" -c "$CONF" \
		python3 "$ERRNO" --peer lan.example.test 80
	assert_success
	assert_line "peer=203.0.113.10:80"
	assert_line "ok peer=$B_SRC"
	# resolved on this machine, by the resolver; the proxy got the address
	run cat "$BATS_FILE_TMPDIR/upstream.log"
	assert_output --partial "name=lan.example.test type=A"
	run proxy_log b
	assert_output "v5 CONNECT ip=203.0.113.10:80 auth=none result=ok"
	no_connect c
}

# ---- groups on routes, the log ------------------------------------------------------------

@test "a route to a chain of named proxies; the log names the whole route" {
	conf 'server socks5://127.0.0.1:1092' \
		'proxy a socks5://127.0.0.1:1090' \
		'proxy b socks5://127.0.0.1:1091' \
		'group pair strict a b' \
		'route 203.0.113.10 pair'
	SOCKSIFY_LOG=info via $B_SRC 203.0.113.10 80
	assert_output --partial "203.0.113.10:80 via pair: a > b"
	run proxy_log a
	assert_output "v5 CONNECT ip=127.0.0.1:1091 auth=none result=ok"
	run proxy_log b
	assert_output "v5 CONNECT ip=203.0.113.10:80 auth=none result=ok"
	no_connect c
}

# ---- UDP -----------------------------------------------------------------------------------

@test "UDP along a route to one SOCKS5 proxy (dante-server) goes through that proxy" {
	ix_need dante
	conf 'server socks5://127.0.0.1:1090' \
		'proxy dante socks5://127.0.0.1:1085' \
		'route 192.0.2.10:7 dante'
	mark dante "$BATS_FILE_TMPDIR/dante.log"
	mark_target
	run "$SOCKSIFY" -c "$CONF" python3 "$UDP" sendto 192.0.2.10 7 routed-udp
	assert_success
	assert_output "data=routed-udp from=192.0.2.10:7"
	run target_since
	assert_output --regexp "^udp listen=192\.0\.2\.10:7 peer=$DANTE_SRC:[0-9]+ len=10$"
	run since dante "$BATS_FILE_TMPDIR/dante.log"
	assert_output --regexp "pass\(2\): udp/udpassociate -: .* -> $DANTE_SRC\.[0-9]+ 192\.0\.2\.10\.7 \(10\)"
	# the server (which relays UDP too) was not asked
	run proxy_log a
	assert_output ""
}

@test "UDP along a two-hop route takes the UDP policy: blocked with a line saying why, or direct" {
	conf 'server socks5://127.0.0.1:1092' \
		'proxy a socks5://127.0.0.1:1090' \
		'proxy b socks5://127.0.0.1:1091' \
		'group deep strict a b' \
		'route 192.0.2.10:7 deep'
	mark_target
	run "$SOCKSIFY" -c "$CONF" python3 "$UDP" sendto 192.0.2.10 7 blocked
	assert_failure
	assert_line --regexp "^errno=(EOPNOTSUPP|ENOTSUP)$"
	assert_output --partial "blocked (udp=block)"
	run target_since
	assert_output ""
	run "$SOCKSIFY" -q -c "$CONF" --udp direct python3 "$UDP" sendto 192.0.2.10 7 direct
	assert_success
	assert_output "data=direct from=192.0.2.10:7"
	run target_since
	assert_output --regexp "^udp listen=192\.0\.2\.10:7 peer=192\.0\.2\.10:[0-9]+ len=6$"
	# neither the route's proxies nor the server relayed it
	run cat "$BATS_FILE_TMPDIR/a.log" "$BATS_FILE_TMPDIR/b.log" "$BATS_FILE_TMPDIR/c.log"
	refute_output --partial UDP
}

# ---- malformed lines -----------------------------------------------------------------------

# conf_error LINE WORD CONF-LINE...: socksify refuses that file (exit 2) with an error naming
# file:LINE, the line's key and WORD. The good lines before the bad one use the new keys,
# so an error at an earlier line (a key not known at all) does not pass.
conf_error() {
	local line=$1 word=$2 key
	shift 2
	conf "$@"
	key=${*:$line:1}
	key=${key%% *}
	run "$SOCKSIFY" -c "$CONF" true
	assert_failure 2
	assert_output --partial "$CONF:$line: $key"
	assert_output --partial "$word"
}

@test "a malformed route, group or proxy line is an error naming file:line and what is wrong" {
	local head=('server socks5://127.0.0.1:1092' 'proxy a socks5://127.0.0.1:1090' 'group g failover a')
	conf_error 4 nosuch "${head[@]}" 'route 192.0.2.11 nosuch'
	conf_error 4 sideways "${head[@]}" 'group h sideways a'
	conf_error 4 direct "${head[@]}" 'proxy direct socks5://127.0.0.1:1091'
	conf_error 4 "'a'" "${head[@]}" 'group a strict socks5://127.0.0.1:1091' # a name already taken
	conf_error 4 route "${head[@]}" 'route 192.0.2.11'                   # no target
	# a name must be defined before a line uses it
	conf_error 3 later "${head[@]:0:2}" 'route 192.0.2.11 later' 'proxy later socks5://127.0.0.1:1091'
	conf_error 4 sideways "${head[@]}" 'chain_mode sideways'
}

@test "a malformed SOCKSIFY_ROUTES or --route names the setting" {
	SOCKSIFY_ROUTES='192.0.2.11' run "$SOCKSIFY" -s socks5://127.0.0.1:1092 true
	assert_failure 2
	assert_output --partial SOCKSIFY_ROUTES
	run "$SOCKSIFY" -s socks5://127.0.0.1:1092 --route '192.0.2.11 nosuch' true
	assert_failure 2
	assert_output --regexp "(SOCKSIFY_ROUTES|--route).*nosuch"
}
