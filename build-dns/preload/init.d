build-dns/preload/init.o: preload/init.c preload/../config/config_path.h \
 preload/../config/config.h preload/../config/../core/proxy.h \
 preload/../config/../core/target.h preload/../config/bypass.h \
 preload/guard.h preload/init.h preload/../config/config.h preload/log.h \
 preload/real.h
preload/../config/config_path.h:
preload/../config/config.h:
preload/../config/../core/proxy.h:
preload/../config/../core/target.h:
preload/../config/bypass.h:
preload/guard.h:
preload/init.h:
preload/../config/config.h:
preload/log.h:
preload/real.h:
