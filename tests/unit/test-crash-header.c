/* The crash ELF core header, checked against real data: VMCOREINFO and
 * /proc/kcore's own program headers from Debian's arm64 kernel under QEMU
 * (tests/fixtures/crash/qemu-arm64), so the virtual addresses we compute
 * must equal the ones that kernel itself used. */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "byteorder.h"
#include "check.h"
#include "check_ranges.h"
#include "crash_header.h"
#include "iomem.h"
#include "vmcoreinfo.h"

static const char *fixtures;
static uint8_t *kcore;
static size_t kcore_size;

/* The vaddr kcore itself gives for a physical address (0: none). */
static uint64_t kcore_vaddr_of(uint64_t paddr)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)kcore;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(kcore + eh->e_phoff);
	int i;

	for (i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_paddr <= paddr &&
		    paddr < ph[i].p_paddr + ph[i].p_memsz)
			return ph[i].p_vaddr + (paddr - ph[i].p_paddr);
	return 0;
}

static void load_facts(struct crash_facts *f, struct crash_note_ref *cpus)
{
	struct system_memory mem;
	struct error err;
	const char *text;
	size_t len, need, size;
	char *iomem = read_fixture(fixtures, "crash/qemu-arm64/iomem.txt", &size);

	memset(f, 0, sizeof(*f));
	f->machine = EM_AARCH64;
	system_memory_init(&mem);
	if (iomem_parse(iomem, size, &mem, &err)) {
		printf("Bail out! %s\n", err.msg);
		exit(1);
	}
	f->ram = mem.ram;
	f->crash = mem.crash;
	f->kernel_start = mem.kernel_image.r[0].start;
	f->kernel_end = mem.kernel_image.r[mem.kernel_image.n - 1].end;
	mem_ranges_free(&mem.reserved);
	mem_ranges_free(&mem.kernel_image);
	free(iomem);
	/* crash_notes.txt and vmcoreinfo, as the sysfs files read. */
	cpus[0] = (struct crash_note_ref){ 0x7fdb6000, 424 };
	cpus[1] = (struct crash_note_ref){ 0x7fdd4000, 424 };
	f->cpu_notes = cpus;
	f->nr_cpu_notes = 2;
	f->vmcoreinfo = (struct crash_note_ref){ 0x48cd2000, 0x1024 };
	if (kcore_find_vmcoreinfo(kcore, kcore_size, &text, &len, &need, &err) ||
	    vmcoreinfo_parse(text, len, &f->info, &err)) {
		printf("Bail out! %s\n", err.msg);
		exit(1);
	}
}

static void free_facts(struct crash_facts *f)
{
	mem_ranges_free(&f->ram);
	mem_ranges_free(&f->crash);
}

static void test_vmcoreinfo(void)
{
	struct vmcoreinfo info;
	struct error err;
	const char *text;
	size_t len, need;

	CHECK_EQ("kcore: VMCOREINFO note found", kcore_find_vmcoreinfo(kcore, kcore_size, &text, &len, &need, &err), 0);
	CHECK_EQ("vmcoreinfo parses", vmcoreinfo_parse(text, len, &info, &err), 0);
	CHECK_STR("OSRELEASE", info.osrelease, "6.1.0-50-cloud-arm64");
	CHECK("VA_BITS 48", info.has_va_bits && info.va_bits == 48);
	CHECK("PHYS_OFFSET read (randomized linear map)", info.has_phys_offset && info.phys_offset == 0xffffbf3a40000000ull);
	CHECK("kimage_voffset read", info.has_kimage_voffset && info.kimage_voffset == 0xffffcff54c400000ull);
	CHECK_EQ("truncated kcore asks for more", kcore_find_vmcoreinfo(kcore, 100, &text, &len, &need, &err), -EAGAIN);
	CHECK("truncated kcore: needs the program headers or notes", need > 100 && need <= kcore_size);
	CHECK_EQ("not an ELF: rejected", kcore_find_vmcoreinfo((const uint8_t *)"hello, world, this is no ELF file at all, not even close, no.......", 64, &text, &len, &need, &err), -EINVAL);
	CHECK_EQ("bad number rejected", vmcoreinfo_parse("NUMBER(VA_BITS)=4x8\n", 20, &info, &err), -EINVAL);
	CHECK_CONTAINS("bad number named", err.msg, "NUMBER(VA_BITS)");
}

static int parse_line(const char *line, struct vmcoreinfo *info)
{
	struct error err;

	return vmcoreinfo_parse(line, strlen(line), info, &err);
}

/* Numbers as the kernel prints them, and nothing strtoull would also take. */
static void test_vmcoreinfo_numbers(void)
{
	struct vmcoreinfo info;

	CHECK("negative (\"%ld\") is the two's complement",
	      parse_line("NUMBER(PAGE_OFFSET)=-140737488355328\n", &info) == 0 &&
	      info.page_offset == 0xffff800000000000ull);
	CHECK_EQ("past 64 bits (ERANGE): refused",
		 parse_line("NUMBER(PHYS_OFFSET)=0x10000000000000000\n", &info), -EINVAL);
	CHECK_EQ("negative past 64 bits: refused",
		 parse_line("NUMBER(PAGE_OFFSET)=-9223372036854775809\n", &info), -EINVAL);
	CHECK_EQ("a '+': refused", parse_line("NUMBER(kimage_voffset)=+5\n", &info), -EINVAL);
	CHECK_EQ("a blank: refused", parse_line("NUMBER(kimage_voffset)= 5\n", &info), -EINVAL);
	CHECK_EQ("negative VA_BITS: refused", parse_line("NUMBER(VA_BITS)=-48\n", &info), -EINVAL);
	CHECK_EQ("VA_BITS past 32 bits: refused", parse_line("NUMBER(VA_BITS)=4294967344\n", &info), -EINVAL);
	CHECK("VA_BITS=64 is read as given (arm64 judges it)",
	      parse_line("NUMBER(VA_BITS)=64", &info) == 0 && info.has_va_bits && info.va_bits == 64);
}

static void test_arm64_header(void)
{
	struct crash_note_ref cpus[2];
	struct crash_facts f;
	struct mem_ranges covered;
	struct error err;
	uint8_t *hdr = NULL;
	size_t size = 0;
	const Elf64_Ehdr *eh;
	const Elf64_Phdr *ph;
	int i, notes = 0, ok_vaddr = 1;
	uint64_t kernel_vaddr = 0;

	load_facts(&f, cpus);
	CHECK_EQ("arm64 header builds", crash_header_build(&f, &hdr, &size, &err), 0);
	if (!hdr)
		goto out;
	eh = (const Elf64_Ehdr *)hdr;
	CHECK("ELF64 little-endian core", eh->e_ident[EI_CLASS] == ELFCLASS64 &&
	      eh->e_ident[EI_DATA] == ELFDATA2LSB && eh->e_type == ET_CORE);
	CHECK_EQ("machine is AArch64", eh->e_machine, EM_AARCH64);
	CHECK_EQ("size is header plus program headers", size, sizeof(Elf64_Ehdr) + eh->e_phnum * sizeof(Elf64_Phdr));
	ph = (const Elf64_Phdr *)(hdr + eh->e_phoff);
	mem_ranges_init(&covered);
	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_NOTE) {
			notes++;
			continue;
		}
		if (ph[i].p_type != PT_LOAD)
			continue;
		if (ph[i].p_vaddr == ph[i].p_paddr + f.info.kimage_voffset)
			kernel_vaddr = ph[i].p_vaddr;
		else if (ph[i].p_vaddr != kcore_vaddr_of(ph[i].p_paddr)) {
			printf("#   paddr 0x%" PRIx64 ": vaddr 0x%" PRIx64 ", kcore 0x%" PRIx64 "\n",
			       (uint64_t)ph[i].p_paddr, (uint64_t)ph[i].p_vaddr,
			       kcore_vaddr_of(ph[i].p_paddr));
			ok_vaddr = 0;
		}
		CHECK("PT_LOAD offset is its physical address", ph[i].p_offset == ph[i].p_paddr);
		mem_ranges_add(&covered, ph[i].p_paddr, ph[i].p_paddr + ph[i].p_memsz);
	}
	CHECK_EQ("one PT_NOTE per CPU plus VMCOREINFO", notes, 3);
	CHECK_EQ("first note is cpu0's crash_notes", ph[0].p_offset, 0x7fdb6000);
	CHECK_EQ("cpu note size from crash_notes_size", ph[0].p_filesz, 424);
	CHECK_EQ("VMCOREINFO note address", ph[2].p_offset, 0x48cd2000);
	CHECK("linear-map vaddrs equal the running kernel's own (kcore)", ok_vaddr);
	CHECK_EQ("kernel image vaddr equals kcore's", kernel_vaddr, kcore_vaddr_of(f.kernel_start));
	CHECK_SET("PT_LOADs cover exactly System RAM minus the crash region", &covered,
		  0x40000000, 0x6ac00000, 0x7ac00000, 0x80000000);
	mem_ranges_free(&covered);
out:
	free(hdr);
	free_facts(&f);
}

static void test_missing_facts(void)
{
	struct crash_note_ref cpus[2];
	struct crash_facts f;
	struct error err;
	uint8_t *hdr = NULL;
	size_t size;

	load_facts(&f, cpus);
	f.info.has_phys_offset = false;
	CHECK_EQ("no PHYS_OFFSET: refused", crash_header_build(&f, &hdr, &size, &err), -ENOENT);
	CHECK_CONTAINS("no PHYS_OFFSET: named", err.msg, "NUMBER(PHYS_OFFSET)");
	f.info.has_phys_offset = true;
	f.info.has_kimage_voffset = false;
	CHECK_EQ("no kimage_voffset: refused", crash_header_build(&f, &hdr, &size, &err), -ENOENT);
	CHECK_CONTAINS("no kimage_voffset: named", err.msg, "kimage_voffset");
	f.info.has_kimage_voffset = true;
	f.info.has_va_bits = false;
	CHECK_EQ("no VA_BITS: refused", crash_header_build(&f, &hdr, &size, &err), -ENOENT);
	CHECK_CONTAINS("no VA_BITS: named", err.msg, "VA_BITS");
	f.info.has_va_bits = true;
	f.nr_cpu_notes = 0;
	CHECK_EQ("no CPU notes: refused", crash_header_build(&f, &hdr, &size, &err), -ENOENT);
	CHECK_CONTAINS("no CPU notes: named", err.msg, "crash_notes");
	f.nr_cpu_notes = 2;
	f.kernel_end = f.kernel_start;
	CHECK_EQ("no Kernel code in iomem: refused", crash_header_build(&f, &hdr, &size, &err), -ENOENT);
	CHECK("nothing allocated on failure", hdr == NULL);
	free_facts(&f);
}

static void test_page_offset(void)
{
	struct vmcoreinfo info = { .has_va_bits = true, .va_bits = 48 };
	uint64_t po;

	strcpy(info.osrelease, "5.3.18");
	CHECK("pre-5.4 48-bit: 0xffff800000000000", arm64_page_offset(&info, &po, NULL) == 0 && po == 0xffff800000000000ull);
	strcpy(info.osrelease, "5.4.0");
	CHECK("5.4+ 48-bit: 0xffff000000000000", arm64_page_offset(&info, &po, NULL) == 0 && po == 0xffff000000000000ull);
	info.va_bits = 52;
	strcpy(info.osrelease, "6.6.1");
	CHECK("52-bit: 0xfff0000000000000", arm64_page_offset(&info, &po, NULL) == 0 && po == 0xfff0000000000000ull);
	info.va_bits = 39;
	CHECK("39-bit: 0xffffff8000000000", arm64_page_offset(&info, &po, NULL) == 0 && po == 0xffffff8000000000ull);
	info.osrelease[0] = '\0';
	CHECK_EQ("no OSRELEASE: refused", arm64_page_offset(&info, &po, NULL), -ENOENT);
	strcpy(info.osrelease, "99999999999999999999999.1");
	CHECK_EQ("OSRELEASE past unsigned long: refused", arm64_page_offset(&info, &po, NULL), -ENOENT);
	strcpy(info.osrelease, "6.1");
	{
		/* A shift by 64 (or by -1) was undefined: only arm64's sizes pass. */
		static const uint32_t bad[] = { 0, 1, 35, 53, 63, 64, 65, 4096 };
		struct error err;
		size_t i;

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			char name[96];

			info.va_bits = bad[i];
			snprintf(name, sizeof(name), "VA_BITS=%u: refused", bad[i]);
			CHECK_EQ(name, arm64_page_offset(&info, &po, &err), -EINVAL);
			snprintf(name, sizeof(name), "VA_BITS=%u: message names VMCOREINFO", bad[i]);
			CHECK_CONTAINS(name, err.msg, "VMCOREINFO: NUMBER(VA_BITS)=");
		}
		info.va_bits = 36;
		CHECK("VA_BITS=36 (16K pages): 0xfffffff000000000",
		      arm64_page_offset(&info, &po, NULL) == 0 && po == 0xfffffff000000000ull);
	}
}

/* Facts that contradict the linear map are refused, naming the fact. */
static void test_arm64_inconsistent(void)
{
	struct crash_note_ref cpus[2];
	struct crash_facts f;
	struct error err;
	uint8_t *hdr = NULL;
	size_t size;
	uint64_t voffset;

	load_facts(&f, cpus);
	f.info.va_bits = 64;
	CHECK_EQ("VA_BITS=64: header refused", crash_header_build(&f, &hdr, &size, &err), -EINVAL);
	CHECK_CONTAINS("VA_BITS=64: named", err.msg, "VMCOREINFO: NUMBER(VA_BITS)=64");
	f.info.va_bits = 48;
	voffset = f.info.kimage_voffset;
	f.info.kimage_voffset = 0x1000;
	CHECK_EQ("kimage_voffset putting the kernel in user space: refused",
		 crash_header_build(&f, &hdr, &size, &err), -EINVAL);
	CHECK_CONTAINS("kimage_voffset: named", err.msg, "NUMBER(kimage_voffset)=0x1000");
	f.info.kimage_voffset = voffset;
	f.info.phys_offset = 0x40000000 + 1;
	CHECK_EQ("PHYS_OFFSET above RAM: refused", crash_header_build(&f, &hdr, &size, &err), -EINVAL);
	CHECK_CONTAINS("PHYS_OFFSET: named", err.msg, "NUMBER(PHYS_OFFSET)=0x40000001");
	CHECK("nothing allocated on failure", hdr == NULL);
	free_facts(&f);
}

static void test_arm32(void)
{
	struct crash_note_ref cpus[1] = { { 0x5f000000, 148 } };
	struct crash_facts f;
	struct error err;
	uint8_t *hdr = NULL;
	size_t size;

	memset(&f, 0, sizeof(f));
	f.machine = EM_ARM;
	mem_ranges_init(&f.ram);
	mem_ranges_init(&f.crash);
	/* 2 GiB from 0x40000000: its top lies past 4 GiB in the 3G/1G split. */
	mem_ranges_add(&f.ram, 0x40000000, 0xc0000000);
	mem_ranges_add(&f.crash, 0x60000000, 0x68000000);
	f.kernel_start = 0x40208000;
	f.kernel_end = 0x41000000;
	f.cpu_notes = cpus;
	f.nr_cpu_notes = 1;
	f.vmcoreinfo = (struct crash_note_ref){ 0x41100000, 0x1000 };
	strcpy(f.info.osrelease, "6.1.0-armmp");
	f.info.has_page_offset = f.info.has_phys_offset = true;
	f.info.page_offset = 0xc0000000;
	f.info.phys_offset = 0x40000000;
	CHECK_EQ("arm 2 GiB: header builds", crash_header_build(&f, &hdr, &size, &err), 0);
	if (hdr) {
		const Elf32_Ehdr *eh = (const Elf32_Ehdr *)hdr;
		const Elf32_Phdr *ph = (const Elf32_Phdr *)(hdr + eh->e_phoff);

		CHECK("arm below 4 GiB: ELF32", eh->e_ident[EI_CLASS] == ELFCLASS32 && eh->e_machine == EM_ARM);
		CHECK_EQ("arm: two notes then two loads", eh->e_phnum, 4);
		CHECK("arm: lowmem vaddr is PAGE_OFFSET-based",
		      ph[2].p_type == PT_LOAD && ph[2].p_paddr == 0x40000000 && ph[2].p_vaddr == 0xc0000000);
		CHECK("arm: RAM past the linear map gets no vaddr",
		      ph[3].p_paddr == 0x68000000 && ph[3].p_vaddr == 0);
		free(hdr);
		hdr = NULL;
	}
	mem_ranges_add(&f.ram, 0x100000000ull, 0x140000000ull);
	CHECK_EQ("arm LPAE with RAM above 4 GiB: header builds", crash_header_build(&f, &hdr, &size, &err), 0);
	if (hdr)
		CHECK("arm LPAE above 4 GiB: ELF64", hdr[EI_CLASS] == ELFCLASS64);
	free(hdr);
	f.info.has_page_offset = false;
	f.has_kcore_linear_map = true;
	f.kcore_linear_paddr = 0x40000000;
	f.kcore_linear_vaddr = 0x80000000; /* a 2G/2G split, say */
	mem_ranges_free(&f.ram);
	mem_ranges_init(&f.ram);
	mem_ranges_add(&f.ram, 0x40000000, 0xc0000000);
	CHECK_EQ("arm, linear map from kcore: header builds", crash_header_build(&f, &hdr, &size, &err), 0);
	if (hdr) {
		const Elf32_Phdr *ph = (const Elf32_Phdr *)(hdr + sizeof(Elf32_Ehdr));

		CHECK("arm, linear map from kcore: its vaddrs",
		      ph[2].p_vaddr == 0x80000000 && ph[3].p_paddr == 0x68000000 &&
		      ph[3].p_vaddr == 0xa8000000);
	}
	free(hdr);
	hdr = NULL;
	/* 4 GiB from 0: its size does not fit an ELF32 word. */
	mem_ranges_free(&f.ram);
	mem_ranges_init(&f.ram);
	mem_ranges_add(&f.ram, 0, 0x100000000ull);
	mem_ranges_free(&f.crash);
	mem_ranges_init(&f.crash);
	CHECK_EQ("arm, 4 GiB of RAM from 0: header builds", crash_header_build(&f, &hdr, &size, &err), 0);
	if (hdr) {
		const Elf64_Phdr *ph = (const Elf64_Phdr *)(hdr + sizeof(Elf64_Ehdr));

		CHECK("arm, 4 GiB from 0: ELF64, whole size", hdr[EI_CLASS] == ELFCLASS64 &&
		      ph[2].p_type == PT_LOAD && ph[2].p_filesz == 0x100000000ull);
	}
	free(hdr);
	hdr = NULL;
	/* A note above 4 GiB cannot be written in ELF32 either. */
	mem_ranges_free(&f.ram);
	mem_ranges_init(&f.ram);
	mem_ranges_add(&f.ram, 0x40000000, 0x80000000);
	cpus[0].addr = 0x100000000ull;
	CHECK_EQ("arm, a note above 4 GiB: header builds", crash_header_build(&f, &hdr, &size, &err), 0);
	if (hdr)
		CHECK("arm, a note above 4 GiB: ELF64, its address whole", hdr[EI_CLASS] == ELFCLASS64 &&
		      ((const Elf64_Phdr *)(hdr + sizeof(Elf64_Ehdr)))->p_paddr == 0x100000000ull);
	free(hdr);
	hdr = NULL;
	mem_ranges_free(&f.ram);
	mem_ranges_free(&f.crash);
}

/* arm's linear map: VMCOREINFO, then /proc/kcore, then _text in
 * /proc/kallsyms against "Kernel code", then the defaults. */
static void test_arm_linear_map_sources(void)
{
	struct crash_facts f;
	uint64_t page_offset, phys_offset;
	const char *source;

	memset(&f, 0, sizeof(f));
	f.machine = EM_ARM;
	f.kernel_start = 0x80208000;
	f.kernel_end = 0x81000000;
	arm_linear_map(&f, &page_offset, &phys_offset, &source);
	CHECK("arm defaults: 0xc0000000 maps \"Kernel code\" rounded down to 128 MiB",
	      page_offset == 0xc0000000 && phys_offset == 0x80000000 && strstr(source, "defaults"));
	f.kernel_start = 0x8a208000; /* a kernel placed 160 MiB into RAM */
	f.kernel_end = 0x8b000000;
	arm_linear_map(&f, &page_offset, &phys_offset, &source);
	CHECK("arm defaults: PHYS_OFFSET is 128 MiB aligned", phys_offset == 0x88000000);
	f.has_text_vaddr = true;
	f.text_vaddr = 0x80208000; /* a 2G/2G split */
	arm_linear_map(&f, &page_offset, &phys_offset, &source);
	CHECK("arm, _text from kallsyms: PAGE_OFFSET below it, and TEXT_OFFSET below \"Kernel code\"",
	      page_offset == 0x80000000 && phys_offset == 0x8a000000 && !strcmp(source, "/proc/kallsyms _text"));
	f.has_kcore_linear_map = true;
	f.kcore_linear_paddr = 0x80000000;
	f.kcore_linear_vaddr = 0xc0000000;
	arm_linear_map(&f, &page_offset, &phys_offset, &source);
	CHECK("arm: /proc/kcore wins over kallsyms", page_offset == 0xc0000000 && phys_offset == 0x80000000 &&
	      !strcmp(source, "/proc/kcore"));
	f.info.has_page_offset = f.info.has_phys_offset = true;
	f.info.page_offset = 0xb0000000;
	f.info.phys_offset = 0x80000000;
	arm_linear_map(&f, &page_offset, &phys_offset, &source);
	CHECK("arm: VMCOREINFO's numbers win over everything", page_offset == 0xb0000000 &&
	      !strcmp(source, "VMCOREINFO"));
}

/* Debian's armmp-lpae kernel under QEMU (tests/fixtures/crash/qemu-armhf):
 * no /proc/kcore, so no VMCOREINFO text and no linear map from it; the
 * header is ELF32 and describes exactly System RAM minus the crash region,
 * the linear map from _text in /proc/kallsyms where root can read it, from
 * the defaults otherwise: both give this kernel's own (its VMCOREINFO in
 * the dump says SYMBOL(_stext)=c0400000, "Kernel code" is 0x40208000 with
 * TEXT_OFFSET 0x208000, so _text is 0xc0208000). */
static void test_armhf_fixture(void)
{
	struct crash_note_ref cpus[2];
	struct system_memory mem;
	struct crash_facts f;
	struct mem_ranges covered;
	struct error err;
	uint8_t *hdr = NULL;
	size_t size, i;
	char *iomem = read_fixture(fixtures, "crash/qemu-armhf/iomem.txt", &size);
	char *notes = read_fixture(fixtures, "crash/qemu-armhf/crash_notes.txt", &size);
	char *vmci = read_fixture(fixtures, "crash/qemu-armhf/vmcoreinfo", &size);
	unsigned long long a0, a1;
	unsigned s0, s1;
	char *end;

	memset(&f, 0, sizeof(f));
	f.machine = EM_ARM;
	system_memory_init(&mem);
	CHECK_EQ("armhf iomem parses", iomem_parse(iomem, strlen(iomem), &mem, &err), 0);
	f.ram = mem.ram;
	f.crash = mem.crash;
	f.kernel_start = mem.kernel_image.r[0].start;
	f.kernel_end = mem.kernel_image.r[mem.kernel_image.n - 1].end;
	mem_ranges_free(&mem.reserved);
	mem_ranges_free(&mem.kernel_image);
	CHECK("armhf crash_notes.txt parses",
	      sscanf(notes, "cpu0 %llx %u cpu1 %llx %u", &a0, &s0, &a1, &s1) == 4);
	cpus[0] = (struct crash_note_ref){ a0, s0 };
	cpus[1] = (struct crash_note_ref){ a1, s1 };
	f.cpu_notes = cpus;
	f.nr_cpu_notes = 2;
	/* As system_crash_facts reads /sys/kernel/vmcoreinfo: both in hex. */
	f.vmcoreinfo.addr = strtoull(vmci, &end, 16);
	f.vmcoreinfo.size = strtoull(end, NULL, 16);
	for (int with_kallsyms = 0; with_kallsyms <= 1; with_kallsyms++) {
	f.has_text_vaddr = with_kallsyms;
	f.text_vaddr = 0xc0208000;
	hdr = NULL;
	CHECK_EQ(with_kallsyms ? "armhf, _text from kallsyms: header builds" : "armhf, defaults: header builds",
		 crash_header_build(&f, &hdr, &size, &err), 0);
	if (hdr) {
		const Elf32_Ehdr *eh = (const Elf32_Ehdr *)hdr;
		const Elf32_Phdr *ph = (const Elf32_Phdr *)(hdr + eh->e_phoff);
		int loads = 0, linear = 1;

		CHECK("armhf: ELF32 little-endian core for ARM", eh->e_ident[EI_CLASS] == ELFCLASS32 &&
		      eh->e_ident[EI_DATA] == ELFDATA2LSB && eh->e_type == ET_CORE && eh->e_machine == EM_ARM);
		CHECK_EQ("armhf: size is header plus program headers", size,
			 sizeof(Elf32_Ehdr) + eh->e_phnum * sizeof(Elf32_Phdr));
		CHECK("armhf: cpu notes from crash_notes (180 bytes each)",
		      ph[0].p_type == PT_NOTE && ph[0].p_offset == 0x6f6da600 && ph[0].p_filesz == 180 &&
		      ph[1].p_type == PT_NOTE && ph[1].p_offset == 0x6f6ed600);
		CHECK("armhf: VMCOREINFO note from /sys/kernel/vmcoreinfo",
		      ph[2].p_type == PT_NOTE && ph[2].p_offset == 0x4216e000 && ph[2].p_filesz == 0x1024);
		mem_ranges_init(&covered);
		for (i = 3; i < eh->e_phnum; i++) {
			loads += ph[i].p_type == PT_LOAD;
			linear &= ph[i].p_vaddr == ph[i].p_paddr - 0x40000000u + 0xc0000000u &&
				  ph[i].p_offset == ph[i].p_paddr;

			mem_ranges_add(&covered, ph[i].p_paddr, (uint64_t)ph[i].p_paddr + ph[i].p_memsz);
		}
		CHECK_EQ("armhf: two PT_LOADs", loads, 2);
		CHECK("armhf: vaddrs in the linear map (PAGE_OFFSET 0xc0000000 at 0x40000000), offset = paddr",
		      linear);
		CHECK_SET("armhf: PT_LOADs cover exactly System RAM minus the crash region", &covered,
			  0x40000000, 0x60000000, 0x68000000, 0x80000000);
		mem_ranges_free(&covered);
	}
	free(hdr);
	}
	mem_ranges_free(&f.ram);
	mem_ranges_free(&f.crash);
	free(iomem);
	free(notes);
	free(vmci);
}

/* A 32-bit /proc/kcore as Linux 6.14+ writes it on arm: an ELF32 header,
 * a PT_NOTE with VMCOREINFO, a PT_LOAD for the linear map. */
static void test_kcore_elf32(void)
{
	static const char info[] = "OSRELEASE=6.14.0-armmp\nPAGESIZE=4096\n";
	uint8_t buf[512];
	Elf32_Ehdr *eh = (Elf32_Ehdr *)buf;
	Elf32_Phdr *ph = (Elf32_Phdr *)(buf + sizeof(*eh));
	uint8_t *note = buf + sizeof(*eh) + 3 * sizeof(*ph);
	size_t notesz = 12 + 12 + ((sizeof(info) + 3) & ~3u), len, need;
	struct vmcoreinfo vi;
	struct error err;
	const char *text;
	uint64_t vaddr = 0;

	memset(buf, 0, sizeof(buf));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_type = ET_CORE;
	eh->e_machine = EM_ARM;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 3;
	ph[0].p_type = PT_NOTE;
	ph[0].p_offset = (Elf32_Off)(note - buf);
	ph[0].p_filesz = (Elf32_Word)notesz;
	ph[1] = (Elf32_Phdr){ .p_type = PT_LOAD, .p_vaddr = 0xbf000000, .p_paddr = 0xffffffff,
			      .p_memsz = 0x1000000 }; /* modules: no physical address */
	ph[2] = (Elf32_Phdr){ .p_type = PT_LOAD, .p_vaddr = 0xc0000000, .p_paddr = 0x40000000,
			      .p_memsz = 0x30000000 };
	put_le32(note, sizeof("VMCOREINFO"));
	put_le32(note + 4, sizeof(info));
	memcpy(note + 12, "VMCOREINFO", sizeof("VMCOREINFO"));
	memcpy(note + 24, info, sizeof(info));

	CHECK_EQ("ELF32 kcore: VMCOREINFO found", kcore_find_vmcoreinfo(buf, sizeof(buf), &text, &len, &need, &err), 0);
	CHECK("ELF32 kcore: VMCOREINFO parses", vmcoreinfo_parse(text, len, &vi, &err) == 0 &&
	      strcmp(vi.osrelease, "6.14.0-armmp") == 0);
	CHECK_EQ("ELF32 kcore: linear map found", kcore_linear_map(buf, sizeof(buf), 0x40000000, &vaddr, &need, &err), 0);
	CHECK_EQ("ELF32 kcore: PAGE_OFFSET", vaddr, 0xc0000000);
	CHECK_EQ("ELF32 kcore: no PT_LOAD at 0x80000000", kcore_linear_map(buf, sizeof(buf), 0x80000000, &vaddr, &need, &err), -ENOENT);
	CHECK_EQ("ELF32 kcore: truncated asks for more", kcore_linear_map(buf, 60, 0x40000000, &vaddr, &need, &err), -EAGAIN);
	CHECK("ELF32 kcore: needs the program headers", need == sizeof(*eh) + 3 * sizeof(*ph));
	/* The real arm64 kcore: RAM at 0x40000000 is mapped where its README says. */
	CHECK_EQ("arm64 kcore: linear map found", kcore_linear_map(kcore, kcore_size, 0x40000000, &vaddr, &need, &err), 0);
	CHECK_EQ("arm64 kcore: RAM base's vaddr", vaddr, 0xffff40c600000000ull);
}

int main(int argc, char **argv)
{
	fixtures = fixtures_dir(argc, argv);
	kcore = (uint8_t *)read_fixture(fixtures, "crash/qemu-arm64/kcore-head.bin", &kcore_size);
	test_vmcoreinfo();
	test_arm64_header();
	test_missing_facts();
	test_page_offset();
	test_vmcoreinfo_numbers();
	test_arm64_inconsistent();
	test_arm32();
	test_arm_linear_map_sources();
	test_armhf_fixture();
	test_kcore_elf32();
	free(kcore);
	return check_status();
}
