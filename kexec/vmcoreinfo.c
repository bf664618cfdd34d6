#include "vmcoreinfo.h"

#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "byteorder.h"

static int parse_number(const char *value, size_t len, int base, uint64_t *out)
{
	char buf[32];
	char *end;

	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, value, len);
	buf[len] = '\0';
	errno = 0;
	*out = strtoull(buf, &end, base);
	return errno || *end ? -EINVAL : 0;
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
				ret = parse_number(v, vlen, 10, &n);
				info->va_bits = (uint32_t)n;
				info->has_va_bits = ret == 0 && n >= 32 && n <= 64;
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
		p = line_end + 1;
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

int kcore_find_vmcoreinfo(const uint8_t *kcore, size_t size,
			  const char **text, size_t *text_len, size_t *need,
			  struct error *err)
{
	uint64_t phoff;
	uint16_t phentsize, phnum, i;

	*need = 0;
	if (size < sizeof(Elf64_Ehdr))
		return need_more(need, sizeof(Elf64_Ehdr));
	if (memcmp(kcore, ELFMAG, SELFMAG) != 0 || kcore[EI_CLASS] != ELFCLASS64 ||
	    kcore[EI_DATA] != ELFDATA2LSB)
		return error_set(err, -EINVAL, "/proc/kcore: not a little-endian ELF64 file");
	phoff = get_le64(kcore + offsetof(Elf64_Ehdr, e_phoff));
	phentsize = (uint16_t)(kcore[offsetof(Elf64_Ehdr, e_phentsize)] |
			       kcore[offsetof(Elf64_Ehdr, e_phentsize) + 1] << 8);
	phnum = (uint16_t)(kcore[offsetof(Elf64_Ehdr, e_phnum)] |
			   kcore[offsetof(Elf64_Ehdr, e_phnum) + 1] << 8);
	if (phentsize != sizeof(Elf64_Phdr) || phoff > 1u << 20)
		return error_set(err, -EINVAL, "/proc/kcore: unexpected program headers");
	if (phoff + (uint64_t)phnum * phentsize > size)
		return need_more(need, phoff + (uint64_t)phnum * phentsize);
	for (i = 0; i < phnum; i++) {
		const uint8_t *ph = kcore + phoff + (size_t)i * phentsize;
		uint64_t off, filesz;
		int ret;

		if (get_le32(ph + offsetof(Elf64_Phdr, p_type)) != PT_NOTE)
			continue;
		off = get_le64(ph + offsetof(Elf64_Phdr, p_offset));
		filesz = get_le64(ph + offsetof(Elf64_Phdr, p_filesz));
		if (off > 1u << 24 || filesz > 1u << 24)
			return error_set(err, -EINVAL, "/proc/kcore: implausible note segment");
		if (off + filesz > size)
			return need_more(need, off + filesz);
		ret = find_in_notes(kcore + off, (size_t)filesz, text, text_len);
		if (ret == 0)
			return 0;
		if (ret != -ENOENT)
			return error_set(err, ret, "/proc/kcore: malformed notes");
	}
	return error_set(err, -ENOENT, "/proc/kcore: no VMCOREINFO note (kernel older than 4.19?)");
}
