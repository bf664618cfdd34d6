/* kexec: the command.  Parses the request, asks the system layer for the
 * facts, has the pure planner decide, and only then touches the kernel:
 * a load that fails at any step leaves the loaded kernel as it was. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "arch.h"
#include "cmdline.h"
#include "config.h"
#include "crash_header.h"
#include "dtb.h"
#include "format.h"
#include "loader.h"
#include "options.h"
#include "sha256_jobs.h"
#include "system.h"

#define KERNEL_LIMIT (512u << 20)
#define INITRD_LIMIT (2048u << 20)
#define RUNNING_DTB "/sys/firmware/fdt"
#define RUNNING_ATAGS "/proc/atags"
#define ATAGS_LIMIT (64u << 10)

static int report(const struct error *err)
{
	fprintf(stderr, "kexec: %s\n", err->msg);
	return 1;
}

static const struct arch_backend *pick_backend(const struct options *opts,
					       bool *native, struct error *err)
{
	const struct arch_backend *here = NULL, *chosen;
	struct utsname uts;

	if (uname(&uts) == 0)
		here = arch_backend_for_machine(uts.machine);
	if (!opts->arch) {
		if (!here)
			error_set(err, -ENOTSUP, "this machine (%s) is not arm or arm64; plan for one with --dry-run --arch=arm64",
				  uts.machine);
		*native = true;
		return here;
	}
	chosen = arch_backend_find(opts->arch);
	if (!chosen)
		error_set(err, -EINVAL, "--arch=%s: unknown architecture (known: arm64, arm)", opts->arch);
	*native = chosen && chosen == here;
	return chosen;
}

struct load_inputs {
	struct file_data kernel, initrd, dtb, atags;
	void *kernel_unpacked;
	char *cmdline;
};

static void load_inputs_release(struct load_inputs *in)
{
	file_release(&in->kernel);
	file_release(&in->initrd);
	file_release(&in->dtb);
	file_release(&in->atags);
	free(in->kernel_unpacked);
	free(in->cmdline);
}

static int build_cmdline(const struct options *opts, char **out, struct error *err)
{
	char *running = NULL;
	int ret;

	*out = NULL;
	if (!opts->reuse_cmdline && !opts->command_line && !opts->append)
		return 0; /* keep the DTB's bootargs */
	if (opts->reuse_cmdline) {
		ret = system_cmdline(&running, err);
		if (ret)
			return ret;
	}
	ret = cmdline_compose(running, opts->command_line, opts->append, opts->crash, out);
	free(running);
	if (ret)
		return error_set(err, ret, "command line: out of memory");
	return 0;
}

/* The dead kernel's memory, described now while it is alive: the crash
 * kernel reads this header to build /proc/vmcore. */
static int build_crash_header(const struct arch_backend *arch,
			      struct load_request *req, struct error *err)
{
	struct crash_facts facts;
	uint8_t *header = NULL;
	size_t size = 0;
	int ret = system_crash_facts(arch->elf_machine, &facts, err);

	if (!ret)
		ret = crash_header_build(&facts, &header, &size, err);
	crash_facts_free(&facts);
	if (ret)
		return error_prefix(err, ret, "crash kernel");
	req->crash = true;
	req->elfcorehdr = header;
	req->elfcorehdr_size = size;
	return 0;
}

/* Unwrapping holds at most KERNEL_LIMIT, and at most half of MemAvailable:
 * kexec_load(2) copies the unpacked kernel into kernel memory while we
 * still hold it, so a kernel unpacking past half of what is available
 * could never be loaded, and stopping there keeps a decompression bomb
 * from exhausting the machine first.  Without /proc/meminfo, KERNEL_LIMIT
 * alone. */
static int unwrap_kernel(const char *path, struct load_inputs *in,
			 struct kernel_file *kernel, struct error *err)
{
	struct meminfo mem;
	size_t limit = KERNEL_LIMIT;
	int ret;

	if (system_meminfo(&mem, NULL) == 0 && mem.available / 2 < KERNEL_LIMIT)
		limit = (size_t)(mem.available / 2);
	ret = format_unwrap_kernel(in->kernel.data, in->kernel.size, limit, path, kernel,
				   &in->kernel_unpacked, err);
	if (ret == -EFBIG && limit < KERNEL_LIMIT) {
		char msg[sizeof(err->msg)];

		memcpy(msg, err->msg, sizeof(msg));
		error_set(err, ret, "%s; the limit is half of MemAvailable (%" PRIu64 " MiB)", msg,
			  mem.available >> 20);
	}
	return ret;
}

/* The initrd is refused unread when it cannot fit: not in the largest
 * usable RAM range, or not in memory twice over when the kernel will copy
 * it (our copy, then the kernel's during kexec_load) -- reading it first
 * could wake the OOM killer before any check ran.  A crash load copies
 * into the reserved region and a plan for another machine loads nothing,
 * so there only our copy counts. */
