/* The one interface every architecture backend implements.  A backend turns
 * a load request and a description of the running system into segments for
 * the kernel, initrd and DTB plus the next kernel's entry registers; the
 * core then adds the purgatory and everything common. */
#ifndef KEXEC_ARCH_H
#define KEXEC_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dtb.h"
#include "error.h"
#include "memrange.h"
#include "plan.h"

struct input_file {
	const char *path;
	const uint8_t *data;
	size_t size;
};

/* The kernel as the backend sees it: whatever containers and compression
 * the file had are already removed (kexec/format.h). */
struct kernel_file {
	const char *path;
	const uint8_t *data;     /* the payload: an arm64 Image, a zImage, ... */
	size_t size;
	char chain[192];         /* how it was found: "uImage -> gzip -> zImage" */
	int format;              /* what data is: an enum file_format (format.h) */
	bool has_load_addr;      /* a container (uImage) said where it goes */
	uint64_t load_addr;
	uint64_t entry_addr;
	/* A UKI's own initrd and command line (kexec/uki.h): pointers into
	 * the file's bytes; NULL when the UKI has none or the kernel is not
	 * a UKI. */
	struct {
		bool present;            /* the kernel came from a UKI */
		const uint8_t *initrd;   /* .initrd, or NULL */
		size_t initrd_size;
		const char *cmdline;     /* .cmdline, NOT NUL-terminated, */
		size_t cmdline_len;      /* already cut at a NUL and trimmed */
	} uki;
};

struct load_request {
	struct kernel_file kernel;
	struct input_file initrd;   /* data NULL: no initrd */
	struct input_file dtb;      /* --dtb, or the running system's */
	const char *cmdline;        /* NULL: keep the DTB's bootargs */
	/* -p: a crash kernel.  Everything goes inside sys->crash, and the
	 * backend places the ELF core header and tells the kernel where. */
	bool crash;
	const uint8_t *elfcorehdr;
	size_t elfcorehdr_size;
	/* arm --atags: the running kernel's ATAG list (/proc/atags); the next
	 * kernel boots with it instead of `dtb`.  data NULL: boot with `dtb`. */
	struct input_file atags;
	bool has_machine_type;      /* --machine-type: r1 for an ATAG boot */
	uint32_t machine_type;
};

struct system_desc {
	struct mem_ranges usable;    /* where segments may go (a crash load:
				      * the crash regions only) */
	struct mem_ranges crash;     /* the "Crash kernel" regions */
	const char *memory_source;   /* for messages: "/proc/iomem", ... */
	uint64_t page_size;
	uint8_t rng_seed[64];        /* fresh entropy for the next kernel */
	uint64_t kaslr_seed;
};

struct arch_backend {
	const char *name;             /* "arm64" */
	const char *machines[8];      /* uname -m values it serves */
	uint32_t kexec_arch;          /* KEXEC_ARCH_*, for kexec_load's flags */
	uint16_t elf_machine;         /* EM_*, for the crash ELF core header */
	const uint8_t *purgatory;     /* the embedded purgatory image, */
	const uint8_t *purgatory_end; /* up to here */
	/* First physical address the purgatory cannot reach with the MMU off
	 * (arm: 4 GiB, even with LPAE); 0: no limit. */
	uint64_t addressable_end;
	bool accepts_atags;           /* can boot a kernel with ATAGs */
	bool has_file_syscall;        /* Linux has kexec_file_load(2) here */
	/* The next kernel's COMMAND_LINE_SIZE, NUL included: it silently
	 * drops what is past it, so a longer line is refused. */
	size_t command_line_size;
	int (*plan_kernel)(const struct load_request *req,
			   const struct system_desc *sys, struct plan *plan,
			   struct error *err);
	/* Optional: translation tables that let the purgatory hash with the
	 * MMU and caches on.  `bound` gives an upper bound of 4 KiB pages for
	 * the plan's segments, a purgatory of `purgatory_size` bytes and the
	 * UART; `build` writes them for a purgatory at `purgatory_addr` and
	 * tables at `tables_addr`, returning the pages used. */
	size_t (*idmap_bound)(const struct plan *plan, uint64_t purgatory_size,
			      const struct uart_info *uart);
	int (*idmap_build)(const struct plan *plan, uint64_t purgatory_addr,
			   uint64_t purgatory_size, const struct uart_info *uart,
			   uint64_t tables_addr, uint8_t *tables, size_t pages,
			   size_t *used, struct error *err);
};

extern const struct arch_backend arm64_backend;
extern const struct arch_backend arm_backend;

/* The backend named `name` (NULL: the one for this machine's uname -m). */
const struct arch_backend *arch_backend_find(const char *name);
/* The backend that serves this uname -m, or NULL. */
const struct arch_backend *arch_backend_for_machine(const char *machine);

#endif
