build-dns/preload/getaddrinfo.o: preload/getaddrinfo.c preload/fakename.h \
 preload/init.h preload/../config/config.h \
 preload/../config/../core/proxy.h preload/../config/../core/target.h \
 preload/../config/bypass.h preload/guard.h preload/real.h
preload/fakename.h:
preload/init.h:
preload/../config/config.h:
preload/../config/../core/proxy.h:
preload/../config/../core/target.h:
preload/../config/bypass.h:
preload/guard.h:
preload/real.h:
