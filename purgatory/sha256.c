/* SHA-256 after FIPS 180-4.  The same file runs in the loader and in the
 * purgatory, so it calls nothing outside itself: the purgatory has no libc,
 * and with the MMU off every access must be aligned to its own size, hence
 * message words are loaded whole only from a 4-byte aligned block and
 * assembled from single bytes otherwise. */
#include "sha256.h"

static const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t ror32(uint32_t x, unsigned int n)
{
	return (x >> n) | (x << (32 - n));
}

static inline uint32_t load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static inline void store_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* A 32-bit word that may sit in memory of any type (the caller's bytes). */
typedef uint32_t __attribute__((may_alias)) sha256_word;

/* The 16 words of a block: whole-word loads and a byte swap (one rev on
 * arm) when the block is 4-byte aligned, as the loader's buffers and the
 * purgatory's segments are; single bytes otherwise. */
static inline void load_block(uint32_t w[16], const uint8_t *block)
{
	unsigned int i;

	if ((uintptr_t)block & 3) {
		for (i = 0; i < 16; i++)
			w[i] = load_be32(block + 4 * i);
		return;
	}
	for (i = 0; i < 16; i++) {
		uint32_t v = ((const sha256_word *)(const void *)block)[i];

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		v = __builtin_bswap32(v);
#endif
		w[i] = v;
	}
}

/* FIPS 180-4, 4.1.2.  Ch's two terms share no set bit, so their sum is
 * their exclusive or, and a sum folds into T1's other additions (~x & z
 * is one bic on arm).  Maj as y ^ ((x ^ y) & (y ^ z)): the next round's
 * y ^ z is this round's x ^ y, which the compiler then computes once. */
#define SHA256_CH(x, y, z) (((x) & (y)) + (~(x) & (z)))
#define SHA256_MAJ(x, y, z) ((y) ^ (((x) ^ (y)) & ((y) ^ (z))))
#define SHA256_BSIG0(x) (ror32(x, 2) ^ ror32(x, 13) ^ ror32(x, 22))
#define SHA256_BSIG1(x) (ror32(x, 6) ^ ror32(x, 11) ^ ror32(x, 25))
#define SHA256_SSIG0(x) (ror32(x, 7) ^ ror32(x, 18) ^ ((x) >> 3))
#define SHA256_SSIG1(x) (ror32(x, 17) ^ ror32(x, 19) ^ ((x) >> 10))

/* One round of 6.2.2 step 3.  The working variables rotate by being named
 * in a different order in the next round, not by being moved: of the
 * eight, only d (becoming e) and h (becoming a) change. */
#define SHA256_ROUND(a, b, c, d, e, f, g, h, k, w)                             \
	do {                                                                   \
		uint32_t t1_ = (h) + SHA256_BSIG1(e) + SHA256_CH(e, f, g) +    \
			       (k) + (w);                                      \
		(d) += t1_;                                                    \
		(h) = t1_ + SHA256_BSIG0(a) + SHA256_MAJ(a, b, c);             \
	} while (0)

/* Eight rounds, after which the names are back in their places. */
#define SHA256_ROUNDS8(k, w, i)                                                \
	do {                                                                   \
		SHA256_ROUND(a, b, c, d, e, f, g, h, (k)[(i) + 0], (w)[(i) + 0]); \
		SHA256_ROUND(h, a, b, c, d, e, f, g, (k)[(i) + 1], (w)[(i) + 1]); \
		SHA256_ROUND(g, h, a, b, c, d, e, f, (k)[(i) + 2], (w)[(i) + 2]); \
		SHA256_ROUND(f, g, h, a, b, c, d, e, (k)[(i) + 3], (w)[(i) + 3]); \
		SHA256_ROUND(e, f, g, h, a, b, c, d, (k)[(i) + 4], (w)[(i) + 4]); \
		SHA256_ROUND(d, e, f, g, h, a, b, c, (k)[(i) + 5], (w)[(i) + 5]); \
		SHA256_ROUND(c, d, e, f, g, h, a, b, (k)[(i) + 6], (w)[(i) + 6]); \
		SHA256_ROUND(b, c, d, e, f, g, h, a, (k)[(i) + 7], (w)[(i) + 7]); \
	} while (0)

/* The message schedule (6.2.2 step 1) kept as its last 16 words: w[i],
 * holding W(t - 16), becomes W(t); the other three words it needs sit
 * 2, 7 and 15 places behind it, modulo 16. */
#define SHA256_SCHEDULE(w, i)                                                  \
	((w)[i] += SHA256_SSIG1((w)[((i) + 14) & 15]) + (w)[((i) + 9) & 15] +  \
		   SHA256_SSIG0((w)[((i) + 1) & 15]))
#define SHA256_SCHEDULE8(w, i)                                                 \
	do {                                                                   \
		SHA256_SCHEDULE(w, (i) + 0);                                   \
		SHA256_SCHEDULE(w, (i) + 1);                                   \
		SHA256_SCHEDULE(w, (i) + 2);                                   \
		SHA256_SCHEDULE(w, (i) + 3);                                   \
		SHA256_SCHEDULE(w, (i) + 4);                                   \
		SHA256_SCHEDULE(w, (i) + 5);                                   \
		SHA256_SCHEDULE(w, (i) + 6);                                   \
		SHA256_SCHEDULE(w, (i) + 7);                                   \
	} while (0)

/* Sixteen rounds unrolled, run four times with the next 16 schedule words
 * in between: every index is a constant, so the compiler keeps what it can
 * in registers, at a quarter of the code of all 64 rounds unrolled. */
static void sha256_block(uint32_t state[8], const uint8_t *block)
{
	uint32_t w[16];
	uint32_t a, b, c, d, e, f, g, h;
	const uint32_t *k = sha256_k;

	load_block(w, block);
	a = state[0];
	b = state[1];
	c = state[2];
	d = state[3];
	e = state[4];
	f = state[5];
	g = state[6];
	h = state[7];
	for (;;) {
		SHA256_ROUNDS8(k, w, 0);
		SHA256_ROUNDS8(k, w, 8);
		k += 16;
		if (k == sha256_k + 64)
			break;
		SHA256_SCHEDULE8(w, 0);
		SHA256_SCHEDULE8(w, 8);
	}
	state[0] += a;
	state[1] += b;
	state[2] += c;
	state[3] += d;
	state[4] += e;
	state[5] += f;
	state[6] += g;
	state[7] += h;
}

static void sha256_blocks(uint32_t state[8], const uint8_t *data, size_t nblocks)
{
	size_t done = sha256_arch_blocks(state, data, nblocks);

	for (; done < nblocks; done++)
		sha256_block(state, data + done * SHA256_BLOCK_SIZE);
}

void sha256_init(struct sha256_ctx *ctx)
{
	ctx->state[0] = 0x6a09e667;
	ctx->state[1] = 0xbb67ae85;
	ctx->state[2] = 0x3c6ef372;
	ctx->state[3] = 0xa54ff53a;
	ctx->state[4] = 0x510e527f;
	ctx->state[5] = 0x9b05688c;
	ctx->state[6] = 0x1f83d9ab;
	ctx->state[7] = 0x5be0cd19;
	ctx->length = 0;
	ctx->used = 0;
}

void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len)
{
	const uint8_t *p = data;

	ctx->length += len;
	if (ctx->used) {
		while (len && ctx->used < SHA256_BLOCK_SIZE) {
			ctx->block[ctx->used++] = *p++;
			len--;
		}
		if (ctx->used < SHA256_BLOCK_SIZE)
			return;
		sha256_block(ctx->state, ctx->block);
		ctx->used = 0;
	}
	/* Whole blocks straight from the input, whatever its alignment:
	 * load_block and the instructions' byte-element loads take any. */
	if (len >= SHA256_BLOCK_SIZE) {
		size_t n = len / SHA256_BLOCK_SIZE;

		sha256_blocks(ctx->state, p, n);
		p += n * SHA256_BLOCK_SIZE;
		len -= n * SHA256_BLOCK_SIZE;
	}
	while (len) {
		ctx->block[ctx->used++] = *p++;
		len--;
	}
}

