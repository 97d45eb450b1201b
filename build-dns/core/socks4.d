build-dns/core/socks4.o: core/socks4.c core/socks4.h core/target.h \
 core/wire.h
core/socks4.h:
core/target.h:
core/wire.h:
