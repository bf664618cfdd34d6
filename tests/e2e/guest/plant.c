/*
 * plant: puts a recognisable pattern at known physical addresses, for the
 * kdump end-to-end test.  /dev/mem refuses RAM on Debian's kernels
 * (STRICT_DEVMEM), so instead this allocates pages, fills them (see
 * plant.h), locks them in memory and reads their page frame numbers from
 * /proc/self/pagemap (the PFN bits read as 0 unless we are root).  It then
 * stays alive so that the pages stay where they are until the kernel
 * panics; on SIGUSR1 it reads the frame numbers again and says whether any
 * page moved.
 *
 * usage: plant [-n PAGES] [-s SAMPLE] TOKEN
 *   -n PAGES   pages to plant (default 64)
 *   -s SAMPLE  how many of them to list in the e2e_pfns= line, spread
 *              evenly (default: all)
 *   TOKEN      up to 32 characters, written into every page
 *
 * stdout, one fact per line (flushed as it goes):
 *   PLANT: page_size BYTES
 *   PLANT: page INDEX vaddr 0xADDR pfn 0xPFN
 *   PLANT: e2e_pfns=INDEX:PFN,INDEX:PFN,...   (PFN in hex, no 0x)
 *   PLANT: ready pages=N
 *   PLANT: recheck pages=N moved=M            (after each SIGUSR1)
 * Errors go to stderr as "PLANT: error: ..." and end the program (exit 1).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "plant.h"

#define PM_PRESENT (1ULL << 63)
#define PM_PFN_MASK ((1ULL << 55) - 1)

static volatile sig_atomic_t recheck_asked;

static void on_usr1(int sig)
{
	(void)sig;
	recheck_asked = 1;
}

static void die(const char *what)
{
	fprintf(stderr, "PLANT: error: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void fail(const char *msg)
{
	fprintf(stderr, "PLANT: error: %s\n", msg);
	exit(1);
}

static unsigned long parse_count(const char *s, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || v == 0 || v > 65536) {
		fprintf(stderr, "PLANT: error: bad %s \"%s\"\n", what, s);
		exit(1);
	}
	return v;
}

/* Reads the pagemap entries of the n pages at base into pfn[]. */
static void read_pfns(int pm, const unsigned char *base, size_t page,
		      unsigned long n, uint64_t *pfn)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		uint64_t e;
		off_t off = (off_t)((uintptr_t)(base + i * page) / page) * 8;
		ssize_t r = pread(pm, &e, sizeof(e), off);

		if (r != (ssize_t)sizeof(e)) {
			if (r >= 0)
				errno = EIO;
			die("reading /proc/self/pagemap");
		}
		if (!(e & PM_PRESENT))
			fail("a planted page is not present in memory");
		pfn[i] = e & PM_PFN_MASK;
		if (pfn[i] == 0)
			fail("pagemap gives PFN 0: not root (CAP_SYS_ADMIN)?");
	}
}

int main(int argc, char **argv)
{
	unsigned long n = 64, sample = 0, i;
	const char *token;
	long page_l = sysconf(_SC_PAGESIZE);
	size_t page;
	unsigned char *base;
	uint64_t *pfn, *again;
	int pm, opt;
	struct sigaction sa;

	while ((opt = getopt(argc, argv, "n:s:")) != -1) {
		switch (opt) {
		case 'n':
			n = parse_count(optarg, "page count");
			break;
		case 's':
			sample = parse_count(optarg, "sample size");
			break;
		default:
			fprintf(stderr, "usage: plant [-n PAGES] [-s SAMPLE] TOKEN\n");
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: plant [-n PAGES] [-s SAMPLE] TOKEN\n");
		return 2;
	}
	token = argv[optind];
	if (!*token || strlen(token) > PLANT_TOKEN_MAX || strpbrk(token, ":, \t\n"))
		fail("the token must be 1 to 32 characters without ':', ',' or blanks");
	if (sample == 0 || sample > n)
		sample = n;
	if (page_l <= 0 || page_l % PLANT_RECORD)
		fail("unexpected page size");
	page = (size_t)page_l;
	setvbuf(stdout, NULL, _IOLBF, 0);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL))
		die("sigaction");

	base = mmap(NULL, n * page, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		die("mmap");
	/* One 4 KiB page per frame: a huge page would work too, but keep the
	 * layout the obvious one. */
	(void)madvise(base, n * page, MADV_NOHUGEPAGE);
	for (i = 0; i < n; i++) {
		char rec[PLANT_RECORD];
		size_t o;

		if (plant_record(rec, token, i))
			fail("token too long");
		for (o = 0; o < page; o += PLANT_RECORD)
			memcpy(base + i * page + o, rec, PLANT_RECORD);
	}
	if (mlock(base, n * page))
		die("mlock");

	pfn = calloc(n, sizeof(*pfn));
	again = calloc(n, sizeof(*again));
	if (!pfn || !again)
		die("calloc");
	pm = open("/proc/self/pagemap", O_RDONLY);
	if (pm < 0)
		die("open /proc/self/pagemap");
	read_pfns(pm, base, page, n, pfn);

	printf("PLANT: page_size %zu\n", page);
	for (i = 0; i < n; i++)
		printf("PLANT: page %lu vaddr %p pfn 0x%" PRIx64 "\n", i,
		       (void *)(base + i * page), pfn[i]);
	printf("PLANT: e2e_pfns=");
	for (i = 0; i < sample; i++) {
		/* evenly spread, first and last page included */
		unsigned long k = sample == 1 ? 0 : i * (n - 1) / (sample - 1);

		printf("%s%lu:%" PRIx64, i ? "," : "", k, pfn[k]);
	}
	printf("\n");
	printf("PLANT: ready pages=%lu\n", n);

	for (;;) {
		unsigned long moved = 0;

		while (!recheck_asked)
			pause();
		recheck_asked = 0;
		read_pfns(pm, base, page, n, again);
		for (i = 0; i < n; i++) {
			if (again[i] != pfn[i]) {
				printf("PLANT: page %lu moved from pfn 0x%" PRIx64
				       " to 0x%" PRIx64 "\n", i, pfn[i], again[i]);
				moved++;
			}
		}
		printf("PLANT: recheck pages=%lu moved=%lu\n", n, moved);
	}
}
