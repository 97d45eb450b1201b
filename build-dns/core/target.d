build-dns/core/target.o: core/target.c core/target.h
core/target.h:
