/* The arm64 purgatory's SHA-256 engine: the Cryptographic Extension when
 * the entry code found it (and untrapped FP/SIMD for our EL), the portable
 * code otherwise. */
#include <stddef.h>
#include <stdint.h>

#include "purgatory.h"
#include "sha256.h"

/* Written by cpu_setup in purgatory_entry.S, after bss is cleared. */
uint32_t purgatory_cpu_sha2;

void sha256_ce_blocks(uint32_t state[8], const uint8_t *data, size_t nblocks);

size_t sha256_arch_blocks(uint32_t state[8], const uint8_t *data, size_t nblocks)
{
	if (!purgatory_cpu_sha2)
		return 0;
	sha256_ce_blocks(state, data, nblocks);
	return nblocks;
}

const char *purgatory_hash_engine(void)
{
	return purgatory_cpu_sha2 ? "SHA-256 instructions" : "portable SHA-256";
}
