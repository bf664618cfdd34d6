/* The 32-bit ARM plan end to end, checked against a model of what the
 * zImage decompressor does with it (arch/arm/boot/compressed/head.S):
 * where it computes the RAM base, where it writes the kernel, whether it
 * moves itself, and what it touches while it runs.  Nothing of the
 * initrd, DTB or ATAGs may be in any of that. */
#include <errno.h>
#include <libfdt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "arm_zimage_fixture.h"
#include "atags.h"
#include "byteorder.h"
#include "check.h"
#include "check_plan.h"
#include "iomem.h"
#include "loader.h"
#include "params.h"
#include "purgatory_image.h"
#include "system.h"

#define KiB (1ull << 10)
#define MiB (1ull << 20)
#define GiB (1ull << 30)
#define FOUR_GIB (4ull << 30)

static const char *fixtures;

static void sys_init(struct system_desc *sys)
{
	memset(sys, 0, sizeof(*sys));
	mem_ranges_init(&sys->usable);
	mem_ranges_init(&sys->crash);
	sys->memory_source = "test RAM";
	sys->page_size = 4096;
	memset(sys->rng_seed, 0xa5, sizeof(sys->rng_seed));
}

static void sys_from_iomem(const char *name, struct system_desc *sys)
{
	struct system_memory mem;
	struct error err;
	size_t size;
	char *text = read_fixture(fixtures, name, &size);

	sys_init(sys);
	system_memory_init(&mem);
	if (iomem_parse(text, size, &mem, &err) || system_memory_usable(&mem, &sys->usable)) {
		printf("Bail out! %s: %s\n", name, err.msg);
		exit(1);
	}
	system_memory_free(&mem);
	free(text);
	sys->memory_source = name;
}

/* A DTB with 2-cell /memory banks and a /chosen. */
static void *make_dtb(const uint64_t *banks, size_t nbanks)
{
	size_t cap = 16 * KiB, i;
	void *fdt = malloc(cap);
	int root, mem, ret = fdt_create_empty_tree(fdt, (int)cap);
	char name[64];
	uint8_t reg[16];

	root = 0;
	ret |= fdt_setprop_u32(fdt, root, "#address-cells", 2);
	ret |= fdt_setprop_u32(fdt, root, "#size-cells", 2);
	ret |= fdt_add_subnode(fdt, root, "chosen") < 0;
	for (i = 0; i < nbanks; i++) {
		snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)banks[2 * i]);
		mem = fdt_add_subnode(fdt, root, name);
		put_le64(reg, 0);
		reg[0] = (uint8_t)(banks[2 * i] >> 56);
		reg[1] = (uint8_t)(banks[2 * i] >> 48);
		reg[2] = (uint8_t)(banks[2 * i] >> 40);
		reg[3] = (uint8_t)(banks[2 * i] >> 32);
		reg[4] = (uint8_t)(banks[2 * i] >> 24);
		reg[5] = (uint8_t)(banks[2 * i] >> 16);
		reg[6] = (uint8_t)(banks[2 * i] >> 8);
		reg[7] = (uint8_t)banks[2 * i];
		reg[8] = (uint8_t)(banks[2 * i + 1] >> 56);
		reg[9] = (uint8_t)(banks[2 * i + 1] >> 48);
		reg[10] = (uint8_t)(banks[2 * i + 1] >> 40);
		reg[11] = (uint8_t)(banks[2 * i + 1] >> 32);
		reg[12] = (uint8_t)(banks[2 * i + 1] >> 24);
		reg[13] = (uint8_t)(banks[2 * i + 1] >> 16);
		reg[14] = (uint8_t)(banks[2 * i + 1] >> 8);
		reg[15] = (uint8_t)banks[2 * i + 1];
		ret |= mem < 0;
		ret |= fdt_setprop_string(fdt, mem, "device_type", "memory");
		ret |= fdt_setprop(fdt, mem, "reg", reg, 16);
	}
	ret |= fdt_pack(fdt);
	if (ret) {
		printf("Bail out! cannot build a test DTB\n");
		exit(1);
	}
	return fdt;
}

/* One planning run and all it is made of: the system it plans for, the
 * request, and the buffers the request points into, freed by run_free. */
struct run {
	struct system_desc sys;
	uint8_t *kernel, *initrd;
	void *dtb;
	struct load_request req;
	struct plan plan;
	struct error err;
	int ret;
};

static void run_plan(struct run *r)
{
	struct load_options opts = { .verify = true, .corrupt_digest = -1 };
	struct uart_info uart = { .kind = UART_PL011, .addr = 0x9000000 };

	opts.uart = &uart;
	memset(&r->err, 0, sizeof(r->err));
	r->ret = loader_plan(&arm_backend, &r->req, &r->sys, &opts, &r->plan, &r->err);
	if (r->ret)
		printf("# plan failed: %s\n", r->err.msg);
}

static bool overlaps(uint64_t a, uint64_t a_end, uint64_t b, uint64_t b_end)
{
	return a < b_end && b < a_end;
}

static uint64_t round_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static bool in_ram(const uint64_t *banks, size_t nbanks, uint64_t addr)
{
	size_t i;

	for (i = 0; i < nbanks; i++)
		if (addr >= banks[2 * i] && addr < banks[2 * i] + banks[2 * i + 1])
			return true;
	return false;
}

/* What head.S does with the planned zImage, and whether the boot data
 * survives it. */
static void check_against_decompressor(const char *name, const struct run *r,
				       const struct fake_zimage *o, uint32_t text_offset,
				       const uint64_t *banks, size_t nbanks)
{
	const struct plan_segment *kernel = find_segment(&r->plan, "kernel");
	const struct plan_segment *purg = find_segment(&r->plan, "purgatory");
	uint64_t zaddr, base, r4, image_end, kernel_end, footprint_end, lowest = UINT64_MAX;
	char what[160];
	size_t i;

	if (!kernel || !purg) {
		CHECK(name, 0);
		return;
	}
	for (i = 0; i < nbanks; i++)
		if (banks[2 * i] < lowest)
			lowest = banks[2 * i];
	zaddr = kernel->mem;
	/* The 128 MiB mask, then fdt_check_mem_start's correction. */
	base = zaddr & 0xf8000000ull;
	if (!in_ram(banks, nbanks, base))
		base = round_up(lowest, 2 * MiB);
	r4 = base + text_offset;
	image_end = r4 + o->inflated;
	kernel_end = image_end + o->bss;
	footprint_end = zaddr + o->length + o->bss + 0x1000 + o->malloc_size;

#define SAY(fmt) (snprintf(what, sizeof(what), "%s: " fmt, name), what)
	CHECK(SAY("the kernel gets all RAM from its lowest bank"), base == round_up(lowest, 2 * MiB));
	CHECK(SAY("zImage address is even: entered in ARM state"), (r->plan.kernel_entry & 1) == 0 &&
	      r->plan.kernel_entry == zaddr);
	CHECK(SAY("no self-relocation: the zImage starts past the decompressed kernel"), zaddr >= image_end);
	CHECK(SAY("zImage memsz covers file + BSS + stack + heap"), kernel->mem + kernel->memsz >= footprint_end);
	CHECK(SAY("zImage in the RAM base's 128 MiB block"),
	      ((kernel->mem + kernel->memsz - 1) & 0xf8000000ull) == (base & 0xf8000000ull));
	CHECK(SAY("decompressed kernel and page tables in usable RAM"),
	      mem_ranges_contains(&r->sys.usable, r4 - 0x5000, kernel_end));
	for (i = 0; i < r->plan.nr_segments; i++) {
		const struct plan_segment *s = &r->plan.segments[i];
		uint64_t end = s->mem + s->memsz;

		CHECK(SAY("segment below 4 GiB"), end <= FOUR_GIB);
		CHECK(SAY("segment in usable RAM"), mem_ranges_contains(&r->sys.usable, s->mem, end));
		if (s == kernel || s == purg)
			continue;
		CHECK(SAY("boot data clear of the decompressed kernel and its page tables"),
		      !overlaps(s->mem, end, r4 - 0x5000, kernel_end));
		CHECK(SAY("boot data clear of the running decompressor"),
		      !overlaps(s->mem, end, zaddr, footprint_end));
		CHECK(SAY("boot data in the early-mapped low memory"), end <= base + 768 * MiB);
		if (strcmp(s->name, "dtb") == 0) {
			CHECK(SAY("DTB inside the two 1 MiB sections head.S maps"),
			      s->mem + s->bufsz <= (s->mem & ~(MiB - 1)) + 2 * MiB);
			CHECK(SAY("DTB is packed"), fdt_totalsize(s->buf) == s->bufsz);
		}
	}
#undef SAY
}

static uint8_t *initrd_data(size_t size)
{
	uint8_t *d = malloc(size);

	memset(d, 0x5a, size);
	return d;
}

/* RAM that is the banks (address, size pairs), all of it usable, and a DTB
 * that describes them as the request's; the kernel is the caller's. */
static void run_on_banks(struct run *r, const uint64_t *banks, size_t nbanks)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	sys_init(&r->sys);
	for (i = 0; i < nbanks; i++)
		mem_ranges_add(&r->sys.usable, banks[2 * i], banks[2 * i] + banks[2 * i + 1]);
	r->dtb = make_dtb(banks, nbanks);
	r->req.dtb = (struct input_file){ "dtb", r->dtb, fdt_totalsize(r->dtb) };
}

/* The request's kernel: the zImage o describes, named path; and an initrd
 * of initrd_size bytes, or none if 0. */
static void run_zimage(struct run *r, const char *path, const struct fake_zimage *o,
		       size_t initrd_size)
{
	r->kernel = fake_zimage_make(o);
	r->req.kernel = (struct kernel_file){ .path = path, .data = r->kernel, .size = o->length };
	if (initrd_size) {
		r->initrd = initrd_data(initrd_size);
		r->req.initrd = (struct input_file){ "initrd", r->initrd, initrd_size };
	}
}

/* QEMU virt as the fixtures recorded it: the zImage o with a 7 MiB initrd,
 * the DTB the running kernel reported, and the memory describe() makes of
 * the /proc/iomem fixture iomem. */
static void run_on_qemu_virt(struct run *r, const struct fake_zimage *o,
			     void (*describe)(const char *, struct system_desc *), const char *iomem)
{
	size_t dtb_size;

	memset(r, 0, sizeof(*r));
	describe(iomem, &r->sys);
	r->dtb = read_fixture(fixtures, "qemu-virt-arm/guest-fdt-lpae-hyp.dtb", &dtb_size);
	r->req.dtb = (struct input_file){ "fdt", r->dtb, dtb_size };
	run_zimage(r, "vmlinuz", o, 7 * MiB);
}

static void run_free(struct run *r)
{
	plan_free(&r->plan);
	system_desc_free(&r->sys);
	free(r->dtb);
	free(r->initrd);
	free(r->kernel);
}

/* Every RAM base, RAM size and TEXT_OFFSET: the invariants hold. */
static void test_matrix(void)
{
	static const uint64_t bases[] = { 0x40000000, 0x80000000, 0x60000000 };
	static const uint64_t sizes[] = { 256 * MiB, 512 * MiB, 1 * GiB, 2 * GiB };
	static const uint32_t offsets[] = { 0x8000, 0x108000, 0x208000 };
	size_t b, s, t;

	for (b = 0; b < 3; b++)
		for (s = 0; s < 4; s++)
			for (t = 0; t < 3; t++) {
				struct fake_zimage o = {
					.length = 0x180000, .inflated = 0x700000, .bss = 0x80000,
					.tag_words = t == 2 ? 6 : 4, .tag_text_offset = offsets[t],
					.malloc_size = 0x10000, .code = t == 1 ? CODE_THUMB : CODE_ARM,
					.code_text_offset = offsets[t],
				};
				uint64_t banks[2] = { bases[b], sizes[s] };
				struct run r;
				char name[96];

				if (bases[b] + sizes[s] > FOUR_GIB)
					continue;
				snprintf(name, sizeof(name), "RAM 0x%llx + %llu MiB, TEXT_OFFSET 0x%x",
					 (unsigned long long)bases[b],
					 (unsigned long long)(sizes[s] >> 20), offsets[t]);
				run_on_banks(&r, banks, 1);
				run_zimage(&r, "zImage", &o, 6 * MiB);
				r.req.dtb.path = "board.dtb";
				r.req.cmdline = "console=ttyAMA0";
				run_plan(&r);
				CHECK(name, r.ret == 0);
				if (r.ret == 0) {
					check_against_decompressor(name, &r, &o, offsets[t], banks, 1);
					CHECK_EQ("r0 = 0", r.plan.kernel_regs[0], 0);
					CHECK_EQ("r1 = ~0: a DTB", r.plan.kernel_regs[1], 0xffffffff);
					CHECK_EQ("r2 = the DTB", r.plan.kernel_regs[2], find_segment(&r.plan, "dtb")->mem);
				}
				run_free(&r);
			}
}

/* QEMU virt, -m 1024, with the numbers of Debian's armmp-lpae zImage and
 * the memory map and DTB its running kernel reported. */
/* What --dry-run and -d show of the next /chosen: the command line exactly
 * and the initrd, which the running kernel's tree also had. */
static void check_printed_chosen(struct run *r)
{
	char text[8192] = "";
	FILE *f = fmemopen(text, sizeof(text) - 1, "w");

	if (f) {
		loader_print_plan(f, &arm_backend, &r->sys, &r->plan, NULL);
		fclose(f);
	}
	CHECK_CONTAINS("arm: the printed plan has the exact command line", text,
		       "\ncommand line: \"console=ttyAMA0\" (16 bytes with its NUL; /chosen/bootargs)\n/chosen:\n");
	CHECK_CONTAINS("arm: the printed plan has the new initrd", text, "  linux,initrd-start: 0x41d65000\n");
}

static void test_qemu_debian(void)
{
	static const uint64_t banks[] = { 0x40000000, 0x40000000 };
	struct fake_zimage o = fake_debian_lpae();
	struct run r;
	const struct plan_segment *seg;

	run_on_qemu_virt(&r, &o, sys_from_iomem, "qemu-virt-arm/iomem-lpae-hyp.txt");
	r.req.cmdline = "console=ttyAMA0";
	run_plan(&r);
	CHECK_EQ("QEMU virt + Debian lpae: plan succeeds", r.ret, 0);
	if (r.ret == 0) {
		check_against_decompressor("QEMU virt + Debian lpae", &r, &o, 0x208000, banks, 1);
		/* 0x40000000 + 0x208000 + 0x15a50c8 = 0x417ad0c8, page up. */
		seg = find_segment(&r.plan, "kernel");
		CHECK_EQ("Debian lpae: zImage right past the decompressed kernel", seg->mem, 0x417ae000);
		CHECK_EQ("Debian lpae: zImage memsz = file + BSS + 0x11000, paged",
			 seg->memsz, round_up(0x545200 + 0x601c0 + 0x11000, 4096));
		seg = find_segment(&r.plan, "initrd");
		CHECK_EQ("Debian lpae: initrd right after the running zImage", seg->mem, 0x41d65000);
		seg = find_segment(&r.plan, "purgatory");
		CHECK_EQ("Debian lpae: purgatory at the RAM base (done before anything lands there)",
			 seg->mem, 0x40000000);
		check_printed_chosen(&r);
	}
	run_free(&r);
}

/* LPAE machines: RAM past 4 GiB is for the running kernel only. */
static void test_lpae_high_ram(void)
{
	struct fake_zimage o = fake_debian_lpae();
	struct run r;

	{
		/* QEMU virt with highmem and 6 GiB: one bank across 4 GiB. */
		static const uint64_t banks[] = { 0x40000000, 6 * GiB };

		run_on_banks(&r, banks, 1);
		run_zimage(&r, "zImage", &o, 64 * MiB);
		run_plan(&r);
		CHECK_EQ("RAM across 4 GiB: plan succeeds", r.ret, 0);
		if (r.ret == 0)
			check_against_decompressor("RAM across 4 GiB", &r, &o, 0x208000, banks, 1);
		run_free(&r);
	}
	{
		/* Keystone-like: a low bank and 4 GiB at 0x8_0000_0000. */
		static const uint64_t banks[] = { 0x80000000, 512 * MiB, 0x800000000ull, 4 * GiB };

		run_on_banks(&r, banks, 2);
		run_zimage(&r, "zImage", &o, 64 * MiB);
		run_plan(&r);
		CHECK_EQ("low bank + high bank: plan succeeds", r.ret, 0);
		if (r.ret == 0)
			check_against_decompressor("low bank + high bank", &r, &o, 0x208000, banks, 2);
		run_free(&r);
	}
	{
		static const uint64_t banks[] = { 0x800000000ull, 2 * GiB };

		run_on_banks(&r, banks, 1);
		run_zimage(&r, "zImage", &o, 0);
		run_plan(&r);
		CHECK_EQ("RAM only above 4 GiB: refused", r.ret, -ENOSPC);
		CHECK_CONTAINS("RAM only above 4 GiB: message", r.err.msg, "no RAM below 4 GiB");
		run_free(&r);
	}
}

/* RAM whose start is not 128 MiB aligned: the decompressor's mask misses
 * it, and its DTB check falls back to the lowest bank rounded to 2 MiB. */
static void test_unaligned_ram(void)
{
	static const uint64_t banks[] = { 0x10200000, 512 * MiB };
	struct fake_zimage o = fake_debian_lpae();
	struct run r;

	run_on_banks(&r, banks, 1);
	run_zimage(&r, "zImage", &o, 0);
	run_plan(&r);
	CHECK_EQ("RAM at 0x10200000: plan succeeds", r.ret, 0);
	if (r.ret == 0) {
		check_against_decompressor("RAM at 0x10200000", &r, &o, 0x208000, banks, 1);
		CHECK_CONTAINS("RAM at 0x10200000: the plan says so", r.plan.notes, "not 128 MiB aligned");
	}
	run_free(&r);
}

static void test_unknown_text_offset(void)
{
	static const uint64_t banks[] = { 0x40000000, 256 * MiB };
	struct fake_zimage o = fake_debian_lpae();
	struct run r;

	o.tag_words = 4;
	o.code = CODE_NONE;
	run_on_banks(&r, banks, 1);
	run_zimage(&r, "zImage", &o, 0);
	run_plan(&r);
	CHECK_EQ("TEXT_OFFSET unknown: plan succeeds", r.ret, 0);
	if (r.ret == 0) {
		/* Safe whatever the real offset is, from 0x8000 to the bound. */
		check_against_decompressor("TEXT_OFFSET really 0x8000", &r, &o, 0x8000, banks, 1);
		check_against_decompressor("TEXT_OFFSET really 0x308000", &r, &o, 0x308000, banks, 1);
		CHECK_CONTAINS("TEXT_OFFSET unknown: the plan says so", r.plan.notes, "assumed");
	}
	run_free(&r);
}

static void test_does_not_fit(void)
{
	static const uint64_t banks[] = { 0x40000000, 28 * MiB };
	struct fake_zimage o = fake_debian_lpae();
	struct run r;

	run_on_banks(&r, banks, 1);
	run_zimage(&r, "zImage", &o, 0);
	run_plan(&r);
	CHECK_EQ("28 MiB of RAM: refused", r.ret, -ENOSPC);
	CHECK_CONTAINS("28 MiB of RAM: no room for the running zImage", r.err.msg,
		       "zImage: no room for the zImage");
	plan_free(&r.plan);

	/* A reserved hole where the kernel would be decompressed. */
	mem_ranges_free(&r.sys.usable);
	mem_ranges_add(&r.sys.usable, 0x40000000, 0x41000000);
	mem_ranges_add(&r.sys.usable, 0x41100000, 0x80000000);
	run_plan(&r);
	CHECK_EQ("hole under the kernel: refused", r.ret, -ENOSPC);
	CHECK_CONTAINS("hole under the kernel: message", r.err.msg, "decompresses to");
	run_free(&r);
}

/* A DTB over 1 MiB fits the two 1 MiB sections only from a boundary. */
static void test_big_dtb(void)
{
	static const uint64_t banks[] = { 0x40000000, 512 * MiB };
	struct fake_zimage o = fake_debian_lpae();
	struct run r;
	void *dtb = malloc(2 * MiB);
	void *blob = calloc(1, 1536 * KiB);

	run_on_banks(&r, banks, 1);
	run_zimage(&r, "zImage", &o, 3 * MiB + 4096);
	fdt_open_into(r.dtb, dtb, 2 * MiB);
	fdt_setprop(dtb, fdt_path_offset(dtb, "/chosen"), "blob", blob, 1536 * KiB);
	fdt_pack(dtb);
	r.req.dtb = (struct input_file){ "dtb", dtb, fdt_totalsize(dtb) };
	run_plan(&r);
	CHECK_EQ("1.5 MiB DTB: plan succeeds", r.ret, 0);
	if (r.ret == 0) {
		check_against_decompressor("1.5 MiB DTB", &r, &o, 0x208000, banks, 1);
		CHECK_EQ("1.5 MiB DTB: on a 1 MiB boundary", find_segment(&r.plan, "dtb")->mem % MiB, 0);
	}
	run_free(&r);
	free(blob);
	free(dtb);
}

/* A board booted with ATAGs: the list goes low, r1 is the machine type. */
static void test_atags(void)
{
	static const uint64_t banks[] = { 0x80000000, 256 * MiB };
	struct fake_zimage o = fake_debian_lpae();
	uint8_t list[64];
	struct purgatory_layout layout;
	struct run r;
	const struct plan_segment *atags, *purg, *ird;
	size_t n = 0;

	o.tag_words = 4;
	o.code_text_offset = 0x8000;
	memset(list, 0, sizeof(list));
	put_le32(list, 2);
	put_le32(list + 4, ATAG_CORE);
	put_le32(list + 8, 4);
	put_le32(list + 12, ATAG_MEM);
	put_le32(list + 16, 256 * MiB);
	put_le32(list + 20, 0x80000000);
	n = 32; /* then ATAG_NONE */

	run_on_banks(&r, banks, 1);
	run_zimage(&r, "zImage", &o, 2 * MiB);
	r.req.dtb = (struct input_file){ 0 }; /* the ATAGs instead */
	r.req.atags = (struct input_file){ "/proc/atags", list, n };
	r.req.cmdline = "console=ttyS0";
	run_plan(&r);
	CHECK_EQ("ATAGs: plan succeeds", r.ret, 0);
	atags = find_segment(&r.plan, "atags");
	purg = find_segment(&r.plan, "purgatory");
	ird = find_segment(&r.plan, "initrd");
	CHECK("ATAGs: no DTB segment, an atags one", atags && !find_segment(&r.plan, "dtb"));
	if (r.ret == 0 && atags && purg && ird) {
		const uint8_t *p;
		long off;

		check_against_decompressor("ATAGs", &r, &o, 0x8000, banks, 1);
		CHECK_EQ("ATAGs: in the first 16 KiB of RAM", atags->mem, 0x80000000);
		CHECK_EQ("ATAGs: r2 is the list", r.plan.kernel_regs[2], atags->mem);
		CHECK("ATAGs: the list carries the new initrd",
		      get_le32((const uint8_t *)atags->buf + atags->bufsz - 8 - 16 + 4) == ATAG_INITRD2 &&
		      get_le32((const uint8_t *)atags->buf + atags->bufsz - 8 - 16 + 8) == ird->mem);
		CHECK("ATAGs: r1 comes from the running kernel", r.plan.kernel_regs[1] == 0 &&
		      (r.plan.purgatory_flags & PURGATORY_KEEP_R1));
		CHECK_EQ("ATAGs: purgatory header parses",
			 purgatory_image_inspect(purg->buf, purg->bufsz, &layout, NULL), 0);
		p = (const uint8_t *)purg->buf + layout.params_offset;
		off = (long)offsetof(struct purgatory_params, flags);
		CHECK("ATAGs: the purgatory is told to keep r1", get_le32(p + off) & PURGATORY_KEEP_R1);
	}
	plan_free(&r.plan);

	r.req.has_machine_type = true;
	r.req.machine_type = 3138;
	run_plan(&r);
	CHECK_EQ("--machine-type: plan succeeds", r.ret, 0);
	CHECK("--machine-type: r1 is it, nothing kept", r.plan.kernel_regs[1] == 3138 &&
	      !(r.plan.purgatory_flags & PURGATORY_KEEP_R1));
	plan_free(&r.plan);

	list[4] = 0;
	run_plan(&r);
	CHECK_EQ("ATAGs without ATAG_CORE: refused", r.ret, -EINVAL);
	CHECK_CONTAINS("ATAGs without ATAG_CORE: message names the file", r.err.msg, "/proc/atags");
	run_free(&r);
}

/* A kernel Image out of a uImage: it runs where the header says. */
static void test_raw_image(void)
{
	static const uint64_t banks[] = { 0x40000000, 256 * MiB };
	struct run r;
	const struct plan_segment *k, *d;

	run_on_banks(&r, banks, 1);
	r.kernel = initrd_data(4 * MiB);
	r.req.kernel = (struct kernel_file){ .path = "uImage", .data = r.kernel, .size = 4 * MiB,
					     .has_load_addr = true, .load_addr = 0x40008000,
					     .entry_addr = 0x40008000 };
	run_plan(&r);
	CHECK_EQ("raw Image: plan succeeds", r.ret, 0);
	k = find_segment(&r.plan, "kernel");
	d = find_segment(&r.plan, "dtb");
	if (r.ret == 0 && k && d) {
		CHECK_EQ("raw Image: at its load address", k->mem, 0x40008000);
		CHECK_EQ("raw Image: entered at its entry", r.plan.kernel_entry, 0x40008000);
		CHECK("raw Image: room for a BSS", k->memsz > 4 * MiB);
		CHECK("raw Image: DTB above it", d->mem >= k->mem + k->memsz);
	}
	plan_free(&r.plan);

	r.req.kernel.entry_addr = 0x40008001;
	run_plan(&r);
	CHECK_EQ("raw Image, Thumb entry: refused", r.ret, -EINVAL);
	plan_free(&r.plan);
	r.req.kernel.entry_addr = 0x40008000;
	r.req.kernel.load_addr = 0x40008040;
	run_plan(&r);
	CHECK_EQ("raw Image, unaligned load address: refused", r.ret, -EINVAL);
	plan_free(&r.plan);
	r.req.kernel.load_addr = 0x20008000;
	r.req.kernel.entry_addr = 0x20008000;
	run_plan(&r);
	CHECK_EQ("raw Image outside RAM: refused", r.ret, -ENOSPC);
	plan_free(&r.plan);

	r.req.kernel.has_load_addr = false;
	run_plan(&r);
	CHECK_EQ("neither zImage nor uImage: refused", r.ret, -EINVAL);
	CHECK_CONTAINS("neither: message", r.err.msg, "uImage: not a zImage");
	run_free(&r);
}

/* A crash load as the system layer describes it: the crash region from
 * the fixture's /proc/iomem is all that is usable. */
static void sys_crash_from_iomem(const char *name, struct system_desc *sys)
{
	struct system_memory mem;
	struct error err;
	size_t size;
	char *text = read_fixture(fixtures, name, &size);

	sys_init(sys);
	system_memory_init(&mem);
	if (iomem_parse(text, size, &mem, &err) || mem_ranges_copy(&sys->crash, &mem.crash) ||
	    mem_ranges_copy(&sys->usable, &mem.crash)) {
		printf("Bail out! %s: %s\n", name, err.msg);
		exit(1);
	}
	system_memory_free(&mem);
	free(text);
	sys->memory_source = name;
}

/* The <address size> pairs of a /chosen property with 2 + 2 cells. */
static size_t chosen_pairs(const void *fdt, const char *prop, uint64_t *pairs, size_t max)
{
	int chosen = fdt_path_offset(fdt, "/chosen"), len = 0;
	const uint8_t *p = chosen >= 0 ? fdt_getprop(fdt, chosen, prop, &len) : NULL;
	size_t i, n = p && len > 0 ? (size_t)len / 16 : 0;

	for (i = 0; i < n && i < max; i++) {
		pairs[2 * i] = (uint64_t)get_be32(p + 16 * i) << 32 | get_be32(p + 16 * i + 4);
		pairs[2 * i + 1] = (uint64_t)get_be32(p + 16 * i + 8) << 32 | get_be32(p + 16 * i + 12);
	}
	return n;
}

static const char *chosen_bootargs(const void *fdt)
{
	int chosen = fdt_path_offset(fdt, "/chosen");

	return chosen >= 0 ? fdt_getprop(fdt, chosen, "bootargs", NULL) : NULL;
}

/* kexec -p on QEMU virt with Debian's armmp-lpae kernel and crashkernel=128M
 * (tests/fixtures/crash/qemu-armhf): everything in the crash region, the
 * decompressor's base its start, the ELF core header in a 2 MiB block the
 * crash kernel is not given, and the crash kernel told so in /chosen and on
 * its command line. */
static void test_crash(void)
{
	static const uint64_t crash_bank[] = { 0x60000000, 128 * MiB };
	static const uint8_t header[] = "an ELF core header stand-in";
	struct fake_zimage o = fake_debian_lpae();
	void *with_crashkernel = NULL;
	size_t with_size, i;
	struct chosen_update args = { .bootargs = "console=ttyAMA0 crashkernel=128M panic=-1" };
	const struct plan_segment *seg, *hdr, *d;
	struct input_file fixture_dtb;
	uint64_t pairs[8];
	struct error err;
	struct run r;

	run_on_qemu_virt(&r, &o, sys_crash_from_iomem, "crash/qemu-armhf/iomem.txt");
	fixture_dtb = r.req.dtb;
	r.req.cmdline = "console=ttyAMA0 cma=0";
	r.req.crash = true;
	r.req.elfcorehdr = header;
	r.req.elfcorehdr_size = sizeof(header);
	run_plan(&r);
	CHECK_EQ("crash: plan succeeds", r.ret, 0);
	hdr = find_segment(&r.plan, "elfcorehdr");
	d = find_segment(&r.plan, "dtb");
	if (r.ret == 0 && hdr && d) {
		check_against_decompressor("crash", &r, &o, 0x208000, crash_bank, 1);
		for (i = 0; i < r.plan.nr_segments; i++) {
			seg = &r.plan.segments[i];
			CHECK("crash: every segment in the crash region",
			      seg->mem >= 0x60000000 && seg->mem + seg->memsz <= 0x68000000);
			if (seg != hdr && strcmp(seg->name, "purgatory") != 0)
				CHECK("crash: the crash kernel's data below the header's block",
				      seg->mem + seg->memsz <= 0x67e00000);
		}
		seg = find_segment(&r.plan, "kernel");
		CHECK_EQ("crash: zImage right past the kernel decompressed at the region's base",
			 seg->mem, 0x617ae000);
		CHECK_EQ("crash: header at the top 2 MiB block", hdr->mem, 0x67e00000);
		CHECK("crash: header bytes as built", hdr->bufsz == sizeof(header) &&
		      memcmp(hdr->buf, header, sizeof(header)) == 0);
		CHECK("crash: linux,elfcorehdr is the header",
		      chosen_pairs(d->buf, "linux,elfcorehdr", pairs, 4) == 1 &&
		      pairs[0] == 0x67e00000 && pairs[1] == sizeof(header));
		CHECK("crash: linux,usable-memory-range is the region without the header's block",
		      chosen_pairs(d->buf, "linux,usable-memory-range", pairs, 4) == 1 &&
		      pairs[0] == 0x60000000 && pairs[1] == 0x7e00000);
		CHECK_STR("crash: command line carries elfcorehdr= and mem=", chosen_bootargs(d->buf),
			  "console=ttyAMA0 cma=0 elfcorehdr=0x67e00000 mem=0x7e00000@0x60000000");
		CHECK_EQ("crash: r2 is the DTB", r.plan.kernel_regs[2], d->mem);
	}
	plan_free(&r.plan);

	/* No command line asked for: the DTB's, without crashkernel=. */
	if (dtb_update_chosen(r.dtb, &args, &with_crashkernel, &with_size, &err) == 0) {
		r.req.dtb = (struct input_file){ "fdt", with_crashkernel, with_size };
		r.req.cmdline = NULL;
		run_plan(&r);
		d = find_segment(&r.plan, "dtb");
		CHECK("crash, DTB's bootargs: plan succeeds", r.ret == 0 && d);
		if (d)
			CHECK_STR("crash, DTB's bootargs: kept without crashkernel=", chosen_bootargs(d->buf),
				  "console=ttyAMA0 panic=-1 elfcorehdr=0x67e00000 mem=0x7e00000@0x60000000");
		plan_free(&r.plan);
		r.req.dtb = fixture_dtb;
		r.req.cmdline = "console=ttyAMA0";
	} else {
		CHECK("crash: test DTB with crashkernel= built", 0);
	}
	free(with_crashkernel);

	/* A region not 128 MiB aligned: planned for the decompressor that
	 * reads linux,usable-memory-range, and said so. */
	mem_ranges_free(&r.sys.usable);
	mem_ranges_free(&r.sys.crash);
	mem_ranges_add(&r.sys.usable, 0x62000000, 0x6a000000);
	mem_ranges_add(&r.sys.crash, 0x62000000, 0x6a000000);
	run_plan(&r);
	CHECK_EQ("crash, region at 0x62000000: plan succeeds", r.ret, 0);
	seg = find_segment(&r.plan, "kernel");
	CHECK("crash, region at 0x62000000: zImage past the kernel at its base",
	      seg && seg->mem >= 0x62000000 + 0x208000 + o.inflated);
	CHECK_CONTAINS("crash, region at 0x62000000: noted", r.plan.notes, "not 128 MiB aligned");
	plan_free(&r.plan);

	/* Too small for the kernel decompressed at its base. */
	mem_ranges_free(&r.sys.usable);
	mem_ranges_free(&r.sys.crash);
	mem_ranges_add(&r.sys.usable, 0x60000000, 0x61000000);
	mem_ranges_add(&r.sys.crash, 0x60000000, 0x61000000);
	run_plan(&r);
	CHECK_EQ("crash, 16 MiB region: refused", r.ret, -ENOSPC);
	CHECK_CONTAINS("crash, 16 MiB region: says what to do", r.err.msg, "larger crashkernel=");
	plan_free(&r.plan);

	r.req.dtb = (struct input_file){ 0 };
	r.req.atags = (struct input_file){ "/proc/atags", r.initrd, 64 };
	run_plan(&r);
	CHECK_EQ("crash with ATAGs: refused", r.ret, -ENOTSUP);
	CHECK_CONTAINS("crash with ATAGs: message", r.err.msg, "--atags");
	run_free(&r);
}

int main(int argc, char **argv)
{
	fixtures = fixtures_dir(argc, argv);
	test_matrix();
	test_qemu_debian();
	test_lpae_high_ram();
	test_unaligned_ram();
	test_unknown_text_offset();
	test_does_not_fit();
	test_big_dtb();
	test_atags();
	test_raw_image();
	test_crash();
	return check_status();
}
