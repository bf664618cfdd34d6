/* A unified kernel image (UKI): a PE/COFF file, as systemd's ukify or
 * objcopy onto systemd-stub write it, whose sections carry the kernel
 * (.linux) and optionally its initrd (.initrd), command line (.cmdline)
 * and more (.osrel, .uname, .dtb, .splash, .sbat, .pcrsig, .profile ...).
 * Pure: bytes in, a description pointing into them out. */
#ifndef KEXEC_UKI_H
#define KEXEC_UKI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* The PE/COFF format's own bound on NumberOfSections. */
#define UKI_MAX_SECTIONS 96

/* What a UKI boots: its base sections, overridden by those of its first
 * profile (systemd's multi-profile UKIs: each .profile section starts a
 * profile; the first is the default).  Every pointer lies inside the file.
 * A section of length 0 counts as absent, as systemd-stub counts it. */
struct uki {
	const uint8_t *kernel;   /* .linux: never NULL after uki_parse */
	size_t kernel_size;
	const uint8_t *initrd;   /* .initrd, or NULL */
	size_t initrd_size;
	const char *cmdline;     /* .cmdline, or NULL (also when blank): cut
				    at its first NUL, trailing white space
				    dropped, NOT NUL-terminated */
	size_t cmdline_len;
	unsigned profiles;       /* .profile sections: 0 for a one-profile UKI */
};

/* A readable PE file (DOS header, PE signature, COFF and optional headers
 * inside the file) with a .linux section among the section headers that
 * lie in the file: what claims to be a UKI.  An EFI-stub Image or a zboot
 * file is a PE file without .linux. */
bool uki_probe(const uint8_t *data, size_t size);

/* Checks the file and describes it.  -ENOEXEC exactly when uki_probe is
 * false (not a UKI: "no .linux section"); -EINVAL for a UKI that is broken:
 * more than UKI_MAX_SECTIONS sections, a section table or any section's
 * bytes past the end of the file, a second .linux, .initrd or .cmdline in
 * the base or in the first profile, no .linux there, an empty one.
 * Messages name neither the file nor "UKI" (the caller prefixes them):
 * "section .initrd lies past the end of the file (offset 0x..., size
 * 0x..., file 0x... bytes)". */
int uki_parse(const uint8_t *data, size_t size, struct uki *uki, struct error *err);

#endif
