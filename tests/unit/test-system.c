/* The system layer's pure parts and its file reading: only regular files
 * are read, a file that changes or fails while being read is named in one
 * line (never a SIGBUS), /proc and /sys files are read to EOF; MemAvailable
 * from /proc/meminfo; the kernel memory kexec_load(2) needs. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "input_file.h"
#include "proc_facts.h"
#include "system.h"

/* read(2) as file_load sees it: this definition takes the place of libc's
 * for the whole test program, so each case can make the file change or
 * fail at the moment file_load reads it. */
enum read_fault { READ_REAL, READ_SHRINKS, READ_GROWS, READ_EIO, READ_EINTR_ONCE };
static enum read_fault read_fault;
static const char *read_fault_path;

ssize_t read(int fd, void *buf, size_t len)
{
	enum read_fault fault = read_fault;

	read_fault = READ_REAL;
	switch (fault) {
	case READ_SHRINKS:
		if (truncate(read_fault_path, 100) < 0)
			return -1;
		break;
	case READ_GROWS: {
		int out = open(read_fault_path, O_WRONLY | O_APPEND);

		if (out < 0 || write(out, "more", 4) != 4)
			return -1;
		close(out);
		break;
	}
	case READ_EIO:
		errno = EIO;
		return -1;
	case READ_EINTR_ONCE:
		errno = EINTR;
		return -1;
	default:
		break;
	}
	return syscall(SYS_read, fd, buf, len);
}

static char dir[] = "/tmp/test-system-XXXXXX";

static const char *path_in_dir(const char *name)
{
	static char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

static void write_file(const char *path, size_t size)
{
	FILE *f = fopen(path, "wb");
	size_t i;

	for (i = 0; f && i < size; i++)
		fputc((int)(i * 7), f);
	if (!f || fclose(f)) {
		printf("Bail out! cannot write %s\n", path);
		exit(1);
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Loads `path` with `fault` injected; returns file_load's result. */
static int load(const char *path, size_t limit, enum read_fault fault,
		struct file_data *file, struct error *err)
{
	read_fault = fault;
	read_fault_path = path;
	err->msg[0] = '\0';
	return file_load(path, limit, file, err);
}

static void test_regular_files(void)
{
	struct file_data file;
	struct error err;
	const char *path = path_in_dir("data");
	int ret;

	write_file(path, 10000);
	CHECK_EQ("a regular file loads", load(path, 1u << 20, READ_REAL, &file, &err), 0);
	CHECK("all of it, byte for byte", file.size == 10000 && file.data[9999] == (uint8_t)(9999 * 7));
	file_release(&file);
	CHECK("released: no data left", file.data == NULL && file.size == 0);

	CHECK_EQ("a read interrupted by a signal is retried",
		 load(path, 1u << 20, READ_EINTR_ONCE, &file, &err), 0);
	CHECK_EQ("and still gives the whole file", file.size, 10000);
	file_release(&file);

	ret = load(path, 9999, READ_REAL, &file, &err);
	CHECK_EQ("one byte past the limit: -EFBIG", ret, -EFBIG);
	CHECK_CONTAINS("too large: named", err.msg, "data: too large");
	CHECK("refused: nothing held", file.data == NULL && file.size == 0);

	ret = load(path, 1u << 20, READ_SHRINKS, &file, &err);
	CHECK_EQ("a file truncated while read: -EIO", ret, -EIO);
	CHECK_CONTAINS("truncated: one line saying so", err.msg, "data: file shrank while being read (100 of 10000 bytes)");
	CHECK("truncated: nothing held", file.data == NULL);

	write_file(path, 10000);
	ret = load(path, 1u << 20, READ_GROWS, &file, &err);
	CHECK_EQ("a file written to while read: -EIO", ret, -EIO);
	CHECK_CONTAINS("grown: one line saying so", err.msg, "data: file grew while being read");

	write_file(path, 10000);
	ret = load(path, 1u << 20, READ_EIO, &file, &err);
	CHECK_EQ("an I/O error: -EIO", ret, -EIO);
	CHECK_CONTAINS("I/O error: named with strerror", err.msg, "data: Input/output error");
	CHECK("I/O error: nothing held", file.data == NULL);

	write_file(path, 0);
	CHECK_EQ("an empty file loads", load(path, 4096, READ_REAL, &file, &err), 0);
	CHECK_EQ("as zero bytes", file.size, 0);
	file_release(&file);

	ret = load(path_in_dir("missing"), 4096, READ_REAL, &file, &err);
	CHECK_EQ("a missing file: -ENOENT", ret, -ENOENT);
	CHECK_CONTAINS("missing: named", err.msg, "missing: No such file or directory");
}

/* Each is refused at once, before it is opened: a FIFO with no writer
 * would block the open, /dev/zero would be read up to the limit. */
static void test_not_files(void)
{
	struct file_data file;
	struct error err;
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	const char *fifo = path_in_dir("fifo");
	int sock, ret;
	double start;

	if (mkfifo(fifo, 0600) == 0) {
		start = now();
		ret = load(fifo, 1u << 20, READ_REAL, &file, &err);
		CHECK_EQ("a FIFO: refused", ret, -EINVAL);
		CHECK_CONTAINS("a FIFO: named", err.msg, "fifo: is a FIFO, not a file");
		CHECK("a FIFO with no writer: refused at once", now() - start < 2);
	}
	start = now();
	ret = load("/dev/zero", 512u << 20, READ_REAL, &file, &err);
	CHECK_EQ("/dev/zero: refused", ret, -EINVAL);
	CHECK_STR("/dev/zero: one line", err.msg, "/dev/zero: is a character device, not a file");
	CHECK("/dev/zero: refused without reading", now() - start < 1);
	ret = load(dir, 4096, READ_REAL, &file, &err);
	CHECK_EQ("a directory: -EISDIR", ret, -EISDIR);
	CHECK_CONTAINS("a directory: named", err.msg, ": is a directory, not a file");

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/sock", dir);
	sock = socket(AF_UNIX, SOCK_STREAM, 0);
	if (sock >= 0 && bind(sock, (struct sockaddr *)&addr, sizeof(addr)) == 0) {
		ret = load(addr.sun_path, 4096, READ_REAL, &file, &err);
		CHECK_EQ("a socket: refused", ret, -EINVAL);
		CHECK_CONTAINS("a socket: named", err.msg, "sock: is a socket, not a file");
	}
	if (sock >= 0)
		close(sock);
}

/* /proc files report size 0 and sysfs attributes a page: both are read
 * to EOF, and still bounded. */
static void test_pseudo_files(void)
{
	struct file_data file;
	struct error err;
	int ret;

	ret = load("/proc/self/status", 1u << 20, READ_REAL, &file, &err);
	CHECK_EQ("/proc/self/status (size 0) loads", ret, 0);
	CHECK("/proc/self/status: read to EOF", file.size > 100 && file.data &&
	      !memcmp(file.data, "Name:", 5));
	file_release(&file);
	ret = load("/proc/self/status", 64, READ_REAL, &file, &err);
	CHECK_EQ("/proc/self/status past a 64-byte limit: -EFBIG", ret, -EFBIG);
	CHECK_CONTAINS("past the limit: named", err.msg, "/proc/self/status: larger than");
	if (access("/sys/kernel/kexec_loaded", R_OK) == 0) {
		ret = load("/sys/kernel/kexec_loaded", 4096, READ_REAL, &file, &err);
		CHECK_EQ("a sysfs attribute (size 4096, two bytes) loads", ret, 0);
		CHECK_EQ("a sysfs attribute: its two bytes", file.size, 2);
		file_release(&file);
	}
}

static const char meminfo_text[] =
	"MemTotal:        1012456 kB\n"
	"MemFree:          512000 kB\n"
	"MemAvailable:     700000 kB\n"
	"Buffers:            2048 kB\n"
	"HugePages_Total:       0\n";

static void meminfo_case(const char *name, const char *text, int want_ret,
			 uint64_t want_available)
{
	struct meminfo mem;
	struct error err = { { 0 } };
	int ret = meminfo_parse(text, strlen(text), &mem, &err);

	CHECK_EQ(name, ret, want_ret);
	if (ret == 0)
		CHECK_EQ(name, mem.available, want_available);
	else
		CHECK(name, err.msg[0] && !strchr(err.msg, '\n'));
}

static void test_meminfo(void)
{
	struct meminfo mem;
	struct error err = { { 0 } };

	CHECK_EQ("meminfo parses", meminfo_parse(meminfo_text, sizeof(meminfo_text) - 1, &mem, &err), 0);
	CHECK_EQ("MemTotal in bytes", mem.total, 1012456ull << 10);
	CHECK_EQ("MemAvailable in bytes", mem.available, 700000ull << 10);
	/* Only the first `len` bytes count: no NUL needed. */
	CHECK_EQ("cut before MemAvailable: -ENOENT", meminfo_parse(meminfo_text, 60, &mem, &err), -ENOENT);
	CHECK_CONTAINS("cut: names the line", err.msg, "no MemAvailable: line");
	meminfo_case("no MemAvailable (before 3.14): -ENOENT",
		     "MemTotal: 1000 kB\nMemFree: 10 kB\n", -ENOENT, 0);
	meminfo_case("no final newline", "MemTotal: 4 kB\nMemAvailable: 3 kB", 0, 3072);
	meminfo_case("not a number: -EINVAL", "MemTotal: 4 kB\nMemAvailable: x kB\n", -EINVAL, 0);
	meminfo_case("no unit: -EINVAL", "MemTotal: 4 kB\nMemAvailable: 3\n", -EINVAL, 0);
	meminfo_case("trailing text: -EINVAL", "MemTotal: 4 kB\nMemAvailable: 3 kB x\n", -EINVAL, 0);
	meminfo_case("a value past 64 bits in bytes: -EINVAL",
		     "MemTotal: 4 kB\nMemAvailable: 18014398509481984 kB\n", -EINVAL, 0);
	meminfo_case("the largest value that fits",
		     "MemTotal: 4 kB\nMemAvailable: 18014398509481983 kB\n", 0,
		     18014398509481983ull << 10);
	meminfo_case("a key inside a line is not the key",
		     "MemTotal: 4 kB\nXMemAvailable: 3 kB\n", -ENOENT, 0);
	CHECK_EQ("this machine's /proc/meminfo", system_meminfo(&mem, &err), 0);
	CHECK("this machine has memory available", mem.available > 0 && mem.available <= mem.total);
}

static void cpu_list_case(const char *text, int want_ret, size_t want_n, unsigned want_last)
{
	unsigned cpus[16];
	size_t n = 0;
	char name[128];
	int ret = cpu_list_parse(text, cpus, 16, &n);

	snprintf(name, sizeof(name), "cpu list \"%s\": %s", text, want_ret ? "refused" : "parsed");
	CHECK_EQ(name, ret, want_ret);
	if (!want_ret && ret == 0) {
		snprintf(name, sizeof(name), "cpu list \"%s\": count and last", text);
		CHECK(name, n == want_n && cpus[n - 1] == want_last);
	}
}

/* The sysfs facts of a crash load, in the kernel's formats only. */
static void test_sysfs_facts(void)
{
	uint64_t addr = 0, size = 0;

	static const char *const refused[] = {
		"", "0-3,", "3-0", "0,0", "2,1", "0-3,2", " 0", "+1", "-1", "65536",
		"99999999999999999999", "0-3\n",
	};
	size_t i;

	cpu_list_case("0", 0, 1, 0);
	cpu_list_case("0-3,5,8-9", 0, 7, 9);
	cpu_list_case("0-15", 0, 16, 15);
	cpu_list_case("0-16", -E2BIG, 0, 0);
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		cpu_list_case(refused[i], -EINVAL, 0, 0);
	cpu_list_case("65535", 0, 1, 65535);

	CHECK_EQ("sysfs hex address", sysfs_number("ffff0000be7f1000", 16, &addr), 0);
	CHECK_EQ("sysfs hex address value", addr, 0xffff0000be7f1000ull);
	CHECK_EQ("sysfs decimal size", sysfs_number("424", 10, &size), 0);
	CHECK_EQ("sysfs decimal size value", size, 424);
	CHECK_EQ("sysfs number: empty refused", sysfs_number("", 16, &addr), -EINVAL);
	CHECK_EQ("sysfs number: junk after refused", sysfs_number("12x", 16, &addr), -EINVAL);
	CHECK_EQ("sysfs number: bare 0x refused", sysfs_number("0x", 16, &addr), -EINVAL);
	CHECK_EQ("sysfs number: sign refused", sysfs_number("-1", 10, &addr), -EINVAL);
	CHECK_EQ("sysfs number: blank refused", sysfs_number(" 1", 10, &addr), -EINVAL);
	CHECK_EQ("sysfs number: past 64 bits refused", sysfs_number("10000000000000000", 16, &addr), -EINVAL);

	CHECK_EQ("vmcoreinfo line", sysfs_vmcoreinfo_parse("0x0000000100c74000 1024", &addr, &size), 0);
	CHECK("vmcoreinfo address and size", addr == 0x100c74000ull && size == 0x1024);
	CHECK_EQ("vmcoreinfo: size 0 refused", sysfs_vmcoreinfo_parse("0x1000 0", &addr, &size), -EINVAL);
	CHECK_EQ("vmcoreinfo: one number refused", sysfs_vmcoreinfo_parse("0x1000", &addr, &size), -EINVAL);
	CHECK_EQ("vmcoreinfo: two blanks refused", sysfs_vmcoreinfo_parse("0x1000  10", &addr, &size), -EINVAL);
	CHECK_EQ("vmcoreinfo: wrapping refused",
		 sysfs_vmcoreinfo_parse("ffffffffffffff00 1000", &addr, &size), -EINVAL);
	CHECK_EQ("vmcoreinfo: huge size refused", sysfs_vmcoreinfo_parse("1000 10000000", &addr, &size), -EINVAL);
}

/* /proc/kallsyms: exact names only (not _text in a module, not _textx),
 * hidden addresses said so. */
static void test_kallsyms(void)
{
	static const char text[] =
		"c0008000 T _textx\n"
		"c0100000 t _text\t[somemodule]\n"
		"c0208000 T _text\n"
		"c0400000 T _stext\n";
	static const char hidden[] = "00000000 T _text\n00000000 T _stext\n";
	uint64_t addr = 0;

	CHECK_EQ("kallsyms: _text found", kallsyms_lookup(text, sizeof(text) - 1, "_text", &addr), 0);
	CHECK_EQ("... at its own address, not a module's or _textx's", addr, 0xc0208000);
	CHECK_EQ("kallsyms: _stext on the last line", kallsyms_lookup(text, sizeof(text) - 1, "_stext", &addr), 0);
	CHECK_EQ("... read", addr, 0xc0400000);
	CHECK_EQ("kallsyms: a missing symbol is -ENOENT", kallsyms_lookup(text, sizeof(text) - 1, "_etext", &addr), -ENOENT);
	CHECK_EQ("kallsyms: hidden by kptr_restrict is -EACCES", kallsyms_lookup(hidden, sizeof(hidden) - 1, "_text", &addr), -EACCES);
	CHECK_EQ("kallsyms: a line of another format is -EINVAL", kallsyms_lookup("zz T _text\n", 12, "_text", &addr), -EINVAL);
	CHECK_EQ("kallsyms: 64-bit addresses", kallsyms_lookup("ffff800008000000 T _text", 24, "_text", &addr), 0);
	CHECK_EQ("... read", addr, 0xffff800008000000ull);
	CHECK_EQ("kallsyms: more than 16 digits is -EINVAL", kallsyms_lookup("1ffff800008000000 T _text", 25, "_text", &addr), -EINVAL);
}

static void test_kernel_memory(void)
{
	struct plan plan;
	static uint8_t byte;
	uint64_t need;

	plan_init(&plan, 4096);
	/* A 30 MiB kernel, 420 MiB of initrd, a DTB page: 115201 pages and
	 * 115205 list entries, in 226 indirection pages of 511. */
	plan_add_segment(&plan, "kernel", "k", &byte, 1, 0x40000000, 30u << 20, NULL, NULL);
	plan_add_segment(&plan, "initrd", "i", &byte, 1, 0x50000000, 420u << 20, NULL, NULL);
	plan_add_segment(&plan, "dtb", "d", &byte, 1, 0x80000000, 1, NULL, NULL);
	need = kexec_load_kernel_memory(&plan, 1ull << 30);
	CHECK_EQ("kernel memory: the pages, their list, 1/512 of RAM, the slack", need,
		 (115201ull + 226) * 4096 + (2u << 20) + (4u << 20));
	CHECK("a 420 MiB initrd does not fit in 400 MiB available", need > (400ull << 20));
	plan_free(&plan);
	plan_init(&plan, 4096);
	CHECK_EQ("no segment: the list's end page and the slack",
		 kexec_load_kernel_memory(&plan, 0), 4096 + (4u << 20));
	plan_free(&plan);
}

int main(void)
{
	/* A FIFO opened for reading blocks: never wait on a bug. */
	alarm(60);
	if (!mkdtemp(dir)) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	test_regular_files();
	test_not_files();
	test_pseudo_files();
	test_meminfo();
	test_sysfs_facts();
	test_kallsyms();
	test_kernel_memory();
	unlink(path_in_dir("data"));
	unlink(path_in_dir("fifo"));
	unlink(path_in_dir("sock"));
	rmdir(dir);
	return check_status();
}
