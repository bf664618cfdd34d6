#include "uimage.h"

#include <errno.h>
#include <string.h>
#include <zlib.h>

#include "byteorder.h"

#define OFF_HCRC 4
#define OFF_SIZE 12
#define OFF_LOAD 16
#define OFF_EP 20
#define OFF_DCRC 24
#define OFF_OS 28
#define OFF_ARCH 29
#define OFF_TYPE 30
#define OFF_COMP 31
#define OFF_NAME 32

bool uimage_probe(const uint8_t *data, size_t size)
{
	return size >= 4 && get_be32(data) == UIMAGE_MAGIC;
}

const char *uimage_comp_name(uint8_t comp)
{
	static const char *const names[] = {
		[UIMAGE_COMP_NONE] = "none", [UIMAGE_COMP_GZIP] = "gzip",
		[UIMAGE_COMP_BZIP2] = "bzip2", [UIMAGE_COMP_LZMA] = "lzma",
		[UIMAGE_COMP_LZO] = "lzo", [UIMAGE_COMP_LZ4] = "lz4",
		[UIMAGE_COMP_ZSTD] = "zstd",
	};

	return comp < sizeof(names) / sizeof(names[0]) ? names[comp] : NULL;
}

int uimage_parse(const uint8_t *data, size_t size, struct uimage *image,
		 struct error *err)
{
	uint8_t header[UIMAGE_HEADER_SIZE];
	uint32_t want, got;

	if (!uimage_probe(data, size))
		return error_set(err, -EINVAL, "no uImage magic");
	if (size < UIMAGE_HEADER_SIZE)
		return error_set(err, -EINVAL, "truncated: %zu bytes, the header alone is %d",
				 size, UIMAGE_HEADER_SIZE);
	/* The header CRC covers the header with its own field zeroed. */
	memcpy(header, data, sizeof(header));
	memset(header + OFF_HCRC, 0, 4);
	want = get_be32(data + OFF_HCRC);
	got = (uint32_t)crc32(0, header, sizeof(header));
	if (got != want)
		return error_set(err, -EINVAL, "header CRC32 mismatch (header says 0x%08x, computed 0x%08x): corrupt header",
				 want, got);

	memset(image, 0, sizeof(*image));
	image->size = get_be32(data + OFF_SIZE);
	image->load = get_be32(data + OFF_LOAD);
	image->entry = get_be32(data + OFF_EP);
	image->os = data[OFF_OS];
	image->arch = data[OFF_ARCH];
	image->type = data[OFF_TYPE];
	image->comp = data[OFF_COMP];
	memcpy(image->name, data + OFF_NAME, 32);
	image->name[32] = '\0';
	image->data = data + UIMAGE_HEADER_SIZE;

	/* Bytes past the data are allowed (flash partitions are padded); a
	 * size past the end of the file is not. */
	if (image->size > size - UIMAGE_HEADER_SIZE)
		return error_set(err, -EINVAL, "header says %u bytes of data but the file has %zu after the header: truncated",
				 image->size, size - UIMAGE_HEADER_SIZE);
	want = get_be32(data + OFF_DCRC);
	got = (uint32_t)crc32(0, image->data, image->size);
	if (got != want)
		return error_set(err, -EINVAL, "data CRC32 mismatch (header says 0x%08x, computed 0x%08x): corrupt data",
				 want, got);
	return 0;
}
