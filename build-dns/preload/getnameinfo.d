build-dns/preload/getnameinfo.o: preload/getnameinfo.c \
 preload/fakedns_shared.h preload/../core/target.h preload/guard.h \
 preload/init.h preload/../config/config.h \
 preload/../config/../core/proxy.h preload/../config/../core/target.h \
 preload/../config/bypass.h preload/real.h
preload/fakedns_shared.h:
preload/../core/target.h:
preload/guard.h:
preload/init.h:
preload/../config/config.h:
preload/../config/../core/proxy.h:
preload/../config/../core/target.h:
preload/../config/bypass.h:
preload/real.h:
