#include "zimage.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "byteorder.h"

#define ZIMAGE_START_OFFSET 0x28
#define ZIMAGE_END_OFFSET 0x2c
#define ZIMAGE_ENDIAN_OFFSET 0x30
#define ZIMAGE_TABLE_MAGIC_OFFSET 0x34
#define ZIMAGE_TABLE_OFFSET 0x38
#define ZIMAGE_ENDIAN_LE 0x04030201
#define ZIMAGE_ENDIAN_BE 0x01020304
#define ZIMAGE_TABLE_MAGIC 0x45454545
#define TAG_KLSZ 0x5a534c4b  /* "KLSZ" read as a little-endian word */
#define TAG_MAX 32           /* far more than any kernel writes */
#define FDT_MAGIC_BE 0xd00dfeed

/* head.S: the RAM base is the decompressor's own address masked to 128 MiB. */
#define RAM_BASE_MASK 0xf8000000u
/* The prologue sits in the first few KiB (after an EFI header when there is
 * one); looking further only invites false matches in compressed data. */
#define DECODE_WINDOW 0x10000
/* How many instructions may separate the `and` from the `add` (a call to
 * fdt_check_mem_start and the appended-DTB test sit between them). */
#define DECODE_DISTANCE 24

/* Without a KLSZ tag (kernels before 3.x) the sizes are not recorded.
 * xz compresses a kernel a little over 4:1 (Debian's armmp: 4.1), so 5x
 * the zImage bounds the inflated size; the BSS allowance is generous
 * because guessing short corrupts the next kernel. */
#define UNTAGGED_RATIO 5
#define UNTAGGED_BSS (8u << 20)
#define DEFAULT_MALLOC_SIZE 0x10000 /* head.S MALLOC_SIZE before the tag had it */

/* Bounds beyond which a tag is lying rather than describing a kernel. */
#define MAX_INFLATED (256u << 20)
#define MAX_BSS (256u << 20)
#define MAX_MALLOC (16u << 20)
#define MAX_TEXT_OFFSET (128u << 20)

bool arm_zimage_probe(const uint8_t *data, size_t size)
{
	return size >= ZIMAGE_HEADER_SIZE &&
	       get_le32(data + ZIMAGE_MAGIC_OFFSET) == ZIMAGE_MAGIC;
}

static uint32_t ror32(uint32_t v, unsigned int n)
{
	n &= 31;
	return n ? (v >> n) | (v << (32 - n)) : v;
}

/* ARM data-processing immediate: imm8 rotated right by twice rot. */
static uint32_t arm_expand_imm(uint32_t insn)
{
	return ror32(insn & 0xff, 2 * ((insn >> 8) & 0xf));
}

/* Thumb-2 modified immediate (ThumbExpandImm of i:imm3:imm8). */
static uint32_t thumb_expand_imm(uint16_t hw1, uint16_t hw2)
{
	uint32_t imm12 = (uint32_t)((hw1 >> 10) & 1) << 11 |
			 (uint32_t)((hw2 >> 12) & 7) << 8 | (hw2 & 0xff);
	uint32_t imm8 = imm12 & 0xff;

	if ((imm12 >> 10) == 0) {
		switch ((imm12 >> 8) & 3) {
		case 0: return imm8;
		case 1: return imm8 << 16 | imm8;
		case 2: return imm8 << 24 | imm8 << 8;
		default: return imm8 * 0x01010101u;
		}
	}
	return ror32(0x80 | (imm12 & 0x7f), imm12 >> 7);
}

/* ARM: cond AL, 001 opcode S Rn Rd imm12 (the S bit is ignored). */
#define ARM_DP_IMM_MASK 0xffe00000u
#define ARM_AND_IMM 0xe2000000u
#define ARM_ADD_IMM 0xe2800000u

static int decode_arm(const uint8_t *data, size_t window, uint32_t *text_offset)
{
	size_t i, j;

	for (i = 0; i + 4 <= window; i += 4) {
		uint32_t insn = get_le32(data + i), base_reg;

		if ((insn & ARM_DP_IMM_MASK) != ARM_AND_IMM ||
		    arm_expand_imm(insn) != RAM_BASE_MASK)
			continue;
		base_reg = (insn >> 12) & 0xf;
		for (j = i + 4; j + 4 <= window && j <= i + 4 * DECODE_DISTANCE; j += 4) {
			uint32_t add = get_le32(data + j);

			if ((add & ARM_DP_IMM_MASK) == ARM_ADD_IMM &&
			    ((add >> 16) & 0xf) == base_reg && ((add >> 12) & 0xf) == 4) {
				*text_offset = arm_expand_imm(add);
				return 0;
			}
		}
	}
	return -ENOENT;
}

/* Thumb-2: AND (immediate) T1 is 11110 i 0 0000 S Rn : 0 imm3 Rd imm8,
 * ADD (immediate) T3 the same with op 1000. */
#define T32_DP_MASK 0xfbe0u
#define T32_AND_IMM 0xf000u
#define T32_ADD_IMM 0xf100u

static int decode_thumb(const uint8_t *data, size_t window, uint32_t *text_offset)
{
	size_t i, j;

	for (i = 0; i + 4 <= window; i += 2) {
		uint16_t hw1 = (uint16_t)(data[i] | data[i + 1] << 8);
		uint16_t hw2 = (uint16_t)(data[i + 2] | data[i + 3] << 8);
		unsigned int base_reg;

		if ((hw1 & T32_DP_MASK) != T32_AND_IMM || (hw2 & 0x8000) ||
		    thumb_expand_imm(hw1, hw2) != RAM_BASE_MASK)
			continue;
		base_reg = (hw2 >> 8) & 0xf;
		for (j = i + 4; j + 4 <= window && j <= i + 4 * DECODE_DISTANCE; j += 2) {
			uint16_t a1 = (uint16_t)(data[j] | data[j + 1] << 8);
			uint16_t a2 = (uint16_t)(data[j + 2] | data[j + 3] << 8);

			if ((a1 & T32_DP_MASK) == T32_ADD_IMM && !(a2 & 0x8000) &&
			    (a1 & 0xf) == base_reg && ((a2 >> 8) & 0xf) == 4) {
				*text_offset = thumb_expand_imm(a1, a2);
				return 0;
			}
		}
	}
	return -ENOENT;
}

int arm_zimage_decode_text_offset(const uint8_t *data, size_t size,
				  uint32_t *text_offset, bool *thumb)
{
	size_t window = size < DECODE_WINDOW ? size : DECODE_WINDOW;

	/* A/R-class decompressors are entered in ARM state; a Thumb-2 kernel
	 * switches after the header, so its prologue is Thumb-2 code. */
	*thumb = false;
	if (decode_arm(data, window, text_offset) == 0)
		return 0;
	*thumb = true;
	return decode_thumb(data, window, text_offset);
}

static bool text_offset_valid(uint32_t text_offset)
{
	/* arch/arm/kernel/head.S insists the low 16 bits are 0x8000. */
	return (text_offset & 0xffff) == 0x8000 && text_offset < MAX_TEXT_OFFSET;
}

static int parse_tags(const uint8_t *data, const char *path, struct arm_zimage *z,
		      bool *has_text_offset, struct error *err)
{
	uint32_t off = get_le32(data + ZIMAGE_TABLE_OFFSET);
	int n;

	if (off % 4 || off < ZIMAGE_HEADER_SIZE || off >= z->length)
		return error_set(err, -EINVAL, "%s: zImage tag table at 0x%x lies outside the image (0x%x bytes)",
				 path, off, z->length);
	for (n = 0; n < TAG_MAX; n++) {
		uint32_t words, tag;

		if ((uint64_t)off + 4 > z->length)
			return error_set(err, -EINVAL, "%s: zImage tag table runs past the image without an end marker",
					 path);
		words = get_le32(data + off);
		if (words == 0)
			return 0;
		if (words < 2 || (uint64_t)off + 4ull * words > z->length)
			return error_set(err, -EINVAL, "%s: zImage tag at 0x%x claims %u words, past the image",
					 path, off, words);
		tag = get_le32(data + off + 4);
		if (tag == TAG_KLSZ) {
			uint32_t size_at;

			if (words < 4)
				return error_set(err, -EINVAL, "%s: zImage KLSZ tag too short (%u words)",
						 path, words);
			size_at = get_le32(data + off + 8);
			if ((uint64_t)size_at + 4 > z->length)
				return error_set(err, -EINVAL, "%s: zImage KLSZ tag: inflated size at 0x%x, past the image (0x%x bytes)",
						 path, size_at, z->length);
			z->has_size_tag = true;
			z->inflated_size = get_le32(data + size_at);
			z->kernel_bss = get_le32(data + off + 12);
			if (words >= 5) {
				z->text_offset = get_le32(data + off + 16);
				*has_text_offset = true;
			}
			if (words >= 6)
				z->malloc_size = get_le32(data + off + 20);
		}
		off += 4 * words;
	}
	return error_set(err, -EINVAL, "%s: zImage tag table has no end marker after %d tags", path, TAG_MAX);
}

static int check_sizes(const char *path, const struct arm_zimage *z, struct error *err)
{
	/* A kernel always compresses: an inflated size below half the zImage
	 * means the tag points at the wrong word. */
	if (z->inflated_size == 0 || z->inflated_size > MAX_INFLATED ||
	    z->inflated_size < z->length / 2)
		return error_set(err, -EINVAL, "%s: zImage tag gives an implausible decompressed size 0x%x for a 0x%x-byte zImage",
				 path, z->inflated_size, z->length);
	if (z->kernel_bss > MAX_BSS)
		return error_set(err, -EINVAL, "%s: zImage tag gives an implausible BSS size 0x%x",
				 path, z->kernel_bss);
	if (z->malloc_size == 0 || z->malloc_size > MAX_MALLOC)
		return error_set(err, -EINVAL, "%s: zImage tag gives an implausible decompressor heap of 0x%x bytes",
				 path, z->malloc_size);
	return 0;
}

int arm_zimage_parse(const uint8_t *data, size_t size, const char *path,
		     struct arm_zimage *z, struct error *err)
{
	uint32_t start, end, decoded = 0;
	bool has_text_offset = false, thumb = false, has_decoded;
	int ret;

	memset(z, 0, sizeof(*z));
	if (size < ZIMAGE_HEADER_SIZE)
		return error_set(err, -EINVAL, "%s: too short for a zImage (%zu bytes)", path, size);
	if (!arm_zimage_probe(data, size))
		return error_set(err, -EINVAL, "%s: not a zImage (no magic 0x%08x at 0x%x)",
				 path, ZIMAGE_MAGIC, ZIMAGE_MAGIC_OFFSET);
	if (get_le32(data + ZIMAGE_ENDIAN_OFFSET) == ZIMAGE_ENDIAN_BE)
		return error_set(err, -EINVAL, "%s: big-endian zImage; this loader and its purgatory are little-endian",
				 path);
	start = get_le32(data + ZIMAGE_START_OFFSET);
	end = get_le32(data + ZIMAGE_END_OFFSET);
	/* A position-independent zImage is linked at 0; anything else was
	 * built to run from a fixed address (CONFIG_ZBOOT_ROM). */
	if (start != 0)
		return error_set(err, -EINVAL, "%s: zImage linked to run at 0x%x (CONFIG_ZBOOT_ROM?), not relocatable",
				 path, start);
	if (end <= start || end < ZIMAGE_HEADER_SIZE)
		return error_set(err, -EINVAL, "%s: zImage end 0x%x is not past its start 0x%x",
				 path, end, start);
	z->length = end - start;
	if (z->length > size)
		return error_set(err, -EINVAL, "%s: truncated: the zImage header says 0x%x bytes but the file has %zu",
				 path, z->length, size);
	z->appended_dtb = size >= (size_t)z->length + 4 &&
			  get_be32(data + z->length) == FDT_MAGIC_BE;
	z->malloc_size = DEFAULT_MALLOC_SIZE;

	if (get_le32(data + ZIMAGE_TABLE_MAGIC_OFFSET) == ZIMAGE_TABLE_MAGIC) {
		ret = parse_tags(data, path, z, &has_text_offset, err);
		if (ret)
			return ret;
	}
	if (z->has_size_tag) {
		ret = check_sizes(path, z, err);
		if (ret)
			return ret;
	} else {
		z->inflated_size = (uint32_t)((uint64_t)z->length * UNTAGGED_RATIO > MAX_INFLATED
					      ? MAX_INFLATED : z->length * UNTAGGED_RATIO);
		z->kernel_bss = UNTAGGED_BSS;
	}

	has_decoded = arm_zimage_decode_text_offset(data, z->length, &decoded, &thumb) == 0 &&
		      text_offset_valid(decoded);
	if (has_text_offset) {
		if (!text_offset_valid(z->text_offset))
			return error_set(err, -EINVAL, "%s: zImage tag gives TEXT_OFFSET 0x%x, which is not 0x8000 past a 64 KiB boundary",
					 path, z->text_offset);
		if (has_decoded && decoded != z->text_offset)
			return error_set(err, -EINVAL, "%s: zImage tag says TEXT_OFFSET 0x%x but its code adds 0x%x",
					 path, z->text_offset, decoded);
		z->text_offset_from = ZIMAGE_TEXT_OFFSET_TAG;
	} else if (has_decoded) {
		z->text_offset = decoded;
		z->thumb_code = thumb;
		z->text_offset_from = ZIMAGE_TEXT_OFFSET_CODE;
	} else {
		z->text_offset = ZIMAGE_ASSUMED_MAX_TEXT_OFFSET;
		z->text_offset_from = ZIMAGE_TEXT_OFFSET_ASSUMED;
	}
	return 0;
}
