#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# A scripted SOCKS5 "proxy" for replies the bundled one cannot make: it answers the greeting
# with 05 00, reads the request, then sends the reply bytes of one scenario (and never
# connects anywhere, so any answer a program gets came from here).
#   raw_proxy.py PORT SCENARIO --ready-file F
import socket
import struct
import sys
import threading

port, scenario = int(sys.argv[1]), sys.argv[2]
ready = sys.argv[sys.argv.index("--ready-file") + 1]

GARBAGE = bytes((i * 37 + 11) % 255 + 1 for i in range(255))  # no NUL byte
SCENARIOS = {
    # a well-formed reply whose BND.ADDR is a 255-byte name of garbage, then relayed data
    "bnd255": b"\x05\x00\x00\x03\xff" + GARBAGE + b"\x00\x50" + b"after-bnd\n",
    # the same with a NUL inside the name: not a name
    "bnd255nul": b"\x05\x00\x00\x03\xff" + GARBAGE[:100] + b"\x00" + GARBAGE[101:] + b"\x00\x50",
    "bnd0": b"\x05\x00\x00\x03\x00\x00\x50",
    # a 255-byte name announced, 100 bytes sent, then the proxy closes / stays silent
    "bndshort": b"\x05\x00\x00\x03\xff" + GARBAGE[:100],
    "bndsilent": b"\x05\x00\x00\x03\xff" + GARBAGE[:100],
    "badatyp": b"\x05\x00\x00\x07" + b"\x00" * 6,
    "version4": b"\x04\x00\x00\x01\x7f\x00\x00\x01\x00\x50",
    "version0": b"\x00\x5a\x00\x50\x7f\x00\x00\x01",
    # half a reply, then a reset (SO_LINGER 0)
    "reset": b"\x05\x00\x00",
    "resetgreeting": b"",
    # a UDP ASSOCIATE granted with a relay on a port where nothing listens: datagrams
    # sent there draw ICMP port unreachable; the control connection stays open
    "deadrelay": b"\x05\x00\x00\x01\x7f\x00\x00\x01\x00\x09",
}


def read_request(c):
    greet = c.recv(2)
    c.recv(greet[1])
    c.sendall(b"\x05\x00")
    hdr = b""
    while len(hdr) < 5:
        hdr += c.recv(5 - len(hdr))
    need = {1: 3 + 2, 4: 15 + 2, 3: hdr[4] + 2}[hdr[3]]
    while need:
        need -= len(c.recv(need))


def serve(c):
    try:
        if scenario == "resetgreeting":
            c.recv(16)
        else:
            read_request(c)
            c.sendall(SCENARIOS[scenario])
        if scenario.startswith("reset"):
            c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif scenario in ("bndsilent", "deadrelay"):
            c.recv(1)  # until the client gives up
        elif scenario == "bnd255":
            c.shutdown(socket.SHUT_WR)
            c.recv(1)
    except OSError:
        pass
    c.close()


s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port))
s.listen(16)
open(ready, "w").close()
while True:
    conn, _ = s.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
