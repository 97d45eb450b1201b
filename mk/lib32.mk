# SPDX-License-Identifier: MIT
# The 32-bit libsocksify.so (and 32-bit test clients), built beside the native one where
# the compiler can make i386 programs and a 32-bit libcares.a exists (gcc-multilib and
# libc-ares-dev:i386, which scripts/deps.sh installs); otherwise skipped with one line.

MULTIARCH32 := $(if $(MULTIARCH),$(shell $(CC) -m32 -print-multiarch 2>/dev/null))
CARES32_A   := $(if $(MULTIARCH32),$(firstword $(wildcard /usr/lib/$(MULTIARCH32)/libcares.a)))
CC32_WORKS  := $(if $(CARES32_A),$(shell printf 'int main(void){return 0;}' | \
                 $(CC) -m32 -x c -o /dev/null - 2>/dev/null && echo yes))

LIB32_SKIP :=
ifeq ($(MULTIARCH32),)
  LIB32_SKIP := the compiler has no 32-bit target
else ifeq ($(MULTIARCH32),$(MULTIARCH))
  LIB32_SKIP := the compiler has no 32-bit target
else ifneq ($(findstring -fsanitize,$(OPT)),)
  LIB32_SKIP := a sanitizer build preloads a 64-bit runtime
else ifeq ($(CARES32_A),)
  LIB32_SKIP := no 32-bit libcares.a (libc-ares-dev:i386)
else ifneq ($(CC32_WORKS),yes)
  LIB32_SKIP := $(CC) -m32 cannot link a program (gcc-multilib)
endif

B32 := $(B)/m32
LIB32 := $(B)/lib/$(MULTIARCH32)/socksify/libsocksify.so
TOOL32 := stress_proc
TOOL32_BIN := $(TOOL32:%=$(B32)/%)

ifeq ($(LIB32_SKIP),)
# libc6-i386's loader (/lib32/ld-linux.so.2) expands $LIB to lib32.
LIB32_LINK := $(B)/lib32
LIB32_ALL := $(LIB32) $(LIB32_LINK) $(TOOL32_BIN)
LIB32_INSTALL = install -d $(DESTDIR)$(PREFIX)/lib/$(MULTIARCH32)/socksify && \
  install -m 0644 $(LIB32) $(DESTDIR)$(PREFIX)/lib/$(MULTIARCH32)/socksify/libsocksify.so && \
  install -d $(DESTDIR)$(PREFIX)/lib32 && \
  ln -sfn ../lib/$(MULTIARCH32)/socksify $(DESTDIR)$(PREFIX)/lib32/socksify
LIB32_UNINSTALL = rm -f $(DESTDIR)$(PREFIX)/lib/$(MULTIARCH32)/socksify/libsocksify.so \
  $(DESTDIR)$(PREFIX)/lib32/socksify; \
  rmdir $(DESTDIR)$(PREFIX)/lib/$(MULTIARCH32)/socksify $(DESTDIR)$(PREFIX)/lib32 2>/dev/null || true
else
LIB32_ALL := lib32-skipped
LIB32_INSTALL = @echo "socksify: no 32-bit library to install: $(LIB32_SKIP)"
LIB32_UNINSTALL = rm -f $(DESTDIR)$(PREFIX)/lib/$(MULTIARCH32)/socksify/libsocksify.so \
  $(DESTDIR)$(PREFIX)/lib32/socksify
endif

.PHONY: lib32-skipped
lib32-skipped:
	@echo "socksify: 32-bit libsocksify.so skipped: $(LIB32_SKIP)"

$(B32)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) -m32 $(CFLAGS_ALL) $(LIB_DEFS) -MMD -MP -c $< -o $@

$(B32)/libsxcore.a: $(CORE_SRC:%.c=$(B32)/%.o) $(CONFIG_SRC:%.c=$(B32)/%.o)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

PRELOAD32_OBJ := $(PRELOAD_SRC:%.c=$(B32)/%.o) $(SHARED_SRC:%.c=$(B32)/%.o)
$(LIB32): $(PRELOAD32_OBJ) $(B32)/libsxcore.a preload/exports.map
	@mkdir -p $(@D)
	$(CC) -m32 $(CFLAGS_ALL) -shared -o $@ $(PRELOAD32_OBJ) $(B32)/libsxcore.a \
	  -Wl,--version-script=preload/exports.map -Wl,--exclude-libs,ALL \
	  -Wl,-z,defs $(CARES32_A) -ldl -lpthread

$(LIB32_LINK):
	ln -sfn lib/$(MULTIARCH32) $@

$(B32)/%: tests/proxy/%.c $(TOOL_COMMON:%.c=$(B32)/%.o)
	@mkdir -p $(@D)
	$(CC) -m32 $(CFLAGS_ALL) -o $@ $< $(TOOL_COMMON:%.c=$(B32)/%.o) -lpthread
