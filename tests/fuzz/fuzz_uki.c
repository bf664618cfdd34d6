/* Unified kernel images: uki_probe and uki_parse on any bytes, and
 * format_unwrap_kernel on them as a file.  The input is the file.
 *
 * Invariants: uki_probe is true exactly when uki_parse does not say "not a
 * UKI" (-ENOEXEC); a failure is a negative code with one message line; what
 * parses has a non-empty kernel and every pointer (kernel, initrd, command
 * line) inside the input, a command line with no NUL and no trailing white
 * space, NULL exactly when its size is 0.  Detection agrees with the probe
 * (a file detected as a UKI probes as one; one that probes as a UKI is
 * detected as a UKI, or as the Image, zImage or zboot whose magic comes
 * first).  Unwrapping a UKI fails with uki_parse's own message when that
 * fails, and otherwise hands on uki_parse's initrd and command line and
 * unwraps as its .linux alone does ("UKI -> " and the same chain and
 * payload; a UKI in .linux is refused); any other file leaves kernel->uki
 * all zero. */
#include <errno.h>

#include "format.h"
#include "fuzz_util.h"
#include "uki.h"

#define PATH "fuzz-input"
#define LIMIT ((size_t)16 << 20)

static bool inside(const uint8_t *file, size_t size, const void *p, size_t n)
{
	const uint8_t *b = p;

	return b >= file && n <= size && (size_t)(b - file) <= size - n;
}

static void check_parsed(const uint8_t *file, size_t size, const struct uki *uki)
{
	size_t i;

	FUZZ_ASSERT(uki->kernel && uki->kernel_size, "no kernel");
	FUZZ_ASSERT(inside(file, size, uki->kernel, uki->kernel_size), "kernel outside the file");
	FUZZ_ASSERT(!uki->initrd == !uki->initrd_size, "initrd %p of %zu bytes",
		    (const void *)uki->initrd, uki->initrd_size);
	FUZZ_ASSERT(!uki->initrd || inside(file, size, uki->initrd, uki->initrd_size),
		    "initrd outside the file");
	FUZZ_ASSERT(!uki->cmdline == !uki->cmdline_len, "command line %p of %zu bytes",
		    (const void *)uki->cmdline, uki->cmdline_len);
	if (!uki->cmdline)
		return;
	FUZZ_ASSERT(inside(file, size, uki->cmdline, uki->cmdline_len),
		    "command line outside the file");
	for (i = 0; i < uki->cmdline_len; i++)
		FUZZ_ASSERT(uki->cmdline[i] != '\0', "a NUL at %zu of the command line", i);
	FUZZ_ASSERT(!strchr(" \t\n\r\v\f", uki->cmdline[uki->cmdline_len - 1]),
		    "the command line ends in white space (0x%02x)",
		    (unsigned char)uki->cmdline[uki->cmdline_len - 1]);
}

struct result {
	int ret;
	struct kernel_file k;
	void *owned;
	struct error err;
};

static void unwrap(const uint8_t *data, size_t size, struct result *r)
{
	memset(r, 0, sizeof(*r));
	r->ret = format_unwrap_kernel(data, size, LIMIT, PATH, &r->k, &r->owned, &r->err);
	if (r->ret) {
		FUZZ_ASSERT(r->ret < 0, "format_unwrap_kernel returned %d", r->ret);
		FUZZ_ASSERT_MESSAGE(&r->err);
		FUZZ_ASSERT(r->owned == NULL, "a buffer left to free after a failure");
	}
}

static unsigned arrows(const char *chain)
{
	unsigned n = 0;

	while ((chain = strstr(chain, " -> ")) != NULL) {
		n++;
		chain += 4;
	}
	return n;
}

/* The UKI unwraps as its .linux alone does, one layer deeper. */
static void check_as_linux_alone(const struct uki *uki, const struct result *whole)
{
	struct result alone;
	char want[sizeof(whole->k.chain) + 8];

	if (format_detect(uki->kernel, uki->kernel_size) == FORMAT_UKI) {
		FUZZ_ASSERT(whole->ret == -EINVAL && strstr(whole->err.msg, "a UKI inside another layer (UKI -> UKI)"),
			    "a UKI in .linux not refused as one: %d \"%s\"", whole->ret, whole->err.msg);
		return;
	}
	unwrap(uki->kernel, uki->kernel_size, &alone);
	if (alone.ret) {
		FUZZ_ASSERT(whole->ret == alone.ret, "its .linux alone fails with %d (\"%s\"), the UKI with %d",
			    alone.ret, alone.err.msg, whole->ret);
	} else if (arrows(alone.k.chain) < FORMAT_MAX_DEPTH) {
		snprintf(want, sizeof(want), "UKI -> %s", alone.k.chain);
		FUZZ_ASSERT(whole->ret == 0, "its .linux alone unwraps (%s), the UKI fails: \"%s\"",
			    alone.k.chain, whole->err.msg);
		FUZZ_ASSERT(strcmp(whole->k.chain, want) == 0, "chain \"%s\", its .linux alone \"%s\"",
			    whole->k.chain, alone.k.chain);
		FUZZ_ASSERT(whole->k.format == alone.k.format && whole->k.size == alone.k.size &&
			    memcmp(whole->k.data, alone.k.data, alone.k.size) == 0,
			    "the payload differs from its .linux's alone (%s)", whole->k.chain);
	}
	free(alone.owned);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_part part = { data, size };
	uint8_t *file = (uint8_t *)fuzz_dup(&part);
	struct error err = { { 0 } };
	enum file_format detected;
	struct result whole;
	struct uki uki;
	bool probed;
	int ret;

	probed = uki_probe(file, size);
	ret = uki_parse(file, size, &uki, &err);
	FUZZ_ASSERT(probed == (ret != -ENOEXEC), "uki_probe says %d, uki_parse returns %d (\"%s\")",
		    probed, ret, err.msg);
	if (ret) {
		FUZZ_ASSERT(ret == -ENOEXEC || ret == -EINVAL, "uki_parse returned %d", ret);
		FUZZ_ASSERT_MESSAGE(&err);
	} else {
		check_parsed(file, size, &uki);
	}

	detected = format_detect(file, size);
	if (detected == FORMAT_UKI)
		FUZZ_ASSERT(probed, "detected as a UKI, but uki_probe says no");
	if (probed)
		FUZZ_ASSERT(detected == FORMAT_UKI || detected == FORMAT_ARM64_IMAGE ||
			    detected == FORMAT_ARM_ZIMAGE || detected == FORMAT_ZBOOT,
			    "a UKI to uki_probe is detected as %s", format_name(detected));

	unwrap(file, size, &whole);
	if (detected != FORMAT_UKI) {
		FUZZ_ASSERT(!whole.k.uki.present && !whole.k.uki.initrd && !whole.k.uki.initrd_size &&
			    !whole.k.uki.cmdline && !whole.k.uki.cmdline_len,
			    "kernel->uki filled for a %s (%s)", format_name(detected), whole.k.chain);
	} else if (ret) {
		char want[sizeof(err.msg) + 32];

		snprintf(want, sizeof(want), PATH ": UKI: %s", err.msg);
		FUZZ_ASSERT(whole.ret == ret && strncmp(whole.err.msg, want, sizeof(whole.err.msg) - 1) == 0,
			    "unwrapping says %d \"%s\", uki_parse %d \"%s\"", whole.ret, whole.err.msg,
			    ret, err.msg);
	} else {
		if (whole.ret == 0)
			FUZZ_ASSERT(whole.k.uki.present && whole.k.uki.initrd == uki.initrd &&
				    whole.k.uki.initrd_size == uki.initrd_size &&
				    whole.k.uki.cmdline == uki.cmdline &&
				    whole.k.uki.cmdline_len == uki.cmdline_len,
				    "kernel->uki is not what uki_parse found (%s)", whole.k.chain);
		check_as_linux_alone(&uki, &whole);
	}
	free(whole.owned);
	free(file);
	return 0;
}
