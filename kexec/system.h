/* The thin layer that touches the running system: /proc, /sys, entropy
 * and the kexec syscalls (input files: input_file.h; the text of /proc and
 * /sys, parsed: proc_facts.h).  Everything else is pure. */
#ifndef KEXEC_SYSTEM_H
#define KEXEC_SYSTEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch.h"
#include "crash_header.h"
#include "error.h"
#include "input_file.h"
#include "plan.h"
#include "proc_facts.h"

/* Describes this machine: usable memory (from /proc/iomem when `native`,
 * falling back to the DTB's memory nodes when /proc/iomem hides its
 * addresses or the plan is for another machine; for a crash load, the
 * crash regions only), page size, fresh entropy.  dtb_path names the DTB
 * in messages. */
int system_describe(bool native, bool crash, const void *dtb, const char *dtb_path,
		    struct system_desc *sys, struct error *err);
void system_desc_free(struct system_desc *sys);

/* Everything the crash ELF core header needs, from /proc/iomem, the CPUs'
 * crash_notes, /sys/kernel/vmcoreinfo and /proc/kcore's VMCOREINFO. */
int system_crash_facts(uint16_t machine, struct crash_facts *facts,
		       struct error *err);
void crash_facts_free(struct crash_facts *facts);

int system_meminfo(struct meminfo *info, struct error *err);

/* /proc/cmdline without its trailing newline (caller frees). */
int system_cmdline(char **cmdline, struct error *err);

/* 1 when a kernel is loaded in that slot, 0 when not, negative on error. */
int system_kexec_loaded(bool crash, struct error *err);

int system_kexec_load(const struct plan *plan, uint32_t arch_flags, bool crash,
		      struct error *err);
int system_kexec_unload(uint32_t arch_flags, bool crash, struct error *err);

/* kexec_file_load(2): whether the running kernel has it (true when it
 * cannot be asked), whether it takes KEXEC_FILE_DEBUG (1 yes, 0 no, -1 not
 * asked), both asked without changing anything, and not at all where
 * kernel.kexec_load_limit_reboot would count the question as a load; then
 * the load and the unload, which return 0 or the negative errno as it
 * came, for file_load_refusal() to explain. */
bool system_kexec_file_present(void);
int system_kexec_file_debug_accepted(void);
int system_kexec_file_load(int kernel_fd, int initrd_fd, const char *cmdline,
			   unsigned long flags);
int system_kexec_file_unload(bool crash);

/* A sealed memfd holding `data`: what kexec_file_load(2) reads when the
 * kernel had to be unpacked first (no temporary file). */
int system_sealed_memfd(const char *name, const uint8_t *data, size_t size, int *fd,
			struct error *err);

/* The lockdown mode ("none", "integrity", "confidentiality") from
 * /sys/kernel/security/lockdown, or a negative errno (no lockdown LSM,
 * securityfs not mounted). */
int system_lockdown(char *mode, size_t size);
/* kernel.kexec_load_disabled is 1: no kexec until reboot. */
bool system_kexec_disabled(void);

/* Network interfaces down (except loopback), best effort, as kexec-tools
 * does before -e so that NICs stop DMA into memory the next kernel owns. */
void system_ifdown(void);

/* Boots the loaded kernel.  Returns only on failure. */
int system_kexec_reboot(struct error *err);

/* Runs `shutdown -r now`.  Returns only on failure. */
int system_shutdown_reboot(struct error *err);

#endif
