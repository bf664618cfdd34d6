/* The embedded purgatory and the parameter block the loader writes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "byteorder.h"
#include "check.h"
#include "params.h"
#include "purgatory_image.h"

/* The 32-bit ARM blob: same header contract, ARM-state code. */
static void test_arm_blob(void)
{
	const uint8_t *blob = arm_backend.purgatory;
	size_t size = (size_t)(arm_backend.purgatory_end - blob);
	struct purgatory_layout layout;
	struct error err;

	CHECK("arm purgatory is embedded", size > sizeof(struct purgatory_header));
	CHECK_EQ("arm purgatory header is valid", purgatory_image_inspect(blob, size, &layout, &err), 0);
	CHECK_EQ("arm: file size in the header is the blob's", layout.file_size, size);
	CHECK("arm: memory size covers a stack", layout.mem_size >= layout.file_size + 4096);
	/* cond AL, 101 L=0: an unconditional ARM branch (Thumb would differ). */
	CHECK_EQ("arm: first word is an ARM branch (b)", get_le32(blob) >> 24, 0xea);
	CHECK("arm: the params block is 8-byte aligned", layout.params_offset % 8 == 0);
}

int main(void)
{
	const uint8_t *blob = arm64_backend.purgatory;
	size_t size = (size_t)(arm64_backend.purgatory_end - blob);
	struct purgatory_layout layout;
	struct uart_info uart = { .kind = UART_NS16550, .addr = 0x1c090000, .reg_shift = 2, .io_width = 4 };
	struct plan plan;
	struct error err;
	uint8_t *copy = NULL, *bad;
	const uint8_t *p;

	CHECK("arm64 purgatory is embedded", size > sizeof(struct purgatory_header));
	CHECK_EQ("arm64 purgatory header is valid", purgatory_image_inspect(blob, size, &layout, &err), 0);
	CHECK_EQ("file size in the header is the blob's", layout.file_size, size);
	CHECK("memory size covers a stack", layout.mem_size >= layout.file_size + 4096);
	CHECK_EQ("first word is an arm64 branch (b)", get_le32(blob) >> 26, 0x05);

	bad = malloc(size);
	memcpy(bad, blob, size);
	bad[9] ^= 1;
	CHECK_EQ("bad magic rejected", purgatory_image_inspect(bad, size, &layout, &err), -EINVAL);
	memcpy(bad, blob, size);
	put_le32(bad + offsetof(struct purgatory_header, params_offset), (uint32_t)size);
	CHECK_EQ("params offset past the end rejected", purgatory_image_inspect(bad, size, &layout, &err), -EINVAL);
	free(bad);

	plan_init(&plan, 4096);
	plan.kernel_entry = 0x40200000;
	plan.kernel_regs[0] = 0x48000000;
	plan.purgatory_flags = PURGATORY_VERIFY;
	plan_add_segment(&plan, "kernel", "k", blob, 100, 0x40200000, 100, NULL, &err);
	plan.nr_digests = 2; /* two chunks of the kernel's 100 bytes */
	plan.digests[0] = (struct plan_digest){ .segment = 0, .offset = 0, .size = 64 };
	plan.digests[1] = (struct plan_digest){ .segment = 0, .offset = 64, .size = 36 };
	memset(plan.digests[0].sha256, 0xcd, 32);
	memset(plan.digests[1].sha256, 0xef, 32);
	CHECK_EQ("fill succeeds", purgatory_image_fill(blob, size, &plan, &uart, &copy, &layout, &err), 0);
	p = copy + layout.params_offset;
	CHECK_EQ("entry written little-endian", get_le64(p + offsetof(struct purgatory_params, entry)), 0x40200000);
	CHECK_EQ("x0 written", get_le64(p + offsetof(struct purgatory_params, regs)), 0x48000000);
	CHECK_EQ("one segment", get_le32(p + offsetof(struct purgatory_params, nr_segments)), 1);
	CHECK_EQ("uart kind", get_le32(p + offsetof(struct purgatory_params, uart_kind)), PURGATORY_UART_NS16550);
	CHECK_EQ("uart shift", get_le32(p + offsetof(struct purgatory_params, uart_reg_shift)), 2);
	CHECK_EQ("uart width", get_le32(p + offsetof(struct purgatory_params, uart_io_width)), 4);
	CHECK_EQ("segment address", get_le64(p + offsetof(struct purgatory_params, segments)), 0x40200000);
	CHECK_EQ("segment size is its memsz (a page)",
		 get_le64(p + offsetof(struct purgatory_params, segments) + 8), 4096);
	CHECK_EQ("two ranges", get_le32(p + offsetof(struct purgatory_params, nr_ranges)), 2);
	{
		const uint8_t *r0 = p + offsetof(struct purgatory_params, ranges);
		const uint8_t *r1 = r0 + sizeof(struct purgatory_range);

		CHECK_EQ("range 0 address", get_le64(r0), 0x40200000);
		CHECK_EQ("range 0 size", get_le64(r0 + 8), 64);
		CHECK_EQ("range 0 digest copied", r0[offsetof(struct purgatory_range, sha256)], 0xcd);
		CHECK_EQ("range 1 address is the segment's plus its offset", get_le64(r1), 0x40200040);
		CHECK_EQ("range 1 size", get_le64(r1 + 8), 36);
		CHECK_EQ("range 1 digest copied", r1[offsetof(struct purgatory_range, sha256) + 31], 0xef);
		CHECK_EQ("range 1 names its segment",
			 get_le32(r1 + offsetof(struct purgatory_range, segment)), 0);
	}
	CHECK("code outside the parameter block unchanged",
	      memcmp(copy, blob, layout.params_offset) == 0);
	free(copy);
	plan_free(&plan);
	test_arm_blob();
	return check_status();
}
