/* The crash header from facts built out of the input: /proc/kcore's head
 * (VMCOREINFO note, linear map), a VMCOREINFO text, /proc/iomem, and
 * control bytes (the machine, each CPU's crash note, the VMCOREINFO note),
 * as four parts (tests/fuzz/fuzz_util.h).
 *
 * Invariants: kcore lookups find text inside kcore, or ask for more bytes
 * than they had; the header is an ELF core of the machine (ELF64 for
 * arm64; ELF32 for arm unless an address needs more) whose program
 * headers fill the buffer exactly: one PT_NOTE per CPU and one for
 * VMCOREINFO with the given addresses and sizes, then (arm64: the kernel
 * image, then) one PT_LOAD per range of System RAM outside the crash
 * regions with that range's address and size, at a constant vaddr - paddr
 * where a linear map is known.  A refusal is a negative code and one line. */
#include <elf.h>
#include <errno.h>

#include "byteorder.h"
#include "crash_header.h"
#include "proc_facts.h"
#include "fuzz_util.h"
#include "iomem.h"
#include "vmcoreinfo.h"

enum { PART_KCORE, PART_VMCOREINFO, PART_IOMEM, PART_CONTROL, NR_PARTS };

#define MAX_NOTES 8

/* One program header, whatever the class. */
struct phdr {
	uint32_t type;
	uint64_t offset, vaddr, paddr, filesz, memsz;
};

static struct phdr phdr_at(const uint8_t *hdr, bool elf64, size_t i)
{
	struct phdr ph;

	if (elf64) {
		const Elf64_Phdr *p = (const Elf64_Phdr *)(hdr + sizeof(Elf64_Ehdr)) + i;

		ph = (struct phdr){ p->p_type, p->p_offset, p->p_vaddr, p->p_paddr,
				    p->p_filesz, p->p_memsz };
	} else {
		const Elf32_Phdr *p = (const Elf32_Phdr *)(hdr + sizeof(Elf32_Ehdr)) + i;

		ph = (struct phdr){ p->p_type, p->p_offset, p->p_vaddr, p->p_paddr,
				    p->p_filesz, p->p_memsz };
	}
	return ph;
}

/* kcore: any VMCOREINFO text lies inside it; -EAGAIN asks for more. */
static int kcore_info(const struct fuzz_part *kcore, struct vmcoreinfo *info)
{
	struct error err = { { 0 } };
	const char *text = NULL;
	size_t len = 0, need = 0;
	int ret = kcore_find_vmcoreinfo(kcore->data, kcore->size, &text, &len, &need, &err);

	if (ret == -EAGAIN) {
		FUZZ_ASSERT(need > kcore->size, "asks for %zu bytes, having %zu", need, kcore->size);
		return ret;
	}
	if (ret) {
		FUZZ_ASSERT(ret < 0, "kcore_find_vmcoreinfo returned %d", ret);
		FUZZ_ASSERT_MESSAGE(&err);
		return ret;
	}
	FUZZ_ASSERT((const uint8_t *)text >= kcore->data &&
		    (const uint8_t *)text + len <= kcore->data + kcore->size,
		    "VMCOREINFO text outside kcore");
	ret = vmcoreinfo_parse(text, len, info, &err);
	if (ret)
		FUZZ_ASSERT_MESSAGE(&err);
	return ret;
}

static void check_header(const struct crash_facts *f, const uint8_t *hdr, size_t size,
			 bool linear_known)
{
	const Elf32_Ehdr *e32 = (const Elf32_Ehdr *)hdr;
	const Elf64_Ehdr *e64 = (const Elf64_Ehdr *)hdr;
	struct mem_ranges dumped;
	bool elf64, have_delta = false;
	size_t nr, i, first_load, r;
	uint64_t delta = 0;

	FUZZ_ASSERT(size >= sizeof(Elf32_Ehdr) && memcmp(hdr, ELFMAG, SELFMAG) == 0 &&
		    hdr[EI_DATA] == ELFDATA2LSB, "not a little-endian ELF");
	elf64 = hdr[EI_CLASS] == ELFCLASS64;
	FUZZ_ASSERT(elf64 || hdr[EI_CLASS] == ELFCLASS32, "class %u", hdr[EI_CLASS]);
	FUZZ_ASSERT(elf64 || f->machine == EM_ARM, "ELF32 for arm64");
	if (elf64) {
		FUZZ_ASSERT(size >= sizeof(*e64) && e64->e_type == ET_CORE &&
			    e64->e_machine == f->machine && e64->e_phoff == sizeof(*e64) &&
			    e64->e_phentsize == sizeof(Elf64_Phdr) &&
			    size == sizeof(*e64) + (size_t)e64->e_phnum * sizeof(Elf64_Phdr),
			    "ELF64 header and program headers do not fill the buffer");
		nr = e64->e_phnum;
	} else {
		FUZZ_ASSERT(e32->e_type == ET_CORE && e32->e_machine == f->machine &&
			    e32->e_phoff == sizeof(*e32) && e32->e_phentsize == sizeof(Elf32_Phdr) &&
			    size == sizeof(*e32) + (size_t)e32->e_phnum * sizeof(Elf32_Phdr),
			    "ELF32 header and program headers do not fill the buffer");
		nr = e32->e_phnum;
	}
	FUZZ_ASSERT(nr > f->nr_cpu_notes, "%zu program headers for %zu CPUs", nr, f->nr_cpu_notes);
	for (i = 0; i <= f->nr_cpu_notes; i++) {
		const struct crash_note_ref *n = i < f->nr_cpu_notes ? &f->cpu_notes[i] : &f->vmcoreinfo;
		struct phdr ph = phdr_at(hdr, elf64, i);

		FUZZ_ASSERT(ph.type == PT_NOTE && ph.offset == n->addr && ph.paddr == n->addr &&
			    ph.filesz == n->size && ph.memsz == n->size,
			    "note %zu is not the one given (0x%llx, %llu bytes)", i,
			    (unsigned long long)n->addr, (unsigned long long)n->size);
	}
	first_load = f->nr_cpu_notes + 1;
	if (f->machine == EM_AARCH64) {
		struct phdr ph = phdr_at(hdr, elf64, first_load);

		FUZZ_ASSERT(first_load < nr && ph.type == PT_LOAD && ph.paddr == f->kernel_start &&
			    ph.filesz == f->kernel_end - f->kernel_start &&
			    ph.vaddr == f->kernel_start + f->info.kimage_voffset,
			    "the kernel image's PT_LOAD is not where kimage_voffset puts it");
		first_load++;
	}
	mem_ranges_init(&dumped);
	if (mem_ranges_copy(&dumped, &f->ram) || mem_ranges_subtract_all(&dumped, &f->crash))
		abort();
	FUZZ_ASSERT(nr - first_load == dumped.n, "%zu PT_LOADs for %zu RAM ranges outside the crash regions",
		    nr - first_load, dumped.n);
	for (i = first_load, r = 0; i < nr; i++, r++) {
		struct phdr ph = phdr_at(hdr, elf64, i);
		uint64_t len = dumped.r[r].end - dumped.r[r].start;

		FUZZ_ASSERT(ph.type == PT_LOAD && ph.paddr == dumped.r[r].start &&
			    ph.offset == ph.paddr && ph.filesz == len && ph.memsz == len,
			    "PT_LOAD %zu is not RAM range [0x%llx, 0x%llx)", i,
			    (unsigned long long)dumped.r[r].start, (unsigned long long)dumped.r[r].end);
		if (!linear_known || (f->machine == EM_ARM && ph.vaddr == 0))
			continue;
		if (f->machine == EM_ARM)
			FUZZ_ASSERT(ph.vaddr + (len - 1) <= 0xffffffffull && ph.vaddr + (len - 1) >= ph.vaddr,
				    "arm vaddr 0x%llx past 4 GiB", (unsigned long long)ph.vaddr);
		if (have_delta)
			FUZZ_ASSERT(ph.vaddr - ph.paddr == delta,
				    "PT_LOAD %zu: vaddr - paddr differs from the others", i);
		delta = ph.vaddr - ph.paddr;
		have_delta = true;
	}
	mem_ranges_free(&dumped);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_part parts[NR_PARTS];
	struct crash_note_ref notes[MAX_NOTES];
	struct system_memory mem;
	struct crash_facts f;
	struct error err = { { 0 } };
	struct vmcoreinfo text_info;
	uint8_t control[2 + 16 * (MAX_NOTES + 1)] = { 0 };
	uint8_t *kcore, *hdr = NULL;
	char *iomem, *vmci;
	size_t hdr_size = 0, need, i;
	bool linear_known;
	int ret;

	fuzz_split(data, size, parts, NR_PARTS);
	kcore = (uint8_t *)fuzz_dup(&parts[PART_KCORE]);
	vmci = fuzz_dup(&parts[PART_VMCOREINFO]);
	iomem = fuzz_dup(&parts[PART_IOMEM]);
	memcpy(control, parts[PART_CONTROL].data,
	       parts[PART_CONTROL].size < sizeof(control) ? parts[PART_CONTROL].size : sizeof(control));

	memset(&f, 0, sizeof(f));
	system_memory_init(&mem);
	f.machine = control[0] & 1 ? EM_ARM : EM_AARCH64;
	/* VMCOREINFO from kcore, else from the text part. */
	{
		struct fuzz_part k = { kcore, parts[PART_KCORE].size };

		if (kcore_info(&k, &f.info) != 0) {
			ret = vmcoreinfo_parse(vmci, parts[PART_VMCOREINFO].size, &text_info, &err);
			if (ret) {
				FUZZ_ASSERT(ret < 0, "vmcoreinfo_parse returned %d", ret);
				FUZZ_ASSERT_MESSAGE(&err);
			} else {
				f.info = text_info;
			}
		}
	}
	ret = iomem_parse(iomem, parts[PART_IOMEM].size, &mem, &err);
	if (ret) {
		FUZZ_ASSERT_MESSAGE(&err);
		goto out;
	}
	f.ram = mem.ram;
	f.crash = mem.crash;
	if (mem.kernel_image.n) {
		f.kernel_start = mem.kernel_image.r[0].start;
		f.kernel_end = mem.kernel_image.r[mem.kernel_image.n - 1].end;
	}
	f.nr_cpu_notes = control[1] % (MAX_NOTES + 1);
	for (i = 0; i <= MAX_NOTES; i++) {
		struct crash_note_ref n = { get_le64(control + 2 + 16 * i),
					    get_le64(control + 10 + 16 * i) };

		if (i < MAX_NOTES)
			notes[i] = n;
		else
			f.vmcoreinfo = n;
	}
	f.cpu_notes = notes;
	if (mem.ram.n) {
		uint64_t vaddr = 0;
		int lret = kcore_linear_map(kcore, parts[PART_KCORE].size, mem.ram.r[0].start,
					    &vaddr, &need, &err);

		if (lret == -EAGAIN)
			FUZZ_ASSERT(need > parts[PART_KCORE].size, "asks for %zu bytes, having %zu",
				    need, parts[PART_KCORE].size);
		else if (lret)
			FUZZ_ASSERT_MESSAGE(&err);
		else {
			f.has_kcore_linear_map = true;
			f.kcore_linear_paddr = mem.ram.r[0].start;
			f.kcore_linear_vaddr = vaddr;
		}
	}
	/* arm's next source of the linear map: the same text, read as
	 * /proc/kallsyms. */
	if (f.machine == EM_ARM)
		f.has_text_vaddr = kallsyms_lookup(vmci, strlen(vmci), "_text", &f.text_vaddr) == 0;
	ret = crash_header_build(&f, &hdr, &hdr_size, &err);
	if (ret) {
		FUZZ_ASSERT(ret < 0, "crash_header_build returned %d", ret);
		FUZZ_ASSERT_MESSAGE(&err);
		FUZZ_ASSERT(hdr == NULL || hdr_size == 0, "a header after a failure");
		goto out;
	}
	/* arm always has one now: failing the facts, the defaults. */
	linear_known = true;
	check_header(&f, hdr, hdr_size, linear_known);
out:
	free(hdr);
	system_memory_free(&mem);
	free(iomem);
	free(vmci);
	free(kcore);
	return 0;
}
