#include "uki.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "byteorder.h"

/* The PE/COFF layout (Microsoft's PE format specification): the DOS
 * header's e_lfanew at 0x3c gives the offset of the "PE\0\0" signature;
 * the COFF file header follows it (NumberOfSections at 2,
 * SizeOfOptionalHeader at 16), then the optional header, whose first two
 * bytes say PE32 or PE32+, then the section table: 40 bytes a section,
 * the name (8 bytes, NUL-padded, not NUL-terminated when 8 long),
 * VirtualSize at 8, SizeOfRawData at 16, PointerToRawData at 20. */
#define DOS_HEADER_SIZE 0x40
#define DOS_LFANEW 0x3c
#define PE_SIGNATURE_SIZE 4
#define COFF_HEADER_SIZE 20
#define COFF_NSECTIONS 2
#define COFF_OPT_SIZE 16
#define OPT_MAGIC_PE32 0x10b
#define OPT_MAGIC_PE32_PLUS 0x20b
#define SECTION_SIZE 40
#define SECTION_NAME_LEN 8
#define SECTION_VSIZE 8
#define SECTION_RAW_SIZE 16
#define SECTION_RAW_PTR 20

/* The sections a UKI hands on; the rest (.osrel, .uname, .splash, .sbat,
 * .pcrsig ...) are for the stub and for measurements. */
enum uki_part { PART_LINUX, PART_INITRD, PART_CMDLINE, NR_PARTS };

static const char *const part_names[NR_PARTS] = { ".linux", ".initrd", ".cmdline" };

static uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* Where the section table is, and how many of its entries may be read. */
struct pe_headers {
	size_t table;          /* its offset: inside the file */
	unsigned nsections;    /* NumberOfSections, as the header says */
	unsigned readable;     /* entries inside the file, at most UKI_MAX_SECTIONS */
};

static int pe_read_headers(const uint8_t *data, size_t size, struct pe_headers *pe,
			   struct error *err)
{
	uint32_t lfanew;
	size_t opt;
	uint16_t opt_size, magic;

	if (size < DOS_HEADER_SIZE || data[0] != 'M' || data[1] != 'Z')
		return error_set(err, -ENOEXEC, "not a PE file (no \"MZ\" DOS header)");
	lfanew = get_le32(data + DOS_LFANEW);
	if ((uint64_t)lfanew + PE_SIGNATURE_SIZE + COFF_HEADER_SIZE > size)
		return error_set(err, -ENOEXEC, "PE header at 0x%" PRIx32 " (e_lfanew) lies past the end of the file (0x%zx bytes)",
				 lfanew, size);
	if (memcmp(data + lfanew, "PE\0\0", PE_SIGNATURE_SIZE) != 0)
		return error_set(err, -ENOEXEC, "no PE signature at 0x%" PRIx32 " (e_lfanew)", lfanew);
	pe->nsections = get_le16(data + lfanew + PE_SIGNATURE_SIZE + COFF_NSECTIONS);
	opt_size = get_le16(data + lfanew + PE_SIGNATURE_SIZE + COFF_OPT_SIZE);
	opt = (size_t)lfanew + PE_SIGNATURE_SIZE + COFF_HEADER_SIZE;
	if (opt_size > size - opt)
		return error_set(err, -ENOEXEC, "optional header (0x%x bytes at 0x%zx) runs past the end of the file (0x%zx bytes)",
				 opt_size, opt, size);
	magic = opt_size >= 2 ? get_le16(data + opt) : 0;
	if (magic != OPT_MAGIC_PE32 && magic != OPT_MAGIC_PE32_PLUS)
		return error_set(err, -ENOEXEC, "optional header magic 0x%x is neither PE32 (0x10b) nor PE32+ (0x20b)",
				 magic);
	pe->table = opt + opt_size;
	pe->readable = pe->nsections < UKI_MAX_SECTIONS ? pe->nsections : UKI_MAX_SECTIONS;
	if (pe->readable > (size - pe->table) / SECTION_SIZE)
		pe->readable = (unsigned)((size - pe->table) / SECTION_SIZE);
	return 0;
}

static bool name_is(const uint8_t *section, const char *name)
{
	uint8_t padded[SECTION_NAME_LEN] = { 0 };

	memcpy(padded, name, strlen(name));
	return memcmp(section, padded, SECTION_NAME_LEN) == 0;
}

/* The section's name for a message: ".initrd", or "#3" when it has none. */
static const char *section_label(const uint8_t *section, unsigned index, char buf[16])
{
	if (!section[0])
		snprintf(buf, 16, "#%u", index);
	else
		snprintf(buf, 16, "%.8s", (const char *)section);
	return buf;
}

/* The headers, and a .linux section among the entries that can be read:
 * what uki_probe sees, and so where uki_parse says -ENOEXEC. */
static int uki_headers(const uint8_t *data, size_t size, struct pe_headers *pe,
		       struct error *err)
{
	unsigned i;
	int ret;

	ret = pe_read_headers(data, size, pe, err);
	if (ret)
		return ret;
	for (i = 0; i < pe->readable; i++)
		if (name_is(data + pe->table + (size_t)i * SECTION_SIZE, part_names[PART_LINUX]))
			return 0;
	return error_set(err, -ENOEXEC, "no .linux section: a PE file, but not a UKI");
}

bool uki_probe(const uint8_t *data, size_t size)
{
	struct pe_headers pe;

	return uki_headers(data, size, &pe, NULL) == 0;
}

struct span {
	const uint8_t *data;   /* NULL: absent or empty */
	size_t size;
	int entry;             /* its section table entry; -1: none */
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

int uki_parse(const uint8_t *data, size_t size, struct uki *uki, struct error *err)
{
	/* [0]: the base, [1]: the first profile. */
	struct span parts[2][NR_PARTS];
	const struct span *chosen[NR_PARTS];
	struct pe_headers pe;
	unsigned i, scope = 0;
	char label[16];
	int p, ret;

	ret = uki_headers(data, size, &pe, err);
	if (ret)
		return ret;
	if (pe.nsections > UKI_MAX_SECTIONS)
		return error_set(err, -EINVAL, "%u sections; a PE file has at most %d",
				 pe.nsections, UKI_MAX_SECTIONS);
	if (pe.readable < pe.nsections)
		return error_set(err, -EINVAL, "section table (%u entries at 0x%zx) runs past the end of the file (0x%zx bytes)",
				 pe.nsections, pe.table, size);
	memset(uki, 0, sizeof(*uki));
	for (scope = 0; scope < 2; scope++)
		for (p = 0; p < NR_PARTS; p++)
			parts[scope][p] = (struct span){ NULL, 0, -1 };
	scope = 0;
	for (i = 0; i < pe.nsections; i++) {
		const uint8_t *s = data + pe.table + (size_t)i * SECTION_SIZE;
		uint32_t vsize = get_le32(s + SECTION_VSIZE);
		uint32_t raw_size = get_le32(s + SECTION_RAW_SIZE);
		uint32_t raw_ptr = get_le32(s + SECTION_RAW_PTR);
		struct span *part;

		/* Every section, used or not: firmware loads them all. */
		if (raw_size && (raw_ptr > size || raw_size > size - raw_ptr))
			return error_set(err, -EINVAL, "section %s lies past the end of the file (offset 0x%" PRIx32 ", size 0x%" PRIx32 ", file 0x%zx bytes)",
					 section_label(s, i, label), raw_ptr, raw_size, size);
		if (name_is(s, ".profile")) {
			uki->profiles++;
			scope = 1;
			continue;
		}
		/* Only the default profile is booted. */
		if (uki->profiles > 1)
			continue;
		for (p = 0; p < NR_PARTS && !name_is(s, part_names[p]); p++)
			;
		if (p == NR_PARTS)
			continue;
		part = &parts[scope][p];
		if (part->entry >= 0)
			return error_set(err, -EINVAL, "section %s appears twice%s (section table entries %d and %u)",
					 part_names[p], scope ? " in profile 0" : "", part->entry, i);
		part->entry = (int)i;
		/* Raw data is padded to FileAlignment; VirtualSize is the
		 * length, when given. */
		part->size = vsize && vsize < raw_size ? vsize : raw_size;
		if (part->size)
			part->data = data + raw_ptr;
	}
	/* A profile's section replaces the base's. */
	for (p = 0; p < NR_PARTS; p++)
		chosen[p] = parts[1][p].data ? &parts[1][p] : &parts[0][p];

	if (!chosen[PART_LINUX]->data)
		return parts[0][PART_LINUX].entry >= 0 || parts[1][PART_LINUX].entry >= 0
			? error_set(err, -EINVAL, "section .linux is empty")
			: error_set(err, -EINVAL, "no .linux section in the base or the first profile (the later profiles are not used)");
	uki->kernel = chosen[PART_LINUX]->data;
	uki->kernel_size = chosen[PART_LINUX]->size;
	uki->initrd = chosen[PART_INITRD]->data;
	uki->initrd_size = chosen[PART_INITRD]->size;
	if (chosen[PART_CMDLINE]->data) {
		const char *text = (const char *)chosen[PART_CMDLINE]->data;
		const char *nul = memchr(text, '\0', chosen[PART_CMDLINE]->size);
		size_t len = nul ? (size_t)(nul - text) : chosen[PART_CMDLINE]->size;

		while (len && is_blank(text[len - 1]))
			len--;
		if (len) {
			uki->cmdline = text;
			uki->cmdline_len = len;
		}
	}
	return 0;
}
