build-dns/preload/hosts.o: preload/hosts.c preload/hosts.h preload/real.h
preload/hosts.h:
preload/real.h:
