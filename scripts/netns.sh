#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs a command inside a private network + mount namespace: loopback only, the
# documentation addresses on lo (targets that must not count as loopback), and
# /etc/resolv.conf pointing at the DNS recorder on 127.0.0.53, which logs every query
# to $SX_DNSREC_LOG so a leaked lookup is seen; /etc/hosts gains hosts.test and
# direct.test (192.0.2.10). The recorder never answers silent.test or the PTR of
# 192.0.2.99, so a lookup of either waits for the resolver's timeout.
#   scripts/netns.sh COMMAND [ARG...]
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
B=${B:-build}
case $B in /*) ;; *) B=$root/$B ;; esac

if [ "${SX_NETNS_INSIDE:-}" != 1 ]; then
	export SX_NETNS_INSIDE=1
	if [ "$(id -u)" -eq 0 ]; then
		exec unshare --mount --net --propagation private -- "$0" "$@"
	else
		exec unshare --map-root-user --mount --net --propagation private -- "$0" "$@"
	fi
fi

ip link set lo up
for a in 192.0.2.10 192.0.2.11 198.51.100.10 203.0.113.10; do
	ip addr add "$a/32" dev lo
done
ip addr add 2001:db8::10/128 dev lo nodad
ip addr add 2001:db8::11/128 dev lo nodad

SX_NETNS_DIR=$(mktemp -d "${TMPDIR:-/tmp}/socksify-netns.XXXXXX")
export SX_NETNS_DIR
# What the library learns about this namespace's proxies (the pipeline cache) stays here.
XDG_CACHE_HOME=$SX_NETNS_DIR/cache
export XDG_CACHE_HOME
printf 'nameserver 127.0.0.53\noptions timeout:1 attempts:1\n' >"$SX_NETNS_DIR/resolv.conf"
mount --bind "$SX_NETNS_DIR/resolv.conf" /etc/resolv.conf
# Names the tests resolve from /etc/hosts (locally, without DNS).
{ cat /etc/hosts; printf '192.0.2.10\thosts.test direct.test\n'; } >"$SX_NETNS_DIR/hosts"
mount --bind "$SX_NETNS_DIR/hosts" /etc/hosts

SX_DNSREC_LOG=$SX_NETNS_DIR/dns-queries.log
export SX_DNSREC_LOG
: >"$SX_DNSREC_LOG"
dnsrec_pid=""
if [ -x "$B/dnsrec" ]; then
	"$B/dnsrec" --listen 127.0.0.53:53 --log "$SX_DNSREC_LOG" --silent silent.test \
		--silent 99.2.0.192.in-addr.arpa \
		--ready-file "$SX_NETNS_DIR/dnsrec.ready" &
	dnsrec_pid=$!
	i=0
	while [ ! -e "$SX_NETNS_DIR/dnsrec.ready" ] && [ $i -lt 200 ]; do
		sleep 0.01
		i=$((i + 1))
	done
fi

set +e
"$@"
rc=$?
[ -n "$dnsrec_pid" ] && kill "$dnsrec_pid" 2>/dev/null
rm -rf "$SX_NETNS_DIR"
exit $rc
