/* ATAGs: the tagged parameter list older 32-bit ARM boards boot with
 * instead of a device tree (Documentation/arch/arm/booting.rst).  The next
 * kernel gets the running one's list (/proc/atags) with the command line
 * and initrd replaced.  Pure: buffers in, a new buffer out. */
#ifndef ARM_ATAGS_H
#define ARM_ATAGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"

#define ATAG_NONE 0x00000000u
#define ATAG_CORE 0x54410001u
#define ATAG_MEM 0x54410002u
#define ATAG_INITRD 0x54410005u  /* virtual address: obsolete, dropped */
#define ATAG_INITRD2 0x54420005u /* physical start and size */
#define ATAG_CMDLINE 0x54410009u

/* The kernel copies at most this much of ATAG_CMDLINE (COMMAND_LINE_SIZE). */
#define ATAG_CMDLINE_MAX 1024

struct atags_update {
	const char *cmdline;   /* NULL: keep the running list's ATAG_CMDLINE */
	bool has_initrd;       /* false: no initrd tag at all */
	uint32_t initrd_start;
	uint32_t initrd_size;
};

/* Checks a list as /proc/atags gives it: ATAG_CORE first, every tag at
 * least a header long and inside the buffer, ATAG_NONE at the end. */
int atags_check(const uint8_t *list, size_t size, const char *what, struct error *err);

/* Returns in *out (malloc'd) the list for the next kernel; a malformed
 * running list is reported under the name `what` (a path). */
int atags_build(const uint8_t *list, size_t size, const char *what,
		const struct atags_update *update, uint8_t **out, size_t *out_size,
		struct error *err);

/* For --dry-run and -d: the command line the next kernel will read from
 * `list` (as atags_build made it) and each tag, by name where it has one.
 * A list that atags_check refuses prints as such, nothing more. */
void atags_print(FILE *out, const uint8_t *list, size_t size);

#endif
