build-dns/preload/fdtab.o: preload/fdtab.c preload/fdtab.h
preload/fdtab.h:
