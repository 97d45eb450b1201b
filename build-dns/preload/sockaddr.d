build-dns/preload/sockaddr.o: preload/sockaddr.c preload/sockaddr.h \
 preload/../core/target.h
preload/sockaddr.h:
preload/../core/target.h:
