/* The thin layer that touches the running system: files, /proc, /sys,
 * entropy and the kexec syscalls.  Everything else is pure. */
#ifndef KEXEC_SYSTEM_H
#define KEXEC_SYSTEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch.h"
#include "crash_header.h"
#include "error.h"
#include "plan.h"

struct file_data {
	uint8_t *data;
	size_t size;
	bool mapped; /* munmap rather than free */
};

/* Reads (or maps, for a regular file) a whole file of at most `limit`
 * bytes.  Messages name the path. */
int file_load(const char *path, size_t limit, struct file_data *file,
	      struct error *err);
void file_release(struct file_data *file);

/* Describes this machine: usable memory (from /proc/iomem when `native`,
 * falling back to the DTB's memory nodes when /proc/iomem hides its
 * addresses or the plan is for another machine; for a crash load, the
 * crash regions only), page size, fresh entropy. */
int system_describe(bool native, bool crash, const void *dtb,
		    struct system_desc *sys, struct error *err);
void system_desc_free(struct system_desc *sys);

/* Everything the crash ELF core header needs, from /proc/iomem, the CPUs'
 * crash_notes, /sys/kernel/vmcoreinfo and /proc/kcore's VMCOREINFO. */
int system_crash_facts(uint16_t machine, struct crash_facts *facts,
		       struct error *err);
void crash_facts_free(struct crash_facts *facts);

/* /proc/cmdline without its trailing newline (caller frees). */
int system_cmdline(char **cmdline, struct error *err);

/* 1 when a kernel is loaded in that slot, 0 when not, negative on error. */
int system_kexec_loaded(bool crash, struct error *err);

int system_kexec_load(const struct plan *plan, uint32_t arch_flags, bool crash,
		      struct error *err);
int system_kexec_unload(uint32_t arch_flags, bool crash, struct error *err);

/* Network interfaces down (except loopback), best effort, as kexec-tools
 * does before -e so that NICs stop DMA into memory the next kernel owns. */
void system_ifdown(void);

/* Boots the loaded kernel.  Returns only on failure. */
int system_kexec_reboot(struct error *err);

/* Runs `shutdown -r now`.  Returns only on failure. */
int system_shutdown_reboot(struct error *err);

#endif
