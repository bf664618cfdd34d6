/* The arm64 purgatory's SHA-256 engine: the Cryptographic Extension when
 * the entry code found it (and untrapped FP/SIMD for our EL), the portable
 * code otherwise. */
#include <stddef.h>
#include <stdint.h>

#include "params.h"
#include "purgatory.h"
#include "sha256.h"

/* Written by cpu_setup in purgatory_entry.S, after bss is cleared. */
uint32_t purgatory_cpu_sha2;
/* Written by mmu_on in purgatory_mmu.S: the hash runs cached. */
uint32_t purgatory_mmu_on;

void sha256_ce_blocks(uint32_t state[8], const uint8_t *data, size_t nblocks);

size_t sha256_arch_blocks(uint32_t state[8], const uint8_t *data, size_t nblocks)
{
	if (!purgatory_cpu_sha2 || (purgatory_params.flags & PURGATORY_PORTABLE_HASH))
		return 0;
	sha256_ce_blocks(state, data, nblocks);
	return nblocks;
}

const char *purgatory_hash_engine(void)
{
	if (!purgatory_cpu_sha2 || (purgatory_params.flags & PURGATORY_PORTABLE_HASH))
		return purgatory_mmu_on ? "portable SHA-256, caches on" : "portable SHA-256";
	return purgatory_mmu_on ? "SHA-256 instructions, caches on" : "SHA-256 instructions";
}
