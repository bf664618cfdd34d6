#include "purgatory_image.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "byteorder.h"
#include "params.h"

int purgatory_image_inspect(const uint8_t *image, size_t size,
			    struct purgatory_layout *layout, struct error *err)
{
	const size_t magic_at = offsetof(struct purgatory_header, magic);

	if (size < sizeof(struct purgatory_header) ||
	    memcmp(image + magic_at, PURGATORY_MAGIC, 8) != 0)
		return error_set(err, -EINVAL, "built-in purgatory: bad header");
	layout->params_offset = get_le32(image + offsetof(struct purgatory_header, params_offset));
	layout->file_size = get_le32(image + offsetof(struct purgatory_header, file_size));
	layout->mem_size = get_le32(image + offsetof(struct purgatory_header, mem_size));
	if (layout->file_size != size || layout->mem_size < layout->file_size ||
	    layout->params_offset % 8 != 0 ||
	    layout->params_offset > size - sizeof(struct purgatory_params))
		return error_set(err, -EINVAL, "built-in purgatory: inconsistent header");
	return 0;
}

static void fill_params(uint8_t *p, const struct plan *plan,
			const struct uart_info *uart)
{
	size_t i;

	put_le64(p + offsetof(struct purgatory_params, entry), plan->kernel_entry);
	for (i = 0; i < 4; i++)
		put_le64(p + offsetof(struct purgatory_params, regs) + 8 * i,
			 plan->kernel_regs[i]);
	put_le32(p + offsetof(struct purgatory_params, flags), plan->purgatory_flags);
	put_le32(p + offsetof(struct purgatory_params, nr_segments),
		 (uint32_t)plan->nr_segments);
	put_le64(p + offsetof(struct purgatory_params, uart_addr), uart ? uart->addr : 0);
	put_le32(p + offsetof(struct purgatory_params, uart_kind),
		 uart ? (uint32_t)uart->kind : PURGATORY_UART_NONE);
	put_le32(p + offsetof(struct purgatory_params, uart_reg_shift), uart ? uart->reg_shift : 0);
	put_le32(p + offsetof(struct purgatory_params, uart_io_width), uart ? uart->io_width : 0);
	put_le32(p + offsetof(struct purgatory_params, nr_ranges), (uint32_t)plan->nr_digests);
	for (i = 0; i < plan->nr_segments; i++) {
		uint8_t *s = p + offsetof(struct purgatory_params, segments) +
			     i * sizeof(struct purgatory_segment);

		put_le64(s + offsetof(struct purgatory_segment, addr), plan->segments[i].mem);
		put_le64(s + offsetof(struct purgatory_segment, size), plan->segments[i].memsz);
	}
	for (i = 0; i < plan->nr_digests; i++) {
		const struct plan_digest *d = &plan->digests[i];
		uint8_t *r = p + offsetof(struct purgatory_params, ranges) +
			     i * sizeof(struct purgatory_range);

		put_le64(r + offsetof(struct purgatory_range, addr),
			 plan->segments[d->segment].mem + d->offset);
		put_le64(r + offsetof(struct purgatory_range, size), d->size);
		memcpy(r + offsetof(struct purgatory_range, sha256), d->sha256, SHA256_DIGEST_SIZE);
		put_le32(r + offsetof(struct purgatory_range, segment), (uint32_t)d->segment);
	}
}

int purgatory_image_fill(const uint8_t *image, size_t size,
			 const struct plan *plan, const struct uart_info *uart,
			 uint8_t **copy, struct purgatory_layout *layout,
			 struct error *err)
{
	int ret = purgatory_image_inspect(image, size, layout, err);

	if (ret)
		return ret;
	/* One slot stays free for the purgatory's own segment. */
	if (plan->nr_segments >= PURGATORY_MAX_SEGMENTS)
		return error_set(err, -E2BIG, "too many segments to verify (%zu)",
				 plan->nr_segments);
	if (plan->nr_digests > PURGATORY_MAX_RANGES)
		return error_set(err, -E2BIG, "too many digests for the purgatory (%zu)",
				 plan->nr_digests);
	*copy = malloc(size);
	if (!*copy)
		return error_set(err, -ENOMEM, "out of memory");
	memcpy(*copy, image, size);
	fill_params(*copy + layout->params_offset, plan, uart);
	return 0;
}

void purgatory_image_set_idmap(uint8_t *copy, const struct purgatory_layout *layout,
			       uint64_t ttbr0, uint64_t size)
{
	uint8_t *p = copy + layout->params_offset;

	put_le64(p + offsetof(struct purgatory_params, idmap_ttbr0), ttbr0);
	put_le64(p + offsetof(struct purgatory_params, idmap_size), size);
}
