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
	bool has_load_addr;      /* a container (uImage) said where it goes */
	uint64_t load_addr;
	uint64_t entry_addr;
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
	const char *machines[4];      /* uname -m values it serves */
	uint32_t kexec_arch;          /* KEXEC_ARCH_*, for kexec_load's flags */
	uint16_t elf_machine;         /* EM_*, for the crash ELF core header */
	const uint8_t *purgatory;     /* the embedded purgatory image, */
	const uint8_t *purgatory_end; /* up to here */
	int (*plan_kernel)(const struct load_request *req,
			   const struct system_desc *sys, struct plan *plan,
			   struct error *err);
};

extern const struct arch_backend arm64_backend;

/* The backend named `name` (NULL: the one for this machine's uname -m). */
const struct arch_backend *arch_backend_find(const char *name);
/* The backend that serves this uname -m, or NULL. */
const struct arch_backend *arch_backend_for_machine(const char *machine);

#endif
