/* Links test-sha256 against the SHA-256 instructions instead of the
 * loader's HWCAP-guarded hook, for the cross builds that run-all.sh runs
 * under qemu-user (-cpu max): the same vectors then check the instruction
 * path of arm64/sha256_ce.S or arm/sha256_ce.S.  Every block goes through
 * the instructions; nothing falls back silently. */
#include <stddef.h>
#include <stdint.h>

#include "sha256.h"

void sha256_ce_blocks(uint32_t state[8], const uint8_t *data, size_t nblocks);

size_t sha256_arch_blocks(uint32_t state[8], const uint8_t *data, size_t nblocks)
{
	sha256_ce_blocks(state, data, nblocks);
	return nblocks;
}
