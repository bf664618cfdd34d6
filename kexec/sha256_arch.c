/* The loader's SHA-256 acceleration: on arm64, the Cryptographic Extension
 * when the kernel says the CPU has it (HWCAP_SHA2); elsewhere nothing, and
 * the portable code does the work. */
#include <stddef.h>
#include <stdint.h>

#include "sha256.h"

#if defined(__aarch64__)
#include <pthread.h>
#include <stdlib.h>
#include <sys/auxv.h>

#define HWCAP_SHA2_BIT (1ul << 6) /* arch/arm64/include/uapi/asm/hwcap.h */

void sha256_ce_blocks(uint32_t state[8], const uint8_t *data, size_t nblocks);

static pthread_once_t probe_once = PTHREAD_ONCE_INIT;
static int has_sha2;

/* Once, whichever of the hashing threads comes first. */
static void probe(void)
{
	/* KEXEC_SHA256_PORTABLE lets the tests compare both paths on one CPU. */
	has_sha2 = (getauxval(AT_HWCAP) & HWCAP_SHA2_BIT) != 0 &&
		   !getenv("KEXEC_SHA256_PORTABLE");
}

size_t sha256_arch_blocks(uint32_t state[8], const uint8_t *data, size_t nblocks)
{
	pthread_once(&probe_once, probe);
	if (!has_sha2)
		return 0;
	sha256_ce_blocks(state, data, nblocks);
	return nblocks;
}
#else
size_t sha256_arch_blocks(uint32_t state[8], const uint8_t *data, size_t nblocks)
{
	(void)state;
	(void)data;
	(void)nblocks;
	return 0;
}
#endif
