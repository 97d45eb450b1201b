build-dns/preload/getpeername.o: preload/getpeername.c preload/fdtab.h \
 preload/real.h
preload/fdtab.h:
preload/real.h:
