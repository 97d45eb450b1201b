build-dns/preload/fakedns_shared.o: preload/fakedns_shared.c \
 preload/../config/bypass.h preload/../core/fakedns.h \
 preload/fakedns_shared.h preload/../core/target.h preload/log.h \
 preload/../config/config.h preload/../config/../core/proxy.h \
 preload/../config/../core/target.h preload/../config/bypass.h \
 preload/real.h
preload/../config/bypass.h:
preload/../core/fakedns.h:
preload/fakedns_shared.h:
preload/../core/target.h:
preload/log.h:
preload/../config/config.h:
preload/../config/../core/proxy.h:
preload/../config/../core/target.h:
preload/../config/bypass.h:
preload/real.h:
