/* The ATAG list for the next kernel (arm/atags.c): the running list with
 * the command line and initrd replaced, everything else kept in order. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atags.h"
#include "byteorder.h"
#include "check.h"

static uint8_t list[256];
static size_t list_size;

static void add_tag(uint32_t tag, const uint32_t *payload, uint32_t words)
{
	uint32_t i;

	put_le32(list + list_size, words + 2);
	put_le32(list + list_size + 4, tag);
	for (i = 0; i < words; i++)
		put_le32(list + list_size + 8 + 4 * i, payload[i]);
	list_size += 8 + 4 * (size_t)words;
}

/* What /proc/atags of a board booted by an old U-Boot looks like. */
static void make_running_list(void)
{
	static const uint32_t core[] = { 1, 4096, 0xff };
	static const uint32_t mem[] = { 0x10000000, 0x80000000 };
	static const uint32_t initrd2[] = { 0x81000000, 0x200000 };
	static const uint32_t serial[] = { 0x1234, 0x5678 };
	uint32_t cmdline[5];

	memset(list, 0, sizeof(list));
	list_size = 0;
	memset(cmdline, 0, sizeof(cmdline));
	memcpy(cmdline, "root=/dev/mmcblk0p2", 20);
	add_tag(ATAG_CORE, core, 3);
	add_tag(ATAG_MEM, mem, 2);
	add_tag(ATAG_CMDLINE, cmdline, 5);
	add_tag(ATAG_INITRD2, initrd2, 2);
	add_tag(0x54410006 /* ATAG_SERIAL */, serial, 2);
	add_tag(ATAG_NONE, NULL, 0);
	put_le32(list + list_size - 8, 0); /* ATAG_NONE has size 0 */
}

/* The offset of the first tag `tag` in out, or -1. */
static long find_tag(const uint8_t *out, size_t size, uint32_t tag)
{
	size_t off = 0;

	while (off + 8 <= size) {
		uint32_t words = get_le32(out + off);

		if (get_le32(out + off + 4) == tag && words)
			return (long)off;
		if (!words)
			break;
		off += 4 * (size_t)words;
	}
	return -1;
}

static void test_replace(void)
{
	struct atags_update u = { .cmdline = "console=ttyS0 root=/dev/sda1", .has_initrd = true,
				  .initrd_start = 0x82000000, .initrd_size = 0x123456 };
	struct error err;
	uint8_t *out;
	size_t size;
	long at;

	make_running_list();
	CHECK_EQ("running list is valid", atags_check(list, list_size, "/proc/atags", &err), 0);
	CHECK_EQ("build succeeds", atags_build(list, list_size, "/proc/atags", &u, &out, &size, &err), 0);
	CHECK_EQ("result is a valid list", atags_check(out, size, "new", &err), 0);
	CHECK_EQ("ATAG_CORE stays first", get_le32(out + 4), ATAG_CORE);
	CHECK("ATAG_MEM kept", find_tag(out, size, ATAG_MEM) > 0);
	CHECK("other tags kept", find_tag(out, size, 0x54410006) > 0);
	at = find_tag(out, size, ATAG_CMDLINE);
	CHECK("one command line", at > 0);
	if (at > 0) {
		CHECK_STR("the new command line", (const char *)out + at + 8, "console=ttyS0 root=/dev/sda1");
		CHECK_EQ("command line tag sized for its text and NUL", get_le32(out + at),
			 2 + (strlen(u.cmdline) + 1 + 3) / 4);
		CHECK("no second command line",
		      find_tag(out + at + 4 * get_le32(out + at), size - (size_t)at - 4 * get_le32(out + at),
			       ATAG_CMDLINE) < 0);
	}
	at = find_tag(out, size, ATAG_INITRD2);
	CHECK("one INITRD2", at > 0);
	if (at > 0) {
		CHECK_EQ("INITRD2 start is the new initrd", get_le32(out + at + 8), 0x82000000);
		CHECK_EQ("INITRD2 size is the new initrd's", get_le32(out + at + 12), 0x123456);
	}
	CHECK_EQ("ends with ATAG_NONE", get_le32(out + size - 8) | get_le32(out + size - 4), 0);
	free(out);
}

static void test_keep_and_drop(void)
{
	struct atags_update u = { 0 };
	struct error err;
	uint8_t *out;
	size_t size;
	long at;

	make_running_list();
	CHECK_EQ("no command line, no initrd: build succeeds",
		 atags_build(list, list_size, "/proc/atags", &u, &out, &size, &err), 0);
	at = find_tag(out, size, ATAG_CMDLINE);
	CHECK("running command line kept", at > 0 &&
	      strcmp((const char *)out + at + 8, "root=/dev/mmcblk0p2") == 0);
	CHECK("old initrd dropped (it would point at the old one)", find_tag(out, size, ATAG_INITRD2) < 0);
	free(out);
}

static void test_malformed(void)
{
	struct atags_update u = { .cmdline = "x" };
	struct error err = { { 0 } };
	uint8_t *out = NULL;
	size_t size;
	char *long_cmdline;

	make_running_list();
	put_le32(list + 4, ATAG_MEM);
	CHECK_EQ("no ATAG_CORE first: refused", atags_check(list, list_size, "/proc/atags", &err), -EINVAL);
	CHECK_CONTAINS("no ATAG_CORE: message", err.msg, "/proc/atags: not an ATAG list");

	make_running_list();
	CHECK_EQ("no ATAG_NONE: refused", atags_check(list, list_size - 8, "/proc/atags", &err), -EINVAL);
	CHECK_CONTAINS("no ATAG_NONE: message", err.msg, "ATAG_NONE");

	make_running_list();
	put_le32(list + 20, 200);
	CHECK_EQ("tag past the end: refused", atags_build(list, list_size, "/proc/atags", &u, &out, &size, &err), -EINVAL);
	CHECK("tag past the end: nothing built", out == NULL);

	make_running_list();
	long_cmdline = malloc(2000);
	memset(long_cmdline, 'a', 1999);
	long_cmdline[1999] = '\0';
	u.cmdline = long_cmdline;
	CHECK_EQ("command line beyond the kernel's 1024 bytes: refused",
		 atags_build(list, list_size, "/proc/atags", &u, &out, &size, &err), -E2BIG);
	free(long_cmdline);
}

/* What --dry-run prints of a list: the command line and each tag. */
static void test_print(void)
{
	struct atags_update u = { .cmdline = "console=ttyAMA0 quiet", .has_initrd = true,
				  .initrd_start = 0x48000000, .initrd_size = 0x1000 };
	struct error err;
	uint8_t *out;
	size_t size, text_size;
	char *text;
	FILE *f;

	make_running_list();
	CHECK_EQ("build for printing", atags_build(list, list_size, "/proc/atags", &u, &out, &size, &err), 0);
	f = open_memstream(&text, &text_size);
	atags_print(f, out, size);
	fclose(f);
	CHECK("prints the new command line with its length",
	      strstr(text, "command line: \"console=ttyAMA0 quiet\" (22 bytes with its NUL; ATAG_CMDLINE)") != NULL);
	CHECK("prints the initrd tag", strstr(text, "ATAG_INITRD2 0x54420005, 4 words: initrd 0x48000000, 0x1000 bytes") != NULL);
	CHECK("prints kept tags", strstr(text, "ATAG_MEM 0x54410002") && strstr(text, "tag 0x54410006"));
	CHECK("the old command line is gone", strstr(text, "mmcblk0p2") == NULL);
	free(text);
	free(out);

	/* No command line tag at all. */
	memset(list, 0, sizeof(list));
	list_size = 0;
	add_tag(ATAG_CORE, NULL, 0);
	add_tag(ATAG_NONE, NULL, 0);
	put_le32(list + list_size - 8, 0);
	f = open_memstream(&text, &text_size);
	atags_print(f, list, list_size);
	fclose(f);
	CHECK("no ATAG_CMDLINE: says so", strstr(text, "command line: none (no ATAG_CMDLINE)") != NULL);
	free(text);

	/* A malformed list prints the reason, and nothing is read past it. */
	put_le32(list + 8, 0x40);
	put_le32(list + 12, ATAG_MEM);
	f = open_memstream(&text, &text_size);
	atags_print(f, list, list_size);
	fclose(f);
	CHECK("malformed list: one line naming the problem",
	      strncmp(text, "ATAGs: ATAG list: ATAG 0x54410002 at offset 8 claims 64 words", 61) == 0);
	free(text);
}

int main(void)
{
	test_print();
	test_replace();
	test_keep_and_drop();
	test_malformed();
	return check_status();
}
