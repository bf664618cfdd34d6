/* The kexec_load(2) path: the running device tree (or --dtb, or ATAGs),
 * the crash header for -p, our plan and our purgatory. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "config.h"
#include "crash_header.h"
#include "dtb.h"
#include "load.h"
#include "loader.h"
#include "sha256_jobs.h"
#include "system.h"

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

int load_with_kexec_load(const struct options *opts, const struct arch_backend *arch,
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
				  native && !opts->crash, &in, &err);
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
	return ret ? report_error(&err, EXIT_FAILED) : 0;
}
