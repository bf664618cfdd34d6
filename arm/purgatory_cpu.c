/* The 32-bit ARM purgatory's SHA-256 engine: the ARMv8 AArch32 SHA-256
 * instructions when purgatory_fp.S found them and enabled the FP/SIMD unit
 * for our mode, the portable code otherwise; either way with the I-cache
 * on (purgatory_entry.S). */
#include <stddef.h>
#include <stdint.h>

#include "params.h"
#include "purgatory.h"
#include "sha256.h"

/* Written by purgatory_entry.S after bss is cleared. */
uint32_t purgatory_cpu_sha2;

void sha256_ce_blocks(uint32_t state[8], const uint8_t *data, size_t nblocks);

static int use_instructions(void)
{
	return purgatory_cpu_sha2 && !(purgatory_params.flags & PURGATORY_PORTABLE_HASH);
}

size_t sha256_arch_blocks(uint32_t state[8], const uint8_t *data, size_t nblocks)
{
	if (!use_instructions())
		return 0;
	sha256_ce_blocks(state, data, nblocks);
	return nblocks;
}

const char *purgatory_hash_engine(void)
{
	return use_instructions() ? "SHA-256 instructions, I-cache on"
				  : "portable SHA-256, I-cache on";
}
