build-dns/preload/io.o: preload/io.c preload/io.h \
 preload/../core/handshake.h preload/../core/proxy.h \
 preload/../core/target.h preload/init.h preload/../config/config.h \
 preload/../config/../core/proxy.h preload/../config/bypass.h \
 preload/log.h preload/real.h
preload/io.h:
preload/../core/handshake.h:
preload/../core/proxy.h:
preload/../core/target.h:
preload/init.h:
preload/../config/config.h:
preload/../config/../core/proxy.h:
preload/../config/bypass.h:
preload/log.h:
preload/real.h:
