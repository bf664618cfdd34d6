/* The kexec_file_load(2) path: the kernel unpacked in memory and handed
 * over as a raw Image (a sealed memfd, or the file itself), the initrd as
 * given, the command line as for kexec_load(2); the kernel does the rest. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmdline.h"
#include "dtb.h"
#include "format.h"
#include "load.h"
#include "system.h"

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

int load_with_kexec_file(const struct options *opts, const struct arch_backend *arch,
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
				  &in, &err);
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
		return report_error(&err, status);
	return status;
}
