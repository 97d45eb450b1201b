/* SPDX-License-Identifier: MIT */
/* Is a program written in Go? Go makes its own system calls (dynamically linked or
 * not), so LD_PRELOAD cannot carry its connections; its net/http still honours
 * HTTP_PROXY. Told by the .go.buildinfo section or the "Go" build-id note. */
#include <elf.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

#define GO_NOTE_BUILDID 4

static bool has_go_section(int fd, const ElfW(Ehdr) * eh)
{
	ElfW(Shdr) strtab;
	if (eh->e_shstrndx == SHN_UNDEF || eh->e_shstrndx >= eh->e_shnum ||
	    pread(fd, &strtab, sizeof strtab,
		  (off_t)(eh->e_shoff + (size_t)eh->e_shstrndx * eh->e_shentsize)) !=
		(ssize_t)sizeof strtab)
		return false;
	for (unsigned i = 0; i < eh->e_shnum; i++) {
		ElfW(Shdr) sh;
		char name[16] = {0};
		if (pread(fd, &sh, sizeof sh, (off_t)(eh->e_shoff + (size_t)i * eh->e_shentsize)) !=
		    (ssize_t)sizeof sh)
			return false;
		if (sh.sh_name < strtab.sh_size &&
		    pread(fd, name, sizeof name - 1, (off_t)(strtab.sh_offset + sh.sh_name)) > 0 &&
		    !strcmp(name, ".go.buildinfo"))
			return true;
	}
	return false;
}

/* Notes: namesz descsz type, then the name and the description, each 4-aligned. */
static bool has_go_note(int fd, const ElfW(Ehdr) * eh)
{
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		ElfW(Phdr) ph;
		uint8_t buf[4096];
		if (pread(fd, &ph, sizeof ph, (off_t)(eh->e_phoff + (size_t)i * eh->e_phentsize)) !=
		    (ssize_t)sizeof ph)
			return false;
		if (ph.p_type != PT_NOTE)
			continue;
		size_t len = ph.p_filesz < sizeof buf ? ph.p_filesz : sizeof buf;
		if (pread(fd, buf, len, (off_t)ph.p_offset) != (ssize_t)len)
			continue;
		for (size_t off = 0; off + 12 <= len;) {
			uint32_t nh[3];
			memcpy(nh, buf + off, sizeof nh);
			size_t name_at = off + 12, desc_at = name_at + ((nh[0] + 3) & ~3u);
			if (nh[0] == 3 && nh[2] == GO_NOTE_BUILDID && name_at + 3 <= len &&
			    !memcmp(buf + name_at, "Go", 3))
				return true;
			off = desc_at + ((nh[1] + 3) & ~3u);
		}
	}
	return false;
}

bool sx_check_is_go(int fd)
{
	ElfW(Ehdr) eh;
	if (pread(fd, &eh, sizeof eh, 0) != (ssize_t)sizeof eh)
		return false;
	return has_go_note(fd, &eh) || has_go_section(fd, &eh);
}
