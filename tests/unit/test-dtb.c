/* Device tree checks, /chosen updates, memory and console discovery on
 * the trees under fixtures/dtb (built from the .dts by build.sh). */
#include "check.h"
#include "check_ranges.h"

#include <errno.h>

#include <libfdt.h>

#include "dtb.h"

static const char *dir;

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
	free(bad);
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

int main(int argc, char **argv)
{
	dir = fixtures_dir(argc, argv);
	test_check();
	test_update_qemu();
	test_update_uefi();
	test_update_arm32();
	test_update_limits();
	test_memory();
	test_uart();
	return check_status();
}
