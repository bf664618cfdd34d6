/* zImage header, KLSZ tag and TEXT_OFFSET decoding (arm/zimage.c), on
 * synthetic zImages; malformed ones are refused with a message. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arm_zimage_fixture.h"
#include "check.h"
#include "zimage.h"

static int parse(const struct fake_zimage *o, struct arm_zimage *z, struct error *err)
{
	uint8_t *data = fake_zimage_make(o);
	int ret = arm_zimage_parse(data, o->length, "zImage", z, err);

	free(data);
	return ret;
}

static void test_debian_like(void)
{
	struct fake_zimage o = fake_debian_lpae();
	struct arm_zimage z;
	struct error err;

	CHECK_EQ("Debian-like zImage parses", parse(&o, &z, &err), 0);
	CHECK_EQ("length from the header", z.length, 0x545200);
	CHECK("KLSZ tag found", z.has_size_tag);
	CHECK_EQ("inflated size from the word the tag points at", z.inflated_size, 0x15a50c8);
	CHECK_EQ("BSS from the tag", z.kernel_bss, 0x601c0);
	CHECK_EQ("heap from the tag", z.malloc_size, 0x10000);
	CHECK_EQ("TEXT_OFFSET 0x208000", z.text_offset, 0x208000);
	CHECK_EQ("TEXT_OFFSET from the tag", z.text_offset_from, ZIMAGE_TEXT_OFFSET_TAG);
	CHECK("no appended DTB", !z.appended_dtb);
}

/* Kernels whose tag predates TEXT_OFFSET: decoded from the code, in ARM
 * and Thumb-2, for every TEXT_OFFSET mainline has used. */
static void test_decode(void)
{
	static const uint32_t offsets[] = { 0x8000, 0x108000, 0x208000, 0x308000 };
	size_t i;

	for (i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
		struct fake_zimage o = fake_debian_lpae();
		struct arm_zimage z;
		struct error err;

		o.tag_words = 4;
		o.code_text_offset = offsets[i];
		o.code = CODE_ARM;
		CHECK_EQ("old tag + ARM code: parses", parse(&o, &z, &err), 0);
		CHECK_EQ("ARM code: TEXT_OFFSET decoded", z.text_offset, offsets[i]);
		CHECK("ARM code: from the code, ARM", z.text_offset_from == ZIMAGE_TEXT_OFFSET_CODE &&
		      !z.thumb_code);
		CHECK_EQ("old tag: default heap 64 KiB", z.malloc_size, 0x10000);

		o.code = CODE_THUMB;
		CHECK_EQ("old tag + Thumb-2 code: parses", parse(&o, &z, &err), 0);
		CHECK_EQ("Thumb-2 code: TEXT_OFFSET decoded", z.text_offset, offsets[i]);
		CHECK("Thumb-2 code: from the code, Thumb", z.text_offset_from == ZIMAGE_TEXT_OFFSET_CODE &&
		      z.thumb_code);
	}
}

static void test_unknown(void)
{
	struct fake_zimage o = fake_debian_lpae();
	struct arm_zimage z;
	struct error err;

	o.tag_words = 4;
	o.code = CODE_NONE;
	CHECK_EQ("no TEXT_OFFSET anywhere: parses", parse(&o, &z, &err), 0);
	CHECK_EQ("no TEXT_OFFSET: assumed conservatively", z.text_offset_from, ZIMAGE_TEXT_OFFSET_ASSUMED);
	CHECK_EQ("no TEXT_OFFSET: the bound", z.text_offset, ZIMAGE_ASSUMED_MAX_TEXT_OFFSET);

	o.tag_words = 0;
	o.code = CODE_ARM;
	o.code_text_offset = 0x8000;
	CHECK_EQ("no tag table: parses", parse(&o, &z, &err), 0);
	CHECK("no tag table: sizes estimated", !z.has_size_tag);
	CHECK("no tag table: inflated bound is generous", z.inflated_size >= 4 * z.length);
	CHECK("no tag table: BSS allowance", z.kernel_bss >= (1u << 20));
	CHECK_EQ("no tag table: TEXT_OFFSET still decoded", z.text_offset, 0x8000);
}

static void test_appended_dtb(void)
{
	struct fake_zimage o = fake_debian_lpae();
	uint8_t *data = fake_zimage_make(&o), *with;
	struct arm_zimage z;
	struct error err;

	with = malloc(o.length + 64);
	memcpy(with, data, o.length);
	memset(with + o.length, 0, 64);
	with[o.length] = 0xd0;
	with[o.length + 1] = 0x0d;
	with[o.length + 2] = 0xfe;
	with[o.length + 3] = 0xed;
	CHECK_EQ("zImage + appended DTB parses", arm_zimage_parse(with, o.length + 64, "zImage", &z, &err), 0);
	CHECK("appended DTB noticed", z.appended_dtb);
	free(with);
	free(data);
}

