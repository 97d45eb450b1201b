/* SPDX-License-Identifier: MIT */
/* Reads an image's ELF header, program headers (PT_INTERP, PT_NOTE) and section names,
 * of either class, bounded so that a hostile file costs at most a few hundred reads. */
#include <elf.h>
#include <errno.h>
#include <string.h>

#include "exec_image.h"

#define MAX_PHDRS   256
#define MAX_SHDRS   1024
#define CHUNK	    2048 /* bytes of a header table, a note or the section names read at once */
#define PATH_BYTES  1024
#define GO_NOTE	    4 /* the type of Go's build-id note, named "Go" */
#define GO_BUILDINF ".go.buildinfo"

#if defined(__x86_64__)
#define OWN_MACHINE EM_X86_64
#elif defined(__i386__)
#define OWN_MACHINE EM_386
#elif defined(__aarch64__)
#define OWN_MACHINE EM_AARCH64
#elif defined(__arm__)
#define OWN_MACHINE EM_ARM
#else
#define OWN_MACHINE EM_NONE
#endif

/* The fields we use, whichever the class. */
struct elf_head {
	uint64_t phoff, shoff;
	unsigned phentsize, phnum, shentsize, shnum, shstrndx;
};

static void parse_script(const unsigned char *b, size_t n, struct sx_image *img)
{
	size_t i = 2, j = 0;
	img->kind = SX_IMAGE_SCRIPT;
	while (i < n && (b[i] == ' ' || b[i] == '\t'))
		i++;
	while (i < n && b[i] != ' ' && b[i] != '\t' && b[i] != '\n' && b[i] != '\0' &&
	       j + 1 < sizeof img->interp)
		img->interp[j++] = (char)b[i++];
	img->interp[j] = '\0';
}

static void parse_head(const unsigned char *b, struct sx_image *img, struct elf_head *h)
{
	if (img->bits == 64) {
		Elf64_Ehdr e;
		memcpy(&e, b, sizeof e);
		img->machine = e.e_machine;
		*h = (struct elf_head){e.e_phoff,     e.e_shoff, e.e_phentsize, e.e_phnum,
				       e.e_shentsize, e.e_shnum, e.e_shstrndx};
	} else {
		Elf32_Ehdr e;
		memcpy(&e, b, sizeof e);
		img->machine = e.e_machine;
		*h = (struct elf_head){e.e_phoff,     e.e_shoff, e.e_phentsize, e.e_phnum,
				       e.e_shentsize, e.e_shnum, e.e_shstrndx};
	}
}

static bool go_note(const unsigned char *b, size_t n)
{
	size_t i = 0;
	while (i + 12 <= n) {
		uint32_t namesz, descsz, type;
		memcpy(&namesz, b + i, 4);
		memcpy(&descsz, b + i + 4, 4);
		memcpy(&type, b + i + 8, 4);
		i += 12;
		if (namesz > n - i)
			return false;
		if (type == GO_NOTE && namesz >= 3 && !memcmp(b + i, "Go\0", 3))
			return true;
		size_t skip = ((size_t)namesz + 3) / 4 * 4 + ((size_t)descsz + 3) / 4 * 4;
		if (skip > n - i)
			return false;
		i += skip;
	}
	return false;
}

/* A table of fixed-size entries (program or section headers), read a chunk at a time. */
struct table {
	const struct sx_image_io *io;
	int fd;
	uint64_t off;
	unsigned entsize, count, first, have;
	unsigned char buf[CHUNK];
};

static void table_open(struct table *t, const struct sx_image_io *io, int fd, uint64_t off,
		       unsigned entsize, unsigned count, unsigned max)
{
	t->io = io, t->fd = fd, t->off = off, t->entsize = entsize, t->first = 0, t->have = 0;
	t->count = entsize && entsize <= CHUNK ? (count < max ? count : max) : 0;
}

/* Entry i, with at least need bytes; NULL past the table's end or the file's. */
static const unsigned char *table_entry(struct table *t, unsigned i, size_t need)
{
	if (i >= t->count || t->entsize < need)
		return NULL;
	if (i < t->first || i >= t->first + t->have) {
		unsigned n = CHUNK / t->entsize;
		if (n > t->count - i)
			n = t->count - i;
		long got = t->io->pread(t->fd, t->buf, (size_t)n * t->entsize,
					t->off + (uint64_t)i * t->entsize);
		t->first = i;
		t->have = got > 0 ? (unsigned)((size_t)got / t->entsize) : 0;
		if (!t->have)
			return NULL;
	}
	return t->buf + (size_t)(i - t->first) * t->entsize;
}

static void scan_phdrs(struct table *t, const struct elf_head *h, struct sx_image *img,
		       bool want_go, unsigned char *note)
{
	table_open(t, t->io, t->fd, h->phoff, h->phentsize, h->phnum, MAX_PHDRS);
	const unsigned char *e;
	for (unsigned i = 0;
	     (e = table_entry(t, i, img->bits == 64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)));
	     i++) {
		uint64_t off, size;
		uint32_t type;
		if (img->bits == 64) {
			Elf64_Phdr p;
			memcpy(&p, e, sizeof p);
			type = p.p_type, off = p.p_offset, size = p.p_filesz;
		} else {
			Elf32_Phdr p;
			memcpy(&p, e, sizeof p);
			type = p.p_type, off = p.p_offset, size = p.p_filesz;
		}
		if (type == PT_INTERP)
			img->dynamic = true;
		if (type == PT_NOTE && want_go && !img->go) {
			size_t n = size < CHUNK ? (size_t)size : CHUNK;
			long got = t->io->pread(t->fd, note, n, off);
			img->go = got > 0 && go_note(note, (size_t)got);
		}
	}
}

/* The name offset, file offset and size of a section header entry. */
static void section_of(const unsigned char *e, unsigned bits, uint32_t *name, uint64_t *off,
		       uint64_t *size)
{
	if (bits == 64) {
		Elf64_Shdr s;
		memcpy(&s, e, sizeof s);
		*name = s.sh_name, *off = s.sh_offset, *size = s.sh_size;
	} else {
		Elf32_Shdr s;
		memcpy(&s, e, sizeof s);
		*name = s.sh_name, *off = s.sh_offset, *size = s.sh_size;
	}
}

/* Section names are looked for in the first CHUNK bytes of the name table. */
static bool go_section(struct table *t, const struct elf_head *h, unsigned bits,
		       unsigned char *names)
{
	size_t need = bits == 64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
	uint32_t name;
	uint64_t str_off, str_size, off, size;
	if (!h->shoff)
		return false;
	table_open(t, t->io, t->fd, h->shoff, h->shentsize, h->shnum, MAX_SHDRS);
	const unsigned char *e = table_entry(t, h->shstrndx, need);
	if (!e)
		return false;
	section_of(e, bits, &name, &str_off, &str_size);
	long got = t->io->pread(t->fd, names, str_size < CHUNK ? (size_t)str_size : CHUNK, str_off);
	if (got <= 0)
		return false;
	for (unsigned i = 0; (e = table_entry(t, i, need)); i++) {
		section_of(e, bits, &name, &off, &size);
		if (name < (uint64_t)got && (uint64_t)got - name >= sizeof GO_BUILDINF &&
		    !memcmp(names + name, GO_BUILDINF, sizeof GO_BUILDINF))
			return true;
	}
	return false;
}

static int inspect(const struct sx_image_io *io, int fd, struct sx_image *img, bool want_go)
{
	unsigned char b[256];
	memset(img, 0, sizeof *img);
	long n = io->pread(fd, b, sizeof b, 0);
	if (n >= 2 && b[0] == '#' && b[1] == '!') {
		parse_script(b, (size_t)n, img);
		return 0;
	}
	if (n < (long)sizeof(Elf64_Ehdr) || memcmp(b, ELFMAG, SELFMAG))
		return n < (long)sizeof(Elf64_Ehdr) ? -ENOEXEC : 0;
	img->kind = SX_IMAGE_ELF;
	img->bits = b[EI_CLASS] == ELFCLASS64 ? 64 : 32;
	const uint16_t one = 1;
	bool host_order = (b[EI_DATA] == ELFDATA2LSB) == (*(const uint8_t *)&one == 1);
	if (!host_order)
		return 0; /* machine unknown: no library of ours fits it */
	struct elf_head h;
	parse_head(b, img, &h);
	struct table t = {.io = io, .fd = fd};
	unsigned char other[CHUNK]; /* a note, or the section names */
	scan_phdrs(&t, &h, img, want_go, other);
	if (want_go && !img->go)
		img->go = go_section(&t, &h, img->bits, other);
	return 0;
}

int sx_image_inspect(const struct sx_image_io *io, int fd, struct sx_image *img)
{
	return inspect(io, fd, img, true);
}

bool sx_image_native(const struct sx_image *img)
{
	return img->kind == SX_IMAGE_ELF && img->bits == sizeof(void *) * 8 &&
	       img->machine == OWN_MACHINE;
}

/* The directories $LIB may stand for in a loader of img's class. */
static const char *const *lib_dirs(const struct sx_image *img)
{
	static const char *const amd64[] = {"lib/x86_64-linux-gnu", "lib64", "lib", NULL};
	static const char *const x32[] = {"lib/x86_64-linux-gnux32", "libx32", "lib", NULL};
	static const char *const ia32[] = {"lib/i386-linux-gnu", "lib32", "lib", NULL};
	static const char *const arm64[] = {"lib/aarch64-linux-gnu", "lib64", "lib", NULL};
	static const char *const armhf[] = {"lib/arm-linux-gnueabihf", "lib32", "lib", NULL};
	static const char *const plain[] = {"lib", NULL};
	switch (img->machine) {
	case EM_X86_64:
		return img->bits == 64 ? amd64 : x32;
	case EM_386:
		return ia32;
	case EM_AARCH64:
		return arm64;
	case EM_ARM:
		return armhf;
	default:
		return plain;
	}
}

/* entry[0, len) with every $LIB and ${LIB} replaced by dir; false if it does not fit. */
static bool expand(const char *entry, size_t len, const char *dir, char *out, size_t cap)
{
	size_t o = 0, dlen = strlen(dir);
	for (size_t i = 0; i < len;) {
		size_t tok = !strncmp(entry + i, "$LIB", 4)	? 4
			     : !strncmp(entry + i, "${LIB}", 6) ? 6
								: 0;
		const char *piece = tok ? dir : entry + i;
		size_t plen = tok ? dlen : 1;
		if (o + plen >= cap)
			return false;
		memcpy(out + o, piece, plen);
		o += plen;
		i += tok ? tok : 1;
	}
	out[o] = '\0';
	return true;
}

static bool loads(const struct sx_image_io *io, const char *path, const struct sx_image *img)
{
	int fd = io->open(path);
	if (fd < 0)
		return false;
	struct sx_image lib;
	bool ok = inspect(io, fd, &lib, false) == 0 && lib.kind == SX_IMAGE_ELF &&
		  lib.bits == img->bits && lib.machine == img->machine;
	io->close(fd);
	return ok;
}

static bool entry_covers(const struct sx_image_io *io, const char *entry, size_t len,
			 const struct sx_image *img)
{
	static const char base[] = "/libsocksify.so";
	if (len < sizeof base - 1 || memcmp(entry + len - (sizeof base - 1), base, sizeof base - 1))
		return false;
	char path[PATH_BYTES];
	for (const char *const *d = lib_dirs(img); *d; d++) {
		if (expand(entry, len, *d, path, sizeof path) && loads(io, path, img))
			return true;
		if (!memchr(entry, '$', len))
			break; /* nothing to expand: one path only */
	}
	return false;
}

bool sx_image_preload_covers(const struct sx_image_io *io, const char *ld_preload,
			     const struct sx_image *img)
{
	if (!ld_preload || img->kind != SX_IMAGE_ELF || !img->dynamic)
		return false;
	for (const char *p = ld_preload; *p;) {
		size_t len = strcspn(p, ": ");
		if (len && entry_covers(io, p, len, img))
			return true;
		p += len;
		p += *p != '\0';
	}
	return false;
}
