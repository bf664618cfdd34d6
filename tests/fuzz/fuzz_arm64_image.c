/* The arm64 Image header: any bytes give either a header the planner can
 * place without overflow (text_offset a 4 KiB multiple below 2 MiB,
 * image_size covering the file and far from 2^64) or one error line that
 * names the file. */
#include <errno.h>

#include "fuzz_util.h"
#include "image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_part part = { data, size };
	char *copy = fuzz_dup(&part);
	struct arm64_image img;
	struct error err = { { 0 } };
	int ret = arm64_image_parse((const uint8_t *)copy, size, "Image", &img, &err);

	if (ret) {
		FUZZ_ASSERT(ret < 0, "arm64_image_parse returned %d", ret);
		FUZZ_ASSERT_MESSAGE(&err);
		FUZZ_ASSERT(!strncmp(err.msg, "Image: ", 7), "message \"%s\" does not name the file",
			    err.msg);
	} else {
		FUZZ_ASSERT(arm64_image_probe((const uint8_t *)copy, size), "parsed without the magic");
		FUZZ_ASSERT(img.text_offset < (2u << 20) && img.text_offset % 4096 == 0,
			    "text_offset 0x%llx", (unsigned long long)img.text_offset);
		if (img.image_size_known) {
			FUZZ_ASSERT(img.image_size >= size, "image_size below the file size");
			FUZZ_ASSERT(img.image_size <= (1ull << 52), "image_size 0x%llx past 52 bits",
				    (unsigned long long)img.image_size);
			FUZZ_ASSERT(img.page_size == 0 || img.page_size == 4096 ||
				    img.page_size == 16384 || img.page_size == 65536,
				    "page size %u", img.page_size);
			FUZZ_ASSERT(!img.big_endian, "big-endian accepted");
		}
	}
	free(copy);
	return 0;
}
