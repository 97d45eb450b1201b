build-dns/core/errmap.o: core/errmap.c core/errmap.h
core/errmap.h:
