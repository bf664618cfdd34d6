/* The purgatory's C half, common to every architecture: check that each
 * segment the kernel copied into place is byte for byte what the loader
 * hashed, and refuse to go on otherwise.  The architecture's entry code
 * runs this with a stack and a zeroed bss, then loads the next kernel's
 * registers from the parameter block and branches. */
#include <stddef.h>
#include <stdint.h>

#include "console.h"
#include "params.h"
#include "purgatory.h"
#include "sha256.h"

/* Filled in by the loader in its copy of the image; never written here. */
struct purgatory_params purgatory_params __attribute__((section(".data.params"), aligned(8)));

static int digest_equal(const uint8_t *a, const uint8_t *b)
{
	uint8_t diff = 0;
	int i;

	for (i = 0; i < SHA256_DIGEST_SIZE; i++)
		diff |= (uint8_t)(a[i] ^ b[i]);
	return diff == 0;
}

static void put_digest(const struct console *con, const uint8_t *digest)
{
	static const char hex[] = "0123456789abcdef";
	char buf[2 * SHA256_DIGEST_SIZE + 1];
	int i;

	for (i = 0; i < SHA256_DIGEST_SIZE; i++) {
		buf[2 * i] = hex[digest[i] >> 4];
		buf[2 * i + 1] = hex[digest[i] & 0xf];
	}
	buf[2 * SHA256_DIGEST_SIZE] = '\0';
	console_puts(con, buf);
}

static void report_mismatch(const struct console *con,
			    const struct purgatory_range *range,
			    const uint8_t *found)
{
	console_puts(con, "\nkexec purgatory: segment ");
	console_put_dec(con, range->segment);
	console_puts(con, " at ");
	console_put_hex(con, range->addr);
	console_puts(con, " size ");
	console_put_hex(con, range->size);
	console_puts(con, ": SHA-256 mismatch\n  expected ");
	put_digest(con, range->sha256);
	console_puts(con, "\n  found    ");
	put_digest(con, found);
	console_puts(con, "\nkexec purgatory: not booting a corrupted kernel; halted.\n");
}

/* Stops this CPU for good: no exception, no jump.  With interrupts masked
 * WFI still wakes on a pending interrupt, hence the loop: this CPU must
 * never run the unverified kernel.  WFI is the same instruction name in
 * A32 and A64. */
static __attribute__((noreturn)) void purgatory_halt(void)
{
	for (;;)
		__asm__ volatile("wfi" ::: "memory");
}

void purgatory_main(void)
{
	const struct purgatory_params *params = &purgatory_params;
	struct console con;
	uint8_t digest[SHA256_DIGEST_SIZE];
	uint32_t i, count;

	console_init(&con, params);
	if (!(params->flags & PURGATORY_VERIFY))
		return;

	count = params->nr_ranges;
	if (count > PURGATORY_MAX_RANGES || params->nr_segments > PURGATORY_MAX_SEGMENTS) {
		console_puts(&con, "\nkexec purgatory: parameter block is corrupt; halted.\n");
		purgatory_halt();
	}
	for (i = 0; i < count; i++) {
		const struct purgatory_range *range = &params->ranges[i];

		sha256((const void *)(uintptr_t)range->addr, (size_t)range->size, digest);
		if (!digest_equal(digest, range->sha256)) {
			report_mismatch(&con, range, digest);
			purgatory_halt();
		}
	}
	if (params->flags & PURGATORY_VERBOSE) {
		console_puts(&con, "kexec purgatory: ");
		console_put_dec(&con, params->nr_segments);
		console_puts(&con, " segments verified (");
		console_puts(&con, purgatory_hash_engine());
		console_puts(&con, ")\n");
	}
}

/* The compiler may emit calls to these for struct copies and clears even in
 * freestanding code; byte loops keep every access aligned. */
void *memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;

	while (n--)
		*d++ = (uint8_t)c;
	return dst;
}
