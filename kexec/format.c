#include "format.h"

#include <errno.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "byteorder.h"
#include "decompress.h"
#include "elf_kernel.h"
#include "uimage.h"
#include "uki.h"

/* What a file of a type is to us: a payload the backend plans (Image), a
 * container that only ever holds a kernel (zboot), compression (which may
 * hold a kernel or an initramfs), or something that belongs elsewhere. */
enum role {
	ROLE_KERNEL,
	ROLE_KERNEL_CONTAINER,
	ROLE_COMPRESSION,
	ROLE_INITRD,
	ROLE_DTB,
};

/* One unwrapped layer: its data points into the parent's buffer or into a
 * new one (`owned`). */
struct layer {
	const uint8_t *data;
	size_t size;
	uint8_t *owned;
	char label[32];                /* the chain's name for this layer */
	enum file_format payload;      /* non-zero: data is this, no detection */
	bool exact;                    /* data is exactly the stream inside (a
					  container said how long it is) */
};

struct format_row;
/* What unwrapping may hold at once is `limit` bytes: the layer being
 * unpacked gets what the buffer it reads from (`held`, the output of layer
 * `held_layer`) leaves. */
struct unwrap {
	const char *path;
	struct kernel_file *kernel;
	struct error *err;
	size_t limit;
	size_t held;
	int held_layer;
	int layer;                     /* the one being unpacked, from 1 */
	bool exact;                    /* the input is exactly one stream */
};

static size_t unwrap_room(const struct unwrap *u)
{
	return u->limit - u->held;
}

typedef int (*unwrap_fn)(struct unwrap *u, const struct format_row *row,
			 const uint8_t *data, size_t size, struct layer *out);

struct format_row {
	enum file_format format;
	const char *name;
	bool (*matches)(const uint8_t *data, size_t size); /* NULL: never detected */
	enum role role;
	unwrap_fn unwrap;        /* containers and compression */
	enum compression comp;   /* compression rows */
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
	/* The magic alone: a uImage cut short is then told so. */
	return uimage_probe(d, n);
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

static int unwrap_zboot(struct unwrap *u, const struct format_row *row,
			const uint8_t *data, size_t size, struct layer *out);
static int unwrap_uimage(struct unwrap *u, const struct format_row *row,
			 const uint8_t *data, size_t size, struct layer *out);
static int unwrap_uki(struct unwrap *u, const struct format_row *row,
		      const uint8_t *data, size_t size, struct layer *out);
static int unwrap_elf(struct unwrap *u, const struct format_row *row,
		      const uint8_t *data, size_t size, struct layer *out);
static int unwrap_compressed(struct unwrap *u, const struct format_row *row,
			     const uint8_t *data, size_t size, struct layer *out);

/* Detection runs top to bottom.  Kernel formats first: an EFI-stub Image,
 * a zboot and a UKI all start with "MZ"; the Image and the zboot are told
 * by their magic, before a UKI is looked for in the PE section table. */
static const struct format_row formats[] = {
	{ FORMAT_ARM64_IMAGE, "Image", is_arm64_image, ROLE_KERNEL, NULL, 0 },
	{ FORMAT_ARM_ZIMAGE, "zImage", is_zimage, ROLE_KERNEL, NULL, 0 },
	{ FORMAT_ZBOOT, "zboot", is_zboot, ROLE_KERNEL_CONTAINER, unwrap_zboot, 0 },
	{ FORMAT_UKI, "UKI", uki_probe, ROLE_KERNEL_CONTAINER, unwrap_uki, 0 },
	{ FORMAT_UIMAGE, "uImage", is_uimage, ROLE_KERNEL_CONTAINER, unwrap_uimage, 0 },
	{ FORMAT_ELF, "ELF", is_elf, ROLE_KERNEL_CONTAINER, unwrap_elf, 0 },
	{ FORMAT_GZIP, "gzip", is_gzip, ROLE_COMPRESSION, unwrap_compressed, COMPRESSION_GZIP },
	{ FORMAT_ZSTD, "zstd", is_zstd, ROLE_COMPRESSION, unwrap_compressed, COMPRESSION_ZSTD },
	{ FORMAT_XZ, "xz", is_xz, ROLE_COMPRESSION, unwrap_compressed, COMPRESSION_XZ },
	{ FORMAT_LZMA, "lzma", is_lzma, ROLE_COMPRESSION, unwrap_compressed, COMPRESSION_LZMA },
	{ FORMAT_CPIO, "cpio", is_cpio, ROLE_INITRD, NULL, 0 },
	{ FORMAT_FDT, "device tree", is_fdt, ROLE_DTB, NULL, 0 },
	{ FORMAT_ARM_IMAGE, "arm Image", NULL, ROLE_KERNEL, NULL, 0 },
};

#define NR_FORMATS (sizeof(formats) / sizeof(formats[0]))

static const struct format_row *row_detect(const uint8_t *data, size_t size)
{
	size_t i;

	for (i = 0; i < NR_FORMATS; i++)
		if (formats[i].matches && formats[i].matches(data, size))
			return &formats[i];
	return NULL;
}

static const struct format_row *row_of(enum file_format format)
{
	size_t i;

	for (i = 0; i < NR_FORMATS; i++)
		if (formats[i].format == format)
			return &formats[i];
	return NULL;
}

enum file_format format_detect(const uint8_t *data, size_t size)
{
	const struct format_row *row = row_detect(data, size);

	return row ? row->format : FORMAT_UNKNOWN;
}

const char *format_name(enum file_format format)
{
	const struct format_row *row = row_of(format);

	return row ? row->name : "unknown";
}

static void chain_add(char *chain, size_t chain_size, const char *name)
{
	size_t used = strlen(chain);

	snprintf(chain + used, chain_size - used, "%s%s", used ? " -> " : "", name);
}

/* A layer that would unpack past the limit (`claimed`: the size it
 * announced, 0 when its output passed the limit as it came out). */
static int layer_too_big(struct unwrap *u, const char *name, uint64_t claimed)
{
	char room[24], limit[24], held[64] = "", claim[64] = "";

	size_text(room, sizeof(room), unwrap_room(u));
	size_text(limit, sizeof(limit), u->limit);
	if (u->held) {
		char n[24];

		size_text(n, sizeof(n), u->held);
		snprintf(held, sizeof(held), ", %s of it held by layer %d", n, u->held_layer);
	}
	if (claimed)
		snprintf(claim, sizeof(claim), ": it announces %" PRIu64 " bytes", claimed);
	return error_set(u->err, -EFBIG, "%s: %s layer %d would unpack to more than %s (the limit here: %s for all layers at once%s)%s",
			 u->path, name, u->layer, room, limit, held, claim);
}

static const struct format_row *compression_row(enum compression c)
{
	size_t i;

	for (i = 0; i < NR_FORMATS; i++)
		if (formats[i].role == ROLE_COMPRESSION && formats[i].comp == c)
			return &formats[i];
	return NULL;
}

static int unsupported_compression(struct unwrap *u, const char *what, enum compression c)
{
	return error_set(u->err, -ENOTSUP, "%s: %s%s-compressed kernel, but this kexec was built without %s support (%s)",
			 u->path, what, compression_name(c), compression_name(c),
			 c == COMPRESSION_ZSTD ? "libzstd" : "liblzma");
}

/* Bytes after a compressed stream: zero padding is harmless, and four
 * bytes are the size the kernel's build appends (size_append) to streams
 * that do not carry one; anything else is not part of a kernel. */
static int check_trailer(struct unwrap *u, const char *name, const uint8_t *rest,
			 size_t rest_size, size_t out_size)
{
	size_t i;

	for (i = 0; i < rest_size && rest[i] == 0; i++)
		;
	if (i == rest_size)
		return 0;
	if (rest_size == 4) {
		if (get_le32(rest) == (uint32_t)out_size)
			return 0;
		return error_set(u->err, -EINVAL, "%s: %s: the size appended after the stream says %u bytes but the data decompresses to %zu",
				 u->path, name, get_le32(rest), out_size);
	}
	return error_set(u->err, -EINVAL, "%s: %s: %zu bytes of trailing data after the end of the stream",
			 u->path, name, rest_size);
}

static int unwrap_compressed(struct unwrap *u, const struct format_row *row,
			     const uint8_t *data, size_t size, struct layer *out)
{
	struct decompressed d;
	const struct format_row *inner;
	size_t peek;
	int ret;

	if (!compression_supported(row->comp))
		return unsupported_compression(u, "", row->comp);
	/* A compressed initramfs is a common mix-up: say so before
	 * decompressing hundreds of MiB of it. */
	peek = unwrap_room(u) < FORMAT_PEEK_SIZE ? unwrap_room(u) : FORMAT_PEEK_SIZE;
	if (decompress(row->comp, data, size, peek, unwrap_room(u), DECOMPRESS_PEEK, &d,
		       NULL) == 0) {
		inner = row_detect(d.data, d.size);
		free(d.data);
		if (inner && inner->role == ROLE_INITRD)
			return error_set(u->err, -EINVAL, "%s: this is an initramfs (%s-compressed cpio), not a kernel: pass it with --initrd",
					 u->path, row->name);
		/* Every layer holds a kernel, a container or another
		 * compressed layer, each recognized by its first bytes: a
		 * layer that starts with none of them (zeros, in the classic
		 * bomb) is refused now, not after unpacking all of it.  A
		 * stream that ended or broke before the peek's end is left
		 * to the full decoding, which says what is wrong with it. */
		if (!inner && d.size == peek)
			return error_set(u->err, -EINVAL, "%s: not a kernel: what its %s layer unpacks to starts with no known format",
					 u->path, row->name);
	}
	ret = decompress(row->comp, data, size, unwrap_room(u), unwrap_room(u),
			 u->exact ? DECOMPRESS_WHOLE : 0, &d, u->err);
	if (ret == -EFBIG)
		return layer_too_big(u, row->name, d.claimed);
	if (ret)
		return error_prefix(u->err, ret, "%s: %s", u->path, row->name);
	ret = check_trailer(u, row->name, data + d.consumed, size - d.consumed, d.size);
	if (ret) {
		free(d.data);
		return ret;
	}
	out->data = out->owned = d.data;
	out->size = d.size;
	return 0;
}

/* drivers/firmware/efi/libstub/zboot-header.S: "MZ", "zimg" at 4, the
 * payload's offset and size at 8 and 12 (LE32), the compression type as a
 * NUL-terminated string at 24.  Kernels name it "gzip" or "zstd" (older
 * ones "zstd22", "lzma", "xzkern", "lz4", "lzo"). */
#define ZBOOT_OFF_PAYLOAD 8
#define ZBOOT_OFF_SIZE 12
#define ZBOOT_OFF_COMP 24
#define ZBOOT_COMP_LEN 32 /* up to the Linux PE magic at 0x38 */

static const struct {
	const char *type;
	enum compression comp;
} zboot_types[] = {
	{ "gzip", COMPRESSION_GZIP },
	{ "zstd", COMPRESSION_ZSTD },
	{ "zstd22", COMPRESSION_ZSTD },
	{ "lzma", COMPRESSION_LZMA },
	{ "xzkern", COMPRESSION_XZ },
	{ "xz", COMPRESSION_XZ },
};

static int unwrap_zboot(struct unwrap *u, const struct format_row *row,
			const uint8_t *data, size_t size, struct layer *out)
{
	uint32_t offset = get_le32(data + ZBOOT_OFF_PAYLOAD);
	uint32_t length = get_le32(data + ZBOOT_OFF_SIZE);
	const char *type = (const char *)data + ZBOOT_OFF_COMP;
	const struct format_row *comp_row;
	struct decompressed d;
	enum compression comp;
	size_t i;
	int ret;

	(void)row;
	if (!memchr(type, '\0', ZBOOT_COMP_LEN))
		return error_set(u->err, -EINVAL, "%s: zboot: compression type at 0x18 is not a string: corrupt header",
				 u->path);
	for (i = 0; i < sizeof(zboot_types) / sizeof(zboot_types[0]); i++)
		if (strcmp(type, zboot_types[i].type) == 0)
			break;
	if (i == sizeof(zboot_types) / sizeof(zboot_types[0]))
		return error_set(u->err, -ENOTSUP, "%s: zboot: unknown or unsupported payload compression \"%.32s\" (gzip, zstd, xz and lzma are supported)",
				 u->path, type);
	comp = zboot_types[i].comp;
	if (offset < 64 || offset > size || length > size - offset)
		return error_set(u->err, -EINVAL, "%s: zboot: payload of 0x%x bytes at offset 0x%x lies outside the file (%zu bytes): truncated or corrupt",
				 u->path, length, offset, size);
	comp_row = compression_row(comp);
	if (!comp_row->matches(data + offset, length))
		return error_set(u->err, -EINVAL, "%s: zboot: header says %s but the payload is not a %s stream",
				 u->path, type, compression_name(comp));
	if (!compression_supported(comp))
		return unsupported_compression(u, "zboot with a ", comp);
	snprintf(out->label, sizeof(out->label), "zboot(%s)", compression_name(comp));
	/* The header gives the payload's length: a size at its end is its own. */
	ret = decompress(comp, data + offset, length, unwrap_room(u), unwrap_room(u),
			 DECOMPRESS_WHOLE, &d, u->err);
	if (ret == -EFBIG)
		return layer_too_big(u, out->label, d.claimed);
	if (ret)
		return error_prefix(u->err, ret, "%s: zboot(%s), payload of %u bytes per its header",
				    u->path, compression_name(comp), length);
	if (d.consumed != length) {
		free(d.data);
		return error_set(u->err, -EINVAL, "%s: zboot: header says the payload is %u bytes but its %s stream ends after %zu",
				 u->path, length, compression_name(comp), d.consumed);
	}
	out->data = out->owned = d.data;
	out->size = d.size;
	return 0;
}

static int unwrap_uimage(struct unwrap *u, const struct format_row *row,
			 const uint8_t *data, size_t size, struct layer *out)
{
	struct uimage img;
	const char *comp;
	int ret;

	(void)row;
	ret = uimage_parse(data, size, &img, u->err);
	if (ret)
		return error_prefix(u->err, ret, "%s: uImage", u->path);
	if (img.type == UIMAGE_TYPE_RAMDISK)
		return error_set(u->err, -EINVAL, "%s: this is an initramfs (uImage ramdisk \"%s\"), not a kernel: pass it with --initrd",
				 u->path, img.name);
	if (img.type == UIMAGE_TYPE_MULTI)
		return error_set(u->err, -ENOTSUP, "%s: uImage: multi-file images are not supported; extract the kernel from it",
				 u->path);
	if (img.type != UIMAGE_TYPE_KERNEL && img.type != UIMAGE_TYPE_KERNEL_NOLOAD)
		return error_set(u->err, -EINVAL, "%s: uImage of type %u, not a kernel", u->path,
				 img.type);
	if (img.os != UIMAGE_OS_LINUX)
		return error_set(u->err, -EINVAL, "%s: uImage for OS %u, not Linux", u->path, img.os);
	if (img.arch != UIMAGE_ARCH_ARM && img.arch != UIMAGE_ARCH_ARM64)
		return error_set(u->err, -EINVAL, "%s: uImage for architecture %u, not arm or arm64",
				 u->path, img.arch);
	comp = uimage_comp_name(img.comp);
	switch (img.comp) {
	case UIMAGE_COMP_NONE:
		break;
	case UIMAGE_COMP_GZIP:
	case UIMAGE_COMP_LZMA:
	case UIMAGE_COMP_ZSTD: {
		/* The layer below is found from the data's own bytes, like
		 * every other; the header must agree with them. */
		const struct format_row *inner = row_detect(img.data, img.size);

		if (!inner || strcmp(inner->name, comp) != 0)
			return error_set(u->err, -EINVAL, "%s: uImage: header says %s-compressed but the data is %s",
					 u->path, comp, inner ? inner->name : "not a known format");
		break;
	}
	default:
		if (comp)
			return error_set(u->err, -ENOTSUP, "%s: uImage with %s-compressed data: not supported (none, gzip, lzma and zstd are)",
					 u->path, comp);
		return error_set(u->err, -EINVAL, "%s: uImage: unknown compression type %u",
				 u->path, img.comp);
	}
	/* A "kernel_noload" image runs where it lies: no address to keep. */
	if (img.type == UIMAGE_TYPE_KERNEL) {
		u->kernel->has_load_addr = true;
		u->kernel->load_addr = img.load;
		u->kernel->entry_addr = img.entry;
	}
	out->data = img.data;
	out->size = img.size;
	out->exact = true;
	return 0;
}

/* A UKI is what firmware loads: its .linux goes on down the chain, its
 * initrd and command line to the caller, pointing into the file. */
static int unwrap_uki(struct unwrap *u, const struct format_row *row,
		      const uint8_t *data, size_t size, struct layer *out)
{
	struct uki uki;
	int ret;

	if (u->layer > 1)
		return error_set(u->err, -EINVAL, "%s: a UKI inside another layer (%s -> UKI): a UKI is only ever the file itself, as firmware loads it",
				 u->path, u->kernel->chain);
	ret = uki_parse(data, size, &uki, u->err);
	if (ret)
		return error_prefix(u->err, ret, "%s: %s", u->path, row->name);
	u->kernel->uki.present = true;
	u->kernel->uki.initrd = uki.initrd;
	u->kernel->uki.initrd_size = uki.initrd_size;
	u->kernel->uki.cmdline = uki.cmdline;
	u->kernel->uki.cmdline_len = uki.cmdline_len;
	out->data = uki.kernel;
	out->size = uki.kernel_size;
	return 0;
}

static int unwrap_elf(struct unwrap *u, const struct format_row *row,
		      const uint8_t *data, size_t size, struct layer *out)
{
	const struct format_row *inner;
	struct elf_kernel ek;
	uint64_t entry_offset;
	int ret;

	ret = elf_kernel_flatten(data, size, unwrap_room(u), &ek, u->err);
	if (ret == -EFBIG)
		return layer_too_big(u, row->name, 0);
	if (ret)
		return error_prefix(u->err, ret, "%s: ELF", u->path);
	out->data = out->owned = ek.data;
	out->size = ek.size;
	entry_offset = ek.entry_paddr - ek.load_paddr;
	if (ek.machine == EM_AARCH64) {
		/* A vmlinux's _text starts with the Image header; flattened, it
		 * is the Image, entered at its start. */
		if (!is_arm64_image(ek.data, ek.size)) {
			ret = error_set(u->err, -EINVAL, "%s: ELF: an AArch64 ELF that does not start with an arm64 Image header: only a kernel vmlinux can be loaded",
					u->path);
		} else if (entry_offset != 0) {
			ret = error_set(u->err, -EINVAL, "%s: ELF: entry point 0x%" PRIx64 " bytes into the image; an arm64 kernel is entered at its Image header",
					u->path, entry_offset);
		}
		out->payload = FORMAT_ARM64_IMAGE;
	} else if (is_zimage(ek.data, ek.size)) {
		/* arch/arm/boot/compressed/vmlinux: a zImage is entered at its
		 * start, wherever it lies. */
		if (entry_offset != 0)
			ret = error_set(u->err, -EINVAL, "%s: ELF: a zImage whose entry point is 0x%" PRIx64 " bytes into it",
					u->path, entry_offset);
		out->payload = FORMAT_ARM_ZIMAGE;
	} else if ((inner = row_detect(ek.data, ek.size)) != NULL) {
		/* A flat Image has no magic; bytes that have one are something
		 * else, which would be booted as code. */
		ret = error_set(u->err, -EINVAL, "%s: ELF: a 32-bit ARM ELF whose loadable data is a %s, not a kernel image",
				u->path, inner->name);
	} else {
		/* A 32-bit vmlinux: the uncompressed Image is entered at its
		 * start with the MMU off.  Physical addresses in the ELF say
		 * where it goes; without them (p_paddr == p_vaddr, virtual
		 * only) the backend places it as it would an Image, which is
		 * only sane when the entry is the first byte. */
		if (ek.has_paddr) {
			u->kernel->has_load_addr = true;
			u->kernel->load_addr = ek.load_paddr;
			u->kernel->entry_addr = ek.entry_paddr;
		} else if (entry_offset != 0) {
			ret = error_set(u->err, -EINVAL, "%s: ELF: the entry point is 0x%" PRIx64 " bytes into the image and the ELF gives no physical addresses: cannot tell where to enter it",
					u->path, entry_offset);
		}
		out->payload = FORMAT_ARM_IMAGE;
	}
	if (ret) {
		free(ek.data);
		out->data = out->owned = NULL;
	}
	return ret;
}

int format_unwrap_kernel(const uint8_t *data, size_t size, size_t limit,
			 const char *path, struct kernel_file *kernel, void **owned,
			 struct error *err)
{
	struct unwrap u = { path, kernel, err, limit, 0, 0, 0, false };
	const uint8_t *cur = data;
	size_t cur_size = size;
	uint8_t *cur_owned = NULL;
	int depth, ret;

	*owned = NULL;
	memset(kernel, 0, sizeof(*kernel));
	kernel->path = path;
	for (depth = 0;; depth++) {
		const struct format_row *row = row_detect(cur, cur_size);
		struct layer next = { 0 };

		if (!row || row->role == ROLE_KERNEL) {
			chain_add(kernel->chain, sizeof(kernel->chain), row ? row->name : "unknown");
			kernel->format = row ? (int)row->format : FORMAT_UNKNOWN;
			break;
		}
		if (row->role == ROLE_INITRD) {
			ret = depth == 0
				? error_set(err, -EINVAL, "%s: this is an initramfs (cpio), not a kernel: pass it with --initrd",
					    path)
				: error_set(err, -EINVAL, "%s: this is an initramfs (%s -> cpio), not a kernel: pass it with --initrd",
					    path, kernel->chain);
			goto fail;
		}
		if (row->role == ROLE_DTB) {
			ret = error_set(err, -EINVAL, "%s: this is a device tree, not a kernel: pass it with --dtb",
					path);
			goto fail;
		}
		if (depth == FORMAT_MAX_DEPTH) {
			ret = error_set(err, -EINVAL, "%s: more than %d layers of containers and compression (%s -> %s ...): refusing",
					path, FORMAT_MAX_DEPTH, kernel->chain, row->name);
			goto fail;
		}
		u.layer = depth + 1;
		ret = row->unwrap(&u, row, cur, cur_size, &next);
		if (ret)
			goto fail;
		chain_add(kernel->chain, sizeof(kernel->chain), next.label[0] ? next.label : row->name);
		if (next.owned) {
			free(cur_owned);
			cur_owned = next.owned;
			u.held = next.size;
			u.held_layer = u.layer;
		}
		cur = next.data;
		cur_size = next.size;
		u.exact = next.exact;
		if (next.payload) {
			chain_add(kernel->chain, sizeof(kernel->chain), format_name(next.payload));
			kernel->format = (int)next.payload;
			break;
		}
	}
	kernel->data = cur;
	kernel->size = cur_size;
	*owned = cur_owned;
	return 0;
fail:
	free(cur_owned);
	return ret;
}

/* A uImage is an initrd's business only when it holds a kernel. */
static bool uimage_holds_kernel(const uint8_t *data, size_t size)
{
	return size >= UIMAGE_HEADER_SIZE &&
	       (data[30] == UIMAGE_TYPE_KERNEL || data[30] == UIMAGE_TYPE_KERNEL_NOLOAD);
}

int format_check_initrd(const uint8_t *data, size_t size, const char *path,
			struct error *err)
{
	const uint8_t *cur = data;
	size_t cur_size = size;
	uint8_t *peeked = NULL;
	char what[96] = "";
	int depth, ret = 0;

	/* Only the first FORMAT_PEEK_SIZE bytes of each compressed layer are
	 * looked at: an initrd can be large, and one that cannot be
	 * decompressed is still passed as given (the kernel judges it). */
	for (depth = 0; depth <= FORMAT_MAX_DEPTH; depth++) {
		const struct format_row *row = row_detect(cur, cur_size);
		struct decompressed d;
		size_t used = strlen(what);

		if (!row)
			break;
		if (row->role == ROLE_KERNEL ||
		    (row->role == ROLE_KERNEL_CONTAINER &&
		     (row->format != FORMAT_UIMAGE || uimage_holds_kernel(cur, cur_size)))) {
			snprintf(what + used, sizeof(what) - used, "%s", row->name);
			ret = error_set(err, -EINVAL, "%s: this is a kernel (%s), not an initrd",
					path, what);
			break;
		}
		if (row->role == ROLE_DTB) {
			ret = error_set(err, -EINVAL, "%s: this is a device tree, not an initrd: pass it with --dtb",
					path);
			break;
		}
		if (row->role != ROLE_COMPRESSION || !compression_supported(row->comp))
			break;
		if (decompress(row->comp, cur, cur_size, FORMAT_PEEK_SIZE, 0, DECOMPRESS_PEEK, &d, NULL))
			break;
		snprintf(what + used, sizeof(what) - used, "%s-compressed ", row->name);
		free(peeked);
		peeked = d.data;
		cur = d.data;
		cur_size = d.size;
	}
	free(peeked);
	return ret;
}
