build-dns/core/handshake.o: core/handshake.c core/errmap.h \
 core/handshake.h core/proxy.h core/target.h core/socks4.h core/socks5.h
core/errmap.h:
core/handshake.h:
core/proxy.h:
core/target.h:
core/socks4.h:
core/socks5.h:
