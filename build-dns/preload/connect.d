build-dns/preload/connect.o: preload/connect.c preload/guard.h \
 preload/real.h preload/tcp_connect.h
preload/guard.h:
preload/real.h:
preload/tcp_connect.h:
