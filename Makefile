# SPDX-License-Identifier: MIT
# socksify: plain GNU make, no configure. Everything is built into $(B)/.

CC      ?= cc
PREFIX  ?= /usr/local
DESTDIR ?=
B       ?= build
VERSION := 0.1.0

OPT     ?= -O2 -g
WARN    := -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wformat=2
SAN     ?=
PRELOAD_FIRST :=
ifeq ($(SAN),1)
  OPT   := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
  # Programs that are not instrumented need the ASan runtime loaded before anything else.
  PRELOAD_FIRST := $(shell $(CC) -print-file-name=libasan.so)
endif
CFLAGS_ALL := $(WARN) $(OPT) -fPIC -fvisibility=hidden -D_GNU_SOURCE $(CFLAGS)
LIB_DEFS   := -DNDEBUG -DSX_VERSION='"$(VERSION)"'
MULTIARCH  := $(shell $(CC) -print-multiarch 2>/dev/null)
CARES_A    := $(firstword $(wildcard /usr/lib/$(MULTIARCH)/libcares.a /usr/lib/libcares.a \
                /usr/local/lib/libcares.a))

CORE_SRC    := $(sort $(wildcard core/*.c))
CONFIG_SRC  := $(sort $(wildcard config/*.c))
PRELOAD_SRC := $(sort $(wildcard preload/*/*.c))
UNIT_SRC    := $(sort $(wildcard tests/unit/test_*.c))
TOOL_SRC    := $(sort $(wildcard tests/proxy/*.c))
TOOL_COMMON := $(sort $(wildcard tests/proxy/common/*.c))

CORE_OBJ    := $(CORE_SRC:%.c=$(B)/%.o)
CONFIG_OBJ  := $(CONFIG_SRC:%.c=$(B)/%.o)
# The library's exec checks share socksify-check's secure-exec rules.
SHARED_SRC  := config/check/secure_exec.c
PRELOAD_OBJ := $(PRELOAD_SRC:%.c=$(B)/%.o) $(SHARED_SRC:%.c=$(B)/%.o)
UNIT_BIN    := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/unit/%)
TOOL_BIN    := $(TOOL_SRC:tests/proxy/%.c=$(B)/%)
TOOL_COMMON_OBJ := $(TOOL_COMMON:%.c=$(B)/%.o)
GO_BIN      := $(if $(shell command -v go 2>/dev/null),$(B)/go_client $(B)/go_client_static)

LIB     := $(B)/libsocksify.so
WRAPPER := $(B)/socksify
CHECKER := $(B)/socksify-check

# ld.so expands $LIB in LD_PRELOAD to the directory of the loading program's class: on
# Debian lib/x86_64-linux-gnu, lib/i386-linux-gnu, and lib32 for libc6-i386's loader.
# The build tree and the installed tree are laid out for it, so one LD_PRELOAD string
# gives every program, and its children, the library of its own class.
PRELOAD_AT = $(if $(MULTIARCH),$(1)/$$LIB/socksify/libsocksify.so,$(1)/libsocksify.so)
LIB_NATIVE := $(if $(MULTIARCH),$(B)/lib/$(MULTIARCH)/socksify/libsocksify.so)
include mk/lib32.mk

.PHONY: all lib tools unit check asan demo bench install uninstall clean deps format-check
all: $(LIB) $(LIB_NATIVE) $(LIB32_ALL) $(WRAPPER) $(CHECKER) $(TOOL_BIN) \
     $(B)/leak_client_static $(B)/late_wait.so $(GO_BIN) $(UNIT_BIN)

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $(LIB_DEFS) -MMD -MP -c $< -o $@

$(B)/libsxcore.a: $(CORE_OBJ) $(CONFIG_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

# Lazy binding (no -z now): every process that loads the library pays for its symbol
# binding at start-up, and most never call most hooks (measured: 214k -> 148k
# instructions for /bin/true, 127k without the library).
$(LIB): $(PRELOAD_OBJ) $(B)/libsxcore.a preload/exports.map
	$(CC) $(CFLAGS_ALL) -shared -o $@ $(PRELOAD_OBJ) $(B)/libsxcore.a \
	  -Wl,--version-script=preload/exports.map -Wl,--exclude-libs,ALL \
	  -Wl,-z,defs $(CARES_A) -ldl -lpthread

$(LIB_NATIVE): $(LIB)
	@mkdir -p $(@D)
	ln -sfn ../../../$(notdir $(LIB)) $@

$(WRAPPER): scripts/socksify.in Makefile
	@mkdir -p $(@D)
	sed -e 's|@LIBDIR@|$(abspath $(B))|g' -e 's|@VERSION@|$(VERSION)|g' \
	  -e 's|@PRELOAD@|$(call PRELOAD_AT,$(abspath $(B)))|g' \
	  -e 's|@PRELOAD_FIRST@|$(PRELOAD_FIRST)|g' $< > $@
	chmod +x $@

$(CHECKER): $(wildcard config/check/*.c) $(wildcard config/check/*.h) $(B)/libsxcore.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -o $@ $(filter %.c,$^) $(B)/libsxcore.a -lpthread

$(B)/tests/unit/%: tests/unit/%.c $(B)/libsxcore.a tests/unit/tap.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(B)/libsxcore.a

# The proxy-health probe runs proxy_health.c over a tree's table file by itself.
$(B)/health_probe: tests/proxy/health_probe.c preload/base/proxy_health.c $(B)/libsxcore.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -o $@ $(filter %.c,$^) $(B)/libsxcore.a

# Unit tests of preload files that need nothing of the library around them.
$(B)/tests/unit/test_pick: preload/base/pick.c
$(B)/tests/unit/test_proxy_health: preload/base/proxy_health.c
$(B)/tests/unit/test_pick $(B)/tests/unit/test_proxy_health: $(B)/tests/unit/%: tests/unit/%.c \
  $(B)/libsxcore.a tests/unit/tap.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -o $@ $(filter %.c,$^) $(B)/libsxcore.a

$(B)/%: tests/proxy/%.c $(TOOL_COMMON_OBJ)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(TOOL_COMMON_OBJ) -lpthread

# The isolation tests' client: connects past the preload (raw syscall, dlsym, io_uring),
# and a static build of it, which the preload cannot reach at all.
URING_LIB := $(if $(wildcard /usr/include/liburing.h),-luring)
$(B)/leak_client: tests/proxy/leak_client.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -o $@ $< -ldl $(URING_LIB)

# A library preloaded after ours (tests/e2e/async.bats): it holds the program's first
# wait back until another thread has connected.
$(B)/late_wait.so: tests/proxy/preload/late_wait.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -shared -o $@ $< -ldl

# Go programs for the Go tests, where Debian's golang-go is there: dynamic (cgo, as a
# plain go build makes them when a C compiler is present) and static.
GO_ENV := GOCACHE=$(abspath $(B))/gocache GOFLAGS=
$(B)/go_client: tests/proxy/go_client.go
	@mkdir -p $(@D)
	cd tests/proxy && $(GO_ENV) go build -o $(abspath $@) go_client.go

$(B)/go_client_static: tests/proxy/go_client.go
	@mkdir -p $(@D)
	cd tests/proxy && CGO_ENABLED=0 $(GO_ENV) go build -o $(abspath $@) go_client.go

# No sanitizer runtime links statically: this one is built plain, in `make asan` too.
$(B)/leak_client_static: tests/proxy/leak_client.c
	@mkdir -p $(@D)
	$(CC) $(WARN) -O2 -D_GNU_SOURCE -DLEAK_STATIC -static -o $@ $<

deps:
	scripts/deps.sh

check:
	scripts/deps.sh
	$(MAKE) all
	B=$(B) scripts/check.sh

asan:
	scripts/deps.sh
	$(MAKE) B=build-asan SAN=1 CC=$(CC) all
	B=build-asan SAN=1 scripts/check.sh

demo:
	scripts/deps.sh
	$(MAKE) all
	B=$(B) scripts/demo.sh

bench:
	scripts/deps.sh
	$(MAKE) all
	B=$(B) scripts/bench.sh

# lib/<multiarch>/socksify/ holds the library of each class built (and socksify-check);
# without a multiarch triplet, lib/socksify/.
INST_LIBDIR := $(PREFIX)/lib/$(if $(MULTIARCH),$(MULTIARCH)/)socksify
install: $(LIB) $(LIB32_ALL) $(CHECKER) socksify.1
	install -d $(DESTDIR)$(INST_LIBDIR) $(DESTDIR)$(PREFIX)/bin \
	  $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0644 $(LIB) $(DESTDIR)$(INST_LIBDIR)/libsocksify.so
	install -m 0755 $(CHECKER) $(DESTDIR)$(INST_LIBDIR)/socksify-check
	$(LIB32_INSTALL)
	sed -e 's|@LIBDIR@|$(INST_LIBDIR)|g' -e 's|@VERSION@|$(VERSION)|g' -e 's|@PRELOAD_FIRST@||g' \
	  -e 's|@PRELOAD@|$(call PRELOAD_AT,$(if $(MULTIARCH),$(PREFIX),$(INST_LIBDIR)))|g' \
	  scripts/socksify.in > $(DESTDIR)$(PREFIX)/bin/socksify
	chmod 0755 $(DESTDIR)$(PREFIX)/bin/socksify
	install -m 0644 socksify.1 $(DESTDIR)$(PREFIX)/share/man/man1/socksify.1

uninstall:
	rm -f $(DESTDIR)$(INST_LIBDIR)/libsocksify.so \
	  $(DESTDIR)$(INST_LIBDIR)/socksify-check $(DESTDIR)$(PREFIX)/bin/socksify \
	  $(DESTDIR)$(PREFIX)/share/man/man1/socksify.1
	$(LIB32_UNINSTALL)
	-rmdir $(DESTDIR)$(INST_LIBDIR)

format-check:
	clang-format --dry-run --Werror core/*.[ch] config/*.[ch] config/check/*.c preload/*/*.[ch] tests/proxy/*.c tests/unit/*.[ch]

clean:
	rm -rf build build-asan build-clang build-tsan

-include $(shell find $(B) -name '*.d' 2>/dev/null)

# ---- fuzzing: libFuzzer targets in tests/fuzz (clang; not part of check) ----
# Each target gets the core/config sources compiled in with coverage instrumentation.
# The committed seeds are copied into build/fuzz/corpus/<t>/, which grows across runs.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_JOBS    ?= $(shell nproc 2>/dev/null || echo 1)
FUZZ_B       := build/fuzz
FUZZ_CFLAGS  := $(WARN) -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
                -fno-sanitize-recover=all -D_GNU_SOURCE $(LIB_DEFS)
FUZZ_SRC     := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES   := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
FUZZ_BIN     := $(FUZZ_NAMES:%=$(FUZZ_B)/fuzz_%)
FUZZ_RUNS    := $(FUZZ_NAMES:%=fuzz-run-%)

.PHONY: fuzz fuzz-smoke fuzz-build $(FUZZ_RUNS)
fuzz-build: $(FUZZ_BIN)

$(FUZZ_B)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(CORE_SRC) $(CONFIG_SRC) \
		  $(wildcard core/*.h config/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(CORE_SRC) $(CONFIG_SRC)

# A crash does not stop the other targets; the summary reports it and fails.
$(FUZZ_RUNS): fuzz-run-%: $(FUZZ_B)/fuzz_%
	@mkdir -p $(FUZZ_B)/corpus/$* $(FUZZ_B)/crash/$*
	@if [ -d tests/fuzz/corpus/$* ]; then cp -n tests/fuzz/corpus/$*/* $(FUZZ_B)/corpus/$*/; fi
	@echo "fuzz $*: $(FUZZ_SECONDS)s"
	@$< -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 -timeout=10 \
	  -artifact_prefix=$(FUZZ_B)/crash/$*/ $(FUZZ_B)/corpus/$* >$(FUZZ_B)/$*.log 2>&1; \
	  echo $$? >$(FUZZ_B)/$*.rc

fuzz: fuzz-build
	@rm -f $(FUZZ_NAMES:%=$(FUZZ_B)/%.rc)
	@$(MAKE) --no-print-directory -j$(FUZZ_JOBS) FUZZ_SECONDS=$(FUZZ_SECONDS) $(FUZZ_RUNS)
	@tests/fuzz/summary.sh $(FUZZ_B) $(FUZZ_NAMES)

fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=5

# ---- thread sanitizer and valgrind stress (tests/e2e/stress.bats; not part of check) ----
# The library and every test tool are built with -fsanitize=thread into build-tsan/; the
# instrumented stress program brings the TSan runtime, which the library then shares.
# Any report fails the program (exit 66), so the test.
TSAN_B     := build-tsan
TSAN_TESTS := 64 threads|IPv6 fake|fork while|vfork|closes every|mid-handshake
TSAN_BIN   := libsocksify.so socksify socksify-check stress_proc socksd target dnsrec

.PHONY: check-tsan check-valgrind
check-tsan:
	$(MAKE) B=$(TSAN_B) OPT="-O1 -g -fsanitize=thread" $(TSAN_BIN:%=$(TSAN_B)/%) \
	  $(if $(MULTIARCH),$(TSAN_B)/lib/$(MULTIARCH)/socksify/libsocksify.so)
	TSAN_OPTIONS=halt_on_error=1:report_signal_unsafe=0:report_thread_leaks=0:exitcode=66 \
	  B=$(TSAN_B) scripts/netns.sh bats --tap --filter '$(TSAN_TESTS)' tests/e2e/stress.bats

# stress.bats runs 2000 iterations under valgrind on every check (about 2 s); this runs 20000.
check-valgrind:
	$(MAKE) all
	STRESS_LOOP=20000 B=$(B) scripts/netns.sh bats --tap --filter valgrind tests/e2e/stress.bats

# Every sanitizer suite in one go: ASan+UBSan over unit and e2e, then TSan stress.
.PHONY: check-sanitize
check-sanitize: asan check-tsan
