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
	uint8_t *data;      /* malloc'd; the caller frees it */
	size_t size;
	size_t consumed;    /* input bytes the stream(s) took */
};

/* "gzip", "zstd", ... */
const char *compression_name(enum compression c);

/* False when this kexec was built without the library for `c`. */
bool compression_supported(enum compression c);

/* Decompresses the stream at the start of `in`.  More than `limit` bytes of
 * output is an error (a decompression bomb, or a header that lies).  With
 * `peek`, decompression stops quietly after `limit` bytes or where the
 * input ends: enough to look at what the stream starts with.  Messages say
 * what went wrong without naming the file (the caller prefixes it).  Bytes
 * after the end of the stream are left to the caller (out->consumed). */
int decompress(enum compression c, const uint8_t *in, size_t in_size, size_t limit,
	       bool peek, struct decompressed *out, struct error *err);

#endif
