/* Shared by the libFuzzer harnesses: split one input into several files,
 * and assert an invariant with a message (abort, so libFuzzer saves the
 * input as a crash). */
#ifndef TESTS_FUZZ_UTIL_H
#define TESTS_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memrange.h"

/* A harness that needs several files (a kernel, a DTB, /proc/iomem...)
 * reads them from one input as parts: each is a 4-byte little-endian
 * length and that many bytes; a length beyond the input takes the rest,
 * and parts past the end are empty.  tests/fuzz/pack.py builds seeds in
 * this form from fixture files. */
struct fuzz_part {
	const uint8_t *data;
	size_t size;
};

static inline void fuzz_split(const uint8_t *data, size_t size,
			      struct fuzz_part *parts, size_t nr_parts)
{
	size_t i;

	for (i = 0; i < nr_parts; i++) {
		uint32_t len;

		parts[i].data = data;
		parts[i].size = 0;
		if (size < 4)
			continue;
		len = (uint32_t)data[0] | (uint32_t)data[1] << 8 |
		      (uint32_t)data[2] << 16 | (uint32_t)data[3] << 24;
		data += 4;
		size -= 4;
		if (len > size)
			len = (uint32_t)size;
		parts[i].data = data;
		parts[i].size = len;
		data += len;
		size -= len;
	}
}

/* A heap copy of a part (parsers may keep pointers into it, and ASan then
 * catches reads past its end); NUL-terminated for text parsers.  Never
 * NULL: an empty part gives a one-byte buffer holding NUL. */
static inline char *fuzz_dup(const struct fuzz_part *part)
{
	char *copy = malloc(part->size + 1);

	if (!copy)
		abort();
	if (part->size)
		memcpy(copy, part->data, part->size);
	copy[part->size] = '\0';
	return copy;
}

#define FUZZ_ASSERT(cond, ...)                                                 \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "invariant broken at %s:%d: %s: ",     \
				__FILE__, __LINE__, #cond);                    \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
			abort();                                               \
		}                                                              \
	} while (0)

/* An error message must be one non-empty line. */
#define FUZZ_ASSERT_MESSAGE(err)                                               \
	FUZZ_ASSERT((err)->msg[0] != '\0' && !strchr((err)->msg, '\n'),        \
		    "error message \"%s\" is not one non-empty line", (err)->msg)

/* A range set as memrange.h promises it, once normalized: every range
 * non-empty, sorted, neither overlapping nor touching the next. */
static inline void fuzz_check_ranges(const struct mem_ranges *set, const char *what)
{
	size_t i;

	for (i = 0; i < set->n; i++) {
		FUZZ_ASSERT(set->r[i].start < set->r[i].end, "%s range %zu is empty", what, i);
		if (i)
			FUZZ_ASSERT(set->r[i - 1].end < set->r[i].start,
				    "%s ranges %zu and %zu overlap or touch", what, i - 1, i);
	}
}

#endif
