/* zImage header, KLSZ tag and TEXT_OFFSET decoding (arm/zimage.c), on
 * synthetic zImages; malformed ones are refused with a message. */
#include <errno.h>
#include <stddef.h>
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

/* The zImage o describes is refused, with a message holding needle. */
static void refused(const char *name, const struct fake_zimage *o, const char *needle)
{
	struct arm_zimage z;
	struct error err = { { 0 } };
	char what[128];

	snprintf(what, sizeof(what), "%s: refused", name);
	CHECK_EQ(what, parse(o, &z, &err), -EINVAL);
	snprintf(what, sizeof(what), "%s: message", name);
	CHECK_CONTAINS(what, err.msg, needle);
}

/* Parses data with the word at off set to value, then puts the word back. */
static int parse_with_word(uint8_t *data, uint32_t length, uint32_t off, uint32_t value,
			   struct error *err)
{
	uint32_t was = get_le32(data + off);
	struct arm_zimage z;
	int ret;

	put_le32(data + off, value);
	ret = arm_zimage_parse(data, length, "zImage", &z, err);
	put_le32(data + off, was);
	return ret;
}

static void test_malformed(void)
{
	/* One number of the fake zImage implausible at a time. */
	static const struct {
		const char *name;
		size_t field; /* of a uint32_t in struct fake_zimage */
		uint32_t value;
		const char *needle;
	} bad[] = {
		{ "inflated size 0", offsetof(struct fake_zimage, inflated), 0,
		  "implausible decompressed size" },
		{ "inflated smaller than the zImage", offsetof(struct fake_zimage, inflated), 0x1000,
		  "implausible decompressed size" },
		{ "huge BSS", offsetof(struct fake_zimage, bss), 0x40000000, "implausible BSS" },
		{ "no heap", offsetof(struct fake_zimage, malloc_size), 0, "decompressor heap" },
		{ "TEXT_OFFSET off the 0x8000 rule", offsetof(struct fake_zimage, tag_text_offset), 0x209000,
		  "not 0x8000 past a 64 KiB boundary" },
		{ "tag and code disagree", offsetof(struct fake_zimage, code_text_offset), 0x8000,
		  "but its code adds 0x8000" },
	};
	struct fake_zimage base = fake_debian_lpae(), o;
	uint8_t *data;
	struct arm_zimage z;
	struct error err = { { 0 } };
	size_t i;

	data = fake_zimage_make(&base);
	CHECK_EQ("bad magic: refused",
		 parse_with_word(data, base.length, 0x24, get_le32(data + 0x24) ^ 1, &err), -EINVAL);
	CHECK_CONTAINS("bad magic: message", err.msg, "zImage: not a zImage");

	CHECK_EQ("truncated file: refused", arm_zimage_parse(data, base.length - 4096, "zImage", &z, &err), -EINVAL);
	CHECK_CONTAINS("truncated file: message", err.msg, "truncated");
	CHECK_EQ("shorter than a header: refused", arm_zimage_parse(data, 0x20, "zImage", &z, &err), -EINVAL);

	CHECK_EQ("end before the header's end: refused",
		 parse_with_word(data, base.length, 0x2c, 0x10, &err), -EINVAL);
	CHECK_CONTAINS("end < start: message", err.msg, "not past its start");
	CHECK_EQ("linked at a fixed address: refused",
		 parse_with_word(data, base.length, 0x28, 0x80008000, &err), -EINVAL);
	CHECK_CONTAINS("fixed address: message", err.msg, "not relocatable");
	CHECK_EQ("big-endian: refused",
		 parse_with_word(data, base.length, 0x30, 0x01020304, &err), -EINVAL);
	CHECK_EQ("tag table past the end: refused",
		 parse_with_word(data, base.length, 0x38, base.length + 16, &err), -EINVAL);
	CHECK_CONTAINS("tag table past the end: message", err.msg, "tag table");
	CHECK_EQ("tag claiming a huge size: refused",
		 parse_with_word(data, base.length, FAKE_TABLE_AT, 0x40000000, &err), -EINVAL);
	CHECK_EQ("tag shorter than its header: refused",
		 parse_with_word(data, base.length, FAKE_TABLE_AT, 1, &err), -EINVAL);
	CHECK_EQ("size word past the end: refused",
		 parse_with_word(data, base.length, FAKE_TABLE_AT + 8, base.length, &err), -EINVAL);
	CHECK_CONTAINS("size word past the end: message", err.msg, "inflated size at");
	free(data);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		o = base;
		memcpy((uint8_t *)&o + bad[i].field, &bad[i].value, sizeof(bad[i].value));
		refused(bad[i].name, &o, bad[i].needle);
	}

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
