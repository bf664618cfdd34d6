/* /proc/iomem parsing: the fixture listings, then small inline texts for
 * each malformation and corner. */
#include "check.h"
#include "check_ranges.h"

#include <errno.h>

#include "iomem.h"

static int parse_str(const char *text, struct system_memory *mem, struct error *err)
{
	return iomem_parse(text, strlen(text), mem, err);
}

static void test_qemu(const char *dir)
{
	struct system_memory mem;
	struct mem_ranges usable;
	struct error err = { "" };
	size_t len;
	char *text = read_fixture(dir, "iomem/qemu-virt.txt", &len);

	system_memory_init(&mem);
	mem_ranges_init(&usable);
	CHECK_EQ("qemu: parses", iomem_parse(text, len, &mem, &err), 0);
	CHECK_SET("qemu: ram", &mem.ram, 0x40000000, 0xc0000000);
	CHECK_SET("qemu: reserved", &mem.reserved, 0x415c0000, 0x41ae0000, 0x48000000,
		  0x48c00000, 0xbbff0000, 0xc0000000);
	CHECK_SET("qemu: kernel image", &mem.kernel_image, 0x40210000, 0x415c0000,
		  0x41ae0000, 0x41e10000);
	CHECK("qemu: no crash kernel", mem.crash.n == 0);
	CHECK_EQ("qemu: usable", system_memory_usable(&mem, &usable), 0);
	CHECK_SET("qemu: usable ranges", &usable, 0x40000000, 0x415c0000, 0x41ae0000,
		  0x48000000, 0x48c00000, 0xbbff0000);
	mem_ranges_free(&usable);
	system_memory_free(&mem);
	free(text);
}

static void test_server(const char *dir)
{
	struct system_memory mem;
	struct mem_ranges usable;
	struct error err = { "" };
	size_t len;
	char *text = read_fixture(dir, "iomem/server.txt", &len);

	system_memory_init(&mem);
	mem_ranges_init(&usable);
	CHECK_EQ("server: parses", iomem_parse(text, len, &mem, &err), 0);
	CHECK_SET("server: ram, four banks", &mem.ram,
		  0x80000000, 0xfecf0000, 0xfed10000, 0xff800000,
		  0x100000000, 0x800000000, 0x8800000000, 0x9000000000);
	/* Top-level reserved and reserved under PCI are not RAM holes. */
	CHECK_SET("server: reserved, nested at any depth", &mem.reserved,
		  0x80000000, 0x80010000, 0x81520000, 0x81a30000,
		  0xf5a10000, 0xf5a20000, 0xfe9d0000, 0xfe9e0000,
		  0xff500000, 0xff600000, 0x7fe000000, 0x800000000,
		  0x8ffc000000, 0x9000000000);
	CHECK_SET("server: crash low and high", &mem.crash,
		  0x9f800000, 0xbf800000, 0x7fa000000, 0x7fe000000);
	CHECK_SET("server: kernel image", &mem.kernel_image,
		  0x80080000, 0x81520000, 0x81a30000, 0x81ea0000);
	CHECK_EQ("server: usable", system_memory_usable(&mem, &usable), 0);
	CHECK_SET("server: usable ranges", &usable,
		  0x80010000, 0x81520000, 0x81a30000, 0x9f800000,
		  0xbf800000, 0xf5a10000, 0xf5a20000, 0xfe9d0000,
		  0xfe9e0000, 0xfecf0000, 0xfed10000, 0xff500000,
		  0xff600000, 0xff800000, 0x100000000, 0x7fa000000,
		  0x8800000000, 0x8ffc000000);
	mem_ranges_free(&usable);
	system_memory_free(&mem);
	free(text);
}

static void test_nonroot(const char *dir)
{
	struct system_memory mem;
	struct error err = { "" };
	size_t len;
	char *text = read_fixture(dir, "iomem/nonroot.txt", &len);

	system_memory_init(&mem);
	CHECK_EQ("nonroot: EPERM", iomem_parse(text, len, &mem, &err), -EPERM);
	CHECK_CONTAINS("nonroot: message names the file", err.msg, "/proc/iomem");
	CHECK_CONTAINS("nonroot: message says hidden", err.msg, "hides them");
	CHECK_CONTAINS("nonroot: message says root", err.msg, "root");
	CHECK("nonroot: sets left empty", mem.ram.n == 0 && mem.reserved.n == 0 &&
	      mem.kernel_image.n == 0);
	system_memory_free(&mem);
	free(text);
}

static void test_malformed(const char *dir)
{
	struct system_memory mem;
	struct error err = { "" };
	size_t len;
	char *text = read_fixture(dir, "iomem/malformed.txt", &len);

	system_memory_init(&mem);
	CHECK_EQ("malformed: EINVAL", iomem_parse(text, len, &mem, &err), -EINVAL);
	CHECK_CONTAINS("malformed: message names line 4", err.msg, "/proc/iomem: line 4:");
	CHECK("malformed: sets left empty", mem.ram.n == 0 && mem.kernel_image.n == 0);
	system_memory_free(&mem);
	free(text);
}

static void expect_einval(const char *name, const char *text, const char *where)
{
	struct system_memory mem;
	struct error err = { "" };
	char full[128];

	system_memory_init(&mem);
	snprintf(full, sizeof(full), "%s: EINVAL", name);
	CHECK_EQ(full, parse_str(text, &mem, &err), -EINVAL);
	snprintf(full, sizeof(full), "%s: message", name);
	CHECK_CONTAINS(full, err.msg, where);
	system_memory_free(&mem);
}

static void test_inline(void)
{
	struct system_memory mem;
	struct error err = { "" };

	expect_einval("odd indentation", "40000000-7fffffff : System RAM\n"
		      "   40000000-40000fff : reserved\n", "line 2:");
	expect_einval("missing end", "40000000- : System RAM\n", "line 1:");
	expect_einval("missing dash", "40000000 : System RAM\n", "line 1:");
	expect_einval("not hex", "4000000g-7fffffff : System RAM\n", "line 1:");
	expect_einval("over 64 bits", "10000000000000000-10000000000000001 : System RAM\n",
		      "line 1:");
	expect_einval("start above end", "\n7fffffff-40000000 : System RAM\n",
		      "line 2: bad range");
	expect_einval("nested too deep",
		      "40000000-7fffffff : System RAM\n    40000000-40000fff : reserved\n",
		      "line 2:");
	expect_einval("first line indented", "  40000000-7fffffff : System RAM\n", "line 1:");
	expect_einval("missing name separator", "40000000-7fffffff System RAM\n", "line 1:");
	expect_einval("tab instead of spaces", "40000000-7fffffff : System RAM\n"
		      "\t40000000-40000fff : reserved\n", "line 2:");

	system_memory_init(&mem);
	CHECK_EQ("empty text: ENOENT", parse_str("", &mem, &err), -ENOENT);
	CHECK_CONTAINS("empty text: message", err.msg, "no System RAM");
	CHECK_EQ("no System RAM: ENOENT",
		 parse_str("09000000-09000fff : pl011@9000000\n", &mem, &err), -ENOENT);

	/* CRLF, blank lines, no final newline, upper-case hex, a name with
	 * " : " inside, the top of the address space. */
	CHECK_EQ("tolerant: parses",
		 parse_str("\r\n40000000-7FFFFFFF : System RAM\r\n"
			   "  41000000-41ffffff : reserved\r\n\n"
			   "  50000000-50000fff : foo : bar\n"
			   "ffffffffff000000-ffffffffffffffff : System RAM\n"
			   "  ffffffffffff0000-ffffffffffffffff : reserved", &mem, &err), 0);
	CHECK("tolerant: ram", mem.ram.n == 2 && mem.ram.r[0].start == 0x40000000 &&
	      mem.ram.r[0].end == 0x80000000 && mem.ram.r[1].end == UINT64_MAX);
	CHECK("tolerant: reserved, CR stripped from name", mem.reserved.n == 2 &&
	      mem.reserved.r[0].start == 0x41000000 && mem.reserved.r[0].end == 0x42000000);
	CHECK("tolerant: top reserved capped at UINT64_MAX",
	      mem.reserved.r[1].start == 0xffffffffffff0000 && mem.reserved.r[1].end == UINT64_MAX);
	system_memory_free(&mem);

	/* Names match whole: "reserved2" or "System RAM (boot alias)" are
	 * not ours; "Crash kernel" is taken at any depth below System RAM,
	 * and nowhere else. */
	system_memory_init(&mem);
	CHECK_EQ("names: parses",
		 parse_str("00000000-0fffffff : System RAM (boot alias)\n"
			   "40000000-7fffffff : System RAM\n"
			   "  40000000-40000fff : reserved2\n"
			   "  41000000-41ffffff : Kernel code\n"
			   "    41000000-41000fff : reserved\n"
			   "  60000000-6fffffff : Crash kernel\n"
			   "80000000-8fffffff : reserved\n"
			   "  80000000-80000fff : Crash kernel\n", &mem, &err), 0);
	CHECK("names: one ram range", mem.ram.n == 1 && mem.ram.r[0].start == 0x40000000);
	CHECK("names: reserved only the exact name", mem.reserved.n == 1 &&
	      mem.reserved.r[0].start == 0x41000000);
	CHECK("names: crash only inside System RAM", mem.crash.n == 1 &&
	      mem.crash.r[0].start == 0x60000000);
	CHECK("names: kernel code", mem.kernel_image.n == 1);
	system_memory_free(&mem);

	/* What the first fuzz run found: a "Crash kernel" under a top-level
	 * entry that is not System RAM was taken as a crash region outside
	 * RAM.  Nor do "Kernel code" or "reserved" count there. */
	system_memory_init(&mem);
	CHECK_EQ("crash under non-RAM: parses",
		 parse_str("40000000-7fffffff : System RAM\n"
			   "80000000-feceffff : SystemAR M\n"
			   "  9f800000-bf7fffff : Crash kernel\n"
			   "  a0000000-a0ffffff : Kernel code\n"
			   "  b0000000-b0000fff : reserved\n", &mem, &err), 0);
	CHECK("crash under non-RAM: no crash region", mem.crash.n == 0);
	CHECK("crash under non-RAM: no kernel image, no reserved",
	      mem.kernel_image.n == 0 && mem.reserved.n == 0);
	system_memory_free(&mem);

	/* A nested range reaching past its System RAM (never printed by the
	 * kernel) counts only inside it; the top of the address space keeps
	 * its exclusive end. */
	system_memory_init(&mem);
	CHECK_EQ("crash past its RAM: parses",
		 parse_str("40000000-7fffffff : System RAM\n"
			   "  70000000-8fffffff : Crash kernel\n"
			   "ffffffff00000000-ffffffffffffffff : System RAM\n"
			   "  ffffffffff000000-ffffffffffffffff : Crash kernel\n", &mem, &err), 0);
	CHECK_SET("crash past its RAM: clipped to it", &mem.crash, 0x70000000, 0x80000000,
		  0xffffffffff000000, UINT64_MAX);
	system_memory_free(&mem);

	{
		/* 40 levels of nesting: no resource tree is that deep. */
		char deep[4096] = "40000000-7fffffff : System RAM\n";
		int i;

		for (i = 1; i <= 40; i++)
			snprintf(deep + strlen(deep), sizeof(deep) - strlen(deep),
				 "%*s40000000-40000fff : reserved\n", 2 * i, "");
		expect_einval("absurd nesting", deep, "line 33: nested 32 levels deep");
	}
	{
		/* A 1 MiB name is a name like any other. */
		size_t n = 1u << 20;
		char *text = malloc(n + 64);

		strcpy(text, "40000000-7fffffff : System RAM\n  50000000-50000fff : ");
		memset(text + strlen(text), 'x', n);
		text[n + 50] = '\0';
		system_memory_init(&mem);
		CHECK_EQ("1 MiB line: parses", parse_str(text, &mem, &err), 0);
		CHECK("1 MiB line: RAM", mem.ram.n == 1);
		system_memory_free(&mem);
		free(text);
	}

	/* One real zero-based entry is not a hidden listing. */
	system_memory_init(&mem);
	CHECK_EQ("zero start is fine", parse_str("00000000-3fffffff : System RAM\n", &mem, &err), 0);
	CHECK("zero start: ram", mem.ram.n == 1 && mem.ram.r[0].end == 0x40000000);
	system_memory_free(&mem);
}

int main(int argc, char **argv)
{
	const char *dir = fixtures_dir(argc, argv);

	test_qemu(dir);
	test_server(dir);
	test_nonroot(dir);
	test_malformed(dir);
	test_inline();
	return check_status();
}
