/* The small facts the system layer reads from /proc and /sys: the input is
 * four parts (fuzz_split) for /proc/meminfo, /sys/devices/system/cpu/
 * possible, a crash_notes number (hex and decimal) and
 * /sys/kernel/vmcoreinfo; the last part is also read as
 * /sys/kernel/security/lockdown and as /proc/kallsyms.  Each parser accepts the kernel's format only
 * (failures: a negative errno, and for meminfo one line), and what it
 * accepts reads back the same when printed the kernel's way and parsed
 * again. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>

#include "crash_header.h"
#include "file_load.h"
#include "fuzz_util.h"
#include "proc_facts.h"

static void check_meminfo(const struct fuzz_part *part)
{
	struct meminfo mem, again;
	struct error err = { { 0 } };
	char text[128], *copy = fuzz_dup(part);
	/* Parsed from a heap copy of exactly the part: no reliance on NUL. */
	int ret = meminfo_parse(copy, part->size, &mem, &err);

	free(copy);
	if (ret) {
		FUZZ_ASSERT(ret == -EINVAL || ret == -ENOENT, "meminfo_parse returned %d", ret);
		FUZZ_ASSERT_MESSAGE(&err);
		return;
	}
	FUZZ_ASSERT(!(mem.total & 1023) && !(mem.available & 1023), "not whole kB");
	snprintf(text, sizeof(text), "MemAvailable: %" PRIu64 " kB\nMemTotal:%" PRIu64 " kB",
		 mem.available >> 10, mem.total >> 10);
	FUZZ_ASSERT(meminfo_parse(text, strlen(text), &again, &err) == 0 &&
		    !memcmp(&mem, &again, sizeof(mem)), "\"%s\" reads differently", text);
}

static void check_cpu_list(const struct fuzz_part *part)
{
	unsigned cpus[64], again[64];
	char *text = fuzz_dup(part), list[64 * 8];
	size_t i, n, m, used = 0;
	int ret = cpu_list_parse(text, cpus, 64, &n);

	if (ret) {
		FUZZ_ASSERT(ret == -EINVAL || ret == -E2BIG, "cpu_list_parse returned %d", ret);
		free(text);
		return;
	}
	FUZZ_ASSERT(n >= 1 && n <= 64, "%zu CPUs", n);
	/* Ascending, each once: printed as the kernel does, it reads back. */
	for (i = 0; i < n; i++) {
		size_t j = i;

		if (i)
			FUZZ_ASSERT(cpus[i] > cpus[i - 1], "CPU %u after %u", cpus[i], cpus[i - 1]);
		while (j + 1 < n && cpus[j + 1] == cpus[j] + 1)
			j++;
		used += (size_t)snprintf(list + used, sizeof(list) - used, i ? ",%u" : "%u", cpus[i]);
		if (j > i)
			used += (size_t)snprintf(list + used, sizeof(list) - used, "-%u", cpus[j]);
		i = j;
	}
	FUZZ_ASSERT(cpu_list_parse(list, again, 64, &m) == 0 && m == n &&
		    !memcmp(cpus, again, n * sizeof(cpus[0])), "\"%s\" reads differently", list);
	free(text);
}

static void check_number(const struct fuzz_part *part)
{
	char *text = fuzz_dup(part), printed[32];
	uint64_t value, again;
	int base;

	for (base = 10; base <= 16; base += 6) {
		if (sysfs_number(text, base, &value))
			continue;
		FUZZ_ASSERT(strspn(text, base == 10 ? "0123456789" : "0123456789abcdefABCDEFxX") ==
				    strlen(text),
			    "\"%s\" taken in base %d", text, base);
		snprintf(printed, sizeof(printed), base == 10 ? "%" PRIu64 : "%" PRIx64, value);
		FUZZ_ASSERT(sysfs_number(printed, base, &again) == 0 && again == value,
			    "\"%s\" reads differently", printed);
	}
	free(text);
}

static void check_vmcoreinfo(const struct fuzz_part *part)
{
	char *text = fuzz_dup(part);
	uint64_t addr, size;

	if (sysfs_vmcoreinfo_parse(text, &addr, &size) == 0)
		FUZZ_ASSERT(size >= 1 && size <= CRASH_NOTE_SIZE_LIMIT && addr + size > addr,
			    "\"%s\": 0x%" PRIx64 " + 0x%" PRIx64, text, addr, size);
	free(text);
}

/* The one bracketed word, lower-case letters only, shorter than the
 * buffer, exactly as it stands in the text; alone in brackets it reads the
 * same. */
static void check_lockdown(const struct fuzz_part *part)
{
	char *text = fuzz_dup(part), mode[32], again[32], bracketed[40];
	size_t i, n;
	int ret = lockdown_parse(text, part->size, mode, sizeof(mode));

	if (ret) {
		FUZZ_ASSERT(ret == -EINVAL, "lockdown_parse returned %d", ret);
		free(text);
		return;
	}
	n = strlen(mode);
	FUZZ_ASSERT(n >= 1 && n < sizeof(mode), "mode of %zu bytes", n);
	for (i = 0; i < n; i++)
		FUZZ_ASSERT(mode[i] >= 'a' && mode[i] <= 'z', "mode \"%s\"", mode);
	snprintf(bracketed, sizeof(bracketed), "[%s]", mode);
	FUZZ_ASSERT(memmem(text, part->size, bracketed, n + 2) != NULL, "\"%s\" not in the text", bracketed);
	FUZZ_ASSERT(memchr(text, '[', part->size) == memrchr(text, '[', part->size), "two '['");
	FUZZ_ASSERT(lockdown_parse(bracketed, n + 2, again, sizeof(again)) == 0 &&
		    strcmp(mode, again) == 0, "\"%s\" reads differently", bracketed);
	free(text);
}

/* A symbol found is a non-zero address printed in hex on a line that
 * names it exactly; printed back as kallsyms does, it reads the same. */
static void check_kallsyms(const struct fuzz_part *part)
{
	char *text = fuzz_dup(part), line[64];
	uint64_t addr = 0, again = 0;
	int ret = kallsyms_lookup(text, part->size, "_text", &addr);

	if (ret) {
		FUZZ_ASSERT(ret == -ENOENT || ret == -EACCES || ret == -EINVAL,
			    "kallsyms_lookup returned %d", ret);
		free(text);
		return;
	}
	FUZZ_ASSERT(addr != 0, "a zero address reported found");
	snprintf(line, sizeof(line), "%" PRIx64 " T _text\n", addr);
	FUZZ_ASSERT(memmem(text, part->size, " _text", 6) != NULL, "found without its name");
	FUZZ_ASSERT(kallsyms_lookup(line, strlen(line), "_text", &again) == 0 && again == addr,
		    "\"%s\" reads differently", line);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_part parts[4];

	fuzz_split(data, size, parts, 4);
	check_meminfo(&parts[0]);
	check_cpu_list(&parts[1]);
	check_number(&parts[2]);
	check_vmcoreinfo(&parts[3]);
	check_lockdown(&parts[3]);
	check_kallsyms(&parts[3]);
	return 0;
}
