#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# N concurrent asyncio connections (GET, read to EOF) from one event loop; prints the
# milliseconds until the last reply ended. With --socks HOST:PORT, python-socks' own asyncio
# SOCKS5 client connects instead of whatever LD_PRELOAD gives.
#   par.py N HOST PORT [--socks HOST:PORT]
import asyncio
import sys
import time

n, host, port = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
socks = sys.argv[5] if len(sys.argv) > 5 and sys.argv[4] == "--socks" else None


async def one(i):
    if socks:
        from python_socks.async_.asyncio import Proxy

        sock = await Proxy.from_url("socks5://" + socks).connect(host, port)
        r, w = await asyncio.open_connection(sock=sock)
    else:
        r, w = await asyncio.open_connection(host, port)
    w.write(b"GET /%d HTTP/1.0\r\n\r\n" % i)
    reply = await r.read()
    w.close()
    return reply.startswith(b"HTTP/1.1 200") or reply.startswith(b"HTTP/1.0 200")


async def main():
    t0 = time.monotonic()
    ok = await asyncio.gather(*(one(i) for i in range(n)), return_exceptions=True)
    good = sum(1 for x in ok if x is True)
    if good != n:
        print("par.py: %d of %d failed: %s" % (n - good, n, [x for x in ok if x is not True][:1]),
              file=sys.stderr)
        sys.exit(1)
    print("%.1f" % ((time.monotonic() - t0) * 1e3))


asyncio.run(main())
