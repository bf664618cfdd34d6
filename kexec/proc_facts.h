/* Parsers of the /proc and /sys facts a load depends on: pure. */
#ifndef KEXEC_PROC_FACTS_H
#define KEXEC_PROC_FACTS_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "plan.h"

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

/* The address of symbol `name` in /proc/kallsyms' text ("ADDR TYPE NAME"
 * lines, ADDR in hex; module symbols end in "\t[module]" and are not
 * matched).  -ENOENT when it is not there, -EACCES when the kernel hides
 * addresses (kptr_restrict: all zeros), -EINVAL for a line that is not
 * that format before the symbol was found.  Pure. */
int kallsyms_lookup(const char *text, size_t len, const char *name, uint64_t *addr);

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

/* Bytes of kernel memory kexec_load(2) allocates to load `plan` (a normal
 * load: a crash load's segments go into the reserved region) on a machine
 * with `mem_total` bytes of RAM.  Pure; the reasoning is at its
 * definition. */
uint64_t kexec_load_kernel_memory(const struct plan *plan, uint64_t mem_total);

#endif
