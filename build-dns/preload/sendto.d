build-dns/preload/sendto.o: preload/sendto.c preload/guard.h \
 preload/real.h preload/tcp_connect.h
preload/guard.h:
preload/real.h:
preload/tcp_connect.h:
