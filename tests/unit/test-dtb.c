/* Device tree checks, /chosen updates, memory and console discovery on
 * the trees under fixtures/dtb (built from the .dts by build.sh). */
#include "check.h"
#include "check_ranges.h"

#include <errno.h>
#include <time.h>

#include <libfdt.h>

#include "dtb.h"

static const char *dir;

/* dtb.c's limit on property names (the spec's is 31 characters). */
#define MAX_NAME_TEST 256

static void *load(const char *name, size_t *size)
{
	char path[256];

	snprintf(path, sizeof(path), "dtb/%s", name);
	return read_fixture(dir, path, size);
}

/* A copy of blob opened into a buffer with room for test-side edits. */
static void *editable(const void *blob)
{
	int size = (int)fdt_totalsize(blob) + 4096;
	void *buf = malloc((size_t)size);

	if (!buf || fdt_open_into(blob, buf, size)) {
		printf("Bail out! cannot open a copy of a fixture\n");
		exit(1);
	}
	return buf;
}

static const void *chosen_prop(const void *blob, const char *name, int *len)
{
	int chosen = fdt_path_offset(blob, "/chosen");

	*len = -1;
	return chosen < 0 ? NULL : fdt_getprop(blob, chosen, name, len);
}

static uint64_t be_value(const void *p, int len)
{
	const uint8_t *b = p;
	uint64_t v = 0;
	int i;

	for (i = 0; i < len; i++)
		v = v << 8 | b[i];
	return v;
}

/* How many properties of /chosen are called name (libfdt reads the first
 * only; a second copy would hide behind it). */
static int chosen_count(const void *blob, const char *name)
{
	int chosen = fdt_path_offset(blob, "/chosen"), off, n = 0;

	fdt_for_each_property_offset(off, blob, chosen) {
		const char *p;
		int len;

		if (fdt_getprop_by_offset(blob, off, &p, &len) && !strcmp(p, name))
			n++;
	}
	return n;
}

/* Trees too large or too deep for a .dts (dtc's parser runs out of stack
 * on deep nesting) are written here with libfdt's sequential writer. */
#define SW(call)                                                               \
	do {                                                                   \
		if ((call) != 0) {                                             \
			printf("Bail out! %s failed\n", #call);                \
			exit(1);                                               \
		}                                                              \
	} while (0)

static void *sw_start(int size)
{
	void *fdt = malloc((size_t)size);

	if (!fdt) {
		printf("Bail out! out of memory\n");
		exit(1);
	}
	SW(fdt_create(fdt, size));
	SW(fdt_finish_reservemap(fdt));
	SW(fdt_begin_node(fdt, ""));
	return fdt;
}

static void *sw_finish(void *fdt)
{
	SW(fdt_end_node(fdt));
	SW(fdt_finish(fdt));
	return fdt;
}

/* A PL011 at 0x9000000 below `depth` nested buses with empty ranges (the
 * default 2 address and 1 size cells), named by stdout-path. */
static void *deep_console(int depth)
{
	void *fdt = sw_start(DTB_MAX_SIZE);
	char *path = malloc((size_t)depth * 2 + 8);
	fdt32_t reg[3] = { cpu_to_fdt32(0), cpu_to_fdt32(0x9000000), cpu_to_fdt32(0x1000) };
	int i;

	for (i = 0; i < depth; i++)
		memcpy(path + 2 * i, "/a", 2);
	strcpy(path + 2 * depth, "/uart");
	SW(fdt_begin_node(fdt, "chosen"));
	SW(fdt_property_string(fdt, "stdout-path", path));
	SW(fdt_end_node(fdt));
	for (i = 0; i < depth; i++) {
		SW(fdt_begin_node(fdt, "a"));
		SW(fdt_property(fdt, "ranges", NULL, 0));
	}
	SW(fdt_begin_node(fdt, "uart"));
	SW(fdt_property_string(fdt, "compatible", "arm,pl011"));
	SW(fdt_property(fdt, "reg", reg, sizeof(reg)));
	for (i = 0; i <= depth; i++)
		SW(fdt_end_node(fdt));
	free(path);
	return sw_finish(fdt);
}

/* One /memory node whose 1-cell reg lists n disjoint 4 KiB ranges,
 * highest first. */
static void *many_ranges(int n)
{
	void *fdt = sw_start(DTB_MAX_SIZE);
	fdt32_t *reg = malloc((size_t)n * 2 * sizeof(*reg));
	int i;

	for (i = 0; i < n; i++) {
		reg[2 * i] = cpu_to_fdt32((uint32_t)(n - i) * 0x2000);
		reg[2 * i + 1] = cpu_to_fdt32(0x1000);
	}
	SW(fdt_property_u32(fdt, "#address-cells", 1));
	SW(fdt_property_u32(fdt, "#size-cells", 1));
	SW(fdt_begin_node(fdt, "memory@0"));
	SW(fdt_property_string(fdt, "device_type", "memory"));
	SW(fdt_property(fdt, "reg", reg, n * 2 * (int)sizeof(*reg)));
	SW(fdt_end_node(fdt));
	free(reg);
	return sw_finish(fdt);
}

/* ---- dtb_check ---------------------------------------------------------- */

static void test_check(void)
{
	static const char *const names[] = { "qemu-virt.dtb", "uefi.dtb", "two-bank.dtb",
					     "arm32.dtb", "ns16550.dtb" };
	struct error err = { "" };
	size_t size, i;
	char *blob, *bad;
	char name[64];

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		blob = load(names[i], &size);
		snprintf(name, sizeof(name), "check: %s is valid", names[i]);
		CHECK_EQ(name, dtb_check(blob, size, names[i], &err), 0);
		free(blob);
	}

	blob = load("qemu-virt.dtb", &size);
	CHECK_EQ("check: larger buffer than totalsize is fine",
		 dtb_check(blob, size + 1, "x", &err), 0);
	CHECK_EQ("check: truncated", dtb_check(blob, size - 1, "virt.dtb", &err), -EINVAL);
	CHECK_CONTAINS("check: truncated names the file", err.msg, "virt.dtb: truncated");
	CHECK_EQ("check: tiny", dtb_check(blob, 8, "tiny.dtb", &err), -EINVAL);
	CHECK_CONTAINS("check: tiny message", err.msg, "tiny.dtb: 8 bytes");

	bad = malloc(size);
	memcpy(bad, blob, size);
	bad[0] ^= 0xff;
	CHECK_EQ("check: bad magic", dtb_check(bad, size, "bad.dtb", &err), -EINVAL);
	CHECK_CONTAINS("check: bad magic message", err.msg, "bad.dtb: not a device tree");

	/* Break the first FDT_BEGIN_NODE tag of the structure block. */
	memcpy(bad, blob, size);
	bad[fdt_off_dt_struct(blob) + 3] = 0x7f;
	CHECK_EQ("check: corrupt structure", dtb_check(bad, size, "corrupt.dtb", &err), -EINVAL);
	CHECK_CONTAINS("check: corrupt structure message", err.msg, "corrupt.dtb: malformed");

	/* A property name offset pointing past the strings block. */
	memcpy(bad, blob, size);
	{
		int node = fdt_path_offset(bad, "/chosen");
		int prop = fdt_first_property_offset(bad, node);
		struct fdt_property *p = (struct fdt_property *)
			((char *)bad + fdt_off_dt_struct(bad) + prop);

		p->nameoff = cpu_to_fdt32(0x7fffff);
	}
	CHECK_EQ("check: bad name offset", dtb_check(bad, size, "names.dtb", &err), -EINVAL);

	/* A property length of -12: libfdt 1.6.1's fdt_check_full steps onto
	 * the same property forever. */
	memcpy(bad, blob, size);
	((fdt32_t *)(bad + fdt_off_dt_struct(bad) + fdt_first_property_offset(bad, 0)))[1] =
		cpu_to_fdt32(0xfffffff4);
	CHECK_EQ("check: negative property length", dtb_check(bad, size, "len.dtb", &err),
		 -EINVAL);
	CHECK_CONTAINS("check: negative property length message", err.msg,
		       "len.dtb: malformed device tree: property at offset");
	/* A node name without its NUL up to the end of the block. */
	memcpy(bad, blob, size);
	memset(bad + fdt_off_dt_struct(bad) + 4, 'x', fdt_size_dt_struct(bad) - 4);
	CHECK_EQ("check: unterminated node name", dtb_check(bad, size, "name.dtb", &err),
		 -EINVAL);
	CHECK_CONTAINS("check: unterminated node name message", err.msg, "runs past");
	free(bad);
	free(blob);
}

/* Thousands of properties sharing one long name would make every lookup
 * by name scan it again: names are limited to 256 bytes. */
static void test_check_long_name(void)
{
	struct error err = { "" };
	char *name = malloc(MAX_NAME_TEST + 2);
	void *blob;

	memset(name, 'n', MAX_NAME_TEST + 1);
	name[MAX_NAME_TEST + 1] = '\0';
	blob = sw_start(4096);
	SW(fdt_property(blob, name, NULL, 0));
	sw_finish(blob);
	CHECK_EQ("check: property name over 256 bytes",
		 dtb_check(blob, fdt_totalsize(blob), "long.dtb", &err), -EINVAL);
	CHECK_CONTAINS("check: long name message", err.msg, "no name of at most 256 bytes");
	free(blob);
	name[MAX_NAME_TEST] = '\0';
	blob = sw_start(4096);
	SW(fdt_property(blob, name, NULL, 0));
	sw_finish(blob);
	CHECK_EQ("check: property name of 256 bytes",
		 dtb_check(blob, fdt_totalsize(blob), "long.dtb", &err), 0);
	free(blob);
	free(name);
}

/* Header fields are checked before libfdt reads through them. */
static void test_check_header(void)
{
	static const struct {
		const char *name;
		int field; /* 32-bit word of the header */
		uint32_t value;
		const char *message;
	} bad[] = {
		{ "check header: version 15", 5, 15, "h.dtb: device tree version 15 is older than 16" },
		{ "check header: needs a version 18 reader", 6, 18, "h.dtb: device tree needs a reader of version 18" },
		{ "check header: last compatible above version", 6, 17, "h.dtb: device tree header is inconsistent" },
		{ "check header: totalsize above 2 MiB", 1, DTB_MAX_SIZE + 8, "h.dtb: header says" },
		{ "check header: totalsize below the header", 1, 16, "h.dtb: header says 16 bytes" },
		{ "check header: reservation map past the end", 4, 0x7ffffff8, "h.dtb: memory reservation map" },
		{ "check header: reservation map misaligned", 4, 44, "h.dtb: memory reservation map" },
		{ "check header: structure block wraps", 2, 0xfffffff0, "h.dtb: structure block" },
		{ "check header: structure block misaligned", 2, 0x3a, "h.dtb: structure block" },
		{ "check header: structure size wraps", 9, 0xfffffff0, "h.dtb: structure block" },
		{ "check header: strings size wraps", 8, 0xfffffff0, "h.dtb: strings block" },
	};
	struct error err = { "" };
	size_t size, i;
	char *blob = load("qemu-virt.dtb", &size), *h;
	char name[96];

	/* Room beyond totalsize, so that only the field under test is wrong. */
	h = calloc(1, DTB_MAX_SIZE + 64);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(h, blob, size);
		if (bad[i].field == 6)
			((fdt32_t *)h)[5] = cpu_to_fdt32(16);
		((fdt32_t *)h)[bad[i].field] = cpu_to_fdt32(bad[i].value);
		CHECK_EQ(bad[i].name, dtb_check(h, DTB_MAX_SIZE + 64, "h.dtb", &err), -EINVAL);
		snprintf(name, sizeof(name), "%s: message", bad[i].name);
		CHECK_CONTAINS(name, err.msg, bad[i].message);
		CHECK(name, !strchr(err.msg, '\n'));
	}
	free(h);
	free(blob);

	/* The fixture that crashed libfdt 1.6.1's fdt_check_full. */
	blob = load("old-version.dtb", &size);
	CHECK_EQ("check: old version refused", dtb_check(blob, size, "old-version.dtb", &err),
		 -EINVAL);
	CHECK_STR("check: old version message", err.msg, "old-version.dtb: device tree version "
		  "15 is older than 16, which kexec cannot edit");
	free(blob);

	blob = load("qemu-virt-v16.dtb", &size);
	CHECK_EQ("check: version 16 accepted", dtb_check(blob, size, "v16.dtb", &err), 0);
	/* Names past size_dt_strings: libfdt reads them in a version 16 tree,
	 * but not once fdt_open_into has made it version 17. */
	((fdt32_t *)blob)[8] = cpu_to_fdt32(0);
	CHECK_EQ("check: version 16 names past its strings block",
		 dtb_check(blob, size, "v16.dtb", &err), -EINVAL);
	CHECK_CONTAINS("check: version 16 strings message", err.msg, "v16.dtb: malformed");
	free(blob);
}

/* ---- dtb_update_chosen -------------------------------------------------- */

static void test_update_qemu(void)
{
	struct error err = { "" };
	uint8_t seed[64];
	struct chosen_update u = {
		.bootargs = "console=ttyAMA0 root=/dev/vda2 rw",
		.has_initrd = true,
		.initrd_start = 0x48000000,
		.initrd_end = 0x48a00123,
		.rng_seed = seed,
		.rng_seed_size = sizeof(seed),
		.kaslr_seed = 0x1122334455667788ull,
	};
	size_t size, out_size, i;
	void *blob = load("qemu-virt.dtb", &size), *out;
	const char *s;
	const uint8_t *p;
	int len;

	for (i = 0; i < sizeof(seed); i++)
		seed[i] = (uint8_t)(0xa0 + i);
	CHECK_EQ("update qemu: succeeds", dtb_update_chosen(blob, &u, &out, &out_size, &err), 0);
	CHECK_EQ("update qemu: result is valid", dtb_check(out, out_size, "out", &err), 0);
	CHECK_EQ("update qemu: size is totalsize", out_size, fdt_totalsize(out));
	/* Packed: the strings block ends the blob, no free space left. */
	CHECK_EQ("update qemu: packed", fdt_off_dt_strings(out) + fdt_size_dt_strings(out),
		 out_size);

	CHECK_STR("update qemu: bootargs", chosen_prop(out, "bootargs", &len), u.bootargs);
	p = chosen_prop(out, "linux,initrd-start", &len);
	CHECK_EQ("update qemu: initrd-start is 2 cells", len, 8);
	CHECK_EQ("update qemu: initrd-start", p ? be_value(p, len) : 0, 0x48000000);
	p = chosen_prop(out, "linux,initrd-end", &len);
	CHECK_EQ("update qemu: initrd-end is 2 cells", len, 8);
	CHECK_EQ("update qemu: initrd-end", p ? be_value(p, len) : 0, 0x48a00123);
	p = chosen_prop(out, "rng-seed", &len);
	CHECK("update qemu: rng-seed replaced", p && len == sizeof(seed) && !memcmp(p, seed, sizeof(seed)));
	p = chosen_prop(out, "kaslr-seed", &len);
	CHECK_EQ("update qemu: kaslr-seed is 8 bytes", len, 8);
	CHECK("update qemu: kaslr-seed big-endian", p && p[0] == 0x11 && p[7] == 0x88);
	CHECK("update qemu: elfcorehdr removed", !chosen_prop(out, "linux,elfcorehdr", &len));
	CHECK("update qemu: usable-memory-range removed",
	      !chosen_prop(out, "linux,usable-memory-range", &len));
	CHECK_STR("update qemu: stdout-path kept", chosen_prop(out, "stdout-path", &len),
		  "/pl011@9000000");
	CHECK("update qemu: other nodes kept", fdt_path_offset(out, "/memory@40000000") > 0 &&
	      fdt_path_offset(out, "/pl011@9000000") > 0 && fdt_path_offset(out, "/psci") > 0);
	s = fdt_getprop(out, fdt_path_offset(out, "/psci"), "method", &len);
	CHECK_STR("update qemu: unrelated property kept", s, "hvc");
	CHECK("update qemu: input untouched",
	      chosen_prop(blob, "linux,elfcorehdr", &len) != NULL);
	free(out);

	/* Keep bootargs, drop initrd and the stale rng-seed. */
	u.bootargs = NULL;
	u.has_initrd = false;
	u.rng_seed_size = 0;
	CHECK_EQ("update qemu, minimal: succeeds",
		 dtb_update_chosen(blob, &u, &out, &out_size, &err), 0);
	CHECK_STR("update qemu, minimal: bootargs kept", chosen_prop(out, "bootargs", &len),
		  "console=ttyAMA0 root=/dev/vda2");
	CHECK("update qemu, minimal: initrd-start removed",
	      !chosen_prop(out, "linux,initrd-start", &len));
	CHECK("update qemu, minimal: initrd-end removed",
	      !chosen_prop(out, "linux,initrd-end", &len));
	CHECK("update qemu, minimal: rng-seed removed", !chosen_prop(out, "rng-seed", &len));
	CHECK("update qemu, minimal: smaller than input", out_size < size);
	free(out);

	u.bootargs = "";
	CHECK_EQ("update qemu, empty bootargs: succeeds",
		 dtb_update_chosen(blob, &u, &out, &out_size, &err), 0);
	CHECK_STR("update qemu, empty bootargs: set", chosen_prop(out, "bootargs", &len), "");
	free(out);
	free(blob);
}

static void test_update_uefi(void)
{
	static const char *const uefi[] = {
		"linux,uefi-system-table", "linux,uefi-mmap-start", "linux,uefi-mmap-size",
		"linux,uefi-mmap-desc-size", "linux,uefi-mmap-desc-ver",
	};
	struct error err = { "" };
	struct chosen_update u = {
		.bootargs = "root=/dev/nvme0n1p2 ro quiet",
		.has_initrd = true,
		.initrd_start = 0x8f0000000ull,
		.initrd_end = 0x8f1000000ull,
		.kaslr_seed = 0x1234,
	};
	size_t size, out_size, i;
	void *blob = load("uefi.dtb", &size), *out;
	char name[96];
	int len, len2;

	CHECK_EQ("update uefi: succeeds", dtb_update_chosen(blob, &u, &out, &out_size, &err), 0);
	for (i = 0; i < sizeof(uefi) / sizeof(uefi[0]); i++) {
		const void *a = chosen_prop(blob, uefi[i], &len);
		const void *b = chosen_prop(out, uefi[i], &len2);

		snprintf(name, sizeof(name), "update uefi: %s kept", uefi[i]);
		CHECK(name, a && b && len == len2 && !memcmp(a, b, (size_t)len));
	}
	CHECK("update uefi: no kaslr-seed added", !chosen_prop(out, "kaslr-seed", &len));
	CHECK("update uefi: no rng-seed added", !chosen_prop(out, "rng-seed", &len));
	{
		const void *p = chosen_prop(out, "linux,initrd-start", &len);

		CHECK_EQ("update uefi: initrd-start above 4 GiB", p ? be_value(p, len) : 0,
			 0x8f0000000ull);
	}
	CHECK("update uefi: cpus kept", fdt_path_offset(out, "/cpus/cpu@0") > 0);
	free(out);
	free(blob);
}

static void test_update_arm32(void)
{
	struct error err = { "" };
	struct chosen_update u = {
		.bootargs = "console=ttyAMA0",
		.has_initrd = true,
		.initrd_start = 0x68000000,
		.initrd_end = 0x68400000,
	};
	size_t size, out_size;
	void *blob = load("arm32.dtb", &size), *out;
	const void *p;
	int len;

	CHECK("arm32: fixture has no /chosen", fdt_path_offset(blob, "/chosen") == -FDT_ERR_NOTFOUND);
	CHECK_EQ("update arm32: succeeds", dtb_update_chosen(blob, &u, &out, &out_size, &err), 0);
	CHECK("update arm32: /chosen created", fdt_path_offset(out, "/chosen") > 0);
	CHECK_STR("update arm32: bootargs", chosen_prop(out, "bootargs", &len), "console=ttyAMA0");
	p = chosen_prop(out, "linux,initrd-start", &len);
	CHECK_EQ("update arm32: initrd-start is 1 cell", len, 4);
	CHECK_EQ("update arm32: initrd-start", p ? be_value(p, len) : 0, 0x68000000);
	p = chosen_prop(out, "linux,initrd-end", &len);
	CHECK_EQ("update arm32: initrd-end is 1 cell", len, 4);
	CHECK_EQ("update arm32: initrd-end", p ? be_value(p, len) : 0, 0x68400000);
	free(out);

	/* LPAE: an initrd above 4 GiB cannot be written in one cell. */
	u.initrd_start = 0x100000000ull;
	u.initrd_end = 0x100400000ull;
	CHECK_EQ("update arm32, high initrd: succeeds",
		 dtb_update_chosen(blob, &u, &out, &out_size, &err), 0);
	p = chosen_prop(out, "linux,initrd-start", &len);
	CHECK_EQ("update arm32, high initrd: 2 cells", len, 8);
	CHECK_EQ("update arm32, high initrd: value", p ? be_value(p, len) : 0, 0x100000000ull);
	free(out);
	free(blob);
}

static void test_update_crash(void)
{
	struct error err = { "" };
	static const struct mem_range usable[2] = {
		{ 0x60000000, 0x70000000 }, { 0x80000000, 0x90000000 },
	};
	uint8_t seed[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct chosen_update u = {
		.bootargs = "console=ttyAMA0 maxcpus=1",
		.rng_seed = seed,
		.rng_seed_size = sizeof(seed),
		.kaslr_seed = 0x1234,
		.crash = true,
		.elfcorehdr_addr = 0x7f000000,
		.elfcorehdr_size = 0x10000,
		.usable_ranges = usable,
		.nr_usable_ranges = 2,
	};
	size_t size, out_size;
	void *blob = load("qemu-virt.dtb", &size), *out;
	const uint8_t *p;
	int len;

	CHECK_EQ("update crash: succeeds", dtb_update_chosen(blob, &u, &out, &out_size, &err), 0);
	p = chosen_prop(out, "linux,elfcorehdr", &len);
	CHECK_EQ("update crash: elfcorehdr in 2+2 cells", len, 16);
	CHECK("update crash: elfcorehdr", p && be_value(p, 8) == 0x7f000000 &&
	      be_value(p + 8, 8) == 0x10000);
	p = chosen_prop(out, "linux,usable-memory-range", &len);
	CHECK_EQ("update crash: two usable ranges", len, 32);
	CHECK("update crash: usable ranges", p && be_value(p, 8) == 0x60000000 &&
	      be_value(p + 8, 8) == 0x10000000 && be_value(p + 16, 8) == 0x80000000 &&
	      be_value(p + 24, 8) == 0x10000000);
	CHECK("update crash: no rng-seed", !chosen_prop(out, "rng-seed", &len));
	CHECK("update crash: no kaslr-seed", !chosen_prop(out, "kaslr-seed", &len));
	free(out);

	u.elfcorehdr_addr = 0xfffffffffffff000ull;
	CHECK_EQ("update crash: elfcorehdr wrapping 2^64",
		 dtb_update_chosen(blob, &u, &out, &out_size, &err), -EINVAL);
	CHECK_CONTAINS("update crash: wrap message", err.msg, "linux,elfcorehdr");
	free(blob);

	/* A 1-cell root: addresses that fit are written in 1 cell, others
	 * refused rather than truncated. */
	blob = load("arm32.dtb", &size);
	u.elfcorehdr_addr = 0x7f000000;
	CHECK_EQ("update crash arm32: succeeds", dtb_update_chosen(blob, &u, &out, &out_size, &err),
		 0);
	p = chosen_prop(out, "linux,elfcorehdr", &len);
	CHECK_EQ("update crash arm32: elfcorehdr in 1+1 cells", len, 8);
	CHECK("update crash arm32: elfcorehdr", p && be_value(p, 4) == 0x7f000000 &&
	      be_value(p + 4, 4) == 0x10000);
	free(out);
	u.elfcorehdr_addr = 0x100000000ull;
	CHECK_EQ("update crash arm32: header above 4 GiB",
		 dtb_update_chosen(blob, &u, &out, &out_size, &err), -EINVAL);
	CHECK_CONTAINS("update crash arm32: message", err.msg, "does not fit the root's");
	u.elfcorehdr_addr = 0xfffffffffffff000ull;
	u.elfcorehdr_size = 0x2000;
	CHECK_EQ("update crash arm32: wrapping header not truncated",
		 dtb_update_chosen(blob, &u, &out, &out_size, &err), -EINVAL);
	free(blob);
}

/* A /chosen repeating the properties an update owns: no stale copy
 * survives behind the one written or removed. */
static void test_update_repeated(void)
{
	static const struct {
		const char *name;
		int copies;
	} props[] = {
		{ "bootargs", 1 }, { "linux,initrd-start", 1 }, { "rng-seed", 1 },
		{ "kaslr-seed", 1 }, { "linux,elfcorehdr", 0 }, { "linux,usable-memory-range", 0 },
	};
	struct error err = { "" };
	uint8_t seed[4] = { 9, 9, 9, 9 };
	struct chosen_update u = {
		.bootargs = "console=ttyS0",
		.has_initrd = true,
		.initrd_start = 0x50000000,
		.initrd_end = 0x51000000,
		.rng_seed = seed,
		.rng_seed_size = sizeof(seed),
		.kaslr_seed = 0x42,
	};
	size_t size, out_size, i;
	void *blob = load("repeated-chosen.dtb", &size), *out;
	const uint8_t *p;
	char name[96];
	int len;

	CHECK_EQ("update repeated: fixture passes the check",
		 dtb_check(blob, size, "repeated-chosen.dtb", &err), 0);
	CHECK_EQ("update repeated: fixture repeats elfcorehdr",
		 chosen_count(blob, "linux,elfcorehdr"), 2);
	CHECK_EQ("update repeated: succeeds", dtb_update_chosen(blob, &u, &out, &out_size, &err), 0);
	CHECK_EQ("update repeated: result valid", dtb_check(out, out_size, "out", &err), 0);
	for (i = 0; i < sizeof(props) / sizeof(props[0]); i++) {
		snprintf(name, sizeof(name), "update repeated: %d %s left", props[i].copies,
			 props[i].name);
		CHECK_EQ(name, chosen_count(out, props[i].name), props[i].copies);
	}
	CHECK_STR("update repeated: bootargs", chosen_prop(out, "bootargs", &len), "console=ttyS0");
	p = chosen_prop(out, "kaslr-seed", &len);
	CHECK("update repeated: kaslr-seed refreshed", p && len == 8 && be_value(p, 8) == 0x42);
	CHECK("update repeated: uefi kept", chosen_prop(out, "linux,uefi-system-table", &len) &&
	      len == 8);
	free(out);
	free(blob);
}

/* A version 16 tree (no size_dt_struct) is edited into a version 17 one. */
static void test_update_v16(void)
{
	struct error err = { "" };
	struct chosen_update u = { .bootargs = "quiet" };
	size_t size, out_size;
	void *blob = load("qemu-virt-v16.dtb", &size), *out;
	int len;

	CHECK_EQ("update v16: succeeds", dtb_update_chosen(blob, &u, &out, &out_size, &err), 0);
	CHECK_EQ("update v16: result valid", dtb_check(out, out_size, "out", &err), 0);
	CHECK_EQ("update v16: result is version 17", fdt_version(out), 17);
	CHECK_STR("update v16: bootargs", chosen_prop(out, "bootargs", &len), "quiet");
	free(out);
	free(blob);
}

static void test_update_limits(void)
{
	struct error err = { "" };
	struct chosen_update u = { .has_initrd = false };
	size_t size, out_size = 1, big = DTB_MAX_SIZE;
	void *blob = load("qemu-virt.dtb", &size), *out = (void *)1;
	char *args = malloc(big + 1);
	uint8_t *seed = malloc(big);

	memset(args, 'x', big);
	args[big] = '\0';
	u.bootargs = args;
	CHECK_EQ("update: 2 MiB bootargs is E2BIG",
		 dtb_update_chosen(blob, &u, &out, &out_size, &err), -E2BIG);
	CHECK("update: failure leaves *out NULL", out == NULL && out_size == 0);

	/* Fits the buffer but not the limit once everything else is added. */
	args[big - size / 2] = '\0';
	CHECK_EQ("update: result over 2 MiB is E2BIG",
		 dtb_update_chosen(blob, &u, &out, &out_size, &err), -E2BIG);
	CHECK_CONTAINS("update: over the limit message", err.msg, "limit");

	/* Just under the limit works. */
	args[big - size - 4096] = '\0';
	CHECK_EQ("update: large bootargs under the limit",
		 dtb_update_chosen(blob, &u, &out, &out_size, &err), 0);
	CHECK("update: large result within limit", out && out_size <= DTB_MAX_SIZE);
	free(out);

	memset(seed, 0x5a, big);
	u.bootargs = NULL;
	u.rng_seed = seed;
	u.rng_seed_size = big - 100;
	CHECK_EQ("update: big rng-seed over the limit",
		 dtb_update_chosen(blob, &u, &out, &out_size, &err), -E2BIG);
	if (out)
		free(out);

	memset(blob, 0, 8);
	u.rng_seed_size = 0;
	CHECK_EQ("update: not a device tree", dtb_update_chosen(blob, &u, &out, &out_size, &err),
		 -EINVAL);
	free(seed);
	free(args);
	free(blob);
}

/* ---- dtb_memory --------------------------------------------------------- */

/* Sets node's reg to n host-order cells. */
static void set_reg(void *fdt, const char *path, const uint32_t *cells, int n)
{
	fdt32_t be[8];
	int i;

	for (i = 0; i < n; i++)
		be[i] = cpu_to_fdt32(cells[i]);
	fdt_setprop(fdt, fdt_path_offset(fdt, path), "reg", be, (int)(n * sizeof(be[0])));
}

static void test_memory(void)
{
	struct error err = { "" };
	struct mem_ranges ram, res;
	size_t size;
	void *blob;

	mem_ranges_init(&ram);
	mem_ranges_init(&res);

	blob = load("qemu-virt.dtb", &size);
	CHECK_EQ("memory qemu: ok", dtb_memory(blob, &ram, &res, &err), 0);
	CHECK_SET("memory qemu: ram", &ram, 0x40000000, 0xc0000000);
	CHECK("memory qemu: nothing reserved", res.n == 0);
	free(blob);
	mem_ranges_free(&ram);
	mem_ranges_free(&res);

	blob = load("uefi.dtb", &size);
	CHECK_EQ("memory uefi: ENOENT", dtb_memory(blob, &ram, &res, &err), -ENOENT);
	CHECK_CONTAINS("memory uefi: message", err.msg, "no memory node");
	free(blob);

	blob = load("two-bank.dtb", &size);
	CHECK_EQ("memory two-bank: ok", dtb_memory(blob, &ram, &res, &err), 0);
	/* 0x9_8000_0000 has size 0; memory@a... is disabled. */
	CHECK_SET("memory two-bank: ram", &ram, 0x80000000, 0xe0000000, 0x880000000, 0x980000000);
	CHECK_SET("memory two-bank: reserved", &res,
		  0x80000000, 0x80010000, 0x81000000, 0x81200000,
		  0x9c000000, 0x9c800000, 0x880000000, 0x880200000,
		  0x97f000000, 0x97f100000);
	free(blob);
	mem_ranges_free(&ram);
	mem_ranges_free(&res);

	blob = load("arm32.dtb", &size);
	CHECK_EQ("memory arm32: ok", dtb_memory(blob, &ram, &res, &err), 0);
	CHECK_SET("memory arm32: ram", &ram, 0x60000000, 0x80000000);
	CHECK_SET("memory arm32: reserved", &res, 0x60000000, 0x60001000, 0x7e000000, 0x80000000);
	free(blob);
	mem_ranges_free(&ram);
	mem_ranges_free(&res);

	/* A reg whose length is not a whole number of entries. */
	blob = load("qemu-virt.dtb", &size);
	{
		void *ed = editable(blob);
		static const uint32_t reg[3] = { 0, 0x40000000, 0 };

		set_reg(ed, "/memory@40000000", reg, (int)(sizeof(reg) / sizeof(reg[0])));
		CHECK_EQ("memory: bad reg length", dtb_memory(ed, &ram, &res, &err), -EINVAL);
		CHECK_CONTAINS("memory: bad reg message", err.msg, "/memory@40000000: reg is 12 bytes");
		free(ed);
	}
	{
		void *ed = editable(blob);
		static const uint32_t reg[4] = { 0xffffffff, 0xfffff000, 0, 0x1000 };

		set_reg(ed, "/memory@40000000", reg, (int)(sizeof(reg) / sizeof(reg[0])));
		mem_ranges_free(&ram);
		CHECK_EQ("memory: region ending at 2^64", dtb_memory(ed, &ram, &res, &err), 0);
		CHECK_SET("memory: capped at UINT64_MAX", &ram, 0xfffffffffffff000, UINT64_MAX);
		free(ed);
	}
	{
		void *ed = editable(blob);
		static const uint32_t reg[4] = { 0xffffffff, 0xfffff000, 0, 0x2000 };

		set_reg(ed, "/memory@40000000", reg, (int)(sizeof(reg) / sizeof(reg[0])));
		CHECK_EQ("memory: region wrapping past 2^64", dtb_memory(ed, &ram, &res, &err),
			 -EINVAL);
		free(ed);
	}
	free(blob);
	mem_ranges_free(&ram);
	mem_ranges_free(&res);
}

/* Root #address-cells and #size-cells of every kind, and /memreserve/
 * entries at the top of the address space. */
static void test_memory_cells(void)
{
	static const struct {
		const char *name;
		uint32_t ac, sc;
		uint32_t reg[6];
		int reg_cells, ret;
		const char *message;
	} cases[] = {
		{ "memory cells: #address-cells 0", 0, 1, { 0x1000 }, 1, -EINVAL,
		  "root: #address-cells" },
		{ "memory cells: #address-cells 3", 3, 1, { 0, 0, 0x40000000, 0x1000 }, 4, 0, NULL },
		{ "memory cells: 3 cells beyond 64 bits", 3, 1, { 1, 0, 0x40000000, 0x1000 }, 4,
		  -EINVAL, "reg entry 0 does not fit 64-bit addresses" },
		{ "memory cells: huge #address-cells", 0x40000000, 1, { 0 }, 1, -EINVAL,
		  "root: #address-cells" },
		{ "memory cells: #size-cells 0 gives no RAM", 1, 0, { 0x40000000 }, 1, -ENOENT,
		  "no memory node" },
		{ "memory cells: #size-cells 3", 1, 3, { 0x40000000, 0, 0, 0x1000 }, 4, 0, NULL },
		{ "memory cells: reg shorter than one entry", 2, 2, { 0, 0x40000000, 0 }, 3, -EINVAL,
		  "reg is 12 bytes, not a multiple of 4 cells" },
	};
	struct error err = { "" };
	struct mem_ranges ram, res;
	size_t size, i;
	void *blob = load("qemu-virt.dtb", &size), *ed;
	char name[96];

	mem_ranges_init(&ram);
	mem_ranges_init(&res);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ed = editable(blob);
		fdt_setprop_u32(ed, 0, "#address-cells", cases[i].ac);
		fdt_setprop_u32(ed, 0, "#size-cells", cases[i].sc);
		set_reg(ed, "/memory@40000000", cases[i].reg, cases[i].reg_cells);
		CHECK_EQ(cases[i].name, dtb_memory(ed, &ram, &res, &err), cases[i].ret);
		snprintf(name, sizeof(name), "%s: result", cases[i].name);
		if (cases[i].message)
			CHECK_CONTAINS(name, err.msg, cases[i].message);
		else
			CHECK_SET(name, &ram, 0x40000000, 0x40001000);
		mem_ranges_free(&ram);
		mem_ranges_free(&res);
		free(ed);
	}

	/* A reg whose byte length is not a whole number of cells, in a node
	 * whose name holds a newline: the message stays one line. */
	ed = editable(blob);
	fdt_setprop(ed, fdt_path_offset(ed, "/memory@40000000"), "reg", "\0\0\0\0\0\0", 6);
	fdt_set_name(ed, fdt_path_offset(ed, "/memory@40000000"), "memory@4\n0");
	CHECK_EQ("memory: reg of 6 bytes", dtb_memory(ed, &ram, &res, &err), -EINVAL);
	CHECK_CONTAINS("memory: node name printable in the message", err.msg,
		       "device tree: /memory@4?0: reg is 6 bytes");
	free(ed);
	mem_ranges_free(&ram);
	mem_ranges_free(&res);

	/* /memreserve/ ending exactly at 2^64 is capped (memrange.c); past it,
	 * refused. */
	ed = editable(blob);
	fdt_add_mem_rsv(ed, 0xfffffffffffff000ull, 0x1000);
	CHECK_EQ("memory: memreserve ending at 2^64", dtb_memory(ed, &ram, &res, &err), 0);
	CHECK_SET("memory: memreserve capped", &res, 0xfffffffffffff000ull, UINT64_MAX);
	fdt_add_mem_rsv(ed, 0xfffffffffffff000ull, 0x2000);
	mem_ranges_free(&ram);
	mem_ranges_free(&res);
	CHECK_EQ("memory: memreserve wrapping 2^64", dtb_memory(ed, &ram, &res, &err), -EINVAL);
	CHECK_CONTAINS("memory: memreserve wrap message", err.msg, "wraps past 2^64");
	free(ed);
	mem_ranges_free(&ram);
	mem_ranges_free(&res);

	/* /reserved-memory with cells we cannot read. */
	ed = editable(blob);
	{
		int rm = fdt_add_subnode(ed, 0, "reserved-memory");

		fdt_setprop_u32(ed, rm, "#address-cells", 9);
		fdt_add_subnode(ed, rm, "x@0");
	}
	CHECK_EQ("memory: /reserved-memory with 9 cells", dtb_memory(ed, &ram, &res, &err),
		 -EINVAL);
	CHECK_CONTAINS("memory: /reserved-memory message", err.msg, "/reserved-memory");
	free(ed);
	mem_ranges_free(&ram);
	mem_ranges_free(&res);
	free(blob);
}

/* A quarter of a million ranges in descending order, in a second or so
 * even under the sanitizers (a quadratic insertion takes minutes). */
static void test_memory_many(void)
{
	struct error err = { "" };
	struct mem_ranges ram, res;
	void *blob = many_ranges(250000);
	clock_t t0 = clock();
	size_t i;
	int sorted = 1;

	mem_ranges_init(&ram);
	mem_ranges_init(&res);
	CHECK_EQ("memory many: passes the check", dtb_check(blob, fdt_totalsize(blob), "m", &err), 0);
	CHECK_EQ("memory many: ok", dtb_memory(blob, &ram, &res, &err), 0);
	CHECK_EQ("memory many: 250000 ranges", ram.n, 250000);
	for (i = 1; i < ram.n; i++)
		sorted &= ram.r[i - 1].end < ram.r[i].start;
	CHECK("memory many: sorted", sorted && ram.n && ram.r[0].start == 0x2000);
	CHECK("memory many: within 10 s", clock() - t0 < 10 * CLOCKS_PER_SEC);
	mem_ranges_free(&ram);
	mem_ranges_free(&res);
	free(blob);
}

/* ---- dtb_stdout_uart ---------------------------------------------------- */

/* blob with /chosen's stdout-path (created if needed) set to path. */
static void *with_stdout(const void *blob, const char *prop, const char *path)
{
	void *ed = editable(blob);
	int chosen = fdt_path_offset(ed, "/chosen");

	if (chosen < 0)
		chosen = fdt_add_subnode(ed, 0, "chosen");
	fdt_delprop(ed, chosen, "stdout-path");
	fdt_setprop_string(ed, chosen, prop, path);
	return ed;
}

static void test_uart(void)
{
	struct uart_info u;
	size_t size;
	void *blob, *ed;

	blob = load("qemu-virt.dtb", &size);
	CHECK_EQ("uart qemu: found", dtb_stdout_uart(blob, &u), 0);
	CHECK_EQ("uart qemu: pl011", u.kind, UART_PL011);
	CHECK_EQ("uart qemu: address", u.addr, 0x9000000);
	CHECK_EQ("uart qemu: word access", u.io_width, 4);
	ed = with_stdout(blob, "stdout-path", "/pl011@9000000:115200n8");
	CHECK_EQ("uart qemu, options: found", dtb_stdout_uart(ed, &u), 0);
	CHECK_EQ("uart qemu, options: address", u.addr, 0x9000000);
	free(ed);
	ed = with_stdout(blob, "stdout-path", "/psci");
	CHECK_EQ("uart qemu, not a uart: ENOENT", dtb_stdout_uart(ed, &u), -ENOENT);
	CHECK_EQ("uart qemu, not a uart: kind none", u.kind, UART_NONE);
	free(ed);
	ed = with_stdout(blob, "stdout-path", "/nonexistent@0");
	CHECK_EQ("uart qemu, missing node: ENOENT", dtb_stdout_uart(ed, &u), -ENOENT);
	free(ed);
	ed = with_stdout(blob, "stdout-path", "serial9");
	CHECK_EQ("uart qemu, missing alias: ENOENT", dtb_stdout_uart(ed, &u), -ENOENT);
	free(ed);
	ed = editable(blob);
	fdt_setprop_string(ed, fdt_path_offset(ed, "/pl011@9000000"), "status", "disabled");
	CHECK_EQ("uart qemu, disabled: ENOENT", dtb_stdout_uart(ed, &u), -ENOENT);
	free(ed);
	free(blob);

	blob = load("uefi.dtb", &size);
	CHECK_EQ("uart uefi: none", dtb_stdout_uart(blob, &u), -ENOENT);
	free(blob);

	blob = load("arm32.dtb", &size);
	CHECK_EQ("uart arm32, no /chosen: none", dtb_stdout_uart(blob, &u), -ENOENT);
	ed = with_stdout(blob, "linux,stdout-path", "/soc/serial@10009000");
	CHECK_EQ("uart arm32, linux,stdout-path: found", dtb_stdout_uart(ed, &u), 0);
	CHECK_EQ("uart arm32: pl011", u.kind, UART_PL011);
	CHECK_EQ("uart arm32: 1-cell address through empty ranges", u.addr, 0x10009000);
	free(ed);
	free(blob);

	blob = load("ns16550.dtb", &size);
	CHECK_EQ("uart ns16550 via alias: found", dtb_stdout_uart(blob, &u), 0);
	CHECK_EQ("uart ns16550 via alias: kind", u.kind, UART_NS16550);
	CHECK_EQ("uart ns16550 via alias: translated through ranges", u.addr, 0x1c28000);
	CHECK_EQ("uart ns16550 via alias: reg-shift", u.reg_shift, 2);
	CHECK_EQ("uart ns16550 via alias: reg-io-width", u.io_width, 4);
	ed = with_stdout(blob, "stdout-path", "serial1");
	CHECK_EQ("uart ns16550a defaults: found", dtb_stdout_uart(ed, &u), 0);
	CHECK_EQ("uart ns16550a defaults: address", u.addr, 0x1c29000);
	CHECK_EQ("uart ns16550a defaults: reg-shift 0", u.reg_shift, 0);
	CHECK_EQ("uart ns16550a defaults: io width 1", u.io_width, 1);
	free(ed);
	ed = with_stdout(blob, "stdout-path", "serial2:9600");
	CHECK_EQ("uart ns16550a, 16-bit io: unsupported", dtb_stdout_uart(ed, &u), -ENOENT);
	free(ed);
	ed = with_stdout(blob, "stdout-path", "/isolated/serial@1000");
	CHECK_EQ("uart on a bus without ranges: ENOENT", dtb_stdout_uart(ed, &u), -ENOENT);
	free(ed);
	ed = with_stdout(blob, "stdout-path", "/soc/serial@29000");
	fdt_setprop_u32(ed, fdt_path_offset(ed, "/soc/serial@29000"), "reg", 0x200000);
	CHECK_EQ("uart outside the bus window: ENOENT", dtb_stdout_uart(ed, &u), -ENOENT);
	free(ed);
	free(blob);
}

/* Aliases are resolved once, to absolute paths only. */
static void test_uart_alias(void)
{
	struct uart_info u;
	size_t size;
	void *blob = load("self-alias.dtb", &size), *ed;

	CHECK_EQ("uart alias: self-referring alias is ENOENT", dtb_stdout_uart(blob, &u), -ENOENT);
	ed = with_stdout(blob, "stdout-path", "serial0:115200");
	CHECK_EQ("uart alias: loop of two aliases is ENOENT", dtb_stdout_uart(ed, &u), -ENOENT);
	free(ed);
	ed = with_stdout(blob, "stdout-path", "soc/pl011@0:115200n8");
	CHECK_EQ("uart alias: alias with a sub-path found", dtb_stdout_uart(ed, &u), 0);
	CHECK_EQ("uart alias: sub-path address", u.addr, 0x9000000);
	free(ed);
	ed = with_stdout(blob, "stdout-path", "soc//pl011@0/");
	CHECK_EQ("uart alias: extra slashes", dtb_stdout_uart(ed, &u), 0);
	free(ed);
	ed = with_stdout(blob, "stdout-path", "soc/nothing");
	CHECK_EQ("uart alias: missing sub-path", dtb_stdout_uart(ed, &u), -ENOENT);
	free(ed);
	ed = with_stdout(blob, "stdout-path", ":115200");
	CHECK_EQ("uart alias: empty path", dtb_stdout_uart(ed, &u), -ENOENT);
	free(ed);
	free(blob);
}

/* A console at the bottom of many buses: found when a few deep, refused
 * quickly when absurdly deep (climbing with fdt_parent_offset is
 * quadratic in the depth). */
static void test_uart_deep(void)
{
	struct uart_info u;
	void *blob = deep_console(8);
	clock_t t0;

	CHECK_EQ("uart deep: 8 buses deep found", dtb_stdout_uart(blob, &u), 0);
	CHECK_EQ("uart deep: address", u.addr, 0x9000000);
	free(blob);
	blob = deep_console(60000);
	t0 = clock();
	CHECK_EQ("uart deep: 60000 buses deep is ENOENT", dtb_stdout_uart(blob, &u), -ENOENT);
	CHECK("uart deep: within 10 s", clock() - t0 < 10 * CLOCKS_PER_SEC);
	free(blob);
}

/* ---- what --dry-run and -d show of /chosen ------------------------------ */

/* The text dtb_print_chosen writes for blob, in buf. */
static const char *chosen_text(const void *blob, char *buf, size_t size)
{
	FILE *f = fmemopen(buf, size, "w");

	buf[0] = '\0';
	if (!f)
		return buf;
	dtb_print_chosen(f, blob);
	fclose(f);
	return buf;
}

static void test_print_chosen(void)
{
	struct error err = { "" };
	static const struct mem_range usable[2] = {
		{ 0x60000000, 0x70000000 }, { 0x80000000, 0x90000000 },
	};
	uint8_t seed[64] = { 0 };
	struct chosen_update u = {
		.bootargs = "console=ttyAMA0 root=/dev/vda2 \"quoted\"",
		.has_initrd = true,
		.initrd_start = 0x48000000,
		.initrd_end = 0x48a00123,
		.rng_seed = seed,
		.rng_seed_size = sizeof(seed),
		.kaslr_seed = 0x1122334455667788ull,
	};
	size_t size, out_size;
	void *blob = load("qemu-virt.dtb", &size), *out;
	char text[2048], removed[200];

	CHECK_EQ("print chosen: update", dtb_update_chosen(blob, &u, &out, &out_size, &err), 0);
	chosen_text(out, text, sizeof(text));
	CHECK_CONTAINS("print chosen: the exact command line", text,
		       "command line: \"console=ttyAMA0 root=/dev/vda2 \"quoted\"\" (40 bytes with its NUL; /chosen/bootargs)\n");
	CHECK_CONTAINS("print chosen: initrd start", text, "  linux,initrd-start: 0x48000000\n");
	CHECK_CONTAINS("print chosen: initrd end", text, "  linux,initrd-end: 0x48a00123\n");
	CHECK_CONTAINS("print chosen: rng-seed by size", text, "  rng-seed: 64 bytes, fresh\n");
	CHECK_CONTAINS("print chosen: kaslr-seed by size", text, "  kaslr-seed: 8 bytes, fresh\n");
	CHECK("print chosen: no seed value shown", !strstr(text, "1122334455667788"));
	CHECK("print chosen: no crash properties", !strstr(text, "elfcorehdr"));
	dtb_chosen_removed(blob, out, removed, sizeof(removed));
	CHECK_STR("removed: what the fixture's crash boot left", removed,
		  "linux,elfcorehdr, linux,usable-memory-range");
	dtb_chosen_removed(out, out, removed, sizeof(removed));
	CHECK_STR("removed: nothing when nothing changed", removed, "");
	dtb_chosen_removed(blob, out, removed, 12);
	CHECK("removed: cut to the buffer", strlen(removed) == 11);
	free(out);

	u = (struct chosen_update){
		.bootargs = "maxcpus=1",
		.crash = true,
		.elfcorehdr_addr = 0x7f000000,
		.elfcorehdr_size = 0x10000,
		.usable_ranges = usable,
		.nr_usable_ranges = 2,
		.rng_seed = seed,
		.rng_seed_size = sizeof(seed),
	};
	CHECK_EQ("print chosen crash: update", dtb_update_chosen(blob, &u, &out, &out_size, &err), 0);
	chosen_text(out, text, sizeof(text));
	CHECK_CONTAINS("print chosen crash: elfcorehdr", text,
		       "  linux,elfcorehdr: 0x7f000000-0x7f00ffff (0x10000 bytes)\n");
	CHECK_CONTAINS("print chosen crash: usable ranges", text,
		       "  linux,usable-memory-range: 0x60000000-0x6fffffff (0x10000000 bytes), 0x80000000-0x8fffffff (0x10000000 bytes)\n");
	CHECK("print chosen crash: no seeds", !strstr(text, "rng-seed") && !strstr(text, "kaslr-seed"));
	CHECK("print chosen crash: no initrd", !strstr(text, "initrd"));
	dtb_chosen_removed(blob, out, removed, sizeof(removed));
	CHECK_STR("removed crash: initrd and seeds", removed,
		  "linux,initrd-start, linux,initrd-end, rng-seed, kaslr-seed");
	free(out);

	/* bootargs left as they were (NULL), and the tree has none. */
	u = (struct chosen_update){ 0 };
	free(blob);
	blob = load("arm32.dtb", &size);
	CHECK_EQ("print chosen arm32: update", dtb_update_chosen(blob, &u, &out, &out_size, &err), 0);
	chosen_text(out, text, sizeof(text));
	CHECK_CONTAINS("print chosen: no bootargs, said so", text,
		       "command line: none (/chosen has no bootargs)\n/chosen:\n");
	free(out);
	free(blob);
}

int main(int argc, char **argv)
{
	dir = fixtures_dir(argc, argv);
	test_check();
	test_check_header();
	test_check_long_name();
	test_update_qemu();
	test_update_uefi();
	test_update_arm32();
	test_update_limits();
	test_update_crash();
	test_update_repeated();
	test_update_v16();
	test_print_chosen();
	test_memory();
	test_memory_cells();
	test_memory_many();
	test_uart();
	test_uart_alias();
	test_uart_deep();
	return check_status();
}
