#include "atags.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "byteorder.h"

#define TAG_HEADER_WORDS 2
/* arch/arm/kernel/head.S accepts ATAG_CORE with or without its payload. */
#define CORE_WORDS_EMPTY 2
#define CORE_WORDS_FULL 5
#define INITRD2_WORDS 4
/* /proc/atags keeps at most 1536 bytes; a longer list is not one of it. */
#define ATAGS_MAX 1536

int atags_check(const uint8_t *list, size_t size, const char *what, struct error *err)
{
	size_t off = 0;
	uint32_t words;

	if (size < 4 * TAG_HEADER_WORDS || size % 4 || size > ATAGS_MAX)
		return error_set(err, -EINVAL, "%s: not an ATAG list (%zu bytes)", what, size);
	words = get_le32(list);
	if (get_le32(list + 4) != ATAG_CORE ||
	    (words != CORE_WORDS_EMPTY && words != CORE_WORDS_FULL))
		return error_set(err, -EINVAL, "%s: not an ATAG list (no ATAG_CORE first)", what);
	for (;;) {
		if (off + 4 * TAG_HEADER_WORDS > size)
			return error_set(err, -EINVAL, "%s: ATAG list has no ATAG_NONE at its end", what);
		words = get_le32(list + off);
		if (words == 0)
			return 0;
		if (words < TAG_HEADER_WORDS || off + 4ull * words > size)
			return error_set(err, -EINVAL, "%s: ATAG 0x%08x at offset %zu claims %u words, past the list",
					 what, get_le32(list + off + 4), off, words);
		off += 4ull * words;
	}
}

static void put_tag_header(uint8_t *p, uint32_t words, uint32_t tag)
{
	put_le32(p, words);
	put_le32(p + 4, tag);
}

int atags_build(const uint8_t *list, size_t size, const char *what,
		const struct atags_update *update, uint8_t **out, size_t *out_size,
		struct error *err)
{
	size_t off = 0, used = 0, cap, cmdline_len = 0;
	uint8_t *buf;
	int ret;

	*out = NULL;
	*out_size = 0;
	ret = atags_check(list, size, what, err);
	if (ret)
		return ret;
	if (update->cmdline) {
		cmdline_len = strlen(update->cmdline);
		if (cmdline_len >= ATAG_CMDLINE_MAX)
			return error_set(err, -E2BIG, "command line of %zu bytes: the kernel keeps only %d from ATAG_CMDLINE",
					 cmdline_len, ATAG_CMDLINE_MAX - 1);
	}
	cap = size + 4 * TAG_HEADER_WORDS + cmdline_len + 4 + 4 * INITRD2_WORDS;
	buf = calloc(1, cap);
	if (!buf)
		return error_set(err, -ENOMEM, "ATAG list: out of memory");

	for (;;) {
		uint32_t words = get_le32(list + off), tag = get_le32(list + off + 4);

		if (words == 0)
			break;
		/* Replaced below; the obsolete virtual-address initrd tag would
		 * otherwise point the kernel at the old one. */
		if (!(tag == ATAG_INITRD || tag == ATAG_INITRD2 ||
		      (tag == ATAG_CMDLINE && update->cmdline))) {
			memcpy(buf + used, list + off, 4ull * words);
			used += 4ull * words;
		}
		off += 4ull * words;
	}
	if (update->cmdline) {
		uint32_t words = (uint32_t)(TAG_HEADER_WORDS + (cmdline_len + 1 + 3) / 4);

		put_tag_header(buf + used, words, ATAG_CMDLINE);
		memcpy(buf + used + 8, update->cmdline, cmdline_len); /* NUL from calloc */
		used += 4ull * words;
	}
	if (update->has_initrd) {
		put_tag_header(buf + used, INITRD2_WORDS, ATAG_INITRD2);
		put_le32(buf + used + 8, update->initrd_start);
		put_le32(buf + used + 12, update->initrd_size);
		used += 4 * INITRD2_WORDS;
	}
	put_tag_header(buf + used, 0, ATAG_NONE);
	used += 4 * TAG_HEADER_WORDS;
	*out = buf;
	*out_size = used;
	return 0;
}

static const char *tag_name(uint32_t tag)
{
	switch (tag) {
	case ATAG_CORE: return "ATAG_CORE";
	case ATAG_MEM: return "ATAG_MEM";
	case ATAG_INITRD: return "ATAG_INITRD";
	case ATAG_INITRD2: return "ATAG_INITRD2";
	case ATAG_CMDLINE: return "ATAG_CMDLINE";
	default: return "tag";
	}
}

void atags_print(FILE *out, const uint8_t *list, size_t size)
{
	struct error err;
	const char *cmdline = NULL;
	size_t off, cmdline_max = 0;

	if (atags_check(list, size, "ATAG list", &err)) {
		fprintf(out, "ATAGs: %s\n", err.msg);
		return;
	}
	/* The kernel takes the text up to its NUL or the tag's end. */
	for (off = 0; get_le32(list + off); off += 4ull * get_le32(list + off))
		if (get_le32(list + off + 4) == ATAG_CMDLINE) {
			cmdline = (const char *)list + off + 4 * TAG_HEADER_WORDS;
			cmdline_max = 4ull * (get_le32(list + off) - TAG_HEADER_WORDS);
		}
	if (cmdline) {
		size_t len = strnlen(cmdline, cmdline_max);

		fprintf(out, "command line: \"%.*s\" (%zu bytes with its NUL; ATAG_CMDLINE)\n",
			(int)len, cmdline, len + 1);
	} else {
		fprintf(out, "command line: none (no ATAG_CMDLINE)\n");
	}
	fprintf(out, "ATAGs:\n");
	for (off = 0; get_le32(list + off); off += 4ull * get_le32(list + off)) {
		uint32_t words = get_le32(list + off), tag = get_le32(list + off + 4);

		fprintf(out, "  %s 0x%08x, %u words", tag_name(tag), tag, words);
		if (tag == ATAG_INITRD2 && words >= INITRD2_WORDS)
			fprintf(out, ": initrd 0x%08x, 0x%x bytes", get_le32(list + off + 8),
				get_le32(list + off + 12));
		else if (tag == ATAG_CMDLINE)
			fprintf(out, ": the command line above");
		fputc('\n', out);
	}
}
