/* /proc/iomem, read as the kernel's account of physical memory. */
#ifndef KEXEC_IOMEM_H
#define KEXEC_IOMEM_H

#include <stddef.h>

#include "error.h"
#include "memrange.h"

struct system_memory {
	struct mem_ranges ram;         /* top-level "System RAM" */
	struct mem_ranges reserved;    /* "reserved" nested (at any depth) in System RAM */
	struct mem_ranges crash;       /* "Crash kernel" (one or two on arm64) */
	struct mem_ranges kernel_image;/* "Kernel code" + "Kernel data" */
};

void system_memory_init(struct system_memory *mem);
void system_memory_free(struct system_memory *mem);

/* Parses the text of /proc/iomem.  Nesting is given by indentation (two
 * spaces per level).  A listing whose addresses are all zero (what a
 * non-root reader gets) is rejected with -EPERM and a message saying so;
 * a malformed line is -EINVAL naming the line number. */
int iomem_parse(const char *text, size_t len, struct system_memory *mem,
		struct error *err);

/* RAM a normal (not crash) load may use: System RAM minus reserved ranges
 * minus the crash regions. */
int system_memory_usable(const struct system_memory *mem,
			 struct mem_ranges *usable);

#endif
