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
	uint8_t *data; /* malloc'd */
	size_t size;
};

/* Reads a whole regular file of at most `limit` bytes into memory (never
 * mapped: a file that cannot be read in full is an error, not a SIGBUS).
 * Anything else (a FIFO, a device, a socket, a directory) is refused
 * without reading: "PATH: is a FIFO, not a file".  A file that shrinks or
 * grows while being read is refused; /proc and /sys files, whose size says
 * nothing, are read to EOF.  Messages name the path. */
int file_load(const char *path, size_t limit, struct file_data *file,
	      struct error *err);
void file_release(struct file_data *file);

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

/* Parsers of the one-line sysfs facts the crash header is built from.
 * Pure; each returns 0 or -EINVAL for anything but the kernel's format. */
/* "0-3,5,8-9" (/sys/devices/system/cpu/possible): ascending, each CPU
 * once, decimal; fills cpus[0..*n), -E2BIG past `max` CPUs. */
int cpu_list_parse(const char *text, unsigned *cpus, size_t max, size_t *n);
/* One number in `base` (16 takes an optional 0x), nothing before or after. */
int sysfs_number(const char *text, int base, uint64_t *value);
/* The largest crash note or VMCOREINFO note believed (a CPU's note is a
 * few hundred bytes, VMCOREINFO a page or two). */
#define CRASH_NOTE_SIZE_LIMIT (1u << 20)
/* /sys/kernel/vmcoreinfo: "ADDR SIZE", both hex, SIZE 1 to
 * CRASH_NOTE_SIZE_LIMIT, the note not wrapping past 2^64. */
int sysfs_vmcoreinfo_parse(const char *line, uint64_t *addr, uint64_t *size);

/* The figures of /proc/meminfo that a load depends on, in bytes. */
struct meminfo {
	uint64_t total;     /* MemTotal */
	uint64_t available; /* MemAvailable: allocatable without swapping */
};

/* Parses /proc/meminfo's text (`len` bytes, no NUL needed).  Pure.
 * -ENOENT when MemTotal or MemAvailable is missing (MemAvailable came
 * with Linux 3.14), -EINVAL when a value is not "N kB". */
int meminfo_parse(const char *text, size_t len, struct meminfo *info,
		  struct error *err);
int system_meminfo(struct meminfo *info, struct error *err);

/* Bytes of kernel memory kexec_load(2) allocates to load `plan` (a normal
 * load: a crash load's segments go into the reserved region) on a machine
 * with `mem_total` bytes of RAM.  Pure; the reasoning is at its
 * definition. */
uint64_t kexec_load_kernel_memory(const struct plan *plan, uint64_t mem_total);

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
