build-dns/core/socks5.o: core/socks5.c core/socks5.h core/target.h \
 core/wire.h
core/socks5.h:
core/target.h:
core/wire.h:
