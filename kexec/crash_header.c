#include "crash_header.h"

#include <ctype.h>
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the crash header is written in host byte order, which must be little-endian like its readers"
#endif

/* One per RAM range, plus the kernel image; more is a broken memory map. */
#define MAX_LOADS 4096

/* The virtual address sizes arm64 kernels are built for (36 with 16K
 * pages, up to 52 with LVA); anything else is not an arm64 VMCOREINFO. */
#define ARM64_VA_BITS_MIN 36
#define ARM64_VA_BITS_MAX 52

/* "6.1.0-50-cloud-arm64": major and minor, in range. */
static bool parse_release(const char *s, unsigned long *major, unsigned long *minor)
{
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	*major = strtoul(s, &end, 10);
	if (errno || end[0] != '.' || !isdigit((unsigned char)end[1]))
		return false;
	*minor = strtoul(end + 1, &end, 10);
	return errno == 0;
}

int arm64_page_offset(const struct vmcoreinfo *info, uint64_t *page_offset,
		      struct error *err)
{
	unsigned long major, minor;

	if (!info->has_va_bits)
		return error_set(err, -ENOENT, "VMCOREINFO lacks NUMBER(VA_BITS): cannot compute the linear map");
	if (info->va_bits < ARM64_VA_BITS_MIN || info->va_bits > ARM64_VA_BITS_MAX)
		return error_set(err, -EINVAL, "VMCOREINFO: NUMBER(VA_BITS)=%u is not an arm64 virtual address size (%d to %d bits)",
				 info->va_bits, ARM64_VA_BITS_MIN, ARM64_VA_BITS_MAX);
	if (!parse_release(info->osrelease, &major, &minor))
		return error_set(err, -ENOENT, "VMCOREINFO lacks a usable OSRELEASE (\"%s\")",
				 info->osrelease);
	if (major > 5 || (major == 5 && minor >= 4))
		*page_offset = ~0ull << info->va_bits;          /* -(1 << VA_BITS) */
	else
		*page_offset = ~0ull << (info->va_bits - 1);    /* top half of the kernel half */
	return 0;
}

/* arm64: the kernel's half of the address space is the top 2^VA_BITS
 * bytes; the linear map is half of it, 2^(VA_BITS - 1) bytes from
 * PAGE_OFFSET, and maps RAM at PA - PHYS_OFFSET into it.  Facts that put
 * RAM or the kernel image elsewhere are not this kernel's: say so rather
 * than describe addresses no tool will find. */
static int arm64_check_layout(const struct crash_facts *f, const struct mem_ranges *dumped,
			      struct error *err)
{
	uint64_t linear_size = 1ull << (f->info.va_bits - 1);
	uint64_t kimage = f->kernel_start + f->info.kimage_voffset;
	uint64_t kimage_last = kimage + (f->kernel_end - f->kernel_start - 1);
	size_t i;

	if (kimage < ~0ull << f->info.va_bits || kimage_last < kimage)
		return error_set(err, -EINVAL, "VMCOREINFO: NUMBER(kimage_voffset)=0x%" PRIx64 " puts the kernel image at 0x%" PRIx64 ", outside the kernel's %u-bit address space",
				 f->info.kimage_voffset, kimage, f->info.va_bits);
	for (i = 0; i < dumped->n; i++) {
		uint64_t offset = dumped->r[i].start - f->info.phys_offset;
		uint64_t size = dumped->r[i].end - dumped->r[i].start;

		if (offset >= linear_size || size > linear_size - offset)
			return error_set(err, -EINVAL, "VMCOREINFO: NUMBER(PHYS_OFFSET)=0x%" PRIx64 " puts the RAM at 0x%" PRIx64 " outside the %u-bit linear map",
					 f->info.phys_offset, dumped->r[i].start, f->info.va_bits);
	}
	return 0;
}

/* 32-bit arm's PAGE_OFFSET is 0xc0000000, 0xb0000000, 0x80000000 or
 * 0x40000000 (the VMSPLIT choices): 256 MiB aligned, and _text lies within
 * its first 256 MiB.  The zImage decompressor (AUTO_ZRELADDR, every
 * multiplatform kernel) writes the kernel at its own address rounded down
 * to 128 MiB plus TEXT_OFFSET, which is PHYS_OFFSET + TEXT_OFFSET. */
#define ARM_DEFAULT_PAGE_OFFSET 0xc0000000ull
#define ARM_PAGE_OFFSET_ALIGN (256ull << 20)
#define ARM_PHYS_OFFSET_ALIGN (128ull << 20)

void arm_linear_map(const struct crash_facts *f, uint64_t *page_offset,
		    uint64_t *phys_offset, const char **source)
{
	if (f->info.has_page_offset && f->info.has_phys_offset) {
		*page_offset = f->info.page_offset;
		*phys_offset = f->info.phys_offset;
		*source = "VMCOREINFO";
	} else if (f->has_kcore_linear_map) {
		*page_offset = f->kcore_linear_vaddr;
		*phys_offset = f->kcore_linear_paddr;
		*source = "/proc/kcore";
	} else if (f->has_text_vaddr && f->kernel_end > f->kernel_start &&
		   f->kernel_start >= f->text_vaddr % ARM_PAGE_OFFSET_ALIGN) {
		/* "Kernel code" starts at _text's physical address, and _text
		 * is TEXT_OFFSET (less than 256 MiB) above PAGE_OFFSET. */
		*page_offset = f->text_vaddr - f->text_vaddr % ARM_PAGE_OFFSET_ALIGN;
		*phys_offset = f->kernel_start - f->text_vaddr % ARM_PAGE_OFFSET_ALIGN;
		*source = "/proc/kallsyms _text";
	} else {
		*page_offset = ARM_DEFAULT_PAGE_OFFSET;
		*phys_offset = f->kernel_start & ~(ARM_PHYS_OFFSET_ALIGN - 1);
		*source = "defaults (PAGE_OFFSET 0xc0000000, PHYS_OFFSET \"Kernel code\" rounded down to 128 MiB)";
	}
}

struct load {
	uint64_t paddr, vaddr, size;
};

struct header_layout {
	struct load *loads;
	size_t nr_loads;
	bool elf64;
};

static int add_load(struct header_layout *h, uint64_t paddr, uint64_t vaddr,
		    uint64_t size, struct error *err)
{
	if (h->nr_loads == MAX_LOADS)
		return error_set(err, -E2BIG, "crash header: more than %d memory ranges", MAX_LOADS);
	h->loads[h->nr_loads++] = (struct load){ paddr, vaddr, size };
	return 0;
}

static int plan_loads(const struct crash_facts *f, struct header_layout *h,
		      struct error *err)
{
	struct mem_ranges dumped;
	uint64_t page_offset = 0, phys_offset = f->info.phys_offset;
	const char *source;
	size_t i;
	int ret;

	if (f->machine == EM_AARCH64) {
		if (!f->info.has_phys_offset)
			return error_set(err, -ENOENT, "VMCOREINFO lacks NUMBER(PHYS_OFFSET): cannot compute the linear map");
		if (!f->info.has_kimage_voffset)
			return error_set(err, -ENOENT, "VMCOREINFO lacks NUMBER(kimage_voffset): cannot place the kernel image");
		ret = arm64_page_offset(&f->info, &page_offset, err);
		if (ret)
			return ret;
	} else if (f->machine == EM_ARM) {
		arm_linear_map(f, &page_offset, &phys_offset, &source);
	} else {
		return error_set(err, -EINVAL, "crash header: unknown machine %u", f->machine);
	}
	if (f->kernel_end <= f->kernel_start)
		return error_set(err, -ENOENT, "/proc/iomem lists no \"Kernel code\"/\"Kernel data\": cannot describe the kernel image");

	mem_ranges_init(&dumped);
	ret = mem_ranges_copy(&dumped, &f->ram);
	if (!ret)
		ret = mem_ranges_subtract_all(&dumped, &f->crash);
	if (!ret && dumped.n == 0)
		ret = error_set(err, -ENOENT, "no System RAM outside the crash region to describe");
	if (!ret && f->machine == EM_AARCH64)
		ret = arm64_check_layout(f, &dumped, err);
	/* arm64: the kernel image is also mapped at its own virtual address
	 * (kimage_voffset); tools that read the dump look for it there. */
	if (!ret && f->machine == EM_AARCH64)
		ret = add_load(h, f->kernel_start, f->kernel_start + f->info.kimage_voffset,
			       f->kernel_end - f->kernel_start, err);
	for (i = 0; !ret && i < dumped.n; i++) {
		uint64_t start = dumped.r[i].start, size = dumped.r[i].end - start;
		uint64_t vaddr = start - phys_offset + page_offset;

		/* arm64 maps all RAM linearly; the subtraction may wrap, since
		 * a randomized linear map makes PHYS_OFFSET "negative".  On
		 * 32-bit arm, RAM below PHYS_OFFSET or past the 32-bit space
		 * has no linear address: a zero vaddr says so to tools. */
		if (f->machine == EM_ARM &&
		    (start < phys_offset || vaddr > 0xffffffffull ||
		     0xffffffffull - vaddr < size - 1))
			vaddr = 0;
		ret = add_load(h, start, vaddr, size, err);
	}
	mem_ranges_free(&dumped);
	return ret;
}

static bool below_4g(uint64_t addr, uint64_t size)
{
	return addr <= 0xffffffffull && size <= 0x100000000ull - addr && size <= 0xffffffffull;
}

/* Every address and size the header will hold fits in 32 bits. */
static bool fits_elf32(const struct crash_facts *f, const struct header_layout *h)
{
	size_t i;

	for (i = 0; i < h->nr_loads; i++)
		if (!below_4g(h->loads[i].paddr, h->loads[i].size))
			return false;
	for (i = 0; i < f->nr_cpu_notes; i++)
		if (!below_4g(f->cpu_notes[i].addr, f->cpu_notes[i].size))
			return false;
	return below_4g(f->vmcoreinfo.addr, f->vmcoreinfo.size);
}

static void put_note_phdr32(Elf32_Phdr *ph, const struct crash_note_ref *n)
{
	memset(ph, 0, sizeof(*ph));
	ph->p_type = PT_NOTE;
	ph->p_offset = (Elf32_Off)n->addr;
	ph->p_paddr = (Elf32_Addr)n->addr;
	ph->p_filesz = ph->p_memsz = (Elf32_Word)n->size;
}

static void put_note_phdr64(Elf64_Phdr *ph, const struct crash_note_ref *n)
{
	memset(ph, 0, sizeof(*ph));
	ph->p_type = PT_NOTE;
	ph->p_offset = n->addr;
	ph->p_paddr = n->addr;
	ph->p_filesz = ph->p_memsz = n->size;
}

static void fill_ident(unsigned char *ident, int elf_class)
{
	memcpy(ident, ELFMAG, SELFMAG);
	ident[EI_CLASS] = (unsigned char)elf_class;
	ident[EI_DATA] = ELFDATA2LSB;
	ident[EI_VERSION] = EV_CURRENT;
	ident[EI_OSABI] = ELFOSABI_NONE;
}

static uint8_t *write_elf64(const struct crash_facts *f, const struct header_layout *h,
			    size_t nr_phdrs, size_t *size)
{
	size_t bytes = sizeof(Elf64_Ehdr) + nr_phdrs * sizeof(Elf64_Phdr), i;
	uint8_t *buf = calloc(1, bytes);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	Elf64_Phdr *ph;

	if (!buf)
		return NULL;
	fill_ident(eh->e_ident, ELFCLASS64);
	eh->e_type = ET_CORE;
	eh->e_machine = f->machine;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof(Elf64_Ehdr);
	eh->e_ehsize = sizeof(Elf64_Ehdr);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = (Elf64_Half)nr_phdrs;
	ph = (Elf64_Phdr *)(buf + sizeof(Elf64_Ehdr));
	for (i = 0; i < f->nr_cpu_notes; i++)
		put_note_phdr64(ph++, &f->cpu_notes[i]);
	put_note_phdr64(ph++, &f->vmcoreinfo);
	for (i = 0; i < h->nr_loads; i++, ph++) {
		ph->p_type = PT_LOAD;
		ph->p_flags = PF_R | PF_W | PF_X;
		ph->p_offset = h->loads[i].paddr;
		ph->p_paddr = h->loads[i].paddr;
		ph->p_vaddr = h->loads[i].vaddr;
		ph->p_filesz = ph->p_memsz = h->loads[i].size;
	}
	*size = bytes;
	return buf;
}

static uint8_t *write_elf32(const struct crash_facts *f, const struct header_layout *h,
			    size_t nr_phdrs, size_t *size)
{
	size_t bytes = sizeof(Elf32_Ehdr) + nr_phdrs * sizeof(Elf32_Phdr), i;
	uint8_t *buf = calloc(1, bytes);
	Elf32_Ehdr *eh = (Elf32_Ehdr *)buf;
	Elf32_Phdr *ph;

	if (!buf)
		return NULL;
	fill_ident(eh->e_ident, ELFCLASS32);
	eh->e_type = ET_CORE;
	eh->e_machine = f->machine;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof(Elf32_Ehdr);
	eh->e_ehsize = sizeof(Elf32_Ehdr);
	eh->e_phentsize = sizeof(Elf32_Phdr);
	eh->e_phnum = (Elf32_Half)nr_phdrs;
	ph = (Elf32_Phdr *)(buf + sizeof(Elf32_Ehdr));
	for (i = 0; i < f->nr_cpu_notes; i++)
		put_note_phdr32(ph++, &f->cpu_notes[i]);
	put_note_phdr32(ph++, &f->vmcoreinfo);
	for (i = 0; i < h->nr_loads; i++, ph++) {
		ph->p_type = PT_LOAD;
		ph->p_flags = PF_R | PF_W | PF_X;
		ph->p_offset = (Elf32_Off)h->loads[i].paddr;
		ph->p_paddr = (Elf32_Addr)h->loads[i].paddr;
		ph->p_vaddr = (Elf32_Addr)h->loads[i].vaddr;
		ph->p_filesz = ph->p_memsz = (Elf32_Word)h->loads[i].size;
	}
	*size = bytes;
	return buf;
}

int crash_header_build(const struct crash_facts *facts, uint8_t **out,
		       size_t *size, struct error *err)
{
	struct header_layout h = { 0 };
	size_t nr_phdrs;
	int ret;

	if (facts->nr_cpu_notes == 0)
		return error_set(err, -ENOENT, "no CPU has crash_notes in /sys/devices/system/cpu: is CONFIG_CRASH_DUMP set?");
	if (facts->nr_cpu_notes > CRASH_MAX_CPUS)
		return error_set(err, -E2BIG, "crash header: %zu CPUs is more than %d",
				 facts->nr_cpu_notes, CRASH_MAX_CPUS);
	if (facts->vmcoreinfo.size == 0)
		return error_set(err, -ENOENT, "/sys/kernel/vmcoreinfo gives no VMCOREINFO note");
	h.loads = calloc(MAX_LOADS, sizeof(*h.loads));
	if (!h.loads)
		return error_set(err, -ENOMEM, "out of memory");
	ret = plan_loads(facts, &h, err);
	if (ret) {
		free(h.loads);
		return ret;
	}
	nr_phdrs = facts->nr_cpu_notes + 1 + h.nr_loads;
	/* ELF32 can describe only the first 4 GiB; LPAE machines need ELF64. */
	h.elf64 = facts->machine != EM_ARM || !fits_elf32(facts, &h);
	*out = h.elf64 ? write_elf64(facts, &h, nr_phdrs, size)
		       : write_elf32(facts, &h, nr_phdrs, size);
	free(h.loads);
	if (!*out)
		return error_set(err, -ENOMEM, "out of memory");
	return 0;
}
