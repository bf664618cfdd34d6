/* Kernel formats, from the fixtures of tests/fixtures/formats (made by its
 * make-fixtures.sh): each is unwrapped to the expected chain and payload,
 * each broken variant is refused with a message that says why, and a
 * kernel given as the initrd (or an initramfs as the kernel) is named. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <zlib.h>

#include "check.h"
#include "config.h"
#include "format.h"

#ifdef HAVE_ZSTD
#include <zstd.h>
#endif
#ifdef HAVE_LZMA
#include <lzma.h>
#endif

static const char *dir;

/* What the tests let unwrapping hold, unless a test is about the limit. */
#define TEST_LIMIT (64u << 20)

struct fixture {
	char *data;
	size_t size;
};

static struct fixture open_fixture(const char *name)
{
	char path[512];
	struct fixture f;

	snprintf(path, sizeof(path), "formats/%s", name);
	f.data = read_fixture(dir, path, &f.size);
	return f;
}

/* format_unwrap_kernel on a fixture, and what it gave back; the kernel
 * may point into the fixture, so both live until unwrapped_free. */
struct unwrapped {
	struct fixture in;
	struct kernel_file k;
	struct error err;
	void *owned;
	int ret;
};

/* Unwraps the fixture `file`, passed to format_unwrap_kernel as `path`,
 * holding at most `limit` bytes. */
static void unwrap_fixture_limited(struct unwrapped *u, const char *file, const char *path,
				   size_t limit)
{
	memset(u, 0, sizeof(*u));
	u->in = open_fixture(file);
	/* Not NULL, so that a check for "nothing left to free" means it. */
	u->owned = (void *)1;
	u->ret = format_unwrap_kernel((const uint8_t *)u->in.data, u->in.size, limit, path,
				      &u->k, &u->owned, &u->err);
}

static void unwrap_fixture(struct unwrapped *u, const char *file, const char *path)
{
	unwrap_fixture_limited(u, file, path, TEST_LIMIT);
}

static void unwrapped_free(struct unwrapped *u)
{
	free(u->owned);
	free(u->in.data);
}

/* Unwraps `file`; expects success, `chain`, and a payload equal to the
 * fixture `payload`. */
static void unwraps_to(const char *file, const char *chain, const char *payload)
{
	struct fixture want = open_fixture(payload);
	struct unwrapped u;
	char name[256];

	unwrap_fixture(&u, file, file);
	snprintf(name, sizeof(name), "%s: unwraps", file);
	CHECK_EQ(name, u.ret, 0);
	if (u.ret)
		printf("#   %s\n", u.err.msg);
	snprintf(name, sizeof(name), "%s: chain \"%s\"", file, chain);
	CHECK_STR(name, u.k.chain, chain);
	snprintf(name, sizeof(name), "%s: payload is %s, byte for byte", file, payload);
	CHECK(name, !u.ret && u.k.size == want.size && memcmp(u.k.data, want.data, want.size) == 0);
	unwrapped_free(&u);
	free(want.data);
}

/* Expects format_unwrap_kernel, holding at most `limit` bytes, to fail
 * with `code` and a one-line message holding `msg` (and the file's name). */
static void refused_limited(const char *file, size_t limit, int code, const char *msg)
{
	struct unwrapped u;
	char name[256];

	unwrap_fixture_limited(&u, file, file, limit);
	snprintf(name, sizeof(name), "%s: refused (%d)", file, code);
	CHECK_EQ(name, u.ret, code);
	snprintf(name, sizeof(name), "%s: message says \"%s\"", file, msg);
	CHECK_CONTAINS(name, u.err.msg, msg);
	snprintf(name, sizeof(name), "%s: message names the file", file);
	CHECK(name, strncmp(u.err.msg, file, strlen(file)) == 0);
	snprintf(name, sizeof(name), "%s: message is one line", file);
	CHECK(name, !strchr(u.err.msg, '\n'));
	snprintf(name, sizeof(name), "%s: nothing left to free", file);
	CHECK(name, u.owned == NULL);
	unwrapped_free(&u);
}

static void refused(const char *file, int code, const char *msg)
{
	refused_limited(file, TEST_LIMIT, code, msg);
}

/* format_check_initrd on the fixture `file`. */
static int check_initrd_fixture(const char *file, struct error *err)
{
	struct fixture in = open_fixture(file);
	int ret = format_check_initrd((const uint8_t *)in.data, in.size, file, err);

	free(in.data);
	return ret;
}

static void initrd_accepted(const char *file)
{
	struct error err = { { 0 } };
	char name[256];
	int ret = check_initrd_fixture(file, &err);

	snprintf(name, sizeof(name), "--initrd %s: passed through", file);
	CHECK_EQ(name, ret, 0);
	if (ret)
		printf("#   %s\n", err.msg);
}

static void initrd_refused(const char *file, const char *msg)
{
	struct error err = { { 0 } };
	char name[256];
	int ret = check_initrd_fixture(file, &err);

	snprintf(name, sizeof(name), "--initrd %s: refused", file);
	CHECK_EQ(name, ret, -EINVAL);
	snprintf(name, sizeof(name), "--initrd %s: message says \"%s\"", file, msg);
	CHECK_CONTAINS(name, err.msg, msg);
}

static void test_detect(void)
{
	static const uint8_t junk[64] = "not any format at all";
	struct fixture f = open_fixture("Image");

	CHECK_EQ("raw Image detected", format_detect((uint8_t *)f.data, f.size), FORMAT_ARM64_IMAGE);
	CHECK_EQ("random bytes are unknown", format_detect(junk, sizeof(junk)), FORMAT_UNKNOWN);
	CHECK_EQ("too short for any header is unknown", format_detect((uint8_t *)f.data, 2),
		 FORMAT_UNKNOWN);
	CHECK_STR("format names come from the table", format_name(FORMAT_ZBOOT), "zboot");
	CHECK_STR("a flat ARM Image has a name but no probe", format_name(FORMAT_ARM_IMAGE),
		  "arm Image");
	free(f.data);
}

static void test_plain_and_compressed(void)
{
	unwraps_to("Image", "Image", "Image");
	unwraps_to("zImage", "zImage", "zImage");
	unwraps_to("Image.gz", "gzip -> Image", "Image");
	unwraps_to("Image.gz.gz", "gzip -> gzip -> Image", "Image");
	refused("Image.gz-truncated", -EINVAL, "gzip: truncated");
	refused("Image.gz-badcrc", -EINVAL, "gzip: CRC32 mismatch");
	refused("Image.gz-badisize", -EINVAL, "ISIZE");
	refused("Image.gz-corrupt", -EINVAL, "gzip: corrupt data");
	refused("Image.gz-trailing", -EINVAL, "trailing data");
	refused("Image.gz5", -EINVAL, "more than 4 layers");
#ifdef HAVE_ZSTD
	unwraps_to("Image.zst", "zstd -> Image", "Image");
	refused("Image.zst-truncated", -EINVAL, "zstd: truncated");
	refused("Image.zst-badsize", -EINVAL, "zstd: ");
#else
	refused("Image.zst", -ENOTSUP, "Image.zst: zstd-compressed kernel, but this kexec was built without zstd support");
#endif
#ifdef HAVE_LZMA
	unwraps_to("Image.xz", "xz -> Image", "Image");
	unwraps_to("Image.lzma", "lzma -> Image", "Image");
	unwraps_to("Image.lzma-sized", "lzma -> Image", "Image");
	refused("Image.lzma-badsize", -EINVAL, "the size appended after the stream says 12345 bytes");
	refused("Image.lzma-sizelie", -EINVAL, "lzma: ");
	refused("Image.xz-truncated", -EINVAL, "xz: truncated");
#else
	refused("Image.xz", -ENOTSUP, "xz-compressed kernel, but this kexec was built without xz support");
	refused("Image.lzma", -ENOTSUP, "lzma-compressed kernel, but this kexec was built without lzma support");
#endif
}

static void test_zboot(void)
{
	unwraps_to("zboot-gzip.efi", "zboot(gzip) -> Image", "Image");
#ifdef HAVE_ZSTD
	unwraps_to("zboot-zstd.efi", "zboot(zstd) -> Image", "Image");
#else
	refused("zboot-zstd.efi", -ENOTSUP, "zboot with a zstd-compressed kernel, but this kexec was built without zstd support");
#endif
	refused("zboot-truncated.efi", -EINVAL, "zboot: payload of 0x");
	refused("zboot-sizelie.efi", -EINVAL, "zboot");
	refused("zboot-lz4.efi", -ENOTSUP, "unknown or unsupported payload compression \"lz4\"");
	refused("zboot-mismatch.efi", -EINVAL, "header says zstd but the payload is not a zstd stream");
}

static void uimage_addresses(const char *file, bool has, uint64_t load_addr, uint64_t entry)
{
	struct unwrapped u;
	char name[256];

	unwrap_fixture(&u, file, file);
	snprintf(name, sizeof(name), "%s: %s load address", file, has ? "has a" : "no");
	CHECK_EQ(name, u.k.has_load_addr, has);
	snprintf(name, sizeof(name), "%s: load address", file);
	CHECK_EQ(name, u.k.load_addr, load_addr);
	snprintf(name, sizeof(name), "%s: entry address", file);
	CHECK_EQ(name, u.k.entry_addr, entry);
	unwrapped_free(&u);
}

static void test_uimage(void)
{
	unwraps_to("uImage-Image", "uImage -> Image", "Image");
	unwraps_to("uImage-gzip-Image", "uImage -> gzip -> Image", "Image");
	unwraps_to("uImage-zImage", "uImage -> zImage", "zImage");
	unwraps_to("uImage-gzip-zImage", "uImage -> gzip -> zImage", "zImage");
	unwraps_to("uImage-noload-zImage", "uImage -> zImage", "zImage");
#ifdef HAVE_ZSTD
	unwraps_to("uImage-zstd-Image", "uImage -> zstd -> Image", "Image");
#endif
	uimage_addresses("uImage-gzip-zImage", true, 0x80008000, 0x80008040);
	uimage_addresses("uImage-Image", true, 0x40080000, 0x40080000);
	uimage_addresses("uImage-noload-zImage", false, 0, 0);
	refused("uImage-badhcrc", -EINVAL, "uImage: header CRC32 mismatch");
	refused("uImage-baddcrc", -EINVAL, "uImage: data CRC32 mismatch");
	refused("uImage-truncated", -EINVAL, "uImage: header says 8192 bytes of data but the file has 7936");
	refused("uImage-short", -EINVAL, "uImage: truncated");
	refused("uImage-lz4", -ENOTSUP, "uImage with lz4-compressed data");
	refused("uImage-gzip-mismatch", -EINVAL, "header says gzip-compressed but the data is Image");
	refused("uImage-x86", -EINVAL, "not arm or arm64");
	refused("uImage-ramdisk", -EINVAL, "this is an initramfs (uImage ramdisk");
}

static void test_elf(void)
{
	struct unwrapped u;

	unwraps_to("vmlinux-arm64", "ELF -> Image", "vmlinux-arm64.bin");
	unwraps_to("vmlinux-arm", "ELF -> arm Image", "vmlinux-arm.bin");
	unwrap_fixture(&u, "vmlinux-arm", "vmlinux-arm");
	CHECK_EQ("vmlinux-arm: unwraps", u.ret, 0);
	CHECK_EQ("vmlinux-arm: payload marked as a flat ARM Image", u.k.format, FORMAT_ARM_IMAGE);
	CHECK("vmlinux-arm: physical load address from p_paddr", u.k.has_load_addr);
	CHECK_EQ("vmlinux-arm: load address", u.k.load_addr, 0x80008000);
	CHECK_EQ("vmlinux-arm: entry translated to physical", u.k.entry_addr, 0x80008000);
	unwrapped_free(&u);
	refused("vmlinux-arm64-nomagic", -EINVAL, "does not start with an arm64 Image header");
	refused("vmlinux-arm64-truncated", -EINVAL, "run past the end of the file");
	refused("vmlinux-x86", -EINVAL, "not a 64-bit arm64 or a 32-bit arm kernel");
}

static void test_wrong_file(void)
{
	struct unwrapped u;

	refused("initramfs.cpio", -EINVAL, "this is an initramfs (cpio), not a kernel: pass it with --initrd");
	refused("initramfs.cpio.gz", -EINVAL,
		"initramfs.cpio.gz: this is an initramfs (gzip-compressed cpio), not a kernel: pass it with --initrd");
#ifdef HAVE_ZSTD
	refused("initramfs.cpio.zst", -EINVAL, "this is an initramfs (zstd-compressed cpio)");
#endif
	unwrap_fixture(&u, "../dtb/qemu-virt.dtb", "x.dtb");
	CHECK_EQ("a device tree as the kernel is refused", u.ret, -EINVAL);
	CHECK_CONTAINS("... with a message pointing at --dtb", u.err.msg, "pass it with --dtb");
	unwrapped_free(&u);

	initrd_accepted("initramfs.cpio");
	initrd_accepted("initramfs.cpio.gz");
	initrd_accepted("initramfs.cpio.zst");
	initrd_accepted("uImage-ramdisk");
	initrd_refused("Image", "this is a kernel (Image), not an initrd");
	initrd_refused("zImage", "this is a kernel (zImage)");
	initrd_refused("Image.gz", "this is a kernel (gzip-compressed Image), not an initrd");
	initrd_refused("Image.gz.gz", "(gzip-compressed gzip-compressed Image)");
	initrd_refused("zboot-gzip.efi", "this is a kernel (zboot)");
	initrd_refused("uImage-gzip-zImage", "this is a kernel (uImage)");
	initrd_refused("vmlinux-arm64", "this is a kernel (ELF)");
#ifdef HAVE_ZSTD
	initrd_refused("Image.zst", "this is a kernel (zstd-compressed Image)");
#endif
#ifdef HAVE_LZMA
	initrd_refused("Image.xz", "this is a kernel (xz-compressed Image)");
	initrd_refused("Image.lzma", "this is a kernel (lzma-compressed Image)");
#endif
}

/* --- the limit: what unwrapping may hold at once ----------------------------- */

/* Unwrapping `file` holding at most `limit` bytes succeeds. */
static void fits_in(const char *file, size_t limit)
{
	struct unwrapped u;
	char name[256];

	unwrap_fixture_limited(&u, file, file, limit);
	snprintf(name, sizeof(name), "%s: unwraps in %zu bytes", file, limit);
	CHECK_EQ(name, u.ret, 0);
	if (u.ret)
		printf("#   %s\n", u.err.msg);
	unwrapped_free(&u);
}

static void test_limits(void)
{
	/* Image is 8 KiB: exactly that fits, a byte less does not. */
	fits_in("Image.gz", 8192);
	refused_limited("Image.gz", 8191, -EFBIG,
			"Image.gz: gzip layer 1 would unpack to more than 8191 bytes (the limit here: 8191 bytes for all layers at once)");
	fits_in("vmlinux-arm64", 8192);
	refused_limited("vmlinux-arm64", 4096, -EFBIG, "vmlinux-arm64: ELF layer 1 would unpack to more than 4 KiB");
	/* Nested: the outer layer's output counts against the inner one. */
	refused_limited("Image.gz.gz", 8192, -EFBIG,
			"gzip layer 2 would unpack to more than 7083 bytes (the limit here: 8 KiB for all layers at once, 1109 bytes of it held by layer 1)");
	/* Sizes announced by the stream refuse it before decoding. */
#ifdef HAVE_ZSTD
	refused_limited("Image.zst", 4096, -EFBIG, "zstd layer 1 would unpack to more than 4 KiB (the limit here: 4 KiB for all layers at once): it announces 8192 bytes");
#endif
#ifdef HAVE_LZMA
	refused_limited("Image.lzma-sizelie", 10000, -EFBIG, "it announces 12288 bytes");
	refused_limited("zboot-xz-zeros.efi", 1u << 20, -EFBIG,
			"zboot(xz) layer 1 would unpack to more than 1 MiB (the limit here: 1 MiB for all layers at once): it announces 4194304 bytes");
#endif
	/* A uImage says how long its gzip stream is, so its ISIZE is believed
	 * (uImage-gzip-Image); in a bare file the last 4 bytes may be
	 * anything (Image.gz-trailing), and only the output counts.  Zeros
	 * are refused at their first bytes, before any size matters. */
	refused_limited("uImage-gzip-zeros", 1u << 20, -EINVAL,
			"uImage-gzip-zeros: not a kernel: what its gzip layer unpacks to starts with no known format");
	refused_limited("uImage-gzip-Image", 4096, -EFBIG, "it announces 8192 bytes");
	refused_limited("Image.gz-trailing", 4096, -EFBIG, "would unpack to more than 4 KiB (the limit here: 4 KiB for all layers at once)");
	refused("Image.gz-trailing", -EINVAL, "trailing data");
}

/* The 430-byte triple gzip of 256 MiB of zeros (bomb-gzip3), with 1 MiB to
 * spare: refused when its third layer starts with no known format, having
 * held a few KiB, not 256 MiB.  (The limit's own stop is tested below with
 * bombs whose payload looks like a kernel.) */
static void test_bomb_memory(void)
{
	struct rusage before, after;
	struct unwrapped u;
	long grown_kib;

	getrusage(RUSAGE_SELF, &before);
	unwrap_fixture_limited(&u, "bomb-gzip3", "bomb-gzip3", 1u << 20);
	getrusage(RUSAGE_SELF, &after);
	CHECK_EQ("bomb-gzip3: refused", u.ret, -EINVAL);
	CHECK_CONTAINS("bomb-gzip3: its innermost layer is no kernel", u.err.msg,
		       "bomb-gzip3: not a kernel: what its gzip layer unpacks to starts with no known format");
CHECK("bomb-gzip3: nothing left to free", u.owned == NULL);
	grown_kib = after.ru_maxrss - before.ru_maxrss;
	CHECK("bomb-gzip3: peak memory grew by less than 16 MiB", grown_kib < 16 * 1024);
	if (grown_kib >= 16 * 1024)
		printf("#   grew by %ld KiB\n", grown_kib);
	unwrapped_free(&u);
}

/* --- decompression bombs of each kind: generated here, not committed ----- */

/* 4 MiB unpacked with 1 MiB to spare: 1 MiB blocks of zeros, each starting
 * with an arm64 Image's magic, so that the stream passes the look at its
 * first bytes (plain zeros are refused there) and only the limit stops it. */
#define BOMB_LIMIT (1u << 20)
#define BOMB_SIZE (4u << 20)
static uint8_t zeros[1 << 20];

static void bomb_payload_init(void)
{
	memcpy(zeros + 0x38, "ARM\x64", 4);
}

struct growbuf {
	uint8_t *data;
	size_t size, cap;
};

static void grow(struct growbuf *b, size_t more)
{
	if (b->size + more > b->cap) {
		b->cap = (b->size + more) * 2;
		b->data = realloc(b->data, b->cap);
		if (!b->data) {
			printf("Bail out! out of memory\n");
			exit(1);
		}
	}
}

static void gzip_bomb(struct growbuf *b)
{
	z_stream zs;
	size_t fed;

	memset(&zs, 0, sizeof(zs));
	deflateInit2(&zs, 1, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
	for (fed = 0; fed < BOMB_SIZE; fed += sizeof(zeros)) {
		int flush = fed + sizeof(zeros) >= BOMB_SIZE ? Z_FINISH : Z_NO_FLUSH;

		zs.next_in = zeros;
		zs.avail_in = sizeof(zeros);
		do {
			grow(b, 65536);
			zs.next_out = b->data + b->size;
			zs.avail_out = 65536;
			deflate(&zs, flush);
			b->size += 65536 - zs.avail_out;
		} while (zs.avail_out == 0);
	}
	deflateEnd(&zs);
}

static void bomb_refused(const char *name, struct growbuf *b, int code, const char *msg)
{
	struct kernel_file k;
	struct error err = { { 0 } };
	void *owned = (void *)1;
	char label[256];

	snprintf(label, sizeof(label), "%s bomb (%zu KiB) is refused", name, b->size >> 10);
	CHECK_EQ(label, format_unwrap_kernel(b->data, b->size, BOMB_LIMIT, "bomb", &k, &owned, &err),
		 code);
	snprintf(label, sizeof(label), "%s bomb: message says \"%s\"", name, msg);
	CHECK_CONTAINS(label, err.msg, msg);
	CHECK("... and nothing is left allocated", owned == NULL);
	free(b->data);
	memset(b, 0, sizeof(*b));
}

#define STREAMED "layer 1 would unpack to more than 1 MiB (the limit here: 1 MiB for all layers at once)"

static void test_bombs(void)
{
	struct growbuf b = { 0 };

	bomb_payload_init();
	gzip_bomb(&b);
	bomb_refused("gzip", &b, -EFBIG, "bomb: gzip " STREAMED);
#ifdef HAVE_ZSTD
	{
		/* Once without a content size (the limit stops it as data
		 * comes out), once with a true one past the limit (refused
		 * from the header, before any allocation), once asking for a
		 * 128 MiB window (refused: the output may take only 1 MiB). */
		int kind;

		for (kind = 0; kind < 3; kind++) {
			ZSTD_CCtx *cc = ZSTD_createCCtx();
			size_t fed;

			ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, 1);
			if (kind == 1)
				ZSTD_CCtx_setPledgedSrcSize(cc, BOMB_SIZE);
			if (kind == 2)
				ZSTD_CCtx_setParameter(cc, ZSTD_c_windowLog, 27);
			for (fed = 0; fed < BOMB_SIZE; fed += sizeof(zeros)) {
				ZSTD_inBuffer in = { zeros, sizeof(zeros), 0 };
				ZSTD_EndDirective end = fed + sizeof(zeros) >= BOMB_SIZE ? ZSTD_e_end : ZSTD_e_continue;
				size_t left;

				do {
					ZSTD_outBuffer out;

					grow(&b, 65536);
					out = (ZSTD_outBuffer){ b.data + b.size, 65536, 0 };
					left = ZSTD_compressStream2(cc, &out, &in, end);
					b.size += out.pos;
				} while (in.pos < in.size || (end == ZSTD_e_end && left != 0));
			}
			ZSTD_freeCCtx(cc);
			if (kind == 0)
				bomb_refused("zstd", &b, -EFBIG, "bomb: zstd " STREAMED);
			else if (kind == 1)
				bomb_refused("zstd (content size in the header)", &b, -EFBIG,
					     STREAMED ": it announces 4194304 bytes");
			else
				bomb_refused("zstd (128 MiB window)", &b, -E2BIG,
					     "bomb: zstd: its frame asks for a decoding window larger than the 2 MiB allowed here");
		}
	}
#endif
#ifdef HAVE_LZMA
	{
		lzma_stream s = LZMA_STREAM_INIT;
		size_t fed;

		if (lzma_easy_encoder(&s, 0, LZMA_CHECK_CRC32) != LZMA_OK) {
			printf("Bail out! cannot start the xz encoder\n");
			exit(1);
		}
		for (fed = 0; fed < BOMB_SIZE; fed += sizeof(zeros)) {
			lzma_action act = fed + sizeof(zeros) >= BOMB_SIZE ? LZMA_FINISH : LZMA_RUN;
			lzma_ret r;

			s.next_in = zeros;
			s.avail_in = sizeof(zeros);
			do {
				grow(&b, 65536);
				s.next_out = b.data + b.size;
				s.avail_out = 65536;
				r = lzma_code(&s, act);
				b.size += 65536 - s.avail_out;
			} while (s.avail_in > 0 || (act == LZMA_FINISH && r != LZMA_STREAM_END));
		}
		lzma_end(&s);
		bomb_refused("xz", &b, -EFBIG, "bomb: xz " STREAMED);
	}
#endif
}

int main(int argc, char **argv)
{
	dir = fixtures_dir(argc, argv);
	/* First, while the peak memory is still this program's smallest. */
	test_bomb_memory();
	test_detect();
	test_plain_and_compressed();
	test_zboot();
	test_uimage();
	test_elf();
	test_wrong_file();
	test_limits();
	test_bombs();
	return check_status();
}
