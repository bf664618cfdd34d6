/* kexec: the command.  Parses the request, asks the system layer for the
 * facts, has the pure planner decide, and only then touches the kernel:
 * a load that fails at any step leaves the loaded kernel as it was. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "arch.h"
#include "cmdline.h"
#include "config.h"
#include "crash_header.h"
#include "dtb.h"
#include "file_load.h"
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

/* Exit statuses, as kexec-tools gives them (scripts read them): 1 for a
 * command line we cannot act on (and -e with nothing loaded), 255 for a
 * load, unload or boot that failed, 253 when kexec_file_load(2) is not
 * available or cannot take the image (-s).  -S answers 1/0 (main). */
#define EXIT_USAGE 1
#define EXIT_FAILED 255
#define EXIT_NO_FILE_SYSCALL 253
/* Not an exit status: kexec_file_load(2) refused the image in a way that
 * lets -a try kexec_load(2). */
#define FALL_BACK (-1)

static int report(const struct error *err, int status)
{
	fprintf(stderr, "kexec: %s\n", err->msg);
	return status;
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
	/* The initrd the next kernel gets: --initrd's file, a UKI's .initrd
	 * (data inside `kernel`), or none (data NULL). */
	struct input_file next_initrd;
	char uki_initrd_name[4096 + 32];
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

/* NULL in *out: no command line option was given. */
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
 * usable RAM range (`largest`, from `largest_source`; 0: unknown), or not
 * in memory twice over when the kernel will copy it (our copy, then the
 * kernel's during the load) -- reading it first could wake the OOM killer
 * before any check ran.  A crash load copies into the reserved region and
 * a plan for another machine loads nothing, so there only our copy
 * counts. */
static int load_initrd(const char *path, uint64_t largest, const char *largest_source,
		       bool kernel_copies, struct file_data *file, struct error *err)
{
	char msg[sizeof(err->msg)];
	const char *why = NULL, *source = NULL;
	struct meminfo mem;
	uint64_t readable;
	size_t limit = INITRD_LIMIT;
	int ret;

	if (largest && largest < limit) {
		limit = (size_t)largest;
		why = "an initrd must fit in the largest usable memory range";
		source = largest_source;
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

/* A load copies its inputs into kernel memory it allocates during the
 * syscall: more than the machine has available and the OOM killer strikes
 * inside it (us, or another process).  Refused before, with the figures;
 * --dry-run prints them.  Without MemAvailable (Linux before 3.14) nothing
 * is checked. */
static int check_kernel_memory(uint64_t need, const char *syscall_name, bool dry_run,
			       struct error *err)
{
	struct meminfo mem;

	if (system_meminfo(&mem, NULL))
		return 0;
	if (dry_run) {
		printf("kernel memory: %s needs %" PRIu64 " MiB, %" PRIu64 " MiB available (MemAvailable)%s\n",
		       syscall_name, (need + (1u << 20) - 1) >> 20, mem.available >> 20,
		       need > mem.available ? ": a load would be refused" : "");
		return 0;
	}
	if (need > mem.available)
		return error_set(err, -ENOMEM, "loading needs %" PRIu64 " MiB of kernel memory but only %" PRIu64 " MiB is available (MemAvailable)",
				 (need + (1u << 20) - 1) >> 20, mem.available >> 20);
	return 0;
}

/* A UKI's .initrd and .cmdline stand in for what the user did not give:
 * --initrd wins over .initrd, and any command line option (which then
 * makes the line alone) over .cmdline, as kexec-tools has it.  Called
 * after build_cmdline. */
static int apply_uki(const struct options *opts, const struct kernel_file *kernel,
		     struct load_inputs *in, const char **cmdline_source, struct error *err)
{
	if (!kernel->uki.present)
		return 0;
	if (!opts->initrd && kernel->uki.initrd) {
		snprintf(in->uki_initrd_name, sizeof(in->uki_initrd_name), "%s (the UKI's .initrd)",
			 opts->kernel);
		in->next_initrd = (struct input_file){ in->uki_initrd_name, kernel->uki.initrd,
						       kernel->uki.initrd_size };
		if (format_check_initrd(kernel->uki.initrd, kernel->uki.initrd_size,
					in->uki_initrd_name, err))
			return -EINVAL;
	}
	if (!in->cmdline && kernel->uki.cmdline) {
		in->cmdline = strndup(kernel->uki.cmdline, kernel->uki.cmdline_len);
		if (!in->cmdline)
			return error_set(err, -ENOMEM, "command line: out of memory");
		*cmdline_source = "the UKI's .cmdline";
	}
	if (opts->debug)
		fprintf(stderr, "kexec: %s is a UKI: initrd %s, command line %s\n", opts->kernel,
			opts->initrd ? "from --initrd (its .initrd unused)" :
			kernel->uki.initrd ? "from its .initrd" : "none (it has no .initrd)",
			*cmdline_source && !strcmp(*cmdline_source, "the UKI's .cmdline") ?
				"from its .cmdline" :
			kernel->uki.cmdline ? "from the options (its .cmdline unused)" :
					      "from the options (it has no .cmdline)");
	return 0;
}

/* What the syscall choice depends on, asked once. */
static void syscall_facts_read(const struct options *opts, const struct arch_backend *arch,
			       bool native, struct syscall_facts *facts)
{
	memset(facts, 0, sizeof(*facts));
	facts->choice = opts->syscall;
	facts->arch_has_file = arch->has_file_syscall;
	facts->native = native;
	facts->file_present = native && arch->has_file_syscall && opts->syscall != SYSCALL_LOAD &&
			      system_kexec_file_present();
	facts->dtb_given = opts->dtb != NULL;
	facts->atags_given = opts->atags;
}

/* Lockdown (integrity and above) refuses kexec_load(2) with a bare EPERM;
 * say so before reading anything.  A dry run notes it. */
static int check_lockdown_for_kexec_load(const struct syscall_facts *facts, bool unload,
					 bool dry_run, struct error *err)
{
	char mode[32];

	if (!facts->native || system_lockdown(mode, sizeof(mode)) != 0 ||
	    !lockdown_blocks_kexec_load(mode))
		return 0;
	load_lockdown_refusal(mode, facts->file_present, facts->arch_has_file, unload, err);
	if (dry_run) {
		printf("note: %s\n", err->msg);
		return 0;
	}
	return -EPERM;
}

static void explain_refusal_context(const char *kernel_path, bool crash, bool unload,
				    char *lockdown, size_t size,
				    struct file_load_context *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->kernel_path = kernel_path;
	ctx->crash = crash;
	ctx->unload = unload;
	ctx->lockdown = system_lockdown(lockdown, size) == 0 ? lockdown : NULL;
	ctx->kexec_disabled = system_kexec_disabled();
	ctx->root = geteuid() == 0;
}

/* An fd for kexec_file_load(2) to read `data` from: the file itself when
 * it holds exactly those bytes (so that IMA sees the file and its
 * signature), else a sealed memfd. */
static int input_fd(const char *path, const uint8_t *data, size_t size, bool whole_file,
		    const char *memfd_name, int *fd, const char **source, struct error *err)
{
	struct stat st;

	if (whole_file && path) {
		int f = open(path, O_RDONLY | O_CLOEXEC);

		if (f >= 0 && fstat(f, &st) == 0 && S_ISREG(st.st_mode) &&
		    (uint64_t)st.st_size == size) {
			*fd = f;
			*source = path;
			return 0;
		}
		if (f >= 0)
			close(f);
	}
	*source = "sealed memfd";
	return system_sealed_memfd(memfd_name, data, size, fd, err);
}

/* The kexec_file_load(2) path.  Returns an exit status, or FALL_BACK with
 * the kernel's errno in *refused when -a may try kexec_load(2). */
static int load_with_kexec_file(const struct options *opts, const struct arch_backend *arch,
				bool native, const struct syscall_decision *decision,
				int *refused)
{
	struct load_inputs in;
	struct kernel_file kernel = { 0 };
	struct system_desc sys;
	struct file_load_description desc = { 0 };
	struct file_load_context ctx;
	struct error err = { { 0 } };
	const char *bootargs = NULL, *kernel_source = NULL, *initrd_source = NULL;
	char what[sizeof(kernel.chain) + 4096], lockdown[32];
	bool have_sys = false, kernel_whole;
	int kernel_fd = -1, initrd_fd = -1, ret, status = EXIT_FAILED;
	uint64_t need;

	memset(&in, 0, sizeof(in));
	memset(&sys, 0, sizeof(sys));
	ret = file_load(opts->kernel, KERNEL_LIMIT, &in.kernel, &err);
	if (!ret)
		ret = unwrap_kernel(opts->kernel, &in, &kernel, &err);
	if (!ret && kernel.format != FORMAT_ARM64_IMAGE)
		ret = error_set(&err, -EINVAL, "%s: %s: kexec_file_load(2) on %s takes an arm64 Image",
				opts->kernel, kernel.chain, arch->name);
	/* The running device tree: its bootargs are what the next kernel
	 * keeps when no command line is given (as with kexec_load(2)); the
	 * kernel writes the rest of the next tree itself.  An ACPI machine
	 * has none, which is fine here. */
	if (!ret && native && file_load(RUNNING_DTB, DTB_MAX_SIZE, &in.dtb, NULL) == 0) {
		if (dtb_check(in.dtb.data, in.dtb.size, RUNNING_DTB, NULL) == 0)
			bootargs = dtb_bootargs(in.dtb.data);
		else
			file_release(&in.dtb);
	}
	if (!ret)
		ret = build_cmdline(opts, &in.cmdline, &err);
	if (!ret && in.cmdline)
		desc.cmdline_source = "from the command line options";
	if (!ret)
		ret = apply_uki(opts, &kernel, &in, &desc.cmdline_source, &err);
	if (!ret && !in.cmdline && bootargs) {
		in.cmdline = strdup(bootargs);
		desc.cmdline_source = "the running device tree's bootargs, kept as kexec_load(2) keeps them";
		if (!in.cmdline)
			ret = error_set(&err, -ENOMEM, "command line: out of memory");
	} else if (!ret && !in.cmdline)
		desc.cmdline_source = "no command line option, no running device tree bootargs";
	if (!ret && in.cmdline)
		ret = cmdline_check_size(in.cmdline, arch->command_line_size, arch->name, &err);
	if (!ret && native) {
		/* The memory map bounds the initrd; a crash load needs its
		 * region (the same message as kexec_load(2)'s). */
		ret = system_describe(native, opts->crash, in.dtb.data, RUNNING_DTB, &sys, &err);
		have_sys = ret == 0;
		if (ret && !opts->crash)
			ret = 0;
	}
	if (!ret && opts->initrd)
		ret = load_initrd(opts->initrd, have_sys ? mem_ranges_largest(&sys.usable) : 0,
				  have_sys ? sys.memory_source : NULL, native && !opts->crash,
				  &in.initrd, &err);
	if (!ret && opts->initrd)
		ret = format_check_initrd(in.initrd.data, in.initrd.size, opts->initrd, &err);
	if (!ret && opts->initrd)
		in.next_initrd = (struct input_file){ opts->initrd, in.initrd.data, in.initrd.size };
	if (ret)
		goto out;

	kernel_whole = !in.kernel_unpacked && kernel.data == in.kernel.data &&
		       kernel.size == in.kernel.size;
	if (kernel_whole)
		snprintf(what, sizeof(what), "%s", kernel.chain);
	else
		snprintf(what, sizeof(what), "Image unpacked from %s (%s)", opts->kernel, kernel.chain);
	desc.why = decision->why;
	desc.kernel = (struct file_load_input){ kernel_whole ? opts->kernel : "sealed memfd",
						what, kernel.data, kernel.size };
	if (opts->initrd)
		desc.initrd = (struct file_load_input){ opts->initrd, "initrd, as given",
							in.initrd.data, in.initrd.size };
	else if (in.next_initrd.data)
		desc.initrd = (struct file_load_input){ "sealed memfd", in.next_initrd.path,
							in.next_initrd.data, in.next_initrd.size };
	desc.cmdline = in.cmdline;
	desc.flags = (opts->crash ? KEXEC_FILE_ON_CRASH : 0) |
		     (in.next_initrd.data ? 0 : KEXEC_FILE_NO_INITRAMFS);
	/* KEXEC_FILE_DEBUG came with Linux 6.7; an older kernel refuses the
	 * whole call with EINVAL, which must not read as "cannot use the
	 * image".  Asked first, without loading anything. */
	if (opts->debug && native) {
		int accepted = system_kexec_file_debug_accepted();

		if (accepted > 0)
			desc.flags |= KEXEC_FILE_DEBUG;
		else if (accepted == 0)
			fprintf(stderr, "kexec: this kernel does not take KEXEC_FILE_DEBUG (Linux 6.7 and later do): loading without it\n");
		else
			fprintf(stderr, "kexec: KEXEC_FILE_DEBUG not asked for: kernel.kexec_load_limit_reboot is set, and asking whether the kernel takes it would count as a load\n");
	}
	/* The kernel reads the kernel and initrd into buffers of its own,
	 * then copies them into the pages it boots from: twice their size,
	 * with our memfd besides. */
	need = 2 * ((uint64_t)kernel.size + in.next_initrd.size) +
	       (kernel_whole ? 0 : kernel.size) + (opts->initrd ? 0 : in.next_initrd.size);
	if (native && !opts->crash)
		ret = check_kernel_memory(need, "kexec_file_load", opts->dry_run, &err);
	if (ret)
		goto out;
	if (opts->dry_run || opts->debug)
		file_load_print(opts->dry_run ? stdout : stderr, &desc);
	if (opts->dry_run) {
		status = 0;
		goto out;
	}

	ret = input_fd(opts->kernel, kernel.data, kernel.size, kernel_whole, "kexec-kernel",
		       &kernel_fd, &kernel_source, &err);
	if (!ret && in.next_initrd.data)
		ret = input_fd(opts->initrd, in.next_initrd.data, in.next_initrd.size,
			       opts->initrd != NULL, "kexec-initrd", &initrd_fd, &initrd_source, &err);
	if (ret)
		goto out;
	if (opts->debug)
		fprintf(stderr, "kexec: kernel fd from %s, initrd fd from %s\n", kernel_source,
			initrd_source ? initrd_source : "nothing (-1)");
	ret = system_kexec_file_load(kernel_fd, initrd_fd, in.cmdline, desc.flags);
	if (ret) {
		explain_refusal_context(opts->kernel, opts->crash, false, lockdown, sizeof(lockdown),
					&ctx);
		/* Falling back under lockdown would only trade this reason for
		 * kexec_load(2)'s EPERM. */
		if (decision->may_fall_back && file_load_may_fall_back(-ret) &&
		    !(ctx.lockdown && lockdown_blocks_kexec_load(ctx.lockdown))) {
			*refused = -ret;
			status = FALL_BACK;
			goto out;
		}
		file_load_refusal(-ret, &ctx, &err);
		status = file_load_may_fall_back(-ret) && opts->syscall == SYSCALL_FILE ?
			 EXIT_NO_FILE_SYSCALL : EXIT_FAILED;
		ret = -1;
		goto out;
	}
	status = 0;
out:
	if (kernel_fd >= 0)
		close(kernel_fd);
	if (initrd_fd >= 0)
		close(initrd_fd);
	if (have_sys)
		system_desc_free(&sys);
	load_inputs_release(&in);
	if (ret && status != FALL_BACK && err.msg[0])
		return report(&err, status);
	return status;
}

/* The kexec_load(2) path: our own plan, DTB and purgatory. */
static int load_with_kexec_load(const struct options *opts, const struct arch_backend *arch,
				bool native, const struct syscall_facts *facts)
{
	struct load_inputs in;
	struct load_request req = { 0 };
	struct system_desc sys;
	struct uart_info uart = { 0 };
	struct load_options lopts = { 0 };
	struct error err = { { 0 } };
	struct plan plan;
	const char *dtb_path = opts->dtb ? opts->dtb : RUNNING_DTB;
	const char *cmdline_source = NULL;
	int ret;

	memset(&in, 0, sizeof(in));
	plan_init(&plan, 4096);
	mem_ranges_init(&sys.usable);
	mem_ranges_init(&sys.crash);
	ret = check_lockdown_for_kexec_load(facts, false, opts->dry_run, &err);
	if (!ret)
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
	if (!ret)
		ret = system_describe(native, opts->crash, in.dtb.data, dtb_path, &sys, &err);
	if (!ret && opts->initrd)
		ret = load_initrd(opts->initrd, mem_ranges_largest(&sys.usable), sys.memory_source,
				  native && !opts->crash, &in.initrd, &err);
	if (!ret && opts->initrd)
		ret = format_check_initrd(in.initrd.data, in.initrd.size, opts->initrd, &err);
	if (!ret && opts->initrd)
		in.next_initrd = (struct input_file){ opts->initrd, in.initrd.data, in.initrd.size };
	if (!ret)
		ret = apply_uki(opts, &req.kernel, &in, &cmdline_source, &err);
	if (!ret && in.cmdline)
		ret = cmdline_check_size(in.cmdline, arch->command_line_size, arch->name, &err);
	if (!ret && opts->crash)
		ret = build_crash_header(arch, &req, &err);
	if (!ret && opts->serial)
		uart = opts->uart;
	else if (!ret && (!in.dtb.data || dtb_stdout_uart(in.dtb.data, &uart) != 0))
		memset(&uart, 0, sizeof(uart));
	if (ret)
		goto out;

	req.initrd = in.next_initrd;
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
	if (native && !opts->crash) {
		struct meminfo mem;

		if (system_meminfo(&mem, NULL) == 0)
			ret = check_kernel_memory(kexec_load_kernel_memory(&plan, mem.total),
						  "kexec_load", opts->dry_run, &err);
	}
	if (!ret && !opts->dry_run)
		ret = system_kexec_load(&plan, arch->kexec_arch, opts->crash, &err);
out:
	plan_free(&plan);
	free((void *)req.elfcorehdr);
	system_desc_free(&sys);
	load_inputs_release(&in);
	return ret ? report(&err, EXIT_FAILED) : 0;
}

static int do_load(const struct options *opts, const struct arch_backend *arch, bool native)
{
	struct syscall_facts facts;
	struct syscall_decision decision;
	struct error err = { { 0 } };
	int refused = 0, status;

	syscall_facts_read(opts, arch, native, &facts);
	syscall_decide(&facts, &decision, &err);
	if (decision.path == SYSCALL_PATH_REFUSED)
		return report(&err, EXIT_NO_FILE_SYSCALL);
	if (decision.path == SYSCALL_PATH_FILE) {
		status = load_with_kexec_file(opts, arch, native, &decision, &refused);
		if (status != FALL_BACK)
			return status;
		snprintf(decision.why, sizeof(decision.why),
			 "kexec_load(2) (-a: kexec_file_load(2) could not use the image: %s)",
			 strerror(refused));
		if (opts->debug)
			fprintf(stderr, "kexec: kexec_file_load(2) cannot use %s (%s): falling back to kexec_load(2)\n",
				opts->kernel, strerror(refused));
	}
	if (opts->dry_run)
		printf("syscall: %s\n", decision.why);
	else if (opts->debug)
		fprintf(stderr, "kexec: syscall: %s\n", decision.why);
	return load_with_kexec_load(opts, arch, native, &facts);
}

/* -u, -u -p: kexec_file_load(2)'s unload where -a or -s allows it (as
 * kexec-tools: -a falls back to kexec_load(2) on ENOSYS only). */
static int do_unload(const struct options *opts, const struct arch_backend *arch)
{
	struct syscall_facts facts;
	struct syscall_decision decision;
	struct file_load_context ctx;
	struct error err = { { 0 } };
	char lockdown[32];
	int ret;

	syscall_facts_read(opts, arch, true, &facts);
	facts.dtb_given = facts.atags_given = false;
	syscall_decide(&facts, &decision, &err);
	if (decision.path == SYSCALL_PATH_REFUSED)
		return report(&err, EXIT_NO_FILE_SYSCALL);
	if (decision.path == SYSCALL_PATH_FILE) {
		ret = system_kexec_file_unload(opts->crash);
		if (ret == 0)
			return 0;
		if (!(decision.may_fall_back && ret == -ENOSYS)) {
			explain_refusal_context(NULL, opts->crash, true, lockdown, sizeof(lockdown), &ctx);
			file_load_refusal(-ret, &ctx, &err);
			return report(&err, ret == -ENOSYS ? EXIT_NO_FILE_SYSCALL : EXIT_FAILED);
		}
	}
	if (check_lockdown_for_kexec_load(&facts, true, false, &err))
		return report(&err, EXIT_FAILED);
	if (system_kexec_unload(arch->kexec_arch, opts->crash, &err))
		return report(&err, EXIT_FAILED);
	return 0;
}

static int do_exec(const struct options *opts)
{
	struct error err = { { 0 } };
	int loaded = system_kexec_loaded(false, &err);

	if (loaded < 0)
		return report(&err, EXIT_FAILED);
	if (!loaded) {
		fprintf(stderr, "kexec: no kernel is loaded: load one first with kexec -l KERNEL\n");
		return EXIT_USAGE;
	}
	if (!opts->no_sync)
		sync();
	if (!opts->no_ifdown)
		system_ifdown();
	system_kexec_reboot(&err);
	return report(&err, EXIT_FAILED);
}

int main(int argc, char **argv)
{
	struct options opts;
	struct error err = { { 0 } };
	const struct arch_backend *arch;
	bool native = false;
	int ret;

	if (options_parse(argc, argv, &opts, &err))
		return report(&err, EXIT_USAGE);

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
			report(&err, 2);
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
		return report(&err, opts.arch ? EXIT_USAGE : EXIT_FAILED);
	if (opts.action == ACTION_UNLOAD)
		return do_unload(&opts, arch);

	ret = do_load(&opts, arch, native);
	if (ret || opts.dry_run)
		return ret;
	if (opts.action == ACTION_LOAD_EXEC)
		return do_exec(&opts);
	if (opts.action == ACTION_LOAD_REBOOT) {
		system_shutdown_reboot(&err);
		return report(&err, EXIT_FAILED);
	}
	return 0;
}
