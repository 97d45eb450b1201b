build-dns/config/config.o: config/config.c config/config.h \
 config/../core/proxy.h config/../core/target.h config/bypass.h \
 config/proxy_url.h
config/config.h:
config/../core/proxy.h:
config/../core/target.h:
config/bypass.h:
config/proxy_url.h:
