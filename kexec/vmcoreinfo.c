#include "vmcoreinfo.h"

#include <ctype.h>
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "byteorder.h"

/* A number as the kernel prints it: decimal, or for base 0 also 0x-hex
 * and negative (VMCOREINFO_NUMBER() is "%ld": an address in the top half
 * comes out negative, and is its two's complement here).  Nothing else:
 * strtoull alone would take blanks and a sign, and wrap "-1" quietly. */
static int parse_number(const char *value, size_t len, int base, uint64_t *out)
{
	const char *digits;
	char buf[32];
	bool negative;
	char *end;
	uint64_t n;

	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, value, len);
	buf[len] = '\0';
	negative = base == 0 && buf[0] == '-';
	digits = buf + negative;
	if (!isdigit((unsigned char)digits[0]))
		return -EINVAL;
	errno = 0;
	n = strtoull(digits, &end, base);
	if (errno || *end || (negative && n > 1ull << 63))
		return -EINVAL;
	*out = negative ? -n : n;
	return 0;
}

int vmcoreinfo_parse(const char *text, size_t len, struct vmcoreinfo *info,
		     struct error *err)
{
	const char *p = text, *end = text + len;

	memset(info, 0, sizeof(*info));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = nl ? nl : end;
		const char *eq = memchr(p, '=', (size_t)(line_end - p));

		if (eq) {
			size_t klen = (size_t)(eq - p), vlen = (size_t)(line_end - eq - 1);
			const char *v = eq + 1;
			uint64_t n;
			int ret = 0;

#define KEY(s) (klen == sizeof(s) - 1 && memcmp(p, s, klen) == 0)
			if (KEY("OSRELEASE")) {
				size_t c = vlen < sizeof(info->osrelease) - 1 ? vlen : sizeof(info->osrelease) - 1;

				memcpy(info->osrelease, v, c);
				info->osrelease[c] = '\0';
			} else if (KEY("NUMBER(VA_BITS)")) {
				/* Kept as given: the architecture judges it. */
				ret = parse_number(v, vlen, 10, &n);
				if (!ret && n > UINT32_MAX)
					ret = -EINVAL;
				info->va_bits = ret ? 0 : (uint32_t)n;
				info->has_va_bits = ret == 0;
			} else if (KEY("NUMBER(PHYS_OFFSET)")) {
				ret = parse_number(v, vlen, 0, &info->phys_offset);
				info->has_phys_offset = ret == 0;
			} else if (KEY("NUMBER(kimage_voffset)")) {
				ret = parse_number(v, vlen, 0, &info->kimage_voffset);
				info->has_kimage_voffset = ret == 0;
			} else if (KEY("NUMBER(PAGE_OFFSET)")) {
				ret = parse_number(v, vlen, 0, &info->page_offset);
				info->has_page_offset = ret == 0;
			} else if (KEY("PAGESIZE")) {
				ret = parse_number(v, vlen, 10, &info->page_size);
			}
#undef KEY
			if (ret)
				return error_set(err, -EINVAL, "VMCOREINFO: bad value for %.*s",
						 (int)klen, p);
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

/* Notes are 4-byte aligned name and descriptor, after a 12-byte header. */
static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static int find_in_notes(const uint8_t *notes, size_t size, const char **text,
			 size_t *text_len)
{
	size_t at = 0;

	while (at + 12 <= size) {
		uint32_t namesz = get_le32(notes + at), descsz = get_le32(notes + at + 4);
		size_t name_at = at + 12, desc_at;

		if (namesz > size || descsz > size)
			return -EINVAL;
		desc_at = name_at + align4(namesz);
		if (desc_at + descsz > size)
			return -EINVAL;
		if (namesz == sizeof("VMCOREINFO") &&
		    memcmp(notes + name_at, "VMCOREINFO", sizeof("VMCOREINFO")) == 0) {
			*text = (const char *)notes + desc_at;
			*text_len = descsz;
			return 0;
		}
		at = desc_at + align4(descsz);
	}
	return -ENOENT;
}

static int need_more(size_t *need, uint64_t bytes)
{
	*need = (size_t)bytes;
	return -EAGAIN;
}

static uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* /proc/kcore is an ELF file of the kernel's own class: ELF64 on arm64,
 * ELF32 on 32-bit arm (which can have one since about Linux 6.14). */
struct kcore_table {
	bool elf64;
	uint64_t phoff;
	uint16_t phnum;
	uint16_t phentsize;
};

struct kcore_phdr {
	uint32_t type;
	uint64_t offset, vaddr, paddr, filesz, memsz;
};

static int kcore_table(const uint8_t *kcore, size_t size, struct kcore_table *t,
		       size_t *need, struct error *err)
{
	size_t ehdr_size;

	*need = 0;
	if (size < EI_NIDENT)
		return need_more(need, sizeof(Elf64_Ehdr));
	if (memcmp(kcore, ELFMAG, SELFMAG) != 0 || kcore[EI_DATA] != ELFDATA2LSB ||
	    (kcore[EI_CLASS] != ELFCLASS64 && kcore[EI_CLASS] != ELFCLASS32))
		return error_set(err, -EINVAL, "/proc/kcore: not a little-endian ELF file");
	t->elf64 = kcore[EI_CLASS] == ELFCLASS64;
	ehdr_size = t->elf64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	if (size < ehdr_size)
		return need_more(need, ehdr_size);
	if (t->elf64) {
		t->phoff = get_le64(kcore + offsetof(Elf64_Ehdr, e_phoff));
		t->phentsize = get_le16(kcore + offsetof(Elf64_Ehdr, e_phentsize));
		t->phnum = get_le16(kcore + offsetof(Elf64_Ehdr, e_phnum));
	} else {
		t->phoff = get_le32(kcore + offsetof(Elf32_Ehdr, e_phoff));
		t->phentsize = get_le16(kcore + offsetof(Elf32_Ehdr, e_phentsize));
		t->phnum = get_le16(kcore + offsetof(Elf32_Ehdr, e_phnum));
	}
	if (t->phentsize != (t->elf64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)) ||
	    t->phoff > 1u << 20)
		return error_set(err, -EINVAL, "/proc/kcore: unexpected program headers");
	if (t->phoff + (uint64_t)t->phnum * t->phentsize > size)
		return need_more(need, t->phoff + (uint64_t)t->phnum * t->phentsize);
	return 0;
}

static void kcore_phdr(const uint8_t *kcore, const struct kcore_table *t, uint16_t i,
		       struct kcore_phdr *ph)
{
	const uint8_t *p = kcore + t->phoff + (size_t)i * t->phentsize;

