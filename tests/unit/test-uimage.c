/* The uImage header on its own: fields decoded, both CRCs checked, a size
 * past the end of the file refused, padding after the data allowed.
 * Headers are built here with zlib's CRC32, independently of uimage.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "check.h"
#include "uimage.h"

static uint8_t buf[4096];

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* A header for `size` bytes of data already at buf + 64. */
static void make(uint32_t size, uint8_t arch, uint8_t type, uint8_t comp)
{
	memset(buf, 0, 64);
	put_be32(buf, UIMAGE_MAGIC);
	put_be32(buf + 8, 0x12345678);          /* time */
	put_be32(buf + 12, size);
	put_be32(buf + 16, 0x80008000);         /* load */
	put_be32(buf + 20, 0x80008040);         /* entry */
	/* A size larger than the buffer is a lie under test: any CRC will do. */
	put_be32(buf + 24, (uint32_t)crc32(0, buf + 64, size < sizeof(buf) - 64 ? size : 0));
	buf[28] = UIMAGE_OS_LINUX;
	buf[29] = arch;
	buf[30] = type;
	buf[31] = comp;
	memcpy(buf + 32, "a name of exactly thirty-two ch.", 32);
	put_be32(buf + 4, (uint32_t)crc32(0, buf, 64));
}

int main(void)
{
	struct uimage img;
	struct error err = { { 0 } };
	size_t i;

	for (i = 64; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 31);
	make(1000, UIMAGE_ARCH_ARM, UIMAGE_TYPE_KERNEL, UIMAGE_COMP_GZIP);
	CHECK("probe sees the magic", uimage_probe(buf, 64));
	CHECK_EQ("valid header parses", uimage_parse(buf, 64 + 1000, &img, &err), 0);
	CHECK_EQ("size decoded", img.size, 1000);
	CHECK_EQ("load address decoded (big-endian)", img.load, 0x80008000);
	CHECK_EQ("entry address decoded", img.entry, 0x80008040);
	CHECK_EQ("os decoded", img.os, UIMAGE_OS_LINUX);
	CHECK_EQ("arch decoded", img.arch, UIMAGE_ARCH_ARM);
	CHECK_EQ("type decoded", img.type, UIMAGE_TYPE_KERNEL);
	CHECK_EQ("compression decoded", img.comp, UIMAGE_COMP_GZIP);
	CHECK_STR("a 32-byte name without NUL is terminated", img.name,
		  "a name of exactly thirty-two ch.");
	CHECK("data follows the header", img.data == buf + 64);
	CHECK_EQ("padding after the data is allowed", uimage_parse(buf, sizeof(buf), &img, &err), 0);

	CHECK_EQ("data past the end of the file is refused",
		 uimage_parse(buf, 64 + 999, &img, &err), -EINVAL);
	CHECK_CONTAINS("... saying the header's size and the file's", err.msg,
		       "header says 1000 bytes of data but the file has 999 after the header");
	CHECK_EQ("shorter than a header is refused", uimage_parse(buf, 63, &img, &err), -EINVAL);
	CHECK_CONTAINS("... as truncated", err.msg, "truncated");

	buf[20] ^= 1;
	CHECK_EQ("a changed header field breaks the header CRC",
		 uimage_parse(buf, 64 + 1000, &img, &err), -EINVAL);
	CHECK_CONTAINS("... reported as such", err.msg, "header CRC32 mismatch");
	buf[20] ^= 1;
	buf[64 + 500] ^= 1;
	CHECK_EQ("a changed data byte breaks the data CRC",
		 uimage_parse(buf, 64 + 1000, &img, &err), -EINVAL);
	CHECK_CONTAINS("... reported as such", err.msg, "data CRC32 mismatch");
	buf[64 + 500] ^= 1;

	make(0xffffffffu, UIMAGE_ARCH_ARM64, UIMAGE_TYPE_KERNEL, UIMAGE_COMP_NONE);
	CHECK_EQ("a 4 GiB size claim is refused, not believed",
		 uimage_parse(buf, sizeof(buf), &img, &err), -EINVAL);
	buf[0] = 0;
	CHECK("no magic, no probe", !uimage_probe(buf, 64));
	CHECK_EQ("no magic is refused", uimage_parse(buf, sizeof(buf), &img, &err), -EINVAL);

	CHECK_STR("compression names: none", uimage_comp_name(UIMAGE_COMP_NONE), "none");
	CHECK_STR("compression names: zstd", uimage_comp_name(UIMAGE_COMP_ZSTD), "zstd");
	CHECK_STR("compression names: lz4", uimage_comp_name(UIMAGE_COMP_LZ4), "lz4");
	CHECK("unknown compression has no name", uimage_comp_name(42) == NULL);
	return check_status();
}
