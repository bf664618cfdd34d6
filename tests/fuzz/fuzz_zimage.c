/* The 32-bit ARM zImage: header, extension tags and the TEXT_OFFSET the
 * decompressor's first instructions add.  Any bytes give either facts the
 * planner can add up in 32 bits without surprise, or one error line that
 * names the file. */
#include <errno.h>

#include "fuzz_util.h"
#include "zimage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_part part = { data, size };
	char *copy = fuzz_dup(&part);
	struct arm_zimage z;
	struct error err = { { 0 } };
	uint32_t decoded = 0;
	bool thumb = false;
	int ret;

	/* The decoder alone, on every byte of the input. */
	ret = arm_zimage_decode_text_offset((const uint8_t *)copy, size, &decoded, &thumb);
	FUZZ_ASSERT(ret == 0 || ret == -ENOENT, "decode returned %d", ret);

	ret = arm_zimage_parse((const uint8_t *)copy, size, "zImage", &z, &err);
	if (ret) {
		FUZZ_ASSERT(ret < 0, "arm_zimage_parse returned %d", ret);
		FUZZ_ASSERT_MESSAGE(&err);
		FUZZ_ASSERT(!strncmp(err.msg, "zImage: ", 8), "message \"%s\" does not name the file",
			    err.msg);
	} else {
		FUZZ_ASSERT(z.length >= ZIMAGE_HEADER_SIZE && z.length <= size,
			    "length 0x%x of a %zu-byte file", z.length, size);
		FUZZ_ASSERT(z.inflated_size > 0 && z.inflated_size <= (256u << 20),
			    "inflated size 0x%x", z.inflated_size);
		FUZZ_ASSERT(z.kernel_bss <= (256u << 20), "BSS 0x%x", z.kernel_bss);
		FUZZ_ASSERT(z.malloc_size > 0 && z.malloc_size <= (16u << 20), "heap 0x%x",
			    z.malloc_size);
		if (z.text_offset_from == ZIMAGE_TEXT_OFFSET_ASSUMED)
			FUZZ_ASSERT(z.text_offset == ZIMAGE_ASSUMED_MAX_TEXT_OFFSET,
				    "assumed TEXT_OFFSET 0x%x", z.text_offset);
		else
			FUZZ_ASSERT((z.text_offset & 0xffff) == 0x8000 && z.text_offset < (128u << 20),
				    "TEXT_OFFSET 0x%x", z.text_offset);
		/* What the planner adds: below 4 GiB plus these stays < 2^33. */
		FUZZ_ASSERT((uint64_t)z.text_offset + z.inflated_size + z.kernel_bss < (1ull << 30),
			    "kernel span overflows its bounds");
	}
	free(copy);
	return 0;
}
