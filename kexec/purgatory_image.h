/* The embedded purgatory image: find its parameter block through its
 * header and produce the copy that is loaded, with the block filled in. */
#ifndef KEXEC_PURGATORY_IMAGE_H
#define KEXEC_PURGATORY_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "dtb.h"
#include "error.h"
#include "plan.h"

struct purgatory_layout {
	uint32_t params_offset;
	uint32_t file_size;
	uint32_t mem_size;
};

/* Checks the header of an image and reads its layout. */
int purgatory_image_inspect(const uint8_t *image, size_t size,
			    struct purgatory_layout *layout, struct error *err);

/* Returns a malloc'd copy of `image` whose parameter block tells the
 * purgatory to verify every segment of `plan` (all of them: call this
 * before the purgatory itself is added), to report on `uart`, and then to
 * enter plan->kernel_entry with plan->kernel_regs. */
int purgatory_image_fill(const uint8_t *image, size_t size,
			 const struct plan *plan, const struct uart_info *uart,
			 uint8_t **copy, struct purgatory_layout *layout,
			 struct error *err);

/* Tells the purgatory where its identity-map tables are (see params.h). */
void purgatory_image_set_idmap(uint8_t *copy, const struct purgatory_layout *layout,
			       uint64_t ttbr0, uint64_t size);

#endif
