build-dns/core/fakedns.o: core/fakedns.c core/fakedns.h core/target.h
core/fakedns.h:
core/target.h:
