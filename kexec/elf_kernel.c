#include "elf_kernel.h"

#include <errno.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* A vmlinux has a handful of PT_LOAD segments; a table of hundreds is a
 * crafted file, not a kernel. */
#define MAX_SEGMENTS 64

struct segment {
	uint64_t paddr, vaddr, offset, filesz, memsz;
};

static int load_segments(Elf *elf, size_t file_size, struct segment *segs,
			 size_t *count, struct error *err)
{
	size_t nphdr, i, n = 0;

	if (elf_getphdrnum(elf, &nphdr) != 0)
		return error_set(err, -EINVAL, "bad program header table (%s)", elf_errmsg(-1));
	for (i = 0; i < nphdr; i++) {
		GElf_Phdr ph;
		struct segment s;
		size_t j;

		if (!gelf_getphdr(elf, (int)i, &ph))
			return error_set(err, -EINVAL, "program header %zu unreadable (%s)", i,
					 elf_errmsg(-1));
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (ph.p_filesz > ph.p_memsz)
			return error_set(err, -EINVAL, "segment %zu: file size 0x%" PRIx64 " larger than its memory size 0x%" PRIx64,
					 i, (uint64_t)ph.p_filesz, (uint64_t)ph.p_memsz);
		if (ph.p_offset > file_size || ph.p_filesz > file_size - ph.p_offset)
			return error_set(err, -EINVAL, "segment %zu: 0x%" PRIx64 " bytes at offset 0x%" PRIx64 " run past the end of the file (%zu bytes): truncated",
					 i, (uint64_t)ph.p_filesz, (uint64_t)ph.p_offset, file_size);
		if (ph.p_paddr + ph.p_memsz < ph.p_paddr || ph.p_vaddr + ph.p_memsz < ph.p_vaddr)
			return error_set(err, -EINVAL, "segment %zu wraps around the address space", i);
		if (n == MAX_SEGMENTS)
			return error_set(err, -EINVAL, "more than %d loadable segments: not a kernel",
					 MAX_SEGMENTS);
		s = (struct segment){ ph.p_paddr, ph.p_vaddr, ph.p_offset, ph.p_filesz, ph.p_memsz };
		/* Sorted by physical address as they come (a few entries). */
		for (j = n; j > 0 && segs[j - 1].paddr > s.paddr; j--)
			segs[j] = segs[j - 1];
		segs[j] = s;
		n++;
	}
	if (n == 0)
		return error_set(err, -EINVAL, "no loadable segment");
	*count = n;
	return 0;
}

static int flatten(const uint8_t *data, const struct segment *segs, size_t n,
		   size_t limit, struct elf_kernel *out, struct error *err)
{
	uint64_t base = segs[0].paddr, end = base;
	size_t i;

	for (i = 0; i < n; i++) {
		if (i > 0 && segs[i].paddr < segs[i - 1].paddr + segs[i - 1].memsz)
			return error_set(err, -EINVAL, "segments at physical 0x%" PRIx64 " and 0x%" PRIx64 " overlap",
					 segs[i - 1].paddr, segs[i].paddr);
		if (segs[i].paddr + segs[i].filesz > end)
			end = segs[i].paddr + segs[i].filesz;
		/* Checked as we go so that end - base cannot overflow size_t
		 * on a 32-bit host. */
		if (end - base > limit)
			return error_set(err, -EFBIG, "segments span more than %zu bytes (the limit) from physical 0x%" PRIx64,
					 limit, base);
	}
	if (end == base)
		return error_set(err, -EINVAL, "no file data in the loadable segments");
	out->size = (size_t)(end - base);
	out->data = calloc(1, out->size);
	if (!out->data)
		return error_set(err, -ENOMEM, "out of memory for %zu bytes", out->size);
	for (i = 0; i < n; i++)
		memcpy(out->data + (segs[i].paddr - base), data + segs[i].offset,
		       (size_t)segs[i].filesz);
	out->load_paddr = base;
	return 0;
}

int elf_kernel_flatten(const uint8_t *data, size_t size, size_t limit,
		       struct elf_kernel *out, struct error *err)
{
	struct segment segs[MAX_SEGMENTS];
	size_t n = 0, i;
	GElf_Ehdr eh;
	Elf *elf;
	int ret;

	memset(out, 0, sizeof(*out));
	if (size < EI_NIDENT || memcmp(data, ELFMAG, SELFMAG) != 0)
		return error_set(err, -EINVAL, "no ELF magic");
	/* Checked before libelf sees the file: a foreign byte order would
	 * have it convert headers, and the loader is little-endian anyway. */
	if (data[EI_DATA] != ELFDATA2LSB)
		return error_set(err, -EINVAL, "big-endian ELF: this loader and its purgatory are little-endian");
	if (data[EI_CLASS] != ELFCLASS32 && data[EI_CLASS] != ELFCLASS64)
		return error_set(err, -EINVAL, "unknown ELF class %u", data[EI_CLASS]);
	if (elf_version(EV_CURRENT) == EV_NONE)
		return error_set(err, -EINVAL, "libelf is out of date");
	/* elf_memory takes a non-const pointer but only reads a file opened
	 * for reading (the buffer may be a read-only mapping). */
	elf = elf_memory((char *)(uintptr_t)data, size);
	if (!elf)
		return error_set(err, -EINVAL, "unreadable (%s)", elf_errmsg(-1));
	if (!gelf_getehdr(elf, &eh)) {
		ret = error_set(err, -EINVAL, "unreadable ELF header (%s)", elf_errmsg(-1));
		goto out;
	}
	if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) {
		ret = error_set(err, -EINVAL, "ELF type %u is not a linked executable (a vmlinux is ET_EXEC, or ET_DYN when relocatable)",
				eh.e_type);
		goto out;
	}
	if (!((eh.e_machine == EM_AARCH64 && data[EI_CLASS] == ELFCLASS64) ||
	      (eh.e_machine == EM_ARM && data[EI_CLASS] == ELFCLASS32))) {
		ret = error_set(err, -EINVAL, "ELF for machine %u, class %u: not a 64-bit arm64 or a 32-bit arm kernel",
				eh.e_machine, data[EI_CLASS]);
		goto out;
	}
	out->machine = eh.e_machine;
	ret = load_segments(elf, size, segs, &n, err);
	if (ret)
		goto out;
	for (i = 0; i < n; i++)
		if (eh.e_entry >= segs[i].vaddr && eh.e_entry - segs[i].vaddr < segs[i].filesz)
			break;
	if (i == n) {
		ret = error_set(err, -EINVAL, "entry point 0x%" PRIx64 " lies in no loadable segment's data",
				(uint64_t)eh.e_entry);
		goto out;
	}
	out->entry_paddr = eh.e_entry - segs[i].vaddr + segs[i].paddr;
	for (i = 0; i < n; i++)
		if (segs[i].paddr != segs[i].vaddr)
			out->has_paddr = true;
	ret = flatten(data, segs, n, limit, out, err);
out:
	elf_end(elf);
	if (ret) {
		free(out->data);
		out->data = NULL;
	}
	return ret;
}
