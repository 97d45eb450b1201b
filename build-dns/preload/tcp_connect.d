build-dns/preload/tcp_connect.o: preload/tcp_connect.c preload/classify.h \
 preload/../core/target.h preload/init.h preload/../config/config.h \
 preload/../config/../core/proxy.h preload/../config/../core/target.h \
 preload/../config/bypass.h preload/fakedns_shared.h preload/fdtab.h \
 preload/io.h preload/../core/handshake.h preload/../core/proxy.h \
 preload/../core/target.h preload/log.h preload/real.h preload/sockaddr.h \
 preload/tcp_connect.h
preload/classify.h:
preload/../core/target.h:
preload/init.h:
preload/../config/config.h:
preload/../config/../core/proxy.h:
preload/../config/../core/target.h:
preload/../config/bypass.h:
preload/fakedns_shared.h:
preload/fdtab.h:
preload/io.h:
preload/../core/handshake.h:
preload/../core/proxy.h:
preload/../core/target.h:
preload/log.h:
preload/real.h:
preload/sockaddr.h:
preload/tcp_connect.h:
