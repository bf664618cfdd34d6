/* The text of the /proc and /sys files a load depends on, parsed.  Pure:
 * system.c reads the files, the parsers here are unit tested and fuzzed
 * (tests/fuzz/fuzz_sysfs.c), and each takes only the kernel's own format. */
#include "proc_facts.h"
#include "hex.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* The kernel's CPU numbers are below NR_CPUS, at most 8192 on arm64. */
#define CPU_NUMBER_LIMIT 65536u

/* Room for the control page holding the relocation code, the kimage and
 * the other small allocations the kernel makes during the call. */
#define KEXEC_LOAD_SLACK (4u << 20)

/* A decimal CPU number: digits only, below CPU_NUMBER_LIMIT. */
static const char *cpu_number(const char *p, unsigned *cpu)
{
	unsigned v = 0;
	const char *start = p;

	while (*p >= '0' && *p <= '9' && v < CPU_NUMBER_LIMIT)
		v = v * 10 + (unsigned)(*p++ - '0');
	if (p == start || v >= CPU_NUMBER_LIMIT)
		return NULL;
	*cpu = v;
	return p;
}

int cpu_list_parse(const char *text, unsigned *cpus, size_t max, size_t *n)
{
	const char *p = text;
	unsigned first, last, cpu;
	bool any = false;

	*n = 0;
	while (*p) {
		unsigned previous = any ? cpus[*n - 1] : 0;

		p = cpu_number(p, &first);
		if (!p)
			return -EINVAL;
		last = first;
		if (*p == '-') {
			p = cpu_number(p + 1, &last);
			if (!p || last < first)
				return -EINVAL;
		}
		if (*p == ',' && p[1])
			p++;
		else if (*p)
			return -EINVAL;
		if (any && first <= previous)
			return -EINVAL; /* ascending, each CPU once */
		for (cpu = first; cpu <= last; cpu++) {
			if (*n == max)
				return -E2BIG;
			cpus[(*n)++] = cpu;
		}
		any = true;
	}
	return *n ? 0 : -EINVAL;
}

int sysfs_number(const char *text, int base, uint64_t *value)
{
	char *end;

	/* strtoull would also take blanks, a sign and (base 16) a bare "0x"
	 * as 0: the first character must be a digit, the last the end. */
	if (!(text[0] >= '0' && text[0] <= '9') &&
	    !(base == 16 && ((text[0] >= 'a' && text[0] <= 'f') || (text[0] >= 'A' && text[0] <= 'F'))))
		return -EINVAL;
	errno = 0;
	*value = strtoull(text, &end, base);
	if (errno || *end)
		return -EINVAL;
	return 0;
}

int sysfs_vmcoreinfo_parse(const char *line, uint64_t *addr, uint64_t *size)
{
	char first[32];
	const char *space = strchr(line, ' ');

	if (!space || (size_t)(space - line) >= sizeof(first))
		return -EINVAL;
	memcpy(first, line, (size_t)(space - line));
	first[space - line] = '\0';
	if (sysfs_number(first, 16, addr) || sysfs_number(space + 1, 16, size))
		return -EINVAL;
	if (*size == 0 || *size > CRASH_NOTE_SIZE_LIMIT || *addr + *size < *addr)
		return -EINVAL;
	return 0;
}

/* "  123 kB" after a meminfo key, up to the end of its line. */
static int meminfo_value(const char *p, const char *end, uint64_t *bytes)
{
	uint64_t kib = 0;
	const char *digits;

	while (p < end && *p == ' ')
		p++;
	digits = p;
	while (p < end && *p >= '0' && *p <= '9') {
		if (kib > (UINT64_MAX >> 10) / 10)
			return -EINVAL;
		kib = kib * 10 + (uint64_t)(*p++ - '0');
		if (kib > UINT64_MAX >> 10)
			return -EINVAL;
	}
	if (p == digits || end - p != 3 || memcmp(p, " kB", 3) != 0)
		return -EINVAL;
	*bytes = kib << 10;
	return 0;
}

int meminfo_parse(const char *text, size_t len, struct meminfo *info,
		  struct error *err)
{
	static const struct {
		const char *key;
		size_t offset;
	} fields[] = {
		{ "MemTotal:", offsetof(struct meminfo, total) },
		{ "MemAvailable:", offsetof(struct meminfo, available) },
	};
	const char *p = text, *end = text + len;
	unsigned found = 0;
	size_t i;

	memset(info, 0, sizeof(*info));
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		if (!eol)
			eol = end;
		for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
			size_t klen = strlen(fields[i].key);

			if (found & (1u << i) || (size_t)(eol - p) < klen ||
			    memcmp(p, fields[i].key, klen) != 0)
				continue;
			if (meminfo_value(p + klen, eol, (uint64_t *)((char *)info + fields[i].offset)))
				return error_set(err, -EINVAL, "/proc/meminfo: %s is not a number of kB",
						 fields[i].key);
			found |= 1u << i;
		}
		p = eol + 1;
	}
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (!(found & (1u << i)))
			return error_set(err, -ENOENT, "/proc/meminfo: no %s line", fields[i].key);
	return 0;
}

/* kexec_load(2) copies each segment, now, into pages it allocates from
 * normal memory: memsz bytes, a page at a time (it zero-fills past bufsz).
 * It lists those pages in indirection pages of word-sized entries, one per
 * page plus one per segment for its destination and one to end the list,
 * the last word of each indirection page linking the next; 8-byte words
 * are counted (arm64's, an upper bound for arm's).  Pages it happens to
 * get at a segment's destination are kept for that destination, so they
 * add nothing.  arm64 kernels since 5.13 also copy the linear map's page
 * tables for the relocation to run with the MMU on: up to one byte in 512
 * of RAM when the linear map is mapped page by page (rodata=full).  Our
 * own buffers are not counted: they are allocated before MemAvailable is
 * read and stay mapped through the call (the kernel copies from them), so
 * MemAvailable already leaves them out. */
uint64_t kexec_load_kernel_memory(const struct plan *plan, uint64_t mem_total)
{
	uint64_t page = plan->page_size ? plan->page_size : 4096;
	uint64_t pages = 0, entries, per_page = page / 8 - 1;
	size_t i;

	for (i = 0; i < plan->nr_segments; i++)
		pages += (plan->segments[i].memsz + page - 1) / page;
	entries = pages + plan->nr_segments + 1;
	pages += (entries + per_page - 1) / per_page;
	return pages * page + mem_total / 512 + KEXEC_LOAD_SLACK;
}

int kallsyms_lookup(const char *text, size_t len, const char *name, uint64_t *addr)
{
	const char *p = text, *end = text + len;
	size_t name_len = strlen(name);

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = nl ? nl : end, *q = p;
		uint64_t value = 0;
		size_t digits = 0;

		for (; q < line_end && digits < 17; q++, digits++) {
			int d = hex_digit(*q);

			if (d < 0)
				break;
			value = value << 4 | (uint64_t)d;
		}
		/* "ADDR T NAME": 1 to 16 hex digits, a space, a type letter,
		 * a space. */
		if (digits == 0 || digits > 16 || line_end - q < 3 || q[0] != ' ' ||
		    q[1] == ' ' || q[2] != ' ')
			return -EINVAL;
		q += 3;
		if ((size_t)(line_end - q) == name_len && memcmp(q, name, name_len) == 0) {
			if (value == 0)
				return -EACCES;
			*addr = value;
			return 0;
		}
		p = nl ? nl + 1 : end;
	}
	return -ENOENT;
}