	ph->type = get_le32(p); /* p_type leads in both classes */
	if (t->elf64) {
		ph->offset = get_le64(p + offsetof(Elf64_Phdr, p_offset));
		ph->vaddr = get_le64(p + offsetof(Elf64_Phdr, p_vaddr));
		ph->paddr = get_le64(p + offsetof(Elf64_Phdr, p_paddr));
		ph->filesz = get_le64(p + offsetof(Elf64_Phdr, p_filesz));
		ph->memsz = get_le64(p + offsetof(Elf64_Phdr, p_memsz));
	} else {
		ph->offset = get_le32(p + offsetof(Elf32_Phdr, p_offset));
		ph->vaddr = get_le32(p + offsetof(Elf32_Phdr, p_vaddr));
		ph->paddr = get_le32(p + offsetof(Elf32_Phdr, p_paddr));
		ph->filesz = get_le32(p + offsetof(Elf32_Phdr, p_filesz));
		ph->memsz = get_le32(p + offsetof(Elf32_Phdr, p_memsz));
	}
}

int kcore_find_vmcoreinfo(const uint8_t *kcore, size_t size,
			  const char **text, size_t *text_len, size_t *need,
			  struct error *err)
{
	struct kcore_table t;
	uint16_t i;
	int ret = kcore_table(kcore, size, &t, need, err);

	if (ret)
		return ret;
	for (i = 0; i < t.phnum; i++) {
		struct kcore_phdr ph;

		kcore_phdr(kcore, &t, i, &ph);
		if (ph.type != PT_NOTE)
			continue;
		if (ph.offset > 1u << 24 || ph.filesz > 1u << 24)
			return error_set(err, -EINVAL, "/proc/kcore: implausible note segment");
		if (ph.offset + ph.filesz > size)
			return need_more(need, ph.offset + ph.filesz);
		ret = find_in_notes(kcore + ph.offset, (size_t)ph.filesz, text, text_len);
		if (ret == 0)
			return 0;
		if (ret != -ENOENT)
			return error_set(err, ret, "/proc/kcore: malformed notes");
	}
	return error_set(err, -ENOENT, "/proc/kcore: no VMCOREINFO note (kernel older than 4.19?)");
}

int kcore_linear_map(const uint8_t *kcore, size_t size, uint64_t ram_start,
		     uint64_t *vaddr, size_t *need, struct error *err)
{
	struct kcore_table t;
	uint16_t i;
	int ret = kcore_table(kcore, size, &t, need, err);

	if (ret)
		return ret;
	for (i = 0; i < t.phnum; i++) {
		struct kcore_phdr ph;

		kcore_phdr(kcore, &t, i, &ph);
		if (ph.type == PT_LOAD && ph.paddr == ram_start && ph.memsz) {
			*vaddr = ph.vaddr;
			return 0;
		}
	}
	return error_set(err, -ENOENT, "/proc/kcore: no PT_LOAD maps the RAM at 0x%" PRIx64,
			 ram_start);
}
