#include "loader.h"

#include <errno.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atags.h"
#include "params.h"

/* 16 MiB of identity-map tables maps a few TiB of segments: more is not
 * a real plan (and would not fit a 32-bit size_t for long). */
#define IDMAP_TABLE_PAGES_MAX 4096
#include "purgatory_image.h"

/* Appends the backend's identity map to the purgatory's copy (which grows
 * to cover its bss and stack too, as zeros) and tells the purgatory where
 * it is.  A map that cannot be made (memory past what the tables reach)
 * only costs speed: the purgatory then hashes uncached. */
static int add_idmap(const struct arch_backend *arch, struct plan *plan,
		     const struct load_options *opts, uint64_t addr, uint64_t code_size,
		     size_t table_pages, uint8_t **purgatory,
		     const struct purgatory_layout *layout, size_t *bufsz,
		     struct error *err)
{
	struct error why = { { 0 } };
	size_t used = 0, bytes = (size_t)code_size + table_pages * 4096;
	uint8_t *grown = realloc(*purgatory, bytes);

	/* The caller bounded table_pages so that bytes fits a size_t. */
	if (!grown) {
		free(*purgatory);
		return error_set(err, -ENOMEM, "out of memory");
	}
	*purgatory = grown;
	memset(grown + *bufsz, 0, bytes - *bufsz);
	if (arch->idmap_build(plan, addr, code_size, opts->uart, addr + code_size,
			      grown + code_size, table_pages, &used, &why)) {
		plan_note(plan, "purgatory hashes with the MMU off: %s", why.msg);
		return 0;
	}
	purgatory_image_set_idmap(grown, layout, addr + code_size, (uint64_t)used * 4096);
	*bufsz = (size_t)code_size + used * 4096;
	plan_note(plan, "purgatory hashes with the MMU and caches on (identity map: %zu pages)",
		  used);
	return 0;
}

int loader_plan(const struct arch_backend *arch, const struct load_request *req,
		const struct system_desc *sys, const struct load_options *opts,
		struct plan *plan, struct error *err)
{
	const size_t blob_size = (size_t)(arch->purgatory_end - arch->purgatory);
	struct purgatory_layout layout;
	uint8_t *purgatory = NULL;
	uint64_t addr, code_size;
	size_t table_pages = 0, bufsz = blob_size;
	int ret;

	plan_init(plan, sys->page_size);
	if (sys->page_size < 4096 || (sys->page_size & (sys->page_size - 1)))
		return error_set(err, -EINVAL, "page size %" PRIu64 " is not a power of two of at least 4096",
				 sys->page_size);
	/* kexec-tools loads nothing for an empty file and boots without an
	 * initrd; an empty initrd is almost surely a mistake (a failed
	 * mkinitramfs, a wrong path under /boot), so it is refused. */
	if (req->initrd.data && req->initrd.size == 0)
		return error_set(err, -EINVAL, "%s: empty initrd", req->initrd.path);
	if (req->kernel.chain[0])
		/* With the backend's own note (text_offset, image_size), this
		 * says what was loaded: "zboot(zstd) -> Image, 27 MiB". */
		plan_note(plan, "kernel file: %s, %zu %s", req->kernel.chain,
			  req->kernel.size >= (10u << 20) ? req->kernel.size >> 20 : req->kernel.size >> 10,
			  req->kernel.size >= (10u << 20) ? "MiB" : "KiB");
	ret = arch->plan_kernel(req, sys, plan, err);
	if (ret)
		return ret;
	/* Nothing checks the digests with --no-checks: skip the work. */
	if (opts->verify) {
		ret = plan_hash_segments(plan, opts->hash_threads, err);
		if (ret)
			return ret;
	}
	plan->purgatory_flags |= (opts->verify ? PURGATORY_VERIFY : 0) |
				 (opts->verbose_purgatory ? PURGATORY_VERBOSE : 0) |
				 (opts->portable_hash ? PURGATORY_PORTABLE_HASH : 0);

	ret = purgatory_image_fill(arch->purgatory, blob_size, plan, opts->uart,
				   &purgatory, &layout, err);
	if (ret)
		return ret;
	if (opts->corrupt_digest >= 0 && (size_t)opts->corrupt_digest < plan->nr_segments) {
		size_t i;

		/* The segment's first range: its start, where a kernel's header is. */
		for (i = 0; i < plan->nr_digests; i++)
			if (plan->digests[i].segment == (size_t)opts->corrupt_digest)
				break;
		if (i < plan->nr_digests) {
			purgatory[layout.params_offset + offsetof(struct purgatory_params, ranges) +
				  i * sizeof(struct purgatory_range) +
				  offsetof(struct purgatory_range, sha256)] ^= 0x01;
			plan_note(plan, "TEST HOOK: the digest of segment %d is deliberately wrong",
				  opts->corrupt_digest);
		}
	}
	/* Room for identity-map tables after the purgatory's own memory, when
	 * the backend can make them and there is something to hash. */
	code_size = (layout.mem_size + 4095) & ~(uint64_t)4095;
	if (arch->idmap_bound && opts->verify && !opts->uncached_hash) {
		table_pages = arch->idmap_bound(plan, code_size, opts->uart);
		/* Tables beyond this (segments of hundreds of GiB, or none
		 * the map can reach: bound 0) are not worth their memory. */
		if (table_pages > IDMAP_TABLE_PAGES_MAX)
			table_pages = 0;
		if (!table_pages)
			plan_note(plan, "purgatory hashes with the MMU off: no identity map covers these segments");
	}
	if (plan_find_space(plan, &sys->usable, code_size + table_pages * 4096, plan->page_size, 0,
			    arch->addressable_end ? arch->addressable_end - 1 : UINT64_MAX,
			    &addr)) {
		char below[40] = "";

		free(purgatory);
		ret = plan_fits_at_all(&sys->usable, code_size + table_pages * 4096, req->crash,
				       sys->memory_source, NULL, "the purgatory", err);
		if (ret)
			return ret;
		if (arch->addressable_end)
			snprintf(below, sizeof(below), " below 0x%" PRIx64, arch->addressable_end);
		return error_set(err, -ENOSPC, "no room for the purgatory (%" PRIu64 " bytes) beside the other segments%s in %s",
				 code_size + table_pages * 4096, below, sys->memory_source);
	}
	if (table_pages) {
		ret = add_idmap(arch, plan, opts, addr, code_size, table_pages, &purgatory,
				&layout, &bufsz, err);
		if (ret)
			return ret;
	}
	ret = plan_add_segment(plan, "purgatory", "built in", purgatory, bufsz,
			       addr, code_size + table_pages * 4096, purgatory, err);
	if (ret)
		return ret;
	plan->entry = addr;
	return plan_check_inside(plan, &sys->usable, err);
}

static void print_digest(FILE *out, const uint8_t *digest)
{
	int i;

	for (i = 0; i < SHA256_DIGEST_SIZE; i++)
		fprintf(out, "%02x", digest[i]);
}

/* The segment's digests: one line for a segment hashed whole (the same
 * value sha256sum gives for its file, when the file is loaded as is), or a
 * line per chunk with the chunk's place in the segment. */
static void print_digests(FILE *out, const struct plan *plan, size_t segment)
{
	size_t i, n = 0;

	for (i = 0; i < plan->nr_digests; i++)
		n += plan->digests[i].segment == segment;
	for (i = 0; i < plan->nr_digests; i++) {
		const struct plan_digest *d = &plan->digests[i];

		if (d->segment != segment)
			continue;
		fprintf(out, "    sha256 ");
		print_digest(out, d->sha256);
		if (n > 1)
			fprintf(out, " bytes 0x%" PRIx64 "-0x%" PRIx64, d->offset,
				d->offset + d->size - 1);
		fputc('\n', out);
	}
}

static const char *uart_name(const struct uart_info *uart)
{
	if (!uart)
		return "none";
	switch (uart->kind) {
	case UART_PL011:
		return "pl011";
	case UART_NS16550:
		return "ns16550";
	default:
		return "none";
	}
}

void loader_print_plan(FILE *out, const struct arch_backend *arch,
		       const struct system_desc *sys, const struct plan *plan,
		       const struct uart_info *uart)
{
	size_t i;

	fprintf(out, "architecture: %s (kexec_load flags 0x%x)\n", arch->name,
		arch->kexec_arch);
	fprintf(out, "memory from: %s, page size %" PRIu64 "\n", sys->memory_source,
		plan->page_size);
	fputs(plan->notes, out);
	/* The next kernel's command line and /chosen (or ATAGs), exactly as
	 * written. */
	for (i = 0; i < plan->nr_segments; i++) {
		if (!strcmp(plan->segments[i].name, "dtb"))
			dtb_print_chosen(out, plan->segments[i].buf);
		else if (!strcmp(plan->segments[i].name, "atags"))
			atags_print(out, plan->segments[i].buf, plan->segments[i].bufsz);
	}
	fprintf(out, "segments:\n");
	for (i = 0; i < plan->nr_segments; i++) {
		const struct plan_segment *seg = &plan->segments[i];

		fprintf(out, "  %zu %-9s 0x%09" PRIx64 "-0x%09" PRIx64 " memsz 0x%" PRIx64
			" bufsz 0x%zx from %s\n", i, seg->name, seg->mem,
			seg->mem + seg->memsz - 1, seg->memsz, seg->bufsz, seg->source);
		print_digests(out, plan, i);
	}
	fprintf(out, "entry: 0x%" PRIx64 " (purgatory)\n", plan->entry);
	fprintf(out, "purgatory: %s %zu segment%s, then jumps to 0x%" PRIx64 "\n",
		(plan->purgatory_flags & PURGATORY_VERIFY) ? "verifies" : "does NOT verify (--no-checks)",
		plan->nr_segments - 1, plan->nr_segments == 2 ? "" : "s",
		plan->kernel_entry);
	if (plan->nr_digests)
		fprintf(out, "  checks: %zu SHA-256 digests, of chunks of up to %" PRIu64 " MiB\n",
			plan->nr_digests, plan->digest_chunk >> 20);
	fprintf(out, "  registers: 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64 "\n",
		plan->kernel_regs[0], plan->kernel_regs[1], plan->kernel_regs[2],
		plan->kernel_regs[3]);
	if (uart && uart->kind != UART_NONE)
		fprintf(out, "  reports on: %s at 0x%" PRIx64 "\n", uart_name(uart), uart->addr);
	else
		fprintf(out, "  reports on: nothing (no console known; see --serial)\n");
}
