#include "loader.h"

#include <errno.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "params.h"
#include "purgatory_image.h"

int loader_plan(const struct arch_backend *arch, const struct load_request *req,
		const struct system_desc *sys, const struct load_options *opts,
		struct plan *plan, struct error *err)
{
	const size_t blob_size = (size_t)(arch->purgatory_end - arch->purgatory);
	struct purgatory_layout layout;
	uint8_t *purgatory = NULL;
	uint64_t addr;
	int ret;

	plan_init(plan, sys->page_size);
	if (req->kernel.chain[0])
		plan_note(plan, "kernel file: %s", req->kernel.chain);
	ret = arch->plan_kernel(req, sys, plan, err);
	if (ret)
		return ret;
	plan_hash_segments(plan);
	plan->purgatory_flags = (opts->verify ? PURGATORY_VERIFY : 0) |
				(opts->verbose_purgatory ? PURGATORY_VERBOSE : 0);

	ret = purgatory_image_fill(arch->purgatory, blob_size, plan, opts->uart,
				   &purgatory, &layout, err);
	if (ret)
		return ret;
	if (opts->corrupt_digest >= 0 && (size_t)opts->corrupt_digest < plan->nr_segments) {
		purgatory[layout.params_offset + offsetof(struct purgatory_params, segments) +
			  (size_t)opts->corrupt_digest * sizeof(struct purgatory_segment) +
			  offsetof(struct purgatory_segment, sha256)] ^= 0x01;
		plan_note(plan, "TEST HOOK: the digest of segment %d is deliberately wrong",
			  opts->corrupt_digest);
	}
	if (plan_find_space(plan, &sys->usable, layout.mem_size, plan->page_size, 0,
			    UINT64_MAX, &addr)) {
		free(purgatory);
		return error_set(err, -ENOSPC, "no room for the purgatory (%u bytes)",
				 layout.mem_size);
	}
	ret = plan_add_segment(plan, "purgatory", "built in", purgatory, blob_size,
			       addr, layout.mem_size, purgatory, err);
	if (ret)
		return ret;
	/* Hashed for the printed plan only: the purgatory cannot check itself. */
	sha256(purgatory, blob_size, plan->segments[plan->nr_segments - 1].sha256);
	plan->entry = addr;
	return 0;
}

static void print_digest(FILE *out, const uint8_t *digest)
{
	int i;

	for (i = 0; i < SHA256_DIGEST_SIZE; i++)
		fprintf(out, "%02x", digest[i]);
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
	fprintf(out, "segments:\n");
	for (i = 0; i < plan->nr_segments; i++) {
		const struct plan_segment *seg = &plan->segments[i];

		fprintf(out, "  %zu %-9s 0x%09" PRIx64 "-0x%09" PRIx64 " memsz 0x%" PRIx64
			" bufsz 0x%zx from %s\n", i, seg->name, seg->mem,
			seg->mem + seg->memsz - 1, seg->memsz, seg->bufsz, seg->source);
		fprintf(out, "    sha256 ");
		print_digest(out, seg->sha256);
		fputc('\n', out);
	}
	fprintf(out, "entry: 0x%" PRIx64 " (purgatory)\n", plan->entry);
	fprintf(out, "purgatory: %s %zu segment%s, then jumps to 0x%" PRIx64 "\n",
		(plan->purgatory_flags & PURGATORY_VERIFY) ? "verifies" : "does NOT verify (--no-checks)",
		plan->nr_segments - 1, plan->nr_segments == 2 ? "" : "s",
		plan->kernel_entry);
	fprintf(out, "  registers: 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64 "\n",
		plan->kernel_regs[0], plan->kernel_regs[1], plan->kernel_regs[2],
		plan->kernel_regs[3]);
	if (uart && uart->kind != UART_NONE)
		fprintf(out, "  reports on: %s at 0x%" PRIx64 "\n", uart_name(uart), uart->addr);
	else
		fprintf(out, "  reports on: nothing (no console known; see --serial)\n");
}
