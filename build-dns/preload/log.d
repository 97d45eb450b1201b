build-dns/preload/log.o: preload/log.c preload/log.h \
 preload/../config/config.h preload/../config/../core/proxy.h \
 preload/../config/../core/target.h preload/../config/bypass.h
preload/log.h:
preload/../config/config.h:
preload/../config/../core/proxy.h:
preload/../config/../core/target.h:
preload/../config/bypass.h:
