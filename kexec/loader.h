/* The whole plan for one load: the backend's segments, then the purgatory
 * that verifies them.  Pure: inputs in, plan out. */
#ifndef KEXEC_LOADER_H
#define KEXEC_LOADER_H

#include <stdbool.h>
#include <stdio.h>

#include "arch.h"
#include "dtb.h"
#include "plan.h"

struct load_options {
	bool verify;              /* false with -i/--no-checks */
	bool verbose_purgatory;   /* the purgatory says when it passes (-d) */
	const struct uart_info *uart; /* NULL: none; kind UART_NONE: silence */
	/* Test hook: record a wrong digest for this segment index (-1: none)
	 * so that a test can watch the purgatory refuse to boot. */
	int corrupt_digest;
	/* Test knobs, so one CPU can exercise every path of the purgatory:
	 * hash with the portable code, or with the MMU and caches off. */
	bool portable_hash;
	bool uncached_hash;
	/* Threads to hash the segments on (0: one): the CPUs online. */
	unsigned int hash_threads;
};

int loader_plan(const struct arch_backend *arch, const struct load_request *req,
		const struct system_desc *sys, const struct load_options *opts,
		struct plan *plan, struct error *err);

/* Prints the plan as --dry-run and -d show it. */
void loader_print_plan(FILE *out, const struct arch_backend *arch,
		       const struct system_desc *sys, const struct plan *plan,
		       const struct uart_info *uart);

#endif
