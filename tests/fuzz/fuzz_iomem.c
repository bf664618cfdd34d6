/* /proc/iomem: any text gives either a described memory map or one error
 * line.  Invariants: every set is sorted, non-overlapping and
 * non-adjacent; the crash regions, "Kernel code/data" and the reserved
 * ranges lie in System RAM (whatever the file nests them under); usable
 * memory is System RAM minus the reserved and crash ranges. */
#include <errno.h>

#include "fuzz_util.h"
#include "iomem.h"

static void check_inside(const struct mem_ranges *inner, const struct mem_ranges *outer,
			 const char *what)
{
	size_t i;

	for (i = 0; i < inner->n; i++)
		FUZZ_ASSERT(mem_ranges_contains(outer, inner->r[i].start, inner->r[i].end),
			    "%s range %zu [0x%llx, 0x%llx) outside System RAM", what, i,
			    (unsigned long long)inner->r[i].start,
			    (unsigned long long)inner->r[i].end);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_part part = { data, size };
	char *text = fuzz_dup(&part);
	struct system_memory mem;
	struct mem_ranges usable;
	struct error err = { { 0 } };
	size_t i;
	int ret;

	system_memory_init(&mem);
	mem_ranges_init(&usable);
	/* Parsed from a buffer of exactly `size` bytes: no reliance on NUL. */
	ret = iomem_parse(text, size, &mem, &err);
	if (ret) {
		FUZZ_ASSERT(ret < 0, "iomem_parse returned %d", ret);
		FUZZ_ASSERT_MESSAGE(&err);
		goto out;
	}
	fuzz_check_ranges(&mem.ram, "System RAM");
	fuzz_check_ranges(&mem.reserved, "reserved");
	fuzz_check_ranges(&mem.crash, "Crash kernel");
	fuzz_check_ranges(&mem.kernel_image, "Kernel code/data");
	check_inside(&mem.crash, &mem.ram, "Crash kernel");
	check_inside(&mem.kernel_image, &mem.ram, "Kernel code/data");
	check_inside(&mem.reserved, &mem.ram, "reserved");
	if (system_memory_usable(&mem, &usable) == 0) {
		fuzz_check_ranges(&usable, "usable");
		check_inside(&usable, &mem.ram, "usable");
		for (i = 0; i < usable.n; i++) {
			size_t j;

			for (j = 0; j < mem.crash.n; j++)
				FUZZ_ASSERT(usable.r[i].end <= mem.crash.r[j].start ||
					    usable.r[i].start >= mem.crash.r[j].end,
					    "usable range %zu overlaps the crash region", i);
			for (j = 0; j < mem.reserved.n; j++)
				FUZZ_ASSERT(usable.r[i].end <= mem.reserved.r[j].start ||
					    usable.r[i].start >= mem.reserved.r[j].end,
					    "usable range %zu overlaps a reserved range", i);
		}
	}
out:
	mem_ranges_free(&usable);
	system_memory_free(&mem);
	free(text);
	return 0;
}
