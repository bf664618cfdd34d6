/* What a file is, from its bytes alone (never its name), and the unwrapping
 * of containers and compression around a kernel, in memory.  One table maps
 * each detected type to its handler (kexec/format.c). */
#ifndef KEXEC_FORMAT_H
#define KEXEC_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "arch.h"
#include "error.h"

enum file_format {
	FORMAT_UNKNOWN = 0,
	FORMAT_ARM64_IMAGE,   /* "ARM\x64" at 0x38 */
	FORMAT_ARM_ZIMAGE,    /* 0x016f2818 at 0x24 */
	FORMAT_UIMAGE,        /* 0x27051956 big-endian at 0 */
	FORMAT_ZBOOT,         /* EFI zboot: "MZ", "zimg" at 4 */
	FORMAT_UKI,           /* a PE file with a .linux section (uki.h) */
	FORMAT_ELF,
	FORMAT_GZIP,
	FORMAT_ZSTD,
	FORMAT_XZ,
	FORMAT_LZMA,
	FORMAT_CPIO,          /* an initramfs, uncompressed */
	FORMAT_FDT,
	FORMAT_ARM_IMAGE,     /* a flat 32-bit ARM Image: no magic, so never
				 detected, only produced (from an ELF vmlinux) */
};

/* Containers and compression around a kernel, at most: real kernels have
 * two (a uImage holding a gzip stream); more is a crafted file. */
#define FORMAT_MAX_DEPTH 4
/* How much of a compressed stream is decompressed to see what it holds
 * (a kernel given as --initrd, an initramfs given as the kernel). */
#define FORMAT_PEEK_SIZE 4096

enum file_format format_detect(const uint8_t *data, size_t size);
const char *format_name(enum file_format format);

/* Follows containers and compression from the file's bytes down to a
 * payload that is neither (an Image, a zImage, a flat ARM Image from an
 * ELF, or something unknown, which the backend then rejects with its own
 * message), at most FORMAT_MAX_DEPTH layers deep.  Unwrapping never holds
 * more than `limit` bytes at once (+1: the byte that proves a stream too
 * large), across all layers: what the caller says this system can spare
 * for a kernel.  A layer that would unpack past what is left is refused as
 * soon as that is known (from a size it announces, else as its output
 * passes it): "vmlinuz: gzip layer 3 would unpack to more than 1 MiB (the
 * limit here: ...)".  On success *kernel describes the payload
 * (kernel->chain: "zboot(zstd) -> Image"; a uImage's load and entry
 * addresses; a UKI's initrd and command line in kernel->uki, which is all
 * zero for any other file); `*owned` is a buffer to free afterwards (NULL
 * when the payload points into `data`).  A UKI is only ever the file
 * itself, never inside another layer.  Errors are one line naming `path`
 * and the layer: "vmlinuz.efi: zboot: payload size 0x... past the end of
 * the file". */
int format_unwrap_kernel(const uint8_t *data, size_t size, size_t limit,
			 const char *path, struct kernel_file *kernel, void **owned,
			 struct error *err);

/* An initrd is passed through as given, but a file that is plainly a kernel
 * (any kernel format, or a compressed stream whose first
 * FORMAT_PEEK_SIZE decompressed bytes are one) or a device tree is refused
 * with a message saying so. */
int format_check_initrd(const uint8_t *data, size_t size, const char *path,
			struct error *err);

#endif
