/* SHA-256 against FIPS 180-4 / NIST examples and digests of a fixed
 * 200-byte message (from Python's hashlib), fed whole, split at every
 * point, a byte at a time, and from unaligned addresses; and every prefix
 * of it from every alignment, through one digest of all their digests. */
#include "check.h"

#include "sha256.h"
#include "sha256_jobs.h"

static void to_hex(const uint8_t d[SHA256_DIGEST_SIZE], char out[65])
{
	static const char digits[] = "0123456789abcdef";
	int i;

	for (i = 0; i < SHA256_DIGEST_SIZE; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[64] = '\0';
}

static void check_digest(const char *name, const uint8_t d[SHA256_DIGEST_SIZE],
			 const char *want)
{
	char hex[65];

	to_hex(d, hex);
	CHECK_STR(name, hex, want);
}

static void nist_vectors(void)
{
	static const struct {
		const char *name, *msg, *digest;
	} v[] = {
		{ "nist empty", "",
		  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "nist abc", "abc",
		  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "nist 448 bits",
		  "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
		{ "nist 896 bits",
		  "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
		  "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
	};
	uint8_t d[SHA256_DIGEST_SIZE];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		sha256(v[i].msg, strlen(v[i].msg), d);
		check_digest(v[i].name, d, v[i].digest);
	}
}

static void million_a(void)
{
	static const char want[] =
		"cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
	struct sha256_ctx ctx;
	uint8_t d[SHA256_DIGEST_SIZE];
	char *buf = malloc(1000000);
	int i;

	if (!buf) {
		CHECK("nist million a: allocate", 0);
		return;
	}
	memset(buf, 'a', 1000000);
	sha256(buf, 1000000, d);
	check_digest("nist million a, one call", d, want);

	/* 1000 chunks of 1000: never a multiple of the block size. */
	sha256_init(&ctx);
	for (i = 0; i < 1000; i++)
		sha256_update(&ctx, buf, 1000);
	sha256_final(&ctx, d);
	check_digest("nist million a, 1000-byte updates", d, want);
	free(buf);
}

static uint8_t msg[200];

static const struct {
	size_t len;
	const char *digest;
} prefixes[] = {
	{ 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ 1, "084fed08b978af4d7d196a7446a86b58009e636b611db16211b65a9aadff29c5" },
	{ 55, "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b" },
	{ 56, "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27" },
	{ 57, "35df609437dcfea3279283ab79fd554e2bf78f8f7ae2de532d8ee300b09e8f73" },
	{ 63, "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055" },
	{ 64, "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241" },
	{ 65, "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e" },
	{ 119, "9ce7368e4daf32341631b492e80359dc9f594b48453cd0dd5bf0b19279cc177e" },
	{ 120, "7836b787757e95e58b3ca5aec90b1b004e8deba1e50e9675af9cabf1a13a04b5" },
	{ 127, "a8d23e75d936f303d248888d9b165ee543f4cbafcad3c9dd2a79bd84faa11d07" },
	{ 128, "d2742f1f4ac6bb7ca2b239ee18402ba8b3f9f8e652d2a72973c2b9ba11c08cf6" },
	{ 129, "307f8fc2c1622b92762e818d39a185d4d667ad49a4b07ceae1f4afa008a93ec4" },
	{ 200, "2c7e18c942ef065b526a2d4e5546283749cd3ddfb51d8fc71f42717363685f46" },
};

#define MSG200 "2c7e18c942ef065b526a2d4e5546283749cd3ddfb51d8fc71f42717363685f46"

/* Lengths around the padding boundaries (55/56 bytes left in a block). */
static void padding_boundaries(void)
{
	uint8_t d[SHA256_DIGEST_SIZE];
	char name[64];
	size_t i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		snprintf(name, sizeof(name), "prefix of %zu bytes", prefixes[i].len);
		sha256(msg, prefixes[i].len, d);
		check_digest(name, d, prefixes[i].digest);
	}
}

static void split_updates(void)
{
	struct sha256_ctx ctx;
	uint8_t d[SHA256_DIGEST_SIZE];
	char name[64];
	size_t split, i;

	for (split = 0; split <= 130; split++) {
		sha256_init(&ctx);
		sha256_update(&ctx, msg, split);
		sha256_update(&ctx, msg + split, sizeof(msg) - split);
		sha256_final(&ctx, d);
		snprintf(name, sizeof(name), "split at %zu", split);
		check_digest(name, d, MSG200);
	}

	/* Three pieces with an empty update in the middle. */
	sha256_init(&ctx);
	sha256_update(&ctx, msg, 70);
	sha256_update(&ctx, msg + 70, 0);
	sha256_update(&ctx, msg + 70, 130);
	sha256_final(&ctx, d);
	check_digest("empty update in the middle", d, MSG200);

	sha256_init(&ctx);
	for (i = 0; i < sizeof(msg); i++)
		sha256_update(&ctx, msg + i, 1);
	sha256_final(&ctx, d);
	check_digest("one byte at a time", d, MSG200);
}

static void unaligned_input(void)
{
	uint8_t *buf = malloc(sizeof(msg) + 16);
	uint8_t d[SHA256_DIGEST_SIZE];
	char name[64];
	size_t off;

	if (!buf) {
		CHECK("unaligned: allocate", 0);
		return;
	}
	for (off = 0; off < 16; off++) {
		struct sha256_ctx ctx;

		memcpy(buf + off, msg, sizeof(msg));
		sha256(buf + off, sizeof(msg), d);
		snprintf(name, sizeof(name), "input at offset %zu", off);
		check_digest(name, d, MSG200);

		/* An unaligned tail after a partial first block, too. */
		sha256_init(&ctx);
		sha256_update(&ctx, buf + off, 3);
		sha256_update(&ctx, buf + off + 3, sizeof(msg) - 3);
		sha256_final(&ctx, d);
		snprintf(name, sizeof(name), "input at offset %zu, split at 3", off);
		check_digest(name, d, MSG200);
	}
	free(buf);
}

/* Every length from 0 to 200 (the padding in the same block or the next,
 * one to three whole blocks) at each offset modulo 8, so the word loads of
 * an aligned block and the byte loads of an unaligned one both meet every
 * tail.  Want: sha256 of the 201 digests of msg[0..n), from hashlib. */
static void all_lengths_all_offsets(void)
{
	static const char want[] =
		"3275febb4612d86d586eb9f11cd21e648a9fc7d95e0f6b8d362786e28c9c5b79";
	uint8_t *buf = malloc(sizeof(msg) + 8);
	uint8_t d[SHA256_DIGEST_SIZE];
	char name[64];
	size_t off, len;

	if (!buf) {
		CHECK("all lengths: allocate", 0);
		return;
	}
	for (off = 0; off < 8; off++) {
		struct sha256_ctx all;

		memcpy(buf + off, msg, sizeof(msg));
		sha256_init(&all);
		for (len = 0; len <= sizeof(msg); len++) {
			sha256(buf + off, len, d);
			sha256_update(&all, d, sizeof(d));
		}
		sha256_final(&all, d);
		snprintf(name, sizeof(name), "lengths 0 to 200 at offset %zu", off);
		check_digest(name, d, want);
	}
	free(buf);
}

/* Many jobs on several threads: each digest is the one computed alone,
 * whatever the number of threads (more threads than jobs included). */
static void jobs_on_threads(void)
{
	enum { JOBS = 37 };
	static const unsigned int threads[] = { 0, 1, 2, 3, 8, 64 };
	struct sha256_job jobs[JOBS];
	uint8_t got[JOBS][SHA256_DIGEST_SIZE], want[JOBS][SHA256_DIGEST_SIZE];
	uint8_t *data = malloc(JOBS * 4096);
	size_t i, t;

	if (!data) {
		CHECK("jobs: allocate", 0);
		return;
	}
	for (i = 0; i < JOBS * 4096; i++)
		data[i] = (uint8_t)(i * 31 + (i >> 9));
	for (i = 0; i < JOBS; i++) {
		/* lengths 0, 111, 222, ... from offsets that differ too */
		jobs[i] = (struct sha256_job){ data + i * 97, i * 111, got[i] };
		sha256(jobs[i].data, jobs[i].len, want[i]);
	}
	for (t = 0; t < sizeof(threads) / sizeof(threads[0]); t++) {
		char name[64];

		memset(got, 0, sizeof(got));
		sha256_jobs_run(jobs, JOBS, threads[t]);
		snprintf(name, sizeof(name), "jobs: %u threads give each job's own digest", threads[t]);
		CHECK(name, memcmp(got, want, sizeof(got)) == 0);
	}
	sha256_jobs_run(jobs, 0, 4); /* nothing to do: returns */
	CHECK("jobs: default thread count is at least 1", sha256_jobs_default_threads() >= 1);
	free(data);
}

int main(void)
{
	size_t i;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 7 + 3);
	nist_vectors();
	million_a();
	padding_boundaries();
	split_updates();
	unaligned_input();
	all_lengths_all_offsets();
	jobs_on_threads();
	return check_status();
}
