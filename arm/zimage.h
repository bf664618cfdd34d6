/* The 32-bit ARM zImage: what its header, its extension tags and its first
 * instructions say about where the decompressor will write the kernel and
 * how much memory it needs while it runs (arch/arm/boot/compressed). */
#ifndef ARM_ZIMAGE_H
#define ARM_ZIMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define ZIMAGE_MAGIC 0x016f2818
#define ZIMAGE_MAGIC_OFFSET 0x24
#define ZIMAGE_HEADER_SIZE 0x3c

enum zimage_text_offset_source {
	ZIMAGE_TEXT_OFFSET_TAG,     /* the KLSZ tag records it (v5.x and later) */
	ZIMAGE_TEXT_OFFSET_CODE,    /* decoded from `add r4, rN, #TEXT_OFFSET` */
	ZIMAGE_TEXT_OFFSET_ASSUMED, /* neither: the conservative bound below */
};

/* Used when TEXT_OFFSET can be neither read nor decoded: the kernel is
 * treated as if it could start anywhere up to this far into RAM, which
 * covers every TEXT_OFFSET mainline has used (0x8000 ... 0x308000) with
 * a wide margin. */
#define ZIMAGE_ASSUMED_MAX_TEXT_OFFSET 0x1008000u

struct arm_zimage {
	uint32_t length;        /* end - start: the bytes the decompressor owns */
	bool has_size_tag;      /* a KLSZ tag gave the sizes below */
	uint32_t inflated_size; /* the decompressed kernel's file bytes */
	uint32_t kernel_bss;    /* its BSS, past the inflated bytes */
	uint32_t malloc_size;   /* the decompressor's heap */
	uint32_t text_offset;   /* the kernel's distance from the RAM base */
	enum zimage_text_offset_source text_offset_from;
	bool thumb_code;        /* the offset was decoded from Thumb-2 code */
	bool appended_dtb;      /* an FDT follows the zImage in the file */
};

bool arm_zimage_probe(const uint8_t *data, size_t size);

/* Validates the header and tags of a zImage file of `size` bytes and works
 * out the facts above.  Tags and code that contradict the header or each
 * other are errors naming `path`.  Without a KLSZ tag the sizes are
 * estimated (has_size_tag false). */
int arm_zimage_parse(const uint8_t *data, size_t size, const char *path,
		     struct arm_zimage *zimage, struct error *err);

/* The kernel's TEXT_OFFSET from the decompressor's first instructions:
 * the `and rN, <pc>, #0xf8000000` that finds the RAM base, then the
 * `add r4, rN, #imm` that adds TEXT_OFFSET, in ARM or Thumb-2 encoding.
 * Returns 0 and sets *text_offset (and *thumb), or -ENOENT. */
int arm_zimage_decode_text_offset(const uint8_t *data, size_t size,
				  uint32_t *text_offset, bool *thumb);

#endif
