/* What both load paths share: reading and composing the inputs, the
 * syscall facts and the refusals' context. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmdline.h"
#include "format.h"
#include "load.h"
#include "system.h"

int report_error(const struct error *err, int status)
{
	fprintf(stderr, "kexec: %s\n", err->msg);
	return status;
}

void load_inputs_release(struct load_inputs *in)
{
	file_release(&in->kernel);
	file_release(&in->initrd);
	file_release(&in->dtb);
	file_release(&in->atags);
	free(in->kernel_unpacked);
	free(in->cmdline);
}

int build_cmdline(const struct options *opts, char **out, struct error *err)
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

/* Unwrapping holds at most KERNEL_LIMIT, and at most half of MemAvailable:
 * kexec_load(2) copies the unpacked kernel into kernel memory while we
 * still hold it, so a kernel unpacking past half of what is available
 * could never be loaded, and stopping there keeps a decompression bomb
 * from exhausting the machine first.  Without /proc/meminfo, KERNEL_LIMIT
 * alone. */
int unwrap_kernel(const char *path, struct load_inputs *in,
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
 * counts.  Read, checked (a kernel or a DTB is no initrd), it becomes the
 * next kernel's initrd. */
int load_initrd(const char *path, uint64_t largest, const char *largest_source,
		bool kernel_copies, struct load_inputs *in, struct error *err)
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
	ret = file_load(path, limit, &in->initrd, err);
	if (ret == -EFBIG && why) {
		memcpy(msg, err->msg, sizeof(msg));
		error_set(err, ret, "%s: %s (from %s)", msg, why, source);
	}
	if (!ret)
		ret = format_check_initrd(in->initrd.data, in->initrd.size, path, err);
	if (!ret)
		in->next_initrd = (struct input_file){ path, in->initrd.data, in->initrd.size };
	return ret;
}

/* A load copies its inputs into kernel memory it allocates during the
 * syscall: more than the machine has available and the OOM killer strikes
 * inside it (us, or another process).  Refused before, with the figures;
 * --dry-run prints them.  Without MemAvailable (Linux before 3.14) nothing
 * is checked. */
int check_kernel_memory(uint64_t need, const char *syscall_name, bool dry_run,
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
int apply_uki(const struct options *opts, const struct kernel_file *kernel,
	      struct load_inputs *in, const char **cmdline_source, struct error *err)
{
	bool cmdline_from_uki = false;

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
		cmdline_from_uki = true;
	}
	if (opts->debug)
		fprintf(stderr, "kexec: %s is a UKI: initrd %s, command line %s\n", opts->kernel,
			opts->initrd ? "from --initrd (its .initrd unused)" :
			kernel->uki.initrd ? "from its .initrd" : "none (it has no .initrd)",
			cmdline_from_uki ? "from its .cmdline" :
			kernel->uki.cmdline ? "from the options (its .cmdline unused)" :
					      "from the options (it has no .cmdline)");
	return 0;
}

/* What the syscall choice depends on, asked once. */
void syscall_facts_read(const struct options *opts, const struct arch_backend *arch,
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
int check_lockdown_for_kexec_load(const struct syscall_facts *facts, bool unload,
				  bool dry_run, struct error *err)
{
	char mode[32];

	if (!facts->native || system_lockdown(mode, sizeof(mode)) != 0 ||
	    !lockdown_blocks_kexec_load(mode))
		return 0;
	/* -c never asked whether the kernel has kexec_file_load(2): the
	 * advice depends on it. */
	load_lockdown_refusal(mode,
			      facts->file_present ||
				      (facts->choice == SYSCALL_LOAD && facts->native &&
				       facts->arch_has_file && system_kexec_file_present()),
			      facts->arch_has_file, unload, err);
	if (dry_run) {
		printf("note: %s\n", err->msg);
		return 0;
	}
	return -EPERM;
}

void explain_refusal_context(const char *kernel_path, bool crash, bool unload,
			     char *lockdown, size_t size, struct file_load_context *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->kernel_path = kernel_path;
	ctx->crash = crash;
	ctx->unload = unload;
	ctx->lockdown = system_lockdown(lockdown, size) == 0 ? lockdown : NULL;
	ctx->kexec_disabled = system_kexec_disabled();
	ctx->root = geteuid() == 0;
}
