/* The arm64 plan end to end, from fixture memory maps and DTBs: where each
 * segment lands, what the next kernel's DTB says, and what the purgatory
 * is told.  Nothing here touches the system. */
#include <errno.h>
#include <libfdt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "byteorder.h"
#include "check.h"
#include "check_plan.h"
#include "iomem.h"
#include "loader.h"
#include "params.h"
#include "purgatory_image.h"
#include "system.h"

#define MiB (1ull << 20)

static const char *fixtures;

/* A synthetic Image: a valid header and `file_size` bytes of pattern. */
static uint8_t *make_image(size_t file_size, uint64_t text_offset, uint64_t image_size,
			   uint64_t flags)
{
	uint8_t *img = malloc(file_size);
	size_t i;

	for (i = 0; i < file_size; i++)
		img[i] = (uint8_t)(i * 7);
	memset(img, 0, 64);
	put_le64(img + 8, text_offset);
	put_le64(img + 16, image_size);
	put_le64(img + 24, flags);
	memcpy(img + 0x38, "ARM\x64", 4);
	return img;
}

/* A system described by a fixture /proc/iomem, as the system layer would
 * describe it: for a normal load everything usable; for a crash load (the
 * view of kexec -p) the crash regions only. */
static void system_described(const char *name, struct system_desc *sys, uint64_t page,
			     bool crash)
{
	struct system_memory mem;
	struct error err;
	size_t size;
	char *text = read_fixture(fixtures, name, &size);
	int ret;

	memset(sys, 0, sizeof(*sys));
	mem_ranges_init(&sys->usable);
	mem_ranges_init(&sys->crash);
	system_memory_init(&mem);
	ret = iomem_parse(text, size, &mem, &err);
	if (!ret)
		ret = mem_ranges_copy(&sys->crash, &mem.crash);
	if (!ret)
		ret = crash ? mem_ranges_copy(&sys->usable, &mem.crash)
			    : system_memory_usable(&mem, &sys->usable);
	if (ret) {
		printf("Bail out! %s: %s\n", name, err.msg);
		exit(1);
	}
	system_memory_free(&mem);
	free(text);
	sys->memory_source = name;
	sys->page_size = page;
	memset(sys->rng_seed, 0xa5, sizeof(sys->rng_seed));
	sys->kaslr_seed = 0x1122334455667788ull;
}

static void system_from_iomem(const char *name, struct system_desc *sys, uint64_t page)
{
	system_described(name, sys, page, false);
}

static void system_for_crash(const char *name, struct system_desc *sys)
{
	system_described(name, sys, 4096, true);
}

static uint64_t read_cells(const void *prop, int len)
{
	return len == 8 ? ((uint64_t)get_be32(prop) << 32 | get_be32((const uint8_t *)prop + 4))
			: get_be32(prop);
}

static bool inside_usable(const struct system_desc *sys, const struct plan_segment *seg)
{
	return mem_ranges_contains(&sys->usable, seg->mem, seg->mem + seg->memsz);
}

struct loaded {
	struct plan plan;
	struct error err;
	int ret;
	uint8_t *dtb_blob;
	size_t dtb_size;
};

static int corrupt_digest = -1;
static bool uncached_hash;
static unsigned int hash_threads = 2;

/* The embedded image's size: the purgatory segment may be longer (its
 * bss, stack and identity-map tables follow). */
static size_t blob_size(void)
{
	return (size_t)(arm64_backend.purgatory_end - arm64_backend.purgatory);
}
static const uint8_t *crash_header;
static size_t crash_header_size;

static void plan_load(struct loaded *out, const struct system_desc *sys,
		      const uint8_t *kernel, size_t kernel_size,
		      const uint8_t *initrd, size_t initrd_size,
		      const char *dtb_name, const char *cmdline)
{
	struct load_request req = { 0 };
	struct load_options opts = { .verify = true, .corrupt_digest = corrupt_digest,
				     .uncached_hash = uncached_hash,
				     .hash_threads = hash_threads };
	struct uart_info uart = { .kind = UART_PL011, .addr = 0x9000000 };

	memset(out, 0, sizeof(*out));
	out->dtb_blob = (uint8_t *)read_fixture(fixtures, dtb_name, &out->dtb_size);
	req.kernel.path = "Image";
	req.kernel.data = kernel;
	req.kernel.size = kernel_size;
	if (initrd)
		req.initrd = (struct input_file){ "initrd", initrd, initrd_size };
	req.dtb = (struct input_file){ dtb_name, out->dtb_blob, out->dtb_size };
	req.cmdline = cmdline;
	req.crash = crash_header != NULL;
	req.elfcorehdr = crash_header;
	req.elfcorehdr_size = crash_header_size;
	opts.uart = &uart;
	out->ret = loader_plan(&arm64_backend, &req, sys, &opts, &out->plan, &out->err);
}

static void loaded_free(struct loaded *l)
{
	plan_free(&l->plan);
	free(l->dtb_blob);
}

static void test_qemu_virt(void)
{
	struct system_desc sys;
	struct loaded l;
	const struct plan_segment *kernel, *initrd, *dtb, *purg;
	uint8_t *image = make_image(3 * MiB, 0, 27 * MiB, 0xa);
	uint8_t initrd_data[10000];
	const void *prop;
	int chosen, len;

	memset(initrd_data, 0x5a, sizeof(initrd_data));
	system_from_iomem("iomem/qemu-virt.txt", &sys, 4096);
	plan_load(&l, &sys, image, 3 * MiB, initrd_data, sizeof(initrd_data),
		  "dtb/qemu-virt.dtb", "console=ttyAMA0 marker=42");
	CHECK_EQ("qemu-virt: plan succeeds", l.ret, 0);
	if (l.ret) {
		printf("# %s\n", l.err.msg);
		goto out;
	}
	CHECK_EQ("qemu-virt: four segments (kernel, initrd, dtb, purgatory)", l.plan.nr_segments, 4);
	kernel = find_segment(&l.plan, "kernel");
	initrd = find_segment(&l.plan, "initrd");
	dtb = find_segment(&l.plan, "dtb");
	purg = find_segment(&l.plan, "purgatory");
	CHECK("qemu-virt: every segment present", kernel && initrd && dtb && purg);
	if (!(kernel && initrd && dtb && purg))
		goto out;
	CHECK_EQ("kernel base is 2 MiB aligned", kernel->mem % (2 * MiB), 0);
	CHECK_EQ("kernel memsz is image_size, not the file size", kernel->memsz, 27 * MiB);
	CHECK_EQ("kernel bufsz is the file size", kernel->bufsz, 3 * MiB);
	/* The lowest 2 MiB aligned block of 27 MiB free of reserved ranges:
	 * 0x40000000 up to the reserved range at 0x415c0000 is too small, the
	 * next clean block starts after 0x41adffff, at 0x41c00000, and must
	 * end before the reserved range at 0x48000000. */
	CHECK_EQ("kernel at the lowest usable 2 MiB aligned address", kernel->mem, 0x41c00000);
	CHECK("kernel avoids reserved ranges", inside_usable(&sys, kernel));
	CHECK("initrd in usable RAM", inside_usable(&sys, initrd));
	CHECK("dtb in usable RAM", inside_usable(&sys, dtb));
	CHECK("purgatory in usable RAM", inside_usable(&sys, purg));
	CHECK("initrd above the kernel", initrd->mem >= kernel->mem + kernel->memsz);
	CHECK("initrd within 32 GiB of the kernel", initrd->mem + initrd->memsz <= kernel->mem + (32ull << 30));
	CHECK_EQ("every segment page aligned", (kernel->mem | initrd->mem | dtb->mem | purg->mem) % 4096, 0);
	CHECK_EQ("entry is the purgatory", l.plan.entry, purg->mem);
	CHECK_EQ("purgatory enters the kernel", l.plan.kernel_entry, kernel->mem);
	CHECK_EQ("x0 is the DTB", l.plan.kernel_regs[0], dtb->mem);
	CHECK("x1-x3 are zero", !l.plan.kernel_regs[1] && !l.plan.kernel_regs[2] && !l.plan.kernel_regs[3]);

	chosen = fdt_path_offset(dtb->buf, "/chosen");
	CHECK("next DTB has /chosen", chosen >= 0);
	prop = fdt_getprop(dtb->buf, chosen, "bootargs", &len);
	CHECK_STR("next DTB bootargs is the command line", prop, "console=ttyAMA0 marker=42");
	prop = fdt_getprop(dtb->buf, chosen, "linux,initrd-start", &len);
	CHECK_EQ("initrd-start is the initrd segment", prop ? read_cells(prop, len) : 0, initrd->mem);
	prop = fdt_getprop(dtb->buf, chosen, "linux,initrd-end", &len);
	CHECK_EQ("initrd-end is start + file size", prop ? read_cells(prop, len) : 0,
		 initrd->mem + sizeof(initrd_data));
	prop = fdt_getprop(dtb->buf, chosen, "rng-seed", &len);
	CHECK("next DTB carries the fresh rng-seed",
	      prop && len == 64 && ((const uint8_t *)prop)[0] == 0xa5);
	prop = fdt_getprop(dtb->buf, chosen, "kaslr-seed", &len);
	CHECK("kaslr-seed rewritten with the fresh value",
	      prop && len == 8 && read_cells(prop, 8) == 0x1122334455667788ull);
	CHECK("next DTB fits in 2 MiB and is packed", dtb->bufsz <= 2 * MiB &&
	      fdt_totalsize(dtb->buf) == dtb->bufsz);
	/* The fixture's /chosen still holds a crash boot's properties. */
	CHECK_CONTAINS("the plan notes what /chosen lost", l.plan.notes,
		       "/chosen: removed linux,elfcorehdr, linux,usable-memory-range\n");
	{
		char text[8192] = "";
		FILE *f = fmemopen(text, sizeof(text) - 1, "w");

		if (f) {
			loader_print_plan(f, &arm64_backend, &sys, &l.plan, NULL);
			fclose(f);
		}
		CHECK_CONTAINS("the printed plan has the exact command line", text,
			       "\ncommand line: \"console=ttyAMA0 marker=42\" (26 bytes with its NUL; /chosen/bootargs)\n/chosen:\n  bootargs: the command line above\n");
		CHECK_CONTAINS("the printed plan has the initrd properties", text,
			       "  linux,initrd-start: 0x");
		CHECK_CONTAINS("the printed plan has the seeds by size", text,
			       "  rng-seed: 64 bytes, fresh\n  kaslr-seed: 8 bytes, fresh\nsegments:\n");
	}
out:
	loaded_free(&l);
	system_desc_free(&sys);
	free(image);
}

/* The parameter block lists the first nsegs segments (address and
 * memsz), and its ranges cut each one's bytes into consecutive chunks of
 * at most the plan's chunk size, each with the SHA-256 of those bytes,
 * computed here independently. */
static void check_params_ranges(const uint8_t *p, const struct plan *plan, size_t nsegs,
				const char *what)
{
	const uint8_t *r = p + offsetof(struct purgatory_params, ranges);
	size_t nr = get_le32(p + offsetof(struct purgatory_params, nr_ranges));
	size_t i, k = 0;
	bool segs_ok = true, cover_ok = true, digests_ok = true, sizes_ok = true;

	CHECK_EQ(what, nr, plan->nr_digests);
	for (i = 0; i < nsegs; i++) {
		const struct plan_segment *seg = &plan->segments[i];
		const uint8_t *s = p + offsetof(struct purgatory_params, segments) +
				   i * sizeof(struct purgatory_segment);
		uint64_t at = seg->mem;

		segs_ok &= get_le64(s) == seg->mem && get_le64(s + 8) == seg->memsz;
		do {
			const uint8_t *ri = r + k * sizeof(struct purgatory_range);
			uint64_t addr = get_le64(ri), size = get_le64(ri + 8);
			uint8_t digest[32];

			if (k >= nr || get_le32(ri + offsetof(struct purgatory_range, segment)) != i ||
			    addr != at || addr + size > seg->mem + seg->bufsz) {
				cover_ok = false;
				break;
			}
			sizes_ok &= size <= plan->digest_chunk && (size > 0 || seg->bufsz == 0);
			sha256((const uint8_t *)seg->buf + (addr - seg->mem), (size_t)size, digest);
			digests_ok &= memcmp(ri + offsetof(struct purgatory_range, sha256), digest, 32) == 0;
			at += size;
			k++;
		} while (at < seg->mem + seg->bufsz);
	}
	CHECK(what, segs_ok);
	CHECK(what, cover_ok && k == nr);
	CHECK(what, sizes_ok);
	CHECK(what, digests_ok);
}

/* Large segments are cut into 4 MiB chunks; the digests do not depend on
 * how many threads computed them. */
static void test_chunked_digests(void)
{
	struct system_desc sys;
	struct loaded one, three;
	const struct plan_segment *p1, *p3;
	struct purgatory_layout layout;
	uint8_t *image = make_image(9 * MiB + 5, 0, 12 * MiB, 0xa);
	uint8_t *initrd = malloc(4 * MiB);
	size_t i;

	for (i = 0; i < 4 * MiB; i++)
		initrd[i] = (uint8_t)(i * 7 + (i >> 13));
	system_from_iomem("iomem/qemu-virt.txt", &sys, 4096);
	hash_threads = 1;
	plan_load(&one, &sys, image, 9 * MiB + 5, initrd, 4 * MiB, "dtb/qemu-virt.dtb", NULL);
	hash_threads = 3;
	plan_load(&three, &sys, image, 9 * MiB + 5, initrd, 4 * MiB, "dtb/qemu-virt.dtb", NULL);
	hash_threads = 2;
	p1 = find_segment(&one.plan, "purgatory");
	p3 = find_segment(&three.plan, "purgatory");
	CHECK("chunks: both plans succeed", one.ret == 0 && three.ret == 0 && p1 && p3);
	if (!one.ret && !three.ret && p1 && p3 &&
	    purgatory_image_inspect(p1->buf, blob_size(), &layout, NULL) == 0) {
		CHECK_EQ("chunks: 4 MiB", one.plan.digest_chunk, 4 * MiB);
		/* kernel 9 MiB + 5 bytes: 3 chunks; initrd exactly 4 MiB: 1; dtb: 1 */
		CHECK_EQ("chunks: kernel 3 + initrd 1 + dtb 1", one.plan.nr_digests, 5);
		check_params_ranges((const uint8_t *)p1->buf + layout.params_offset, &one.plan,
				    3, "chunks (1 thread): ranges cover the segments");
		CHECK("chunks: 3 threads give the same parameter block as 1",
		      p1->bufsz == p3->bufsz && memcmp(p1->buf, p3->buf, p1->bufsz) == 0);
	}
	loaded_free(&one);
	loaded_free(&three);
	system_desc_free(&sys);
	free(initrd);
	free(image);
}

/* The chunk size doubles until the table holds every chunk. */
static void test_digest_chunk_size(void)
{
	struct plan plan;
	struct error err;
	static const uint8_t byte;

	plan_init(&plan, 4096);
	plan_add_segment(&plan, "kernel", "k", &byte, 30 * MiB, 0x40200000, 30 * MiB, NULL, &err);
	plan_add_segment(&plan, "initrd", "i", &byte, 0, 0x50000000, 4096, NULL, &err);
	CHECK_EQ("chunk: 30 MiB + an empty segment fit at 4 MiB", plan_digest_chunk(&plan), 4 * MiB);
	plan_add_segment(&plan, "big", "b", &byte, (size_t)500 * MiB, 0x60000000, 500 * MiB, NULL, &err);
	/* 8 + 1 + 125 = 134 chunks > 128 at 4 MiB; 4 + 1 + 63 at 8 MiB */
	CHECK_EQ("chunk: 530 MiB needs 8 MiB chunks", plan_digest_chunk(&plan), 8 * MiB);
	plan.nr_segments = 0; /* nothing owned */
}

/* The purgatory is told to check exactly the other segments. */
static void test_purgatory_params(void)
{
	struct system_desc sys;
	struct loaded l;
	struct purgatory_layout layout;
	const struct plan_segment *purg;
	uint8_t *image = make_image(1 * MiB, 0, 4 * MiB, 0xa);
	const uint8_t *p;

	system_from_iomem("iomem/qemu-virt.txt", &sys, 4096);
	plan_load(&l, &sys, image, 1 * MiB, NULL, 0, "dtb/qemu-virt.dtb", NULL);
	CHECK_EQ("no initrd: plan succeeds", l.ret, 0);
	purg = find_segment(&l.plan, "purgatory");
	if (l.ret || !purg)
		goto out;
	CHECK_EQ("no initrd: three segments", l.plan.nr_segments, 3);
	CHECK_EQ("purgatory header parses", purgatory_image_inspect(purg->buf, blob_size(), &layout, NULL), 0);
	CHECK("purgatory memsz covers its bss and stack", purg->memsz >= layout.mem_size);
	p = (const uint8_t *)purg->buf + layout.params_offset;
	CHECK_EQ("params: entry", get_le64(p + offsetof(struct purgatory_params, entry)),
		 l.plan.kernel_entry);
	CHECK_EQ("params: x0", get_le64(p + offsetof(struct purgatory_params, regs)),
		 l.plan.kernel_regs[0]);
	CHECK_EQ("params: verify flag", get_le32(p + offsetof(struct purgatory_params, flags)),
		 PURGATORY_VERIFY);
	CHECK_EQ("params: segment count excludes the purgatory",
		 get_le32(p + offsetof(struct purgatory_params, nr_segments)), 2);
	CHECK_EQ("params: console", get_le64(p + offsetof(struct purgatory_params, uart_addr)), 0x9000000);
	{
		uint64_t ttbr0 = get_le64(p + offsetof(struct purgatory_params, idmap_ttbr0));
		uint64_t tsize = get_le64(p + offsetof(struct purgatory_params, idmap_size));

		CHECK("params: identity map inside the purgatory segment, after its stack",
		      ttbr0 >= purg->mem + layout.mem_size && ttbr0 % 4096 == 0 &&
		      ttbr0 + tsize <= purg->mem + purg->memsz && tsize >= 4 * 4096);
		CHECK("params: the tables are in the loaded bytes",
		      ttbr0 + tsize <= purg->mem + purg->bufsz);
		CHECK("plan says the hash runs cached", strstr(l.plan.notes, "MMU and caches on") != NULL);
	}
	check_params_ranges(p, &l.plan, 2, "no initrd");
	{
		const void *chosen_dtb = find_segment(&l.plan, "dtb")->buf;
		int chosen = fdt_path_offset(chosen_dtb, "/chosen");

		CHECK("no initrd: initrd-start removed",
		      !fdt_getprop(chosen_dtb, chosen, "linux,initrd-start", NULL));
		CHECK("no initrd: initrd-end removed",
		      !fdt_getprop(chosen_dtb, chosen, "linux,initrd-end", NULL));
		CHECK("no command line given: bootargs kept from the DTB",
		      fdt_getprop(chosen_dtb, chosen, "bootargs", NULL) != NULL);
	}
out:
	loaded_free(&l);

	uncached_hash = true;
	plan_load(&l, &sys, image, 1 * MiB, NULL, 0, "dtb/qemu-virt.dtb", NULL);
	uncached_hash = false;
	purg = find_segment(&l.plan, "purgatory");
	if (purg && purgatory_image_inspect(purg->buf, blob_size(), &layout, NULL) == 0)
		CHECK("uncached knob: no identity map",
		      get_le64((const uint8_t *)purg->buf + layout.params_offset +
			       offsetof(struct purgatory_params, idmap_ttbr0)) == 0 &&
		      purg->memsz == ((layout.mem_size + 4095) & ~4095u));
	loaded_free(&l);
	system_desc_free(&sys);
	free(image);
}

/* Several banks, nested reserved ranges, crash regions: never inside a
 * crash region or a hole, and text_offset honoured. */
static void test_server_layout(void)
{
	struct system_desc sys;
	struct loaded l;
	const struct plan_segment *kernel, *initrd;
	uint8_t *image = make_image(2 * MiB, 0x80000, 40 * MiB, 0x2);
	uint8_t *big = calloc(1, 96 * MiB);

	system_from_iomem("iomem/server.txt", &sys, 4096);
	plan_load(&l, &sys, image, 2 * MiB, big, 96 * MiB, "dtb/two-bank.dtb", "root=/dev/sda1");
	CHECK_EQ("server: plan succeeds", l.ret, 0);
	kernel = find_segment(&l.plan, "kernel");
	initrd = find_segment(&l.plan, "initrd");
	if (!l.ret && kernel && initrd) {
		CHECK_EQ("server: kernel at 2 MiB base + text_offset 0x80000", kernel->mem % (2 * MiB), 0x80000);
		CHECK("server: kernel in usable RAM", inside_usable(&sys, kernel));
		CHECK("server: kernel not in the crash region",
		      kernel->mem + kernel->memsz <= 0x9f800000 || kernel->mem >= 0xbf800000);
		CHECK("server: 96 MiB initrd in usable RAM", inside_usable(&sys, initrd));
		CHECK("server: initrd not in the low crash region",
		      initrd->mem + initrd->memsz <= 0x9f800000 || initrd->mem >= 0xbf800000);
		CHECK("server: initrd not in the high crash region",
		      initrd->mem + initrd->memsz <= 0x7fa000000ull || initrd->mem >= 0x7fe000000ull);
	}
	loaded_free(&l);
	system_desc_free(&sys);
	free(image);
	free(big);
}

/* A machine booted through UEFI: no /memory node in the DTB, memory from
 * /proc/iomem, and the linux,uefi-* properties survive. */
static void test_uefi_dtb(void)
{
	struct system_desc sys;
	struct loaded l;
	const struct plan_segment *dtb;
	uint8_t *image = make_image(1 * MiB, 0, 8 * MiB, 0xa);

	system_from_iomem("iomem/server.txt", &sys, 4096);
	plan_load(&l, &sys, image, 1 * MiB, NULL, 0, "dtb/uefi.dtb", "console=ttyS0");
	CHECK_EQ("uefi: plan succeeds", l.ret, 0);
	dtb = find_segment(&l.plan, "dtb");
	if (!l.ret && dtb) {
		int chosen = fdt_path_offset(dtb->buf, "/chosen");

		CHECK("uefi: linux,uefi-system-table kept",
		      fdt_getprop(dtb->buf, chosen, "linux,uefi-system-table", NULL) != NULL);
		CHECK("uefi: linux,uefi-mmap-start kept",
		      fdt_getprop(dtb->buf, chosen, "linux,uefi-mmap-start", NULL) != NULL);
		CHECK("uefi: rng-seed added", fdt_getprop(dtb->buf, chosen, "rng-seed", NULL) != NULL);
	}
	loaded_free(&l);
	system_desc_free(&sys);
	free(image);
}

/* 64 KiB pages: every segment aligned to the running kernel's page size. */
static void test_64k_pages(void)
{
	struct system_desc sys;
	struct loaded l;
	uint8_t *image = make_image(1 * MiB, 0, 8 * MiB, 0xe);
	uint8_t initrd_data[5000] = { 1 };
	size_t i;
	uint64_t or_all = 0;

	system_from_iomem("iomem/qemu-virt.txt", &sys, 65536);
	plan_load(&l, &sys, image, 1 * MiB, initrd_data, sizeof(initrd_data),
		  "dtb/qemu-virt.dtb", "x");
	CHECK_EQ("64K pages: plan succeeds", l.ret, 0);
	for (i = 0; i < l.plan.nr_segments; i++)
		or_all |= l.plan.segments[i].mem | l.plan.segments[i].memsz;
	CHECK_EQ("64K pages: segments 64 KiB aligned and sized", or_all % 65536, 0);
	loaded_free(&l);
	system_desc_free(&sys);
	free(image);
}

/* A plan that must fail with `want` and a message holding `msg`. */
static void check_refused(const char *name, const struct system_desc *sys,
			  const uint8_t *image, const uint8_t *initrd, size_t initrd_size,
			  int want, const char *msg)
{
	struct loaded l;

	plan_load(&l, sys, image, 1 * MiB, initrd, initrd_size, "dtb/qemu-virt.dtb", "x");
	CHECK_EQ(name, l.ret, want);
	CHECK_CONTAINS(name, l.err.msg, msg);
	loaded_free(&l);
}

static void test_does_not_fit(void)
{
	struct system_desc sys;
	struct loaded l;
	uint8_t *image = make_image(1 * MiB, 0, 8 * MiB, 0xa);
	uint8_t *huge = calloc(1, 2100 * MiB);

	system_from_iomem("iomem/qemu-virt.txt", &sys, 4096);
	check_refused("initrd larger than RAM: the figures", &sys, image, huge, 2100 * MiB, -ENOSPC,
		      "initrd: initrd of 2100 MiB does not fit: the largest usable RAM range in iomem/qemu-virt.txt is ");

	put_le64(image + 16, 4000 * MiB);
	check_refused("kernel larger than RAM: the figures", &sys, image, NULL, 0, -ENOSPC,
		      "Image: kernel (text_offset + image_size) of 4000 MiB does not fit");

	/* text_offset + image_size wrapped: the kernel got memsz 0 and the
	 * DTB went on top of it; kexec_load then said only EINVAL. */
	put_le64(image + 8, 0x80000);
	put_le64(image + 16, UINT64_MAX - 0x7ffff);
	check_refused("image_size wrapping text_offset: refused by name", &sys, image, NULL, 0, -EINVAL,
		      "Image: kernel Image: image_size 0xfffffffffff80000 is beyond");
	put_le64(image + 8, 0);
	put_le64(image + 16, 8 * MiB);

	check_refused("empty initrd: says so, naming the file", &sys, image, huge, 0, -EINVAL,
		      "initrd: empty initrd");
	system_desc_free(&sys);

	/* 1 GiB of RAM, 32 MiB of it cut off by a reserved range. */
	memset(&sys, 0, sizeof(sys));
	sys.memory_source = "/proc/iomem";
	sys.page_size = 4096;
	mem_ranges_add(&sys.usable, 0x40000000, 0x42000000);
	mem_ranges_add(&sys.usable, 0x44000000, 0x80000000);
	plan_load(&l, &sys, image, 1 * MiB, huge, 900 * MiB, "dtb/qemu-virt.dtb", "x");
	CHECK_EQ("900 MiB initrd, 960 MiB free: fits", l.ret, 0);
	loaded_free(&l);
	check_refused("961 MiB initrd on a 1 GiB machine: the figures, not the 32 GiB window", &sys,
		      image, huge, 961 * MiB, -ENOSPC,
		      "initrd: initrd of 961 MiB does not fit: the largest usable RAM range in /proc/iomem is 960 MiB (992 MiB in all)");
	put_le64(image + 16, 40 * MiB); /* too large for the 32 MiB range */
	check_refused("950 MiB initrd beside a 40 MiB kernel: no room beside the others", &sys,
		      image, huge, 950 * MiB, -ENOSPC,
		      "initrd: no room for the initrd (972800 KiB) within 32 GiB of the kernel, beside the other segments");

	memcpy(image + 0x38, "XXXX", 4);
	check_refused("not an Image: message names the file", &sys, image, NULL, 0, -EINVAL,
		      "Image: not an arm64 Image");
	system_desc_free(&sys);
	free(image);
	free(huge);
}

/* RAM only above 2^48: a 48-bit identity map cannot reach the segments
 * (its builder once followed table pointers truncated to 48 bits, far
 * outside its buffer), so the purgatory hashes with the MMU off. */
static void test_ram_above_2_48(void)
{
	struct system_desc sys;
	struct loaded l;
	uint8_t *image = make_image(1 * MiB, 0, 8 * MiB, 0xa);
	const struct plan_segment *purg;

	memset(&sys, 0, sizeof(sys));
	sys.memory_source = "/proc/iomem";
	sys.page_size = 4096;
	mem_ranges_add(&sys.usable, 1ull << 48, (1ull << 48) + 256 * MiB);
	plan_load(&l, &sys, image, 1 * MiB, NULL, 0, "dtb/qemu-virt.dtb", "x");
	CHECK_EQ("RAM above 2^48: plan succeeds", l.ret, 0);
	CHECK_CONTAINS("RAM above 2^48: hashes with the MMU off, saying why", l.plan.notes,
		       "purgatory hashes with the MMU off: idmap:");
	purg = find_segment(&l.plan, "purgatory");
	CHECK("RAM above 2^48: purgatory segment holds no tables",
	      purg && purg->bufsz <= purg->memsz && purg->mem >= (1ull << 48));
	loaded_free(&l);

	/* Below and above: everything goes low, the map is built. */
	mem_ranges_add(&sys.usable, 0x40000000, 0x80000000);
	plan_load(&l, &sys, image, 1 * MiB, NULL, 0, "dtb/qemu-virt.dtb", "x");
	CHECK_EQ("RAM below and above 2^48: plan succeeds", l.ret, 0);
	CHECK_CONTAINS("RAM below and above 2^48: identity map", l.plan.notes,
		       "MMU and caches on");
	loaded_free(&l);
	system_desc_free(&sys);
	free(image);
}

/* Real data captured from QEMU's virt machine (tests/e2e/capture-fixtures.sh):
 * the running kernel's /proc/iomem and /sys/firmware/fdt, and the image_size
 * of Debian's bookworm cloud kernel. */
static void test_real_qemu(const char *mode)
{
	char iomem[64], fdt[64];
	struct system_desc sys;
	struct loaded l;
	struct uart_info uart;
	const struct plan_segment *kernel, *dtb;
	uint8_t *image = make_image(2 * MiB, 0, 0x1aa0000, 0xa);
	uint8_t initrd_data[4096] = { 7 };
	size_t i;

	snprintf(iomem, sizeof(iomem), "qemu-virt-arm64/iomem-%s.txt", mode);
	snprintf(fdt, sizeof(fdt), "qemu-virt-arm64/guest-fdt-%s.dtb", mode);
	system_from_iomem(iomem, &sys, 4096);
	plan_load(&l, &sys, image, 2 * MiB, initrd_data, sizeof(initrd_data), fdt, "console=ttyAMA0");
	CHECK_EQ("real QEMU map: plan succeeds", l.ret, 0);
	kernel = find_segment(&l.plan, "kernel");
	dtb = find_segment(&l.plan, "dtb");
	if (!l.ret && kernel && dtb) {
		/* Below the reserved range 0x41580000-0x419fffff the first 2 MiB
		 * aligned window is too small; the next starts at 0x41a00000,
		 * over the running kernel's data, which kexec may overwrite. */
		CHECK_EQ("real QEMU map: kernel at 0x41a00000", kernel->mem, 0x41a00000);
		for (i = 0; i < l.plan.nr_segments; i++)
			CHECK("real QEMU map: segment in usable RAM",
			      inside_usable(&sys, &l.plan.segments[i]));
		CHECK_EQ("real guest DTB: stdout-path is a UART we drive",
			 dtb_stdout_uart(l.dtb_blob, &uart), 0);
		CHECK("real guest DTB: PL011 at 0x9000000", uart.kind == UART_PL011 && uart.addr == 0x9000000);
		{
			int len = 0;
			const void *seed = fdt_getprop(dtb->buf, fdt_path_offset(dtb->buf, "/chosen"),
						       "kaslr-seed", &len);

			CHECK("real guest DTB: zeroed kaslr-seed replaced by a fresh one",
			      seed && len == 8 && read_cells(seed, 8) == 0x1122334455667788ull);
		}
	}
	loaded_free(&l);
	system_desc_free(&sys);
	free(image);
}

/* Reads a /chosen property of <address size> pairs (2+2 cells). */
static size_t read_pairs(const void *dtb, const char *name, uint64_t *out, size_t max)
{
	int len = 0, chosen = fdt_path_offset(dtb, "/chosen");
	const uint8_t *p = fdt_getprop(dtb, chosen, name, &len);
	size_t i, n = p && len > 0 ? (size_t)len / 16 : 0;

	for (i = 0; i < n && i < max; i++) {
		out[2 * i] = read_cells(p + 16 * i, 8);
		out[2 * i + 1] = read_cells(p + 16 * i + 8, 8);
	}
	return n;
}

static void test_crash_qemu(void)
{
	static const uint8_t header[1000] = { 0x7f, 'E', 'L', 'F' };
	struct system_desc sys;
	struct loaded l;
	const struct plan_segment *hdr, *dtb;
	uint8_t *image = make_image(2 * MiB, 0, 0x1aa0000, 0xa);
	uint8_t initrd_data[8192] = { 3 };
	uint64_t pairs[4];
	size_t i;

	system_for_crash("crash/qemu-arm64/iomem.txt", &sys);
	crash_header = header;
	crash_header_size = sizeof(header);
	plan_load(&l, &sys, image, 2 * MiB, initrd_data, sizeof(initrd_data),
		  "qemu-virt-arm64/guest-fdt-el2.dtb", "console=ttyAMA0 cma=0");
	crash_header = NULL;
	CHECK_EQ("crash: plan succeeds", l.ret, 0);
	hdr = find_segment(&l.plan, "elfcorehdr");
	dtb = find_segment(&l.plan, "dtb");
	if (l.ret || !hdr || !dtb) {
		printf("# %s\n", l.err.msg);
		goto out;
	}
	CHECK_EQ("crash: five segments (kernel, initrd, elfcorehdr, dtb, purgatory)", l.plan.nr_segments, 5);
	for (i = 0; i < l.plan.nr_segments; i++)
		CHECK("crash: every segment inside the Crash kernel region (0x6ac00000-0x7abfffff)",
		      l.plan.segments[i].mem >= 0x6ac00000 &&
		      l.plan.segments[i].mem + l.plan.segments[i].memsz <= 0x7ac00000);
	CHECK("crash: kernel 2 MiB aligned", find_segment(&l.plan, "kernel")->mem % (2 * MiB) == 0);
	CHECK("crash: elfcorehdr carries the header bytes", hdr->bufsz == sizeof(header) &&
	      memcmp(hdr->buf, header, 4) == 0);
	CHECK_EQ("crash: linux,elfcorehdr is one pair", read_pairs(dtb->buf, "linux,elfcorehdr", pairs, 2), 1);
	CHECK("crash: linux,elfcorehdr = <segment address, header size>",
	      pairs[0] == hdr->mem && pairs[1] == sizeof(header));
	CHECK_EQ("crash: one usable range", read_pairs(dtb->buf, "linux,usable-memory-range", pairs, 2), 1);
	CHECK("crash: usable range is the crash region", pairs[0] == 0x6ac00000 && pairs[1] == 0x10000000);
	{
		int chosen = fdt_path_offset(dtb->buf, "/chosen");

		CHECK("crash: no rng-seed (a seed frozen at load time is not fresh)",
		      !fdt_getprop(dtb->buf, chosen, "rng-seed", NULL));
		CHECK("crash: no kaslr-seed", !fdt_getprop(dtb->buf, chosen, "kaslr-seed", NULL));
		CHECK("crash: initrd properties point at the crash initrd",
		      fdt_getprop(dtb->buf, chosen, "linux,initrd-start", NULL) != NULL);
	}
	CHECK_CONTAINS("crash: the plan notes the seeds removed", l.plan.notes, "/chosen: removed ");
	CHECK_CONTAINS("crash: the plan notes kaslr-seed removed", l.plan.notes, "kaslr-seed");
	CHECK_EQ("crash: the purgatory verifies the crash segments", l.plan.purgatory_flags & 1, 1);
out:
	loaded_free(&l);
	system_desc_free(&sys);
	free(image);
}

/* Two crash regions (crashkernel=X,high plus its low part): all of them
 * are usable by the crash kernel, the low one written last. */
static void test_crash_two_regions(void)
{
	static const uint8_t header[512] = { 0x7f, 'E', 'L', 'F' };
	struct system_desc sys;
	struct loaded l;
	const struct plan_segment *dtb;
	uint8_t *image = make_image(1 * MiB, 0, 30 * MiB, 0xa);
	uint64_t pairs[6];
	size_t i;

	system_for_crash("iomem/server.txt", &sys);
	crash_header = header;
	crash_header_size = sizeof(header);
	plan_load(&l, &sys, image, 1 * MiB, NULL, 0, "dtb/two-bank.dtb", "x");
	crash_header = NULL;
	CHECK_EQ("two crash regions: plan succeeds", l.ret, 0);
	dtb = find_segment(&l.plan, "dtb");
	if (!l.ret && dtb) {
		CHECK_EQ("two crash regions: two usable ranges", read_pairs(dtb->buf, "linux,usable-memory-range", pairs, 3), 2);
		CHECK("two crash regions: high range first", pairs[0] == 0x7fa000000ull && pairs[1] == 0x4000000);
		CHECK("two crash regions: low range last", pairs[2] == 0x9f800000 && pairs[3] == 0x20000000);
		for (i = 0; i < l.plan.nr_segments; i++)
			CHECK("two crash regions: segment inside a crash region",
			      mem_ranges_contains(&sys.crash, l.plan.segments[i].mem,
						  l.plan.segments[i].mem + l.plan.segments[i].memsz));
	}
	loaded_free(&l);
	system_desc_free(&sys);
	free(image);
}

/* The test hook that lets the end-to-end test watch the purgatory halt:
 * exactly the named digest is wrong, the others stay right. */
static void test_corrupt_digest_hook(void)
{
	struct system_desc sys;
	struct loaded l;
	struct purgatory_layout layout;
	const struct plan_segment *purg;
	uint8_t *image = make_image(1 * MiB, 0, 4 * MiB, 0xa);
	size_t i;

	system_from_iomem("iomem/qemu-virt.txt", &sys, 4096);
	corrupt_digest = 1;
	plan_load(&l, &sys, image, 1 * MiB, NULL, 0, "dtb/qemu-virt.dtb", NULL);
	corrupt_digest = -1;
	purg = find_segment(&l.plan, "purgatory");
	CHECK("corrupt hook: plan succeeds", l.ret == 0 && purg);
	if (!l.ret && purg && purgatory_image_inspect(purg->buf, blob_size(), &layout, NULL) == 0) {
		const uint8_t *p = (const uint8_t *)purg->buf + layout.params_offset;
		const uint8_t *r = p + offsetof(struct purgatory_params, ranges);

		CHECK_EQ("corrupt hook: a range per segment (all under 4 MiB)",
			 get_le32(p + offsetof(struct purgatory_params, nr_ranges)), 2);
		for (i = 0; i < 2; i++) {
			const uint8_t *ri = r + i * sizeof(struct purgatory_range);
			uint8_t digest[32];

			sha256(l.plan.segments[i].buf, l.plan.segments[i].bufsz, digest);
			CHECK(i == 1 ? "corrupt hook: segment 1's digest is wrong"
				     : "corrupt hook: segment 0's digest is right",
			      (memcmp(ri + offsetof(struct purgatory_range, sha256), digest, 32) != 0) ==
				      (i == 1));
		}
	}
	loaded_free(&l);
	system_desc_free(&sys);
	free(image);
}

int main(int argc, char **argv)
{
	fixtures = fixtures_dir(argc, argv);
	test_corrupt_digest_hook();
	test_chunked_digests();
	test_digest_chunk_size();
	test_real_qemu("el2");
	test_real_qemu("el1");
	test_crash_qemu();
	test_crash_two_regions();
	test_qemu_virt();
	test_purgatory_params();
	test_server_layout();
	test_uefi_dtb();
	test_64k_pages();
	test_does_not_fit();
	test_ram_above_2_48();
	return check_status();
}
