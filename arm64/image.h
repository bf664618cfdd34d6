/* The arm64 kernel Image header (Documentation/arch/arm64/booting.rst). */
#ifndef ARM64_IMAGE_H
#define ARM64_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define ARM64_IMAGE_HEADER_SIZE 64
#define ARM64_IMAGE_MAGIC_OFFSET 0x38

struct arm64_image {
	uint64_t text_offset;  /* from a 2 MiB aligned base */
	uint64_t image_size;   /* bytes the kernel occupies, BSS included */
	bool image_size_known; /* false for pre-3.17 kernels (field is 0) */
	bool big_endian;
	uint32_t page_size;    /* 4096, 16384, 65536, or 0: unspecified */
	bool place_anywhere;   /* flags bit 3 */
};

/* True when data starts with an arm64 Image header (the magic). */
bool arm64_image_probe(const uint8_t *data, size_t size);

/* Validates the header of an Image of `size` bytes and decodes it. */
int arm64_image_parse(const uint8_t *data, size_t size, const char *path,
		      struct arm64_image *image, struct error *err);

#endif
