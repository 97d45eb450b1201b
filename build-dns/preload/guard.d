build-dns/preload/guard.o: preload/guard.c preload/guard.h
preload/guard.h:
