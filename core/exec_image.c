/* SPDX-License-Identifier: MIT */
/* Reads an image's ELF header, program headers (PT_INTERP, PT_NOTE) and section names,
 * of either class, bounded so that a hostile file costs at most a few hundred reads. */
#include <elf.h>
#include <errno.h>
#include <string.h>

#include "exec_image.h"

#define MAX_PHDRS   256
#define MAX_SHDRS   1024
#define NOTE_BYTES  4096
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

static bool read_all(const struct sx_image_io *io, int fd, void *buf, size_t len, uint64_t off)
{
	return io->pread(fd, buf, len, off) == (long)len;
}

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

static void scan_phdrs(const struct sx_image_io *io, int fd, const struct elf_head *h,
		       struct sx_image *img)
{
	unsigned char note[NOTE_BYTES];
	for (unsigned i = 0; i < h->phnum && i < MAX_PHDRS; i++) {
		uint64_t at = h->phoff + (uint64_t)i * h->phentsize, off, size;
		uint32_t type;
		if (img->bits == 64) {
			Elf64_Phdr p;
			if (h->phentsize < sizeof p || !read_all(io, fd, &p, sizeof p, at))
				return;
			type = p.p_type, off = p.p_offset, size = p.p_filesz;
		} else {
			Elf32_Phdr p;
			if (h->phentsize < sizeof p || !read_all(io, fd, &p, sizeof p, at))
				return;
			type = p.p_type, off = p.p_offset, size = p.p_filesz;
		}
		if (type == PT_INTERP)
			img->dynamic = true;
		if (type == PT_NOTE && !img->go) {
			size_t n = size < sizeof note ? (size_t)size : sizeof note;
			long got = io->pread(fd, note, n, off);
			img->go = got > 0 && go_note(note, (size_t)got);
		}
	}
}

/* The file offset and size of section i. */
static bool section_at(const struct sx_image_io *io, int fd, const struct elf_head *h,
		       unsigned bits, unsigned i, uint32_t *name, uint64_t *off, uint64_t *size)
{
	uint64_t at = h->shoff + (uint64_t)i * h->shentsize;
	if (bits == 64) {
		Elf64_Shdr s;
		if (h->shentsize < sizeof s || !read_all(io, fd, &s, sizeof s, at))
			return false;
		*name = s.sh_name, *off = s.sh_offset, *size = s.sh_size;
	} else {
		Elf32_Shdr s;
		if (h->shentsize < sizeof s || !read_all(io, fd, &s, sizeof s, at))
			return false;
		*name = s.sh_name, *off = s.sh_offset, *size = s.sh_size;
	}
	return true;
}

static bool go_section(const struct sx_image_io *io, int fd, const struct elf_head *h,
		       unsigned bits)
{
	uint32_t name;
	uint64_t str_off, str_size, off, size;
	if (!h->shoff || h->shstrndx >= h->shnum ||
	    !section_at(io, fd, h, bits, h->shstrndx, &name, &str_off, &str_size))
		return false;
	for (unsigned i = 0; i < h->shnum && i < MAX_SHDRS; i++) {
		char got[sizeof GO_BUILDINF];
		if (!section_at(io, fd, h, bits, i, &name, &off, &size))
			return false;
		if (name + sizeof got <= str_size &&
		    read_all(io, fd, got, sizeof got, str_off + name) &&
		    !memcmp(got, GO_BUILDINF, sizeof got))
			return true;
	}
	return false;
}

int sx_image_inspect(const struct sx_image_io *io, int fd, struct sx_image *img)
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
	scan_phdrs(io, fd, &h, img);
	if (!img->go)
		img->go = go_section(io, fd, &h, img->bits);
	return 0;
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
	bool ok = sx_image_inspect(io, fd, &lib) == 0 && lib.kind == SX_IMAGE_ELF &&
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
