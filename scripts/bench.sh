#!/bin/sh
# SPDX-License-Identifier: MIT
# `make bench`: installs the peers compared against (benchmark only), builds the small C
# clients in scripts/bench/ into $B/bench/, and runs scripts/bench/run.sh inside the test
# network namespace. Prints one Markdown table and writes it to $B/bench.md.
#   SX_BENCH_RUNS=5 SX_BENCH_DELAY_MS=20 SX_BENCH_BULK=2147483648 scripts/bench.sh
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
cd "$root"
B=${B:-build}
export B

if [ "${SX_BENCH_NO_DEPS:-}" != 1 ]; then
	ma=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
	SOCKSIFY_EXTRA_DEPS="proxychains4:/usr/lib/$ma/libproxychains.so.4
		tsocks:/usr/lib/$ma/libtsocks.so
		torsocks:/usr/lib/$ma/torsocks/libtorsocks.so
		libdsocksd0:/usr/lib/$ma/libdsocksd.so.0
		python3-python-socks:/usr/lib/python3/dist-packages/python_socks
		python3-async-timeout:/usr/lib/python3/dist-packages/async_timeout" scripts/deps.sh ||
		echo "bench: installing the peers failed; comparing against those present" >&2
	# node's own SOCKS client, for the event-loop figure only (npm, into the build tree)
	if command -v npm >/dev/null && [ ! -d "$B/bench/node/node_modules/socks-proxy-agent" ]; then
		mkdir -p "$B/bench/node"
		npm install --prefix "$B/bench/node" --no-audit --no-fund socks-proxy-agent@10 \
			>/dev/null 2>&1 || echo "bench: npm install socks-proxy-agent failed" >&2
	fi
fi

mkdir -p "$B/bench"
CC=${CC:-cc}
for src in scripts/bench/*.c; do
	bin=$B/bench/$(basename "$src" .c)
	if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ] || [ scripts/bench/bench.h -nt "$bin" ]; then
		$CC -O2 -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -o "$bin" "$src" -lpthread
	fi
done

exec scripts/netns.sh scripts/bench/run.sh