static int load_initrd(const char *path, const struct system_desc *sys,
		       bool kernel_copies, struct file_data *file, struct error *err)
{
	char msg[sizeof(err->msg)];
	const char *why = NULL, *source = NULL;
	struct meminfo mem;
	uint64_t largest = mem_ranges_largest(&sys->usable), readable;
	size_t limit = INITRD_LIMIT;
	int ret;

	if (largest < limit) {
		limit = (size_t)largest;
		why = "an initrd must fit in the largest usable memory range";
		source = sys->memory_source;
	}
	if (system_meminfo(&mem, NULL) == 0) {
		readable = kernel_copies ? mem.available / 2 : mem.available;
		if (readable < limit) {
			limit = (size_t)readable;
			why = kernel_copies ? "reading it and the kernel's copy need twice its size in memory"
					    : "reading it needs that much memory";
			source = "MemAvailable in /proc/meminfo";
		}
	}
	ret = file_load(path, limit, file, err);
	if (ret == -EFBIG && why) {
		memcpy(msg, err->msg, sizeof(msg));
		error_set(err, ret, "%s: %s (from %s)", msg, why, source);
	}
	return ret;
}

/* kexec_load(2) copies every segment into kernel memory it allocates
 * during the call: more than the machine has available and the OOM killer
 * strikes inside it (us, or another process).  Refused before, with the
 * figures; --dry-run prints them.  A crash load needs no such memory (its
 * segments go into the reserved region), and without MemAvailable (Linux
 * before 3.14) nothing is checked. */
static int check_kernel_memory(const struct plan *plan, bool dry_run, struct error *err)
{
	struct meminfo mem;
	uint64_t need;

	if (system_meminfo(&mem, NULL))
		return 0;
	need = kexec_load_kernel_memory(plan, mem.total);
	if (dry_run) {
		printf("kernel memory: kexec_load needs %" PRIu64 " MiB, %" PRIu64 " MiB available (MemAvailable)%s\n",
		       (need + (1u << 20) - 1) >> 20, mem.available >> 20,
		       need > mem.available ? ": a load would be refused" : "");
		return 0;
	}
	if (need > mem.available)
		return error_set(err, -ENOMEM, "loading needs %" PRIu64 " MiB of kernel memory but only %" PRIu64 " MiB is available (MemAvailable)",
				 (need + (1u << 20) - 1) >> 20, mem.available >> 20);
	return 0;
}

static int do_load(const struct options *opts, const struct arch_backend *arch,
		   bool native)
{
	struct load_inputs in;
	struct load_request req = { 0 };
	struct system_desc sys;
	struct uart_info uart = { 0 };
	struct load_options lopts = { 0 };
	struct error err = { { 0 } };
	struct plan plan;
	const char *dtb_path = opts->dtb ? opts->dtb : RUNNING_DTB;
	int ret;

	memset(&in, 0, sizeof(in));
	plan_init(&plan, 4096);
	mem_ranges_init(&sys.usable);
	ret = file_load(opts->kernel, KERNEL_LIMIT, &in.kernel, &err);
	if (!ret)
		ret = unwrap_kernel(opts->kernel, &in, &req.kernel, &err);
	if (!ret && opts->atags) {
		/* The ATAG list replaces the device tree: none is read. */
		if (!arch->accepts_atags)
			ret = error_set(&err, -EINVAL, "--atags: %s kernels boot with a device tree only",
					arch->name);
		else
			ret = file_load(RUNNING_ATAGS, ATAGS_LIMIT, &in.atags, &err);
		if (ret == -ENOENT)
			error_set(&err, ret, "%s: not present: this kernel was not booted with ATAGs, or was built without CONFIG_ATAGS_PROC",
				  RUNNING_ATAGS);
	} else if (!ret) {
		ret = file_load(dtb_path, DTB_MAX_SIZE, &in.dtb, &err);
		if (ret == -EACCES && !opts->dtb)
			error_set(&err, ret, "%s: permission denied: reading the running device tree needs root; pass one with --dtb=FILE",
				  RUNNING_DTB);
		else if (ret == -ENOENT && !opts->dtb)
			error_set(&err, ret, "%s: not present (ACPI-only boot?); pass a device tree with --dtb=FILE",
				  RUNNING_DTB);
	}
	if (!ret && !opts->atags)
		ret = dtb_check(in.dtb.data, in.dtb.size, dtb_path, &err);
	if (!ret)
		ret = build_cmdline(opts, &in.cmdline, &err);
	if (!ret && in.cmdline)
		ret = cmdline_check_size(in.cmdline, arch->command_line_size, arch->name, &err);
	if (!ret)
		ret = system_describe(native, opts->crash, in.dtb.data, dtb_path, &sys, &err);
	if (!ret && opts->initrd)
		ret = load_initrd(opts->initrd, &sys, native && !opts->crash, &in.initrd, &err);
	if (!ret && opts->initrd)
		ret = format_check_initrd(in.initrd.data, in.initrd.size, opts->initrd, &err);
	if (!ret && opts->crash)
		ret = build_crash_header(arch, &req, &err);
	if (!ret && opts->serial)
		uart = opts->uart;
	else if (!ret && (!in.dtb.data || dtb_stdout_uart(in.dtb.data, &uart) != 0))
		memset(&uart, 0, sizeof(uart));
	if (ret)
		goto out;

	if (opts->initrd)
		req.initrd = (struct input_file){ opts->initrd, in.initrd.data, in.initrd.size };
	if (opts->atags)
		req.atags = (struct input_file){ RUNNING_ATAGS, in.atags.data, in.atags.size };
	else
		req.dtb = (struct input_file){ dtb_path, in.dtb.data, in.dtb.size };
	req.has_machine_type = opts->has_machine_type;
	req.machine_type = opts->machine_type;
	req.cmdline = in.cmdline;
	lopts.verify = !opts->no_checks;
	lopts.verbose_purgatory = opts->debug;
	lopts.uart = &uart;
	lopts.corrupt_digest = -1;
#ifdef ENABLE_TEST_HOOKS
	/* The e2e tests' way to prove the purgatory halts on a bad segment;
	 * never in a build without --enable-test-hooks. */
	if (getenv("KEXEC_TEST_CORRUPT_DIGEST"))
		lopts.corrupt_digest = atoi(getenv("KEXEC_TEST_CORRUPT_DIGEST"));
#endif
	lopts.portable_hash = getenv("KEXEC_SHA256_PORTABLE") != NULL;
	lopts.uncached_hash = getenv("KEXEC_PURGATORY_UNCACHED") != NULL;
	lopts.hash_threads = sha256_jobs_default_threads();

	ret = loader_plan(arch, &req, &sys, &lopts, &plan, &err);
	if (ret)
		goto out;
	if (opts->dry_run || opts->debug)
		loader_print_plan(opts->dry_run ? stdout : stderr, arch, &sys, &plan, &uart);
	if (native && !opts->crash)
		ret = check_kernel_memory(&plan, opts->dry_run, &err);
	if (!ret && !opts->dry_run)
		ret = system_kexec_load(&plan, arch->kexec_arch, opts->crash, &err);
out:
	plan_free(&plan);
	free((void *)req.elfcorehdr);
	system_desc_free(&sys);
	load_inputs_release(&in);
	return ret ? report(&err) : 0;
}

static int do_exec(const struct options *opts)
{
	struct error err = { { 0 } };
	int loaded = system_kexec_loaded(false, &err);

	if (loaded < 0)
		return report(&err);
	if (!loaded) {
		fprintf(stderr, "kexec: no kernel is loaded: load one first with kexec -l KERNEL\n");
		return 1;
	}
	if (!opts->no_sync)
		sync();
	if (!opts->no_ifdown)
		system_ifdown();
	system_kexec_reboot(&err);
	return report(&err);
}

int main(int argc, char **argv)
{
	struct options opts;
	struct error err = { { 0 } };
	const struct arch_backend *arch;
	bool native = false;
	int ret;

	if (options_parse(argc, argv, &opts, &err))
		return report(&err);

	switch (opts.action) {
	case ACTION_HELP:
		options_usage(stdout);
		return 0;
	case ACTION_VERSION:
		printf("kexec %s (%s)\n", PACKAGE_VERSION, PACKAGE_NAME);
		return 0;
	case ACTION_STATUS:
		ret = system_kexec_loaded(opts.crash, &err);
		if (ret < 0) {
			report(&err);
			return 2; /* neither "loaded" (1) nor "not loaded" (0) */
		}
		if (opts.debug)
			fprintf(stderr, "kexec: %s kernel %s\n", opts.crash ? "crash" : "normal",
				ret ? "loaded" : "not loaded");
		/* kexec-tools' convention, which scripts rely on: 1 means
		 * loaded, 0 means not loaded. */
		return ret ? 1 : 0;
	case ACTION_EXEC:
		return do_exec(&opts);
	default:
		break;
	}

	arch = pick_backend(&opts, &native, &err);
	if (!arch)
		return report(&err);
	if (opts.action == ACTION_UNLOAD)
		return system_kexec_unload(arch->kexec_arch, opts.crash, &err) ? report(&err) : 0;

	ret = do_load(&opts, arch, native);
	if (ret || opts.dry_run)
		return ret;
	if (opts.action == ACTION_LOAD_EXEC)
		return do_exec(&opts);
	if (opts.action == ACTION_LOAD_REBOOT) {
		system_shutdown_reboot(&err);
		return report(&err);
	}
	return 0;
}
