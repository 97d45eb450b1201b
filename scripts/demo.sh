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
"$B/target" --http 192.0.2.10:80 --log "$d/target.log" --ready-file "$d/target.ready" \
	>/dev/null 2>&1 &
tpid=$!
"$B/socksd" --listen 127.0.0.1:1080 --source 127.0.0.2 --log "$d/proxy.log" \
	--map web.demo.test=192.0.2.10 --ready-file "$d/proxy.ready" >/dev/null 2>&1 &
ppid=$!
trap 'kill $tpid $ppid 2>/dev/null || true' EXIT
wait_ready "$d/target.ready"
wait_ready "$d/proxy.ready"

cat <<EOF2
== socksify demo (in a private network namespace; nothing leaves loopback)
   web server:     http://192.0.2.10/ (answers with the address it saw the client at)
   SOCKS5 proxy:   127.0.0.1:1080 (the bundled test proxy, connecting out from 127.0.0.2)

\$ build/socksify -vv -s socks5://127.0.0.1:1080 curl -sS http://192.0.2.10/
EOF2
"$B/socksify" -vv -s socks5://127.0.0.1:1080 curl -sS -m 10 http://192.0.2.10/ 2>&1
echo
echo "== the proxy's request log"
sed 's/^/   /' "$d/proxy.log"
echo "== the web server's connection log (peer 127.0.0.2 = the proxy, so it was proxied)"
sed 's/^/   /' "$d/target.log"
echo "== DNS queries seen by the recorder on 127.0.0.53: $(wc -l <"$SX_DNSREC_LOG")"
grep -q 'v5 CONNECT ip=192.0.2.10:80' "$d/proxy.log" && grep -q 'peer=127.0.0.2' "$d/target.log" \
	&& echo "== OK: curl reached the server through the SOCKS proxy"
