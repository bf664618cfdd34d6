/*
 * vmcore-check: reads a crash dump (/proc/vmcore in the capture kernel) and
 * prints what it finds, one machine-readable fact per line, for the kdump
 * end-to-end test's host to judge:
 *
 *   VMCORE: size bytes=N                       (st_size)
 *   VMCORE: read bytes=N error=none|MSG offset=OFF seconds=S
 *   VMCORE: elf class=64 data=lsb type=4 machine=183 phnum=N
 *   VMCORE: note segment=I name=NAME type=T descsz=N
 *   VMCORE: notes pt_note=N notes=N prstatus=N vmcoreinfo=N
 *   VMCORE: vmcoreinfo OSRELEASE=... (and PAGESIZE=, the layout keys)
 *   VMCORE: load index=I paddr=0x.. size=0x.. filesz=0x.. vaddr=0x.. offset=0x..
 *   VMCORE: symbol name=init_uts_ns vaddr=0x.. load=K|none release=found|missing|unmapped
 *                                              (the PT_LOADs' vaddrs, checked: the
 *                                              dead kernel's init_uts_ns, reached by
 *                                              its VMCOREINFO address, holds its
 *                                              OSRELEASE, as dump tools find it)
 *   VMCORE: pfn index=I pfn=0x.. paddr=0x.. load=K offset=0x.. records=M/T result=ok|...
 *   VMCORE: pfns listed=N found=N
 *   VMCORE: error MSG                          (anything that stopped a check)
 *
 * The planted pages (see plant.h) are named on the kernel command line:
 * e2e_token=TOKEN e2e_pfns=INDEX:PFN,INDEX:PFN,... (PFN in hex).  The page
 * size is VMCOREINFO's PAGESIZE, else this kernel's.
 *
 * usage: vmcore-check [--vmcore PATH] [--cmdline FILE] [--no-full-read]
 *   --vmcore PATH    default /proc/vmcore
 *   --cmdline FILE   where e2e_token= and e2e_pfns= are read (default
 *                    /proc/cmdline)
 *   --no-full-read   skip reading the whole file first
 * Exit status: 0 when the dump parsed and every listed page was found,
 * 1 otherwise, 2 on a usage error.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "plant.h"

#define CHUNK (1u << 20)
#define MAX_PFNS 1024

struct seg {			/* a program header, whatever the ELF class */
	uint32_t type;
	uint64_t offset, vaddr, paddr, filesz, memsz;
};

static int problems;
/* From VMCOREINFO: the dead kernel's release, and where its init_uts_ns
 * (which holds that release) is mapped. */
static char osrelease[65];
static uint64_t uts_vaddr;

static void problem(const char *fmt, const char *arg)
{
	printf("VMCORE: error ");
	printf(fmt, arg);
	printf("\n");
	problems++;
}

/* Reads exactly len bytes at off; 0 on success, -1 (errno set) otherwise. */
static int read_at(int fd, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t r = pread(fd, (char *)buf + done, len - done,
				  (off_t)(off + done));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0) {
			errno = ENODATA;
			return -1;
		}
		done += (size_t)r;
	}
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The whole file from the start, in 1 MiB reads, as makedumpfile or cp
 * would: any read error is what the test wants to see. */
static void full_read(int fd)
{
	char *buf = malloc(CHUNK);
	uint64_t total = 0;
	double t0 = now();
	const char *err = "none";

	if (!buf) {
		problem("%s", "out of memory");
		return;
	}
	for (;;) {
		ssize_t r = pread(fd, buf, CHUNK, (off_t)total);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = strerror(errno);
			problems++;
			break;
		}
		if (r == 0)
			break;
		total += (uint64_t)r;
	}
	printf("VMCORE: read bytes=%" PRIu64 " error=%s offset=0x%" PRIx64
	       " seconds=%.2f\n", total, err, total, now() - t0);
	free(buf);
}

static char *slurp_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s = NULL;
	size_t n = 0;

	if (!f)
		return NULL;
	if (getdelim(&s, &n, '\0', f) < 0) {
		free(s);
		s = NULL;
	}
	fclose(f);
	return s;
}

/* The value of KEY= in a blank-separated command line, copied; NULL if absent. */
static char *cmdline_value(const char *cmdline, const char *key)
{
	size_t klen = strlen(key);
	const char *p = cmdline;

	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!strncmp(p, key, klen) && p[klen] == '=') {
			const char *v = p + klen + 1;
			size_t len = strcspn(v, " \t\n");

			return strndup(v, len);
		}
		p += strcspn(p, " \t\n");
	}
	return NULL;
}

/* The ELF header's fields read_phdrs needs, whatever the class. */
struct ehdr {
	unsigned type, machine, phnum, phentsize;
	uint64_t phoff;
};

/* The ELF header of class 64 or 32. */
static int read_ehdr(int fd, int class, struct ehdr *h)
{
	if (class == 64) {
		Elf64_Ehdr eh;

		if (read_at(fd, &eh, sizeof(eh), 0))
			return -1;
		*h = (struct ehdr){ eh.e_type, eh.e_machine, eh.e_phnum, eh.e_phentsize, eh.e_phoff };
	} else {
		Elf32_Ehdr eh;

		if (read_at(fd, &eh, sizeof(eh), 0))
			return -1;
		*h = (struct ehdr){ eh.e_type, eh.e_machine, eh.e_phnum, eh.e_phentsize, eh.e_phoff };
	}
	return 0;
}

/* The program header of class 64 or 32 at offset off. */
static int read_phdr(int fd, int class, uint64_t off, struct seg *s)
{
	if (class == 64) {
		Elf64_Phdr ph;

		if (read_at(fd, &ph, sizeof(ph), off))
			return -1;
		*s = (struct seg){ ph.p_type, ph.p_offset, ph.p_vaddr, ph.p_paddr, ph.p_filesz, ph.p_memsz };
	} else {
		Elf32_Phdr ph;

		if (read_at(fd, &ph, sizeof(ph), off))
			return -1;
		*s = (struct seg){ ph.p_type, ph.p_offset, ph.p_vaddr, ph.p_paddr, ph.p_filesz, ph.p_memsz };
	}
	return 0;
}

static int read_phdrs(int fd, struct seg **out, unsigned *count, int *class)
{
	unsigned char ident[EI_NIDENT];
	struct ehdr eh;
	struct seg *s;
	unsigned i, n;

	if (read_at(fd, ident, sizeof(ident), 0)) {
		problem("reading the ELF header: %s", strerror(errno));
		return -1;
	}
	if (memcmp(ident, ELFMAG, SELFMAG)) {
		problem("%s", "no ELF magic");
		return -1;
	}
	if (ident[EI_DATA] != ELFDATA2LSB) {
		problem("%s", "not little-endian");
		return -1;
	}
	*class = ident[EI_CLASS] == ELFCLASS64 ? 64 : ident[EI_CLASS] == ELFCLASS32 ? 32 : 0;
	if (!*class) {
		problem("%s", "unknown ELF class");
		return -1;
	}
	if (read_ehdr(fd, *class, &eh))
		goto ioerr;
	printf("VMCORE: elf class=%d data=lsb type=%u machine=%u phnum=%u\n",
	       *class, eh.type, eh.machine, eh.phnum);
	n = eh.phnum;
	s = calloc(n ? n : 1, sizeof(*s));
	if (!s)
		return -1;
	for (i = 0; i < n; i++)
		if (read_phdr(fd, *class, eh.phoff + (uint64_t)i * eh.phentsize, &s[i]))
			goto ioerr;
	*out = s;
	*count = n;
	return 0;
ioerr:
	problem("reading the ELF headers: %s", strerror(errno));
	return -1;
}

/* Prints VMCOREINFO's KEY=VALUE line for each key wanted; returns PAGESIZE. */
static unsigned long vmcoreinfo(const char *desc, size_t len)
{
	/* PAGESIZE second: its value is returned.  The rest record what the
	 * dead kernel published about its memory layout. */
	static const char *const keys[] = { "OSRELEASE=", "PAGESIZE=", "NUMBER(PHYS_OFFSET)=",
					    "NUMBER(PAGE_OFFSET)=", "NUMBER(VA_BITS)=",
					    "NUMBER(kimage_voffset)=", "SYMBOL(_stext)=",
					    "SYMBOL(swapper_pg_dir)=", "CONFIG_ARM_LPAE=",
					    "SYMBOL(init_uts_ns)=" };
	unsigned long pagesize = 0;
	size_t at = 0;

	while (at < len) {
		const char *line = desc + at;
		const char *nl = memchr(line, '\n', len - at);
		size_t l = nl ? (size_t)(nl - line) : len - at;
		unsigned k;

		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			size_t kl = strlen(keys[k]);

			if (l >= kl && !memcmp(line, keys[k], kl)) {
				printf("VMCORE: vmcoreinfo %.*s\n", (int)l, line);
				if (k == 1)
					pagesize = strtoul(line + kl, NULL, 10);
				if (k == 0 && l - kl < sizeof(osrelease))
					memcpy(osrelease, line + kl, l - kl);
				if (k == 9)
					uts_vaddr = strtoull(line + kl, NULL, 16);
			}
		}
		at += l + 1;
	}
	return pagesize;
}

/* Walks every note of every PT_NOTE; returns VMCOREINFO's PAGESIZE (0 if none). */
static unsigned long walk_notes(int fd, const struct seg *s, unsigned n)
{
	unsigned i, pt_note = 0, notes = 0, prstatus = 0, vmci = 0;
	unsigned long pagesize = 0;

	for (i = 0; i < n; i++) {
		unsigned char *buf;
		uint64_t at = 0;

		if (s[i].type != PT_NOTE)
			continue;
		pt_note++;
		printf("VMCORE: pt_note index=%u offset=0x%" PRIx64 " filesz=0x%" PRIx64 "\n",
		       i, s[i].offset, s[i].filesz);
		if (s[i].filesz > (64u << 20)) {
			problem("%s", "PT_NOTE larger than 64 MiB");
			continue;
		}
		buf = malloc(s[i].filesz ? s[i].filesz : 1);
		if (!buf || read_at(fd, buf, s[i].filesz, s[i].offset)) {
			problem("reading a PT_NOTE: %s", strerror(errno));
			free(buf);
			continue;
		}
		while (at + 12 <= s[i].filesz) {
			uint32_t namesz, descsz, type;
			uint64_t name_at, desc_at, next;
			char name[32];

			memcpy(&namesz, buf + at, 4);
			memcpy(&descsz, buf + at + 4, 4);
			memcpy(&type, buf + at + 8, 4);
			if (namesz == 0 && descsz == 0 && type == 0)
				break;	/* padding at the end of a note area */
			name_at = at + 12;
			desc_at = name_at + ((namesz + 3u) & ~3u);
			next = desc_at + ((descsz + 3ull) & ~3ull);
			if (next > s[i].filesz) {
				problem("%s", "a note runs past its PT_NOTE");
				break;
			}
			snprintf(name, sizeof(name), "%.*s",
				 (int)(namesz && buf[name_at + namesz - 1] == '\0' ? namesz - 1 : namesz),
				 (const char *)buf + name_at);
			printf("VMCORE: note segment=%u name=%s type=%u descsz=%u\n",
			       i, name[0] ? name : "-", type, descsz);
			notes++;
			if (!strcmp(name, "CORE") && type == NT_PRSTATUS)
				prstatus++;
			if (!strcmp(name, "VMCOREINFO")) {
				vmci++;
				pagesize = vmcoreinfo((const char *)buf + desc_at, descsz);
			}
			at = next;
		}
		free(buf);
	}
	printf("VMCORE: notes pt_note=%u notes=%u prstatus=%u vmcoreinfo=%u\n",
	       pt_note, notes, prstatus, vmci);
	return pagesize;
}

/* Finds init_uts_ns by virtual address, as crash and vmcore-dmesg find
 * symbols, and looks for OSRELEASE in its first bytes (the utsname's
 * release field). */
static void check_uts_vaddr(int fd, const struct seg *s, unsigned n)
{
	unsigned char buf[1024];
	unsigned k;

	if (!uts_vaddr || !osrelease[0]) {
		printf("VMCORE: symbol name=init_uts_ns vaddr=0x0 load=none release=unmapped\n");
		return;
	}
	for (k = 0; k < n; k++) {
		uint64_t at, len;

		if (s[k].type != PT_LOAD || !s[k].vaddr || uts_vaddr < s[k].vaddr ||
		    uts_vaddr - s[k].vaddr >= s[k].filesz)
			continue;
		at = uts_vaddr - s[k].vaddr;
		len = s[k].filesz - at < sizeof(buf) ? s[k].filesz - at : sizeof(buf);
		if (read_at(fd, buf, (size_t)len, s[k].offset + at)) {
			problem("reading init_uts_ns: %s", strerror(errno));
			return;
		}
		printf("VMCORE: symbol name=init_uts_ns vaddr=0x%" PRIx64 " load=%u release=%s\n",
		       uts_vaddr, k, memmem(buf, (size_t)len, osrelease, strlen(osrelease)) ? "found" : "missing");
		return;
	}
	printf("VMCORE: symbol name=init_uts_ns vaddr=0x%" PRIx64 " load=none release=unmapped\n",
	       uts_vaddr);
}

static int check_page(int fd, const struct seg *s, unsigned n, const char *token,
		      unsigned long index, uint64_t pfn, unsigned long page)
{
	uint64_t paddr = pfn * page, off;
	unsigned i, good = 0, total = (unsigned)(page / PLANT_RECORD);
	char rec[PLANT_RECORD], *buf;

	for (i = 0; i < n; i++)
		if (s[i].type == PT_LOAD && paddr >= s[i].paddr &&
		    paddr + page <= s[i].paddr + s[i].filesz)
			break;
	if (i == n) {
		printf("VMCORE: pfn index=%lu pfn=0x%" PRIx64 " paddr=0x%" PRIx64
		       " result=uncovered\n", index, pfn, paddr);
		return -1;
	}
	off = s[i].offset + (paddr - s[i].paddr);
	buf = malloc(page);
	if (!buf || plant_record(rec, token, index)) {
		free(buf);
		problem("%s", "out of memory or token too long");
		return -1;
	}
	if (read_at(fd, buf, page, off)) {
		printf("VMCORE: pfn index=%lu pfn=0x%" PRIx64 " paddr=0x%" PRIx64
		       " load=%u offset=0x%" PRIx64 " result=readerror (%s)\n",
		       index, pfn, paddr, i, off, strerror(errno));
		free(buf);
		return -1;
	}
	for (unsigned r = 0; r < total; r++)
		good += !memcmp(buf + (size_t)r * PLANT_RECORD, rec, PLANT_RECORD);
	printf("VMCORE: pfn index=%lu pfn=0x%" PRIx64 " paddr=0x%" PRIx64
	       " load=%u offset=0x%" PRIx64 " records=%u/%u result=%s",
	       index, pfn, paddr, i, off, good, total, good == total ? "ok" : "bad");
	if (good != total) {	/* what is there instead */
		printf(" first16=");
		for (unsigned b = 0; b < 16; b++)
			printf("%02x", (unsigned char)buf[b]);
	}
	printf("\n");
	free(buf);
	return good == total ? 0 : -1;
}

int main(int argc, char **argv)
{
	const char *path = "/proc/vmcore", *cmdpath = "/proc/cmdline";
	int full = 1, fd, class, i;
	struct seg *s = NULL;
	unsigned n = 0, k;
	unsigned long page, listed = 0, found = 0;
	struct stat st;
	char *cmdline, *token, *pfns;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--vmcore") && i + 1 < argc)
			path = argv[++i];
		else if (!strcmp(argv[i], "--cmdline") && i + 1 < argc)
			cmdpath = argv[++i];
		else if (!strcmp(argv[i], "--no-full-read"))
			full = 0;
		else {
			fprintf(stderr, "usage: vmcore-check [--vmcore PATH] [--cmdline FILE] [--no-full-read]\n");
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	fd = open(path, O_RDONLY);
	if (fd < 0) {
		problem("open: %s", strerror(errno));
		return 1;
	}
	if (fstat(fd, &st) == 0)
		printf("VMCORE: size bytes=%jd\n", (intmax_t)st.st_size);
	/* The headers first: they are reported even if the full read then
	 * takes the kernel down. */
	if (read_phdrs(fd, &s, &n, &class)) {
		if (full)
			full_read(fd);
		return 1;
	}
	page = walk_notes(fd, s, n);
	if (!page)
		page = (unsigned long)sysconf(_SC_PAGESIZE);
	for (k = 0; k < n; k++)
		if (s[k].type == PT_LOAD)
			printf("VMCORE: load index=%u paddr=0x%" PRIx64 " size=0x%" PRIx64
			       " filesz=0x%" PRIx64 " vaddr=0x%" PRIx64 " offset=0x%" PRIx64 "\n",
			       k, s[k].paddr, s[k].memsz, s[k].filesz, s[k].vaddr, s[k].offset);
	check_uts_vaddr(fd, s, n);
	if (full)
		full_read(fd);

	cmdline = slurp_text(cmdpath);
	token = cmdline ? cmdline_value(cmdline, "e2e_token") : NULL;
	pfns = cmdline ? cmdline_value(cmdline, "e2e_pfns") : NULL;
	if (!token || !pfns) {
		problem("%s", "no e2e_token= or e2e_pfns= on the command line");
	} else {
		char *p = pfns;

		while (*p && listed < MAX_PFNS) {
			char *end;
			unsigned long index = strtoul(p, &end, 10);
			uint64_t pfn;

			if (end == p || *end != ':') {
				problem("bad e2e_pfns entry at \"%s\"", p);
				break;
			}
			p = end + 1;
			pfn = strtoull(p, &end, 16);
			if (end == p || (*end && *end != ',')) {
				problem("bad e2e_pfns entry at \"%s\"", p);
				break;
			}
			p = *end ? end + 1 : end;
			listed++;
			if (!check_page(fd, s, n, token, index, pfn, page))
				found++;
		}
	}
	printf("VMCORE: pfns listed=%lu found=%lu\n", listed, found);
	free(s);
	close(fd);
	return problems || listed == 0 || found != listed;
}
