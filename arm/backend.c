/* 32-bit ARM: where the zImage, the kernel it decompresses, the initrd and
 * the DTB or ATAGs go, and what r0-r2 hold.
 *
 * The layout follows from how the decompressor (arch/arm/boot/compressed/
 * head.S) works, not from one kernel's numbers:
 * - It takes the RAM base from its own address masked to 128 MiB (checked
 *   against the DTB's memory nodes by newer kernels, which fall back to the
 *   lowest bank rounded up to 2 MiB), and writes the kernel at base +
 *   TEXT_OFFSET, with a 16 KiB page directory just below it.  The zImage
 *   therefore goes in the 128 MiB block of the RAM base.
 * - If its own image, BSS, stack and heap overlap that output, it first
 *   copies itself past the decompressed kernel.  Placing the zImage above
 *   the decompressed kernel from the start avoids the copy and makes its
 *   whole footprint exact: the file, then BSS, stack and heap.
 * - The next kernel then clears its own BSS past the decompressed bytes.
 * Initrd, DTB and ATAGs go above all of that, in the low memory the next
 * kernel maps early; the purgatory may go anywhere, since it has finished
 * before the decompressor runs. */
#include <errno.h>
#include <inttypes.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "atags.h"
#include "cmdline.h"
#include "dtb.h"
#include "params.h"
#include "zimage.h"

#define KEXEC_ARCH_ARM (40u << 16)
#define EM_ARM 40

#define SZ_1M (1ull << 20)
#define SZ_2M (2ull << 20)
#define SZ_128M (128ull << 20)
/* Everything runs with the MMU off and 32-bit addresses, LPAE or not. */
#define ADDRESSABLE_END (1ull << 32)
/* Below the kernel: the decompressor's 16 KiB page directory and the
 * kernel's own (0x4000, or 0x5000 with LPAE); keep boot data clear of
 * the larger. */
#define PGDIR_ROOM 0x5000u
/* head.S's .stack section, between the decompressor's BSS and its heap. */
#define DECOMPRESSOR_STACK 0x1000u
/* With an appended DTB and ATAG_DTB_COMPAT the decompressor grows the DTB
 * in place by up to 1 MiB before relocating it with itself. */
#define APPENDED_DTB_GROWTH (1u << 20)
/* The next kernel maps this much RAM early with the default 3G/1G split
 * (PAGE_OFFSET 0xc0000000, 240 MiB vmalloc): initrd and ATAGs are read
 * through that mapping. */
#define LOWMEM_SIZE (768ull << 20)
/* head.S maps the DTB or ATAGs with two sections from the section-aligned
 * address below them: 1 MiB sections without LPAE, 2 MiB with. */
#define BOOT_DATA_SECTION SZ_1M
#define BOOT_DATA_SECTIONS 2
/* A raw Image (from a uImage) says nothing of its BSS. */
#define RAW_IMAGE_BSS_ALLOWANCE (8ull << 20)
/* A crash load keeps the ELF core header in a block of its own at the top
 * of the crash region, which the crash kernel is not given: it reads the
 * header with ioremap (arch/arm/kernel/crash_dump.c), which refuses RAM the
 * kernel maps.  2 MiB keeps the memory it is given section aligned, with
 * LPAE too. */
#define CRASH_HEADER_BLOCK SZ_2M
#define DTB_ALIGN 8
#define ATAGS_ALIGN 4
#define R1_DTB 0xffffffffu

extern const uint8_t purgatory_arm_image[];
extern const uint8_t purgatory_arm_image_end[];

/* Where the next kernel's memory starts and what the boot data may use. */
struct arm_layout {
	uint64_t base;            /* RAM base the decompressor will compute */
	uint64_t low_data_end;    /* ATAGs may go in [base, this) (0: nowhere) */
	uint64_t data_min;        /* boot data goes at or above this */
	uint64_t lowmem_end;      /* and preferably below this */
	uint64_t kernel_entry;
	bool crash;               /* the memory is the crash region's */
};

static uint64_t round_up(uint64_t v, uint64_t align)
{
	return (v + align - 1) & ~(align - 1);
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* The lowest RAM below 4 GiB as the next kernel's decompressor sees it:
 * the DTB's memory nodes when there are any, else what the running system
 * reports. */
static int lowest_ram(const struct load_request *req, const struct system_desc *sys,
		      uint64_t *low, const char **from, struct error *err)
{
	struct mem_ranges ram, reserved;
	size_t i;
	int found = 0;

	mem_ranges_init(&ram);
	mem_ranges_init(&reserved);
	*from = sys->memory_source;
	/* A crash kernel's decompressor takes its base from
	 * linux,usable-memory-range, which holds the crash region. */
	if (!req->crash && req->dtb.data &&
	    dtb_memory(req->dtb.data, &ram, &reserved, NULL) == 0) {
		mem_ranges_normalize(&ram);
		for (i = 0; i < ram.n && !found; i++)
			if (ram.r[i].start < ADDRESSABLE_END) {
				*low = ram.r[i].start;
				*from = "the DTB's memory nodes";
				found = 1;
			}
	}
	mem_ranges_free(&ram);
	mem_ranges_free(&reserved);
	for (i = 0; i < sys->usable.n && !found; i++)
		if (sys->usable.r[i].start < ADDRESSABLE_END) {
			*low = sys->usable.r[i].start;
			found = 1;
		}
	if (!found)
		return error_set(err, -ENOSPC, "no RAM below 4 GiB in %s: a 32-bit ARM kernel cannot be started there",
				 sys->memory_source);
	return 0;
}

static int ram_base(const struct load_request *req, const struct system_desc *sys,
		    struct plan *plan, uint64_t *base, struct error *err)
{
	const char *from;
	uint64_t low = 0;
	int ret = lowest_ram(req, sys, &low, &from, err);

	if (ret)
		return ret;
	if (low % SZ_128M == 0) {
		*base = low;
		return 0;
	}
	/* The 128 MiB mask lands below RAM; a decompressor that checks its
	 * guess against the DTB then takes the lowest bank rounded up to
	 * 2 MiB.  An older one, or an ATAG boot, has no such fallback. */
	*base = round_up(low, SZ_2M);
	if (req->crash)
		plan_note(plan, "arm: the crash region starts at 0x%" PRIx64 ", not 128 MiB aligned (crashkernel=SIZE@OFFSET?): only a decompressor that reads linux,usable-memory-range (recent kernels) finds its base 0x%" PRIx64 "; an older one writes the kernel below the region",
			  low, *base);
	else
		plan_note(plan, "arm: RAM starts at 0x%" PRIx64 " (from %s), not 128 MiB aligned: the kernel must find its base 0x%" PRIx64 " in the DTB%s",
			  low, from, *base, req->atags.data ? " (an ATAG boot cannot: expect trouble)" : "");
	return 0;
}

static const char *text_offset_source(const struct arm_zimage *z)
{
	switch (z->text_offset_from) {
	case ZIMAGE_TEXT_OFFSET_TAG:
		return "from the KLSZ tag";
	case ZIMAGE_TEXT_OFFSET_CODE:
		return z->thumb_code ? "decoded from Thumb-2 code" : "decoded from ARM code";
	default:
		return "unknown: assumed at most";
	}
}

static int plan_zimage(const struct load_request *req, const struct system_desc *sys,
		       struct plan *plan, struct arm_layout *lay, struct error *err)
{
	const struct kernel_file *k = &req->kernel;
	struct arm_zimage z;
	uint64_t block_end, kernel, kernel_low, image_end, kernel_end, memsz, addr;
	int ret;

	ret = arm_zimage_parse(k->data, k->size, k->path, &z, err);
	if (ret)
		return ret;
	ret = ram_base(req, sys, plan, &lay->base, err);
	if (ret)
		return ret;
	block_end = (lay->base & ~(SZ_128M - 1)) + SZ_128M;
	if (block_end > ADDRESSABLE_END)
		block_end = ADDRESSABLE_END;

	kernel = lay->base + z.text_offset;
	/* With TEXT_OFFSET unknown the kernel may start as low as 0x8000 in. */
	kernel_low = (z.text_offset_from == ZIMAGE_TEXT_OFFSET_ASSUMED ? lay->base + 0x8000 : kernel) -
		     PGDIR_ROOM;
	image_end = kernel + z.inflated_size;
	kernel_end = round_up(image_end + z.kernel_bss, plan->page_size);
	if (req->crash && (kernel_end > ADDRESSABLE_END ||
			   !mem_ranges_contains(&sys->usable, kernel_low, kernel_end)))
		return error_set(err, -ENOSPC, "%s: the crash kernel decompresses to 0x%" PRIx64 "-0x%" PRIx64 " (crash region base 0x%" PRIx64 " + TEXT_OFFSET 0x%x + 0x%x bytes with BSS), which does not fit the crash region's memory for it in %s: boot with a larger crashkernel=",
				 k->path, kernel_low, kernel_end - 1, lay->base, z.text_offset,
				 z.inflated_size + z.kernel_bss, sys->memory_source);
	if (kernel_end > ADDRESSABLE_END ||
	    !mem_ranges_contains(&sys->usable, kernel_low, kernel_end))
		return error_set(err, -ENOSPC, "%s: the kernel decompresses to 0x%" PRIx64 "-0x%" PRIx64 " (RAM base 0x%" PRIx64 " + TEXT_OFFSET 0x%x), which is not all usable RAM in %s",
				 k->path, kernel_low, kernel_end - 1, lay->base, z.text_offset,
				 sys->memory_source);

	/* The file (with any appended DTB), then the decompressor's BSS,
	 * stack and heap.  Its BSS size is not recorded anywhere; the
	 * kernel's, which the tag gives, is far larger, so it stands in.
	 * The kernel zero-fills memsz past the file, so no stale word there
	 * can pass for an appended DTB. */
	memsz = (uint64_t)k->size + z.kernel_bss + DECOMPRESSOR_STACK + z.malloc_size +
		(z.appended_dtb ? APPENDED_DTB_GROWTH : 0);
	if (plan_find_space(plan, &sys->usable, memsz, plan->page_size, image_end,
			    block_end - 1, &addr))
		return error_set(err, -ENOSPC, "%s: no room for the zImage (0x%" PRIx64 " bytes running) between the decompressed kernel's end 0x%" PRIx64 " and 0x%" PRIx64 " in %s",
				 k->path, memsz, image_end, block_end, sys->memory_source);
	ret = plan_add_segment(plan, "kernel", k->path, k->data, k->size, addr, memsz, NULL, err);
	if (ret)
		return ret;

	lay->kernel_entry = addr;
	lay->data_min = max_u64(round_up(addr + memsz, plan->page_size), kernel_end);
	lay->low_data_end = kernel_low;
	plan_note(plan, "arm zImage: 0x%x bytes; kernel 0x%x + BSS 0x%x%s; TEXT_OFFSET 0x%x (%s)%s",
		  z.length, z.inflated_size, z.kernel_bss, z.has_size_tag ? "" : " (no KLSZ tag: estimated)",
		  z.text_offset, text_offset_source(&z),
		  z.appended_dtb ? "; has an appended DTB, which its decompressor prefers to r2" : "");
	plan_note(plan, "arm layout: RAM base 0x%" PRIx64 ", kernel 0x%" PRIx64 "-0x%" PRIx64 ", zImage runs in place at 0x%" PRIx64 " (no self-relocation), boot data from 0x%" PRIx64,
		  lay->base, kernel, kernel_end - 1, addr, lay->data_min);
	if (k->has_load_addr)
		plan_note(plan, "arm: the container's load address 0x%" PRIx64 " is ignored: a zImage runs anywhere",
			  k->load_addr);
	return 0;
}

/* A kernel Image a uImage carried: it runs only where the header says. */
static int plan_raw_image(const struct load_request *req, const struct system_desc *sys,
			  struct plan *plan, struct arm_layout *lay, struct error *err)
{
	const struct kernel_file *k = &req->kernel;
	uint64_t memsz = (uint64_t)k->size + RAW_IMAGE_BSS_ALLOWANCE;
	int ret;

	/* Both below 4 GiB: every sum below stays far from 2^64. */
	if (k->load_addr >= ADDRESSABLE_END || memsz > ADDRESSABLE_END)
		return error_set(err, -ENOSPC, "%s: load address 0x%" PRIx64 " (+ 0x%" PRIx64 " bytes with BSS) is past 4 GiB, where a 32-bit ARM kernel cannot start",
				 k->path, k->load_addr, memsz);
	if (k->load_addr % plan->page_size)
		return error_set(err, -EINVAL, "%s: load address 0x%" PRIx64 " is not page aligned; kexec can only place whole pages",
				 k->path, k->load_addr);
	if (k->entry_addr & 3 || k->entry_addr < k->load_addr ||
	    k->entry_addr >= k->load_addr + k->size)
		return error_set(err, -EINVAL, "%s: entry 0x%" PRIx64 " is not an ARM instruction inside the image at 0x%" PRIx64,
				 k->path, k->entry_addr, k->load_addr);
	if (k->load_addr + memsz > ADDRESSABLE_END || k->load_addr < PGDIR_ROOM ||
	    !mem_ranges_contains(&sys->usable, k->load_addr - PGDIR_ROOM, k->load_addr + memsz))
		return error_set(err, -ENOSPC, "%s: load address 0x%" PRIx64 " (+ 0x%" PRIx64 " bytes with BSS) is not usable RAM in %s",
				 k->path, k->load_addr, memsz, sys->memory_source);
	ret = plan_add_segment(plan, "kernel", k->path, k->data, k->size, k->load_addr, memsz,
			       NULL, err);
	if (ret)
		return ret;
	lay->base = k->load_addr & ~(SZ_2M - 1);
	lay->kernel_entry = k->entry_addr;
	lay->data_min = round_up(k->load_addr + memsz, plan->page_size);
	lay->low_data_end = 0;
	plan_note(plan, "arm kernel Image at 0x%" PRIx64 " (from its container), entry 0x%" PRIx64 ", BSS unknown: 0x%" PRIx64 " reserved",
		  k->load_addr, k->entry_addr, memsz);
	return 0;
}

/* Lowest room at or above the layout's data_min, in the early-mapped low
 * memory when possible. */
static int place_data(struct plan *plan, const struct system_desc *sys,
		      const struct arm_layout *lay, uint64_t size, uint64_t align,
		      const char *what, uint64_t *addr, struct error *err)
{
	int ret;

	if (plan_find_space(plan, &sys->usable, size, align, lay->data_min,
			    lay->lowmem_end - 1, addr) == 0)
		return 0;
	if (plan_find_space(plan, &sys->usable, size, align, lay->data_min,
			    ADDRESSABLE_END - 1, addr) == 0) {
		plan_note(plan, "arm: the %s at 0x%" PRIx64 " lies past the first 768 MiB of RAM: a kernel with the default 3G/1G split may not reach it",
			  what, *addr);
		return 0;
	}
	ret = plan_fits_at_all(&sys->usable, size, lay->crash, sys->memory_source, NULL, what, err);
	return ret ? ret : error_set(err, -ENOSPC, "no room for the %s (%" PRIu64 " KiB) above 0x%" PRIx64 " and below 4 GiB in %s",
				     what, size >> 10, lay->data_min, sys->memory_source);
}

static int place_dtb(const struct load_request *req, const struct system_desc *sys,
		     struct plan *plan, const struct arm_layout *lay,
		     const struct chosen_update *chosen, uint64_t *addr, struct error *err)
{
	void *dtb = NULL;
	size_t dtb_size;
	uint64_t align = DTB_ALIGN;
	char removed[160];
	int ret;

	ret = dtb_update_chosen(req->dtb.data, chosen, &dtb, &dtb_size, err);
	if (ret)
		return error_prefix(err, ret, "%s", req->dtb.path);
	dtb_chosen_removed(req->dtb.data, dtb, removed, sizeof(removed));
	if (removed[0])
		plan_note(plan, "/chosen: removed %s", removed);
	/* Up to one section it fits the two mapped sections wherever it
	 * starts; beyond, it must start on a section boundary. */
	if (dtb_size > BOOT_DATA_SECTION * (BOOT_DATA_SECTIONS - 1))
		align = BOOT_DATA_SECTION;
	ret = place_data(plan, sys, lay, dtb_size, align, "DTB", addr, err);
	if (ret) {
		free(dtb);
		return ret;
	}
	return plan_add_segment(plan, "dtb", req->dtb.path, dtb, dtb_size, *addr, dtb_size,
				dtb, err);
}

static int place_atags(const struct load_request *req, const struct system_desc *sys,
		       struct plan *plan, const struct arm_layout *lay,
		       const struct atags_update *update, uint64_t *addr, struct error *err)
{
	uint8_t *list;
	size_t size;
	int ret;

	ret = atags_build(req->atags.data, req->atags.size, req->atags.path, update, &list,
			  &size, err);
	if (ret)
		return ret;
	/* booting.rst: conventionally in the first 16 KiB of RAM, below the
	 * kernel's page tables, where nothing else will be put. */
	if (!(lay->low_data_end > lay->base &&
	      plan_find_space(plan, &sys->usable, size, ATAGS_ALIGN, lay->base,
			      lay->low_data_end - 1, addr) == 0)) {
		ret = place_data(plan, sys, lay, size, ATAGS_ALIGN, "ATAG list", addr, err);
		if (ret) {
			free(list);
			return ret;
		}
	}
	return plan_add_segment(plan, "atags", req->atags.path, list, size, *addr, size, list,
				err);
}

/* -p: the ELF core header goes at the top of the highest crash range, in a
 * block of its own; *kernel_mem receives the rest, which is all the crash
 * kernel is given and where everything else goes. */
static int place_crash_header(const struct load_request *req, const struct system_desc *sys,
			      struct plan *plan, struct mem_ranges *kernel_mem,
			      uint64_t *addr, struct error *err)
{
	const struct mem_range *top;
	uint64_t block;
	int ret;

	if (sys->crash.n == 0)
		return error_set(err, -ENOENT, "no \"Crash kernel\" region in %s", sys->memory_source);
	top = &sys->crash.r[sys->crash.n - 1];
	if (top->end > ADDRESSABLE_END)
		return error_set(err, -ENOSPC, "the crash region 0x%" PRIx64 "-0x%" PRIx64 " reaches past 4 GiB, where a 32-bit ARM kernel cannot start",
				 top->start, top->end - 1);
	block = top->end > req->elfcorehdr_size
			? (top->end - req->elfcorehdr_size) & ~(CRASH_HEADER_BLOCK - 1) : 0;
	if (block <= top->start ||
	    plan_find_space(plan, &sys->usable, req->elfcorehdr_size, plan->page_size, block,
			    top->end - 1, addr))
		return error_set(err, -ENOSPC, "no room for the ELF core header (%zu bytes) in a 2 MiB block of its own at the top of the crash region 0x%" PRIx64 "-0x%" PRIx64,
				 req->elfcorehdr_size, top->start, top->end - 1);
	ret = plan_add_segment(plan, "elfcorehdr", "generated from /proc and /sys",
			       req->elfcorehdr, req->elfcorehdr_size, *addr,
			       req->elfcorehdr_size, NULL, err);
	if (ret)
		return ret;
	ret = mem_ranges_copy(kernel_mem, &sys->usable);
	if (!ret)
		ret = mem_ranges_subtract(kernel_mem, block, top->end);
	if (ret)
		return error_set(err, -ENOMEM, "out of memory");
	plan_note(plan, "arm crash: ELF core header at 0x%" PRIx64 ", in 0x%" PRIx64 "-0x%" PRIx64 " which the crash kernel is not given (it reads the header with ioremap, which refuses its own RAM)",
		  *addr, block, top->end - 1);
	return 0;
}

/* The crash kernel's command line: the one asked for (else the DTB's,
 * without crashkernel=) plus elfcorehdr= and one mem=SIZE@START per range
 * it may use.  Kernels that read linux,elfcorehdr and
 * linux,usable-memory-range from /chosen (on arm since 5.16) find the same
 * there; older ones know only these parameters, and mem= replaces the
 * memory map, which is what a crash kernel needs. */
static int crash_cmdline(const struct load_request *req, const struct mem_ranges *kernel_mem,
			 uint64_t hdr_addr, char **out, struct error *err)
{
	const char *dtb_args = NULL;
	char *extra, *p;
	size_t i, cap = 48 + kernel_mem->n * 48;
	int ret;

	if (!req->cmdline && req->dtb.data) {
		int chosen = fdt_path_offset(req->dtb.data, "/chosen"), len = 0;

		if (chosen >= 0)
			dtb_args = fdt_getprop(req->dtb.data, chosen, "bootargs", &len);
		if (dtb_args && (len < 1 || dtb_args[len - 1] != '\0'))
			dtb_args = NULL;
	}
	extra = malloc(cap);
	if (!extra)
		return error_set(err, -ENOMEM, "out of memory");
	p = extra + snprintf(extra, cap, "elfcorehdr=0x%" PRIx64, hdr_addr);
	for (i = 0; i < kernel_mem->n; i++)
		p += snprintf(p, cap - (size_t)(p - extra), " mem=0x%" PRIx64 "@0x%" PRIx64,
			      kernel_mem->r[i].end - kernel_mem->r[i].start, kernel_mem->r[i].start);
	ret = cmdline_compose(dtb_args, req->cmdline, extra, true, out);
	free(extra);
	if (ret)
		return error_set(err, ret, "command line: out of memory");
	/* COMMAND_LINE_SIZE is 1024 on arm and the kernel cuts the rest,
	 * which here would be elfcorehdr= and mem=, at the line's end. */
	return cmdline_check_size(*out, arm_backend.command_line_size, "arm crash", err);
}

static int arm_plan_kernel(const struct load_request *req,
			   const struct system_desc *sys, struct plan *plan,
			   struct error *err)
{
	struct arm_layout lay = { .crash = req->crash };
	struct system_desc crash_sys;
	struct mem_ranges kernel_mem;
	const struct system_desc *ksys = sys; /* what the next kernel may use */
	uint64_t initrd_addr = 0, data_addr, hdr_addr = 0;
	char *crash_args = NULL;
	int ret;

	mem_ranges_init(&kernel_mem);
	if (req->crash) {
		if (req->atags.data)
			return error_set(err, -ENOTSUP, "-p with --atags: a crash kernel boots with a device tree here, whose /chosen tells it where the ELF core header and its memory are");
		ret = place_crash_header(req, sys, plan, &kernel_mem, &hdr_addr, err);
		if (ret)
			goto out;
		crash_sys = *sys;
		crash_sys.usable = kernel_mem;
		ksys = &crash_sys;
		ret = crash_cmdline(req, &kernel_mem, hdr_addr, &crash_args, err);
		if (ret)
			goto out;
	}
	if (arm_zimage_probe(req->kernel.data, req->kernel.size))
		ret = plan_zimage(req, ksys, plan, &lay, err);
	else if (req->kernel.has_load_addr)
		ret = plan_raw_image(req, ksys, plan, &lay, err);
	else
		ret = error_set(err, -EINVAL, "%s: not a zImage (no magic 0x%08x at 0x%x), nor a kernel in a uImage",
				req->kernel.path, ZIMAGE_MAGIC, ZIMAGE_MAGIC_OFFSET);
	if (ret)
		goto out;
	lay.lowmem_end = lay.base + LOWMEM_SIZE < ADDRESSABLE_END ? lay.base + LOWMEM_SIZE
								  : ADDRESSABLE_END;

	if (req->initrd.data) {
		ret = place_data(plan, ksys, &lay, req->initrd.size, plan->page_size, "initrd",
				 &initrd_addr, err);
		if (ret) {
			ret = error_prefix(err, ret, "%s", req->initrd.path);
			goto out;
		}
		ret = plan_add_segment(plan, "initrd", req->initrd.path, req->initrd.data,
				       req->initrd.size, initrd_addr, req->initrd.size, NULL, err);
		if (ret)
			goto out;
	}

	plan->kernel_entry = lay.kernel_entry;
	plan->kernel_regs[0] = 0;
	plan->kernel_regs[3] = 0;
	if (req->atags.data) {
		struct atags_update update = {
			.cmdline = req->cmdline,
			.has_initrd = req->initrd.data != NULL,
			.initrd_start = (uint32_t)initrd_addr,
			.initrd_size = (uint32_t)req->initrd.size,
		};

		ret = place_atags(req, ksys, plan, &lay, &update, &data_addr, err);
		if (ret)
			goto out;
		if (req->has_machine_type) {
			plan->kernel_regs[1] = req->machine_type;
		} else {
			/* No interface reports the machine number; the running
			 * kernel passes its own in r1 to the kexec entry. */
			plan->kernel_regs[1] = 0;
			plan->purgatory_flags |= PURGATORY_KEEP_R1;
			plan_note(plan, "arm: r1 (machine type) is passed on from the running kernel");
		}
	} else {
		struct chosen_update chosen = {
			.bootargs = req->crash ? crash_args : req->cmdline,
			.has_initrd = req->initrd.data != NULL,
			.initrd_start = initrd_addr,
			.initrd_end = initrd_addr + req->initrd.size,
			.rng_seed = sys->rng_seed,
			.rng_seed_size = sizeof(sys->rng_seed),
			.kaslr_seed = sys->kaslr_seed,
		};

		if (req->crash) {
			/* Lowest first: the decompressor takes its base from
			 * the first range, the kernel caps memory to it. */
			chosen.crash = true;
			chosen.elfcorehdr_addr = hdr_addr;
			chosen.elfcorehdr_size = req->elfcorehdr_size;
			chosen.usable_ranges = kernel_mem.r;
			chosen.nr_usable_ranges = kernel_mem.n;
		}
		ret = place_dtb(req, ksys, plan, &lay, &chosen, &data_addr, err);
		if (ret)
			goto out;
		plan->kernel_regs[1] = R1_DTB;
	}
	plan->kernel_regs[2] = data_addr;
out:
	free(crash_args);
	mem_ranges_free(&kernel_mem);
	return ret;
}

const struct arch_backend arm_backend = {
	.name = "arm",
	.machines = { "armv7l", "armv8l", "armv7", "armv6l", "arm" },
	.kexec_arch = KEXEC_ARCH_ARM,
	.elf_machine = EM_ARM,
	.purgatory = purgatory_arm_image,
	.purgatory_end = purgatory_arm_image_end,
	.addressable_end = ADDRESSABLE_END,
	.accepts_atags = true,
	.has_file_syscall = false,
	.command_line_size = 1024, /* arm COMMAND_LINE_SIZE */
	.plan_kernel = arm_plan_kernel,
};
