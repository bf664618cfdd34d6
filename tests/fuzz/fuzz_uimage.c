/* uImage headers (uimage_parse), which format_unwrap_kernel reaches only
 * through both CRC32s (tests/fuzz/fuzz_format.c sets them right to go past).
 * Invariants: a parsed image's data lies inside the file and matches its
 * data CRC, the header matches its header CRC, the name is terminated;
 * a refusal is a negative code and one message line. */
#include <zlib.h>

#include "byteorder.h"
#include "fuzz_util.h"
#include "uimage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_part part = { data, size };
	uint8_t *file = (uint8_t *)fuzz_dup(&part);
	uint8_t header[UIMAGE_HEADER_SIZE];
	struct error err = { { 0 } };
	struct uimage img;
	int ret;

	(void)uimage_probe(file, size);
	ret = uimage_parse(file, size, &img, &err);
	if (ret) {
		FUZZ_ASSERT(ret < 0, "uimage_parse returned %d", ret);
		FUZZ_ASSERT_MESSAGE(&err);
		goto out;
	}
	FUZZ_ASSERT(size >= UIMAGE_HEADER_SIZE && get_be32(file) == UIMAGE_MAGIC,
		    "parsed without a header");
	FUZZ_ASSERT(img.data == file + UIMAGE_HEADER_SIZE &&
		    img.size <= size - UIMAGE_HEADER_SIZE, "data outside the file");
	FUZZ_ASSERT((uint32_t)crc32(0, img.data, img.size) == get_be32(file + 24),
		    "data CRC not checked");
	memcpy(header, file, sizeof(header));
	memset(header + 4, 0, 4);
	FUZZ_ASSERT((uint32_t)crc32(0, header, sizeof(header)) == get_be32(file + 4),
		    "header CRC not checked");
	FUZZ_ASSERT(memchr(img.name, '\0', sizeof(img.name)) != NULL, "name not terminated");
	FUZZ_ASSERT(img.load == get_be32(file + 16) && img.entry == get_be32(file + 20) &&
		    img.type == file[30] && img.comp == file[31], "header misread");
	(void)uimage_comp_name(img.comp);
out:
	free(file);
	return 0;
}
