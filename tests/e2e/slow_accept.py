#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# A listener whose accept queue stays full for DELAY seconds, so the kernel's own connect to it
# stays in progress (its SYN dropped, then sent again): the baseline the shim's asynchronous
# connect is held to. Then it accepts everyone and sends "slow\n".
#   slow_accept.py ADDR PORT DELAY --ready-file FILE
import os
import socket
import sys
import time

addr, port, delay = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
ready = sys.argv[sys.argv.index("--ready-file") + 1]
ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind((addr, port))
ls.listen(0)
# Linux queues backlog + 1 connections: this one fills the queue.
filler = socket.create_connection((addr, port))
time.sleep(0.2)  # until the filler sits in the queue, not only in the handshake
with open(ready + ".tmp", "w") as f:
    f.write("ready\n")
os.rename(ready + ".tmp", ready)
time.sleep(delay)
kept = []
while True:
    c, _ = ls.accept()
    c.sendall(b"slow\n")
    kept.append(c)
