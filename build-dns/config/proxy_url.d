build-dns/config/proxy_url.o: config/proxy_url.c config/proxy_url.h \
 config/../core/proxy.h config/../core/target.h config/bypass.h
config/proxy_url.h:
config/../core/proxy.h:
config/../core/target.h:
config/bypass.h:
