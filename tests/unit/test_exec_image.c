/* SPDX-License-Identifier: MIT */
/* core/exec_image: scripts, ELF of both classes, static, Go (note and section), truncated
 * files, and $LIB in LD_PRELOAD, over files held in memory. */
#include <elf.h>
#include <errno.h>
#include <string.h>

#include "../../core/exec_image.h"
#include "tap.h"

#define MAXF 16

static struct {
	const char *path;
	unsigned char data[1024];
	size_t len;
} files[MAXF];
static int nfiles;

static int mem_open(const char *path)
{
	for (int i = 0; i < nfiles; i++)
		if (!strcmp(files[i].path, path))
			return i;
	return -ENOENT;
}

static long mem_pread(int fd, void *buf, size_t len, uint64_t off)
{
	if (off >= files[fd].len)
		return 0;
	size_t n = files[fd].len - off < len ? files[fd].len - off : len;
	memcpy(buf, files[fd].data + off, n);
	return (long)n;
}

static void mem_close(int fd)
{
	(void)fd;
}

static const struct sx_image_io io = {mem_open, mem_pread, mem_close};

static int add(const char *path, const void *data, size_t len)
{
	if (nfiles == MAXF || len > sizeof files[0].data)
		return -1;
	files[nfiles].path = path;
	memcpy(files[nfiles].data, data, len);
	files[nfiles].len = len;
	return nfiles++;
}

/* A 64-bit image with one program header of type ptype (and, for PT_NOTE, a note). */
static size_t elf64(unsigned char *b, unsigned machine, uint32_t ptype, const char *note_name)
{
	Elf64_Ehdr e = {.e_type = ET_EXEC,
			.e_machine = (uint16_t)machine,
			.e_version = EV_CURRENT,
			.e_phoff = sizeof e,
			.e_phentsize = sizeof(Elf64_Phdr),
			.e_phnum = 1};
	memcpy(e.e_ident, ELFMAG, SELFMAG);
	e.e_ident[EI_CLASS] = ELFCLASS64;
	e.e_ident[EI_DATA] = ELFDATA2LSB;
	Elf64_Phdr p = {.p_type = ptype, .p_offset = sizeof e + sizeof p, .p_filesz = 0};
	uint32_t nh[3] = {4, 4, 4};
	size_t len = sizeof e + sizeof p;
	if (note_name) {
		p.p_filesz = 12 + 4 + 4;
		memcpy(b + len, nh, sizeof nh);
		memcpy(b + len + 12, note_name, 4);
		memset(b + len + 16, 0xab, 4);
		len += 20;
	}
	memcpy(b, &e, sizeof e);
	memcpy(b + sizeof e, &p, sizeof p);
	return len;
}

static size_t elf32(unsigned char *b, unsigned machine, uint32_t ptype)
{
	Elf32_Ehdr e = {.e_type = ET_DYN,
			.e_machine = (uint16_t)machine,
			.e_version = EV_CURRENT,
			.e_phoff = sizeof e,
			.e_phentsize = sizeof(Elf32_Phdr),
			.e_phnum = 1};
	memcpy(e.e_ident, ELFMAG, SELFMAG);
	e.e_ident[EI_CLASS] = ELFCLASS32;
	e.e_ident[EI_DATA] = ELFDATA2LSB;
	Elf32_Phdr p = {.p_type = ptype};
	memcpy(b, &e, sizeof e);
	memcpy(b + sizeof e, &p, sizeof p);
	/* the header's 52 bytes are shorter than what inspect first reads: pad */
	memset(b + sizeof e + sizeof p, 0, 64);
	return sizeof e + sizeof p + 64;
}

/* A static 64-bit image whose section names include name. */
static size_t elf64_sections(unsigned char *b, const char *name)
{
	static const char strtab_head[] = "\0.shstrtab\0";
	size_t len = elf64(b, EM_X86_64, PT_LOAD, NULL);
	size_t str_off = len, name_at = sizeof strtab_head - 1;
	memcpy(b + len, strtab_head, sizeof strtab_head - 1);
	memcpy(b + len + name_at, name, strlen(name) + 1);
	size_t str_size = name_at + strlen(name) + 1;
	len += (str_size + 7) & ~(size_t)7;
	Elf64_Shdr sh[3] = {
	    {0},
	    {.sh_name = 1, .sh_type = SHT_STRTAB, .sh_offset = str_off, .sh_size = str_size},
	    {.sh_name = (uint32_t)name_at, .sh_type = SHT_PROGBITS}};
	Elf64_Ehdr e;
	memcpy(&e, b, sizeof e);
	e.e_shoff = len;
	e.e_shentsize = sizeof sh[0];
	e.e_shnum = 3;
	e.e_shstrndx = 1;
	memcpy(b, &e, sizeof e);
	memcpy(b + len, sh, sizeof sh);
	return len + sizeof sh;
}

static struct sx_image inspect(int fd, int *r)
{
	struct sx_image img;
	*r = sx_image_inspect(&io, fd, &img);
	return img;
}

int main(void)
{
	unsigned char b[1024];
	int r;
	struct sx_image img;

	img = inspect(add("script", "#!  /bin/sh -e\necho", 19), &r);
	TAP_IS(r, 0, "a script is recognised");
	TAP_IS(img.kind, SX_IMAGE_SCRIPT, "kind SCRIPT");
	TAP_STR(img.interp, "/bin/sh", "interpreter without blanks or arguments");

	img = inspect(add("short", "\177ELF", 4), &r);
	TAP_IS(r, -ENOEXEC, "a file too short to tell is ENOEXEC");

	static const char text[] = "just some text that is long enough to be read as a header, "
				   "no magic at all in it, none";
	img = inspect(add("text", text, sizeof text - 1), &r);
	TAP_OK(r == 0 && img.kind == SX_IMAGE_OTHER, "text is OTHER");

	img = inspect(add("dyn64", b, elf64(b, EM_X86_64, PT_INTERP, NULL)), &r);
	TAP_OK(r == 0 && img.kind == SX_IMAGE_ELF && img.bits == 64 && img.machine == EM_X86_64,
	       "64-bit x86_64 ELF");
	TAP_OK(img.dynamic && !img.go, "PT_INTERP: dynamic, not Go");

	img = inspect(add("static64", b, elf64(b, EM_X86_64, PT_LOAD, NULL)), &r);
	TAP_OK(r == 0 && !img.dynamic, "no PT_INTERP: static");

	img = inspect(add("gonote", b, elf64(b, EM_X86_64, PT_NOTE, "Go\0\0")), &r);
	TAP_OK(img.go, "a note named Go of type 4: Go");
	img = inspect(add("gnunote", b, elf64(b, EM_X86_64, PT_NOTE, "GNU\0")), &r);
	TAP_OK(!img.go, "a GNU note: not Go");

	img = inspect(add("gosect", b, elf64_sections(b, ".go.buildinfo")), &r);
	TAP_OK(r == 0 && img.go && !img.dynamic, "a .go.buildinfo section: Go (static)");
	img = inspect(add("csect", b, elf64_sections(b, ".go.buildinfx")), &r);
	TAP_OK(r == 0 && !img.go, "another section name: not Go");

	/* truncated: the program header table points past the end */
	nfiles = 0;
	size_t n = elf64(b, EM_X86_64, PT_INTERP, NULL);
	Elf64_Ehdr e;
	memcpy(&e, b, sizeof e);
	e.e_phnum = 60000;
	e.e_phoff = 1u << 30;
	memcpy(b, &e, sizeof e);
	img = inspect(add("trunc", b, n), &r);
	TAP_OK(r == 0 && img.kind == SX_IMAGE_ELF && !img.dynamic && !img.go,
	       "program headers past the end: read as static, no crash");

	img = inspect(add("dyn32", b, elf32(b, EM_386, PT_INTERP)), &r);
	TAP_OK(r == 0 && img.bits == 32 && img.machine == EM_386 && img.dynamic,
	       "32-bit i386 dynamic ELF");
	TAP_OK(sx_image_native(&img) == (sizeof(void *) == 4), "native only in a 32-bit build");

	/* LD_PRELOAD with $LIB */
	nfiles = 0;
	struct sx_image i386 = img, amd64;
	int fd = add("dyn64", b, elf64(b, EM_X86_64, PT_INTERP, NULL));
	amd64 = inspect(fd, &r);
	add("/x/lib/i386-linux-gnu/socksify/libsocksify.so", b, elf32(b, EM_386, PT_LOAD));
	TAP_OK(sx_image_preload_covers(&io, "/a.so:/x/$LIB/socksify/libsocksify.so", &i386),
	       "$LIB -> lib/i386-linux-gnu for an i386 program");
	TAP_OK(sx_image_preload_covers(&io, "/a.so /x/${LIB}/socksify/libsocksify.so", &i386),
	       "${LIB}, blank-separated");
	TAP_OK(!sx_image_preload_covers(&io, "/x/$LIB/socksify/libsocksify.so", &amd64),
	       "no x86_64 library there: not covered");
	add("/x/lib/x86_64-linux-gnu/socksify/libsocksify.so", b,
	    elf64(b, EM_X86_64, PT_LOAD, NULL));
	TAP_OK(sx_image_preload_covers(&io, "/x/$LIB/socksify/libsocksify.so", &amd64),
	       "with it: covered");
	TAP_OK(
	    !sx_image_preload_covers(&io, "/x/lib/x86_64-linux-gnu/socksify/libsocksify.so", &i386),
	    "a plain path to the 64-bit library does not cover an i386 program");
	TAP_OK(
	    sx_image_preload_covers(&io, "/x/lib/x86_64-linux-gnu/socksify/libsocksify.so", &amd64),
	    "but covers an x86_64 one");
	add("/y/lib32/socksify/libsocksify.so", b, elf32(b, EM_386, PT_LOAD));
	TAP_OK(sx_image_preload_covers(&io, "/y/$LIB/socksify/libsocksify.so", &i386),
	       "$LIB -> lib32 (libc6-i386's loader)");
	add("/z/lib/i386-linux-gnu/socksify/libsocksify.so", b, elf64(b, EM_X86_64, PT_LOAD, NULL));
	TAP_OK(!sx_image_preload_covers(&io, "/z/$LIB/socksify/libsocksify.so", &i386),
	       "a library of the wrong class there: not covered");
	add("/x/lib/i386-linux-gnu/socksify/other.so", b, elf32(b, EM_386, PT_LOAD));
	TAP_OK(!sx_image_preload_covers(&io, "/x/$LIB/socksify/other.so", &i386),
	       "another library's name: not ours");
	TAP_OK(!sx_image_preload_covers(&io, NULL, &i386) &&
		   !sx_image_preload_covers(&io, "", &i386),
	       "no LD_PRELOAD: not covered");
	struct sx_image st = amd64;
	st.dynamic = false;
	TAP_OK(!sx_image_preload_covers(&io, "/x/$LIB/socksify/libsocksify.so", &st),
	       "a static program is never covered");
	return tap_done();
}
