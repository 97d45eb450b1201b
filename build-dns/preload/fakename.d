build-dns/preload/fakename.o: preload/fakename.c preload/fakedns_shared.h \
 preload/../core/target.h preload/fakename.h preload/init.h \
 preload/../config/config.h preload/../config/../core/proxy.h \
 preload/../config/../core/target.h preload/../config/bypass.h \
 preload/hosts.h preload/log.h
preload/fakedns_shared.h:
preload/../core/target.h:
preload/fakename.h:
preload/init.h:
preload/../config/config.h:
preload/../config/../core/proxy.h:
preload/../config/../core/target.h:
preload/../config/bypass.h:
preload/hosts.h:
preload/log.h:
