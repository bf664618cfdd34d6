#include "image.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "byteorder.h"

#define FLAG_BE (1u << 0)
#define FLAG_PAGE_SHIFT 1
#define FLAG_PAGE_MASK (3u << FLAG_PAGE_SHIFT)
#define FLAG_ANYWHERE (1u << 3)
#define KNOWN_FLAGS (FLAG_BE | FLAG_PAGE_MASK | FLAG_ANYWHERE)

/* booting.rst: an image_size of 0 predates v3.17, whose text_offset was
 * always 0x80000 whatever the field says. */
#define LEGACY_TEXT_OFFSET 0x80000
#define BASE_ALIGN (2u << 20)
/* No arm64 physical address reaches past 52 bits (FEAT_LPA): an image_size
 * beyond that is a corrupt header, and base + text_offset + image_size
 * could wrap. */
#define IMAGE_SIZE_MAX (1ull << 52)

bool arm64_image_probe(const uint8_t *data, size_t size)
{
	return size >= ARM64_IMAGE_HEADER_SIZE &&
	       memcmp(data + ARM64_IMAGE_MAGIC_OFFSET, "ARM\x64", 4) == 0;
}

/* An EFI-stub Image is also a PE file whose section table says how many
 * bytes of file it needs: the one cheap way to notice a truncated kernel
 * before it is booted. */
static int check_pe_sections(const uint8_t *data, size_t size, const char *path,
			     struct error *err)
{
	uint32_t pe, table, nsections, i;

	if (data[0] != 'M' || data[1] != 'Z')
		return 0;
	pe = get_le32(data + 0x3c);
	if (pe == 0)
		return 0;
	if ((uint64_t)pe + 24 > size || memcmp(data + pe, "PE\0\0", 4) != 0)
		return error_set(err, -EINVAL, "%s: EFI stub header points past the file (offset 0x%x): truncated?",
				 path, pe);
	nsections = (uint32_t)data[pe + 6] | (uint32_t)data[pe + 7] << 8;
	table = pe + 24 + ((uint32_t)data[pe + 20] | (uint32_t)data[pe + 21] << 8);
	if ((uint64_t)table + 40ull * nsections > size)
		return error_set(err, -EINVAL, "%s: EFI stub section table lies past the end of the file: truncated?",
				 path);
	for (i = 0; i < nsections; i++) {
		const uint8_t *sec = data + table + 40 * i;
		uint64_t raw_size = get_le32(sec + 16), raw_at = get_le32(sec + 20);

		if (raw_size && raw_at + raw_size > size)
			return error_set(err, -EINVAL, "%s: truncated: section %.8s needs bytes up to 0x%" PRIx64 " but the file has %zu",
					 path, (const char *)sec, raw_at + raw_size, size);
	}
	return 0;
}

int arm64_image_parse(const uint8_t *data, size_t size, const char *path,
		      struct arm64_image *image, struct error *err)
{
	static const uint32_t page_sizes[] = { 0, 4096, 16384, 65536 };
	uint64_t flags;

	if (size < ARM64_IMAGE_HEADER_SIZE)
		return error_set(err, -EINVAL, "%s: too short for an arm64 Image (%zu bytes)",
				 path, size);
	if (!arm64_image_probe(data, size))
		return error_set(err, -EINVAL, "%s: not an arm64 Image (no \"ARM\\x64\" magic at 0x38)",
				 path);
	memset(image, 0, sizeof(*image));
	image->text_offset = get_le64(data + 8);
	image->image_size = get_le64(data + 16);
	flags = get_le64(data + 24);

	if (image->image_size == 0) {
		/* Pre-3.17: no size, no flags; BSS is not covered by the file. */
		image->text_offset = LEGACY_TEXT_OFFSET;
		image->image_size_known = false;
		image->place_anywhere = false;
		return 0;
	}
	image->image_size_known = true;
	if (flags & ~(uint64_t)KNOWN_FLAGS)
		return error_set(err, -EINVAL, "%s: unknown Image header flags 0x%" PRIx64,
				 path, flags & ~(uint64_t)KNOWN_FLAGS);
	image->big_endian = flags & FLAG_BE;
	image->page_size = page_sizes[(flags & FLAG_PAGE_MASK) >> FLAG_PAGE_SHIFT];
	image->place_anywhere = flags & FLAG_ANYWHERE;

	if (image->big_endian)
		return error_set(err, -EINVAL, "%s: big-endian kernel Image; this loader and its purgatory are little-endian",
				 path);
	if (image->text_offset >= BASE_ALIGN || image->text_offset % 4096)
		return error_set(err, -EINVAL, "%s: text_offset 0x%" PRIx64 " is not a 4 KiB multiple below 2 MiB",
				 path, image->text_offset);
	if (image->image_size > IMAGE_SIZE_MAX)
		return error_set(err, -EINVAL, "%s: kernel Image: image_size 0x%" PRIx64 " is beyond the 52-bit physical address space: corrupt header",
				 path, image->image_size);
	if (check_pe_sections(data, size, path, err))
		return -EINVAL;
	if (image->image_size < size)
		return error_set(err, -EINVAL, "%s: image_size 0x%" PRIx64 " is smaller than the file (%zu bytes): truncated header or not a kernel",
				 path, image->image_size, size);
	return 0;
}
