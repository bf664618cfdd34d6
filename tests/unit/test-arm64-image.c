/* arm64 Image header checks (booting.rst) and the truncation check through
 * the EFI stub's section table. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "byteorder.h"
#include "check.h"
#include "image.h"

static uint8_t buf[64 * 1024];

static void make_header(uint64_t text_offset, uint64_t image_size, uint64_t flags)
{
	memset(buf, 0, sizeof(buf));
	put_le64(buf + 8, text_offset);
	put_le64(buf + 16, image_size);
	put_le64(buf + 24, flags);
	memcpy(buf + 0x38, "ARM\x64", 4);
}

/* An EFI stub: "MZ", a PE header at 0x40 with one section whose raw data
 * ends at raw_end. */
static void add_pe(uint32_t raw_at, uint32_t raw_size)
{
	buf[0] = 'M';
	buf[1] = 'Z';
	put_le32(buf + 0x3c, 0x40);
	memcpy(buf + 0x40, "PE\0\0", 4);
	buf[0x40 + 6] = 1;          /* one section */
	buf[0x40 + 20] = 0xa0;      /* optional header size */
	memcpy(buf + 0x40 + 24 + 0xa0, ".text\0\0\0", 8);
	put_le32(buf + 0x40 + 24 + 0xa0 + 16, raw_size);
	put_le32(buf + 0x40 + 24 + 0xa0 + 20, raw_at);
}

int main(void)
{
	struct arm64_image img;
	struct error err;

	make_header(0, 1 << 20, 0xa);
	CHECK_EQ("valid header parses", arm64_image_parse(buf, sizeof(buf), "Image", &img, &err), 0);
	CHECK_EQ("text_offset read", img.text_offset, 0);
	CHECK_EQ("image_size read", img.image_size, 1 << 20);
	CHECK_EQ("4K page flag decoded", img.page_size, 4096);
	CHECK("placement-anywhere flag decoded", img.place_anywhere);
	CHECK("little endian", !img.big_endian);

	make_header(0x80000, 1 << 20, 0x6);
	CHECK_EQ("64K, placement near DRAM start parses", arm64_image_parse(buf, sizeof(buf), "Image", &img, &err), 0);
	CHECK_EQ("64K page flag decoded", img.page_size, 65536);
	CHECK_EQ("text_offset 0x80000", img.text_offset, 0x80000);
	CHECK("placement flag clear", !img.place_anywhere);

	make_header(0x1234, 0, 0);
	CHECK_EQ("pre-3.17 (image_size 0) parses", arm64_image_parse(buf, sizeof(buf), "Image", &img, &err), 0);
	CHECK_EQ("pre-3.17 text_offset forced to 0x80000", img.text_offset, 0x80000);
	CHECK("pre-3.17 size marked unknown", !img.image_size_known);

	make_header(0, 1 << 20, 0xa);
	memcpy(buf + 0x38, "ARM\x65", 4);
	CHECK_EQ("bad magic rejected", arm64_image_parse(buf, sizeof(buf), "k", &img, &err), -EINVAL);
	CHECK_CONTAINS("bad magic message names the file", err.msg, "k: not an arm64 Image");

	make_header(0, 1 << 20, 0xa);
	CHECK_EQ("short file rejected", arm64_image_parse(buf, 40, "k", &img, &err), -EINVAL);
	CHECK_CONTAINS("short file message", err.msg, "too short");

	make_header(0, 1 << 20, 0xb);
	CHECK_EQ("big-endian kernel rejected", arm64_image_parse(buf, sizeof(buf), "k", &img, &err), -EINVAL);
	CHECK_CONTAINS("big-endian message", err.msg, "big-endian");

	make_header(0, 1 << 20, 0x1a);
	CHECK_EQ("unknown flag bits rejected", arm64_image_parse(buf, sizeof(buf), "k", &img, &err), -EINVAL);

	make_header(0x80800, 1 << 20, 0xa);
	CHECK_EQ("text_offset not 4K aligned rejected", arm64_image_parse(buf, sizeof(buf), "k", &img, &err), -EINVAL);
	make_header(0x200000, 1 << 20, 0xa);
	CHECK_EQ("text_offset of 2 MiB rejected", arm64_image_parse(buf, sizeof(buf), "k", &img, &err), -EINVAL);

	make_header(0, 1000, 0xa);
	CHECK_EQ("image_size below file size rejected", arm64_image_parse(buf, sizeof(buf), "k", &img, &err), -EINVAL);

	/* text_offset + image_size would wrap: the plan then gave the kernel
	 * 0 bytes and put the DTB on top of it. */
	make_header(0x80000, UINT64_MAX - 0x7ffff, 0xa);
	CHECK_EQ("image_size near 2^64 rejected", arm64_image_parse(buf, sizeof(buf), "k", &img, &err), -EINVAL);
	CHECK_CONTAINS("image_size message names file and field", err.msg,
		       "k: kernel Image: image_size 0xfffffffffff80000 is beyond");
	make_header(0, (1ull << 52) + 4096, 0xa);
	CHECK_EQ("image_size past 52 bits rejected", arm64_image_parse(buf, sizeof(buf), "k", &img, &err), -EINVAL);
	make_header(0, 1ull << 40, 0xa);
	CHECK_EQ("image_size of 1 TiB parses (placement decides)", arm64_image_parse(buf, sizeof(buf), "k", &img, &err), 0);

	make_header(0, 1 << 20, 0xa);
	add_pe(0x1000, 0x8000);
	CHECK_EQ("EFI stub whose sections fit parses", arm64_image_parse(buf, sizeof(buf), "k", &img, &err), 0);
	CHECK_EQ("truncated EFI stub Image rejected", arm64_image_parse(buf, 0x4000, "k", &img, &err), -EINVAL);
	CHECK_CONTAINS("truncation message names the section", err.msg, "truncated: section .text");
	put_le32(buf + 0x3c, 0x7000);
	CHECK_EQ("PE offset past the end rejected", arm64_image_parse(buf, 0x4000, "k", &img, &err), -EINVAL);

	CHECK("probe sees the magic", (make_header(0, 1, 0), arm64_image_probe(buf, 64)));
	CHECK("probe rejects a short buffer", !arm64_image_probe(buf, 63));
	return check_status();
}
