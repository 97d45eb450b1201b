build-dns/config/bypass.o: config/bypass.c config/bypass.h
config/bypass.h:
