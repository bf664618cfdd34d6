/* The whole pure planner (loader_plan) from one input, for the arm64 and
 * arm harnesses.  Parts (fuzz_split):
 *   0 flags: byte 0  bit 0 crash load, 1 --no-checks, 2 hash uncached,
 *                    3 portable hash, 4-5 memory from: 0 /proc/iomem text,
 *                    1 the DTB, 2-3 raw (start, size) u64 pairs,
 *                    6 an initrd (part 2, even empty), 7 no command line
 *            byte 1  bits 0-1 page size (4K, 16K, 64K, 4K), 2 no UART,
 *                    3 --atags (part 6), 4 a container load address,
 *                    5 --machine-type
 *            bytes 2-9 load address, 10-13 entry offset from it (u32),
 *                    14-17 machine type
 *   1 kernel  2 initrd  3 DTB  4 memory  5 command line
 *   6 ATAG list, or the ELF core header of a crash load
 * On success every segment must be whole pages that do not wrap, inside
 * the memory the system description allows, disjoint from the others,
 * with bufsz <= memsz, and the digests must cover each hashed segment's
 * bytes in order with the right SHA-256.  On failure: a negative code and
 * one message line. */
#ifndef TESTS_FUZZ_PLAN_H
#define TESTS_FUZZ_PLAN_H

#include <errno.h>

#include "arch.h"
#include "byteorder.h"
#include "dtb.h"
#include "fuzz_util.h"
#include "iomem.h"
#include "loader.h"
#include "sha256.h"
#include "system.h"

enum { PART_FLAGS, PART_KERNEL, PART_INITRD, PART_DTB, PART_MEMORY, PART_CMDLINE,
       PART_EXTRA, NR_PARTS };

#define FLAG_CRASH 0x01
#define FLAG_NO_CHECKS 0x02
#define FLAG_UNCACHED 0x04
#define FLAG_PORTABLE 0x08
#define FLAG_MEMORY_SHIFT 4
#define FLAG_INITRD 0x40
#define FLAG_NO_CMDLINE 0x80
#define FLAG1_PAGE_MASK 0x03
#define FLAG1_NO_UART 0x04
#define FLAG1_ATAGS 0x08
#define FLAG1_LOAD_ADDR 0x10
#define FLAG1_MACHINE_TYPE 0x20

static uint8_t fuzz_flag(const struct fuzz_part *flags, size_t i)
{
	return i < flags->size ? flags->data[i] : 0;
}

/* Raw memory: (start, size) pairs, little endian; in a crash load every
 * second pair is a crash region instead of RAM. */
static void fuzz_raw_memory(const struct fuzz_part *p, bool crash, struct system_desc *sys)
{
	size_t i;

	for (i = 0; i + 16 <= p->size; i += 16) {
		uint64_t start = get_le64(p->data + i), size = get_le64(p->data + i + 8);

		if (size == 0 || size > UINT64_MAX - start)
			continue;
		mem_ranges_add(crash && (i / 16) % 2 ? &sys->crash : &sys->usable, start,
			       start + size);
	}
}

/* The system as system_describe would give it, from the memory part (or
 * the DTB).  Returns false when there is nothing to plan on. */
static bool fuzz_describe(const struct fuzz_part *parts, const void *dtb, bool crash,
			  struct system_desc *sys)
{
	uint8_t mode = (fuzz_flag(&parts[PART_FLAGS], 0) >> FLAG_MEMORY_SHIFT) & 3;
	struct error err = { { 0 } };
	bool ok = true;

	if (mode == 0) {
		struct fuzz_part whole = parts[PART_MEMORY];
		char *text = fuzz_dup(&whole);
		struct system_memory mem;

		system_memory_init(&mem);
		ok = iomem_parse(text, whole.size, &mem, &err) == 0 &&
		     mem_ranges_copy(&sys->crash, &mem.crash) == 0 &&
		     (crash ? mem_ranges_copy(&sys->usable, &mem.crash)
			    : system_memory_usable(&mem, &sys->usable)) == 0;
		system_memory_free(&mem);
		free(text);
	} else if (mode == 1) {
		struct mem_ranges reserved;

		mem_ranges_init(&reserved);
		ok = dtb && dtb_memory(dtb, &sys->usable, &reserved, &err) == 0 &&
		     mem_ranges_subtract_all(&sys->usable, &reserved) == 0;
		mem_ranges_free(&reserved);
		if (ok && crash)
			ok = mem_ranges_copy(&sys->crash, &sys->usable) == 0;
	} else {
		fuzz_raw_memory(&parts[PART_MEMORY], crash, sys);
		/* A system description holds its sets normalized, as
		 * system_describe builds them; backends read them. */
		mem_ranges_normalize(&sys->usable);
		mem_ranges_normalize(&sys->crash);
		if (crash)
			ok = mem_ranges_copy(&sys->usable, &sys->crash) == 0;
	}
	if (!ok && err.msg[0])
		FUZZ_ASSERT_MESSAGE(&err);
	return ok;
}

static void fuzz_check_digests(const struct plan *plan, size_t segment)
{
	const struct plan_segment *seg = &plan->segments[segment];
	uint64_t at = 0;
	size_t i, n = 0;

	for (i = 0; i < plan->nr_digests; i++) {
		const struct plan_digest *d = &plan->digests[i];
		uint8_t digest[SHA256_DIGEST_SIZE];

		if (d->segment != segment)
			continue;
		FUZZ_ASSERT(d->offset == at && d->size <= seg->bufsz - at,
			    "%s: digest %zu covers 0x%llx+0x%llx, expected from 0x%llx of 0x%zx",
			    seg->name, i, (unsigned long long)d->offset,
			    (unsigned long long)d->size, (unsigned long long)at, seg->bufsz);
		FUZZ_ASSERT(d->size <= plan->digest_chunk, "%s: digest %zu longer than a chunk",
			    seg->name, i);
		sha256((const uint8_t *)seg->buf + d->offset, (size_t)d->size, digest);
		FUZZ_ASSERT(!memcmp(digest, d->sha256, sizeof(digest)),
			    "%s: digest %zu does not match its bytes", seg->name, i);
		at += d->size;
		n++;
	}
	FUZZ_ASSERT(n > 0 && at == seg->bufsz, "%s: digests cover 0x%llx of 0x%zx bytes (%zu ranges)",
		    seg->name, (unsigned long long)at, seg->bufsz, n);
}

static void fuzz_check_plan(const struct plan *plan, const struct system_desc *sys,
			    bool crash, bool verify)
{
	size_t i, j;

	FUZZ_ASSERT(plan->nr_segments >= 2 && plan->nr_segments <= PLAN_MAX_SEGMENTS,
		    "%zu segments", plan->nr_segments);
	for (i = 0; i < plan->nr_segments; i++) {
		const struct plan_segment *a = &plan->segments[i];

		FUZZ_ASSERT(a->mem % plan->page_size == 0 && a->memsz % plan->page_size == 0 &&
			    a->memsz > 0, "%s at 0x%llx+0x%llx not whole pages", a->name,
			    (unsigned long long)a->mem, (unsigned long long)a->memsz);
		FUZZ_ASSERT(a->memsz <= UINT64_MAX - a->mem, "%s wraps", a->name);
		FUZZ_ASSERT(a->bufsz <= a->memsz, "%s: bufsz 0x%zx > memsz 0x%llx", a->name,
			    a->bufsz, (unsigned long long)a->memsz);
		FUZZ_ASSERT(mem_ranges_contains(&sys->usable, a->mem, a->mem + a->memsz),
			    "%s at 0x%llx+0x%llx outside usable memory", a->name,
			    (unsigned long long)a->mem, (unsigned long long)a->memsz);
		FUZZ_ASSERT(!crash || mem_ranges_contains(&sys->crash, a->mem, a->mem + a->memsz),
			    "%s at 0x%llx outside the crash region", a->name,
			    (unsigned long long)a->mem);
		for (j = 0; j < i; j++) {
			const struct plan_segment *b = &plan->segments[j];

			FUZZ_ASSERT(a->mem >= b->mem + b->memsz || b->mem >= a->mem + a->memsz,
				    "%s at 0x%llx overlaps %s at 0x%llx", a->name,
				    (unsigned long long)a->mem, b->name, (unsigned long long)b->mem);
		}
	}
	/* The purgatory comes last and is not hashed: it is what hashes. */
	FUZZ_ASSERT(!strcmp(plan->segments[plan->nr_segments - 1].name, "purgatory") &&
		    plan->entry == plan->segments[plan->nr_segments - 1].mem,
		    "the entry is not the purgatory");
	if (verify)
		for (i = 0; i + 1 < plan->nr_segments; i++)
			fuzz_check_digests(plan, i);
	else
		FUZZ_ASSERT(plan->nr_digests == 0, "digests with --no-checks");
}

static int fuzz_plan(const struct arch_backend *arch, const uint8_t *data, size_t size)
{
	static const uint64_t pages[] = { 4096, 16384, 65536, 4096 };
	struct fuzz_part parts[NR_PARTS];
	const struct fuzz_part *flags = &parts[PART_FLAGS];
	struct load_request req = { 0 };
	struct load_options opts = { .corrupt_digest = -1 };
	struct uart_info uart = { .kind = UART_PL011, .addr = 0x9000000 };
	struct system_desc sys;
	struct plan plan;
	struct error err = { { 0 } };
	char *cmdline, *dtb, *kernel, *initrd, *extra;
	bool atags;
	int ret;

	fuzz_split(data, size, parts, NR_PARTS);
	/* Heap copies of exactly their size: ASan sees any read past them. */
	kernel = fuzz_dup(&parts[PART_KERNEL]);
	initrd = fuzz_dup(&parts[PART_INITRD]);
	dtb = fuzz_dup(&parts[PART_DTB]);
	cmdline = fuzz_dup(&parts[PART_CMDLINE]);
	extra = fuzz_dup(&parts[PART_EXTRA]);
	memset(&sys, 0, sizeof(sys));
	mem_ranges_init(&sys.usable);
	mem_ranges_init(&sys.crash);
	sys.memory_source = "fuzz";
	sys.page_size = arch->accepts_atags ? 4096 : pages[fuzz_flag(flags, 1) & FLAG1_PAGE_MASK];

	req.crash = fuzz_flag(flags, 0) & FLAG_CRASH;
	atags = arch->accepts_atags && !req.crash && (fuzz_flag(flags, 1) & FLAG1_ATAGS);
	req.kernel.path = "kernel";
	req.kernel.data = (const uint8_t *)kernel;
	req.kernel.size = parts[PART_KERNEL].size;
	if (fuzz_flag(flags, 1) & FLAG1_LOAD_ADDR) {
		uint8_t b[12] = { 0 };
		size_t i;

		for (i = 0; i < sizeof(b); i++)
			b[i] = fuzz_flag(flags, 2 + i);
		req.kernel.has_load_addr = true;
		req.kernel.load_addr = get_le64(b);
		req.kernel.entry_addr = req.kernel.load_addr + get_le32(b + 8);
	}
	if (fuzz_flag(flags, 0) & FLAG_INITRD)
		req.initrd = (struct input_file){ "initrd", (const uint8_t *)initrd,
						  parts[PART_INITRD].size };
	if (!(fuzz_flag(flags, 0) & FLAG_NO_CMDLINE))
		req.cmdline = cmdline;
	if (atags) {
		req.atags = (struct input_file){ "atags", (const uint8_t *)extra,
						 parts[PART_EXTRA].size };
		req.has_machine_type = fuzz_flag(flags, 1) & FLAG1_MACHINE_TYPE;
		req.machine_type = (uint32_t)fuzz_flag(flags, 14) | (uint32_t)fuzz_flag(flags, 15) << 8;
	} else {
		/* As main.c: the DTB is checked before anything uses it. */
		ret = dtb_check(dtb, parts[PART_DTB].size, "dtb", &err);
		if (ret && getenv("FUZZ_PLAN_VERBOSE"))
			fprintf(stderr, "dtb_check: %s\n", err.msg);
		if (ret) {
			FUZZ_ASSERT(ret < 0, "dtb_check returned %d", ret);
			FUZZ_ASSERT_MESSAGE(&err);
			goto out;
		}
		req.dtb = (struct input_file){ "dtb", (const uint8_t *)dtb, parts[PART_DTB].size };
	}
	if (req.crash) {
		req.elfcorehdr = (const uint8_t *)extra;
		req.elfcorehdr_size = parts[PART_EXTRA].size;
	}
	if (!fuzz_describe(parts, req.dtb.data, req.crash, &sys)) {
		if (getenv("FUZZ_PLAN_VERBOSE"))
			fprintf(stderr, "no memory described\n");
		goto out;
	}

	opts.verify = !(fuzz_flag(flags, 0) & FLAG_NO_CHECKS);
	opts.uncached_hash = fuzz_flag(flags, 0) & FLAG_UNCACHED;
	opts.portable_hash = fuzz_flag(flags, 0) & FLAG_PORTABLE;
	opts.uart = fuzz_flag(flags, 1) & FLAG1_NO_UART ? NULL : &uart;
	ret = loader_plan(arch, &req, &sys, &opts, &plan, &err);
	/* FUZZ_PLAN_VERBOSE=1: what became of each input (to see that seeds
	 * reach a plan rather than an early error). */
	if (getenv("FUZZ_PLAN_VERBOSE"))
		fprintf(stderr, "plan: %s\n", ret ? err.msg : "ok");
	if (ret) {
		FUZZ_ASSERT(ret < 0, "loader_plan returned %d", ret);
		FUZZ_ASSERT_MESSAGE(&err);
	} else {
		fuzz_check_plan(&plan, &sys, req.crash, opts.verify);
	}
	plan_free(&plan);
out:
	system_desc_free(&sys);
	free(kernel);
	free(initrd);
	free(dtb);
	free(cmdline);
	free(extra);
	return 0;
}

#endif
