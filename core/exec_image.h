/* SPDX-License-Identifier: MIT */
/* What exec would run, from a file's first bytes: a #! script, or an ELF image of some
 * class and machine, dynamic or static, Go or not; and whether an LD_PRELOAD value holds a
 * libsocksify.so such an image can load. Pure: all file access goes through callbacks. */
#ifndef SX_CORE_EXEC_IMAGE_H
#define SX_CORE_EXEC_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sx_image_kind { SX_IMAGE_OTHER, SX_IMAGE_SCRIPT, SX_IMAGE_ELF };

struct sx_image {
	enum sx_image_kind kind;
	unsigned bits;	  /* ELF: 32 or 64 */
	unsigned machine; /* ELF: e_machine */
	bool dynamic;	  /* ELF: has PT_INTERP, so ld.so runs and reads LD_PRELOAD */
	bool go;	  /* ELF: Go's build-id note or its .go.buildinfo section */
	char interp[256]; /* script: the #! interpreter's path */
};

/* The caller's file access: open gives an fd or -errno, pread as pread(2). */
struct sx_image_io {
	int (*open)(const char *path);
	long (*pread)(int fd, void *buf, size_t len, uint64_t off);
	void (*close)(int fd);
};

/* Reads the image at fd. 0, or -ENOEXEC for a file too short to tell (kind OTHER). */
int sx_image_inspect(const struct sx_image_io *io, int fd, struct sx_image *img);

/* Whether img is of this process's own class and machine. */
bool sx_image_native(const struct sx_image *img);

/* Whether ld_preload (colon- or blank-separated) names a libsocksify.so that a dynamic
 * image like img loads: its $LIB or ${LIB} expanded as Debian's loaders of that class
 * expand it (lib/<multiarch>, lib32, lib64, libx32), the file an ELF shared object of the
 * same class and machine. */
bool sx_image_preload_covers(const struct sx_image_io *io, const char *ld_preload,
			     const struct sx_image *img);

#endif
