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
	memset(plan.segments[0].sha256, 0xcd, 32);
	CHECK_EQ("fill succeeds", purgatory_image_fill(blob, size, &plan, &uart, &copy, &layout, &err), 0);
	p = copy + layout.params_offset;
	CHECK_EQ("entry written little-endian", get_le64(p + offsetof(struct purgatory_params, entry)), 0x40200000);
	CHECK_EQ("x0 written", get_le64(p + offsetof(struct purgatory_params, regs)), 0x48000000);
	CHECK_EQ("one segment", get_le32(p + offsetof(struct purgatory_params, nr_segments)), 1);
	CHECK_EQ("uart kind", get_le32(p + offsetof(struct purgatory_params, uart_kind)), PURGATORY_UART_NS16550);
	CHECK_EQ("uart shift", get_le32(p + offsetof(struct purgatory_params, uart_reg_shift)), 2);
	CHECK_EQ("uart width", get_le32(p + offsetof(struct purgatory_params, uart_io_width)), 4);
	CHECK_EQ("segment address", get_le64(p + offsetof(struct purgatory_params, segments)), 0x40200000);
	CHECK_EQ("segment digest copied", p[offsetof(struct purgatory_params, segments) + 16], 0xcd);
	CHECK("code outside the parameter block unchanged",
	      memcmp(copy, blob, layout.params_offset) == 0);
	free(copy);
	plan_free(&plan);
	test_arm_blob();
	return check_status();
}
