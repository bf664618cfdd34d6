/* Synthetic zImages for the arm tests: the header, the KLSZ tag and the
 * decompressor's RAM-base prologue laid out as arch/arm/boot/compressed
 * builds them (tests/fixtures/arm-zimage/README.md), around filler bytes.
 * Real kernels are not copied into the tests; the README records the
 * facts of Debian's that these mirror. */
#ifndef TESTS_ARM_ZIMAGE_FIXTURE_H
#define TESTS_ARM_ZIMAGE_FIXTURE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "byteorder.h"

enum fake_code { CODE_NONE, CODE_ARM, CODE_THUMB };

struct fake_zimage {
	uint32_t length;        /* file size and header end */
	uint32_t inflated;      /* written at length - 4, as the kernel does */
	uint32_t bss;
	int tag_words;          /* 0: no tag table; 4: old KLSZ; 6: with TEXT_OFFSET */
	uint32_t tag_text_offset;
	uint32_t malloc_size;
	enum fake_code code;
	uint32_t code_text_offset;
};

#define FAKE_TABLE_AT 0x200
#define FAKE_CODE_AT 0x1000 /* after the EFI header, as in Debian's */

static inline uint32_t fake_ror(uint32_t v, unsigned int n)
{
	n &= 31;
	return n ? (v >> n) | (v << (32 - n)) : v;
}

/* ARM modified immediate (imm8 ror 2*rot); 0xffffffff: not encodable. */
static inline uint32_t fake_arm_imm(uint32_t value)
{
	unsigned int rot;

	for (rot = 0; rot < 16; rot++) {
		uint32_t imm8 = fake_ror(value, 32 - 2 * rot) & 0xffffffffu;

		if (imm8 <= 0xff)
			return rot << 8 | imm8;
	}
	return 0xffffffffu;
}

/* Thumb-2 modified immediate (the rotated '1bcdefgh' form) as i:imm3:imm8. */
static inline uint32_t fake_thumb_imm(uint32_t value)
{
	unsigned int n;

	for (n = 8; n < 32; n++) {
		uint32_t unrot = fake_ror(value, 32 - n);

		if (unrot >= 0x80 && unrot <= 0xff)
			return n << 7 | (unrot & 0x7f);
	}
	return 0xffffffffu;
}

static inline void fake_put_thumb(uint8_t *p, unsigned int op, unsigned int rn,
				  unsigned int rd, uint32_t imm12)
{
	uint16_t hw1 = (uint16_t)(0xf000 | op << 5 | (imm12 >> 11) << 10 | rn);
	uint16_t hw2 = (uint16_t)(((imm12 >> 8) & 7) << 12 | rd << 8 | (imm12 & 0xff));

	p[0] = (uint8_t)hw1;
	p[1] = (uint8_t)(hw1 >> 8);
	p[2] = (uint8_t)hw2;
	p[3] = (uint8_t)(hw2 >> 8);
}

static inline uint8_t *fake_zimage_make(const struct fake_zimage *o)
{
	uint8_t *z = malloc(o->length);
	uint32_t i, t = FAKE_TABLE_AT;

	for (i = 0; i < o->length; i++)
		z[i] = (uint8_t)(i * 13 + 5);
	for (i = 0; i < 0x24; i += 4)
		put_le32(z + i, 0xe1a00000); /* mov r0, r0 */
	put_le32(z + 0x24, 0x016f2818);
	put_le32(z + 0x28, 0);
	put_le32(z + 0x2c, o->length);
	put_le32(z + 0x30, 0x04030201);
	if (o->tag_words) {
		put_le32(z + 0x34, 0x45454545);
		put_le32(z + 0x38, FAKE_TABLE_AT);
		put_le32(z + t, (uint32_t)o->tag_words);
		put_le32(z + t + 4, 0x5a534c4b);
		put_le32(z + t + 8, o->length - 4);
		put_le32(z + t + 12, o->bss);
		if (o->tag_words >= 5)
			put_le32(z + t + 16, o->tag_text_offset);
		if (o->tag_words >= 6)
			put_le32(z + t + 20, o->malloc_size);
		put_le32(z + t + 4 * (uint32_t)o->tag_words, 0);
	} else {
		put_le32(z + 0x34, 0);
	}
	put_le32(z + o->length - 4, o->inflated);

	if (o->code == CODE_ARM) {
		uint8_t *c = z + FAKE_CODE_AT;

		put_le32(c, 0xe1a0000f);       /* mov r0, pc */
		put_le32(c + 4, 0xe200033e);   /* and r0, r0, #0xf8000000 */
		put_le32(c + 8, 0xe28f1fad);   /* add r1, pc, #692 */
		put_le32(c + 12, 0xe1a01008);  /* mov r1, r8 */
		put_le32(c + 16, 0xeb001941);  /* bl fdt_check_mem_start */
		put_le32(c + 20, 0xe2804000 | fake_arm_imm(o->code_text_offset)); /* add r4, r0, #T */
	} else if (o->code == CODE_THUMB) {
		uint8_t *c = z + FAKE_CODE_AT;

		c[0] = 0x78;                   /* mov r0, pc */
		c[1] = 0x46;
		fake_put_thumb(c + 2, 0x0, 0, 0, fake_thumb_imm(0xf8000000)); /* and.w */
		c[6] = 0x41;                   /* mov r1, r8 */
		c[7] = 0x46;
		fake_put_thumb(c + 8, 0x8, 0, 4, fake_thumb_imm(o->code_text_offset)); /* add.w */
	}
	return z;
}

/* Debian bookworm's armmp-lpae zImage (6.1.0-50), as the README records. */
static inline struct fake_zimage fake_debian_lpae(void)
{
	struct fake_zimage o = {
		.length = 0x545200, .inflated = 0x15a50c8, .bss = 0x601c0,
		.tag_words = 6, .tag_text_offset = 0x208000, .malloc_size = 0x10000,
		.code = CODE_ARM, .code_text_offset = 0x208000,
	};

	return o;
}

#endif
