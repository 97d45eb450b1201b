#!/bin/sh
# SPDX-License-Identifier: MIT
# The demo: inside a private network namespace, start the bundled SOCKS proxy and a
# web server on a documentation address, run curl through socksify, and show what
# each side saw.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
B=${B:-build}
case $B in /*) ;; *) B=$root/$B ;; esac
export B

if [ "${SX_NETNS_INSIDE:-}" != 1 ]; then
	exec "$here/netns.sh" "$0" "$@"
fi

d=$SX_NETNS_DIR
wait_ready() {
	i=0
	while [ ! -e "$1" ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i + 1)); done
	[ -e "$1" ] || { echo "demo: a server did not start" >&2; exit 1; }
}
"$B/target" --http 192.0.2.10:80 --udp-echo 192.0.2.10:7 --log "$d/target.log" \
	--ready-file "$d/target.ready" >/dev/null 2>&1 &
tpid=$!
"$B/socksd" --listen 127.0.0.1:1080 --source 127.0.0.2 --log "$d/proxy.log" \
	--map web.demo.test=192.0.2.10 --ready-file "$d/proxy.ready" >/dev/null 2>&1 &
ppid=$!
trap 'kill $tpid $ppid 2>/dev/null || true' EXIT
wait_ready "$d/target.ready"
wait_ready "$d/proxy.ready"

cat <<EOF2
== socksify demo (in a private network namespace; nothing leaves loopback)
   web server:     http://192.0.2.10/ (answers with the address it saw the client at),
                   UDP echo on 192.0.2.10:7; the name web.demo.test is known only to the proxy
   SOCKS5 proxy:   127.0.0.1:1080 (the bundled test proxy, connecting out from 127.0.0.2)

1. TCP by address
\$ build/socksify -vv -s socks5://127.0.0.1:1080 curl -sS http://192.0.2.10/
EOF2
"$B/socksify" -vv -s socks5://127.0.0.1:1080 curl -sS -m 10 http://192.0.2.10/ 2>&1
cat <<EOF2

2. A name only the proxy can resolve (socks5h: the shim hands curl a fake address)
\$ build/socksify -vv -s socks5h://127.0.0.1:1080 curl -sS http://web.demo.test/
EOF2
"$B/socksify" -vv -s socks5h://127.0.0.1:1080 curl -sS -m 10 http://web.demo.test/ 2>&1
cat <<EOF2

3. dig asks the system resolver itself: the shim answers, then curl uses the answer
\$ build/socksify -s socks5h://127.0.0.1:1080 sh -c 'a=\$(dig +short web.demo.test); echo \$a; curl -sS http://\$a/'
EOF2
"$B/socksify" -s socks5h://127.0.0.1:1080 sh -c 'a=$(dig +short web.demo.test); echo "$a"; curl -sS -m 10 "http://$a/"' 2>&1
cat <<EOF2

4. UDP through a SOCKS5 UDP ASSOCIATE
\$ echo hello-udp | build/socksify -s socks5h://127.0.0.1:1080 nc -u -w 1 192.0.2.10 7
EOF2
echo hello-udp | "$B/socksify" -s socks5h://127.0.0.1:1080 nc -u -w 1 192.0.2.10 7 2>&1
echo
echo "== the proxy's request log"
sed 's/^/   /' "$d/proxy.log"
echo "== the web server's log (peer 127.0.0.2 = the proxy, so every request was proxied)"
sed 's/^/   /' "$d/target.log"
echo "== DNS queries seen by the recorder on 127.0.0.53 (the system resolver): $(wc -l <"$SX_DNSREC_LOG")"
if grep -q 'v5 CONNECT ip=192.0.2.10:80' "$d/proxy.log" &&
	grep -q 'v5 CONNECT name=web.demo.test:80' "$d/proxy.log" &&
	grep -q 'v5 UDP ip=192.0.2.10:7' "$d/proxy.log" &&
	! grep -v 'peer=127.0.0.2:' "$d/target.log" | grep -q . &&
	[ ! -s "$SX_DNSREC_LOG" ]; then
	echo "== OK: every connection and datagram went through the SOCKS proxy, no DNS query leaked"
else
	echo "== FAILED: see the logs above" >&2
	exit 1
fi