#define CHECK_REFUSED(name, o, needle)                                         \
	do {                                                                   \
		struct arm_zimage z_;                                          \
		struct error e_ = { { 0 } };                                   \
		CHECK_EQ(name ": refused", parse(&(o), &z_, &e_), -EINVAL);    \
		CHECK_CONTAINS(name ": message", e_.msg, needle);              \
	} while (0)

static void test_malformed(void)
{
	struct fake_zimage base = fake_debian_lpae(), o;
	uint8_t *data;
	struct arm_zimage z;
	struct error err = { { 0 } };

	data = fake_zimage_make(&base);
	data[0x24] ^= 1;
	CHECK_EQ("bad magic: refused", arm_zimage_parse(data, base.length, "zImage", &z, &err), -EINVAL);
	CHECK_CONTAINS("bad magic: message", err.msg, "zImage: not a zImage");
	data[0x24] ^= 1;

	CHECK_EQ("truncated file: refused", arm_zimage_parse(data, base.length - 4096, "zImage", &z, &err), -EINVAL);
	CHECK_CONTAINS("truncated file: message", err.msg, "truncated");
	CHECK_EQ("shorter than a header: refused", arm_zimage_parse(data, 0x20, "zImage", &z, &err), -EINVAL);

	put_le32(data + 0x2c, 0x10);
	CHECK_EQ("end before the header's end: refused", arm_zimage_parse(data, base.length, "zImage", &z, &err), -EINVAL);
	CHECK_CONTAINS("end < start: message", err.msg, "not past its start");
	put_le32(data + 0x2c, base.length);

	put_le32(data + 0x28, 0x80008000);
	CHECK_EQ("linked at a fixed address: refused", arm_zimage_parse(data, base.length, "zImage", &z, &err), -EINVAL);
	CHECK_CONTAINS("fixed address: message", err.msg, "not relocatable");
	put_le32(data + 0x28, 0);

	put_le32(data + 0x30, 0x01020304);
	CHECK_EQ("big-endian: refused", arm_zimage_parse(data, base.length, "zImage", &z, &err), -EINVAL);
	put_le32(data + 0x30, 0x04030201);

	put_le32(data + 0x38, base.length + 16);
	CHECK_EQ("tag table past the end: refused", arm_zimage_parse(data, base.length, "zImage", &z, &err), -EINVAL);
	CHECK_CONTAINS("tag table past the end: message", err.msg, "tag table");
	put_le32(data + 0x38, FAKE_TABLE_AT);

	put_le32(data + FAKE_TABLE_AT, 0x40000000);
	CHECK_EQ("tag claiming a huge size: refused", arm_zimage_parse(data, base.length, "zImage", &z, &err), -EINVAL);
	put_le32(data + FAKE_TABLE_AT, 1);
	CHECK_EQ("tag shorter than its header: refused", arm_zimage_parse(data, base.length, "zImage", &z, &err), -EINVAL);
	put_le32(data + FAKE_TABLE_AT, 6);

	put_le32(data + FAKE_TABLE_AT + 8, base.length);
	CHECK_EQ("size word past the end: refused", arm_zimage_parse(data, base.length, "zImage", &z, &err), -EINVAL);
	CHECK_CONTAINS("size word past the end: message", err.msg, "inflated size at");
	free(data);

	o = base;
	o.inflated = 0;
	CHECK_REFUSED("inflated size 0", o, "implausible decompressed size");
	o = base;
	o.inflated = 0x1000;
	CHECK_REFUSED("inflated smaller than the zImage", o, "implausible decompressed size");
	o = base;
	o.bss = 0x40000000;
	CHECK_REFUSED("huge BSS", o, "implausible BSS");
	o = base;
	o.malloc_size = 0;
	CHECK_REFUSED("no heap", o, "decompressor heap");
	o = base;
	o.tag_text_offset = 0x209000;
	CHECK_REFUSED("TEXT_OFFSET off the 0x8000 rule", o, "not 0x8000 past a 64 KiB boundary");
	o = base;
	o.code_text_offset = 0x8000;
	CHECK_REFUSED("tag and code disagree", o, "but its code adds 0x8000");

	/* A tag table whose end marker is missing: every word a 2-word tag. */
	data = fake_zimage_make(&base);
	{
		uint32_t off;

		for (off = FAKE_TABLE_AT; off < FAKE_TABLE_AT + 8 * 40; off += 8) {
			put_le32(data + off, 2);
			put_le32(data + off + 4, 0x12345678);
		}
	}
	CHECK_EQ("no end marker: refused", arm_zimage_parse(data, base.length, "zImage", &z, &err), -EINVAL);
	CHECK_CONTAINS("no end marker: message", err.msg, "end marker");
	free(data);
}

int main(void)
{
	test_debian_like();
	test_decode();
	test_unknown();
	test_appended_dtb();
	test_malformed();
	return check_status();
}
