#!/bin/sh
# SPDX-License-Identifier: MIT
# The benchmark proper, run by scripts/bench.sh inside scripts/netns.sh: starts the target,
# the bundled proxy (plain, with --delay-ms, behind a link with a round-trip time) and
# dante-server, runs every figure for no shim, socksify and each installed peer, and prints
# one Markdown table (also written to $B/bench.md).
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$(dirname "$here")")
B=${B:-build}
case $B in /*) ;; *) B=$root/$B ;; esac
BB=$B/bench
LIB=$B/libsocksify.so
R=${SX_BENCH_RUNS:-5}          # rounds per figure (interleaved across variants)
D=${SX_BENCH_DELAY_MS:-20}     # proxy think time per reply, and the link's RTT
BULK=${SX_BENCH_BULK:-2147483648}
OUT=${SX_BENCH_OUT:-$B/bench.md}

if [ "${SX_NETNS_INSIDE:-}" != 1 ]; then
	echo "bench/run.sh: run me through scripts/netns.sh" >&2
	exit 1
fi
W=$SX_NETNS_DIR/bench
mkdir -p "$W"
RES=$W/results.tsv
: >"$RES"
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	rm -f "/dev/shm/socksify-bench-$$"
	umount /etc/hosts 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { echo "bench: $*" >&2; }

# ---- what exists --------------------------------------------------------------------------
multiarch=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
L=/usr/lib/$multiarch
PC_LIB=$L/libproxychains.so.4
TOR_LIB=$L/torsocks/libtorsocks.so
TS_LIB=$L/libtsocks.so
DS_LIB=$L/libdsocksd.so.0

exports=$(nm -D --defined-only "$LIB" 2>/dev/null | awk '{print $3}')
has_export() { echo "$exports" | grep -qx "$1"; }
HAS_DNS=0; has_export getaddrinfo && HAS_DNS=1
HAS_UDP=0; has_export recvfrom && HAS_UDP=1
HAS_PIPE=0; grep -q SOCKSIFY_PIPELINE "$root/config/config.c" 2>/dev/null && HAS_PIPE=1

peers=""
for p in proxychains:$PC_LIB torsocks:$TOR_LIB tsocks:$TS_LIB dante:$DS_LIB; do
	if [ -e "${p#*:}" ]; then peers="$peers ${p%%:*}"; else say "${p%%:*} not installed: skipped"; fi
done

# ---- servers ------------------------------------------------------------------------------
# start NAME CMD...: a server that writes its --ready-file (or the file given last for relay)
start() {
	name=$1
	shift
	"$@" >"$W/$name.out" 2>&1 &
	pids="$pids $!"
}

wait_file() {
	i=0
	while [ ! -e "$1" ]; do
		i=$((i + 1))
		[ $i -gt 500 ] && { say "$2 did not start: $(tail -n 3 "$W/$2.out")"; return 1; }
		sleep 0.01
	done
}

wait_port() {
	i=0
	while ! nc -z 127.0.0.1 "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 100 ] && { say "$2 not listening on $1: $(tail -n 3 "$W/$2.out")"; return 1; }
		sleep 0.05
	done
}

printf '127.0.0.1 localhost\n192.0.2.10 web.test\n' >"$W/hosts"
mount --bind "$W/hosts" /etc/hosts

start target "$B/target" --http 192.0.2.10:80 --udp-echo 192.0.2.10:7 --ready-file "$W/target.ready"
P0=1080 # socksd
P1=1081 # socksd --delay-ms D
P2=1082 # relay with RTT D in front of P0
P3=1083 # socksd --strict (one recv per message: a pipelined handshake is refused)
P4=1084 # relay with RTT D in front of P3
P8=1088 # socksd, a chain's second hop (connecting out from 127.0.0.6)
P9=1089 # relay with RTT D in front of P8
PD=1090 # dante-server
sd() {
	sport=$1
	shift
	start "socksd-$sport" "$B/socksd" --listen "127.0.0.1:$sport" --source 127.0.0.2 \
		--map remote.test=192.0.2.10 --ready-file "$W/socksd-$sport.ready" "$@"
}
sd $P0
sd $P1 --delay-ms "$D"
sd $P3 --strict
sd $P8 --source 127.0.0.6
start relay-$P2 "$BB/relay" $P2 $P0 "$D" "$W/relay-$P2.ready"
start relay-$P4 "$BB/relay" $P4 $P3 "$D" "$W/relay-$P4.ready"
start relay-$P9 "$BB/relay" $P9 $P8 "$D" "$W/relay-$P9.ready"
for f in target socksd-$P0 socksd-$P1 socksd-$P3 socksd-$P8 relay-$P2 relay-$P4 relay-$P9; do
	wait_file "$W/$f.ready" "$f" || exit 1
done

HAS_DANTED=0
if command -v danted >/dev/null; then
	cat >"$W/danted.conf" <<-EOF
		logoutput: $W/danted.log
		internal: 127.0.0.1 port = $PD
		external: 127.0.0.3
		clientmethod: none
		socksmethod: none
		user.privileged: root
		user.unprivileged: nobody
		client pass { from: 0.0.0.0/0 to: 0.0.0.0/0 }
		socks pass { from: 0.0.0.0/0 to: 0.0.0.0/0 }
	EOF
	TMPDIR=$W start danted danted -f "$W/danted.conf" -N 1 -p "$W/danted.pid"
	wait_port $PD danted && HAS_DANTED=1
fi
P5=1085 # relay in front of dante-server delaying each chunk D ms each way (RTT 2D)
P6=1086 # microsocks (it drops pipelined bytes), behind P7: a relay like P5
P7=1087
HAS_MS=0
if command -v microsocks >/dev/null; then
	start microsocks microsocks -i 127.0.0.1 -p $P6 -b 127.0.0.4
	start relay-$P7 "$BB/relay" $P7 $P6 "$((D * 2))" "$W/relay-$P7.ready"
	wait_port $P6 microsocks && wait_file "$W/relay-$P7.ready" relay-$P7 && HAS_MS=1
fi
if [ $HAS_DANTED = 1 ]; then
	start relay-$P5 "$BB/relay" $P5 $PD "$((D * 2))" "$W/relay-$P5.ready"
	wait_file "$W/relay-$P5.ready" relay-$P5 || HAS_DANTED=0
fi

# ---- peers' configuration, one set per proxy port -----------------------------------------
conf() {
	port=$1
	[ -e "$W/dante-$port.conf" ] && return 0
	cat >"$W/pc-$port.conf" <<-EOF
		strict_chain
		quiet_mode
		proxy_dns
		remote_dns_subnet 224
		tcp_read_time_out 15000
		tcp_connect_time_out 8000
		localnet 127.0.0.0/255.0.0.0
		[ProxyList]
		socks5 127.0.0.1 $port
	EOF
	cat >"$W/tor-$port.conf" <<-EOF
		TorAddress 127.0.0.1
		TorPort $port
		OnionAddrRange 127.42.42.0/24
		AllowOutboundLocalhost 1
	EOF
	cat >"$W/tsocks-$port.conf" <<-EOF
		local = 127.0.0.0/255.0.0.0
		server = 127.0.0.1
		server_type = 5
		server_port = $port
	EOF
	# dante wants global settings before the routes (else its library exits 1, silently).
	cat >"$W/dante-$port.conf" <<-EOF
		resolveprotocol: fake
		route { from: 0.0.0.0/0 to: 127.0.0.0/8 via: direct }
		route {
			from: 0.0.0.0/0 to: 0.0.0.0/0 via: 127.0.0.1 port = $port
			proxyprotocol: socks_v5
			method: none
			command: connect udpassociate
		}
	EOF
}

# with VARIANT PORT CMD...: run CMD as VARIANT, pointed at the proxy on PORT.
export SOCKSIFY_LOG=error SOCKSIFY_FAKEDNS=/dev/shm/socksify-bench-$$
# The pipeline cache of this run only (socksify-auto empties it before each tree).
export XDG_CACHE_HOME=$W/cache
# The library never creates a table file (a removed one must stay removed): make it.
(umask 077 && : >"$SOCKSIFY_FAKEDNS")
with() {
	wv=$1 wport=$2
	shift 2
	conf "$wport"
	case $wv in
	plain | curl) set -- env "$@" ;;
	socksify) set -- env LD_PRELOAD="$LIB" SOCKS_SERVER="socks5h://127.0.0.1:$wport" \
		SOCKSIFY_PIPELINE=off "$@" ;;
	socksify-pipe) set -- env LD_PRELOAD="$LIB" SOCKS_SERVER="socks5h://127.0.0.1:$wport" \
		SOCKSIFY_PIPELINE=on "$@" ;;
	# the defaults (pipeline auto), each tree starting with an empty cache
	socksify-auto) rm -rf "$XDG_CACHE_HOME"
		set -- env LD_PRELOAD="$LIB" SOCKS_SERVER="socks5h://127.0.0.1:$wport" "$@" ;;
	# Through the wrapper: plain, and --strict (isolated behind the forwarder).
	socksify-wrap) set -- env SOCKSIFY_PIPELINE=off "$B/socksify" -q \
		-s "socks5h://127.0.0.1:$wport" "$@" ;;
	socksify-iso) set -- env SOCKSIFY_PIPELINE=off "$B/socksify" --strict --isolation require \
		-q -s "socks5h://127.0.0.1:$wport" "$@" ;;
	socksify-strict) set -- env LD_PRELOAD="$LIB" SOCKS_SERVER="socks5h://127.0.0.1:$wport" \
		SOCKSIFY_PIPELINE=off SOCKSIFY_STRICT=1 "$@" ;;
	proxychains) set -- env LD_PRELOAD="$PC_LIB" PROXYCHAINS_CONF_FILE="$W/pc-$wport.conf" \
		PROXYCHAINS_QUIET_MODE=1 "$@" ;;
	torsocks) set -- env LD_PRELOAD="$TOR_LIB" TORSOCKS_CONF_FILE="$W/tor-$wport.conf" "$@" ;;
	tsocks) set -- env LD_PRELOAD="$TS_LIB" TSOCKS_CONF_FILE="$W/tsocks-$wport.conf" "$@" ;;
	# Dante adds direct routes for every local interface's network, and 192.0.2.10 is on lo.
	dante) set -- env LD_PRELOAD="$DS_LIB" SOCKS_CONF="$W/dante-$wport.conf" \
		SOCKS_AUTOADD_LANROUTES=no "$@" ;;
	*) say "unknown variant $wv"; return 2 ;;
	esac
	timeout -k 2 "${T:-60}" "$@"
}

# The preload a variant puts in a spawned child (for the load-cost spawner).
lib_of() {
	case $1 in
	plain) echo - ;; socksify*) echo "$LIB" ;; proxychains) echo "$PC_LIB" ;;
	torsocks) echo "$TOR_LIB" ;; tsocks) echo "$TS_LIB" ;; dante) echo "$DS_LIB" ;;
	esac
}

# ---- running and recording -----------------------------------------------------------------
# run ID RUNS FUNC VARIANT...: RUNS rounds, each calling "FUNC VARIANT" for every variant in
# turn (interleaved, so drift on a shared machine hits all alike). Output lines collect in
# $W/ID.VARIANT.out; the first failure's first stderr line is kept in .failed.
run() {
	id=$1 runs=$2 func=$3
	shift 3
	for v in "$@"; do rm -f "$W/$id.$v".*; done
	i=0
	while [ $i -lt "$runs" ]; do
		for v in "$@"; do
			[ -e "$W/$id.$v.failed" ] && continue
			if ! $func "$v" >>"$W/$id.$v.out" 2>"$W/$id.$v.err"; then
				why=$(grep -v '^[[:space:]]*$' "$W/$id.$v.err" | head -n 1 | cut -c1-80 | tr '|\t' '/ ')
				echo "fails: ${why:-exit status, no message}" >"$W/$id.$v.failed"
			fi
		done
		i=$((i + 1))
	done
}

# record RUN ID COL TITLE UNIT BETTER MODE VARIANT...: one result row per variant from column
# COL of run RUN's output. MODE "delta" shows each value minus plain's median.
record() {
	src=$1 id=$2 col=$3 title=$4 unit=$5 better=$6 mode=$7
	shift 7
	for v in "$@"; do
		f=$W/$src.$v
		if [ -e "$f.failed" ]; then
			val="NA $(cat "$f.failed")"
		else
			val=$(awk -v c="$col" 'NF >= c {print $c}' "$f.out" | tr '\n' ' ')
			[ -n "$val" ] || val="NA fails: no output"
		fi
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$title" "$v" "$unit" "$better" "$mode" \
			"$val" >>"$RES"
	done
}

na() { # na ID TITLE VARIANT REASON
	printf '%s\t%s\t%s\t\t\tabs\tNA %s\n' "$1" "$2" "$3" "$4" >>"$RES"
}

shims="socksify $peers"
want() { [ -z "${SX_BENCH_ONLY:-}" ] || echo " $SX_BENCH_ONLY " | grep -q " $1 "; }
[ $HAS_PIPE = 1 ] && pipe_v="socksify-pipe" || pipe_v=""

# 1. load cost
if want 1; then
f_load() { with "$1" $P0 "$BB/spawn" "$(lib_of "$1")" 100 /bin/true; }
say "1 load cost"
run 1 $((R * 2 + 1)) f_load plain $shims
record 1 1 1 "load cost: spawn /bin/true" "µs/exec" lower abs plain $shims
# The spawner itself socksified: strict mode checks each program before it starts.
f_execchk() { with "$1" $P0 "$BB/spawn" "$LIB" 100 /bin/true; }
run 1b $((R * 2 + 1)) f_execchk socksify socksify-strict
record 1b 1b 1 "a socksified program spawns /bin/true (strict: exec checked)" "µs/exec" lower abs \
	socksify socksify-strict
fi

# 2. handshake: socksd thinking D ms before each reply; a link with RTT D; the strict proxy
if want 2; then
f_hs_think() { with "$1" $P1 "$BB/tcp" connect 192.0.2.10 80 5; }
f_hs_rtt() { with "$1" $P2 "$BB/tcp" connect 192.0.2.10 80 5; }
f_hs_strict() { with "$1" $P4 "$BB/tcp" connect 192.0.2.10 80 5; }
say "2 handshake"
run 2a 3 f_hs_think socksify $pipe_v $peers
record 2a 2a 1 "connect() time, proxy waits ${D} ms before each reply" ms lower abs socksify $pipe_v $peers
run 2b 3 f_hs_rtt socksify $pipe_v $peers
record 2b 2b 1 "connect() time, ${D} ms RTT link to the proxy" ms lower abs socksify $pipe_v $peers
if [ $HAS_PIPE = 1 ]; then
	run 2c 3 f_hs_strict socksify socksify-pipe
	record 2c 2c 1 "connect() time, ${D} ms RTT, strict proxy (pipelining refused)" ms lower abs \
		socksify socksify-pipe
else
	na 2b "connect() time, ${D} ms RTT link to the proxy" socksify-pipe "n/a (not implemented)"
fi
# Through dante-server with default settings, after the tree's first connection (tcp's
# warm-up, which finds the cache empty): the goal is at most 2.5 D.
f_hs_dante() { with "$1" $P5 "$BB/tcp" connect 192.0.2.10 80 5; }
if [ $HAS_DANTED = 1 ] && grep -q pipeline_auto "$root/config/config.h" 2>/dev/null; then
	run 2d 3 f_hs_dante socksify socksify-auto socksify-pipe
	record 2d 2d 1 "connect() time via dante-server, each chunk delayed D = ${D} ms; socksify-auto: defaults, after the tree's first connection (goal <= 2.5 D)" \
		ms lower abs socksify socksify-auto socksify-pipe
else
	na 2d "connect() time via dante-server, defaults" socksify-auto "n/a (no dante-server or no pipeline auto)"
fi
# What pipeline auto costs where it cannot work: microsocks, each tree's very first connection
# (empty cache: the probe, then the unpipelined retry), and connections after it.
f_first_ms() { with "$1" $P7 "$BB/tcp" first 192.0.2.10 80 1; }
f_hs_ms() { with "$1" $P7 "$BB/tcp" connect 192.0.2.10 80 5; }
if [ $HAS_MS = 1 ] && grep -q pipeline_auto "$root/config/config.h" 2>/dev/null; then
	run 2e 3 f_first_ms socksify socksify-auto
	record 2e 2e 1 "a tree's first connect() via microsocks, each chunk delayed D = ${D} ms, empty cache" \
		ms lower abs socksify socksify-auto
	run 2f 3 f_hs_ms socksify socksify-auto
	record 2f 2f 1 "connect() via microsocks, D = ${D} ms, after the tree's first connection" \
		ms lower abs socksify socksify-auto
else
	na 2e "a tree's first connect() via microsocks" socksify-auto "n/a (no microsocks or no pipeline auto)"
fi
fi

# 3. connection rate and CPU
if want 3; then
f_rate() { with "$1" $P0 "$BB/tcp" cycle 192.0.2.10 80 1000; }
say "3 connection rate"
run 3 3 f_rate plain socksify $pipe_v $peers
record 3 3a 1 "sequential connect+GET+close" "conn/s" higher abs plain socksify $pipe_v $peers
record 3 3b 2 "client CPU per connection" "µs/conn" lower abs plain socksify $pipe_v $peers
fi

# 4. bulk throughput: MB/s from curl's own counter
if want 4; then
f_bulk() {
	if [ "$1" = curl ]; then
		with curl $P0 curl -sS -o /dev/null -w '%{speed_download}\n' --socks5 127.0.0.1:$P0 \
			"http://192.0.2.10/bytes/$BULK"
	else
		with "$1" $P0 curl -sS -o /dev/null -w '%{speed_download}\n' \
			"http://192.0.2.10/bytes/$BULK"
	fi | awk '{printf "%.1f\n", $1 / 1e6}'
}
say "4 bulk throughput"
T=120
run 4 3 f_bulk curl socksify
T=60
record 4 4 1 "$((BULK >> 20)) MiB download via socksd" "MB/s" higher abs curl socksify
fi

# 5. ordinary I/O: dd through a pipe (both ends preloaded), small TCP writes
if want 5; then
f_dd() {
	t0=$(date +%s%N)
	with "$1" $P0 sh -c 'dd if=/dev/zero bs=512 count=400000 2>/dev/null | dd of=/dev/null bs=512 2>/dev/null' || return 1
	echo $((($(date +%s%N) - t0) / 1000000))
}
f_write() { with "$1" $P0 "$BB/io" write 200000; }
f_sendto() { with "$1" $P0 "$BB/io" sendto 200000; }
say "5 ordinary I/O"
run 5a "$R" f_dd plain $shims
record 5a 5a 1 "dd bs=512 count=400000 through a pipe" ms lower abs plain $shims
run 5b $((R * 2 + 1)) f_write plain $shims
record 5b 5b 1 "64-byte write() on loopback TCP" "ns/call" lower abs plain $shims
run 5c $((R * 2 + 1)) f_sendto plain $shims
record 5c 5c 1 "64-byte sendto(NULL) on loopback TCP" "ns/call" lower abs plain $shims
fi

# 6. getaddrinfo rate: libc from /etc/hosts, remote names through each shim
if want 6; then
f_gai() {
	case $1 in
	plain) with plain $P0 "$BB/gai" web.test 20000 ;;
	*) with "$1" $P0 "$BB/gai" remote.test 5000 ;;
	esac
}
say "6 getaddrinfo"
if [ $HAS_DNS = 1 ]; then gai_v="plain $shims"; else gai_v="plain $peers"; fi
run 6 3 f_gai $gai_v
record 6 6 1 "getaddrinfo(): remote name via shim; plain = /etc/hosts" "lookups/s" higher abs $gai_v
[ $HAS_DNS = 1 ] || na 6 "getaddrinfo()" socksify "n/a (not implemented)"
fi

# 7. UDP round trips through the association (dante-server); plain = direct
if want 7; then
f_udp() {
	case $1 in
	plain) with plain $PD "$BB/udp" 192.0.2.10 7 5000 ;;
	*) T=30 with "$1" $PD "$BB/udp" 192.0.2.10 7 5000 ;;
	esac
}
say "7 UDP"
udp_v=plain
[ $HAS_UDP = 1 ] && udp_v="$udp_v socksify"
echo " $peers " | grep -q ' dante ' && udp_v="$udp_v dante"
if [ $HAS_DANTED = 1 ]; then
	run 7 3 f_udp $udp_v
	record 7 7 1 "UDP echo round trips via dante-server" "rt/s" higher abs $udp_v
	[ $HAS_UDP = 1 ] || na 7 "UDP echo round trips via dante-server" socksify "n/a (not implemented)"
else
	na 7 "UDP echo round trips" socksify "n/a (dante-server did not start)"
fi
fi

# 8. memory: resolve + connect once; socksify resolves a remote (fake) name
if want 8; then
f_mem() {
	case $1 in
	plain | tsocks) with "$1" $P0 "$BB/mem" web.test 80 ;;
	torsocks) with "$1" $P0 "$BB/mem" 192.0.2.10 80 ;; # it resolves every name through Tor
	socksify) if [ $HAS_DNS = 1 ]; then with "$1" $P0 "$BB/mem" remote.test 80
		else with "$1" $P0 "$BB/mem" web.test 80; fi ;;
	*) with "$1" $P0 "$BB/mem" remote.test 80 ;;
	esac
}
say "8 memory"
run 8 3 f_mem plain $shims
record 8 8a 1 "added VmRSS after resolve+connect" "KiB" lower delta plain $shims
record 8 8b 2 "added Pss after resolve+connect" "KiB" lower delta plain $shims
fi

# 9. parallel non-blocking connects: N at once from one thread through socksd thinking D ms
# before each reply (two replies per handshake), waited for with epoll, poll and select; the
# time until every one has connected and fetched a page saying it came through the proxy (a
# shim that only pretends to be connected fails here), as a multiple of D
NPAR=${SX_BENCH_PAR:-50}
if want 9; then
f_par() {
	with "$1" $P1 "$B/async_client" --n "$NPAR" --wait "$par_wait" --lenient --quiet \
		--http --expect peer=127.0.0.2 --timeout-ms $((T * 1000 - 2000)) 192.0.2.10 80 |
		awk -v d="$D" '
		/ FAIL / && !shown++ { print > "/dev/stderr" }
		/^summary/ {
			for (i = 2; i <= NF; i++) { split($i, kv, "="); s[kv[1]] = kv[2] }
			if (s["fail"] == 0) { printf "%.1f\n", s["elapsed_ms"] / d; ok = 1 }
		}
		END { exit !ok }'
}
say "9 parallel non-blocking connects"
T=$((NPAR * D * 4 / 1000 + 20)) # twice the time handshakes one after another take
for pair in a:epoll b:poll c:select; do
	par_wait=${pair#*:}
	run "9${pair%%:*}" 3 f_par socksify $peers
	record "9${pair%%:*}" "9${pair%%:*}" 1 \
		"$NPAR parallel non-blocking connects + GET ($par_wait), proxy waits ${D} ms per reply" \
		"× ${D} ms" lower abs socksify $peers
done
T=60
fi

# 10. event-loop programs: N concurrent requests through the same delaying proxy, through the
# shim or the program's own SOCKS client (curl --socks5-hostname, python-socks,
# socks-proxy-agent: installed by bench.sh for this figure only)
if want 10; then
NODE_MODS=$BB/node/node_modules
HOST_PY=/usr/bin/python3 # Debian's, which sees python3-python-socks
f_node() {
	case $1 in
	native) with plain $P1 env NODE_PATH="$NODE_MODS" node "$here/par.js" "$NPAR" \
		http://192.0.2.10/ "socks5h://127.0.0.1:$P1" ;;
	*) with "$1" $P1 node "$here/par.js" "$NPAR" http://192.0.2.10/ ;;
	esac
}
f_curlz() {
	urls=$(seq 1 "$NPAR" | sed 's|^|http://192.0.2.10/|')
	t0=$(date +%s%N)
	case $1 in
	# shellcheck disable=SC2086 # one word per URL
	native) with plain $P1 curl -sS --no-progress-meter -Z --parallel-immediate \
		--parallel-max "$NPAR" --socks5-hostname "127.0.0.1:$P1" $urls ;;
	*) with "$1" $P1 curl -sS --no-progress-meter -Z --parallel-immediate \
		--parallel-max "$NPAR" $urls ;;
	esac >"$W/curlz.out" || return 1
	got=$(grep -c '^peer=' "$W/curlz.out")
	[ "$got" -eq "$NPAR" ] || { echo "curl: $got of $NPAR replies" >&2; return 1; }
	echo $((($(date +%s%N) - t0) / 1000000))
}
f_asyncio() {
	case $1 in
	native) with plain $P1 "$HOST_PY" "$here/par.py" "$NPAR" 192.0.2.10 80 --socks "127.0.0.1:$P1" ;;
	*) with "$1" $P1 "$HOST_PY" "$here/par.py" "$NPAR" 192.0.2.10 80 ;;
	esac
}
say "10 event-loop programs"
run 10a 3 f_curlz native socksify
record 10a 10a 1 "curl -Z, $NPAR URLs, proxy waits ${D} ms per reply (native = --socks5-hostname)" \
	ms lower abs native socksify
if command -v node >/dev/null && [ -d "$NODE_MODS/socks-proxy-agent" ]; then
	run 10b 3 f_node native socksify
	record 10b 10b 1 "node, $NPAR concurrent http.get (native = socks-proxy-agent)" ms lower abs \
		native socksify
else
	na 10b "node, $NPAR concurrent http.get" native "n/a (node or socks-proxy-agent missing)"
fi
if "$HOST_PY" -c 'import python_socks.async_.asyncio' 2>/dev/null; then
	run 10c 3 f_asyncio native socksify
	record 10c 10c 1 "python asyncio, $NPAR open_connection (native = python-socks)" ms lower abs \
		native socksify
else
	na 10c "python asyncio, $NPAR open_connection" native "n/a (python3-python-socks missing)"
fi
fi

# 11. waits on fds that never handshake: an epoll_wait (or poll) ping-pong over a socketpair
if want 11; then
PP=${SX_BENCH_PINGPONG:-1000000}
f_pp_epoll() { with "$1" $P0 "$BB/pingpong" epoll "$PP"; }
f_pp_poll() { with "$1" $P0 "$BB/pingpong" poll "$PP"; }
say "11 wait overhead"
T=300
run 11a "$R" f_pp_epoll plain socksify
record 11a 11a 1 "epoll_wait ping-pong over a socketpair, $PP rounds" "ns/round" lower abs \
	plain socksify
run 11b "$R" f_pp_poll plain socksify
record 11b 11b 1 "poll ping-pong over a socketpair, $PP rounds" "ns/round" lower abs plain socksify
T=60
fi

# 12. isolation (--strict): the forwarder's relay and its extra local hop, and the
# namespace per run; each against the preload alone
if want 12; then
f_iso_bulk() {
	with "$1" $P0 curl -sS -o /dev/null -w '%{speed_download}\n' "http://192.0.2.10/bytes/$BULK" |
		awk '{printf "%.1f\n", $1 / 1e6}'
}
f_iso_rate() { with "$1" $P0 "$BB/tcp" cycle 192.0.2.10 80 1000; }
f_iso_connect() { with "$1" $P0 "$BB/tcp" connect 192.0.2.10 80 20; }
f_iso_start() {
	t0=$(date +%s%N)
	with "$1" $P0 true || return 1
	echo $((($(date +%s%N) - t0) / 1000))
}
say "12 isolation"
T=120
run 12a 3 f_iso_bulk socksify socksify-iso
T=60
record 12a 12a 1 "$((BULK >> 20)) MiB download; iso = --strict, through the forwarder" "MB/s" higher abs \
	socksify socksify-iso
run 12b 3 f_iso_rate socksify socksify-iso
record 12b 12b 1 "sequential connect+GET+close; iso = through the forwarder" "conn/s" higher abs \
	socksify socksify-iso
run 12c 3 f_iso_connect socksify socksify-iso
record 12c 12c 1 "connect() time via socksd; iso = one more local hop" ms lower abs socksify socksify-iso
run 12d $((R * 2 + 1)) f_iso_start socksify-wrap socksify-iso
record 12d 12d 1 "socksify true; iso = --strict (fork, namespaces, forwarder)" "µs/run" lower abs \
	socksify-wrap socksify-iso
fi

# 13. a two-hop chain: the handshake over links of RTT D (hop 2 is two links away, so its
# messages cost 2 D), and the connection rate through two plain proxies
if want 13; then
chain() { # chain VARIANT PORT1 PORT2 CMD...: CMD through the chain PORT1 > PORT2
	cv=$1 c1=$2 c2=$3
	shift 3
	case $cv in
	plain) set -- env "$@" ;;
	socksify | socksify-pipe)
		cp=off
		[ "$cv" = socksify-pipe ] && cp=on
		set -- env LD_PRELOAD="$LIB" SOCKS_SERVER="socks5://127.0.0.1:$c1" \
			SOCKSIFY_CHAIN="socks5://127.0.0.1:$c2" SOCKSIFY_PIPELINE=$cp "$@" ;;
	proxychains)
		printf 'strict_chain\nquiet_mode\n[ProxyList]\nsocks5 127.0.0.1 %s\nsocks5 127.0.0.1 %s\n' \
			"$c1" "$c2" >"$W/pc-chain-$c1.conf"
		set -- env LD_PRELOAD="$PC_LIB" PROXYCHAINS_CONF_FILE="$W/pc-chain-$c1.conf" \
			PROXYCHAINS_QUIET_MODE=1 "$@" ;;
	*) say "no chain for variant $cv"; return 2 ;;
	esac
	timeout -k 2 "${T:-60}" "$@"
}
f_chain_rtt() { chain "$1" $P2 $P9 "$BB/tcp" connect 192.0.2.10 80 5; }
f_chain_rate() { chain "$1" $P0 $P8 "$BB/tcp" cycle 192.0.2.10 80 1000; }
chain_v="socksify $pipe_v"
echo " $peers " | grep -q ' proxychains ' && chain_v="$chain_v proxychains"
say "13 chains"
run 13a 3 f_chain_rtt $chain_v
record 13a 13a 1 "connect() time, two-hop chain, ${D} ms RTT per link" ms lower abs $chain_v
run 13b 3 f_chain_rate plain $chain_v
record 13b 13b 1 "connect+GET+close through a two-hop chain" "conn/s" higher abs plain $chain_v
record 13b 13c 2 "client CPU per connection, two-hop chain" "µs/conn" lower abs plain $chain_v
fi

# 14. failover: the default group in failover mode, its first member dead (nothing listens
# on PX: refused; PS accepts and never answers: the handshake timeout FO_T). A tree's first
# connect() pays for finding it dead; a later process of the same tree skips it. Each run
# is a new tree through the wrapper (its own shared table, where the dead mark lives).
if want 14; then
PX=1079 # nothing listens
PS=1091 # socksd --silent
FO_T=${SX_BENCH_FO_TIMEOUT_MS:-100}
fo() { # fo VARIANT CMD...: CMD in a new tree; socksify = the live proxy alone
	fv=$1
	shift
	case $fv in
	socksify) set -- -s "socks5://127.0.0.1:$P0" "$@" ;;
	failover-refused) set -- --chain-mode failover -s "socks5://127.0.0.1:$PX" \
		-s "socks5://127.0.0.1:$P0" "$@" ;;
	failover-timeout) set -- --chain-mode failover -s "socks5://127.0.0.1:$PS" \
		-s "socks5://127.0.0.1:$P0" "$@" ;;
	*) say "no failover for variant $fv"; return 2 ;;
	esac
	timeout -k 2 "${T:-60}" env -u SOCKSIFY_FAKEDNS SOCKSIFY_PIPELINE=off \
		SOCKSIFY_HANDSHAKE_TIMEOUT="${FO_T}ms" "$B/socksify" -q "$@"
}
f_fo_first() { fo "$1" "$BB/tcp" first 192.0.2.10 80 1; }
f_fo_later() { fo "$1" sh -c '"$0" first 192.0.2.10 80 1 >/dev/null && "$0" first 192.0.2.10 80 1' "$BB/tcp"; }
fo_v="socksify failover-refused failover-timeout"
say "14 failover"
if grep -q -- '--chain-mode' "$root/scripts/socksify.in" 2>/dev/null; then
	start socksd-$PS "$B/socksd" --listen "127.0.0.1:$PS" --silent --ready-file "$W/socksd-$PS.ready"
	wait_file "$W/socksd-$PS.ready" socksd-$PS || exit 1
	run 14a $((R * 2 + 1)) f_fo_first $fo_v
	record 14a 14a 1 "a tree's first connect(), failover with the first proxy dead (timeout = ${FO_T} ms handshake)" \
		ms lower abs $fo_v
	run 14b $((R * 2 + 1)) f_fo_later $fo_v
	record 14b 14b 1 "a later process's first connect() in that tree (the dead proxy skipped)" \
		ms lower abs $fo_v
else
	na 14a "failover with the first proxy dead" failover-refused "n/a (no --chain-mode)"
fi
fi

# ---- the table ---------------------------------------------------------------------------
{
	echo "socksify $(git -C "$root" describe --always --dirty 2>/dev/null || echo '?'), $(uname -m), $(nproc) CPUs," \
		"$(date -u +%Y-%m-%d); \`make bench\`, $R rounds. Median [min–max];" \
		"ratio = this row ÷ socksify (lower-is-better figures: >1 means socksify is faster)."
	echo
	awk -F '\t' -f "$here/table.awk" "$RES"
} >"$OUT.tmp" && mv "$OUT.tmp" "$OUT"
cat "$OUT"