/* Adds one padding byte, compressing when the block fills.  Padding goes
 * through here byte by byte so the compiler sees no memset-shaped loop it
 * could turn into a libc call the purgatory does not have. */
static void pad_byte(struct sha256_ctx *ctx, uint8_t byte)
{
	ctx->block[ctx->used++] = byte;
	if (ctx->used == SHA256_BLOCK_SIZE) {
		sha256_block(ctx->state, ctx->block);
		ctx->used = 0;
	}
}

void sha256_final(struct sha256_ctx *ctx, uint8_t digest[SHA256_DIGEST_SIZE])
{
	uint64_t bits = ctx->length << 3;
	unsigned int i;

	pad_byte(ctx, 0x80);
	while (ctx->used != SHA256_BLOCK_SIZE - 8)
		pad_byte(ctx, 0);
	for (i = 0; i < 8; i++)
		pad_byte(ctx, (uint8_t)(bits >> (56 - 8 * i)));
	for (i = 0; i < 8; i++)
		store_be32(digest + 4 * i, ctx->state[i]);
}

void sha256(const void *data, size_t len, uint8_t digest[SHA256_DIGEST_SIZE])
{
	struct sha256_ctx ctx;

	sha256_init(&ctx);
	sha256_update(&ctx, data, len);
	sha256_final(&ctx, digest);
}
