build-dns/preload/fdlife.o: preload/fdlife.c preload/fdtab.h \
 preload/real.h
preload/fdtab.h:
preload/real.h:
