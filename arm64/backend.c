/* arm64: where the Image, initrd and DTB go, and what x0-x3 hold. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "arch.h"
#include "dtb.h"
#include "idmap.h"
#include "image.h"

#define KEXEC_ARCH_AARCH64 (183u << 16)
#define SZ_2M (2ull << 20)
/* booting.rst: older kernels need the initrd within 32 GiB of the kernel's
 * base (a window the linear map of early boot can reach). */
#define INITRD_WINDOW (32ull << 30)
/* A pre-3.17 Image has no image_size: leave room for a BSS that is not in
 * the file.  Generous, because guessing short corrupts the next kernel. */
#define LEGACY_BSS_ALLOWANCE (8ull << 20)
#define DTB_ALIGN 8

extern const uint8_t purgatory_arm64_image[];
extern const uint8_t purgatory_arm64_image_end[];

static int place_kernel(const struct arm64_image *image, const struct load_request *req,
			const struct system_desc *sys, struct plan *plan,
			uint64_t *base, uint64_t *span, struct error *err)
{
	/* image_parse bounds image_size to 2^52 and text_offset to 2 MiB,
	 * and a file in memory is far from 2^64: the span cannot wrap. */
	uint64_t memsz = image->image_size_known
				 ? image->image_size
				 : (uint64_t)req->kernel.size + LEGACY_BSS_ALLOWANCE;
	int ret;

	/* The base is 2 MiB aligned and the kernel lives at base +
	 * text_offset; keep the whole span usable so nothing else lands in
	 * the gap.  Lowest first: booting.rst asks for "as close as possible
	 * to the start of DRAM" when bit 3 is clear, and it costs nothing
	 * otherwise. */
	*span = image->text_offset + memsz;
	if (plan_find_space(plan, &sys->usable, *span, SZ_2M, 0, UINT64_MAX, base) == 0)
		return 0;
	ret = plan_fits_at_all(&sys->usable, *span, req->crash, sys->memory_source,
			       req->kernel.path, "kernel (text_offset + image_size)", err);
	return ret ? ret : error_set(err, -ENOSPC, "%s: no 2 MiB aligned space for a kernel of %" PRIu64 " KiB in %s",
				     req->kernel.path, *span >> 10, sys->memory_source);
}

/* The ELF core header goes inside the crash region like everything else;
 * the crash kernel finds it, and the memory it may use, in /chosen. */
static int place_crash_header(const struct load_request *req,
			      const struct system_desc *sys, struct plan *plan,
			      struct chosen_update *chosen, struct error *err)
{
	struct mem_range *usable;
	uint64_t addr;
	size_t i, n = sys->crash.n;
	int ret;

	if (plan_find_space(plan, &sys->usable, req->elfcorehdr_size, plan->page_size, 0,
			    UINT64_MAX, &addr)) {
		ret = plan_fits_at_all(&sys->usable, req->elfcorehdr_size, true, sys->memory_source,
				       NULL, "the ELF core header", err);
		return ret ? ret : error_set(err, -ENOSPC, "no room for the ELF core header (%zu bytes) in the crash region beside the other segments",
					     req->elfcorehdr_size);
	}
	ret = plan_add_segment(plan, "elfcorehdr", "generated from /proc and /sys",
			       req->elfcorehdr, req->elfcorehdr_size, addr,
			       req->elfcorehdr_size, NULL, err);
	if (ret)
		return ret;
	/* Kept until the DTB is built: the plan owns it from then on. */
	usable = calloc(n ? n : 1, sizeof(*usable));
	if (!usable)
		return error_set(err, -ENOMEM, "out of memory");
	/* The chosen binding wants the low range (the one for 32-bit DMA)
	 * last when there are two: the kernel caps memory to the first range
	 * and adds the others. */
	for (i = 0; i < n; i++)
		usable[i] = sys->crash.r[n - 1 - i];
	chosen->crash = true;
	chosen->elfcorehdr_addr = addr;
	chosen->elfcorehdr_size = req->elfcorehdr_size;
	chosen->usable_ranges = usable;
	chosen->nr_usable_ranges = n;
	return 0;
}

static int arm64_plan_kernel(const struct load_request *req,
			     const struct system_desc *sys, struct plan *plan,
			     struct error *err)
{
	struct chosen_update chosen = { 0 };
	struct arm64_image image;
	uint64_t base, span, initrd_addr = 0, dtb_addr, kernel_end;
	void *dtb = NULL;
	size_t dtb_size;
	char removed[160];
	int ret;

	ret = arm64_image_parse(req->kernel.data, req->kernel.size, req->kernel.path,
				&image, err);
	if (ret)
		return ret;
	ret = place_kernel(&image, req, sys, plan, &base, &span, err);
	if (ret)
		return ret;
	ret = plan_add_segment(plan, "kernel", req->kernel.path, req->kernel.data,
			       req->kernel.size, base + image.text_offset,
			       span - image.text_offset, NULL, err);
	if (ret)
		return ret;
	kernel_end = base + span;
	plan_note(plan, "arm64 Image: text_offset 0x%" PRIx64 ", image_size 0x%" PRIx64 "%s, %s pages, %s",
		  image.text_offset, span - image.text_offset,
		  image.image_size_known ? "" : " (pre-3.17: estimated)",
		  image.page_size == 65536 ? "64K" : image.page_size == 16384 ? "16K" :
		  image.page_size == 4096 ? "4K" : "unspecified",
		  image.place_anywhere ? "placement anywhere" : "placement near DRAM start");

	if (req->initrd.data) {
		uint64_t window_end = base > UINT64_MAX - INITRD_WINDOW ? UINT64_MAX
									: base + INITRD_WINDOW - 1;

		/* As high as the 32 GiB window allows.  kexec_load copies every
		 * page into a page the running kernel allocates, and each such
		 * page that lands inside a destination costs a walk of all the
		 * entries so far: low free memory, which the running kernel has
		 * just been handing out (its freed initramfs, page cache), is
		 * where those collisions happen.  Measured under QEMU with a
		 * 128 MiB initrd: kexec -l took 5.8 s placed right above the
		 * kernel, 2.2 s placed at the top. */
		if (plan_find_space_highest(plan, &sys->usable, req->initrd.size, plan->page_size,
					    kernel_end, window_end, &initrd_addr) &&
		    plan_find_space_highest(plan, &sys->usable, req->initrd.size, plan->page_size,
					    base > INITRD_WINDOW ? base - INITRD_WINDOW : 0,
					    window_end, &initrd_addr)) {
			ret = plan_fits_at_all(&sys->usable, req->initrd.size, req->crash,
					       sys->memory_source, req->initrd.path, "initrd", err);
			return ret ? ret : error_set(err, -ENOSPC, "%s: no room for the initrd (%zu KiB) within 32 GiB of the kernel, beside the other segments",
						     req->initrd.path, req->initrd.size >> 10);
		}
		ret = plan_add_segment(plan, "initrd", req->initrd.path, req->initrd.data,
				       req->initrd.size, initrd_addr, req->initrd.size,
				       NULL, err);
		if (ret)
			return ret;
		chosen.has_initrd = true;
		chosen.initrd_start = initrd_addr;
		chosen.initrd_end = initrd_addr + req->initrd.size;
	}

	if (req->crash) {
		ret = place_crash_header(req, sys, plan, &chosen, err);
		if (ret)
			return ret;
	}

	chosen.bootargs = req->cmdline;
	chosen.rng_seed = sys->rng_seed;
	chosen.rng_seed_size = sizeof(sys->rng_seed);
	chosen.kaslr_seed = sys->kaslr_seed;
	ret = dtb_update_chosen(req->dtb.data, &chosen, &dtb, &dtb_size, err);
	free((void *)chosen.usable_ranges);
	if (ret)
		return error_prefix(err, ret, "%s", req->dtb.path);
	dtb_chosen_removed(req->dtb.data, dtb, removed, sizeof(removed));
	if (removed[0])
		plan_note(plan, "/chosen: removed %s", removed);
	if (plan_find_space(plan, &sys->usable, dtb_size, DTB_ALIGN, kernel_end,
			    UINT64_MAX, &dtb_addr) &&
	    plan_find_space(plan, &sys->usable, dtb_size, DTB_ALIGN, 0, UINT64_MAX,
			    &dtb_addr)) {
		free(dtb);
		ret = plan_fits_at_all(&sys->usable, dtb_size, req->crash, sys->memory_source,
				       req->dtb.path, "DTB", err);
		return ret ? ret : error_set(err, -ENOSPC, "%s: no room for the DTB (%zu bytes) beside the other segments",
					     req->dtb.path, dtb_size);
	}
	ret = plan_add_segment(plan, "dtb", req->dtb.path, dtb, dtb_size, dtb_addr,
			       dtb_size, dtb, err);
	if (ret)
		return ret;

	plan->kernel_entry = base + image.text_offset;
	plan->kernel_regs[0] = dtb_addr;
	plan->kernel_regs[1] = 0;
	plan->kernel_regs[2] = 0;
	plan->kernel_regs[3] = 0;
	return 0;
}

/* The purgatory's identity map: every planned segment and the purgatory
 * itself as Normal memory, the UART it reports on as Device. */
static size_t idmap_regions(const struct plan *plan, uint64_t purgatory_addr,
			    uint64_t purgatory_size, const struct uart_info *uart,
			    struct idmap_region *r)
{
	size_t i, n = 0;

	for (i = 0; i < plan->nr_segments; i++)
		r[n++] = (struct idmap_region){ plan->segments[i].mem,
						plan->segments[i].mem + plan->segments[i].memsz, false };
	r[n++] = (struct idmap_region){ purgatory_addr, purgatory_addr + purgatory_size, false };
	if (uart && uart->kind != UART_NONE) {
		uint64_t page = uart->addr & ~(uint64_t)(IDMAP_PAGE - 1);

		r[n++] = (struct idmap_region){ page, page + IDMAP_PAGE, true };
	}
	return n;
}

static size_t arm64_idmap_bound(const struct plan *plan, uint64_t purgatory_size,
				const struct uart_info *uart)
{
	struct idmap_region r[PLAN_MAX_SEGMENTS + 2];

	/* The purgatory's address is not known yet: a region of its size at
	 * the worst alignment bounds the tables it can need. */
	return arm64_idmap_pages_bound(r, idmap_regions(plan, IDMAP_PAGE, purgatory_size, uart, r));
}

static int arm64_idmap_make(const struct plan *plan, uint64_t purgatory_addr,
			    uint64_t purgatory_size, const struct uart_info *uart,
			    uint64_t tables_addr, uint8_t *tables, size_t pages,
			    size_t *used, struct error *err)
{
	struct idmap_region r[PLAN_MAX_SEGMENTS + 2];
	size_t n = idmap_regions(plan, purgatory_addr, purgatory_size, uart, r);

	return arm64_idmap_build(r, n, tables_addr, tables, pages, used, err);
}

const struct arch_backend arm64_backend = {
	.name = "arm64",
	.machines = { "aarch64", "arm64" },
	.kexec_arch = KEXEC_ARCH_AARCH64,
	.elf_machine = 183, /* EM_AARCH64 */
	.has_file_syscall = true,
	.command_line_size = 2048, /* arm64 COMMAND_LINE_SIZE */
	.purgatory = purgatory_arm64_image,
	.purgatory_end = purgatory_arm64_image_end,
	.plan_kernel = arm64_plan_kernel,
	.idmap_bound = arm64_idmap_bound,
	.idmap_build = arm64_idmap_make,
};
