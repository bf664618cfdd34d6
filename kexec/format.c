#include "format.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "byteorder.h"

struct format_row {
	enum file_format format;
	const char *name;
	bool (*matches)(const uint8_t *data, size_t size);
};

static bool is_arm64_image(const uint8_t *d, size_t n)
{
	return n >= 64 && memcmp(d + 0x38, "ARM\x64", 4) == 0;
}

static bool is_zimage(const uint8_t *d, size_t n)
{
	return n >= 0x30 && get_le32(d + 0x24) == 0x016f2818;
}

static bool is_uimage(const uint8_t *d, size_t n)
{
	return n >= 64 && get_be32(d) == 0x27051956;
}

static bool is_zboot(const uint8_t *d, size_t n)
{
	return n >= 64 && d[0] == 'M' && d[1] == 'Z' && memcmp(d + 4, "zimg", 4) == 0;
}

static bool is_elf(const uint8_t *d, size_t n)
{
	return n >= 16 && memcmp(d, "\x7f" "ELF", 4) == 0;
}

static bool is_gzip(const uint8_t *d, size_t n)
{
	return n >= 3 && d[0] == 0x1f && d[1] == 0x8b && d[2] == 8;
}

static bool is_zstd(const uint8_t *d, size_t n)
{
	return n >= 4 && get_le32(d) == 0xfd2fb528;
}

static bool is_xz(const uint8_t *d, size_t n)
{
	return n >= 6 && memcmp(d, "\xfd" "7zXZ\0", 6) == 0;
}

static bool is_lzma(const uint8_t *d, size_t n)
{
	/* lzma-alone: properties byte 0x5d and a dictionary size, as the
	 * kernel's own lzma images are written. */
	return n >= 13 && d[0] == 0x5d && d[1] == 0 && d[2] == 0;
}

static bool is_cpio(const uint8_t *d, size_t n)
{
	return n >= 6 && (memcmp(d, "070701", 6) == 0 || memcmp(d, "070702", 6) == 0);
}

static bool is_fdt(const uint8_t *d, size_t n)
{
	return n >= 4 && get_be32(d) == 0xd00dfeed;
}

/* Kernel formats first: an EFI-stub Image also starts with "MZ". */
static const struct format_row formats[] = {
	{ FORMAT_ARM64_IMAGE, "Image", is_arm64_image },
	{ FORMAT_ARM_ZIMAGE, "zImage", is_zimage },
	{ FORMAT_ZBOOT, "zboot", is_zboot },
	{ FORMAT_UIMAGE, "uImage", is_uimage },
	{ FORMAT_ELF, "ELF", is_elf },
	{ FORMAT_GZIP, "gzip", is_gzip },
	{ FORMAT_ZSTD, "zstd", is_zstd },
	{ FORMAT_XZ, "xz", is_xz },
	{ FORMAT_LZMA, "lzma", is_lzma },
	{ FORMAT_CPIO, "cpio", is_cpio },
	{ FORMAT_FDT, "device tree", is_fdt },
};

enum file_format format_detect(const uint8_t *data, size_t size)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (formats[i].matches(data, size))
			return formats[i].format;
	return FORMAT_UNKNOWN;
}

const char *format_name(enum file_format format)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (formats[i].format == format)
			return formats[i].name;
	return "unknown";
}

int format_unwrap_kernel(const uint8_t *data, size_t size, const char *path,
			 struct kernel_file *kernel, void **owned,
			 struct error *err)
{
	enum file_format format = format_detect(data, size);

	*owned = NULL;
	memset(kernel, 0, sizeof(*kernel));
	kernel->path = path;
	kernel->data = data;
	kernel->size = size;
	switch (format) {
	case FORMAT_ARM64_IMAGE:
	case FORMAT_ARM_ZIMAGE:
	case FORMAT_UNKNOWN:
		snprintf(kernel->chain, sizeof(kernel->chain), "%s", format_name(format));
		return 0;
	case FORMAT_CPIO:
		return error_set(err, -EINVAL, "%s: this is an initramfs (cpio), not a kernel: pass it with --initrd",
				 path);
	case FORMAT_FDT:
		return error_set(err, -EINVAL, "%s: this is a device tree, not a kernel: pass it with --dtb",
				 path);
	default:
		return error_set(err, -ENOTSUP, "%s: %s kernels are not supported yet", path,
				 format_name(format));
	}
}

int format_check_initrd(const uint8_t *data, size_t size, const char *path,
			struct error *err)
{
	switch (format_detect(data, size)) {
	case FORMAT_ARM64_IMAGE:
	case FORMAT_ARM_ZIMAGE:
	case FORMAT_ZBOOT:
	case FORMAT_UIMAGE:
	case FORMAT_ELF:
		return error_set(err, -EINVAL, "%s: this is a kernel (%s), not an initrd",
				 path, format_name(format_detect(data, size)));
	case FORMAT_FDT:
		return error_set(err, -EINVAL, "%s: this is a device tree, not an initrd: pass it with --dtb",
				 path);
	default:
		return 0;
	}
}
