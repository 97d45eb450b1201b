build-dns/config/conf_file.o: config/conf_file.c config/config.h \
 config/../core/proxy.h config/../core/target.h config/bypass.h
config/config.h:
config/../core/proxy.h:
config/../core/target.h:
config/bypass.h:
