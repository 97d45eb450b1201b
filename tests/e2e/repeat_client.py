#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# A test client: N connections to HOST PORT one after another in ONE process, printing
# for each the first line the server sent ("peer=..." from whoami) or "errno=<name>",
# so tests see how a process's successive connections were routed.
#   repeat_client.py HOST PORT N
import errno
import socket
import sys

host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
family = socket.AF_INET6 if ":" in host else socket.AF_INET
for _ in range(n):
    s = socket.socket(family, socket.SOCK_STREAM)
    try:
        s.connect((host, port))
        s.settimeout(10)
        line = s.makefile("rb").readline().decode(errors="replace").strip()
        print(line or "eof")
    except OSError as e:
        print("errno=" + errno.errorcode.get(e.errno, str(e.errno)))
    finally:
        s.close()
    sys.stdout.flush()
