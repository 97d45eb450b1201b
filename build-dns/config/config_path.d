build-dns/config/config_path.o: config/config_path.c config/config_path.h \
 config/config.h config/../core/proxy.h config/../core/target.h \
 config/bypass.h
config/config_path.h:
config/config.h:
config/../core/proxy.h:
config/../core/target.h:
config/bypass.h:
