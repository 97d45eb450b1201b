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
start relay-$P2 "$BB/relay" $P2 $P0 "$D" "$W/relay-$P2.ready"
start relay-$P4 "$BB/relay" $P4 $P3 "$D" "$W/relay-$P4.ready"
for f in target socksd-$P0 socksd-$P1 socksd-$P3 relay-$P2 relay-$P4; do
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

# ---- the table ---------------------------------------------------------------------------
{
	echo "socksify $(git -C "$root" describe --always --dirty 2>/dev/null || echo '?'), $(uname -m), $(nproc) CPUs," \
		"$(date -u +%Y-%m-%d); \`make bench\`, $R rounds. Median [min–max];" \
		"ratio = this row ÷ socksify (lower-is-better figures: >1 means socksify is faster)."
	echo
	awk -F '\t' -f "$here/table.awk" "$RES"
} >"$OUT.tmp" && mv "$OUT.tmp" "$OUT"
cat "$OUT"
