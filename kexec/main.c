/* kexec: the command.  Parses the request, asks the system layer for the
 * facts, has the pure planner decide, and only then touches the kernel:
 * a load that fails at any step leaves the loaded kernel as it was. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "arch.h"
#include "config.h"
#include "file_load.h"
#include "input_file.h"
#include "iomem.h"
#include "load.h"
#include "options.h"
#include "system.h"

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















static int do_load(const struct options *opts, const struct arch_backend *arch, bool native)
{
	struct syscall_facts facts;
	struct syscall_decision decision;
	struct error err = { { 0 } };
	int refused = 0, status;

	syscall_facts_read(opts, arch, native, &facts);
	syscall_decide(&facts, &decision, &err);
	if (decision.path == SYSCALL_PATH_REFUSED)
		return report_error(&err, EXIT_NO_FILE_SYSCALL);
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
		return report_error(&err, EXIT_NO_FILE_SYSCALL);
	if (decision.path == SYSCALL_PATH_FILE) {
		ret = system_kexec_file_unload(opts->crash);
		if (ret == 0)
			return 0;
		if (!(decision.may_fall_back && ret == -ENOSYS)) {
			explain_refusal_context(NULL, opts->crash, true, lockdown, sizeof(lockdown), &ctx);
			file_load_refusal(-ret, &ctx, &err);
			return report_error(&err, ret == -ENOSYS ? EXIT_NO_FILE_SYSCALL : EXIT_FAILED);
		}
	}
	if (check_lockdown_for_kexec_load(&facts, true, false, &err))
		return report_error(&err, EXIT_FAILED);
	if (system_kexec_unload(arch->kexec_arch, opts->crash, &err))
		return report_error(&err, EXIT_FAILED);
	return 0;
}

static int do_exec(const struct options *opts)
{
	struct error err = { { 0 } };
	int loaded = system_kexec_loaded(false, &err);

	if (loaded < 0)
		return report_error(&err, EXIT_FAILED);
	if (!loaded) {
		fprintf(stderr, "kexec: no kernel is loaded: load one first with kexec -l KERNEL\n");
		return EXIT_USAGE;
	}
	if (!opts->no_sync)
		sync();
	if (!opts->no_ifdown)
		system_ifdown();
	system_kexec_reboot(&err);
	return report_error(&err, EXIT_FAILED);
}

/* What the parsed options would do with the kernel once loaded: the last
 * line of a dry run, so that a caller's argv can be checked. */
static void print_dry_run_action(const struct options *opts)
{
	const char *then = "boot it with kexec -e";

	if (opts->crash)
		then = "boots on a panic";
	else if (opts->action == ACTION_LOAD_EXEC)
		then = "then boot it at once (-f or -e)";
	else if (opts->action == ACTION_LOAD_REBOOT)
		then = "then shutdown -r now (a kernel without -l)";
	printf("action: load into the %s slot, %s\n", opts->crash ? "crash" : "normal", then);
}

/* --print-ckr-size, as kexec-tools prints it: the crash kernel region's
 * size in bytes, in decimal, 0 when there is none.  arm64 may reserve two
 * regions (crashkernel=X,high and ,low): their sum is printed. */
static int print_ckr_size(void)
{
	struct file_data iomem;
	struct system_memory mem;
	struct error err = { { 0 } };
	uint64_t size = 0;
	size_t i;
	int ret;

	ret = file_load("/proc/iomem", 4u << 20, &iomem, &err);
	if (ret)
		return report_error(&err, EXIT_FAILED);
	system_memory_init(&mem);
	ret = iomem_parse((const char *)iomem.data, iomem.size, &mem, &err);
	file_release(&iomem);
	if (ret) {
		system_memory_free(&mem);
		return report_error(&err, EXIT_FAILED);
	}
	for (i = 0; i < mem.crash.n; i++)
		size += mem.crash.r[i].end - mem.crash.r[i].start;
	system_memory_free(&mem);
	printf("%" PRIu64 "\n", size);
	return 0;
}

int main(int argc, char **argv)
{
	struct options opts;
	struct error err = { { 0 } };
	const struct arch_backend *arch;
	bool native = false;
	int ret;

	if (options_parse(argc, argv, &opts, &err))
		return report_error(&err, EXIT_USAGE);

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
			report_error(&err, 2);
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
	case ACTION_PRINT_CKR_SIZE:
		return print_ckr_size();
	default:
		break;
	}

	arch = pick_backend(&opts, &native, &err);
	if (!arch)
		return report_error(&err, opts.arch ? EXIT_USAGE : EXIT_FAILED);
	if (opts.action == ACTION_UNLOAD)
		return do_unload(&opts, arch);

	ret = do_load(&opts, arch, native);
	if (ret)
		return ret;
	if (opts.dry_run) {
		print_dry_run_action(&opts);
		return 0;
	}
	if (opts.action == ACTION_LOAD_EXEC)
		return do_exec(&opts);
	if (opts.action == ACTION_LOAD_REBOOT) {
		system_shutdown_reboot(&err);
		return report_error(&err, EXIT_FAILED);
	}
	return 0;
}
