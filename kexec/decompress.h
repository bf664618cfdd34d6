/* One compressed stream (gzip, zstd, xz, lzma-alone) decompressed in
 * memory, with a cap: the output grows as data actually comes out, never
 * to a size a header claims. */
#ifndef KEXEC_DECOMPRESS_H
#define KEXEC_DECOMPRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

enum compression {
	COMPRESSION_GZIP,
	COMPRESSION_ZSTD,
	COMPRESSION_XZ,
	COMPRESSION_LZMA,   /* lzma-alone (.lzma), as the kernel's lzma images */
};

struct decompressed {
	uint8_t *data;      /* malloc'd, exactly `size` bytes; the caller frees it */
	size_t size;
	size_t consumed;    /* input bytes the stream(s) took */
	uint64_t claimed;   /* on -EFBIG: the size the stream announced, or 0
			       when its output itself passed the limit */
};

/* Stop quietly after `limit` bytes or where the input ends: enough to look
 * at what the stream starts with. */
#define DECOMPRESS_PEEK 1u
/* The stream ends where the input does (its container says how long it
 * is), so a size recorded at its end (gzip's ISIZE, xz's index) is its
 * own and may be believed enough to refuse it. */
#define DECOMPRESS_WHOLE 2u

/* "gzip", "zstd", ... */
const char *compression_name(enum compression c);

/* False when this kexec was built without the library for `c`. */
bool compression_supported(enum compression c);

/* Decompresses the stream at the start of `in`.  More than `limit` bytes of
 * output is -EFBIG (a decompression bomb, or a header that lies), found
 * without ever holding more than limit + 1 bytes: a size the stream
 * announces past the limit is refused before decoding, and the output
 * grows as data comes out, never to what a header claims.  The decoder's
 * own memory (window, dictionary) is held to about `memory` bytes (0: the
 * libraries' defaults, at most 256 MiB): -E2BIG when a stream needs more.  -EFBIG leaves the wording to the caller, who knows which
 * layer this is: the message is empty and out->claimed says why.  Other
 * messages say what went wrong without naming the file (the caller
 * prefixes it).  Bytes after the end of the stream are left to the caller
 * (out->consumed).  `flags`: DECOMPRESS_*. */
int decompress(enum compression c, const uint8_t *in, size_t in_size, size_t limit,
	       size_t memory, unsigned flags, struct decompressed *out, struct error *err);

#endif
