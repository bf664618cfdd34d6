/* Kernel files: detection, unwrapping and the initrd check on any bytes.
 * The first input byte picks the limit unwrapping may hold (0xff: 64 MiB,
 * else 256 bytes << (b & 15), so that small limits meet every layer) and,
 * with bit 0x40, has a uImage's two CRC32s set right first (so mutations
 * reach what lies past them); the rest is the file.
 *
 * Invariants: unwrapping gives a raw kernel (detected again, it is an
 * Image, a zImage or nothing known: never a container or compression),
 * what it allocated is at most the limit, its heap never grows far past
 * the limit, it gives the same bytes twice, and a failure is a negative
 * code with one message line that starts with the file's name. */
#include <errno.h>
#include <sanitizer/allocator_interface.h>
#include <zlib.h>

#include "byteorder.h"
#include "format.h"
#include "fuzz_util.h"
#include "uimage.h"

#define PATH "fuzz-input"

/* The heap as seen from the sanitizer's hooks while `tracking`: what is
 * live now and at most, so that a decoder allocating far past the limit
 * is caught even when it frees again. */
static int tracking;
static size_t live, peak;

static void on_malloc(const volatile void *ptr, size_t size)
{
	(void)ptr;
	if (!tracking)
		return;
	live += size;
	if (live > peak)
		peak = live;
}

static void on_free(const volatile void *ptr)
{
	size_t size;

	if (!tracking || !ptr)
		return;
	size = __sanitizer_get_allocated_size((const void *)ptr);
	live = size < live ? live - size : 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	__sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
	return 0;
}

static size_t pick_limit(uint8_t b)
{
	return b == 0xff ? (size_t)64 << 20 : (size_t)256 << (b & 15);
}

static void fix_uimage_crcs(uint8_t *d, size_t n)
{
	uint32_t size;

	if (n < UIMAGE_HEADER_SIZE || get_be32(d) != UIMAGE_MAGIC)
		return;
	size = get_be32(d + 12);
	if (size <= n - UIMAGE_HEADER_SIZE) {
		uint32_t dcrc = (uint32_t)crc32(0, d + UIMAGE_HEADER_SIZE, size);

		d[24] = (uint8_t)(dcrc >> 24);
		d[25] = (uint8_t)(dcrc >> 16);
		d[26] = (uint8_t)(dcrc >> 8);
		d[27] = (uint8_t)dcrc;
	}
	memset(d + 4, 0, 4);
	{
		uint32_t hcrc = (uint32_t)crc32(0, d, UIMAGE_HEADER_SIZE);

		d[4] = (uint8_t)(hcrc >> 24);
		d[5] = (uint8_t)(hcrc >> 16);
		d[6] = (uint8_t)(hcrc >> 8);
		d[7] = (uint8_t)hcrc;
	}
}

struct result {
	int ret;
	struct kernel_file k;
	void *owned;
	struct error err;
};

/* Unwraps, and checks what can be checked of one run. */
static void unwrap(const uint8_t *file, size_t size, size_t limit, struct result *r)
{
	/* What decoders may hold besides the output: zstd's window (a power
	 * of two over the limit plus 1 MiB), liblzma's dictionary, libelf's
	 * tables (a few times the file). */
	size_t allowance = 2 * limit + ((size_t)24 << 20) + 8 * size;

	memset(r, 0, sizeof(*r));
	r->owned = (void *)1;
	live = peak = 0;
	tracking = 1;
	r->ret = format_unwrap_kernel(file, size, limit, PATH, &r->k, &r->owned, &r->err);
	tracking = 0;
	FUZZ_ASSERT(peak <= limit + 1 + allowance,
		    "the heap grew by %zu bytes with a limit of %zu", peak, limit);
	if (r->ret) {
		FUZZ_ASSERT(r->ret < 0, "format_unwrap_kernel returned %d", r->ret);
		FUZZ_ASSERT_MESSAGE(&r->err);
		FUZZ_ASSERT(strncmp(r->err.msg, PATH ": ", strlen(PATH ": ")) == 0,
			    "message \"%s\" does not start with the file's name", r->err.msg);
		FUZZ_ASSERT(r->owned == NULL, "a buffer left to free after a failure");
		return;
	}
	FUZZ_ASSERT(r->k.chain[0] != '\0', "no chain");
	if (r->owned) {
		FUZZ_ASSERT(r->k.size <= limit, "unwrapped %zu bytes with a limit of %zu",
			    r->k.size, limit);
		FUZZ_ASSERT(r->k.data >= (const uint8_t *)r->owned, "payload outside its buffer");
	} else {
		FUZZ_ASSERT(r->k.data >= file && r->k.data + r->k.size <= file + size,
			    "payload outside the file");
	}
	switch (r->k.format) {
	case FORMAT_ARM64_IMAGE:
	case FORMAT_ARM_ZIMAGE:
		FUZZ_ASSERT(format_detect(r->k.data, r->k.size) == (enum file_format)r->k.format,
			    "payload said to be %s is not detected as one (%s)",
			    format_name(r->k.format), r->k.chain);
		break;
	case FORMAT_ARM_IMAGE:
	case FORMAT_UNKNOWN:
		/* No magic, so no other format's either. */
		FUZZ_ASSERT(format_detect(r->k.data, r->k.size) == FORMAT_UNKNOWN,
			    "payload given as %s is detected as %s (%s)", format_name(r->k.format),
			    format_name(format_detect(r->k.data, r->k.size)), r->k.chain);
		break;
	default:
		FUZZ_ASSERT(0, "payload of format %s is not a raw kernel (%s)",
			    format_name(r->k.format), r->k.chain);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_part part;
	struct result a, b;
	struct error err = { { 0 } };
	size_t limit;
	uint8_t *file;
	int ret;

	if (size < 1)
		return 0;
	limit = pick_limit(data[0]);
	part = (struct fuzz_part){ data + 1, size - 1 };
	file = (uint8_t *)fuzz_dup(&part);
	if (data[0] & 0x40)
		fix_uimage_crcs(file, part.size);

	(void)format_name(format_detect(file, part.size));
	unwrap(file, part.size, limit, &a);
	unwrap(file, part.size, limit, &b);
	FUZZ_ASSERT(a.ret == b.ret, "unwrapping twice gave %d, then %d", a.ret, b.ret);
	if (a.ret == 0) {
		FUZZ_ASSERT(a.k.size == b.k.size && memcmp(a.k.data, b.k.data, a.k.size) == 0 &&
			    a.k.format == b.k.format && strcmp(a.k.chain, b.k.chain) == 0,
			    "unwrapping twice gave different payloads (%s)", a.k.chain);
	} else {
		FUZZ_ASSERT(strcmp(a.err.msg, b.err.msg) == 0,
			    "unwrapping twice failed differently: \"%s\", then \"%s\"",
			    a.err.msg, b.err.msg);
	}
	free(a.owned);
	free(b.owned);

	ret = format_check_initrd(file, part.size, PATH, &err);
	if (ret) {
		FUZZ_ASSERT(ret < 0, "format_check_initrd returned %d", ret);
		FUZZ_ASSERT_MESSAGE(&err);
		FUZZ_ASSERT(strncmp(err.msg, PATH ": ", strlen(PATH ": ")) == 0,
			    "message \"%s\" does not start with the file's name", err.msg);
	}
	free(file);
	return 0;
}
