/* U-Boot's legacy image ("uImage"): a 64-byte big-endian header with two
 * CRC32s, then the data (a zImage, an Image, or either compressed). */
#ifndef KEXEC_UIMAGE_H
#define KEXEC_UIMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define UIMAGE_MAGIC 0x27051956
#define UIMAGE_HEADER_SIZE 64

/* The header's numbers, as U-Boot's image.h defines them. */
#define UIMAGE_OS_LINUX 5
#define UIMAGE_ARCH_ARM 2
#define UIMAGE_ARCH_ARM64 22
#define UIMAGE_TYPE_KERNEL 2
#define UIMAGE_TYPE_RAMDISK 3
#define UIMAGE_TYPE_MULTI 4
#define UIMAGE_TYPE_KERNEL_NOLOAD 14

enum uimage_comp {
	UIMAGE_COMP_NONE = 0,
	UIMAGE_COMP_GZIP = 1,
	UIMAGE_COMP_BZIP2 = 2,
	UIMAGE_COMP_LZMA = 3,
	UIMAGE_COMP_LZO = 4,
	UIMAGE_COMP_LZ4 = 5,
	UIMAGE_COMP_ZSTD = 6,
};

struct uimage {
	uint32_t size;         /* data bytes after the header */
	uint32_t load, entry;  /* physical addresses */
	uint8_t os, arch, type, comp;
	char name[33];
	const uint8_t *data;   /* points into the file */
};

bool uimage_probe(const uint8_t *data, size_t size);

/* Checks the magic, the header CRC, that the data fits in the file and the
 * data CRC, then decodes the header. */
int uimage_parse(const uint8_t *data, size_t size, struct uimage *image,
		 struct error *err);

/* "gzip", "lzma", ... for messages; NULL for a value U-Boot does not know. */
const char *uimage_comp_name(uint8_t comp);

#endif
