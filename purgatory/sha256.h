/* SHA-256 (FIPS 180-4), one source for the loader and the purgatory.
 * Freestanding: no libc, no unaligned loads (the purgatory runs with the
 * MMU off, where an unaligned access faults), no SIMD. */
#ifndef PURGATORY_SHA256_H
#define PURGATORY_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32
#define SHA256_BLOCK_SIZE 64

struct sha256_ctx {
	uint32_t state[8];
	uint64_t length;                  /* bytes hashed so far */
	uint8_t block[SHA256_BLOCK_SIZE]; /* partial block */
	uint32_t used;                    /* bytes in block */
};

/* Compresses as many of the nblocks 64-byte blocks at data as the CPU's
 * own SHA-256 instructions can, returning how many it did (0: none, the
 * portable code does them all).  Each program linking sha256.c provides
 * it: the loader from the kernel's HWCAP, the purgatory from the ID
 * registers. */
size_t sha256_arch_blocks(uint32_t state[8], const uint8_t *data, size_t nblocks);

void sha256_init(struct sha256_ctx *ctx);
void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len);
void sha256_final(struct sha256_ctx *ctx, uint8_t digest[SHA256_DIGEST_SIZE]);
void sha256(const void *data, size_t len, uint8_t digest[SHA256_DIGEST_SIZE]);

#endif
