build-dns/core/socks5_udp.o: core/socks5_udp.c core/socks5.h \
 core/target.h core/socks5_udp.h
core/socks5.h:
core/target.h:
core/socks5_udp.h:
