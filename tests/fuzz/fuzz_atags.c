/* ATAG lists (/proc/atags) and the list built from them for the next
 * kernel.  Parts: 0 flags (bit 0 a command line, bit 1 an initrd; bytes
 * 1-8 its start and size), 1 the running list, 2 the command line.  The
 * built list must be well formed: ATAG_CORE first, every tag inside it,
 * ATAG_NONE exactly at its end, the old initrd tags gone, the command line
 * and initrd given present once.  atags_print (--dry-run) reads any list
 * without reading past it: a refused list prints one "ATAGs: " line, a
 * built one prints the command line asked for. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atags.h"
#include "byteorder.h"
#include "fuzz_util.h"

static void check_built(const uint8_t *list, size_t size, const struct atags_update *u)
{
	size_t off = 0;
	int cmdlines = 0, initrds = 0;

	FUZZ_ASSERT(size >= 16 && size % 4 == 0, "built list of %zu bytes", size);
	FUZZ_ASSERT(get_le32(list + 4) == ATAG_CORE, "built list does not start with ATAG_CORE");
	for (;;) {
		uint32_t words, tag;

		FUZZ_ASSERT(off + 8 <= size, "built list runs past its end");
		words = get_le32(list + off);
		tag = get_le32(list + off + 4);
		if (words == 0) {
			FUZZ_ASSERT(off + 8 == size, "ATAG_NONE at %zu of %zu bytes", off, size);
			break;
		}
		FUZZ_ASSERT(words >= 2 && off + 4ull * words <= size, "tag at %zu claims %u words",
			    off, words);
		FUZZ_ASSERT(tag != ATAG_INITRD, "obsolete ATAG_INITRD kept");
		if (tag == ATAG_INITRD2) {
			initrds++;
			FUZZ_ASSERT(u->has_initrd && words == 4 &&
				    get_le32(list + off + 8) == u->initrd_start &&
				    get_le32(list + off + 12) == u->initrd_size,
				    "ATAG_INITRD2 not the one asked for");
		}
		if (tag == ATAG_CMDLINE && u->cmdline) {
			cmdlines++;
			FUZZ_ASSERT(strnlen((const char *)list + off + 8, 4ull * words - 8) ==
					    strlen(u->cmdline) &&
				    !strcmp((const char *)list + off + 8, u->cmdline),
				    "ATAG_CMDLINE is not the command line asked for");
		}
		off += 4ull * words;
	}
	FUZZ_ASSERT(initrds == (u->has_initrd ? 1 : 0), "%d ATAG_INITRD2 tags", initrds);
	FUZZ_ASSERT(!u->cmdline || cmdlines == 1, "%d ATAG_CMDLINE tags", cmdlines);
}

/* What --dry-run prints of `list`, in a malloc'd string. */
static char *printed(const uint8_t *list, size_t size)
{
	char *text = NULL;
	size_t text_size = 0;
	FILE *f = open_memstream(&text, &text_size);

	FUZZ_ASSERT(f != NULL, "open_memstream failed");
	atags_print(f, list, size);
	fclose(f);
	return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;
	struct fuzz_part parts[3];
	char *list, *cmdline;
	struct atags_update u = { 0 };
	struct error err = { { 0 } };
	uint8_t *out = NULL;
	size_t out_size = 0;
	uint8_t f[9] = { 0 };
	int ret;

	fuzz_split(data, size, parts, 3);
	memcpy(f, parts[0].data, parts[0].size < sizeof(f) ? parts[0].size : sizeof(f));
	list = fuzz_dup(&parts[1]);
	cmdline = fuzz_dup(&parts[2]);
	if (f[0] & 1)
		u.cmdline = cmdline;
	u.has_initrd = f[0] & 2;
	u.initrd_start = get_le32(f + 1);
	u.initrd_size = get_le32(f + 5);

	ret = atags_check((const uint8_t *)list, parts[1].size, "atags", &err);
	if (ret) {
		FUZZ_ASSERT(ret < 0, "atags_check returned %d", ret);
		FUZZ_ASSERT_MESSAGE(&err);
	}
	text = printed((const uint8_t *)list, parts[1].size);
	if (ret)
		FUZZ_ASSERT(!strncmp(text, "ATAGs: ", 7) && strchr(text, '\n') == text + strlen(text) - 1,
			    "a refused list printed more than its one line: \"%.60s\"", text);
	else
		FUZZ_ASSERT(!strncmp(text, "command line: ", 14) && strstr(text, "\nATAGs:\n"),
			    "a valid list printed \"%.60s\"", text);
	free(text);
	ret = atags_build((const uint8_t *)list, parts[1].size, "atags", &u, &out, &out_size, &err);
	if (ret) {
		FUZZ_ASSERT(ret < 0 && out == NULL, "atags_build returned %d", ret);
		FUZZ_ASSERT_MESSAGE(&err);
	} else {
		check_built(out, out_size, &u);
		text = printed(out, out_size);
		if (u.cmdline) {
			char *want = malloc(strlen(u.cmdline) + 32);

			FUZZ_ASSERT(want != NULL, "out of memory");
			sprintf(want, "command line: \"%s\" (", u.cmdline);
			FUZZ_ASSERT(!strncmp(text, want, strlen(want)),
				    "atags_print does not show the command line asked for");
			free(want);
		}
		free(text);
	}
	free(out);
	free(list);
	free(cmdline);
	return 0;
}
