#define _GNU_SOURCE
#include "system.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <linux/reboot.h>
#include <net/if.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "crash_header.h"
#include "dtb.h"
#include "iomem.h"
#include "vmcoreinfo.h"

#define IOMEM_LIMIT (4u << 20)

/* What a path names, when it is not a regular file. */
static int refuse_kind(const char *path, mode_t mode, struct error *err)
{
	const char *kind;

	switch (mode & S_IFMT) {
	case S_IFIFO: kind = "a FIFO"; break;
	case S_IFCHR: kind = "a character device"; break;
	case S_IFBLK: kind = "a block device"; break;
	case S_IFSOCK: kind = "a socket"; break;
	case S_IFDIR: kind = "a directory"; break;
	default: kind = "not a regular file"; break;
	}
	return error_set(err, S_ISDIR(mode) ? -EISDIR : -EINVAL, "%s: is %s%s", path, kind,
			 strncmp(kind, "not", 3) ? ", not a file" : "");
}

/* /proc, /sys and their kin: their files report a size of 0 (/proc) or a
 * page (sysfs attributes) whatever they hold, so they are read to EOF. */
static bool on_pseudo_fs(int fd)
{
	struct statfs fs;

	if (fstatfs(fd, &fs) < 0)
		return false;
	switch ((unsigned long)fs.f_type) {
	case PROC_SUPER_MAGIC:
	case SYSFS_MAGIC:
	case DEBUGFS_MAGIC:
	case SECURITYFS_MAGIC:
	case TRACEFS_MAGIC:
		return true;
	default:
		return false;
	}
}

static int read_retry(int fd, uint8_t *buf, size_t len, size_t *got)
{
	*got = 0;
	while (*got < len) {
		ssize_t n = read(fd, buf + *got, len - *got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		*got += (size_t)n;
	}
	return 0;
}

/* A file whose size is known: one allocation of that size, filled by
 * read(2).  Never mmap: a mapped file that cannot be read in full (an I/O
 * error, a truncation during the load, a hole on a full tmpfs) kills the
 * process with SIGBUS, where read(2) returns an error we can name. */
static int load_sized(int fd, const char *path, size_t size, struct file_data *file,
		      struct error *err)
{
	uint8_t extra;
	size_t got;
	int ret;

	file->data = malloc(size);
	if (!file->data)
		return error_set(err, -ENOMEM, "%s: out of memory reading its %zu MiB", path,
				 (size + (1u << 20) - 1) >> 20);
	ret = read_retry(fd, file->data, size, &got);
	if (ret)
		return error_set(err, ret, "%s: %s", path, strerror(-ret));
	if (got < size)
		return error_set(err, -EIO, "%s: file shrank while being read (%zu of %zu bytes)",
				 path, got, size);
	/* Bytes past the size fstat gave: someone is writing the file, and
	 * what we hold is a mix of two versions. */
	ret = read_retry(fd, &extra, 1, &got);
	if (ret)
		return error_set(err, ret, "%s: %s", path, strerror(-ret));
	if (got)
		return error_set(err, -EIO, "%s: file grew while being read (is it being written?)",
				 path);
	file->size = size;
	return 0;
}

/* A /proc or /sys file: read until EOF, at most `limit` bytes. */
static int load_to_eof(int fd, const char *path, size_t hint, size_t limit,
		       struct file_data *file, struct error *err)
{
	size_t cap = 0;

	for (;;) {
		size_t got;
		int ret;

		if (file->size == cap) {
			size_t next = cap ? cap * 2 : (hint > 4096 ? hint : 4096);
			uint8_t *grown;

			if (cap > limit)
				return error_set(err, -EFBIG, "%s: larger than %zu bytes", path,
						 limit);
			/* One byte past the limit tells "exactly limit" from
			 * "more". */
			if (next > limit)
				next = limit + 1;
			grown = realloc(file->data, next);
			if (!grown)
				return error_set(err, -ENOMEM, "%s: out of memory", path);
			file->data = grown;
			cap = next;
		}
		ret = read_retry(fd, file->data + file->size, cap - file->size, &got);
		if (ret)
			return error_set(err, ret, "%s: %s", path, strerror(-ret));
		file->size += got;
		if (file->size < cap)
			return 0; /* EOF */
	}
}

/* A block device or an MTD partition (character major 90): boards keep a
 * kernel in a raw partition, and kexec-tools reads them, so they are the
 * one kind of device accepted.  Opening one does not act on it, and its
 * size is its capacity: the whole partition is read, bounded by the limit
 * (the formats ignore what follows the kernel). */
#define MTD_CHAR_MAJOR 90

static bool is_kernel_storage(const struct stat *st)
{
	return S_ISBLK(st->st_mode) ||
	       (S_ISCHR(st->st_mode) && major(st->st_rdev) == MTD_CHAR_MAJOR);
}

static int load_storage(int fd, const char *path, size_t limit, struct file_data *file,
			struct error *err)
{
	off_t end;

	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0)
		return error_set(err, -errno, "%s: %s", path, strerror(errno));
	end = lseek(fd, 0, SEEK_END);
	if (end < 0 || lseek(fd, 0, SEEK_SET) < 0)
		return error_set(err, -errno, "%s: cannot tell the device's size: %s", path,
				 strerror(errno));
	if (end == 0)
		return error_set(err, -EINVAL, "%s: the device is empty", path);
	if ((uint64_t)end > limit)
		return error_set(err, -EFBIG, "%s: device of %" PRIu64 " MiB is larger than the %zu MiB read for it",
				 path, (uint64_t)end >> 20, limit >> 20);
	return load_sized(fd, path, (size_t)end, file, err);
}

int file_load(const char *path, size_t limit, struct file_data *file,
	      struct error *err)
{
	struct stat st;
	int fd, ret;

	memset(file, 0, sizeof(*file));
	/* Refused before open: opening a FIFO with no writer blocks, and
	 * opening a device can act on it (a watchdog starts counting). */
	if (stat(path, &st) < 0)
		return error_set(err, -errno, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode) && !is_kernel_storage(&st))
		return refuse_kind(path, st.st_mode, err);
	/* O_NONBLOCK in case the path was swapped for a FIFO since: the
	 * open returns at once and fstat, which is what counts, refuses it. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return error_set(err, -errno, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0)
		ret = error_set(err, -errno, "%s: %s", path, strerror(errno));
	else if (is_kernel_storage(&st))
		ret = load_storage(fd, path, limit, file, err);
	else if (!S_ISREG(st.st_mode))
		ret = refuse_kind(path, st.st_mode, err);
	else if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0)
		ret = error_set(err, -errno, "%s: %s", path, strerror(errno));
	else if (st.st_size == 0 || on_pseudo_fs(fd))
		ret = load_to_eof(fd, path, st.st_size > 0 && (uint64_t)st.st_size <= limit
					    ? (size_t)st.st_size : 0, limit, file, err);
	else if ((uint64_t)st.st_size > limit)
		ret = error_set(err, -EFBIG, "%s: too large (%" PRIu64 " MiB; at most %zu MiB)",
				path, ((uint64_t)st.st_size + (1u << 20) - 1) >> 20, limit >> 20);
	else
		ret = load_sized(fd, path, (size_t)st.st_size, file, err);
	close(fd);
	if (ret)
		file_release(file);
	return ret;
}

void file_release(struct file_data *file)
{
	free(file->data);
	memset(file, 0, sizeof(*file));
}

static void fill_random(uint8_t *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = getrandom(buf + done, len - done, GRND_NONBLOCK);

		if (n <= 0)
			break;
		done += (size_t)n;
	}
	if (done < len) {
		/* Early in boot the pool may not be ready; urandom never blocks. */
		int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

		while (fd >= 0 && done < len) {
			ssize_t n = read(fd, buf + done, len - done);

			if (n <= 0)
				break;
			done += (size_t)n;
		}
		if (fd >= 0)
			close(fd);
	}
}

static int read_system_memory(struct system_memory *mem, struct error *err)
{
	struct file_data iomem;
	int ret;

	ret = file_load("/proc/iomem", IOMEM_LIMIT, &iomem, err);
	if (ret)
		return ret;
	system_memory_init(mem);
	ret = iomem_parse((const char *)iomem.data, iomem.size, mem, err);
	file_release(&iomem);
	return ret;
}

static int memory_from_iomem(struct system_desc *sys, bool crash, struct error *err)
{
	struct system_memory mem;
	int ret = read_system_memory(&mem, err);

	if (ret)
		return ret;
	ret = mem_ranges_copy(&sys->crash, &mem.crash);
	if (ret == 0 && crash) {
		if (mem.crash.n == 0)
			ret = error_set(err, -ENOENT, "/proc/iomem: no \"Crash kernel\" region: boot this kernel with crashkernel=SIZE to load a crash kernel");
		else
			ret = mem_ranges_copy(&sys->usable, &mem.crash);
	} else if (ret == 0) {
		ret = system_memory_usable(&mem, &sys->usable);
	}
	system_memory_free(&mem);
	if (ret == 0)
		sys->memory_source = crash ? "/proc/iomem (Crash kernel region)" : "/proc/iomem";
	return ret;
}

static int memory_from_dtb(const void *dtb, const char *dtb_path,
			   struct system_desc *sys, struct error *err)
{
	struct mem_ranges ram, reserved;
	int ret;

	mem_ranges_init(&ram);
	mem_ranges_init(&reserved);
	ret = dtb_memory(dtb, &ram, &reserved, err);
	if (ret == 0)
		ret = mem_ranges_subtract_all(&ram, &reserved);
	if (ret == 0) {
		mem_ranges_free(&sys->usable);
		sys->usable = ram;
		mem_ranges_init(&ram);
		sys->memory_source = "the DTB's /memory nodes";
	}
	mem_ranges_free(&ram);
	mem_ranges_free(&reserved);
	return ret ? error_prefix(err, ret, "%s", dtb_path) : 0;
}

int system_describe(bool native, bool crash, const void *dtb, const char *dtb_path,
		    struct system_desc *sys, struct error *err)
{
	struct error iomem_err = { { 0 } };
	int ret = -ENOENT;

	memset(sys, 0, sizeof(*sys));
	mem_ranges_init(&sys->usable);
	mem_ranges_init(&sys->crash);
	sys->page_size = native ? (uint64_t)sysconf(_SC_PAGESIZE) : 4096;
	if (crash) {
		/* Only /proc/iomem knows the crash region: no fallback. */
		if (!native)
			return error_set(err, -ENOTSUP, "a crash load is planned from this machine's /proc/iomem: --arch cannot plan one for another machine");
		return memory_from_iomem(sys, true, err);
	}
	if (native)
		ret = memory_from_iomem(sys, false, &iomem_err);
	if (ret && !dtb)
		return error_set(err, ret, "no memory map: %s; and no device tree to fall back on (an ATAG boot plans from /proc/iomem, as root)",
				 iomem_err.msg[0] ? iomem_err.msg : "/proc/iomem not read");
	if (ret) {
		ret = memory_from_dtb(dtb, dtb_path, sys, err);
		if (ret && native)
			return error_set(err, ret, "no memory map: %s; and the DTB has no /memory node to fall back on",
					 iomem_err.msg);
		if (ret)
			return ret;
	}
	fill_random(sys->rng_seed, sizeof(sys->rng_seed));
	fill_random((uint8_t *)&sys->kaslr_seed, sizeof(sys->kaslr_seed));
	return 0;
}

void system_desc_free(struct system_desc *sys)
{
	mem_ranges_free(&sys->usable);
	mem_ranges_free(&sys->crash);
}

/* A sysfs file holding one line of text, returned NUL-terminated without
 * its newline.  Anything else (more than `len` - 1 bytes, a NUL, a second
 * line) is refused: a line cut to fit would be read as another value. */
static int read_line(const char *path, char *buf, size_t len, struct error *err)
{
	struct file_data file;
	int ret = file_load(path, 4096, &file, err);
	size_t n;

	if (ret)
		return ret;
	n = file.size;
	if (n && file.data[n - 1] == '\n')
		n--;
	if (n >= len || memchr(file.data, '\0', n) || memchr(file.data, '\n', n))
		ret = error_set(err, -EINVAL, "%s: not one line of at most %zu bytes", path, len - 1);
	else {
		memcpy(buf, file.data, n);
		buf[n] = '\0';
	}
	file_release(&file);
	return ret;
}

/* The kernel's CPU numbers are below NR_CPUS, at most 8192 on arm64. */
#define CPU_NUMBER_LIMIT 65536u

/* A decimal CPU number: digits only, below CPU_NUMBER_LIMIT. */
static const char *cpu_number(const char *p, unsigned *cpu)
{
	unsigned v = 0;
	const char *start = p;

	while (*p >= '0' && *p <= '9' && v < CPU_NUMBER_LIMIT)
		v = v * 10 + (unsigned)(*p++ - '0');
	if (p == start || v >= CPU_NUMBER_LIMIT)
		return NULL;
	*cpu = v;
	return p;
}

int cpu_list_parse(const char *text, unsigned *cpus, size_t max, size_t *n)
{
	const char *p = text;
	unsigned first, last, cpu;
	bool any = false;

	*n = 0;
	while (*p) {
		unsigned previous = any ? cpus[*n - 1] : 0;

		p = cpu_number(p, &first);
		if (!p)
			return -EINVAL;
		last = first;
		if (*p == '-') {
			p = cpu_number(p + 1, &last);
			if (!p || last < first)
				return -EINVAL;
		}
		if (*p == ',' && p[1])
			p++;
		else if (*p)
			return -EINVAL;
		if (any && first <= previous)
			return -EINVAL; /* ascending, each CPU once */
		for (cpu = first; cpu <= last; cpu++) {
			if (*n == max)
				return -E2BIG;
			cpus[(*n)++] = cpu;
		}
		any = true;
	}
	return *n ? 0 : -EINVAL;
}

int sysfs_number(const char *text, int base, uint64_t *value)
{
	char *end;

	/* strtoull would also take blanks, a sign and (base 16) a bare "0x"
	 * as 0: the first character must be a digit, the last the end. */
	if (!(text[0] >= '0' && text[0] <= '9') &&
	    !(base == 16 && ((text[0] >= 'a' && text[0] <= 'f') || (text[0] >= 'A' && text[0] <= 'F'))))
		return -EINVAL;
	errno = 0;
	*value = strtoull(text, &end, base);
	if (errno || *end)
		return -EINVAL;
	return 0;
}

int sysfs_vmcoreinfo_parse(const char *line, uint64_t *addr, uint64_t *size)
{
	char first[32];
	const char *space = strchr(line, ' ');

	if (!space || (size_t)(space - line) >= sizeof(first))
		return -EINVAL;
	memcpy(first, line, (size_t)(space - line));
	first[space - line] = '\0';
	if (sysfs_number(first, 16, addr) || sysfs_number(space + 1, 16, size))
		return -EINVAL;
	if (*size == 0 || *size > CRASH_NOTE_SIZE_LIMIT || *addr + *size < *addr)
		return -EINVAL;
	return 0;
}

/* A CPU's crash note: its address (hex, as the kernel prints it) and size
 * (decimal) from sysfs.  A CPU possible but never brought up has none. */
static int collect_cpu_note(unsigned cpu, struct crash_facts *facts, struct error *err)
{
	char path[96], addr[64], size[64];
	struct crash_note_ref note, *grown;
	int ret;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%u/crash_notes", cpu);
	ret = read_line(path, addr, sizeof(addr), err);
	if (ret == -ENOENT)
		return 0;
	if (ret)
		return ret;
	if (sysfs_number(addr, 16, &note.addr))
		return error_set(err, -EINVAL, "%s: not a hexadecimal address", path);
	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%u/crash_notes_size", cpu);
	ret = read_line(path, size, sizeof(size), err);
	if (ret)
		return ret;
	if (sysfs_number(size, 10, &note.size) || note.size == 0 ||
	    note.size > CRASH_NOTE_SIZE_LIMIT || note.addr + note.size < note.addr)
		return error_set(err, -EINVAL, "%s: not a note size (1 to %u bytes, not past the end of memory)",
				 path, CRASH_NOTE_SIZE_LIMIT);
	grown = realloc(facts->cpu_notes, (facts->nr_cpu_notes + 1) * sizeof(*grown));
	if (!grown)
		return error_set(err, -ENOMEM, "out of memory");
	facts->cpu_notes = grown;
	grown[facts->nr_cpu_notes++] = note;
	return 0;
}

static int collect_cpu_notes(struct crash_facts *facts, struct error *err)
{
	static const char possible[] = "/sys/devices/system/cpu/possible";
	char line[4096];
	unsigned *cpus = malloc(CRASH_MAX_CPUS * sizeof(*cpus));
	size_t i, n;
	int ret;

	if (!cpus)
		return error_set(err, -ENOMEM, "out of memory");
	ret = read_line(possible, line, sizeof(line), err);
	if (!ret) {
		ret = cpu_list_parse(line, cpus, CRASH_MAX_CPUS, &n);
		if (ret == -E2BIG)
			error_set(err, ret, "%s: more than %u CPUs", possible, CRASH_MAX_CPUS);
		else if (ret)
			error_set(err, ret, "%s: not a CPU list (\"0-3,5\")", possible);
	}
	for (i = 0; !ret && i < n; i++)
		ret = collect_cpu_note(cpus[i], facts, err);
	free(cpus);
	return ret;
}

/* Parses what the crash header needs from the first `got` bytes of
 * /proc/kcore: the VMCOREINFO text and, on arm, the linear map. */
static int parse_kcore(const uint8_t *buf, size_t got, struct crash_facts *facts,
		       size_t *need, struct error *err)
{
	const char *text;
	size_t text_len;
	int ret = kcore_find_vmcoreinfo(buf, got, &text, &text_len, need, err);

	if (ret == 0)
		ret = vmcoreinfo_parse(text, text_len, &facts->info, err);
	if (ret || facts->machine != EM_ARM || facts->ram.n == 0)
		return ret;
	ret = kcore_linear_map(buf, got, facts->ram.r[0].start, &facts->kcore_linear_vaddr,
			       need, err);
	if (ret == 0) {
		facts->has_kcore_linear_map = true;
		facts->kcore_linear_paddr = facts->ram.r[0].start;
	}
	return ret == -ENOENT ? 0 : ret;
}

/* The VMCOREINFO note's text sits in /proc/kcore's notes, near its start,
 * after the program headers.  32-bit arm kernels before about 6.14 have no
 * /proc/kcore at all: their crash header does without (crash_header.h). */
static int read_kcore(struct crash_facts *facts, struct error *err)
{
	size_t want = 65536, got = 0, need = 0;
	uint8_t *buf = NULL;
	int fd, ret;

	fd = open("/proc/kcore", O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && facts->machine == EM_ARM)
		return 0;
	if (fd < 0)
		return error_set(err, -errno, "/proc/kcore: %s (needed for VMCOREINFO)", strerror(errno));
	for (;;) {
		uint8_t *grown = realloc(buf, want);
		ssize_t n;

		if (!grown) {
			ret = error_set(err, -ENOMEM, "out of memory");
			break;
		}
		buf = grown;
		n = pread(fd, buf + got, want - got, (off_t)got);
		if (n < 0) {
			ret = error_set(err, -errno, "/proc/kcore: %s", strerror(errno));
			break;
		}
		got += (size_t)n;
		ret = parse_kcore(buf, got, facts, &need, err);
		if (ret != -EAGAIN)
			break;
		if (n == 0 || need > (16u << 20)) {
			ret = error_set(err, -EINVAL, "/proc/kcore: notes end past what can be read");
			break;
		}
		want = need;
	}
	close(fd);
	free(buf);
	return ret;
}

int system_crash_facts(uint16_t machine, struct crash_facts *facts, struct error *err)
{
	struct system_memory mem;
	char line[256];
	int ret;

	memset(facts, 0, sizeof(*facts));
	mem_ranges_init(&facts->ram);
	mem_ranges_init(&facts->crash);
	facts->machine = machine;
	ret = read_system_memory(&mem, err);
	if (ret)
		return ret;
	ret = mem_ranges_copy(&facts->ram, &mem.ram);
	if (!ret)
		ret = mem_ranges_copy(&facts->crash, &mem.crash);
	if (!ret && mem.kernel_image.n) {
		facts->kernel_start = mem.kernel_image.r[0].start;
		facts->kernel_end = mem.kernel_image.r[mem.kernel_image.n - 1].end;
	}
	system_memory_free(&mem);
	if (!ret)
		ret = collect_cpu_notes(facts, err);
	if (!ret)
		ret = read_line("/sys/kernel/vmcoreinfo", line, sizeof(line), err);
	if (!ret && sysfs_vmcoreinfo_parse(line, &facts->vmcoreinfo.addr, &facts->vmcoreinfo.size))
		ret = error_set(err, -EINVAL, "/sys/kernel/vmcoreinfo: not \"ADDR SIZE\" in hex, SIZE 1 to %u",
				CRASH_NOTE_SIZE_LIMIT);
	if (!ret)
		ret = read_kcore(facts, err);
	return ret;
}

void crash_facts_free(struct crash_facts *facts)
{
	mem_ranges_free(&facts->ram);
	mem_ranges_free(&facts->crash);
	free(facts->cpu_notes);
	facts->cpu_notes = NULL;
	facts->nr_cpu_notes = 0;
}

/* "  123 kB" after a meminfo key, up to the end of its line. */
static int meminfo_value(const char *p, const char *end, uint64_t *bytes)
{
	uint64_t kib = 0;
	const char *digits;

	while (p < end && *p == ' ')
		p++;
	digits = p;
	while (p < end && *p >= '0' && *p <= '9') {
		if (kib > (UINT64_MAX >> 10) / 10)
			return -EINVAL;
		kib = kib * 10 + (uint64_t)(*p++ - '0');
		if (kib > UINT64_MAX >> 10)
			return -EINVAL;
	}
	if (p == digits || end - p != 3 || memcmp(p, " kB", 3) != 0)
		return -EINVAL;
	*bytes = kib << 10;
	return 0;
}

int meminfo_parse(const char *text, size_t len, struct meminfo *info,
		  struct error *err)
{
	static const struct {
		const char *key;
		size_t offset;
	} fields[] = {
		{ "MemTotal:", offsetof(struct meminfo, total) },
		{ "MemAvailable:", offsetof(struct meminfo, available) },
	};
	const char *p = text, *end = text + len;
	unsigned found = 0;
	size_t i;

	memset(info, 0, sizeof(*info));
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		if (!eol)
			eol = end;
		for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
			size_t klen = strlen(fields[i].key);

			if (found & (1u << i) || (size_t)(eol - p) < klen ||
			    memcmp(p, fields[i].key, klen) != 0)
				continue;
			if (meminfo_value(p + klen, eol, (uint64_t *)((char *)info + fields[i].offset)))
				return error_set(err, -EINVAL, "/proc/meminfo: %s is not a number of kB",
						 fields[i].key);
			found |= 1u << i;
		}
		p = eol + 1;
	}
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (!(found & (1u << i)))
			return error_set(err, -ENOENT, "/proc/meminfo: no %s line", fields[i].key);
	return 0;
}

int system_meminfo(struct meminfo *info, struct error *err)
{
	struct file_data file;
	int ret = file_load("/proc/meminfo", 65536, &file, err);

	if (ret)
		return ret;
	ret = meminfo_parse((const char *)file.data, file.size, info, err);
	file_release(&file);
	return ret;
}

/* Room for the control page holding the relocation code, the kimage and
 * the other small allocations the kernel makes during the call. */
#define KEXEC_LOAD_SLACK (4u << 20)

/* kexec_load(2) copies each segment, now, into pages it allocates from
 * normal memory: memsz bytes, a page at a time (it zero-fills past bufsz).
 * It lists those pages in indirection pages of word-sized entries, one per
 * page plus one per segment for its destination and one to end the list,
 * the last word of each indirection page linking the next; 8-byte words
 * are counted (arm64's, an upper bound for arm's).  Pages it happens to
 * get at a segment's destination are kept for that destination, so they
 * add nothing.  arm64 kernels since 5.13 also copy the linear map's page
 * tables for the relocation to run with the MMU on: up to one byte in 512
 * of RAM when the linear map is mapped page by page (rodata=full).  Our
 * own buffers are not counted: they are allocated before MemAvailable is
 * read and stay mapped through the call (the kernel copies from them), so
 * MemAvailable already leaves them out. */
uint64_t kexec_load_kernel_memory(const struct plan *plan, uint64_t mem_total)
{
	uint64_t page = plan->page_size ? plan->page_size : 4096;
	uint64_t pages = 0, entries, per_page = page / 8 - 1;
	size_t i;

	for (i = 0; i < plan->nr_segments; i++)
		pages += (plan->segments[i].memsz + page - 1) / page;
	entries = pages + plan->nr_segments + 1;
	pages += (entries + per_page - 1) / per_page;
	return pages * page + mem_total / 512 + KEXEC_LOAD_SLACK;
}

int system_cmdline(char **cmdline, struct error *err)
{
	struct file_data file;
	char *text;
	int ret = file_load("/proc/cmdline", 65536, &file, err);

	if (ret)
		return ret;
	text = malloc(file.size + 1);
	if (!text) {
		file_release(&file);
		return error_set(err, -ENOMEM, "out of memory");
	}
	memcpy(text, file.data, file.size);
	text[file.size] = '\0';
	file_release(&file);
	text[strcspn(text, "\n")] = '\0';
	*cmdline = text;
	return 0;
}

int system_kexec_loaded(bool crash, struct error *err)
{
	const char *path = crash ? "/sys/kernel/kexec_crash_loaded" : "/sys/kernel/kexec_loaded";
	char buf[8] = { 0 };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return error_set(err, -errno, "%s: %s (a kernel without kexec support?)",
				 path, strerror(errno));
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return error_set(err, -EIO, "%s: unreadable", path);
	return buf[0] == '1';
}

/* The kernel's struct kexec_segment (include/uapi/linux/kexec.h). */
struct kexec_segment_uapi {
	const void *buf;
	size_t bufsz;
	const void *mem;
	size_t memsz;
};

#define KEXEC_ON_CRASH 0x00000001u

static const char *kexec_load_hint(int e)
{
	switch (e) {
	case EPERM:
		return " (needs root and CAP_SYS_BOOT; or kexec is disabled by kernel.kexec_load_disabled or lockdown)";
	case EBUSY:
		return " (another kexec operation is in progress)";
	case ENOSYS:
		return " (this kernel was built without CONFIG_KEXEC)";
	case EADDRNOTAVAIL:
		return " (a segment lies outside the memory the kernel allows)";
	default:
		return "";
	}
}

int system_kexec_load(const struct plan *plan, uint32_t arch_flags, bool crash,
		      struct error *err)
{
	struct kexec_segment_uapi segs[PLAN_MAX_SEGMENTS];
	size_t i;

	for (i = 0; i < plan->nr_segments; i++) {
		segs[i].buf = plan->segments[i].buf;
		segs[i].bufsz = plan->segments[i].bufsz;
		segs[i].mem = (const void *)(uintptr_t)plan->segments[i].mem;
		segs[i].memsz = plan->segments[i].memsz;
	}
	if (syscall(SYS_kexec_load, (unsigned long)plan->entry, plan->nr_segments, segs,
		    (unsigned long)(arch_flags | (crash ? KEXEC_ON_CRASH : 0))) != 0) {
		int e = errno;

		return error_set(err, -e, "kexec_load: %s%s", strerror(e), kexec_load_hint(e));
	}
	return 0;
}

int system_kexec_unload(uint32_t arch_flags, bool crash, struct error *err)
{
	if (syscall(SYS_kexec_load, 0UL, 0UL, NULL,
		    (unsigned long)(arch_flags | (crash ? KEXEC_ON_CRASH : 0))) != 0) {
		int e = errno;

		return error_set(err, -e, "kexec_load (unload): %s%s", strerror(e),
				 kexec_load_hint(e));
	}
	return 0;
}

void system_ifdown(void)
{
	struct if_nameindex *ifs = if_nameindex(), *it;
	int sock;

	if (!ifs)
		return;
	sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	for (it = ifs; sock >= 0 && it->if_index; it++) {
		struct ifreq req;

		if (strcmp(it->if_name, "lo") == 0)
			continue;
		memset(&req, 0, sizeof(req));
		snprintf(req.ifr_name, sizeof(req.ifr_name), "%s", it->if_name);
		if (ioctl(sock, SIOCGIFFLAGS, &req) < 0 || !(req.ifr_flags & IFF_UP))
			continue;
		req.ifr_flags &= ~IFF_UP;
		(void)ioctl(sock, SIOCSIFFLAGS, &req);
	}
	if (sock >= 0)
		close(sock);
	if_freenameindex(ifs);
}

int system_kexec_reboot(struct error *err)
{
	syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
		LINUX_REBOOT_CMD_KEXEC, NULL);
	return error_set(err, -errno, "reboot(LINUX_REBOOT_CMD_KEXEC): %s", strerror(errno));
}

int system_shutdown_reboot(struct error *err)
{
	static char *const argv[] = { "shutdown", "-r", "now", NULL };

	execv("/sbin/shutdown", argv);
	execv("/usr/sbin/shutdown", argv);
	execvp("shutdown", argv);
	return error_set(err, -errno, "shutdown -r now: %s", strerror(errno));
}
