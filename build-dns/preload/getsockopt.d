build-dns/preload/getsockopt.o: preload/getsockopt.c preload/fdtab.h \
 preload/real.h
preload/fdtab.h:
preload/real.h:
