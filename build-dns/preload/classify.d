build-dns/preload/classify.o: preload/classify.c preload/classify.h \
 preload/../core/target.h preload/init.h preload/../config/config.h \
 preload/../config/../core/proxy.h preload/../config/../core/target.h \
 preload/../config/bypass.h
preload/classify.h:
preload/../core/target.h:
preload/init.h:
preload/../config/config.h:
preload/../config/../core/proxy.h:
preload/../config/../core/target.h:
preload/../config/bypass.h:
