/* Unified kernel images, from the fixtures of tests/fixtures/uki (made by
 * its make-fixtures.py around the kernels of tests/fixtures/formats): a
 * UKI's .linux is unwrapped down the chain and its initrd and command line
 * reach the caller; profiles, duplicates and every broken header get their
 * exact message; PE files that are no UKI (an EFI-stub Image, a zboot, a PE
 * without .linux) are not taken for one. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "config.h"
#include "format.h"
#include "uki.h"

static const char *dir;

#define TEST_LIMIT (64u << 20)

struct fixture {
	uint8_t *data;
	size_t size;
};

/* "uki/NAME" or "formats/NAME" */
static struct fixture open_fixture(const char *name)
{
	struct fixture f;

	f.data = (uint8_t *)read_fixture(dir, name, &f.size);
	return f;
}

static const char *base_name(const char *name)
{
	const char *slash = strrchr(name, '/');

	return slash ? slash + 1 : name;
}

/* --- uki_parse on its own ------------------------------------------------- */

struct parsed {
	struct fixture in;
	struct uki uki;
	struct error err;
	int ret;
};

static void parse(struct parsed *p, const char *file)
{
	char name[256];

	memset(p, 0, sizeof(*p));
	p->in = open_fixture(file);
	p->ret = uki_parse(p->in.data, p->in.size, &p->uki, &p->err);
	snprintf(name, sizeof(name), "%s: uki_probe agrees with uki_parse", file);
	CHECK_EQ(name, uki_probe(p->in.data, p->in.size), p->ret != -ENOEXEC);
}

/* uki_parse refuses `file` with `code` and exactly `msg`. */
static void parse_refused(const char *file, int code, const char *msg)
{
	struct parsed p;
	char name[256];

	parse(&p, file);
	snprintf(name, sizeof(name), "%s: uki_parse refuses it (%d)", file, code);
	CHECK_EQ(name, p.ret, code);
	snprintf(name, sizeof(name), "%s: saying \"%s\"", file, msg);
	CHECK_STR(name, p.err.msg, msg);
	free(p.in.data);
}

/* Not a UKI: uki_parse says why (-ENOEXEC), detection sees something
 * else (`format`), and unwrapping leaves kernel->uki empty. */
static void not_uki(const char *file, enum file_format format, const char *msg)
{
	struct fixture in = open_fixture(file);
	struct kernel_file k;
	struct error err = { { 0 } };
	void *owned = NULL;
	char name[256];
	int ret;

	snprintf(name, sizeof(name), "%s: no UKI to uki_probe", file);
	CHECK(name, !uki_probe(in.data, in.size));
	snprintf(name, sizeof(name), "%s: detected as %s", file, format_name(format));
	CHECK_EQ(name, format_detect(in.data, in.size), format);
	if (msg) {
		struct uki uki;

		ret = uki_parse(in.data, in.size, &uki, &err);
		snprintf(name, sizeof(name), "%s: uki_parse: not a UKI (-ENOEXEC)", file);
		CHECK_EQ(name, ret, -ENOEXEC);
		snprintf(name, sizeof(name), "%s: uki_parse says \"%s\"", file, msg);
		CHECK_STR(name, err.msg, msg);
	}
	memset(&k, 0xa5, sizeof(k));
	(void)format_unwrap_kernel(in.data, in.size, TEST_LIMIT, file, &k, &owned, &err);
	snprintf(name, sizeof(name), "%s: unwrapping leaves kernel->uki empty", file);
	CHECK(name, !k.uki.present && !k.uki.initrd && !k.uki.initrd_size && !k.uki.cmdline &&
		    !k.uki.cmdline_len);
	free(owned);
	free(in.data);
}

static void test_not_uki(void)
{
	struct fixture f = open_fixture("uki/uki-zboot-gzip.efi");
	struct uki uki;
	struct error err = { { 0 } };

	/* What the kernel's own magic says comes first. */
	not_uki("uki/pe-image.efi", FORMAT_ARM64_IMAGE, "no .linux section: a PE file, but not a UKI");
	not_uki("uki/pe-zboot.efi", FORMAT_ZBOOT, "no .linux section: a PE file, but not a UKI");
	not_uki("formats/Image", FORMAT_ARM64_IMAGE, "not a PE file (no \"MZ\" DOS header)");
	not_uki("formats/zboot-gzip.efi", FORMAT_ZBOOT, "no PE signature at 0x0 (e_lfanew)");
	not_uki("formats/Image.gz", FORMAT_GZIP, "not a PE file (no \"MZ\" DOS header)");
	not_uki("formats/uImage-Image", FORMAT_UIMAGE, NULL);
	/* A PE file without .linux stays what it was: unknown, refused by
	 * the backend.  So is one whose headers cannot be read. */
	not_uki("uki/pe-no-linux.efi", FORMAT_UNKNOWN, "no .linux section: a PE file, but not a UKI");
	not_uki("uki/pe-lfanew-past-end.efi", FORMAT_UNKNOWN,
		"PE header at 0x10000 (e_lfanew) lies past the end of the file (0x1000 bytes)");
	not_uki("uki/pe-no-signature.efi", FORMAT_UNKNOWN, "no PE signature at 0x80 (e_lfanew)");
	not_uki("uki/pe-opt-past-end.efi", FORMAT_UNKNOWN,
		"optional header (0xffff bytes at 0x98) runs past the end of the file (0xc00 bytes)");
	not_uki("uki/pe-opt-magic.efi", FORMAT_UNKNOWN,
		"optional header magic 0x0 is neither PE32 (0x10b) nor PE32+ (0x20b)");

	/* An Image header and a .linux section: the Image's magic wins. */
	{
		struct fixture both = open_fixture("uki/pe-image-linux.efi");

		CHECK("pe-image-linux.efi: uki_probe sees its .linux", uki_probe(both.data, both.size));
		CHECK_EQ("pe-image-linux.efi: but it is detected as an Image",
			 format_detect(both.data, both.size), FORMAT_ARM64_IMAGE);
		free(both.data);
	}

	CHECK_EQ("a UKI cut to its DOS header is not a PE file", uki_parse(f.data, 0x3f, &uki, &err),
		 -ENOEXEC);
	CHECK_STR("... saying so", err.msg, "not a PE file (no \"MZ\" DOS header)");
	CHECK_EQ("a UKI cut inside its COFF header", uki_parse(f.data, 0x80 + 23, &uki, &err), -ENOEXEC);
	CHECK_STR("... is refused at its PE header", err.msg,
		  "PE header at 0x80 (e_lfanew) lies past the end of the file (0x97 bytes)");
	CHECK_EQ("a UKI cut inside its optional header", uki_parse(f.data, 0x100, &uki, &err), -ENOEXEC);
	CHECK_STR("... is refused there", err.msg,
		  "optional header (0xf0 bytes at 0x98) runs past the end of the file (0x100 bytes)");
	free(f.data);
}

/* Every prefix of a UKI: uki_probe and uki_parse agree, and what parses
 * points inside the prefix. */
static void test_prefixes(const char *file)
{
	struct fixture f = open_fixture(file);
	size_t n, disagree = 0, outside = 0, parsed = 0;
	char name[256];

	for (n = 0; n <= f.size; n++) {
		struct uki uki;
		struct error err = { { 0 } };
		int ret = uki_parse(f.data, n, &uki, &err);

		if (uki_probe(f.data, n) != (ret != -ENOEXEC))
			disagree++;
		if (ret)
			continue;
		parsed++;
		if (uki.kernel < f.data || uki.kernel_size > n ||
		    (size_t)(uki.kernel - f.data) > n - uki.kernel_size ||
		    (uki.initrd && (size_t)(uki.initrd - f.data) > n - uki.initrd_size) ||
		    (uki.cmdline && (size_t)((const uint8_t *)uki.cmdline - f.data) > n - uki.cmdline_len))
			outside++;
	}
	snprintf(name, sizeof(name), "%s: every prefix: uki_probe agrees with uki_parse", file);
	CHECK_EQ(name, disagree, 0);
	snprintf(name, sizeof(name), "%s: every prefix that parses points inside itself", file);
	CHECK_EQ(name, outside, 0);
	snprintf(name, sizeof(name), "%s: only the whole file parses", file);
	CHECK_EQ(name, parsed, 1);
	free(f.data);
}

static void test_parse(void)
{
	struct parsed p;
	struct fixture cpio_gz = open_fixture("formats/initramfs.cpio.gz");
	struct fixture zboot = open_fixture("formats/zboot-gzip.efi");

	parse(&p, "uki/uki-profiles.efi");
	CHECK_EQ("uki-profiles.efi: parses", p.ret, 0);
	CHECK_EQ("uki-profiles.efi: two profiles", p.uki.profiles, 2);
	CHECK("uki-profiles.efi: .linux of the base, exactly (VirtualSize)",
	      p.uki.kernel_size == zboot.size && memcmp(p.uki.kernel, zboot.data, zboot.size) == 0);
	CHECK("uki-profiles.efi: .initrd of the base (profile 0 has none)",
	      p.uki.initrd_size == cpio_gz.size && memcmp(p.uki.initrd, cpio_gz.data, cpio_gz.size) == 0);
	CHECK("uki-profiles.efi: .cmdline of profile 0, which replaces the base's",
	      p.uki.cmdline_len == 19 && memcmp(p.uki.cmdline, "root=/dev/vda quiet", 19) == 0);
	free(p.in.data);

	parse(&p, "uki/uki-zboot-gzip.efi");
	CHECK_EQ("uki-zboot-gzip.efi: parses", p.ret, 0);
	CHECK_EQ("uki-zboot-gzip.efi: one profile", p.uki.profiles, 0);
	CHECK("uki-zboot-gzip.efi: no initrd", !p.uki.initrd && !p.uki.initrd_size);
	CHECK("uki-zboot-gzip.efi: no command line", !p.uki.cmdline && !p.uki.cmdline_len);
	free(p.in.data);

	/* Sizes: VirtualSize 0 is the raw size, a larger one is cut to it. */
	parse(&p, "uki/uki-initrd-vsize0.efi");
	CHECK_EQ("VirtualSize 0: the section is its raw size", p.uki.initrd_size, 0x200);
	CHECK("... padding and all", p.uki.initrd && memcmp(p.uki.initrd, cpio_gz.data, cpio_gz.size) == 0);
	free(p.in.data);
	parse(&p, "uki/uki-initrd-vsize-big.efi");
	CHECK_EQ("VirtualSize past the raw data: the raw data only", p.uki.initrd_size, 0x200);
	free(p.in.data);
	parse(&p, "uki/uki-initrd-empty.efi");
	CHECK_EQ("an empty .initrd parses", p.ret, 0);
	CHECK("... as none", !p.uki.initrd && !p.uki.initrd_size);
	free(p.in.data);

	/* A section without a name is named by its entry. */
	{
		struct fixture f = open_fixture("uki/uki-size-overflow.efi");
		struct uki uki;
		struct error err = { { 0 } };

		memset(f.data + 0x188 + 2 * 40, 0, 8);
		CHECK_EQ("a section with no name past the end is refused",
			 uki_parse(f.data, f.size, &uki, &err), -EINVAL);
		CHECK_STR("... naming it by its entry", err.msg,
			  "section #2 lies past the end of the file (offset 0xc00, size 0xffffff00, file 0xe00 bytes)");
		free(f.data);
	}
	parse_refused("uki/uki-dup-linux.efi", -EINVAL,
		      "section .linux appears twice (section table entries 1 and 3)");
	parse_refused("uki/uki-too-many-sections.efi", -EINVAL, "97 sections; a PE file has at most 96");
	parse_refused("uki/uki-table-truncated.efi", -EINVAL,
		      "section table (60 entries at 0x188) runs past the end of the file (0x400 bytes)");

	test_prefixes("uki/uki-profiles.efi");
	test_prefixes("uki/uki-zimage.efi");
	free(cpio_gz.data);
	free(zboot.data);
}

/* --- format_unwrap_kernel: the UKI as a layer ------------------------------ */

struct unwrapped {
	struct fixture in;
	struct kernel_file k;
	struct error err;
	void *owned;
	int ret;
};

/* Unwraps `file` (as format_unwrap_kernel's path: its base name) holding
 * at most `limit` bytes, into a kernel_file full of garbage first. */
static void unwrap_limited(struct unwrapped *u, const char *file, size_t limit)
{
	memset(u, 0, sizeof(*u));
	memset(&u->k, 0xa5, sizeof(u->k));
	u->in = open_fixture(file);
	u->owned = (void *)1;
	u->ret = format_unwrap_kernel(u->in.data, u->in.size, limit, base_name(file), &u->k,
				      &u->owned, &u->err);
}

static void unwrapped_free(struct unwrapped *u)
{
	free(u->owned);
	free(u->in.data);
}

static bool inside(const struct fixture *f, const void *p, size_t n)
{
	const uint8_t *b = p;

	return b >= f->data && n <= f->size && (size_t)(b - f->data) <= f->size - n;
}

/* `file` boots: `chain`, the payload equal to formats/`payload`, its own
 * initrd equal to formats/`initrd` (NULL: none) and command line `cmdline`
 * (NULL: none), both pointing into the file. */
static void boots(const char *file, const char *chain, const char *payload, const char *initrd,
		  const char *cmdline)
{
	struct fixture want = open_fixture(payload);
	struct unwrapped u;
	char name[256];
	const char *f = base_name(file);

	unwrap_limited(&u, file, TEST_LIMIT);
	snprintf(name, sizeof(name), "%s: unwraps", f);
	CHECK_EQ(name, u.ret, 0);
	if (u.ret)
		printf("#   %s\n", u.err.msg);
	snprintf(name, sizeof(name), "%s: chain \"%s\"", f, chain);
	CHECK_STR(name, u.k.chain, chain);
	snprintf(name, sizeof(name), "%s: payload is %s, byte for byte", f, payload);
	CHECK(name, !u.ret && u.k.size == want.size && memcmp(u.k.data, want.data, want.size) == 0);
	snprintf(name, sizeof(name), "%s: marked as from a UKI", f);
	CHECK(name, u.k.uki.present);
	if (initrd) {
		struct fixture i = open_fixture(initrd);

		snprintf(name, sizeof(name), "%s: its initrd is %s, in the file", f, initrd);
		CHECK(name, u.k.uki.initrd && u.k.uki.initrd_size == i.size &&
			    inside(&u.in, u.k.uki.initrd, u.k.uki.initrd_size) &&
			    memcmp(u.k.uki.initrd, i.data, i.size) == 0);
		free(i.data);
	} else {
		snprintf(name, sizeof(name), "%s: no initrd", f);
		CHECK(name, !u.k.uki.initrd && !u.k.uki.initrd_size);
	}
	if (cmdline) {
		snprintf(name, sizeof(name), "%s: command line \"%s\", in the file", f, cmdline);
		CHECK(name, u.k.uki.cmdline && u.k.uki.cmdline_len == strlen(cmdline) &&
			    inside(&u.in, u.k.uki.cmdline, u.k.uki.cmdline_len) &&
			    memcmp(u.k.uki.cmdline, cmdline, strlen(cmdline)) == 0);
		if (u.k.uki.cmdline && u.k.uki.cmdline_len != strlen(cmdline))
			printf("#   got \"%.*s\"\n", (int)u.k.uki.cmdline_len, u.k.uki.cmdline);
	} else {
		snprintf(name, sizeof(name), "%s: no command line", f);
		CHECK(name, !u.k.uki.cmdline && !u.k.uki.cmdline_len);
	}
	unwrapped_free(&u);
	free(want.data);
}

/* format_unwrap_kernel refuses `file`, holding at most `limit` bytes, with
 * `code` and exactly `msg`. */
static void refused_limited(const char *file, size_t limit, int code, const char *msg)
{
	struct unwrapped u;
	char name[256];
	const char *f = base_name(file);

	unwrap_limited(&u, file, limit);
	snprintf(name, sizeof(name), "%s: refused (%d)", f, code);
	CHECK_EQ(name, u.ret, code);
	snprintf(name, sizeof(name), "%s: message \"%s\"", f, msg);
	CHECK_STR(name, u.err.msg, msg);
	snprintf(name, sizeof(name), "%s: nothing left to free", f);
	CHECK(name, u.owned == NULL);
	unwrapped_free(&u);
}

static void refused(const char *file, int code, const char *msg)
{
	refused_limited(file, TEST_LIMIT, code, msg);
}

static void test_detect(void)
{
	static const char *const ukis[] = {
		"uki/uki-image.efi", "uki/uki-zboot-gzip.efi", "uki/uki-zimage.efi",
		"uki/uki-profiles.efi", "uki/uki-dup-linux.efi", "uki/uki-too-many-sections.efi",
		"uki/uki-table-truncated.efi", "uki/uki-linux-truncated.efi",
	};
	size_t i;

	CHECK_STR("the format is named UKI", format_name(FORMAT_UKI), "UKI");
	for (i = 0; i < sizeof(ukis) / sizeof(ukis[0]); i++) {
		struct fixture f = open_fixture(ukis[i]);
		char name[256];

		snprintf(name, sizeof(name), "%s: detected as a UKI", base_name(ukis[i]));
		CHECK_EQ(name, format_detect(f.data, f.size), FORMAT_UKI);
		free(f.data);
	}
}

static void test_boots(void)
{
	boots("uki/uki-image.efi", "UKI -> Image", "formats/Image", "formats/initramfs.cpio.gz",
	      "console=ttyAMA0 root=/dev/vda");
	boots("uki/uki-zboot-gzip.efi", "UKI -> zboot(gzip) -> Image", "formats/Image", NULL, NULL);
#ifdef HAVE_ZSTD
	boots("uki/uki-zboot-zstd.efi", "UKI -> zboot(zstd) -> Image", "formats/Image",
	      "formats/initramfs.cpio", "quiet splash");
#else
	refused("uki/uki-zboot-zstd.efi", -ENOTSUP,
		"uki-zboot-zstd.efi: zboot with a zstd-compressed kernel, but this kexec was built without zstd support (libzstd)");
#endif
	boots("uki/uki-gzip.efi", "UKI -> gzip -> Image", "formats/Image", NULL, NULL);
	boots("uki/uki-zimage.efi", "UKI -> zImage", "formats/zImage", NULL, "console=ttyAMA0");
	/* Command lines: cut at a NUL, trailing blanks and newlines dropped. */
	boots("uki/uki-cmdline-blanks.efi", "UKI -> zboot(gzip) -> Image", "formats/Image", NULL,
	      "root=/dev/vda ro");
	boots("uki/uki-cmdline-nul.efi", "UKI -> zboot(gzip) -> Image", "formats/Image", NULL,
	      "root=/dev/vda");
	boots("uki/uki-cmdline-vsize0.efi", "UKI -> zboot(gzip) -> Image", "formats/Image", NULL,
	      "ro quiet");
	boots("uki/uki-cmdline-blank.efi", "UKI -> zboot(gzip) -> Image", "formats/Image", NULL, NULL);
	boots("uki/uki-initrd-empty.efi", "UKI -> zboot(gzip) -> Image", "formats/Image", NULL, NULL);
	/* Profiles: the base, then the first profile over it. */
	boots("uki/uki-profiles.efi", "UKI -> zboot(gzip) -> Image", "formats/Image",
	      "formats/initramfs.cpio.gz", "root=/dev/vda quiet");
	boots("uki/uki-profile-initrd.efi", "UKI -> zboot(gzip) -> Image", "formats/Image",
	      "formats/initramfs.cpio", "root=/dev/vda");
}

static void test_refused(void)
{
	refused("uki/uki-dup-linux.efi", -EINVAL,
		"uki-dup-linux.efi: UKI: section .linux appears twice (section table entries 1 and 3)");
	refused("uki/uki-dup-initrd.efi", -EINVAL,
		"uki-dup-initrd.efi: UKI: section .initrd appears twice (section table entries 1 and 2)");
	refused("uki/uki-profile-dup-cmdline.efi", -EINVAL,
		"uki-profile-dup-cmdline.efi: UKI: section .cmdline appears twice in profile 0 (section table entries 3 and 4)");
	refused("uki/uki-profile-late-linux.efi", -EINVAL,
		"uki-profile-late-linux.efi: UKI: no .linux section in the base or the first profile (the later profiles are not used)");
	refused("uki/uki-empty-linux.efi", -EINVAL, "uki-empty-linux.efi: UKI: section .linux is empty");
	refused("uki/uki-initrd-truncated.efi", -EINVAL,
		"uki-initrd-truncated.efi: UKI: section .initrd lies past the end of the file (offset 0xc00, size 0x200, file 0xd00 bytes)");
	refused("uki/uki-linux-truncated.efi", -EINVAL,
		"uki-linux-truncated.efi: UKI: section .linux lies past the end of the file (offset 0x400, size 0x800, file 0x900 bytes)");
	refused("uki/uki-offset-overflow.efi", -EINVAL,
		"uki-offset-overflow.efi: UKI: section .initrd lies past the end of the file (offset 0xfffffe00, size 0x200, file 0xe00 bytes)");
	refused("uki/uki-size-overflow.efi", -EINVAL,
		"uki-size-overflow.efi: UKI: section .osrel lies past the end of the file (offset 0xc00, size 0xffffff00, file 0xe00 bytes)");
	refused("uki/uki-too-many-sections.efi", -EINVAL,
		"uki-too-many-sections.efi: UKI: 97 sections; a PE file has at most 96");
	refused("uki/uki-table-truncated.efi", -EINVAL,
		"uki-table-truncated.efi: UKI: section table (60 entries at 0x188) runs past the end of the file (0x400 bytes)");
	/* Only ever the outermost layer. */
	refused("uki/uki-in-uki.efi", -EINVAL,
		"uki-in-uki.efi: a UKI inside another layer (UKI -> UKI): a UKI is only ever the file itself, as firmware loads it");
	refused("uki/uki.efi.gz", -EINVAL,
		"uki.efi.gz: a UKI inside another layer (gzip -> UKI): a UKI is only ever the file itself, as firmware loads it");
	/* The UKI layer holds nothing of its own: its .linux counts alone. */
	{
		struct unwrapped u;

		unwrap_limited(&u, "uki/uki-gzip.efi", 8192);
		CHECK_EQ("uki-gzip.efi: unwraps holding exactly the 8 KiB Image", u.ret, 0);
		unwrapped_free(&u);
	}
	refused_limited("uki/uki-gzip.efi", 8191, -EFBIG,
			"uki-gzip.efi: gzip layer 2 would unpack to more than 8191 bytes (the limit here: 8191 bytes for all layers at once)");
}

static void test_initrd_check(void)
{
	static const struct {
		const char *file, *msg;
	} kernels[] = {
		{ "uki/uki-zboot-gzip.efi", "uki-zboot-gzip.efi: this is a kernel (UKI), not an initrd" },
		{ "uki/uki.efi.gz", "uki.efi.gz: this is a kernel (gzip-compressed UKI), not an initrd" },
	};
	size_t i;

	for (i = 0; i < sizeof(kernels) / sizeof(kernels[0]); i++) {
		struct fixture f = open_fixture(kernels[i].file);
		struct error err = { { 0 } };
		char name[256];

		snprintf(name, sizeof(name), "--initrd %s: refused", base_name(kernels[i].file));
		CHECK_EQ(name, format_check_initrd(f.data, f.size, base_name(kernels[i].file), &err),
			 -EINVAL);
		snprintf(name, sizeof(name), "--initrd %s: \"%s\"", base_name(kernels[i].file),
			 kernels[i].msg);
		CHECK_STR(name, err.msg, kernels[i].msg);
		free(f.data);
	}
}

int main(int argc, char **argv)
{
	dir = fixtures_dir(argc, argv);
	test_detect();
	test_not_uki();
	test_parse();
	test_boots();
	test_refused();
	test_initrd_check();
	return check_status();
}
