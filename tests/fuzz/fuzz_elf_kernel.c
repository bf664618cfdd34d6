/* ELF vmlinux flattening (elf_kernel_flatten, through libelf) on any bytes.
 * The first byte picks the limit (256 bytes << (b & 15), 0xff: 64 MiB).
 * Invariants: a flat image is at most the limit, non-empty, for arm or
 * arm64, holds its entry point, and is the same twice; a refusal is a
 * negative code and one message line. */
#include <elf.h>

#include "elf_kernel.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_part part;
	struct elf_kernel a, b;
	struct error err = { { 0 } };
	size_t limit;
	char *file;
	int ret, again;

	if (size < 1)
		return 0;
	limit = data[0] == 0xff ? (size_t)64 << 20 : (size_t)256 << (data[0] & 15);
	part = (struct fuzz_part){ data + 1, size - 1 };
	file = fuzz_dup(&part);
	ret = elf_kernel_flatten((const uint8_t *)file, part.size, limit, &a, &err);
	if (ret) {
		FUZZ_ASSERT(ret < 0, "elf_kernel_flatten returned %d", ret);
		FUZZ_ASSERT_MESSAGE(&err);
		FUZZ_ASSERT(a.data == NULL, "a buffer left after a failure");
		goto out;
	}
	FUZZ_ASSERT(a.size > 0 && a.size <= limit, "flat image of %zu bytes, limit %zu",
		    a.size, limit);
	FUZZ_ASSERT(a.machine == EM_AARCH64 || a.machine == EM_ARM, "machine %u", a.machine);
	FUZZ_ASSERT(a.entry_paddr >= a.load_paddr && a.entry_paddr - a.load_paddr < a.size,
		    "entry 0x%llx outside the image at 0x%llx (%zu bytes)",
		    (unsigned long long)a.entry_paddr, (unsigned long long)a.load_paddr, a.size);
	again = elf_kernel_flatten((const uint8_t *)file, part.size, limit, &b, &err);
	FUZZ_ASSERT(again == 0 && b.size == a.size && memcmp(a.data, b.data, a.size) == 0 &&
		    b.load_paddr == a.load_paddr && b.entry_paddr == a.entry_paddr,
		    "flattening twice gave different images");
	free(b.data);
	free(a.data);
out:
	free(file);
	return 0;
}
