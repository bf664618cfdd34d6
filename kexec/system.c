#define _GNU_SOURCE
#include "system.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/reboot.h>
#include <net/if.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "crash_header.h"
#include "dtb.h"
#include "file_load.h"
#include "input_file.h"
#include "proc_facts.h"
#include "iomem.h"
#include "vmcoreinfo.h"

#define IOMEM_LIMIT (4u << 20)

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

/* 32-bit arm before about 6.14 exports its linear map nowhere else:
 * _text's address in /proc/kallsyms (root sees it unless kptr_restrict is
 * 2).  Best effort: without it the crash header uses the defaults. */
static void read_text_vaddr(struct crash_facts *facts)
{
	struct file_data file;

	if (file_load("/proc/kallsyms", 64u << 20, &file, NULL))
		return;
	facts->has_text_vaddr = kallsyms_lookup((const char *)file.data, file.size, "_text",
						&facts->text_vaddr) == 0;
	file_release(&file);
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
	if (!ret && machine == EM_ARM && !facts->has_kcore_linear_map &&
	    !(facts->info.has_page_offset && facts->info.has_phys_offset))
		read_text_vaddr(facts);
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

/* Not every C library's headers know the syscall; the kernel answers
 * ENOSYS where it does not exist (32-bit arm). */
#ifndef SYS_kexec_file_load
#if defined(__aarch64__)
#define SYS_kexec_file_load 294
#elif defined(__x86_64__)
#define SYS_kexec_file_load 320
#elif defined(__arm__)
#define SYS_kexec_file_load 401
#endif
#endif

static long kexec_file_load_call(int kernel_fd, int initrd_fd, unsigned long cmdline_len,
				 const char *cmdline, unsigned long flags)
{
#ifdef SYS_kexec_file_load
	return syscall(SYS_kexec_file_load, kernel_fd, initrd_fd, cmdline_len, cmdline, flags);
#else
	(void)kernel_fd, (void)initrd_fd, (void)cmdline_len, (void)cmdline, (void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

/* Since Linux 6.6 every kexec call, refused or not, first counts against
 * kernel.kexec_load_limit_reboot (or _panic) when that is set: the probes
 * below would then use up loads, so they are not made. */
static bool kexec_loads_limited(void)
{
	char line[32];

	return read_line("/proc/sys/kernel/kexec_load_limit_reboot", line, sizeof(line), NULL) == 0 &&
	       strcmp(line, "-1") != 0;
}

bool system_kexec_file_present(void)
{
	/* Unknown: say yes, and let the load's own ENOSYS decide. */
	if (kexec_loads_limited())
		return true;
	/* Flags no kernel knows (but not KEXEC_FILE_ON_CRASH, which would
	 * count against the panic limit): refused with EINVAL (EPERM
	 * without CAP_SYS_BOOT) before anything is touched, ENOSYS when the
	 * kernel has no such syscall. */
	return kexec_file_load_call(-1, -1, 0, NULL, ~KEXEC_FILE_ON_CRASH) == 0 || errno != ENOSYS;
}

int system_kexec_file_debug_accepted(void)
{
	if (kexec_loads_limited())
		return -1;
	/* A normal (never a crash) load of fd -1: a kernel that knows
	 * KEXEC_FILE_DEBUG gets as far as reading the fd (EBADF) and changes
	 * nothing; one that does not refuses the flags (EINVAL).  A crash
	 * load must never be the probe: the kernel frees the loaded crash
	 * kernel before it reads the new one. */
	return !(kexec_file_load_call(-1, -1, 0, NULL,
				      KEXEC_FILE_DEBUG | KEXEC_FILE_NO_INITRAMFS) != 0 &&
		 errno == EINVAL);
}

int system_kexec_file_load(int kernel_fd, int initrd_fd, const char *cmdline,
			   unsigned long flags)
{
	unsigned long len = cmdline && cmdline[0] ? strlen(cmdline) + 1 : 0;

	if (kexec_file_load_call(kernel_fd, initrd_fd, len, len ? cmdline : NULL, flags) != 0)
		return -errno;
	return 0;
}

int system_kexec_file_unload(bool crash)
{
	if (kexec_file_load_call(-1, -1, 0, NULL,
				 KEXEC_FILE_UNLOAD | (crash ? KEXEC_FILE_ON_CRASH : 0)) != 0)
		return -errno;
	return 0;
}

int system_sealed_memfd(const char *name, const uint8_t *data, size_t size, int *fd,
			struct error *err)
{
	size_t done = 0;
	int f = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (f < 0)
		return error_set(err, -errno, "memfd_create: %s (the kernel needs CONFIG_MEMFD_CREATE to be handed an unpacked kernel)",
				 strerror(errno));
	while (done < size) {
		ssize_t n = write(f, data + done, size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : ENOSPC;

			close(f);
			return error_set(err, -e, "memfd %s: writing %zu bytes: %s", name, size,
					 strerror(e));
		}
		done += (size_t)n;
	}
	/* Sealed: nothing can change what the kernel reads after we
	 * described it. */
	if (fcntl(f, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0) {
		int e = errno;

		close(f);
		return error_set(err, -e, "memfd %s: sealing: %s", name, strerror(e));
	}
	*fd = f;
	return 0;
}

int system_lockdown(char *mode, size_t size)
{
	struct file_data file;
	int ret = file_load("/sys/kernel/security/lockdown", 4096, &file, NULL);

	if (ret)
		return ret;
	ret = lockdown_parse((const char *)file.data, file.size, mode, size);
	file_release(&file);
	return ret;
}

bool system_kexec_disabled(void)
{
	char line[8];

	return read_line("/proc/sys/kernel/kexec_load_disabled", line, sizeof(line), NULL) == 0 &&
	       strcmp(line, "1") == 0;
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
