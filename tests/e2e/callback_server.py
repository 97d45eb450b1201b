#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Active FTP's shape without FTP: a client sends "IP PORT" on the control connection and
# this server connects back there (from its own address) and sends one line; each
# connection it makes is logged, so a test can tell where the data connection went.
#   callback_server.py LISTEN_IP PORT LOG --ready-file FILE
import os
import socket
import sys
import threading

ip, port, log, ready = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[5]


def serve(c):
    with c:
        line = c.makefile().readline().split()
        if len(line) != 2:
            return
        with open(log, "a") as f:
            f.write("control-from=%s:%d connect-to=%s:%s\n" % (c.getpeername()[:2] + tuple(line)))
        try:
            d = socket.create_connection((line[0], int(line[1])), timeout=10, source_address=(ip, 0))
            d.sendall(b"hello from the callback\n")
            d.close()
            c.sendall(b"sent\n")
        except OSError as e:
            c.sendall(("failed %s\n" % e.strerror).encode())


s = socket.socket(socket.AF_INET6 if ":" in ip else socket.AF_INET)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((ip, port))
s.listen(16)
open(ready + ".tmp", "w").close()
os.rename(ready + ".tmp", ready)
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
